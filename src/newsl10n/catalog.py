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
import os
import re
import stat
import tempfile
import threading
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from difflib import SequenceMatcher
from pathlib import Path

import polib
from babel.messages.plurals import get_plural
from filelock import FileLock, Timeout

from newsl10n import __version__, fingerprint, powrite
from newsl10n.errors import CatalogError
from newsl10n.pocheck import check_po
from newsl10n.segment import Residue, Segment

FUZZY = "fuzzy"
# Strings and comments are not wrapped (msgmerge --no-wrap): polib would wrap comments too,
# changing translators' and notes' lines; one line per string also diffs well.
NO_WRAP = 0
_DATE_KEYS = ("POT-Creation-Date", "PO-Revision-Date")


def template_path(locales: Path, slug: str) -> Path:
    return locales / f"{slug}.pot"


def catalog_path(locales: Path, lang: str, slug: str) -> Path:
    return locales / lang / "LC_MESSAGES" / f"{slug}.po"


LOCK_TIMEOUT_SECONDS = 900.0  # generous: a lock is held to re-read, merge and write only


@contextmanager
def locked(path: Path, timeout: float = LOCK_TIMEOUT_SECONDS) -> Iterator[None]:
    """Hold the lock of one catalog: concurrent runs (threads, processes, workers sharing
    the folder) update it one at a time, so neither loses the other's entries.

    Lock files live in ``.locks/`` beside the language folders, out of translators' way.
    """
    locks = _locks_dir(path)
    name = locks / f"{path.parent.parent.name}--{path.name}.lock"
    try:
        locks.mkdir(parents=True, exist_ok=True)
        lock = FileLock(name)
        lock.acquire(timeout=timeout)
    except Timeout:
        raise CatalogError(
            path, f"another run has been updating this catalog for over {timeout:.0f} s; try later"
        ) from None
    except OSError as err:  # a read-only folder; a lock that is a symlink (never followed)
        link = " (it is a symbolic link: remove it)" if name.is_symlink() else ""
        raise CatalogError(
            path, f"cannot take the lock {name}{link}: {err.strerror or err}"
        ) from None
    try:
        yield
    finally:
        lock.release()


def _locks_dir(path: Path) -> Path:
    """``locales/.locks`` for ``locales/<lang>/LC_MESSAGES/x.po`` and ``locales/x.pot``."""
    if path.parent.name == "LC_MESSAGES":
        return path.parent.parent.parent / ".locks"
    return path.parent / ".locks"


def timestamp(now: datetime | None = None) -> str:
    return (now or datetime.now(UTC)).strftime("%Y-%m-%d %H:%M%z")


def plural_forms(lang: str) -> str:
    """The Plural-Forms header for a language, from CLDR via Babel."""
    return str(get_plural(lang))


@dataclass(frozen=True)
class SourceInfo:
    """What a catalog records about its article, so bundles can be built from it alone."""

    slug: str
    reference: str  # the source path as catalogs cite it
    sha256: str
    language: str
    confidence: float


_OWN_KEYS = (
    "X-Generator",
    "X-Source-File",
    "X-Source-SHA256",
    "X-Source-Language",
    "X-Source-Language-Confidence",
    "X-Machine-Translation",
    "X-Glossary-SHA256",
)


def header(
    source: SourceInfo, lang: str | None, model: str = "", glossary_sha256: str = ""
) -> dict[str, str]:
    now = timestamp()
    meta = {
        "Project-Id-Version": f"newsl10n {source.slug}",
        "Report-Msgid-Bugs-To": "",
        "POT-Creation-Date": now,
        "PO-Revision-Date": now,
        "Last-Translator": "newsl10n machine translation",
        "Language-Team": lang or "none",
        "Language": lang or "",
        "MIME-Version": "1.0",
        "Content-Type": "text/plain; charset=UTF-8",
        "Content-Transfer-Encoding": "8bit",
    }
    if lang:
        meta["Plural-Forms"] = plural_forms(lang)
    meta["X-Generator"] = f"newsl10n {__version__}"
    meta["X-Source-File"] = source.reference
    meta["X-Source-SHA256"] = source.sha256
    meta["X-Source-Language"] = source.language
    meta["X-Source-Language-Confidence"] = f"{source.confidence:.2f}"
    if model:
        meta["X-Machine-Translation"] = model
    if glossary_sha256:
        meta["X-Glossary-SHA256"] = glossary_sha256
    return meta


