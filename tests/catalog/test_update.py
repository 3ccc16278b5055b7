"""Catalog writing: headers msgfmt accepts, fuzzy machine output, nothing a person did is lost."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import polib
import pytest

from newsl10n.catalog import fingerprint, store
from newsl10n.catalog.header import SourceInfo
from newsl10n.errors import CatalogError
from newsl10n.source.segment import Role, Segment
from tests.helpers import msgfmt_check

REF = "source_articles/story.txt"
SOURCE = SourceInfo("story", REF, "0" * 64, "en", 0.99)


def seg(n: int, text: str, role: Role = Role.PARAGRAPH) -> Segment:
    return Segment(f"{role.value}:{n:010d}", role, text, n, 1, n * 2, "en")


SEGMENTS = [seg(1, "A Title", Role.TITLE), seg(2, "First sentence."), seg(3, "Second one.")]


def make(
    segments: list[Segment], existing: polib.POFile | None = None, lang: str = "ru"
) -> polib.POFile:
    plan = store.plan_update(existing, segments)
    machine = {s.id: f"[{lang}] {s.text}" for s in plan.todo}
    return store.build_catalog(SOURCE, lang, segments, plan, machine, {}, "argos 1.0", existing)


@pytest.mark.parametrize(("lang", "nplurals"), [("ru", 3), ("uk", 3), ("ko", 1), ("zh", 1),
                                                ("ja", 1), ("de", 2), ("ar", 6)])  # fmt: skip
def test_header_is_complete_and_msgfmt_accepts_it(tmp_path: Path, lang: str, nplurals: int) -> None:
    po = make(SEGMENTS, lang=lang)
    path = store.catalog_path(tmp_path, lang, "story")
    assert store.write_if_changed(po, path, None)
    meta = polib.pofile(str(path)).metadata
    for key in ("Project-Id-Version", "POT-Creation-Date", "PO-Revision-Date", "Language",
                "Plural-Forms", "Content-Type", "X-Generator"):  # fmt: skip
        assert meta[key], key
    assert meta["Language"] == lang
    assert meta["Plural-Forms"].startswith(f"nplurals={nplurals};")
    assert meta["Content-Type"] == "text/plain; charset=UTF-8"
    assert (meta["X-Source-File"], meta["X-Source-SHA256"]) == (REF, "0" * 64)
    assert (meta["X-Source-Language"], meta["X-Source-Language-Confidence"]) == ("en", "0.99")
    msgfmt_check(path)


def test_entries_carry_context_comment_reference_and_fuzzy_machine_output() -> None:
    entry = make(SEGMENTS)[1]
    assert entry.msgctxt == SEGMENTS[1].id
    assert entry.msgid == "First sentence."
    assert entry.msgstr == "[ru] First sentence."
    position, mark = entry.comment.split("\n")
    assert position == "paragraph, paragraph 2, sentence 1; source language en"
    assert mark == fingerprint.line("argos 1.0", "[ru] First sentence.")
    assert entry.occurrences == [(REF, "4")]
    assert "fuzzy" in entry.flags


def test_template_is_accepted_by_msgfmt(tmp_path: Path) -> None:
    path = store.template_path(tmp_path, "story")
    store.write_if_changed(store.build_template(SOURCE, SEGMENTS), path, None)
    assert [e.msgid for e in polib.pofile(str(path))] == [s.text for s in SEGMENTS]
    msgfmt_check(path)


def test_rerun_keeps_existing_entries_and_translates_only_new_segments(tmp_path: Path) -> None:
    first = make(SEGMENTS)
    first[1].msgstr = "Первое предложение."
    first[1].flags.remove("fuzzy")
    first[1].tcomment = "checked by Olga"
    added = [*SEGMENTS, seg(4, "A new sentence.")]
    plan = store.plan_update(first, added)
    assert [s.text for s in plan.todo] == ["A new sentence."]
    second = make(added, first)
    assert second[1].msgstr == "Первое предложение." and second[1].tcomment == "checked by Olga"
    assert second[1].flags == []
    assert second[3].msgstr == "[ru] A new sentence." and "fuzzy" in second[3].flags


def test_a_source_edit_undone_leaves_no_previous_source_equal_to_the_source() -> None:
    """A truncated scrape, then the right text again: the approved entry came back fuzzy
    with a ``#|`` line equal to its own msgid, so the desk showed a "changed source" in
    which nothing had changed. It stays fuzzy (the file cannot tell whether its text was
    edited meanwhile), without the bogus previous source."""
    first = make(SEGMENTS)
    first[1].msgstr = "Первое предложение."
    first[1].flags.remove("fuzzy")
    cut = [SEGMENTS[0], seg(2, "First sen"), SEGMENTS[2]]
    second = make(cut, first)
    assert second[1].previous_msgid == "First sentence." and "fuzzy" in second[1].flags
    third = make(SEGMENTS, second)
    again = next(e for e in third if e.msgid == "First sentence.")
    assert again.msgstr == "Первое предложение." and "fuzzy" in again.flags
    assert again.previous_msgid is None and again.previous_msgctxt is None


def test_removed_segments_with_translations_become_obsolete() -> None:
    first = make(SEGMENTS)
    second = make(SEGMENTS[:2], first)
    assert [e.msgid for e in second.obsolete_entries()] == ["Second one."]
    assert [e.msgid for e in second.translated_entries() + second.fuzzy_entries()] == [
        "A Title",
        "First sentence.",
    ]


def test_translator_header_is_kept(tmp_path: Path) -> None:
    first = make(SEGMENTS)
    first.metadata["Last-Translator"] = "Olga <olga@example.org>"
    first.header = "Russian translation, reviewed by the desk."
    second = make(SEGMENTS, first)
    assert second.metadata["Last-Translator"] == "Olga <olga@example.org>"
    assert second.header == "Russian translation, reviewed by the desk."


def test_unchanged_catalog_is_not_rewritten(tmp_path: Path) -> None:
    path = store.catalog_path(tmp_path, "ru", "story")
    store.write_if_changed(make(SEGMENTS), path, None)
    before = path.read_bytes()
    previous = store.load_catalog(path)
    assert previous is not None
    assert not store.write_if_changed(make(SEGMENTS, previous), path, previous)
    assert path.read_bytes() == before


def test_changed_catalog_gets_a_new_revision_date(tmp_path: Path) -> None:
    path = store.catalog_path(tmp_path, "ru", "story")
    first = make(SEGMENTS)
    first.metadata["PO-Revision-Date"] = "2020-01-01 00:00+0000"
    store.write_if_changed(first, path, None)
    previous = store.load_catalog(path)
    assert previous is not None
    changed = [*SEGMENTS[:2], replace(SEGMENTS[2], id="paragraph:x", text="Edited.")]
    assert store.write_if_changed(make(changed, previous), path, previous)
    meta = polib.pofile(str(path)).metadata
    assert meta["PO-Revision-Date"] != "2020-01-01 00:00+0000"
    msgfmt_check(path)


def test_broken_catalog_names_file_and_line_and_is_left_alone(tmp_path: Path) -> None:
    path = tmp_path / "broken.po"
    path.write_text('msgid ""\nmsgstr ""\n\nmsgid "a"\nmsgstr "unterminated\n', encoding="utf-8")
    before = path.read_bytes()
    with pytest.raises(CatalogError) as err:
        store.load_catalog(path)
    assert str(path) in str(err.value)
    assert path.read_bytes() == before


def test_atomic_write_leaves_no_temporary_files(tmp_path: Path) -> None:
    path = tmp_path / "x" / "a.po"
    store.atomic_write(path, "content\n")
    assert [p.name for p in path.parent.iterdir()] == ["a.po"]


def test_a_locked_catalog_is_not_updated_by_a_second_run(tmp_path: Path) -> None:
    path = store.catalog_path(tmp_path, "ru", "story")
    with (
        store.locked(path),
        pytest.raises(CatalogError, match="another run"),
        store.locked(path, timeout=0.1),
    ):
        pass
    with store.locked(path, timeout=0.1):  # released: free again
        pass
    assert not path.parent.exists() or not any(path.parent.iterdir())


def test_a_lock_busy_as_eacces_is_waited_for(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Some network file systems say EACCES, not EWOULDBLOCK, for a lock held elsewhere."""
    import errno
    import fcntl

    real = fcntl.flock
    refusals = [2]

    def busy_twice(fd: int, operation: int) -> None:
        if refusals[0]:
            refusals[0] -= 1
            raise PermissionError(errno.EACCES, "Permission denied")
        real(fd, operation)

    monkeypatch.setattr(fcntl, "flock", busy_twice)
    path = tmp_path / "de" / "LC_MESSAGES" / "story.po"
    with store.locked(path, timeout=5):
        assert refusals == [0]


