"""Review progress per catalog and per language, for `newsl10n status` and reports."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from newsl10n.catalog.entry import StateCounts
from newsl10n.catalog.store import catalogs, load_catalog
from newsl10n.errors import Newsl10nError


@dataclass(frozen=True)
class CatalogStatus:
    article: str
    language: str
    catalog: str
    counts: StateCounts

    def as_dict(self) -> dict[str, Any]:
        return {
            "article": self.article,
            "language": self.language,
            "catalog": self.catalog,
            **_figures(self.counts),
        }


@dataclass(frozen=True)
class StatusReport:
    catalogs: tuple[CatalogStatus, ...]
    totals: dict[str, StateCounts]  # per language
    errors: tuple[str, ...]  # catalogs that could not be read

    def as_dict(self) -> dict[str, Any]:
        return {
            "catalogs": [c.as_dict() for c in self.catalogs],
            "languages": {lang: _figures(c) for lang, c in self.totals.items()},
            "errors": list(self.errors),
        }


def collect(locales: Path, languages: Sequence[str] | None = None) -> StatusReport:
    rows: list[CatalogStatus] = []
    errors: list[str] = []
    for lang, path in catalogs(locales, languages):
        try:
            po = load_catalog(path)
        except Newsl10nError as err:
            errors.append(str(err))
            continue
        if po is not None:
            rows.append(CatalogStatus(path.stem, lang, str(path), StateCounts.of_entries(po)))
    totals: dict[str, StateCounts] = {}
    for row in rows:
        totals[row.language] = totals.get(row.language, StateCounts()) + row.counts
    return StatusReport(tuple(rows), totals, tuple(errors))


def _figures(counts: StateCounts) -> dict[str, Any]:
    """The figures ``status --json`` reports, as gettext's statistics count them."""
    return {
        "reviewed": counts.reviewed,
        "fuzzy": counts.fuzzy,
        "untranslated": counts.untranslated,
        "obsolete": counts.obsolete,
        "share_reviewed": round(counts.reviewed_share, 4),
    }
