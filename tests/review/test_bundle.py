"""Localized article bundles: layout restored from catalogs alone, stable rebuilds, zips."""

from __future__ import annotations

import hashlib
import html.parser
import json
import shutil
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import jsonschema
import polib
import pytest
from markdown_it import MarkdownIt

from newsl10n.catalog.entry import EntryState, not_translated_reason
from newsl10n.config import load_settings
from newsl10n.review.bundle import BundleReport, build_bundles
from newsl10n.review.findings import group_findings
from newsl10n.review.localized import (
    LocalizedArticle,
    join_sentences,
    localize,
    unwrap_notes,
)
from newsl10n.review.render import md_escape, render_html, render_markdown
from newsl10n.run import Request, run
from tests.conftest import ROOT, SEED
from tests.helpers import SLUG, echo_catalog, invoke, no_traceback, po_in, po_name, po_path, said

SCHEMA = json.loads((ROOT / "schemas" / "manifest.schema.json").read_text(encoding="utf-8"))
T1 = datetime(2024, 6, 19, 9, 0, tzinfo=UTC)
T2 = datetime(2024, 6, 20, 9, 0, tzinfo=UTC)


# ---------------------------------------------------------------- helpers (shared)


def new_project(folder: Path, article: Path = SEED, text: str | None = None) -> Path:
    """A project like conftest's ``project``, optionally with the article text replaced."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "pyproject.toml").write_text("[tool.newsl10n]\n", encoding="utf-8")
    (folder / "source_articles").mkdir(exist_ok=True)
    target = folder / "source_articles" / article.name
    if text is None:
        shutil.copy(article, target)
    else:
        target.write_text(text, encoding="utf-8")
    return folder


def translate_seed(project: Path, targets: Sequence[str], article: str = SEED.name) -> None:
    """Real catalogs through the library's run with copy models (bundles left to the test;
    no glossary, so copy-model output stays exactly the source)."""
    none = project / "no-glossary"
    settings = load_settings(project).with_overrides(targets=list(targets), glossary=none)
    request = Request(articles=(project / "source_articles" / article,), bundles=False)
    report = run(settings, request)
    assert report.ok and all(not r.skipped for r in report.results), report.results


def po_entry(
    ctxt: str,
    msgid: str,
    msgstr: str = "",
    *,
    position: tuple[int, int] = (1, 1),
    fuzzy: bool = True,
    lang: str = "en",
    line: int = 1,
    previous: str | None = None,
    notes: Sequence[str] = (),
    comment: str | None = None,
) -> polib.POEntry:
    """An entry shaped like the pipeline's: role from msgctxt, position in the comment."""
    role = ctxt.split(":", 1)[0]
    described = f"{role}, paragraph {position[0]}, sentence {position[1]}; source language {lang}"
    entry = polib.POEntry(
        msgctxt=ctxt,
        msgid=msgid,
        msgstr=msgstr,
        comment="\n".join([described, *notes]) if comment is None else comment,
        occurrences=[("source_articles/story.txt", str(line))],
        flags=["fuzzy"] if fuzzy and msgstr else [],
    )
    if previous is not None:
        entry.previous_msgid = previous
    return entry


def write_catalog(
    locales: Path,
    lang: str,
    entries: Sequence[polib.POEntry],
    slug: str = "story",
    **meta: str,
) -> Path:
    po = polib.POFile(wrapwidth=79)
    po.metadata = {
        "Language": lang,
        "MIME-Version": "1.0",
        "Content-Type": "text/plain; charset=UTF-8",
        "Content-Transfer-Encoding": "8bit",
        "X-Source-File": "source_articles/story.txt",
        "X-Source-SHA256": "0" * 64,
        "X-Source-Language": "en",
        "X-Source-Language-Confidence": "0.98",
        "X-Machine-Translation": f"argos translate-en_{lang} 1.9",
        **meta,
    }
    for entry in entries:
        po.append(entry)
    path = po_in(locales, lang, slug)
    path.parent.mkdir(parents=True, exist_ok=True)
    po.save(str(path))
    return path


