"""Catalogs made by other tools (tests/fixtures/po, from Debian sources) survive our reader,
writer and merger: no entry, comment, flag, plural form or obsolete entry is lost."""

from __future__ import annotations

import shutil
from collections import Counter
from pathlib import Path

import polib
import pytest

from newsl10n.catalog import store
from newsl10n.catalog.header import SourceInfo
from newsl10n.source.segment import Role, Segment
from tests.helpers import FIXTURES

FIXTURES = sorted((FIXTURES / "po").glob("*.po"))
SOURCE = SourceInfo("story", "source_articles/story.txt", "0" * 64, "en", 1.0)


def key(entry: polib.POEntry) -> tuple[str | None, str]:
    return (entry.msgctxt, entry.msgid)


def content(entry: polib.POEntry) -> tuple[object, ...]:
    """What a translator or another tool put there."""
    return (entry.msgid_plural, entry.msgstr, tuple(sorted(entry.msgstr_plural.items())),
            entry.tcomment, tuple(entry.flags), entry.previous_msgid,
            entry.previous_msgctxt)  # fmt: skip


def test_fixtures_cover_what_the_issue_asks_for() -> None:
    texts = "\n".join(p.read_bytes().decode("latin-1") for p in FIXTURES)
    for needle in ("nplurals=1", "nplurals=2", "nplurals=3", "nplurals=6", "msgctxt", "#~ ",
                   "#| msgid", "charset=EUC-JP", "charset=ISO-8859-2"):  # fmt: skip
        assert needle in texts, needle


@pytest.mark.parametrize("fixture", FIXTURES, ids=lambda p: p.name)
def test_read_and_write_keeps_every_entry(fixture: Path, tmp_path: Path) -> None:
    path = tmp_path / fixture.name
    shutil.copy(fixture, path)
    original = store.load_catalog(path)
    assert original is not None
    store.write_if_changed(original, path, None)
    again = polib.pofile(str(path))
    assert again.encoding.lower() == original.encoding.lower()
    assert [(key(e), content(e), e.obsolete, e.comment) for e in again] == [
        (key(e), content(e), e.obsolete, e.comment) for e in original
    ]


@pytest.mark.parametrize("fixture", FIXTURES, ids=lambda p: p.name)
def test_merging_loses_nothing(fixture: Path, tmp_path: Path) -> None:
    """Entries with a unique context stay live (their segment is still there); the others
    become obsolete, with everything they held."""
    original = polib.pofile(str(fixture))
    existing = polib.pofile(str(fixture))
    contexts = Counter(e.msgctxt for e in existing if not e.obsolete)
    # Our segment ids are unique msgctxts; entries without one (or sharing one) lose their
    # segment here and must come back obsolete with everything they held.
    live = [e for e in existing if not e.obsolete and e.msgctxt and contexts[e.msgctxt] == 1]
    segments = [Segment(e.msgctxt or "", Role.PARAGRAPH, e.msgid, i, 1, i, "en")
                for i, e in enumerate(live, start=1)]  # fmt: skip
    live_keys = {key(e) for e in live}
    plan = store.plan_update(existing, segments)
    merged = store.build_catalog(SOURCE, "de", segments, plan, {}, {}, "none", existing)
    path = tmp_path / fixture.name
    store.write_if_changed(merged, path, existing)
    after = {key(e): e for e in polib.pofile(str(path))}
    for entry in original:
        if not (entry.msgstr or entry.tcomment or any(entry.msgstr_plural.values())):
            continue  # an empty entry with no segment has nothing to keep
        kept = after[key(entry)]
        if kept.obsolete:  # polib does not read back `#~|` (an old entry's old source)
            assert content(kept)[:5] == content(entry)[:5], key(entry)
        else:
            assert content(kept) == content(entry), key(entry)
        assert kept.obsolete == (entry.obsolete or key(entry) not in live_keys)
        if not kept.obsolete:  # obsolete entries carry no #. or #: (as gettext writes them)
            assert all(line in kept.comment for line in entry.comment.split("\n") if line)
