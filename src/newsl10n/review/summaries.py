"""What the desk's index and "next needing review" show per catalog, computed once per
catalog version.

Per catalog the index shows its entries by state and its QA errors and warnings. QA is the
dear part (every entry against the glossary: tens of milliseconds a catalog), so a
catalog's summary is computed once for each version of it and reused: each catalog
(language, slug) keeps the summary of one version, with the sha256 of the bytes it was
made from, under the glossary's sha256; in memory for the desk's process, and in
``locales/.cache/desk-summaries.json`` for the next desk and for runs that already
checked what they wrote (``record``; see ``catalog.cachefile``). A request then reads and
hashes the files, which costs less than ``newsl10n status`` (it parses them), and checks
only the catalogs whose bytes changed since. A catalog that cannot be read is reported
every time, never cached.
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import polib

from newsl10n import qa
from newsl10n.catalog import store
from newsl10n.catalog.cachefile import cache_path, read_cache, update_cache
from newsl10n.catalog.entry import EntryState, StateCounts, live
from newsl10n.errors import Newsl10nError
from newsl10n.glossary.model import Glossary

CACHE_NAME = "desk-summaries.json"
KIND = "desk summaries"


@dataclass(frozen=True)
class Summary:
    """One catalog version on the index: its live entries by state and its QA figures."""

    counts: StateCounts
    errors: int
    warnings: int

    def as_json(self) -> list[int]:
        return [*self.counts.values(), self.errors, self.warnings]

    @classmethod
    def from_json(cls, value: Any) -> Summary | None:
        """A summary read back from the cache file; None for anything malformed."""
        width = len(EntryState)
        ok = isinstance(value, list) and len(value) == width + 2
        if not ok or not all(isinstance(v, int) and v >= 0 for v in value):
            return None
        return cls(StateCounts(*value[:width]), value[width], value[width + 1])


def summarize(po: polib.POFile, path: Path, glossary: Glossary, lang: str) -> Summary:
    """Count and check one parsed catalog, as the index shows it."""
    return summary_of(po, qa.check_entries(po, path, glossary, lang))


def summary_of(po: polib.POFile, findings: Iterable[qa.Finding]) -> Summary:
    """The summary of a catalog already checked (a run's, as it wrote it)."""
    errors, warnings = qa.counts(findings)
    return Summary(StateCounts.of_entries(live(po)), errors, warnings)


def version_of(data: bytes, po: polib.POFile, findings: Iterable[qa.Finding]) -> Version:
    """A catalog version's summary, keyed by the bytes it was parsed from."""
    return Version(hashlib.sha256(data).hexdigest(), summary_of(po, findings))


Found = Summary | str | None  # a summary, why the catalog cannot be read, or no file
Key = tuple[str, str]  # (language, slug): one catalog


@dataclass(frozen=True)
class Version:
    """A catalog's summary and the sha256 of the bytes it was made from."""

    sha256: str
    summary: Summary


@dataclass(frozen=True)
class _Read:
    """A catalog read for the index: its key, path and bytes, and the summary known for
    exactly these bytes, if any."""

    key: Key
    path: Path
    data: bytes
    sha256: str
    known: Summary | None


class Summaries:
    """Summaries of one project's catalogs under one glossary, for a long-lived process.

    Thread-safe: the desk answers requests from a thread pool. Catalogs not summarised yet
    are computed one request at a time, so a second index asked for while the first is
    computing waits and then finds them ready instead of checking them all again.
    """

    def __init__(self, locales: Path, glossary: Glossary, *, disk: bool = True) -> None:
        self.glossary = glossary
        self.file = cache_path(locales, CACHE_NAME) if disk else None
        self._known: dict[Key, Version] = {}
        self._lock = threading.Lock()  # guards _known
        self._computing = threading.Lock()
        self.computed = 0  # catalogs checked by this process (not found in a cache)

    def index(self, catalogs: Sequence[tuple[str, Path]]) -> list[Found]:
        """The summary of every catalog of the project, in order. ``catalogs`` is all of
        them: summaries of catalogs not among them are forgotten."""
        read = [self._read(lang, path) for lang, path in catalogs]
        todo = [r for r in read if isinstance(r, _Read) and r.known is None]
        filled: dict[Key, Summary | str] = {}
        present = {r.key for r in read if isinstance(r, _Read)}
        if todo:
            with self._computing:
                filled = self._fill(todo, present)
        with self._lock:
            self._known = {k: v for k, v in self._known.items() if k in present}
        return [(r.known or filled[r.key]) if isinstance(r, _Read) else r for r in read]

    def _read(self, lang: str, path: Path) -> _Read | Found:
        try:
            data = store.read_bytes(path)
        except Newsl10nError as err:
            return str(err)
        if data is None:
            return None  # gone since it was listed
        key, sha = (lang, path.stem), hashlib.sha256(data).hexdigest()
        return _Read(key, path, data, sha, self._lookup(key, sha))

    def _lookup(self, key: Key, sha: str) -> Summary | None:
        with self._lock:
            version = self._known.get(key)
        return version.summary if version is not None and version.sha256 == sha else None

    def _fill(self, todo: Sequence[_Read], present: set[Key]) -> dict[Key, Summary | str]:
        """The summaries of ``todo``: made meanwhile by another request or process, else
        made now from the very bytes that were hashed; why, for a broken catalog."""
        stored = _from_disk(self.file, self.glossary)
        with self._lock:
            self._known.update(stored)
        filled: dict[Key, Summary | str] = {}
        made: dict[Key, Version] = {}
        for one in todo:
            known = self._lookup(one.key, one.sha256)
            if known is not None:
                filled[one.key] = known
                continue
            try:
                po = store.parse_catalog(one.path, one.data)
            except Newsl10nError as err:
                filled[one.key] = str(err)
                continue
            self.computed += 1
            summary = summarize(po, one.path, self.glossary, one.key[0])
            filled[one.key], made[one.key] = summary, Version(one.sha256, summary)
        with self._lock:
            self._known.update(made)
        if made and self.file is not None:
            record(self.file, self.glossary, made, present)
        return filled


def record_beside(locales: Path, glossary: Glossary, made: Mapping[Key, Version]) -> bool:
    """``record`` into the project's cache (``locales/.cache/desk-summaries.json``): a
    run that has just checked what it wrote saves the next desk that work."""
    return record(cache_path(locales, CACHE_NAME), glossary, made) if made else False


def record(
    file: Path, glossary: Glossary, made: Mapping[Key, Version], present: set[Key] | None = None
) -> bool:
    """Add summaries to the cache file (re-read and merged under its lock), one per
    catalog: a newer version replaces the older one. ``present``: every catalog there is
    (the others' entries are dropped)."""
    sha = glossary.sha256

    def merge(data: dict[str, Any]) -> dict[str, Any]:
        entries = {
            name: value
            for name, value in _entries(data, sha)
            if present is None or tuple(str(name).partition("/")[::2]) in present
        }
        entries.update(
            {f"{lang}/{slug}": [v.sha256, *v.summary.as_json()] for (lang, slug), v in made.items()}
        )
        return {"glossary": sha, "catalogs": entries}

    return update_cache(file, KIND, merge)


def _entries(data: Mapping[str, Any], glossary: str) -> Iterator[tuple[str, Any]]:
    entries = data.get("catalogs") if data.get("glossary") == glossary else None
    yield from entries.items() if isinstance(entries, Mapping) else ()


def _from_disk(file: Path | None, glossary: Glossary) -> dict[Key, Version]:
    if file is None:
        return {}
    found: dict[Key, Version] = {}
    for name, value in _entries(read_cache(file, KIND), glossary.sha256):
        lang, _, slug = str(name).partition("/")
        ok = isinstance(value, list) and value and isinstance(value[0], str)
        summary = Summary.from_json(value[1:]) if ok else None
        if summary is not None and slug:
            found[(lang, slug)] = Version(value[0], summary)
    return found