def test_extra_blank_lines_do_not_make_the_whole_catalog_rewritten(tmp_path: Path) -> None:
    """One extra blank line anywhere (a hand edit) made the writer render every entry
    again from polib's model, which cannot give back an obsolete entry's ``#~|`` line:
    a run that changed one entry dropped the old source of another. The blocks are kept;
    only the blank lines between them are made single."""
    path = store.catalog_path(tmp_path, "ru", "story")
    store.write_if_changed(make(SEGMENTS), path, None)
    gone = '#~| msgid "Blaze at the port"\n#~ msgctxt "x:0"\n#~ msgid "Fire at the port"\n'
    gone += '#~ msgstr "Пожар в порту"\n'
    text = path.read_text(encoding="utf-8")
    path.write_text(text + "\n\n" + gone, encoding="utf-8")
    previous = store.load_catalog(path)
    assert previous is not None
    added = [*SEGMENTS, seg(4, "A new sentence.")]
    assert store.write_if_changed(make(added, previous), path, previous)
    written = path.read_text(encoding="utf-8")
    assert '#~| msgid "Blaze at the port"' in written and "A new sentence." in written
    assert "\n\n\n" not in written
    msgfmt_check(path)


def test_blocks_that_do_not_hold_their_own_entries_are_not_reused(tmp_path: Path) -> None:
    """A second reading: blocks matched to entries by count alone. With a blank line
    inside entry A (after its comment) and none between B and C, A's comment block went
    to A, A's body to B, and B+C to C: changing C wrote a file without B ("Бета")."""
    path = tmp_path / "mis.po"
    path.write_text(
        'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n\n'
        "# translator note for A\n\n"
        'msgctxt "a"\nmsgid "Alpha"\nmsgstr "Альфа"\n\n'
        'msgctxt "b"\nmsgid "Beta"\nmsgstr "Бета"\n'
        'msgctxt "c"\nmsgid "Gamma"\nmsgstr "Гамма"\n',
        encoding="utf-8",
    )
    previous = store.load_catalog(path)
    po = store.load_catalog(path)
    assert previous is not None and po is not None
    po[2].msgstr = "ГАММА"
    assert store.write_if_changed(po, path, previous)
    written = polib.pofile(str(path))
    assert [(e.msgid, e.msgstr) for e in written] == [
        ("Alpha", "Альфа"),
        ("Beta", "Бета"),
        ("Gamma", "ГАММА"),
    ]
    assert written[0].tcomment == "translator note for A"


