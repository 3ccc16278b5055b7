"""Review progress per catalog and per language, for `newsl10n status` and reports."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from newsl10n.catalog import Counts, catalogs, count, load_catalog
from newsl10n.errors import Newsl10nError


@dataclass(frozen=True)
class CatalogStatus:
    article: str
    language: str
    catalog: str
    counts: Counts

    def as_dict(self) -> dict[str, Any]:
        return {
            "article": self.article,
            "language": self.language,
            "catalog": self.catalog,
            **asdict(self.counts),
            "share_reviewed": round(self.counts.share_reviewed, 4),
        }


@dataclass(frozen=True)
class Report:
    catalogs: tuple[CatalogStatus, ...]
    totals: dict[str, Counts]  # per language
    errors: tuple[str, ...]  # catalogs that could not be read

    def as_dict(self) -> dict[str, Any]:
        return {
            "catalogs": [c.as_dict() for c in self.catalogs],
            "languages": {
                lang: {**asdict(c), "share_reviewed": round(c.share_reviewed, 4)}
                for lang, c in self.totals.items()
            },
            "errors": list(self.errors),
        }


def collect(locales: Path, languages: Sequence[str] | None = None) -> Report:
    rows: list[CatalogStatus] = []
    errors: list[str] = []
    for lang, path in catalogs(locales, languages):
        try:
            po = load_catalog(path)
        except Newsl10nError as err:
            errors.append(str(err))
            continue
        if po is not None:
            rows.append(CatalogStatus(path.stem, lang, str(path), count(po)))
    totals: dict[str, Counts] = {}
    for row in rows:
        t = totals.get(row.language, Counts(0, 0, 0, 0))
        c = row.counts
        totals[row.language] = Counts(
            t.reviewed + c.reviewed,
            t.fuzzy + c.fuzzy,
            t.untranslated + c.untranslated,
            t.obsolete + c.obsolete,
        )
    return Report(tuple(rows), totals, tuple(errors))
