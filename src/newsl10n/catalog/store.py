"""Gettext catalogs for articles: one template per article, one PO file per language.

Entries are keyed by msgctxt (the segment's stable id) and msgid (its text). An entry that
already exists is kept as it is; only newsl10n's own output (fuzzy, msgstr still matching
its machine fingerprint, see ``fingerprint.py``) is ever replaced, and only under
``--retranslate``; entries whose segment is gone become obsolete (``#~``) instead of being
dropped. A run reads a catalog (``read``), plans (``plan_update``), translates with no lock
held, then ``commit``s: under the lock it reads the file again and builds on what it holds
now, so a save made meanwhile is kept. Files are written atomically, only when their
content changes, in their own layout (``powrite.py``), with the mode ``open()`` gives.
"""

from __future__ import annotations

import copy
import errno
import os
import re
import secrets
import stat
import sys
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from pathlib import Path
from typing import TYPE_CHECKING, Literal, Protocol

import polib

from newsl10n.catalog import fingerprint, powrite
from newsl10n.catalog.entry import (
    FUZZY,
    describe,
    has_translation,
    has_work,
    is_memory_note,
    own_comment,
    redescribe,
)
from newsl10n.catalog.header import (
    DATE_KEYS,
    GENERATOR,
    OWN_KEYS,
    SourceInfo,
    header,
    is_own_generator,
    timestamp,
)
from newsl10n.catalog.pocheck import check_po
from newsl10n.errors import CatalogError, file_kind

if TYPE_CHECKING:  # segmenting (its layout rules) is not loaded to read a catalog
    from newsl10n.source.segment import Residue, Segment

# Strings and comments are not wrapped (msgmerge --no-wrap): polib would wrap comments too,
# changing translators' and notes' lines; one line per string also diffs well.
NO_WRAP = 0


CATALOG_SUFFIX = ".po"
TEMPLATE_SUFFIX = ".pot"  # a template: <locales>/<slug>.pot, the msgids every catalog follows
MESSAGES_FOLDER = "LC_MESSAGES"  # gettext's layout: <locales>/<lang>/LC_MESSAGES/<slug>.po


def template_name(slug: str) -> str:
    """The template's name in the locales folder."""
    return f"{slug}{TEMPLATE_SUFFIX}"


def catalog_parts(lang: str, slug: str) -> tuple[str, str, str]:
    """A catalog's path below the locales folder (as parts, so that a caller that stats
    thousands of them can join strings rather than build Paths)."""
    return (lang, MESSAGES_FOLDER, f"{slug}{CATALOG_SUFFIX}")


def catalog_folder(locales: Path, lang: str) -> Path:
    """Where a language's catalogs are."""
    return locales / lang / MESSAGES_FOLDER


def catalog_slugs_of(locales: Path, lang: str) -> list[str]:
    """The slugs of a language's catalogs, in no order (none when its folder is missing)."""
    try:
        with os.scandir(catalog_folder(locales, lang)) as entries:
            names = [e.name for e in entries]
    except OSError:
        return []
    return [n[: -len(CATALOG_SUFFIX)] for n in names if n.endswith(CATALOG_SUFFIX)]


def template_path(locales: Path, slug: str) -> Path:
    return locales / template_name(slug)


def catalog_path(locales: Path, lang: str, slug: str) -> Path:
    return locales.joinpath(*catalog_parts(lang, slug))


LOCK_TIMEOUT_SECONDS = 900.0  # generous: a lock is held to re-read, merge and write only


@contextmanager
def locked(path: Path, timeout: float = LOCK_TIMEOUT_SECONDS, sweep: bool = True) -> Iterator[None]:
    """Hold the lock of one catalog: concurrent runs (threads, processes, workers sharing
    the folder) update it one at a time, so neither loses the other's entries.

    Lock files live in ``.locks/`` beside the language folders, out of translators' way.
    Whoever takes the lock first removes what killed writes of this file left behind
    (``remove_stale_temporaries``), unless ``sweep`` is False: a run sweeps every folder
    once at its start (:func:`sweep_temporaries`) and its own writes then skip it, since
    that look lists the whole folder (a batch of n catalogs in one folder would list it n
    times).
    """
    name = _locks_dir(path) / f"{path.parent.parent.name}--{path.name}.lock"
    try:
        lock = _take_lock(name, timeout)
    except TimeoutError:
        raise CatalogError(
            path, f"another run has been updating this catalog for over {timeout:.0f} s; try later"
        ) from None
    except OSError as err:  # a read-only folder; a lock that is a symlink (never followed)
        link = " (it is a symbolic link: remove it)" if name.is_symlink() else ""
        raise CatalogError(
            path, f"cannot take the lock {name}{link}: {err.strerror or err}"
        ) from None
    try:
        if sweep:
            remove_stale_temporaries(path, since=time.time())
        yield
    finally:
        lock.release()


@contextmanager
def lock_file(name: Path, timeout: float) -> Iterator[None]:
    """Hold an exclusive lock on the lock file ``name`` (made, with its folder, when
    missing): the project's one kind of lock, for catalogs (``locked``) and the caches
    beside them. Raises TimeoutError after ``timeout`` seconds, OSError when the file
    cannot be opened or locked (a read-only folder; a symbolic link, never followed)."""
    lock = _take_lock(name, timeout)
    try:
        yield
    finally:
        lock.release()


