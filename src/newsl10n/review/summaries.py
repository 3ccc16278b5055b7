"""What the desk's index and "next needing review" show per catalog, computed once per
catalog version.

Per catalog the index shows its entries by state and its QA errors and warnings. QA is the
dear part (every entry against the glossary: tens of milliseconds a catalog), so a
catalog's summary is computed once for each version of it, keyed by the sha256 of its
bytes, its language folder and the glossary's sha256, and reused: in memory for the desk's
process, and in ``locales/.cache/desk-summaries.json`` for the next desk (see
``catalog.cachefile``). A request then reads and hashes the files, which costs less than
``newsl10n status`` (it parses them), and computes only the catalogs that changed since.
A catalog that cannot be read is reported every time, never cached.
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Mapping, Sequence
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
    errors, warnings = qa.counts(qa.check_entries(po, path, glossary, lang))
    return Summary(StateCounts.of_entries(live(po)), errors, warnings)


Found = Summary | str | None  # a summary, why the catalog cannot be read, or no file


class Summaries:
    """Summaries of one project's catalogs under one glossary, for a long-lived process.

    Thread-safe: the desk answers requests from a thread pool. Catalogs not summarised yet
    are computed one request at a time, so a second index asked for while the first is
    computing waits and then finds them ready instead of checking them all again.
    """

    def __init__(self, locales: Path, glossary: Glossary, *, disk: bool = True) -> None:
        self.glossary = glossary
        self.file = cache_path(locales, CACHE_NAME) if disk else None
        self._known: dict[tuple[str, str], Summary] = {}
        self._lock = threading.Lock()  # guards _known
        self._computing = threading.Lock()
        self.computed = 0  # catalogs checked by this process (not found in a cache)

    def index(self, catalogs: Sequence[tuple[str, Path]]) -> list[Found]:
        """The summary of every catalog of the project, in order. ``catalogs`` is all of
        them: the cache file keeps summaries of these versions only."""
        keys: list[tuple[str, str] | None] = []
        out: list[Found] = []
        for lang, path in catalogs:
            try:
                data = store.read_bytes(path)
            except Newsl10nError as err:
                keys.append(None)
                out.append(str(err))
                continue
            key = None if data is None else (lang, hashlib.sha256(data).hexdigest())
            keys.append(key)
            out.append(None if key is None else self._lookup(key))
        missing = [i for i, key in enumerate(keys) if key is not None and out[i] is None]
        if missing:
            with self._computing:
                self._fill(catalogs, keys, out, missing)
        return out

    def _lookup(self, key: tuple[str, str]) -> Summary | None:
        with self._lock:
            return self._known.get(key)

    def _fill(
        self,
        catalogs: Sequence[tuple[str, Path]],
        keys: Sequence[tuple[str, str] | None],
        out: list[Found],
        missing: Sequence[int],
    ) -> None:
        """Summaries another request or process has made meanwhile, then the rest."""
        stored = self._from_disk()
        with self._lock:
            self._known.update(stored)
        made: dict[tuple[str, str], Summary] = {}
        for i in missing:
            key = keys[i]
            assert key is not None
            found: Found = self._lookup(key) or made.get(key)
            if found is None:
                found = self._compute(*catalogs[i])
                if isinstance(found, Summary):
                    made[key] = found
            out[i] = found
        present = {key for key in keys if key is not None}
        with self._lock:
            self._known.update(made)
            self._known = {k: v for k, v in self._known.items() if k in present}
        if made:
            self._to_disk(made, present)

    def _compute(self, lang: str, path: Path) -> Summary | str | None:
        """Read, count and check one catalog (a file changed since it was hashed is
        summarised as it is now; the next request hashes it again)."""
        try:
            po = store.load_catalog(path)
        except Newsl10nError as err:
            return str(err)
        if po is None:
            return None
        self.computed += 1
        return summarize(po, path, self.glossary, lang)

    def _from_disk(self) -> dict[tuple[str, str], Summary]:
        if self.file is None:
            return {}
        data = read_cache(self.file, KIND)
        if data.get("glossary") != self.glossary.sha256:
            return {}
        entries = data.get("catalogs")
        found: dict[tuple[str, str], Summary] = {}
        for name, value in entries.items() if isinstance(entries, Mapping) else ():
            lang, _, digest = str(name).partition(":")
            summary = Summary.from_json(value)
            if summary is not None and digest:
                found[(lang, digest)] = summary
        return found

    def _to_disk(
        self, made: Mapping[tuple[str, str], Summary], present: set[tuple[str, str]]
    ) -> None:
        if self.file is None:
            return
        sha = self.glossary.sha256

        def merge(data: dict[str, Any]) -> dict[str, Any]:
            kept = data.get("catalogs") if data.get("glossary") == sha else None
            entries = {
                name: value
                for name, value in (kept.items() if isinstance(kept, Mapping) else ())
                if tuple(str(name).partition(":")[::2]) in present
            }
            entries.update({f"{lang}:{digest}": s.as_json() for (lang, digest), s in made.items()})
            return {"glossary": sha, "catalogs": entries}

        update_cache(self.file, KIND, merge)
