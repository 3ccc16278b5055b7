"""The one entry state (``catalog.entry``): status, bundles, the desk and the review page agree
on what is reviewed however it was approved, an approval survives a source edit, and a new
translation drops the notes written for the old one."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import polib
import pytest
from translate.storage import pypo

from newsl10n.catalog import fingerprint
from newsl10n.catalog.entry import EntryState, own_comment, state
from newsl10n.catalog.status import collect
from newsl10n.glossary.load import load_glossary
from newsl10n.review.desk import index_cells, make_desk
from newsl10n.review.editing import Edit, apply_edit, entry_token
from newsl10n.review.localized import read_localized
from newsl10n.review.pages import index_rows
from newsl10n.source.segment import Role, Segment
from tests.conftest import SEED
from tests.helpers import po_path, run_echo, settings_for


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


TOOLS = ["msgattrib", "poedit", "translate-toolkit", "weblate", "polib", "desk"]


def _approve_like(tool: str, path: Path) -> None:
    """Approve every fuzzy entry of ``path`` as ``tool`` does on disk."""
    if tool == "msgattrib":  # clears fuzzy, keeps #| lines and #. lines
        out = path.with_suffix(".tmp")
        subprocess.run(
            ["msgattrib", "--clear-fuzzy", "--no-wrap", "-o", str(out), str(path)], check=True
        )
        out.replace(path)
        return
    if tool == "desk":  # the desk's Approve, over the entry as the page showed it
        for entry in [e for e in polib.pofile(str(path)) if "fuzzy" in e.flags]:
            apply_edit(path, Edit(entry.msgctxt or "", entry_token(entry), approve=True))
        return
    if tool in ("translate-toolkit", "weblate"):
        _approve_with_translate_toolkit(path, weblate=tool == "weblate")
        return
    po = polib.pofile(str(path), wrapwidth=0)
    for entry in po:
        if "fuzzy" in entry.flags:
            entry.flags.remove("fuzzy")
            if tool == "poedit":  # Poedit also clears the previous-source lines
                entry.previous_msgid = entry.previous_msgctxt = None
    po.save(str(path))


def _approve_with_translate_toolkit(path: Path, weblate: bool) -> None:
    """translate-toolkit's ``markfuzzy(False)`` keeps ``#|`` lines (as msgattrib does);
    Weblate's PO unit also drops them when a translation is approved (its ``set_state``).
    Both write through translate-toolkit, which rewraps changed units at 77 columns."""
    store = pypo.pofile.parsefile(str(path))
    for unit in store.units:
        if unit.isheader() or not unit.isfuzzy():
            continue
        unit.markfuzzy(False)
        if weblate:
            unit.prev_msgid, unit.prev_msgid_plural, unit.prev_msgctxt = [], [], []
    path.write_bytes(bytes(store))


def _edit_source(project: Path) -> None:
    article = project / "source_articles" / SEED.name
    text = article.read_text(encoding="utf-8")
    assert "ran for roughly two hours" in text
    article.write_text(
        text.replace("ran for roughly two hours", "ran for nearly two hours"), "utf-8"
    )


@pytest.mark.skipif(shutil.which("msgattrib") is None, reason="apt-get install gettext")
@pytest.mark.parametrize("tool", TOOLS)
def test_status_bundles_the_desk_and_the_page_agree_on_reviewed(tool: str, project: Path) -> None:
    settings = settings_for(project)
    run_echo(settings, bundles=False)
    _edit_source(project)  # a changed source: entries with #| lines
    run_echo(settings, bundles=False)
    path = po_path(project, "ru")
    assert any(e.previous_msgid for e in polib.pofile(str(path)))
    _approve_like(tool, path)
    po = polib.pofile(str(path))
    reviewed = sum(1 for e in po if not e.obsolete and e.msgstr and "fuzzy" not in e.flags)
    assert reviewed == len([e for e in po if not e.obsolete])

    status = collect(settings.locales).totals["ru"].reviewed
    run_echo(settings)  # unchanged article; the edited catalog's bundle is rebuilt
    _languages, rows = index_rows(settings.bundles)
    index = rows[0].cells["ru"].counts.reviewed
    page = read_localized(path, slug=SEED.stem, lang="ru", root=project).counts.reviewed
    glossary = load_glossary(settings.glossary)
    desk_of = make_desk(settings, glossary, host="127.0.0.1", reviewer="")
    desk = next(c.reviewed for c in index_cells(desk_of) if c.lang == "ru")
    assert status == index == page == desk == reviewed
    assert all(state(e) is EntryState.REVIEWED for e in po if not e.obsolete)


@pytest.mark.parametrize("tool", TOOLS)
def test_an_approved_machine_text_survives_a_source_edit_and_retranslate(
    tool: str, project: Path
) -> None:
    if tool == "msgattrib" and shutil.which("msgattrib") is None:
        pytest.skip("apt-get install gettext")
    settings = settings_for(project)
    run_echo(settings, bundles=False)
    path = po_path(project, "ru")
    _approve_like(tool, path)  # approved unchanged: the fingerprint line stays (not the desk's)
    approved = {e.msgid: e.msgstr for e in polib.pofile(str(path))}
    marked = any(fingerprint.PREFIX in (e.comment or "") for e in polib.pofile(str(path)))
    assert marked is (tool != "desk")
    _edit_source(project)
    run_echo(settings, bundles=False)
    changed = [e for e in polib.pofile(str(path)) if e.previous_msgid]
    assert changed and all(not fingerprint.is_machine(e) for e in changed)
    assert all(state(e) is EntryState.CHANGED for e in changed)
    run_echo(settings, bundles=False, retranslate=True)
    after = polib.pofile(str(path))
    for entry in changed:
        kept = next(e for e in after if e.msgctxt == entry.msgctxt)
        assert kept.msgstr == approved[entry.previous_msgid]


def test_retranslated_machine_output_of_a_changed_source_is_machine_again(
    project: Path,
) -> None:
    """``--retranslate`` makes machine text from the new source: the old source (``#|``)
    is settled, so the entry is machine output again, not "changed source" forever."""
    settings = settings_for(project)
    run_echo(settings, bundles=False)
    _edit_source(project)
    run_echo(settings, bundles=False)
    path = po_path(project, "ru")
    changed = [e.msgctxt for e in polib.pofile(str(path)) if state(e) is EntryState.CHANGED]
    assert changed
    run_echo(settings, bundles=False, retranslate=True)
    after = {e.msgctxt: e for e in polib.pofile(str(path))}
    for ctxt in changed:
        assert state(after[ctxt]) is EntryState.MACHINE
        assert after[ctxt].previous_msgid is None