def _ensure_folder(folder: Path) -> None:
    """Create ``folder`` (and its parents) unless it is there: a look first, because a
    refused mkdir costs more than a stat on some file systems (overlay)."""
    if not folder.is_dir():
        folder.mkdir(parents=True, exist_ok=True)


def _open_in_folder(path: Path, flags: int, mode: int) -> int:
    """``os.open``, creating the file's folder when (and only when) it is missing: a
    batch writes thousands of files into a few folders, so it asks the disk nothing
    before an open that will almost always find its folder."""
    try:
        return os.open(path, flags, mode)
    except FileNotFoundError:
        _ensure_folder(path.parent)
        return os.open(path, flags, mode)


def _locks_dir(path: Path) -> Path:
    """``locales/.locks`` for ``locales/<lang>/LC_MESSAGES/x.po`` and ``locales/x.pot``."""
    if path.parent.name == MESSAGES_FOLDER:
        return path.parent.parent.parent / ".locks"
    return path.parent / ".locks"


def new_entry(
    segment: Segment, reference: str, msgstr: str = "", fuzzy: bool = False
) -> polib.POEntry:
    return polib.POEntry(
        msgctxt=segment.id,
        msgid=segment.text,
        msgstr=msgstr,
        comment=describe(segment),
        occurrences=[(reference, str(segment.line))],
        flags=[FUZZY] if fuzzy else [],
    )


RESIDUE = "Left out as scraping residue (not translated):"


def build_template(
    source: SourceInfo, segments: Sequence[Segment], residue: Sequence[Residue] = ()
) -> polib.POFile:
    """The article's template; the lines left out as residue are listed in its header, so
    review pages built from the catalogs alone can show what was left out."""
    pot = polib.POFile(wrapwidth=NO_WRAP)
    lines = [f"Segments of {source.reference} for translation (generated by newsl10n)."]
    if residue:
        lines += [RESIDUE, *(f"line {n}: {text}" for n, text in residue_lines(residue))]
    pot.header = "\n".join(lines)
    pot.metadata = header(source, None)
    for seg in segments:
        pot.append(new_entry(seg, source.reference))
    return pot


def residue_lines(residue: Sequence[Residue]) -> list[tuple[int, str]]:
    """(line, text on one line) of each residue, as its template lists it."""
    return [(r.line, " ".join(r.text.split())) for r in residue]


def template_residue(pot: polib.POFile | None) -> list[tuple[int, str]]:
    """(line, text) of the residue a template's header lists (see ``build_template``)."""
    found: list[tuple[int, str]] = []
    lines = (pot.header if pot is not None else "").splitlines()
    if RESIDUE not in lines:
        return found
    for line in lines[lines.index(RESIDUE) + 1 :]:
        number, _, text = line.removeprefix("line ").partition(": ")
        if not number.isdigit():
            break
        found.append((int(number), text))
    return found


def similarity(a: str, b: str) -> float:
    """How alike two source texts are (0..1), as difflib sees them."""
    return SequenceMatcher(None, a, b, autojunk=False).ratio()


CHANGED_THRESHOLD = 0.6  # below this, a new sentence is new, not an edit of an old one


@dataclass(frozen=True)
class MergePlan:
    """What a run must do for one catalog.

    ``kept``: entries left as they are; ``todo``: segments to translate; ``redo``: for todo
    segments whose entry is still there (empty, or newsl10n's own output under
    ``--retranslate``), that entry: it gets the new translation and keeps its translator
    comments and flags; ``changed``: for todo segments that are an edit of an old entry,
    that entry (its text becomes the previous msgid); ``obsolete``: old entries with
    nothing left to match. The entries are the existing catalog's, never modified.
    """

    kept: Mapping[str, polib.POEntry]  # by segment id
    todo: tuple[Segment, ...]
    changed: Mapping[str, polib.POEntry]
    obsolete: tuple[polib.POEntry, ...]
    redo: Mapping[str, polib.POEntry] = field(default_factory=dict)


