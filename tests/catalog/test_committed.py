"""What a commit hands on (QA, the bundle) is the catalog as the file holds it: the entries
the run built, numbered by the lines the file gives them. Numbered from the writer's block
layout, without parsing the bytes again, and the same as a parse of those bytes would give:
on a first catalog, on real catalogs saved by other tools, on CRLF files with a BOM."""

from __future__ import annotations

import shutil
from dataclasses import replace
from pathlib import Path

import polib
import pytest

from newsl10n import qa
from newsl10n.catalog import powrite, store
from newsl10n.catalog.entry import glossary_notes
from newsl10n.catalog.fingerprint import score_line
from newsl10n.catalog.header import SourceInfo
from newsl10n.glossary.model import Glossary
from newsl10n.source.segment import Role, Segment
from tests.helpers import FIXTURES

REAL = sorted((FIXTURES / "po").glob("*.po"))
SOURCE = SourceInfo("story", "source_articles/story.txt", "0" * 64, "en", 1.0)
SEGMENTS = (
    Segment("title:aaaa", Role.TITLE, "Talks stall over prices", 1, 1, 1, "en"),
    Segment("paragraph:bbbb", Role.PARAGRAPH, "Prices rose 16.1 percent in June.", 3, 1, 3, "en"),
)


def _draft(translations: dict[str, str]) -> store.Draft:
    two_lines = "\n".join([*glossary_notes(["Kim Il Sung Square"], []), score_line(-0.4)])
    notes = {"title:aaaa": two_lines, "paragraph:bbbb": score_line(-0.1)}
    return store.Draft(SOURCE, "de", SEGMENTS, translations, notes, "argos en_de 1.0")


def _fields(po: polib.POFile) -> list[tuple[object, ...]]:
    return [
        (e.linenum, e.msgctxt, e.msgid, e.msgid_plural, e.msgstr, sorted(e.msgstr_plural.items()),
         e.comment, e.tcomment, e.flags, e.occurrences, e.obsolete,
         None if e.obsolete else e.previous_msgid)  # polib reads no `#~|` back
        for e in po
    ]  # fmt: skip


def _as_parsed(done: store.Committed) -> polib.POFile:
    text = done.data.decode(done.po.encoding).removeprefix("\ufeff")
    return store.parse_text(text, done.po.encoding)


def _same_as_a_parse(done: store.Committed, path: Path, *, numbered: bool) -> None:
    """``numbered``: the entries built in memory are handed on, numbered (not a parse)."""
    parsed, reference = done.parsed(), _as_parsed(done)
    assert (parsed is done.po) == numbered
    assert all(e.linenum for e in parsed)
    assert _fields(parsed) == _fields(reference)
    assert parsed.metadata == reference.metadata
    glossary = Glossary(())
    assert qa.check_entries(parsed, path, glossary, "de") == qa.check_entries(
        reference, path, glossary, "de"
    )


def test_a_first_catalog(tmp_path: Path) -> None:
    path = tmp_path / "de" / "LC_MESSAGES" / "story.po"
    done = store.commit(store.read(path), _draft({"title:aaaa": "Gespräche stocken"}))
    assert done.written
    _same_as_a_parse(done, path, numbered=True)


@pytest.mark.parametrize("fixture", REAL, ids=lambda p: p.name)
def test_a_catalog_saved_by_another_tool(fixture: Path, tmp_path: Path) -> None:
    """The run's entries go into a real catalog: its own blocks kept as they were written,
    its entries obsolete (no segment of ours), ours rendered in its style."""
    path = tmp_path / "de" / "LC_MESSAGES" / "story.po"
    path.parent.mkdir(parents=True)
    shutil.copy(fixture, path)
    done = store.commit(store.read(path), _draft({"paragraph:bbbb": "Die Preise stiegen."}))
    assert done.written
    _same_as_a_parse(done, path, numbered=False)  # its entries are obsolete now: parsed


def test_a_crlf_catalog_with_a_bom(tmp_path: Path) -> None:
    path = tmp_path / "de" / "LC_MESSAGES" / "story.po"
    first = store.commit(store.read(path), _draft({"title:aaaa": "Gespräche"}))
    path.write_bytes(b"\xef\xbb\xbf" + first.data.replace(b"\n", b"\r\n"))
    done = store.commit(store.read(path), _draft({"paragraph:bbbb": "Die Preise stiegen."}))
    assert done.written and done.data.startswith(b"\xef\xbb\xbf") and b"\r\n" in done.data
    _same_as_a_parse(done, path, numbered=True)


