"""Facts that used to have several owners, each of which drifted into a defect.

Each test here failed before the fact got one owner: script classes (``newsl10n.scripts``),
the entry state and note prefixes (``catalog.entry``), the slug (``source.article``), the
article's language (``pipeline.prepare_article``).
"""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Sequence
from pathlib import Path

import polib
import pytest

import newsl10n.run
from newsl10n import cli
from newsl10n.catalog import fingerprint
from newsl10n.catalog.entry import EntryState, own_comment, state
from newsl10n.catalog.status import collect
from newsl10n.config import EngineSettings, Settings, load_settings
from newsl10n.glossary.load import load_glossary
from newsl10n.review.desk import index_cells, make_desk
from newsl10n.review.editing import Edit, apply_edit, original_digest
from newsl10n.review.localized import join_sentences, read_localized
from newsl10n.review.pages import index_rows
from newsl10n.source.detect import Detection
from newsl10n.source.segment import Role, Segment, join_lines
from tests.conftest import SEED
from tests.helpers import po_path


class Echo:
    """An instant engine: the output is the input (the run's bookkeeping is under test)."""

    name = "echo"

    def __init__(self, _name: str = "echo", _settings: EngineSettings | None = None) -> None:
        pass

    def model_version(self, source: str, target: str) -> str:
        return f"echo {source}-{target} 1"

    def translate(self, texts: Sequence[str], source: str, target: str) -> list[str]:
        return [f"{t}" for t in texts]


def run(settings: Settings, **request: object) -> newsl10n.run.Report:
    return newsl10n.run.run(settings, newsl10n.run.Request(**request), engines=Echo)  # type: ignore[arg-type]


def settings_for(project: Path, targets: Sequence[str] = ("ru",)) -> Settings:
    return load_settings(project).with_overrides(targets=list(targets))


# ---------------------------------------------------------------- script facts


def test_hard_wrapped_korean_keeps_the_space_at_each_line_break() -> None:
    assert join_lines(["김정은 위원장은 대통령과", "평양에서 만났다."]) == (
        "김정은 위원장은 대통령과 평양에서 만났다."
    )
    assert join_lines(["双方在平壤", "举行会谈。"]) == "双方在平壤举行会谈。"
    assert join_lines(["Kim met", "Putin."]) == "Kim met Putin."


def test_korean_sentences_join_with_a_space_and_chinese_ones_without() -> None:
    assert (
        join_sentences(["회담이 열렸다.", "양측은 합의했다."]) == "회담이 열렸다. 양측은 합의했다."
    )
    assert join_sentences(["会谈举行。", "双方达成协议。"]) == "会谈举行。双方达成协议。"


# ---------------------------------------------------------------- notes


def _segment() -> Segment:
    return Segment("paragraph:abc", Role.PARAGRAPH, "Kim met Putin.", 1, 1, 3, "en")


def test_a_new_translation_drops_every_note_the_run_wrote_for_the_old_one() -> None:
    old = "\n".join(
        [
            "paragraph, paragraph 1, sentence 1; source language en",
            "a developer's note",
            "glossary: missing Kim Il Sung Square",
            "glossary: case Пхеньяне (prepositional) where the source needs nominative",
            "translation memory: 100% match",
            "not translated: no model",
            fingerprint.score_line(-0.5),
        ]
    )
    assert own_comment(old, _segment(), None).split("\n") == [
        "paragraph, paragraph 1, sentence 1; source language en",
        "a developer's note",
    ]


# ---------------------------------------------------------------- the slug


def test_a_markdown_article_with_its_own_slug_is_skipped_when_unchanged(project: Path) -> None:
    source = project / "source_articles"
    for old in source.iterdir():
        old.unlink()
    (source / "Some File Name.md").write_text(
        "---\nslug: summit-story\n---\n# Leaders meet\n\nKim met Putin in Pyongyang.\n",
        encoding="utf-8",
    )
    settings = settings_for(project)
    first = run(settings, bundles=False)
    assert [(r.slug, r.target) for r in first.results if not r.skipped] == [("summit-story", "ru")]
    again = run(settings, bundles=False)
    assert [(r.slug, r.skipped) for r in again.results] == [
        ("summit-story", newsl10n.run.UNCHANGED)
    ]


# ---------------------------------------------------------------- the article's language