def plan_update(
    existing: polib.POFile | None, segments: Sequence[Segment], retranslate: bool = False
) -> MergePlan:
    """Merge like msgmerge: exact matches are kept, edits are found by similarity.

    Matching is by (msgctxt, msgid), then by msgid alone (the segment's role or id moved),
    then, for what is left, by the most similar old source of the same role. An obsolete
    entry whose segment is back is revived. ``retranslate`` sends newsl10n's own output
    back to the engine (a new model or glossary): only entries whose msgstr still matches
    its machine fingerprint; anything a person wrote, fuzzy or not, is kept.
    """
    old_entries = list(existing or ())
    by_key = {(e.msgctxt, e.msgid): e for e in old_entries}
    by_text: dict[str, polib.POEntry] = {}
    for e in old_entries:
        by_text.setdefault(e.msgid, e)
    used: set[int] = set()
    kept: dict[str, polib.POEntry] = {}
    redo: dict[str, polib.POEntry] = {}
    todo: list[Segment] = []
    for seg in segments:
        found = by_key.get((seg.id, seg.text)) or by_text.get(seg.text)
        if found is None or id(found) in used:
            todo.append(seg)
            continue
        used.add(id(found))
        if has_work(found) and not (retranslate and fingerprint.is_machine(found)):
            kept[seg.id] = found
        else:
            todo.append(seg)
            redo[seg.id] = found
    changed: dict[str, polib.POEntry] = {}
    for seg in todo:
        if seg.id in redo:
            continue
        role = seg.id.split(":", 1)[0]
        candidates = [
            e
            for e in old_entries
            if id(e) not in used
            and not e.obsolete
            and (e.msgctxt or "").split(":", 1)[0] == role
            and has_work(e)
        ]
        scored = [(similarity(seg.text, e.msgid), e) for e in candidates]
        best = max(scored, key=lambda pair: pair[0], default=None)
        if best is not None and best[0] >= CHANGED_THRESHOLD:
            used.add(id(best[1]))
            changed[seg.id] = best[1]
    # An edit of a translated entry keeps that translation (fuzzy): nothing to translate.
    todo = [s for s in todo if not (s.id in changed and has_translation(changed[s.id]))]
    leftover = tuple(e for e in old_entries if id(e) not in used and (has_work(e) or e.obsolete))
    return MergePlan(kept, tuple(todo), changed, leftover, redo)


def build_catalog(
    source: SourceInfo,
    lang: str,
    segments: Sequence[Segment],
    plan: MergePlan,
    translations: Mapping[str, str],
    notes: Mapping[str, str],
    model: str,
    previous: polib.POFile | None = None,
    glossary_sha256: str = "",
) -> polib.POFile:
    """The catalog for one language: kept entries as they were, new ones fuzzy machine output
    carrying their fingerprint, in the previous catalog's entry order.

    A previous catalog's header (X-Generator, Last-Translator, Language-Team, comments) is
    the translators' and is kept; only the fields newsl10n owns are updated. Entries of
    ``plan`` are copied, never modified, so a plan can be built on again.
    """
    po = _with_header(source, lang, model, previous, glossary_sha256)
    reference = source.reference
    position = {id(e): i for i, e in enumerate(previous or ())}
    placed: list[tuple[tuple[int, int, int], polib.POEntry]] = []
    anchor, added = -1, 0
    for seg in segments:
        if seg.id in plan.kept:
            old: polib.POEntry | None = plan.kept[seg.id]
            entry = _kept_entry(plan.kept[seg.id], seg, reference)
        elif seg.id in plan.redo:
            old = plan.redo[seg.id]
            entry = _redone_entry(old, seg, reference, translations, notes, model)
        else:
            old = plan.changed.get(seg.id)
            entry = _machine_entry(seg, reference, translations, notes, model, old)
        if old is not None and not old.obsolete and id(old) in position:
            anchor = position[id(old)]
            placed.append(((anchor, 0, 0), entry))
        else:  # new (or revived) entries follow the entry of the segment before them
            added += 1
            placed.append(((anchor, 1, added), entry))
    end = len(position)
    for old in plan.obsolete:
        gone = copy.deepcopy(old)
        added += 1
        kept_here = old.obsolete and id(old) in position  # newly obsolete ones go last
        slot = (position[id(old)], 0, 0) if kept_here else (end, 1, added)
        gone.obsolete = True
        placed.append((slot, gone))
    for _key, entry in sorted(placed, key=lambda pair: pair[0]):
        po.append(entry)
    return po


def _with_header(
    source: SourceInfo,
    lang: str,
    model: str,
    previous: polib.POFile | None,
    glossary_sha256: str,
) -> polib.POFile:
    """An empty catalog with the header: the previous catalog's, with only the fields
    newsl10n owns brought up to date, or a fresh one."""
    po = polib.POFile(wrapwidth=NO_WRAP)
    fresh = header(source, lang, model, glossary_sha256)
    if previous is None:
        po.header = (
            f"Translation of {source.reference} into {lang}.\n"
            "Machine translations are marked fuzzy: correct the text, then remove the flag.\n"
            "newsl10n keeps every entry you edit when it runs again."
        )
        po.metadata = fresh
        return po
    po.encoding = previous.encoding  # an EUC-JP catalog stays EUC-JP
    po.header = previous.header
    po.metadata = dict(previous.metadata)
    po.metadata_is_fuzzy = previous.metadata_is_fuzzy
    for key in OWN_KEYS:
        if key in fresh and not (key == GENERATOR and not is_own_generator(po.metadata)):
            po.metadata[key] = fresh[key]
    for key, value in fresh.items():
        po.metadata.setdefault(key, value)
    return po


def _kept_entry(old: polib.POEntry, seg: Segment, reference: str) -> polib.POEntry:
    entry = copy.deepcopy(old)
    entry.obsolete = False
    entry.msgctxt = seg.id
    entry.occurrences = [(reference, str(seg.line))]
    entry.comment = redescribe(entry.comment, seg)
    return entry