@pytest.mark.parametrize(
    "text",
    [
        # a comment block apart from its entry, and two entries in one block
        'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'
        '# translator note for A\n\nmsgctxt "a"\nmsgid "Alpha"\nmsgstr "Альфа"\n'
        'msgctxt "b"\nmsgid "Beta"\nmsgstr "Бета"\n',
    ],
)
def test_a_block_holding_no_entry_or_two_is_never_reused(tmp_path: Path, text: str) -> None:
    """A third reading: the entry began inside its block, but the next block held two
    entries: changing A wrote A twice (msgfmt: duplicate message definition)."""
    path = tmp_path / "two.po"
    path.write_text(text, encoding="utf-8")
    previous, po = store.load_catalog(path), store.load_catalog(path)
    assert previous is not None and po is not None
    po[0].msgstr = "ИЗМЕНЕНО"
    assert store.write_if_changed(po, path, previous)
    written = polib.pofile(str(path))
    assert [(e.msgid, e.msgstr) for e in written] == [("Alpha", "ИЗМЕНЕНО"), ("Beta", "Бета")]
    msgfmt_check(path)


def test_a_catalog_without_a_header_keeps_its_blocks(tmp_path: Path) -> None:
    """A third reading: polib gives a headerless file's first entry line 0, so no block
    was reused and an obsolete entry's ``#~|`` line was dropped on any change."""
    path = tmp_path / "bare.po"
    path.write_text(
        'msgctxt "a"\nmsgid "Alpha"\nmsgstr "Альфа"\n\n'
        '#~| msgid "Zold"\n#~ msgctxt "z"\n#~ msgid "Old"\n#~ msgstr "Старое"\n',
        encoding="utf-8",
    )
    previous, po = store.load_catalog(path), store.load_catalog(path)
    assert previous is not None and po is not None
    po[0].msgstr = "ИЗМЕНЕНО"
    assert store.write_if_changed(po, path, previous)
    assert '#~| msgid "Zold"' in path.read_text(encoding="utf-8")