STORY = [
    po_entry("caption:c1", "Leaders meet in Pyongyang.", "Лидеры встречаются.", position=(1, 1)),
    po_entry("credit:c2", "Photo: Reuters", "Фото: Reuters", position=(1, 2), fuzzy=False),
    po_entry("title:t1", "A Title", "Заголовок", position=(2, 1), fuzzy=False, line=3),
    po_entry("paragraph:p1", "First sentence.", "Первое.", position=(3, 1), line=5),
    po_entry("paragraph:p2", "Second one.", "", position=(3, 2), line=5),
    po_entry("heading:h1", "A Heading", "Подзаголовок", position=(4, 1), line=7),
    po_entry(
        "paragraph:p3",
        "Edited sentence.",
        "Старый перевод.",
        position=(5, 1),
        line=9,
        previous="Old sentence.",
    ),
]


def story_article(
    tmp_path: Path, entries: Sequence[polib.POEntry] = STORY, lang: str = "ru"
) -> LocalizedArticle:
    path = write_catalog(tmp_path / "locales", lang, entries)
    return localize(polib.pofile(str(path)), slug="story", lang=lang, path=path, root=tmp_path)


def mtimes(folder: Path) -> dict[Path, tuple[bytes, int]]:
    return {p: (p.read_bytes(), p.stat().st_mtime_ns) for p in sorted(folder.rglob("*"))
            if p.is_file()}  # fmt: skip


# ---------------------------------------------------------------- the seed, end to end


@pytest.fixture(scope="module")
def seed_project(tmp_path_factory: pytest.TempPathFactory, copy_models: Path) -> Path:
    project = new_project(tmp_path_factory.mktemp("bundle-seed"))
    translate_seed(project, ["de", "ru", "ja"])
    return project


@pytest.fixture
def seeded(seed_project: Path, tmp_path: Path) -> Path:
    """A private copy of the translated seed project (tests edit catalogs)."""
    return Path(shutil.copytree(seed_project, tmp_path / "project"))


def build(
    project: Path,
    clock: datetime = T1,
    *,
    languages: Sequence[str] | None = None,
    slugs: Sequence[str] | None = None,
    zip_: bool = False,
) -> BundleReport:
    return build_bundles(
        project / "locales",
        project / "bundles",
        languages,
        slugs,
        root=project,
        zip_=zip_,
        clock=lambda: clock,
    )


def source_blocks(text: str) -> list[str]:
    return [" ".join(b.split()) for b in text.split("\n\n") if b.strip()]


def test_article_md_restores_the_seed_layout(seeded: Path) -> None:
    report = build(seeded)
    assert report.ok and [(r.lang, r.error) for r in report.bundles] == [
        ("de", ""),
        ("ja", ""),
        ("ru", ""),
    ]
    md = (seeded / "bundles" / "de" / SLUG / "article.md").read_text(encoding="utf-8")
    blocks = md.rstrip("\n").split("\n\n")
    # Copy models translate into the source text, so the article must come back as it was
    # (minus the scrape residue), block for block, with sentences re-joined.
    expected = [b for b in source_blocks(SEED.read_text(encoding="utf-8")) if b != "COMMENTS"]
    assert len(blocks) == len(expected)
    assert blocks[0] == f"*{expected[0]}*"  # caption with its credit
    assert blocks[1] == f"# {expected[1]}"
    assert "## Strategic Implications" in blocks and "## Lavish Reception for Putin" in blocks
    plain = [b.removeprefix("## ").removeprefix("# ").strip("*") for b in blocks]
    assert plain == expected