def _redone_entry(
    old: polib.POEntry,
    seg: Segment,
    reference: str,
    translations: Mapping[str, str],
    notes: Mapping[str, str],
    model: str,
) -> polib.POEntry:
    """A fresh translation in an entry that held none or only newsl10n's own output:
    translator comments and flags stay; without a translation the old output stays. A fresh
    translation is of the current source, so a recorded previous source (``#|``) is settled."""
    entry = _kept_entry(old, seg, reference)
    text = translations.get(seg.id)
    if text is None:
        if seg.id in notes:
            entry.comment = own_comment(entry.comment, seg, notes[seg.id])
        return entry
    entry.msgstr = text
    entry.previous_msgctxt = entry.previous_msgid = entry.previous_msgid_plural = None
    if FUZZY not in entry.flags:
        entry.flags.insert(0, FUZZY)
    comment = own_comment(entry.comment, seg, notes.get(seg.id))
    entry.comment = fingerprint.stamp(comment, _origin(model, notes.get(seg.id)), text)
    return entry


def _machine_entry(
    seg: Segment,
    reference: str,
    translations: Mapping[str, str],
    notes: Mapping[str, str],
    model: str,
    old: polib.POEntry | None,
) -> polib.POEntry:
    """A new entry; for an edited source (``old``), msgmerge's fuzzy match: the previous
    source as ``#|``, the translator's comments and flags, and the old translation (a
    person's or the machine's) as the fuzzy msgstr. Old machine output (still fuzzy and
    matching its fingerprint) keeps the fingerprint, so ``--retranslate`` may replace it
    later; a person's text, approved or a draft, loses it: a person's decision ends the
    machine's claim (``entry.py``)."""
    text = translations.get(seg.id, "")
    note = notes.get(seg.id)
    if old is None:
        entry = new_entry(seg, reference, text, fuzzy=bool(text))
        comment = own_comment(entry.comment, seg, note)
        entry.comment = fingerprint.stamp(comment, _origin(model, note), text)
        return entry
    entry = _kept_entry(old, seg, reference)
    entry.msgid = seg.text
    if not (old.previous_msgid is not None and FUZZY in old.flags):  # keep the oldest source
        entry.previous_msgctxt = old.msgctxt
        entry.previous_msgid = old.msgid
    if entry.previous_msgid == entry.msgid:  # the edit was undone: no source change to show
        entry.previous_msgctxt = entry.previous_msgid = None
    if FUZZY not in entry.flags:
        entry.flags.insert(0, FUZZY)
    if has_translation(old):
        entry.comment = own_comment(entry.comment, seg, note, keep_mark=fingerprint.is_machine(old))
        return entry
    entry.msgstr = text
    comment = own_comment(entry.comment, seg, note)
    entry.comment = fingerprint.stamp(comment, _origin(model, note), text)
    return entry


def _origin(model: str, note: str | None) -> str:
    """What a fingerprint names as the msgstr's maker: the model, or the memory."""
    return "translation memory" if is_memory_note(note) else model


@dataclass(frozen=True)
class Snapshot:
    """A catalog as a run read it: the parsed catalog and the bytes it came from."""

    path: Path
    po: polib.POFile | None
    data: bytes | None  # None: there was no file


def read(path: Path) -> Snapshot:
    """Read a catalog (strictly, see ``load_catalog``) and remember its bytes, so that a
    later ``commit`` can tell whether someone saved the file in between."""
    data = _read_regular(path)
    return Snapshot(path, None if data is None else _parse(path, data), data)


@dataclass(frozen=True)
class Draft:
    """What a run decided for one catalog: enough to build it on whatever the file holds
    when it is written."""

    source: SourceInfo
    lang: str
    segments: tuple[Segment, ...]
    translations: Mapping[str, str]  # by segment id: machine or memory drafts
    notes: Mapping[str, str]
    model: str
    glossary_sha256: str = ""
    retranslate: bool = False


@dataclass(frozen=True)
class Committed:
    po: polib.POFile  # the catalog as written (or as it already was)
    plan: MergePlan  # the plan it was built from, on the file's content at write time
    written: bool
    merged: bool  # the file had changed since it was read; the run's entries went into it
    data: bytes = b""  # the file's bytes now, for what follows a write (QA, the bundle)
    stat: os.stat_result | None = None  # the file's stat, taken under the lock after the write

    def parsed(self) -> polib.POFile:
        """The catalog as the file now holds it, with its line numbers (``po`` was built
        in memory and has none). The file's bytes are ``po`` as the writer laid it out, so
        the entries are numbered from the file's blocks (``powrite.entry_lines``) rather
        than parsed again; where polib might read the file otherwise than it was written,
        the bytes are parsed, without the strict check a translator's file gets
        (``load_catalog``): this run wrote them."""
        text = self.data.decode(self.po.encoding).removeprefix("\ufeff")
        lines = powrite.entry_lines(self.po, text)
        if lines is None:
            return parse_text(text, self.po.encoding)
        for entry, line in zip(self.po, lines, strict=True):
            entry.linenum = line
        return self.po