def describe(segment: Segment) -> str:
    """The extracted comment translators see: what the segment is and where it sits."""
    return (
        f"{segment.role.value}, paragraph {segment.paragraph}, sentence {segment.sentence}; "
        f"source language {segment.lang}"
    )


_DESCRIPTION = re.compile(r"^\w+, paragraph \d+, sentence \d+; source language \S*$")


def redescribe(comment: str, segment: Segment) -> str:
    """Update our position line of an extracted comment, keeping every other line
    (notes, and comments other tools or developers wrote)."""
    lines = comment.split("\n") if comment else []
    if lines and _DESCRIPTION.match(lines[0]):
        lines = lines[1:]
    return "\n".join([describe(segment), *lines])


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
        lines += [RESIDUE, *(f"line {r.line}: {' '.join(r.text.split())}" for r in residue)]
    pot.header = "\n".join(lines)
    pot.metadata = header(source, None)
    for seg in segments:
        pot.append(new_entry(seg, source.reference))
    return pot


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


def is_reviewed(entry: polib.POEntry) -> bool:
    """A person's translation: msgstr set and no fuzzy flag."""
    return bool(entry.msgstr or any(entry.msgstr_plural.values())) and FUZZY not in entry.flags


def has_work(entry: polib.POEntry) -> bool:
    """Anything worth keeping: a translation (singular or plural) or a translator comment."""
    return bool(entry.msgstr or entry.tcomment or any(entry.msgstr_plural.values()))


def similarity(a: str, b: str) -> float:
    """How alike two source texts are (0..1), as difflib sees them."""
    return SequenceMatcher(None, a, b, autojunk=False).ratio()


CHANGED_THRESHOLD = 0.6  # below this, a new sentence is new, not an edit of an old one


@dataclass(frozen=True)
class Plan:
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
) -> Plan:
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
    todo = [s for s in todo if not (s.id in changed and _translated(changed[s.id]))]
    leftover = tuple(e for e in old_entries if id(e) not in used and (has_work(e) or e.obsolete))
    return Plan(kept, tuple(todo), changed, leftover, redo)


def _translated(entry: polib.POEntry) -> bool:
    return bool(entry.msgstr or any(entry.msgstr_plural.values()))