def test_models_ensure_decides_the_language_as_the_run_does(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The whole-text guess says Russian; most segments are English: the run translates it
    as English, so ``models ensure`` must ask for the English pairs."""
    import newsl10n.pipeline

    monkeypatch.setattr(
        newsl10n.pipeline, "detect_language", lambda _text, _c: Detection("ru", 0.6, "test")
    )
    settings = settings_for(project, ["de"])
    pairs = cli.missing_pairs(settings, _NoModels())
    assert pairs == [("en", "de")]


class _NoModels:
    name = "none"

    def model_version(self, source: str, target: str) -> str:
        from newsl10n.errors import MissingModelError

        raise MissingModelError(source, target, "install it")


# ---------------------------------------------------------------- one entry state


def _approve_like(tool: str, path: Path) -> None:
    """Approve every fuzzy entry of ``path`` as ``tool`` does on disk."""
    if tool == "msgattrib":  # clears fuzzy, keeps #| lines and #. lines
        out = path.with_suffix(".tmp")
        subprocess.run(
            ["msgattrib", "--clear-fuzzy", "--no-wrap", "-o", str(out), str(path)], check=True
        )
        out.replace(path)
        return
    po = polib.pofile(str(path), wrapwidth=0)
    for entry in po:
        if "fuzzy" in entry.flags:
            entry.flags.remove("fuzzy")
            if tool == "poedit":  # Poedit also clears the previous-source lines
                entry.previous_msgid = entry.previous_msgctxt = None
    po.save(str(path))


def _edit_source(project: Path) -> None:
    article = project / "source_articles" / SEED.name
    text = article.read_text(encoding="utf-8")
    assert "ran for roughly two hours" in text
    article.write_text(
        text.replace("ran for roughly two hours", "ran for nearly two hours"), "utf-8"
    )


@pytest.mark.skipif(shutil.which("msgattrib") is None, reason="apt-get install gettext")
@pytest.mark.parametrize("tool", ["msgattrib", "poedit", "polib", "desk"])
def test_status_bundles_the_desk_and_the_page_agree_on_reviewed(tool: str, project: Path) -> None:
    settings = settings_for(project)
    run(settings, bundles=False)
    _edit_source(project)  # a changed source: entries with #| lines
    run(settings, bundles=False)
    path = po_path(project, "ru")
    assert any(e.previous_msgid for e in polib.pofile(str(path)))
    if tool == "desk":
        for entry in [e for e in polib.pofile(str(path)) if "fuzzy" in e.flags]:
            digest = original_digest(entry.msgstr)
            apply_edit(path, Edit(entry.msgctxt or "", entry.msgstr, digest, approve=True))
    else:
        _approve_like(tool, path)
    po = polib.pofile(str(path))
    reviewed = sum(1 for e in po if not e.obsolete and e.msgstr and "fuzzy" not in e.flags)
    assert reviewed == len([e for e in po if not e.obsolete])

    status = collect(settings.locales).totals["ru"].reviewed
    run(settings)  # unchanged article; the edited catalog's bundle is rebuilt
    _languages, rows = index_rows(settings.bundles)
    index = rows[0].cells["ru"].counts.reviewed
    page = read_localized(path, slug=SEED.stem, lang="ru", root=project).counts.reviewed
    glossary = load_glossary(settings.glossary)
    desk_of = make_desk(settings, glossary, host="127.0.0.1", reviewer="")
    desk = next(c.reviewed for c in index_cells(desk_of) if c.lang == "ru")
    assert status == index == page == desk == reviewed
    assert all(state(e) is EntryState.REVIEWED for e in po if not e.obsolete)


# ---------------------------------------------------------------- a person's decision


@pytest.mark.parametrize("tool", ["msgattrib", "poedit"])
def test_an_approved_machine_text_survives_a_source_edit_and_retranslate(
    tool: str, project: Path
) -> None:
    if tool == "msgattrib" and shutil.which("msgattrib") is None:
        pytest.skip("apt-get install gettext")
    settings = settings_for(project)
    run(settings, bundles=False)
    path = po_path(project, "ru")
    _approve_like(tool, path)  # approved unchanged: the fingerprint line stays
    approved = {e.msgid: e.msgstr for e in polib.pofile(str(path))}
    assert any(fingerprint.PREFIX in (e.comment or "") for e in polib.pofile(str(path)))
    _edit_source(project)
    run(settings, bundles=False)
    changed = [e for e in polib.pofile(str(path)) if e.previous_msgid]
    assert changed and all(not fingerprint.is_machine(e) for e in changed)
    assert all(state(e) is EntryState.CHANGED for e in changed)
    run(settings, bundles=False, retranslate=True)
    after = polib.pofile(str(path))
    for entry in changed:
        kept = next(e for e in after if e.msgctxt == entry.msgctxt)
        assert kept.msgstr == approved[entry.previous_msgid]