def commit(snapshot: Snapshot, draft: Draft, *, sweep: bool = True) -> Committed:
    """Write a run's catalog without losing a save made while the run translated.

    Under the catalog's lock, the file is read again and the catalog is planned and built
    on what it holds now: when nobody touched it, that is what the run read; when an
    editor saved it meanwhile, that save is the base, its human work is kept (the plan
    never replaces it) and the run's machine entries fill what is still to do. A file that
    no longer parses is left as it is and reported. ``sweep``: as in :func:`locked`.
    """
    path = snapshot.path
    with locked(path, sweep=sweep):
        current = read(path)
        plan = plan_update(current.po, draft.segments, draft.retranslate)
        po = build_catalog(
            draft.source,
            draft.lang,
            draft.segments,
            plan,
            draft.translations,
            draft.notes,
            draft.model,
            previous=current.po,
            glossary_sha256=draft.glossary_sha256,
        )
        written, data = _write_if_changed(po, path, current.po, current.data)
        after = os.stat(path)
    merged = current.data != snapshot.data
    return Committed(po, plan, written, merged, data, after)


def _read_regular(path: Path) -> bytes | None:
    """The bytes at ``path``, None when nothing is there; anything but a regular file (a
    FIFO would block the reader forever, a directory named ``x.po``) is refused by name."""
    _linked_file(path)
    try:
        return read_regular(path)
    except FileNotFoundError:
        if os.path.islink(path):  # a catalog kept elsewhere (a share that is offline)
            target = os.readlink(path)
            problem = (
                f"is a symbolic link to a missing file ({target}); restore it or remove the link"
            )
            raise CatalogError(path, problem) from None
        return None
    except NotRegularFile as err:
        raise CatalogError(path, f"is {err}, not a catalog file; remove or rename it") from None
    except OSError as err:
        raise CatalogError(path, f"cannot read catalog: {err.strerror or err}") from None


class NotRegularFile(Exception):
    """What a path is instead of a regular file (``errors.file_kind``)."""


def read_regular(path: Path) -> bytes:
    """A regular file's bytes, opened without blocking and checked on the open file: a
    FIFO named like a catalog or a glossary would block a reader for ever, and so would
    one swapped in after a check. Raises NotRegularFile, or OSError (missing, unreadable)."""
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    try:
        mode = os.fstat(fd).st_mode
        if not stat.S_ISREG(mode):
            raise NotRegularFile(file_kind(mode))
        with os.fdopen(fd, "rb", closefd=False) as handle:
            return handle.read()
    finally:
        os.close(fd)


def read_bytes(path: Path) -> bytes | None:
    """A catalog's bytes unparsed (None when there is no file), refused as ``load_catalog``
    refuses anything but a regular file: for callers that key on its content first."""
    return _read_regular(path)


def parse_catalog(path: Path, data: bytes) -> polib.POFile:
    """The catalog ``path`` held as ``data``, checked as strictly as ``load_catalog``."""
    return _parse(path, data)


def load_catalog(path: Path) -> polib.POFile | None:
    """The catalog at ``path``, or None when there is none.

    polib accepts some broken files (an unterminated string, say), so the bytes are checked
    strictly first: a file a translator broke is reported by line and never rewritten.
    """
    data = _read_regular(path)
    return None if data is None else _parse(path, data)


def _parse(path: Path, data: bytes) -> polib.POFile:
    problems = check_po(data)
    if problems:
        first = problems[0]
        more = f" (and {len(problems) - 1} more problems)" if len(problems) > 1 else ""
        problem = f"{first.message}{more}; fix the file, it was left as it is"
        raise CatalogError(path, problem, first.line)
    try:
        encoding = polib.detect_encoding(data.decode("latin-1"))  # the header's charset
        text = data.decode(encoding).removeprefix("\ufeff")
        po = parse_text(text, encoding)
    except (OSError, ValueError, UnicodeDecodeError, LookupError) as err:
        raise CatalogError(path, f"cannot parse catalog: {err}") from None
    if _utf8_under_another_charset(data, po.encoding):
        raise CatalogError(
            path,
            f"the header declares charset={po.encoding} but the file is UTF-8 (an editor "
            "converted it); set charset=UTF-8 in the header. The file was left as it is",
        )
    return po


def parse_text(text: str, encoding: str, wrapwidth: int = NO_WRAP) -> polib.POFile:
    """polib's reading of PO text (already checked, or written by this run), with lines and
    header fields broken where gettext breaks them (``powrite.po_lines``: at ``\\n``).
    polib breaks both with ``str.splitlines``, which also breaks at a lone ``\\r``,
    U+2028, a form feed and others that msgfmt reads as text: a catalog holding one in a
    string was called broken, and one in a header field was split into two fields."""
    return polib.pofile(
        _GettextText(text), encoding=encoding, wrapwidth=wrapwidth, klass=_GettextCatalog
    )


class _GettextText(str):
    """A text whose ``splitlines`` is gettext's (the one method polib reads lines by)."""

    def splitlines(self, keepends: bool = False) -> list[str]:
        if keepends:
            raise NotImplementedError("polib reads lines without their ends")
        return powrite.po_lines(self)


