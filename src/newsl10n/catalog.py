"""Gettext catalogs for articles: one template per article, one PO file per language.

Entries are keyed by msgctxt (the segment's stable id) and msgid (its text). An entry that
already exists with the same key is kept as it is, so a run never re-translates what it
translated before and never touches what a person edited; entries whose segment is gone
become obsolete (``#~``) instead of being dropped. Files are written atomically, and only
when their content changes.
"""

from __future__ import annotations

import os
import re
import tempfile
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from difflib import SequenceMatcher
from pathlib import Path

import polib
from babel.messages.plurals import get_plural
from filelock import FileLock, Timeout

from newsl10n import __version__
from newsl10n.errors import CatalogError
from newsl10n.pocheck import check_po
from newsl10n.segment import Segment

FUZZY = "fuzzy"
# Strings and comments are not wrapped (msgmerge --no-wrap): polib would wrap comments too,
# changing translators' and notes' lines; one line per string also diffs well.
NO_WRAP = 0
_DATE_KEYS = ("POT-Creation-Date", "PO-Revision-Date")


def template_path(locales: Path, slug: str) -> Path:
    return locales / f"{slug}.pot"


def catalog_path(locales: Path, lang: str, slug: str) -> Path:
    return locales / lang / "LC_MESSAGES" / f"{slug}.po"


LOCK_TIMEOUT_SECONDS = 900.0  # a whole article's translation may run inside the lock


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