def test_an_unchanged_catalog(tmp_path: Path) -> None:
    path = tmp_path / "de" / "LC_MESSAGES" / "story.po"
    store.commit(store.read(path), _draft({"title:aaaa": "Gespräche"}))
    done = store.commit(store.read(path), _draft({"title:aaaa": "Gespräche"}))
    assert not done.written
    _same_as_a_parse(done, path, numbered=True)


@pytest.mark.parametrize("fixture", REAL, ids=lambda p: p.name)
def test_block_lines_are_the_lines_polib_gives_entries(fixture: Path) -> None:
    """On files written by gettext, Poedit and translate-toolkit: the header's block, then
    one block per entry, each starting on the line polib gives that entry."""
    data = fixture.read_bytes()
    po = polib.pofile(str(fixture))
    text = data.decode(po.encoding)
    assert powrite.block_lines(text)[1:] == [e.linenum for e in po]


def test_a_layout_that_is_not_one_block_per_entry_is_parsed(tmp_path: Path) -> None:
    """Entries not set apart by blank lines: the count of blocks tells, and the bytes are
    parsed as before."""
    path = tmp_path / "de" / "LC_MESSAGES" / "story.po"
    first = store.commit(store.read(path), _draft({"title:aaaa": "Gespräche"}))
    squeezed = store.Committed(
        first.po, first.plan, True, False, first.data.replace(b"\n\n#.", b"\n#.")
    )
    assert len(powrite.block_lines(squeezed.data.decode())) == 1
    _same_as_a_parse(squeezed, path, numbered=False)


def test_a_kept_block_starting_with_a_line_polib_skips_is_parsed(tmp_path: Path) -> None:
    """A translator's tool left a bare ``#.`` atop an entry: polib starts the entry on the
    next line, so the block's first line is not the entry's (found by a second reading)."""
    path = tmp_path / "de" / "LC_MESSAGES" / "story.po"
    store.commit(store.read(path), _draft({"paragraph:bbbb": "Die Preise stiegen."}))
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("\n\n#. paragraph,", "\n\n#.\n#. paragraph,", 1), "utf-8")
    done = store.commit(store.read(path), _draft({"title:aaaa": "Gespräche stocken"}))
    _same_as_a_parse(done, path, numbered=False)


def test_a_source_file_name_with_a_space_is_parsed(tmp_path: Path) -> None:
    """``#: source_articles/my story.txt:3`` reads back as two references; the bundle
    must say what the desk, which reads the file, will say."""
    path = tmp_path / "de" / "LC_MESSAGES" / "story.po"
    spaced = replace(SOURCE, reference="source_articles/my story.txt")
    draft = replace(_draft({"title:aaaa": "Gespräche"}), source=spaced)
    _same_as_a_parse(store.commit(store.read(path), draft), path, numbered=False)


@pytest.mark.parametrize(
    "note", ["not translated: apertium said\n\nnothing", "not translated: timeout   "]
)
def test_a_note_the_file_cannot_hold_as_it_is_is_parsed(tmp_path: Path, note: str) -> None:
    """An empty line in a note (``#.`` alone, which polib skips) or trailing spaces (the
    writer trims them): the file's reading is what QA and the bundle get."""
    path = tmp_path / "de" / "LC_MESSAGES" / "story.po"
    draft = replace(_draft({}), notes={"title:aaaa": note})
    _same_as_a_parse(store.commit(store.read(path), draft), path, numbered=False)


def test_a_string_with_a_line_separator_is_numbered_as_gettext_numbers_it(
    tmp_path: Path,
) -> None:
    """U+2028 in a string is text to gettext (and to the reader, ``po_lines``), not a line
    break: the blocks and the entries stay one to one."""
    path = tmp_path / "de" / "LC_MESSAGES" / "story.po"
    done = store.commit(store.read(path), _draft({"title:aaaa": "Gespräche\u2028stocken"}))
    _same_as_a_parse(done, path, numbered=True)
    assert done.parsed()[0].msgstr == "Gespräche\u2028stocken"