class _GettextCatalog(polib.POFile):
    """polib's catalog, whose parser finds the header entry with ``find("")`` and then
    splits its msgstr into fields with ``splitlines``: the header's msgstr is handed over
    as a text that splits as gettext does. Nothing else changes."""

    def find(
        self,
        st: str,
        by: str = "msgid",
        include_obsolete_entries: bool = False,
        msgctxt: str | Literal[False] = False,
    ) -> polib.POEntry | None:
        entry = super().find(st, by, include_obsolete_entries, msgctxt)
        if entry is not None and st == "" and by == "msgid":
            entry.msgstr = _GettextText(entry.msgstr)
        return entry


def _utf8_under_another_charset(data: bytes, encoding: str) -> bool:
    """Non-ASCII UTF-8 read as Latin-1 (say) would put mojibake into every rewrite."""
    if encoding.lower().replace("_", "-") in ("utf-8", "utf8") or data.isascii():
        return False
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _encode(po: polib.POFile, path: Path, layout: powrite.FileLayout | None = None) -> bytes:
    try:
        return powrite.render(po, layout).encode(po.encoding)
    except UnicodeEncodeError as err:
        raise CatalogError(
            path,
            f"cannot be written in its charset {po.encoding}: {err.object[err.start]!r} has no "
            "place in it; set charset=UTF-8 in the header",
        ) from None


def render_catalog(po: polib.POFile, previous: bytes | None = None) -> str:
    """The text of ``po``; with ``previous`` (the bytes of the file it replaces), in that
    file's style, unchanged entries byte for byte as they were."""
    return powrite.render(po, _layout(previous, po.encoding))


def _layout(
    data: bytes | None, encoding: str, parsed: polib.POFile | None = None
) -> powrite.FileLayout | None:
    """The layout of the file ``data`` (``parsed``: the catalog read from it, if known)."""
    if data is None:
        return None
    try:
        text = data.decode(encoding)
        po = parsed or parse_text(text.removeprefix("\ufeff"), encoding, wrapwidth=0)
    except (ValueError, UnicodeDecodeError, LookupError, OSError):
        return None
    return powrite.layout(text, po)


def write_if_changed(
    po: polib.POFile, path: Path, previous: polib.POFile | None, data: bytes | None = None
) -> bool:
    """Write atomically unless only the dates would change; returns whether it wrote.

    ``data``: the bytes ``previous`` was parsed from (read from ``path`` when not given).
    Unchanged content keeps the previous dates, so a no-op run leaves no git diff; a
    changed catalog keeps the previous file's wrapping, and its unchanged entries keep
    their bytes.
    """
    return _write_if_changed(po, path, previous, data)[0]


def _write_if_changed(
    po: polib.POFile, path: Path, previous: polib.POFile | None, data: bytes | None = None
) -> tuple[bool, bytes]:
    """:func:`write_if_changed`, also returning the file's bytes (as written or as kept)."""
    layout = None
    if previous is not None:
        same = data is not None  # previous was parsed from these very bytes
        data = data if same else _read_regular(path)
        layout = _layout(data, po.encoding, previous if same else None)
        for key in DATE_KEYS:
            if key in previous.metadata:
                po.metadata[key] = previous.metadata[key]
        if data is not None and _encode(po, path, layout) == data:
            return False, data
        now = timestamp()
        po.metadata["PO-Revision-Date"] = now
        if path.suffix == TEMPLATE_SUFFIX:
            po.metadata["POT-Creation-Date"] = now
    encoded = _encode(po, path, layout)
    # Synced to disk when it replaces a catalog (which may hold a translator's work); a
    # first catalog or a template (made from the source alone) is only renamed into place:
    # a power cut can cost the run's own output, never a person's, and a batch of new
    # articles does not wait for the disk thousands of times.
    sync = previous is not None and path.suffix != TEMPLATE_SUFFIX
    try:
        atomic_write_bytes(_linked_file(path), encoded, sync=sync)
    except OSError as err:  # disk full, read-only folder: that catalog fails, by name
        raise CatalogError(path, f"cannot write catalog: {err.strerror or err}") from None
    return True, encoded


def _linked_file(path: Path) -> Path:
    """The file a catalog's name leads to, checked on every read and write. A catalog may
    be a symbolic link (translators keep it on a share): it is written where the link
    points, and the link stays, as gettext's tools and editors write through it. A rename
    onto the link itself would replace it with a copy, from which the shared file would
    drift apart. (Hard links are left to break: a backup's hard-linked snapshot must keep
    its old bytes.) Locks are the project's: two projects linking one file do not see each
    other's writes.

    The link must lead to a catalog file (same suffix) outside this project's catalogs:
    one to notes.txt would have the notes overwritten with a catalog, and one to
    fr/…/x.po the French catalog with German."""
    if not os.path.islink(path):
        return path
    target = Path(os.path.realpath(path))
    if target.suffix != path.suffix and target.exists():
        problem = f"is a symbolic link to {target}, which is not a catalog file"
        raise CatalogError(path, f"{problem} (*{path.suffix}); remove or fix the link")
    if target.is_relative_to(os.path.realpath(_locks_dir(path).parent)):
        problem = f"is a symbolic link to {target}, another catalog of this project"
        raise CatalogError(path, f"{problem}; remove the link")
    return target


