"""Glossary terms a model does not write by itself, remembered across runs.

Enforcement (``enforce.translate_with_glossary``) first sends a segment as it is (the
``plain`` try): a model that knows a name writes it best, in Russian and Ukrainian in the
case the sentence needs. When the model does not know the name, that try is wasted and the
segment is translated again, protected. Remembering which terms a model has failed to write
plainly lets every later segment naming them be sent protected at once, so a nightly batch
pays the plain try once per term, not once per segment, every night.

A term is sent protected first when this model, from this source into this target
language, has failed to write it plainly and has never written it plainly (any accepted
form counts, any case in ru/uk): one success keeps the plain try for that term, since the
model knows the name somewhere and may inflect it better than the glossary can. What is
remembered belongs to one model version and one glossary (its sha256): a new model or an
edited glossary starts from nothing. It is kept in ``locales/.cache/glossary-terms.json``
(see ``catalog.cachefile`` for why there and how concurrent runs share it).
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from newsl10n.catalog.cachefile import cache_path, read_cache, update_cache
from newsl10n.glossary.model import Glossary, Term

CACHE_NAME = "glossary-terms.json"
KIND = "glossary terms"
FAILED = "failed"
WRITTEN = "written"


@dataclass(frozen=True)
class Scope:
    """One model version from one language into another: what a plain try depends on."""

    model: str
    source: str
    target: str

    @property
    def name(self) -> str:
        return f"{self.source} → {self.target} · {self.model}"


def term_key(term: Term, source: str, target: str) -> str:
    """A term as the cache names it: "Pyongyang → Пхеньян" (its base forms)."""
    return f"{term.form(source) or term.label} → {term.form(target) or ''}"


class LearnedTerms:
    """What models have shown about writing a glossary's terms plainly.

    Thread-safe (a run translates its languages in threads). ``skipped`` and ``tried``
    count the segments sent protected first because of it, and those sent plainly.
    """

    def __init__(self, glossary: Glossary, file: Path | None = None) -> None:
        self.glossary = glossary.sha256
        self.file = file
        self._lock = threading.Lock()
        self._known: dict[str, dict[str, set[str]]] = {}  # scope → failed/written → terms
        self._new: dict[str, dict[str, set[str]]] = {}  # learned by this process
        self.skipped = 0
        self.tried = 0
        if file is not None:
            self._merge(self._known, _scopes(read_cache(file, KIND), self.glossary))

    @classmethod
    def beside(cls, locales: Path, glossary: Glossary) -> LearnedTerms:
        """The project's memory (``locales/.cache/glossary-terms.json``)."""
        return cls(glossary, cache_path(locales, CACHE_NAME))

    def protect_first(self, scope: Scope, terms: Iterable[str]) -> bool:
        """Should a segment naming ``terms`` skip its plain try? (Counted.)"""
        with self._lock:
            known = self._known.get(scope.name, {})
            failed, written = known.get(FAILED, set()), known.get(WRITTEN, set())
            skip = any(t in failed and t not in written for t in terms)
            if skip:
                self.skipped += 1
            else:
                self.tried += 1
            return skip

    def learn(self, scope: Scope, failed: Iterable[str], written: Iterable[str]) -> None:
        """What one plain try showed: terms missing from its output, and terms in it."""
        found = {FAILED: set(failed), WRITTEN: set(written)}
        with self._lock:
            self._merge(self._known, {scope.name: found})
            self._merge(self._new, {scope.name: found})

    def save(self) -> bool:
        """Add what this process learned to the cache file (re-read and merged under its
        lock: concurrent runs keep each other's terms). Returns whether it wrote."""
        with self._lock:
            new = {s: {k: set(v) for k, v in sets.items()} for s, sets in self._new.items()}
        if self.file is None or not any(any(v) for sets in new.values() for v in sets.values()):
            return False
        glossary = self.glossary

        def merge(data: dict[str, Any]) -> dict[str, Any]:
            scopes = _scopes(data, glossary)
            self._merge(scopes, new)
            return {
                "glossary": glossary,
                "scopes": {
                    name: {kind: sorted(terms) for kind, terms in sets.items()}
                    for name, sets in sorted(scopes.items())
                },
            }

        written = update_cache(self.file, KIND, merge)
        if written:
            with self._lock:  # what was learned meanwhile stays for the next save
                for name, sets in new.items():
                    for kind, terms in sets.items():
                        self._new[name][kind] -= terms
        return written

    @staticmethod
    def _merge(
        into: dict[str, dict[str, set[str]]], more: Mapping[str, Mapping[str, set[str]]]
    ) -> None:
        for name, sets in more.items():
            mine = into.setdefault(name, {FAILED: set(), WRITTEN: set()})
            for kind in (FAILED, WRITTEN):
                mine[kind] |= sets.get(kind, set())


def _scopes(data: Mapping[str, Any], glossary: str) -> dict[str, dict[str, set[str]]]:
    """The cache's scopes for this glossary ({} for another glossary, or malformed data)."""
    if data.get("glossary") != glossary or not isinstance(data.get("scopes"), dict):
        return {}
    out: dict[str, dict[str, set[str]]] = {}
    for name, sets in data["scopes"].items():
        if not isinstance(sets, dict):
            continue
        out[str(name)] = {
            kind: {str(t) for t in sets.get(kind, ()) if isinstance(t, str)}
            if isinstance(sets.get(kind), list)
            else set()
            for kind in (FAILED, WRITTEN)
        }
    return out