def build_template(source: SourceInfo, segments: Sequence[Segment]) -> polib.POFile:
    pot = polib.POFile(wrapwidth=NO_WRAP)
    pot.header = f"Segments of {source.reference} for translation (generated by newsl10n)."
    pot.metadata = header(source, None)
    for seg in segments:
        pot.append(new_entry(seg, source.reference))
    return pot


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

    ``kept``: entries left as they are; ``todo``: segments to translate; ``changed``: for
    todo segments that are an edit of an old entry, that entry (its text becomes the
    previous msgid); ``obsolete``: old entries with nothing left to match.
    """

    kept: Mapping[str, polib.POEntry]  # by segment id
    todo: tuple[Segment, ...]
    changed: Mapping[str, polib.POEntry]
    obsolete: tuple[polib.POEntry, ...]


def plan_update(
    existing: polib.POFile | None, segments: Sequence[Segment], retranslate: bool = False
) -> Plan:
    """Merge like msgmerge: exact matches are kept, edits are found by similarity.

    Matching is by (msgctxt, msgid), then by msgid alone (the segment's role or id moved),
    then, for what is left, by the most similar old source of the same role. An obsolete
    entry whose segment is back is revived. ``retranslate`` sends unreviewed machine output
    back to the engine (a new model or glossary); reviewed entries are never touched.
    """
    old_entries = list(existing or ())
    by_key = {(e.msgctxt, e.msgid): e for e in old_entries}
    by_text: dict[str, polib.POEntry] = {}
    for e in old_entries:
        by_text.setdefault(e.msgid, e)
    used: set[int] = set()
    kept: dict[str, polib.POEntry] = {}
    todo: list[Segment] = []
    for seg in segments:
        found = by_key.get((seg.id, seg.text)) or by_text.get(seg.text)
        if found is None or id(found) in used:
            todo.append(seg)
            continue
        used.add(id(found))
        if has_work(found) and not (retranslate and not is_reviewed(found)):
            found.obsolete = False
            found.msgctxt = seg.id
            kept[seg.id] = found
        else:
            todo.append(seg)
    changed: dict[str, polib.POEntry] = {}
    for seg in todo:
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
    leftover = tuple(e for e in old_entries if id(e) not in used and (has_work(e) or e.obsolete))
    return Plan(kept, tuple(todo), changed, leftover)


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
    """The catalog for one language: kept entries as they were, new ones fuzzy machine output.

    A previous catalog's header (Last-Translator, Language-Team, comments) is the
    translators' and is kept; only the fields newsl10n owns are updated.
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
            if key in fresh:
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
    for seg in segments:
        entry = plan.kept.get(seg.id)
        if entry is not None:
            entry.occurrences = [(reference, str(seg.line))]
            entry.comment = redescribe(entry.comment, seg)
        else:
            entry = _machine_entry(seg, reference, translations, notes, plan.changed.get(seg.id))
        po.append(entry)
    for old in plan.obsolete:
        old.obsolete = True
        po.append(old)
    return po


def _machine_entry(
    seg: Segment,
    reference: str,
    translations: Mapping[str, str],
    notes: Mapping[str, str],
    old: polib.POEntry | None,
) -> polib.POEntry:
    text = translations.get(seg.id, "")
    entry = new_entry(seg, reference, text, fuzzy=bool(text) or old is not None)
    if seg.id in notes:
        entry.comment = f"{entry.comment}\n{notes[seg.id]}"
    if old is not None:
        # The translator sees what changed (#| msgid) and keeps their earlier work in view.
        entry.previous_msgctxt = old.msgctxt
        entry.previous_msgid = old.msgid
        lines = [old.tcomment] if old.tcomment else []
        if is_reviewed(old):
            lines.append(f"previous reviewed translation: {old.msgstr}")
        entry.tcomment = "\n".join(lines)
    return entry


def load_catalog(path: Path) -> polib.POFile | None:
    """The catalog at ``path``, or None when there is none.

    polib accepts some broken files (an unterminated string, say), so the bytes are checked
    strictly first: a file a translator broke is reported by line and never rewritten.
    """
    if not path.exists():
        return None
    data = path.read_bytes()
    problems = check_po(data)
    if problems:
        first = problems[0]
        more = f" (and {len(problems) - 1} more problems)" if len(problems) > 1 else ""
        problem = f"{first.message}{more}; fix the file, it was left as it is"
        raise CatalogError(path, problem, first.line)
    try:
        po = polib.pofile(str(path), wrapwidth=NO_WRAP)
    except (OSError, ValueError, UnicodeDecodeError) as err:
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


def _encode(po: polib.POFile, path: Path) -> bytes:
    try:
        return render(po).encode(po.encoding)
    except UnicodeEncodeError as err:
        raise CatalogError(
            path,
            f"cannot be written in its charset {po.encoding}: {err.object[err.start]!r} has no "
            "place in it; set charset=UTF-8 in the header",
        ) from None


def render(po: polib.POFile) -> str:
    return str(po) if str(po).endswith("\n") else f"{po}\n"


def write_if_changed(po: polib.POFile, path: Path, previous: polib.POFile | None) -> bool:
    """Write atomically unless only the dates would change; returns whether it wrote.

    Unchanged content keeps the previous dates, so a no-op run leaves no git diff.
    """
    if previous is not None:
        for key in _DATE_KEYS:
            if key in previous.metadata:
                po.metadata[key] = previous.metadata[key]
        if path.exists() and _encode(po, path) == path.read_bytes():
            return False
        now = timestamp()
        po.metadata["PO-Revision-Date"] = now
        if path.suffix == ".pot":
            po.metadata["POT-Creation-Date"] = now
    data = _encode(po, path)
    try:
        atomic_write_bytes(path, data)
    except OSError as err:  # disk full, read-only folder: that catalog fails, by name
        raise CatalogError(path, f"cannot write catalog: {err.strerror or err}") from None
    return True


def atomic_write(path: Path, text: str, encoding: str = "utf-8") -> None:
    """Write text atomically; catalogs keep the charset their header declares (EUC-JP
    files stay EUC-JP)."""
    atomic_write_bytes(path, text.encode(encoding))


def atomic_write_bytes(path: Path, data: bytes) -> None:
    """Temporary file + rename in the same folder: readers see the old file or the new one,
    never half of it, even when the process is killed mid-write."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


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
    """(language, path) of every catalog under ``locales``, sorted."""
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
    os.close(fd)
    try:
        po.save_as_mofile(tmp)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return target