def atomic_write(path: Path, text: str, encoding: str = "utf-8") -> None:
    """Write text atomically; catalogs keep the charset their header declares (EUC-JP
    files stay EUC-JP)."""
    atomic_write_bytes(path, text.encode(encoding))


def atomic_write_bytes(path: Path, data: bytes, *, sync: bool = True) -> None:
    """Temporary file + rename in the same folder: readers see the old file or the new one,
    never half of it, even when the process is killed mid-write. The file gets the mode a
    plain ``open()`` would give it: the old file's, else 0666 less the umask.

    ``sync`` flushes the data to disk before the rename, so a power cut cannot leave an
    empty catalog where a translator's work was. Files a run can make again (bundles,
    review pages, the index, templates, a first catalog) pass False: making them again is
    the recovery, and a batch writes thousands of them."""
    with temporary(path) as (fd, tmp):
        with os.fdopen(fd, "wb", closefd=False) as handle:
            handle.write(data)
            handle.flush()
            if sync:
                os.fsync(handle.fileno())
        os.replace(tmp, path)  # still claimed: a sweep never takes a file being renamed


# ---------------------------------------------------------------- temporary files
#
# A write goes through ``.NAME.XXXXXXXX.tmp`` beside its file (a random part). A
# process killed mid-write (kill -9, OOM, power) leaves that file behind; nothing of ours
# reads it, so it is only litter, but litter translators see in their folders. Who may
# remove it? Not a file another live process is still writing. Two facts decide it:
# - a writer holds an exclusive ``flock`` on its temporary file from creation until after
#   the rename (``temporary``); the kernel drops it when the writer dies, however it dies;
# - catalogs and templates are only written under their lock (``locked``), and the sweep
#   runs just after taking it: files of a writer that obeys the lock are all finished.
# So under the lock a temporary file of that name that is older than the lock's acquisition
# and that nobody holds (a non-blocking flock on it succeeds) is a dead writer's: removed
# while we hold its flock. A writer that ignores the lock (another tool, another path to
# the same folder) is protected by its flock; without flock (not POSIX) only the lock and
# the age decide.

_TEMPORARY = re.compile(r"\.(?P<name>.+)\.[A-Za-z0-9_]{6,}\.tmp")


