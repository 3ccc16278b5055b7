"""The ledger: what the last runs knew about each article's catalogs, so that a batch can
tell an unchanged article without reading its catalogs.

``locales/.newsl10n-index.json`` records, per source file: the bytes' hash and slug, the
source language, and for the template and each catalog the file's stat as the run left it
(size, mtime, inode), whether every live entry had a translation, and whether its bundle
was built from exactly that file. A fact is used only while the file's stat is still the
recorded one: a translator's save (or a deleted catalog) changes it, and the batch then
falls back to reading the catalog as it always did (``plan.unchanged_slug``). The ledger
is a cache: deleting it, or two runs writing it at once, costs a slower plan, never a
wrong one. Its stats are this machine's: keep it out of version control.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from newsl10n.catalog.store import atomic_write_bytes, catalog_parts, template_name

LEDGER = ".newsl10n-index.json"
VERSION = 1
TEMPLATE = ""  # the key of an article's template among its catalogs


@dataclass(frozen=True)
class FileStamp:
    """A file as a run left it: enough to notice any later write (a rename changes the
    inode; an edit in place the size or the modification time)."""

    size: int
    mtime_ns: int
    inode: int

    @classmethod
    def of(cls, path: str | Path) -> FileStamp | None:
        try:
            return cls.from_stat(os.stat(path))
        except OSError:
            return None

    @classmethod
    def from_stat(cls, st: os.stat_result) -> FileStamp:
        return cls(st.st_size, st.st_mtime_ns, st.st_ino)


@dataclass(frozen=True)
class CatalogFacts:
    """One catalog (or the template) as a run wrote or checked it."""

    stamp: FileStamp
    complete: bool = True  # every live entry has a translation (nothing left to do)
    bundled: bool = False  # its bundle was built from exactly this file


@dataclass(frozen=True)
class ArticleFacts:
    """One source file and what its catalogs were made from, by language (TEMPLATE: the
    template)."""

    sha256: str
    slug: str
    source_lang: str
    catalogs: Mapping[str, CatalogFacts] = field(default_factory=dict)


def ledger_path(locales: Path) -> Path:
    return locales / LEDGER


@dataclass
class Ledger:
    """The ledger of one locales folder, keyed by the source file's path (as the run names
    it: relative to the source folder)."""

    locales: Path
    articles: dict[str, ArticleFacts] = field(default_factory=dict)
    changed: bool = False
    # Stats read in this run, by file: the plan and the bundle check look at the same files
    # (a file this run writes gets new facts, which a stat from before never matches).
    _seen: dict[str, FileStamp | None] = field(default_factory=dict, repr=False)
    # The folder as a string: a batch stats every article's files, and joining strings
    # costs a fraction of building Path objects (a no-change plan is mostly this).
    _root: str = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self._root = os.fspath(self.locales)

    @classmethod
    def load(cls, locales: Path) -> Ledger:
        """The ledger on disk; an empty one when it is missing, unreadable or of another
        version (it is rebuilt by the next run)."""
        try:
            raw = json.loads(ledger_path(locales).read_text(encoding="utf-8"))
            if raw.get("version") != VERSION:
                return cls(locales)
            articles = {key: _article(value) for key, value in raw["articles"].items()}
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            return cls(locales)
        return cls(locales, articles)

    def unchanged(self, key: str, sha256: str, targets: Iterable[str]) -> str | None:
        """The slug when the ledger shows this source's template and every target catalog
        made from these bytes, complete, and untouched since; None when it cannot say (the
        caller then reads the catalogs)."""
        facts = self.articles.get(key)
        if facts is None or facts.sha256 != sha256:
            return None
        needed = [TEMPLATE, *(t for t in targets if t != facts.source_lang)]
        for lang in needed:
            known = facts.catalogs.get(lang)
            if known is None or not known.complete or not self._current(lang, facts, known):
                return None
        return facts.slug

    def slug(self, key: str, sha256: str) -> str | None:
        """The slug recorded for these exact bytes (front matter parsed once, not per run)."""
        facts = self.articles.get(key)
        return facts.slug if facts is not None and facts.sha256 == sha256 else None

    def bundle_current(self) -> set[tuple[str, str]]:
        """(slug, language) of every catalog whose bundle the ledger shows built from the
        catalog as it is now (so it need not be hashed against the bundle's manifest)."""
        return {
            (facts.slug, lang)
            for facts in self.articles.values()
            for lang, known in facts.catalogs.items()
            if lang != TEMPLATE and known.bundled and self._current(lang, facts, known)
        }

    def _current(self, lang: str, facts: ArticleFacts, known: CatalogFacts) -> bool:
        path = self._path(facts.slug, lang)
        if path not in self._seen:
            self._seen[path] = FileStamp.of(path)
        return self._seen[path] == known.stamp

    def _path(self, slug: str, lang: str) -> str:
        if lang == TEMPLATE:
            return os.path.join(self._root, template_name(slug))
        return os.path.join(self._root, *catalog_parts(lang, slug))

    def record(self, key: str, facts: ArticleFacts) -> None:
        """Facts about one source, merged over what was known (catalogs of languages this
        run did not touch keep their facts while their files are unchanged)."""
        old = self.articles.get(key)
        catalogs = dict(facts.catalogs)
        if old is not None and old.sha256 == facts.sha256 and old.slug == facts.slug:
            catalogs = {**old.catalogs, **catalogs}
        merged = ArticleFacts(facts.sha256, facts.slug, facts.source_lang, catalogs)
        if merged != old:
            self.articles[key] = merged
            self.changed = True

    def forget(self, keys: Iterable[str]) -> None:
        for key in keys:
            if self.articles.pop(key, None) is not None:
                self.changed = True

    def save(self) -> bool:
        """Write the ledger when it changed (atomically; not synced: it is a cache). A
        folder that cannot be written is no error: the next plan reads the catalogs."""
        if not self.changed or not self.locales.is_dir():
            return False
        data = {
            "version": VERSION,
            "articles": {k: asdict(v) for k, v in sorted(self.articles.items())},
        }
        try:
            atomic_write_bytes(
                ledger_path(self.locales),
                (json.dumps(data, ensure_ascii=False, separators=(",", ":")) + "\n").encode(),
                sync=False,
            )
        except OSError:
            return False
        self.changed = False
        return True


def _article(raw: Mapping[str, Any]) -> ArticleFacts:
    catalogs = {
        str(lang): CatalogFacts(
            FileStamp(**value["stamp"]), bool(value["complete"]), bool(value["bundled"])
        )
        for lang, value in raw["catalogs"].items()
    }
    return ArticleFacts(str(raw["sha256"]), str(raw["slug"]), str(raw["source_lang"]), catalogs)
