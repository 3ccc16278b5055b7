"""The catalog's vocabulary for one entry: its state, its position line and its notes.

Every count and badge asks ``state()`` here: ``newsl10n status``, the bundles and review
pages, the desk, ``compile``, ``qa`` and the translation memory. The rule is decided over
what real tools write when a person approves an entry, because that is what the file holds:

- Poedit clears ``fuzzy`` and the ``#|`` previous-source lines; ``msgattrib --clear-fuzzy``
  clears ``fuzzy`` and keeps ``#|``; translate-toolkit (Weblate) and polib clear the flag;
  all of them keep ``#.`` lines, our machine fingerprint among them.
- So **an entry that is not fuzzy is a person's decision, whatever lines it carries**: it is
  *reviewed*, even with a ``#|`` or a fingerprint line left behind. A run that merges a
  changed source into such an entry drops the fingerprint (the text is now a person's
  previous translation, see ``store._machine_entry``), so no ``--retranslate`` replaces it.
- A fuzzy entry is *changed* when it records a previous source (``#|``), *machine* when its
  msgstr still matches its fingerprint (``fingerprint.is_machine``), else a person's *draft*
  (Weblate's "needs editing", Poedit's "needs work", the desk's "Save draft").

The position line (the first ``#.`` line, ``paragraph, paragraph 4, sentence 2; source
language en``) and the prefixes of the notes newsl10n writes after it are written and parsed
here only, so a run can replace its own notes and keep everyone else's lines.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING

import polib

from newsl10n.catalog import fingerprint

if TYPE_CHECKING:  # segmenting (its layout rules) is not loaded to read a catalog
    from newsl10n.source.segment import Segment

FUZZY = "fuzzy"


class EntryState(StrEnum):
    """Where an entry's translation stands."""

    REVIEWED = "reviewed"  # a person's decision: translated and not fuzzy
    MACHINE = "machine"  # fuzzy, and the msgstr is still what newsl10n wrote
    DRAFT = "draft"  # fuzzy, a person's text not approved yet
    CHANGED = "changed"  # fuzzy, the source changed since the translation (``#|``)
    UNTRANSLATED = "untranslated"
    OBSOLETE = "obsolete"  # ``#~``: its segment is gone from the article

    @property
    def label(self) -> str:
        return "changed source" if self is EntryState.CHANGED else self.value

    @property
    def needs_review(self) -> bool:
        return self not in (EntryState.REVIEWED, EntryState.OBSOLETE)

    @property
    def fuzzy(self) -> bool:
        """Counted as fuzzy by gettext's statistics (a translation flagged fuzzy)."""
        return self in (EntryState.MACHINE, EntryState.DRAFT, EntryState.CHANGED)


# The states of live entries, in the order pages show them.
LIVE_STATES = tuple(s for s in EntryState if s is not EntryState.OBSOLETE)


def has_translation(entry: polib.POEntry) -> bool:
    """A msgstr, singular or any plural form."""
    return bool(entry.msgstr or any(entry.msgstr_plural.values()))


def state(entry: polib.POEntry) -> EntryState:
    """The one definition of an entry's state (see the module docstring for why)."""
    if entry.obsolete:
        return EntryState.OBSOLETE
    if not has_translation(entry):
        return EntryState.UNTRANSLATED
    if FUZZY not in entry.flags:
        return EntryState.REVIEWED
    if entry.previous_msgid is not None:
        return EntryState.CHANGED
    if fingerprint.is_machine(entry):
        return EntryState.MACHINE
    return EntryState.DRAFT


def is_reviewed(entry: polib.POEntry) -> bool:
    return state(entry) is EntryState.REVIEWED


def has_work(entry: polib.POEntry) -> bool:
    """Anything worth keeping: a translation (singular or plural) or a translator comment."""
    return has_translation(entry) or bool(entry.tcomment)


def live(po: Iterable[polib.POEntry]) -> list[polib.POEntry]:
    """Live (non-obsolete) entries, in file order."""
    return [e for e in po if not e.obsolete]