@contextmanager
def temporary(path: Path) -> Iterator[tuple[int, str]]:
    """A temporary file beside ``path`` (``.NAME.XXXXXXXX.tmp``), claimed for as long as
    the block runs, with the mode a plain ``open()`` of ``path`` gives (a new file 0666
    less the umask, as ``open`` makes it; an existing file keeps its own); removed when
    the block fails. The block renames it into place. A missing folder is created."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | _NOFOLLOW | _CLOEXEC | BINARY
    for _ in range(100):  # as mkstemp does: another random name when one is taken
        tmp = path.parent / f".{path.name}.{secrets.token_hex(4)}.tmp"
        try:
            fd = _open_in_folder(tmp, flags, 0o666)
            break
        except FileExistsError:
            continue
    else:
        raise FileExistsError(errno.EEXIST, "no free temporary file name", str(path.parent))
    try:
        _claim(fd)
        with suppress(OSError):  # a new file: the kernel applied the umask to 0666
            os.fchmod(fd, stat.S_IMODE(os.stat(path).st_mode))
        yield fd, str(tmp)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    finally:
        os.close(fd)


_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_CLOEXEC = getattr(os, "O_CLOEXEC", 0)
BINARY = getattr(os, "O_BINARY", 0)  # Windows: no newline translation (mkstemp sets it too)


def remove_stale_temporaries(path: Path, since: float) -> list[Path]:
    """Remove the temporary files killed writes of ``path`` (and of its ``.mo``) left in
    its folder: only under ``path``'s lock, only files last written before ``since`` (when
    the lock was taken) and held by no process (see above). Returns what was removed."""
    catalog = path.suffix == CATALOG_SUFFIX
    names = {path.name, path.with_suffix(".mo").name} if catalog else {path.name}
    try:
        found = os.listdir(path.parent)
    except OSError:
        return []
    removed = []
    for name in found:
        if not name.endswith(".tmp"):  # a folder of catalogs: a cheap look first
            continue
        match = _TEMPORARY.fullmatch(name)
        if match and match["name"] in names and _remove_if_dead(path.parent / name, since):
            removed.append(path.parent / name)
    return removed


def sweep_temporaries(locales: Path) -> list[Path]:
    """Remove the temporary files killed writes left beside the catalogs and templates
    under ``locales`` (a run does this first: an unchanged article is skipped and never
    takes its catalog's lock). One listing per folder; only a catalog with leftovers is
    locked, and one whose lock is busy is left: a desk save sweeps on taking it, another
    run's commit does not (it swept at its own start), so a leftover beside a catalog busy
    at that moment stays until the next run; it is litter, never read."""
    folders = [locales, *sorted(locales.glob(f"*/{MESSAGES_FOLDER}"))] if locales.is_dir() else []
    removed: list[Path] = []
    for folder in folders:
        try:
            names = os.listdir(folder)
        except OSError:
            continue
        targets = {m["name"] for m in map(_TEMPORARY.fullmatch, names) if m is not None}
        owners = {
            folder / (t[: -len(".mo")] + CATALOG_SUFFIX if t.endswith(".mo") else t)
            for t in targets
        }
        for owner in sorted(o for o in owners if o.suffix in (CATALOG_SUFFIX, TEMPLATE_SUFFIX)):
            removed.extend(_sweep_one(owner))
    return removed


def _sweep_one(owner: Path) -> list[Path]:
    try:
        with locked(owner, timeout=0, sweep=False):
            return remove_stale_temporaries(owner, since=time.time())
    except CatalogError:  # busy (its holder sweeps) or a folder we cannot lock
        return []


def _remove_if_dead(candidate: Path, since: float) -> bool:
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
    try:
        fd = os.open(candidate, flags)  # a symbolic link is refused, never followed
    except OSError:
        return False
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode) or info.st_mtime > since or not _unclaimed(fd):
            return False
        candidate.unlink()  # while holding its flock: no writer can claim it meanwhile
        return True
    except OSError:
        return False
    finally:
        os.close(fd)


class _Lock(Protocol):
    def release(self) -> None: ...


if sys.platform == "win32":  # pragma: no cover - no flock: the lock and the age decide

    def _claim(fd: int) -> None:
        pass

    def _unclaimed(fd: int) -> bool:
        return True

    def _take_lock(name: Path, timeout: float) -> _Lock:
        from filelock import FileLock, Timeout

        _ensure_folder(name.parent)
        lock = FileLock(name)
        try:
            lock.acquire(timeout=timeout)
        except Timeout:
            raise TimeoutError(name) from None
        return lock

else:
    import fcntl

    def _claim(fd: int) -> None:
        fcntl.flock(fd, fcntl.LOCK_EX)

    def _unclaimed(fd: int) -> bool:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:  # BlockingIOError: a live writer holds it
            return False
        return True

    class _FlockLock:
        """An exclusive ``flock`` on a lock file, held while it stays open: the lock
        filelock's Unix lock takes too (each excludes the other), without its probes of
        the folder at every acquisition (a batch takes thousands). Every acquisition opens
        the file anew, so two threads of one process exclude each other as two processes
        do; the kernel drops the lock when its holder dies, however it dies."""

        POLL_SECONDS = 0.05

        def __init__(self, name: Path, timeout: float) -> None:
            self.fd = _open_in_folder(name, os.O_RDWR | os.O_CREAT | _NOFOLLOW | _CLOEXEC, 0o666)
            deadline = time.monotonic() + timeout
            try:
                while True:
                    try:
                        fcntl.flock(self.fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                        return
                    except OSError as err:
                        if err.errno not in _BUSY:  # no flock here (ENOLCK...): by name
                            raise
                        left = deadline - time.monotonic()
                        if left <= 0:
                            raise TimeoutError(name) from None
                        time.sleep(min(self.POLL_SECONDS, left))
            except BaseException:
                os.close(self.fd)
                raise

        def release(self) -> None:
            os.close(self.fd)  # the last descriptor closed drops the flock

    def _take_lock(name: Path, timeout: float) -> _Lock:
        return _FlockLock(name, timeout)

    # A lock held by someone else: EWOULDBLOCK (EAGAIN) locally, EACCES on some network
    # file systems (filelock waits on all three as well).
    _BUSY = frozenset({errno.EAGAIN, errno.EWOULDBLOCK, errno.EACCES})


def catalogs(locales: Path, languages: Sequence[str] | None = None) -> list[tuple[str, Path]]:
    """(language, path) of every catalog under ``locales``, sorted.

    Everything named ``*.po`` is listed, FIFOs and directories too: ``load_catalog``
    refuses those by name, so each command reports them instead of skipping or hanging."""
    found: list[tuple[str, Path]] = []
    if not locales.is_dir():
        return found
    for folder in sorted(p for p in locales.iterdir() if p.is_dir()):
        if languages and folder.name not in languages:
            continue
        found.extend(
            (folder.name, po)
            for po in sorted(catalog_folder(locales, folder.name).glob(f"*{CATALOG_SUFFIX}"))
        )
    return found


def compile_mo(path: Path, use_fuzzy: bool = False) -> Path:
    """Write ``<catalog>.mo`` next to the catalog: reviewed entries only, as msgfmt does."""
    po = load_catalog(path)
    if po is None:
        raise CatalogError(path, "catalog does not exist")
    if use_fuzzy:
        for entry in po:
            if FUZZY in entry.flags:
                entry.flags.remove(FUZZY)
    target = path.with_suffix(".mo")
    try:
        with temporary(target) as (_fd, tmp):
            po.save_as_mofile(tmp)
            os.replace(tmp, target)
    except OSError as err:  # a read-only folder: that catalog fails by name, the others go on
        raise CatalogError(path, f"cannot write {target.name}: {err.strerror or err}") from None
    return target
