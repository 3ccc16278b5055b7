"""Articles at the edges: very long, one line, no punctuation, no model for their language, and
a folder of bad files; each fails alone and by name, and the good ones are translated."""

from __future__ import annotations

import os
from pathlib import Path

import polib
import pytest

from newsl10n.config import load_settings
from newsl10n.engines import argos
from newsl10n.engines.argos import ArgosEngine
from newsl10n.glossary.load import load_glossary
from newsl10n.pipeline import prepare_article, translate_pair
from newsl10n.run import run
from newsl10n.source.article import slugify
from tests.conftest import SEED
from tests.helpers import (
    SLUG,
    Echo,
    invoke,
    msgfmt_check,
    no_traceback,
    po_in,
    po_path,
    said,
    translate,
)
from tests.source.test_article import LAUGHS, SECRET


def test_a_20000_character_paragraph_without_punctuation(project: Path, copy_models: Path) -> None:
    words = " ".join(f"word{i}" for i in range(2900))
    article = project / "source_articles" / "run-on.txt"
    article.write_text(f"A Run-On Story\n\n{words}\n", encoding="utf-8")
    result = translate(project, "de", article)
    assert not result.error and result.translated == 2
    entry = polib.pofile(str(po_path(project, "de", "run-on")))[1]
    assert len(entry.msgid) > 20_000 and entry.msgstr == entry.msgid
    msgfmt_check(po_path(project, "de", "run-on"))


def test_an_article_in_a_language_without_a_model_names_what_to_install(
    project: Path, copy_models: Path
) -> None:
    article = project / "source_articles" / "korean.txt"
    article.write_text(
        "푸틴 대통령 평양 도착\n\n블라디미르 푸틴 러시아 대통령이 19일 평양에 도착했다. "
        "김정은 국무위원장이 공항에서 그를 맞이했다.\n",
        encoding="utf-8",
    )
    result = translate(project, "de", article)
    assert "ko→de" in result.error and "newsl10n models download ko-en" in result.error
    assert not po_path(project, "de", "korean").exists()


def test_a_5_mb_article_is_read_segmented_and_catalogued(project: Path) -> None:
    seed = SEED.read_text(encoding="utf-8")
    head, title, body = seed.split("\n\n", 2)
    body = body.replace("COMMENTS", "")
    article = project / "source_articles" / "huge.txt"
    article.write_text("\n\n".join([head, title, *[body] * 1600]), encoding="utf-8")
    assert article.stat().st_size > 5_000_000
    settings = load_settings(project)
    prepared = prepare_article(article, settings)
    assert len(prepared.segments) > 45_000
    assert len({s.id for s in prepared.segments}) == len(prepared.segments)
    result = translate_pair(prepared, "de", Echo(), settings)
    assert not result.error and result.translated == len(prepared.segments)
    msgfmt_check(po_path(project, "de", "huge"))


def test_a_1_mb_one_line_article_fails_its_long_segment_by_name(
    project: Path, copy_models: Path
) -> None:
    words = " ".join(SEED.read_text(encoding="utf-8").replace(".", "").split())
    line = (words + " ") * (1_000_000 // len(words) + 1)
    article = project / "source_articles" / "one-line.txt"
    article.write_text(f"A One-Line Story\n\n{line[:1_000_000]}\n", encoding="utf-8")
    settings = load_settings(project)
    prepared = prepare_article(article, settings)
    glossary = load_glossary(settings.glossary)
    result = translate_pair(prepared, "de", ArgosEngine(), settings, glossary=glossary)
    assert result.failed == 1 and not result.error  # the long segment alone, no crash
    po = polib.pofile(result.catalog)
    title = next(e for e in po if e.msgid == "A One-Line Story")
    assert title.msgstr and "token limit" not in title.comment  # sent in the same batch
    (long,) = [e for e in po if e.msgid != "A One-Line Story"]
    assert not long.msgstr and "token limit for one segment: split that paragraph" in long.comment


def test_a_runaway_paragraph_leaves_only_itself_untranslated(
    project: Path, copy_models: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An audit: one article with a 30,000-word line left every other article of the
    batch untranslated in that language, on every run (the whole engine call was refused
    for the one segment over the limit)."""
    monkeypatch.setattr(argos, "MAX_SEGMENT_TOKENS", 150)
    source = project / "source_articles"
    (source / "runaway.txt").write_text("Runaway Headline\n\n" + "word " * 600 + "\n")
    report = run(load_settings(project).with_overrides(targets=["de"]))
    by_slug = {r.slug: r for r in report.results}
    assert by_slug["runaway"].failed == 1 and by_slug["runaway"].translated == 1
    seed = by_slug[SEED.stem]
    assert seed.failed == 0 and seed.translated > 10


def test_a_run_over_every_bad_input_translates_the_good_article(
    project: Path, copy_models: Path, prefect_server: None, tmp_path: Path
) -> None:
    source = project / "source_articles"
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.txt").write_text(f"Secret Title\n\n{SECRET}\n")
    (source / "linked.txt").symlink_to(outside / "secret.txt")
    os.mkfifo(source / "pipe.txt")
    (source / "folder.txt").mkdir()
    (source / "laughs.md").write_text(LAUGHS)
    (source / "us.md").write_text("---\nlanguage: en-US\n---\n\n# US Story\n\nA short text.\n")
    (source / "bad-tag.md").write_text("---\nlanguage: xx-YY\n---\n\n# Title\n\nText.\n")
    (source / "newline-slug.md").write_text('---\nslug: "abc\\n"\n---\n\n# Title\n\nText.\n')
    (source / "latin1.txt").write_bytes("Le président est arrivé.".encode("latin-1"))
    (source / "北京峰会.txt").write_text("Beijing Summit\n\nLeaders met in Beijing today.\n")
    words = " ".join(SEED.read_text(encoding="utf-8").replace(".", "").split())
    (source / "one-line.txt").write_text("A One-Line Story\n\n" + words * 420 + "\n")
    result = invoke(project, "run", "--to", "de")
    no_traceback(result)
    assert result.exit_code == 1
    names = ("laughs.md", "bad-tag.md", "newline-slug.md", "latin1.txt", "linked.txt",
             "pipe.txt", "folder.txt")  # fmt: skip
    for name in names:
        assert str(source / name) in said(result), name
    assert "one-line → de: 1 segment(s) left untranslated" in said(result)
    locales, bundles = project / "locales", project / "bundles"
    assert (po_in(locales, "de")).is_file()
    assert (bundles / "de" / SLUG / "article.html").is_file()
    assert (po_in(locales, "de", "us")).is_file()  # en-US read as en
    assert (po_in(locales, "de", slugify("北京峰会"))).is_file()
    written = [p for folder in (locales, bundles) for p in folder.rglob("*") if p.is_file()]
    assert not [p for p in written if "outside secret" in p.read_text(errors="replace")]
    assert not (po_in(locales, "de", "linked")).exists()