@dataclass(frozen=True)
class StateCounts:
    """How many entries of a catalog (or of many) are in each state."""

    reviewed: int = 0
    machine: int = 0
    draft: int = 0
    changed: int = 0
    untranslated: int = 0
    obsolete: int = 0

    @classmethod
    def of(cls, states: Iterable[EntryState]) -> StateCounts:
        found = Counter(states)
        return cls(**{s.value: found[s] for s in EntryState})

    @classmethod
    def of_entries(cls, entries: Iterable[polib.POEntry]) -> StateCounts:
        return cls.of(state(e) for e in entries)

    def __add__(self, other: StateCounts) -> StateCounts:
        return StateCounts(*(a + b for a, b in zip(self.values(), other.values(), strict=True)))

    def values(self) -> tuple[int, ...]:
        return tuple(getattr(self, s.value) for s in EntryState)

    def get(self, which: EntryState) -> int:
        return int(getattr(self, which.value))

    @property
    def fuzzy(self) -> int:
        return self.machine + self.draft + self.changed

    @property
    def segments(self) -> int:
        """Live entries: every state but obsolete."""
        return self.reviewed + self.fuzzy + self.untranslated

    @property
    def reviewed_share(self) -> float:
        """Reviewed over live entries; 0 when there are none (an emptied catalog, or no
        catalog yet, has nothing a person approved: it is never "100% reviewed")."""
        return self.reviewed / self.segments if self.segments else 0.0


# ---------------------------------------------------------------- the position line


@dataclass(frozen=True)
class Position:
    """Where an entry's segment sits in its article, as the first ``#.`` line says."""

    role: str
    paragraph: int
    sentence: int
    lang: str


_POSITION = re.compile(
    r"^(?P<role>[a-z]+), paragraph (?P<p>\d+), sentence (?P<s>\d+); "
    r"source language (?P<lang>\S*)\s*$"
)


def describe(segment: Segment) -> str:
    """The position line translators see: what the segment is and where it sits."""
    return (
        f"{segment.role.value}, paragraph {segment.paragraph}, sentence {segment.sentence}; "
        f"source language {segment.lang}"
    )


def parse_position(line: str) -> Position | None:
    found = _POSITION.match(line)
    if found is None:
        return None
    return Position(found["role"], int(found["p"]), int(found["s"]), found["lang"])


def position(entry: polib.POEntry) -> Position | None:
    """The entry's position line, when its extracted comment starts with one."""
    first = (entry.comment or "").split("\n", 1)[0]
    return parse_position(first)


def redescribe(comment: str, segment: Segment) -> str:
    """Update our position line of an extracted comment, keeping every other line
    (notes, and comments other tools or developers wrote)."""
    lines = comment.split("\n") if comment else []
    if lines and parse_position(lines[0]):
        lines = lines[1:]
    return "\n".join([describe(segment), *lines])


# ---------------------------------------------------------------- notes

# The notes a run writes after the position line; a new translation replaces them all.
GLOSSARY_MISSING = "glossary: missing "
GLOSSARY_CASE = "glossary: case "
MEMORY = "translation memory: "
NOT_TRANSLATED = "not translated: "
SOURCE_KEPT = "source already in "
OWN_NOTE_PREFIXES = (
    GLOSSARY_MISSING,
    GLOSSARY_CASE,
    MEMORY,
    NOT_TRANSLATED,
    SOURCE_KEPT,
    fingerprint.SCORE_PREFIX,
)


def glossary_notes(missing: Sequence[str], cases: Sequence[str]) -> list[str]:
    """Notes for glossary terms that could not be enforced, or only in the wrong case."""
    notes = []
    if missing:
        notes.append(GLOSSARY_MISSING + "; ".join(missing))
    if cases:
        notes.append(GLOSSARY_CASE + "; ".join(cases))
    return notes


def memory_note(what: str) -> str:
    return MEMORY + what


def is_memory_note(note: str | None) -> bool:
    return bool(note) and str(note).startswith(MEMORY)


def not_translated_note(why: str) -> str:
    return NOT_TRANSLATED + why


def source_kept_note(target: str) -> str:
    """A segment already in the target language (a quote), kept as written."""
    return f"{SOURCE_KEPT}{target}: kept as written"


def not_translated_reason(comment: str) -> str:
    """Why a run left the entry empty, as its note says ("" when it says nothing)."""
    lines = comment.split("\n")  # not splitlines: an engine's message may hold a \r
    found = next((ln for ln in lines if ln.startswith(NOT_TRANSLATED)), "")
    return found.removeprefix(NOT_TRANSLATED)


def own_comment(comment: str, seg: Segment, note: str | None, keep_mark: bool = False) -> str:
    """An extracted comment for a new translation of ``seg``: the position line, the lines
    other tools or developers wrote (and the fingerprint, with ``keep_mark``), then this
    run's note. newsl10n's own earlier notes go: they were about the old translation."""
    lines = redescribe(comment, seg).split("\n")
    lines = [lines[0]] + [
        t
        for t in lines[1:]
        if not t.startswith(OWN_NOTE_PREFIXES) and (keep_mark or not fingerprint.is_line(t))
    ]
    if note:
        lines.append(note)
    return "\n".join(lines)
