"""The no-change plan: is an article's every catalog already made from its source's exact
bytes, with nothing left to translate? Asked of every source on every run, so it reads
no catalog while the ledger can answer (``catalog.ledger``), and imports nothing of
translation, QA or pages.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from pathlib import Path

from newsl10n.catalog import store
from newsl10n.catalog.entry import live
from newsl10n.catalog.header import source_language, source_sha256
from newsl10n.catalog.ledger import TEMPLATE, ArticleFacts, CatalogFacts, FileStamp, Ledger
from newsl10n.config import Settings
from newsl10n.errors import Newsl10nError
from newsl10n.results import PairResult, PreparedArticle
from newsl10n.source.article import discover_articles, planned_slug


def unchanged_slug(
    path: Path, settings: Settings, targets: Sequence[str], ledger: Ledger | None = None
) -> str | None:
    """The article's slug when its template and every target catalog were made from these
    exact bytes and have nothing left to translate (a batch then skips it: no detection,
    no model), else None.

    The ledger answers without opening a catalog while every file is as the last run left
    it; otherwise the template and catalogs are read, and what they show is recorded in
    the ledger for the next run."""
    data = path.read_bytes()
    digest = hashlib.sha256(data).hexdigest()
    key = ledger_key(path, settings)
    if ledger is not None and (known := ledger.unchanged(key, digest, targets)) is not None:
        return known
    slug = (ledger.slug(key, digest) if ledger is not None else None) or planned_slug(path, data)
    facts = _read_unchanged(slug, digest, settings, targets)
    if facts is None:
        return None
    if ledger is not None:
        ledger.record(key, facts)
    return slug


def ledger_key(path: Path, settings: Settings) -> str:
    """A source as the ledger names it: its path in the source folder."""
    try:
        return path.relative_to(settings.source).as_posix()
    except ValueError:
        return path.resolve().as_posix()


def _read_unchanged(
    slug: str, digest: str, settings: Settings, targets: Sequence[str]
) -> ArticleFacts | None:
    """Facts of an unchanged article, from its template and catalogs themselves (each
    file's stat taken before it is read: a save in between makes the stat stale, never the
    facts wrong); None when one is missing, made from other bytes, or incomplete."""
    try:
        pot_path = store.template_path(settings.locales, slug)
        stamp = FileStamp.of(pot_path)
        pot = store.load_catalog(pot_path)
        if stamp is None or pot is None or source_sha256(pot.metadata) != digest:
            return None
        catalogs = {TEMPLATE: CatalogFacts(stamp)}
        source_lang = source_language(pot.metadata)
        for target in targets:
            if target == source_lang:
                continue
            po_path = store.catalog_path(settings.locales, target, slug)
            stamp = FileStamp.of(po_path)
            po = store.load_catalog(po_path)
            if stamp is None or po is None or source_sha256(po.metadata) != digest:
                return None
            if any(not e.msgstr for e in live(po)):
                return None  # something is left to translate (a model was missing)
            catalogs[target] = CatalogFacts(stamp)
    except Newsl10nError:
        return None  # a broken catalog is for the full path to report
    return ArticleFacts(digest, slug, source_lang, catalogs)


def article_facts(
    prepared: PreparedArticle, template: CatalogFacts, pairs: Sequence[PairResult]
) -> ArticleFacts:
    """What a run knows of an article it has just processed, for the ledger."""
    catalogs = {TEMPLATE: template}
    catalogs.update({r.target: r.facts for r in pairs if r.facts is not None})
    return ArticleFacts(prepared.article.sha256, prepared.slug, prepared.language.lang, catalogs)


def discover(settings: Settings) -> list[Path]:
    """Every article under the source folder, in a stable order."""
    return discover_articles(settings.source)