def test_article_html_is_standalone_with_language_and_direction(seeded: Path) -> None:
    build(seeded)
    page = (seeded / "bundles" / "ru" / SLUG / "article.html").read_text(encoding="utf-8")
    assert page.startswith('<!doctype html>\n<html lang="ru" dir="ltr">')
    assert "<h1>" in page and page.count("<h2>") == 3
    for external in ("http://", "https://", "<script", '<link rel="stylesheet"', "@import"):
        assert external not in page


def test_manifest_follows_the_schema(seeded: Path) -> None:
    jsonschema.Draft202012Validator.check_schema(SCHEMA)
    build(seeded)
    for lang in ("de", "ja", "ru"):
        folder = seeded / "bundles" / lang / SLUG
        manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
        jsonschema.validate(manifest, SCHEMA)
        po = polib.pofile(str(po_path(seeded, lang)))
        assert manifest["language"] == lang
        assert manifest["source"] == {
            "file": f"source_articles/{SEED.name}",
            "sha256": hashlib.sha256(SEED.read_bytes()).hexdigest(),
            "language": "en",
            "language_confidence": float(po.metadata["X-Source-Language-Confidence"]),
        }
        assert manifest["catalog"]["path"] == po_name(lang)
        assert manifest["machine_translation"]["packages"] == [
            {"engine": "argos", "package": f"translate-en_{lang}", "version": "0.0.1-copy"}
        ]
        assert manifest["counts"]["segments"] == manifest["counts"]["machine"] == len(po)
        assert manifest["built_at"] == "2024-06-19T09:00:00Z"
        for name, digest in manifest["files"].items():
            assert hashlib.sha256((folder / name).read_bytes()).hexdigest() == digest


def test_rebuild_rewrites_nothing_and_keeps_built_at(seeded: Path) -> None:
    build(seeded, zip_=True)
    before = mtimes(seeded / "bundles")
    report = build(seeded, T2, zip_=True)
    assert all(r.written == () for r in report.bundles)
    assert not report.index_written and not any(a.written for a in report.archives)
    assert mtimes(seeded / "bundles") == before