def build_catalog(
    source: SourceInfo,
    lang: str,
    segments: Sequence[Segment],
    plan: Plan,
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
    po = polib.POFile(wrapwidth=NO_WRAP)
    fresh = header(source, lang, model, glossary_sha256)
    reference = source.reference
    if previous is not None:
        po.encoding = previous.encoding  # an EUC-JP catalog stays EUC-JP
        po.header = previous.header
        po.metadata = dict(previous.metadata)
        po.metadata_is_fuzzy = previous.metadata_is_fuzzy
        for key in _OWN_KEYS:
            if key in fresh and not (key == "X-Generator" and _tools(po.metadata)):
                po.metadata[key] = fresh[key]
        for key, value in fresh.items():
            po.metadata.setdefault(key, value)
    else:
        po.header = (
            f"Translation of {reference} into {lang}.\n"
            "Machine translations are marked fuzzy: correct the text, then remove the flag.\n"
            "newsl10n keeps every entry you edit when it runs again."
        )
        po.metadata = fresh
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


def _tools(metadata: Mapping[str, str]) -> bool:
    """True when the catalog was last saved by another tool (Poedit, Weblate...), whose
    X-Generator stays."""
    generator = metadata.get("X-Generator", "")
    return bool(generator) and not generator.startswith("newsl10n")


# Lines of an extracted comment that newsl10n writes (and rewrites with a new translation).
_NOTE_PREFIXES = (
    "glossary: missing ",
    "translation memory: ",
    "not translated: ",
    fingerprint.SCORE_PREFIX,
)


def _own_comment(comment: str, seg: Segment, note: str | None, keep_mark: bool = False) -> str:
    """An extracted comment for a new translation of ``seg``: the position line, the lines
    other tools or developers wrote (and the fingerprint, with ``keep_mark``), then this
    run's note."""
    lines = redescribe(comment, seg).split("\n")
    lines = [lines[0]] + [
        t
        for t in lines[1:]
        if not t.startswith(_NOTE_PREFIXES) and (keep_mark or not fingerprint.is_line(t))
    ]
    if note:
        lines.append(note)
    return "\n".join(lines)


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
    translator comments and flags stay; without a translation the old output stays."""
    entry = _kept_entry(old, seg, reference)
    text = translations.get(seg.id)
    if text is None:
        if seg.id in notes:
            entry.comment = _own_comment(entry.comment, seg, notes[seg.id])
        return entry
    entry.msgstr = text
    if FUZZY not in entry.flags:
        entry.flags.insert(0, FUZZY)
    comment = _own_comment(entry.comment, seg, notes.get(seg.id))
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
    person's or the machine's) as the fuzzy msgstr. Old machine output keeps its
    fingerprint, so ``--retranslate`` may replace it later; a person's text never is."""
    text = translations.get(seg.id, "")
    note = notes.get(seg.id)
    if old is None:
        entry = new_entry(seg, reference, text, fuzzy=bool(text))
        comment = _own_comment(entry.comment, seg, note)
        entry.comment = fingerprint.stamp(comment, _origin(model, note), text)
        return entry
    entry = _kept_entry(old, seg, reference)
    entry.msgid = seg.text
    if not (old.previous_msgid is not None and FUZZY in old.flags):  # keep the oldest source
        entry.previous_msgctxt = old.msgctxt
        entry.previous_msgid = old.msgid
    if FUZZY not in entry.flags:
        entry.flags.insert(0, FUZZY)
    if _translated(old):
        entry.comment = _own_comment(entry.comment, seg, note, keep_mark=True)
        return entry
    entry.msgstr = text
    comment = _own_comment(entry.comment, seg, note)
    entry.comment = fingerprint.stamp(comment, _origin(model, note), text)
    return entry


def _origin(model: str, note: str | None) -> str:
    """What a fingerprint names as the msgstr's maker: the model, or the memory."""
    return "translation memory" if note and note.startswith("translation memory: ") else model


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
    plan: Plan  # the plan it was built from, on the file's content at write time
    written: bool
    merged: bool  # the file had changed since it was read; the run's entries went into it


def commit(snapshot: Snapshot, draft: Draft) -> Committed:
    """Write a run's catalog without losing a save made while the run translated.

    Under the catalog's lock, the file is read again and the catalog is planned and built
    on what it holds now: when nobody touched it, that is what the run read; when an
    editor saved it meanwhile, that save is the base, its human work is kept (the plan
    never replaces it) and the run's machine entries fill what is still to do. A file that
    no longer parses is left as it is and reported.
    """
    path = snapshot.path
    with locked(path):
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
        written = write_if_changed(po, path, current.po, current.data)
    return Committed(po, plan, written, merged=current.data != snapshot.data)


def _read_regular(path: Path) -> bytes | None:
    """The bytes at ``path``, None when nothing is there; anything but a regular file (a
    FIFO would block the reader forever, a directory named ``x.po``) is refused by name."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except FileNotFoundError:
        return None
    except OSError as err:
        raise CatalogError(path, f"cannot read catalog: {err.strerror or err}") from None
    mode = os.fstat(fd).st_mode
    if not stat.S_ISREG(mode):
        os.close(fd)
        kind = _KINDS.get(stat.S_IFMT(mode), "not a regular file")
        raise CatalogError(path, f"is {kind}, not a catalog file; remove or rename it")
    with os.fdopen(fd, "rb") as handle:
        return handle.read()


_KINDS = {
    stat.S_IFDIR: "a directory",
    stat.S_IFIFO: "a FIFO (named pipe)",
    stat.S_IFSOCK: "a socket",
    stat.S_IFCHR: "a character device",
    stat.S_IFBLK: "a block device",
}


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
        po = polib.pofile(text, encoding=encoding, wrapwidth=NO_WRAP)
    except (OSError, ValueError, UnicodeDecodeError, LookupError) as err:
        raise CatalogError(path, f"cannot parse catalog: {err}") from None
    if _utf8_under_another_charset(data, po.encoding):
        raise CatalogError(
            path,
            f"the header declares charset={po.encoding} but the file is UTF-8 (an editor "
            "converted it); set charset=UTF-8 in the header. The file was left as it is",
        )
    return po


def _utf8_under_another_charset(data: bytes, encoding: str) -> bool:
    """Non-ASCII UTF-8 read as Latin-1 (say) would put mojibake into every rewrite."""
    if encoding.lower().replace("_", "-") in ("utf-8", "utf8") or data.isascii():
        return False
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _encode(po: polib.POFile, path: Path, layout: powrite.Layout | None = None) -> bytes:
    try:
        return powrite.render(po, layout).encode(po.encoding)
    except UnicodeEncodeError as err:
        raise CatalogError(
            path,
            f"cannot be written in its charset {po.encoding}: {err.object[err.start]!r} has no "
            "place in it; set charset=UTF-8 in the header",
        ) from None


def render(po: polib.POFile, previous: bytes | None = None) -> str:
    """The text of ``po``; with ``previous`` (the bytes of the file it replaces), in that
    file's style, unchanged entries byte for byte as they were."""
    return powrite.render(po, _layout(previous, po.encoding))


def _layout(
    data: bytes | None, encoding: str, parsed: polib.POFile | None = None
) -> powrite.Layout | None:
    """The layout of the file ``data`` (``parsed``: the catalog read from it, if known)."""
    if data is None:
        return None
    try:
        text = data.decode(encoding)
        po = parsed or polib.pofile(text.removeprefix("\ufeff"), encoding=encoding, wrapwidth=0)
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
    layout = None
    if previous is not None:
        same = data is not None  # previous was parsed from these very bytes
        data = data if same else _read_regular(path)
        layout = _layout(data, po.encoding, previous if same else None)
        for key in _DATE_KEYS:
            if key in previous.metadata:
                po.metadata[key] = previous.metadata[key]
        if data is not None and _encode(po, path, layout) == data:
            return False
        now = timestamp()
        po.metadata["PO-Revision-Date"] = now
        if path.suffix == ".pot":
            po.metadata["POT-Creation-Date"] = now
    encoded = _encode(po, path, layout)
    try:
        atomic_write_bytes(path, encoded)
    except OSError as err:  # disk full, read-only folder: that catalog fails, by name
        raise CatalogError(path, f"cannot write catalog: {err.strerror or err}") from None
    return True


def atomic_write(path: Path, text: str, encoding: str = "utf-8") -> None:
    """Write text atomically; catalogs keep the charset their header declares (EUC-JP
    files stay EUC-JP)."""
    atomic_write_bytes(path, text.encode(encoding))


def atomic_write_bytes(path: Path, data: bytes) -> None:
    """Temporary file + rename in the same folder: readers see the old file or the new one,
    never half of it, even when the process is killed mid-write. The file gets the mode a
    plain ``open()`` would give it: the old file's, else 0666 less the umask."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            os.fchmod(handle.fileno(), file_mode(path))
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


_UMASK_LOCK = threading.Lock()


def file_mode(path: Path) -> int:
    """The permission bits ``open(path, "w")`` would leave: an existing file's own, else
    0666 less the process umask (mkstemp's 0600 would hide files from a web server or a
    Weblate service sharing the folder)."""
    try:
        return stat.S_IMODE(os.stat(path).st_mode)
    except OSError:
        return 0o666 & ~_umask()


def _umask() -> int:
    try:  # Linux reports it without changing it (os.umask can only set it)
        for text in Path("/proc/self/status").read_text().splitlines():
            if text.startswith("Umask:"):
                return int(text.split()[1], 8)
    except (OSError, ValueError, IndexError):
        pass
    with _UMASK_LOCK:
        mask = os.umask(0o077)
        os.umask(mask)
    return mask


def entries(po: polib.POFile) -> Iterable[polib.POEntry]:
    """Live (non-obsolete) entries."""
    return (e for e in po if not e.obsolete)


@dataclass(frozen=True)
class Counts:
    reviewed: int
    fuzzy: int
    untranslated: int
    obsolete: int

    @property
    def total(self) -> int:
        return self.reviewed + self.fuzzy + self.untranslated

    @property
    def share_reviewed(self) -> float:
        return self.reviewed / self.total if self.total else 1.0


def count(po: polib.POFile) -> Counts:
    live = list(entries(po))
    reviewed = sum(1 for e in live if is_reviewed(e))
    fuzzy = sum(1 for e in live if FUZZY in e.flags)
    return Counts(reviewed, fuzzy, len(live) - reviewed - fuzzy, len(po) - len(live))


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
        found.extend((folder.name, po) for po in sorted((folder / "LC_MESSAGES").glob("*.po")))
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
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=path.parent)
    os.fchmod(fd, file_mode(target))
    os.close(fd)
    try:
        po.save_as_mofile(tmp)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return target