def test_a_translators_edit_rebuilds_that_bundle_with_a_new_built_at(seeded: Path) -> None:
    build(seeded)
    path = po_path(seeded, "ru")
    po = polib.pofile(str(path))
    entry = next(e for e in po if e.msgid == "Strategic Implications")
    entry.msgstr = "Стратегические последствия"
    entry.flags.remove("fuzzy")
    po.save(str(path))
    others = {lang: mtimes(seeded / "bundles" / lang) for lang in ("de", "ja")}

    report = build(seeded, T2)
    ru = next(r for r in report.bundles if r.lang == "ru")
    assert set(ru.written) == {"article.md", "article.html", "manifest.json", "review.html"}
    assert ru.counts is not None and ru.counts.reviewed == 1
    assert {lang: mtimes(seeded / "bundles" / lang) for lang in others} == others
    manifest = json.loads((ru.folder / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["built_at"] == "2024-06-20T09:00:00Z"
    assert manifest["counts"]["reviewed"] == 1
    assert "## Стратегические последствия\n" in (ru.folder / "article.md").read_text("utf-8")


def test_zip_holds_every_language_and_is_reproducible(seeded: Path) -> None:
    report = build(seeded, zip_=True)
    (archive,) = report.archives
    assert archive.path == seeded / "bundles" / f"{SLUG}.zip" and archive.written
    with zipfile.ZipFile(archive.path) as zf:
        names = sorted(zf.namelist())
        assert zf.testzip() is None
        assert (
            zf.read(f"{SLUG}/ru/article.md")
            == (seeded / "bundles" / "ru" / SLUG / "article.md").read_bytes()
        )
    assert names == sorted(
        f"{SLUG}/{lang}/{name}"
        for lang in ("de", "ja", "ru")
        for name in ("article.md", "article.html", "manifest.json", "review.html")
    )
    first = archive.path.read_bytes()
    archive.path.unlink()
    build(seeded, T2, zip_=True)
    assert archive.path.read_bytes() == first


def test_only_the_languages_and_articles_asked_for(seeded: Path) -> None:
    report = build(seeded, languages=["ru", "ko"], slugs=[SLUG])
    assert [(r.lang, bool(r.counts), r.skipped) for r in report.bundles] == [
        ("ru", True, ""),
        ("ko", False, "no catalog"),
    ]
    assert sorted(p.name for p in (seeded / "bundles").iterdir()) == ["index.html", "ru"]
    missing = build(seeded, slugs=["no-such-article"])
    assert not missing.ok and "no-such-article" in missing.bundles[0].error


def test_a_broken_catalog_fails_alone(seeded: Path) -> None:
    path = po_path(seeded, "ja")
    path.write_text(path.read_text(encoding="utf-8") + '\nmsgid "unterminated\n', "utf-8")
    report = build(seeded)
    failed = [r for r in report.bundles if r.error]
    assert [r.lang for r in failed] == ["ja"] and str(path) in failed[0].error
    assert {r.lang for r in report.bundles if r.counts} == {"de", "ru"}


def test_a_changed_source_file_is_reported(seeded: Path) -> None:
    article = seeded / "source_articles" / SEED.name
    article.write_text(article.read_text(encoding="utf-8") + "\nOne more line.\n", "utf-8")
    report = build(seeded, languages=["de"])
    assert "changed since" in report.bundles[0].warnings[0]


# ---------------------------------------------------------------- from hand-made catalogs


def test_states_and_text_choice(tmp_path: Path) -> None:
    article = story_article(tmp_path)
    states = {u.id: u.state for u in article.units}
    # The hand-made catalog's fuzzy entries carry no machine fingerprint: a person's drafts.
    assert states == {
        "caption:c1": EntryState.DRAFT,
        "credit:c2": EntryState.REVIEWED,
        "title:t1": EntryState.REVIEWED,
        "paragraph:p1": EntryState.DRAFT,
        "paragraph:p2": EntryState.UNTRANSLATED,
        "heading:h1": EntryState.DRAFT,
        "paragraph:p3": EntryState.CHANGED,
    }
    assert render_markdown(article) == (
        "*Лидеры встречаются. Фото: Reuters*\n\n# Заголовок\n\nПервое. Second one.\n\n"
        "## Подзаголовок\n\nСтарый перевод.\n"
    )
    assert render_markdown(article, keep_source_for_unreviewed=True) == (
        "*Leaders meet in Pyongyang. Фото: Reuters*\n\n# Заголовок\n\n"
        "First sentence. Second one.\n\n## A Heading\n\nEdited sentence.\n"
    )
    counts = article.counts
    assert (counts.reviewed, counts.draft, counts.changed, counts.untranslated) == (2, 3, 1, 1)


def test_source_text_in_html_is_marked_with_its_language(tmp_path: Path) -> None:
    page = render_html(story_article(tmp_path), keep_source_for_unreviewed=True)
    assert '<span data-segment="paragraph:p2" data-state="untranslated" lang="en" dir="ltr">' in (
        page
    )
    title = '<span data-segment="title:t1" data-state="reviewed" dir="ltr">Заголовок</span>'
    assert title in page  # every sentence its own isolate: an unclosed override stays in it


def test_obsolete_entries_are_not_part_of_the_article(tmp_path: Path) -> None:
    gone = po_entry("paragraph:old", "Gone.", "Ушло.", position=(3, 3))
    gone.obsolete = True
    article = story_article(tmp_path, [*STORY, gone])
    assert "paragraph:old" not in {u.id for u in article.units}


def test_an_entry_without_position_comment_stands_alone(tmp_path: Path) -> None:
    odd = po_entry("heading:x", "Added By Hand", "Добавлено", comment="")
    article = story_article(tmp_path, [*STORY[:3], odd, *STORY[3:]])
    assert "# Заголовок\n\n## Добавлено\n\nПервое." in render_markdown(article)


@pytest.mark.parametrize(
    ("sentences", "joined"),
    [
        (["第一句。", "第二句！", "“第三句。”", "「第四」"], "第一句。第二句！“第三句。”「第四」"),
        (["最初の文。", "次の文。"], "最初の文。次の文。"),
        (["첫 문장입니다.", "두 번째 문장."], "첫 문장입니다. 두 번째 문장."),
        (
            ["日本語の文。", "An English one.", "また日本語。"],
            "日本語の文。 An English one. また日本語。",
        ),
        (["Один.", "Два."], "Один. Два."),
        (["واحد.", "اثنان."], "واحد. اثنان."),
    ],
)
def test_sentences_are_joined_as_the_language_writes_them(
    sentences: list[str], joined: str
) -> None:
    assert join_sentences(sentences) == joined


def test_cjk_paragraph_in_markdown(tmp_path: Path) -> None:
    entries = [
        po_entry("title:t", "Title", "标题", fuzzy=False),
        po_entry("paragraph:a", "One.", "第一句。", position=(2, 1)),
        po_entry("paragraph:b", "Two.", "第二句。", position=(2, 2)),
    ]
    assert render_markdown(story_article(tmp_path, entries, "zh")) == "# 标题\n\n第一句。第二句。\n"


def test_right_to_left_languages_get_dir_rtl(tmp_path: Path) -> None:
    entries = [po_entry("title:t", "Title", "عنوان", fuzzy=False)]
    page = render_html(story_article(tmp_path, entries, "ar"))
    assert '<html lang="ar" dir="rtl">' in page and "<h1>" in page


class _Text(html.parser.HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.text = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)

    def handle_data(self, data: str) -> None:
        self.text += data


@pytest.mark.parametrize(
    "text",
    [
        "<script>alert(1)</script> & &amp; &#60; *not em* _nor_ `code` [a](b) ~~x~~ \\ <b>",
        "# not a heading",
        "1. not a list",
        "- not a list",
        "+ not a list",
        "2024) not a list",
        "--- not a rule",
    ],
)
def test_markdown_shows_text_literally(text: str) -> None:
    rendered = MarkdownIt("commonmark").enable("strikethrough").render(md_escape(text))
    parsed = _Text()
    parsed.feed(rendered)
    assert parsed.tags == ["p"] and parsed.text.strip() == text


@dataclass(frozen=True)
class _Finding:
    severity: str
    message: str


def test_findings_match_whichever_way_the_catalog_path_is_spelled(tmp_path: Path) -> None:
    path = write_catalog(tmp_path / "locales", "ru", STORY)
    findings = {
        (po_name("ru", "story"), "paragraph:p1"): [_Finding("warning", "relative")],
        (str(path.resolve()), "heading:h1"): [_Finding("error", "absolute")],
        (str(path), ""): [_Finding("info", "whole catalog")],
    }
    report = build_bundles(
        tmp_path / "locales", tmp_path / "bundles", root=tmp_path, findings=findings
    )
    assert report.bundles[0].findings == 3
    manifest = json.loads(
        (tmp_path / "bundles" / "ru" / "story" / "manifest.json").read_text(encoding="utf-8")
    )
    jsonschema.validate(manifest, SCHEMA)
    assert [(f["segment"], f["message"]) for f in manifest["qa"]["findings"]] == [
        ("", "whole catalog"),
        ("paragraph:p1", "relative"),
        ("heading:h1", "absolute"),
    ]
    assert manifest["qa"]["by_severity"] == {"error": 1, "info": 1, "warning": 1}
    assert manifest["glossary_sha256"] is None


def test_comment_lines_wrapped_by_po_writers_are_one_note() -> None:
    lines = [
        "not translated: no translation model installed for ru→ko; install it with",
        "`newsl10n models download ru-en en-ko`",
        "glossary: Pyongyang → Пхеньян",
        "",
    ]
    assert unwrap_notes(lines) == (
        "not translated: no translation model installed for ru→ko; install it with "
        "`newsl10n models download ru-en en-ko`",
        "glossary: Pyongyang → Пхеньян",
    )


@dataclass(frozen=True)
class _Located:
    file: str
    msgctxt: str
    severity: str
    message: str


def test_a_flat_list_of_qa_findings_is_grouped_by_catalog_and_entry(tmp_path: Path) -> None:
    write_catalog(tmp_path / "locales", "ru", STORY)
    found = [
        _Located(po_name("ru", "story"), "title:t1", "error", "one"),
        _Located(po_name("ru", "story"), "title:t1", "warning", "two"),
        _Located(po_name("ru", "story"), "", "error", "unreadable"),
    ]
    grouped = group_findings(found)
    assert [len(v) for v in grouped.values()] == [2, 1]
    report = build_bundles(
        tmp_path / "locales", tmp_path / "bundles", root=tmp_path, findings=grouped
    )
    assert report.bundles[0].findings == 3


def test_a_catalog_named_dots_never_builds_outside_its_folder(project: Path) -> None:
    good = echo_catalog(project)
    shutil.copy(good, good.parent / "...po")  # slug ".."
    result = invoke(project, "bundle", "--zip")
    no_traceback(result)
    assert result.exit_code == 1
    assert f"{good.parent / '...po'}: '..' is not a safe slug" in said(result)
    bundles = project / "bundles"
    assert (bundles / "de" / SLUG / "article.md").is_file()
    assert not (bundles / "de" / "article.md").exists() and not (bundles / "article.md").exists()
    with zipfile.ZipFile(bundles / f"{SLUG}.zip") as archive:
        assert all(n.startswith(f"{SLUG}/de/") for n in archive.namelist())
    assert sorted(p.name for p in bundles.iterdir()) == ["de", "index.html", f"{SLUG}.zip"]


def test_msgstr_block_syntax_stays_text_in_article_md(project: Path) -> None:
    path = echo_catalog(project)
    po = polib.pofile(str(path), wrapwidth=0)
    paragraphs = [e for e in po if e.msgctxt.startswith("paragraph:")]
    hostile = ["Text.\n\n# Owned heading", "- a list item", "1. numbered", "> quoted",
               "Line\n===", "    indented code", "Text\n\n<script>x</script>"]  # fmt: skip
    for entry, text in zip(paragraphs, hostile, strict=False):
        entry.msgstr = text
    po.save(str(path))
    result = invoke(project, "bundle", "--to", "de")
    assert result.exit_code == 0, result.output
    md = (project / "bundles" / "de" / SLUG / "article.md").read_text()
    tokens = MarkdownIt("commonmark").parse(md)
    kinds = {t.type for t in tokens}
    assert not kinds & {"bullet_list_open", "ordered_list_open", "blockquote_open",
                        "code_block", "html_block", "hr"}  # fmt: skip
    headings = [t for t in tokens if t.type == "heading_open"]
    assert len(headings) == len([e for e in po if e.msgctxt.split(":")[0] in ("title", "heading")])
    assert "Owned heading" in md and "<script>" not in md


def test_korean_sentences_join_with_a_space_and_chinese_ones_without() -> None:
    assert (
        join_sentences(["회담이 열렸다.", "양측은 합의했다."]) == "회담이 열렸다. 양측은 합의했다."
    )
    assert join_sentences(["会谈举行。", "双方达成协议。"]) == "会谈举行。双方达成协议。"


def test_catalogs_edited_since_the_last_build_get_their_bundles_rebuilt(
    project: Path, copy_models: Path
) -> None:
    assert invoke(project, "run", "--to", "fr").exit_code == 0
    path = po_path(project, "fr")
    po = polib.pofile(str(path))
    entry = next(e for e in po if e.msgid == "Strategic Implications")
    entry.msgstr, entry.flags = "Conséquences stratégiques", []
    po.save(str(path))  # a translator's save; the article itself is unchanged
    result = invoke(project, "run", "--to", "fr")
    code, output = result.exit_code, result.output
    assert code == 0 and "unchanged since the last run" in output
    page = project / "bundles" / "fr" / SEED.stem / "article.md"
    assert "Conséquences stratégiques" in page.read_text(encoding="utf-8")


def test_a_new_bundle_appears_whole_and_a_leftover_folder_is_not_on_the_index(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A new bundle is written in a temporary folder and renamed into place (one rename,
    not one per file); a killed write's temporary folder is not listed as a bundle; a
    folder made meanwhile by another writer leaves the files to be written one by one."""
    from newsl10n.review import bundle
    from newsl10n.review.pages import index_rows

    bundles = tmp_path / "bundles"
    folder = bundles / "ru" / "story"
    renames: list[tuple[str, str]] = []
    real_rename = bundle.os.rename

    def rename(src: str | Path, dst: str | Path) -> None:
        renames.append((Path(src).name, Path(dst).name))
        real_rename(src, dst)

    monkeypatch.setattr(bundle.os, "rename", rename)
    assert bundle.write_new_folder(folder, {"a.txt": b"A", "manifest.json": b"{}"})
    assert sorted(p.name for p in folder.iterdir()) == ["a.txt", "manifest.json"]
    assert len(renames) == 1 and renames[0][1] == "story" and renames[0][0].startswith(".story.")
    assert [p.name for p in (bundles / "ru").iterdir()] == ["story"]  # nothing left beside
    assert not bundle.write_new_folder(folder, {"a.txt": b"B"})  # there already: not written
    assert (folder / "a.txt").read_bytes() == b"A"
    leftover = bundles / "ru" / ".other.0a1b2c3d.tmp"
    leftover.mkdir()
    (leftover / "manifest.json").write_text("{}", encoding="utf-8")
    _, rows = index_rows(bundles)
    assert ".other.0a1b2c3d.tmp" not in {row.slug for row in rows}


def test_a_killed_bundle_write_is_cleared_by_the_next_index(tmp_path: Path) -> None:
    import os
    import time

    from newsl10n.review import bundle

    bundles = tmp_path / "bundles"
    old = bundles / "ru" / ".story.0a1b2c3d.tmp"
    fresh = bundles / "ru" / ".other.0a1b2c3d.tmp"  # maybe a live writer's: kept
    for folder in (old, fresh):
        folder.mkdir(parents=True)
        (folder / "article.md").write_text("half", encoding="utf-8")
    hours_ago = time.time() - 2 * bundle.LEFTOVER_SECONDS
    os.utime(old, (hours_ago, hours_ago))
    bundle.write_index(bundles)
    assert not old.exists() and fresh.is_dir()


def test_a_note_holding_a_line_separator_or_a_carriage_return_is_one_note(
    tmp_path: Path,
) -> None:
    """A comment's lines are what the catalog holds between ``\\n`` (as gettext reads it):
    U+2028 or an engine's ``\\r`` inside a note does not cut it in two, on the page or in
    the reason a run gives for an entry left empty."""
    note = "not translated: engine crashed: loading 10%\rloading 100%"
    entry = polib.POEntry(
        msgctxt="paragraph:p1",
        msgid="One.",
        msgstr="",
        comment=f"paragraph, paragraph 1, sentence 1; source language en\n{note}\nteam:\u2028b",
    )
    po = polib.POFile()
    po.metadata = {"Language": "ru"}
    po.append(entry)
    article = localize(po, slug="story", lang="ru", path=tmp_path / "story.po", root=tmp_path)
    assert article.units[0].notes == (note, "team:\u2028b")
    assert not_translated_reason(entry.comment) == "engine crashed: loading 10%\rloading 100%"
