"""A bundle's ``manifest.json``: where every word came from (see schemas/).

Source file and hash, models, glossary, counts by entry state, QA findings and the hash
of every file written. ``built_at`` only moves when something else in it changed, so a
rebuild of an unchanged catalog leaves the file byte-identical."""

from __future__ import annotations

import hashlib
import json
import os
import re
from collections.abc import Collection, Iterable, Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from newsl10n import __version__
from newsl10n.catalog.store import catalog_path, catalog_slugs_of
from newsl10n.review.paths import manifest_file
from newsl10n.source.article import is_slug

if TYPE_CHECKING:  # a run with nothing to rebuild asks only :func:`stale_slugs`
    from newsl10n.review.findings import ShownFinding
    from newsl10n.review.localized import LocalizedArticle

MANIFEST_VERSION = 1

_MODEL = re.compile(r"^(?P<engine>\S+) (?P<package>\S+) (?P<version>\S+)$")


def model_packages(header: str) -> list[dict[str, str]]:
    """``argos translate-en_ru 1.9 + argos translate-ru_en 1.0`` as a list of packages."""
    out: list[dict[str, str]] = []
    for part in header.split(" + "):
        found = _MODEL.match(part.strip())
        if found:
            out.append(found.groupdict())
    return out


def manifest_data(
    article: LocalizedArticle,
    files: Mapping[str, bytes],
    findings: Sequence[ShownFinding],
    keep_source_for_unreviewed: bool,
    built_at: datetime,
) -> dict[str, Any]:
    """The manifest as JSON data; fields are documented in schemas/manifest.schema.json."""
    counts = article.counts
    by_severity: dict[str, int] = {}
    for f in findings:
        by_severity[f.severity] = by_severity.get(f.severity, 0) + 1
    return {
        "manifest_version": MANIFEST_VERSION,
        "slug": article.slug,
        "language": article.lang,
        "title": {
            "source": article.source_title,
            "translated": article.title(keep_source_for_unreviewed),
        },
        "source": {
            "file": article.source.reference,
            "sha256": article.source.sha256,
            "language": article.source.language,
            "language_confidence": article.source.confidence,
        },
        "machine_translation": {
            "header": article.machine_translation,
            "packages": model_packages(article.machine_translation),
        },
        "glossary_sha256": article.glossary_sha256,
        "catalog": {"path": article.catalog_ref, "sha256": file_sha256(article.catalog)},
        "options": {"keep_source_for_unreviewed": keep_source_for_unreviewed},
        "counts": {
            "segments": counts.segments,
            "reviewed": counts.reviewed,
            "machine": counts.machine,
            "draft": counts.draft,
            "changed_source": counts.changed,
            "untranslated": counts.untranslated,
        },
        "qa": {
            "by_severity": dict(sorted(by_severity.items())),
            "findings": [
                {
                    "segment": f.segment,
                    "catalog_line": f.catalog_line,
                    "severity": f.severity,
                    "message": f.message,
                }
                for f in findings
            ],
        },
        "files": {name: hashlib.sha256(data).hexdigest() for name, data in sorted(files.items())},
        "generator": f"newsl10n {__version__}",
        "built_at": iso_time(built_at),
    }


def settle_built_at(new: dict[str, Any], old: Mapping[str, Any] | None) -> dict[str, Any]:
    """Keep the previous ``built_at`` when nothing else in the manifest changed.

    ``built_at`` then says when the bundle last changed, and a rebuild leaves no diff.
    """
    if old is not None and "built_at" in old:
        rest = {k: v for k, v in new.items() if k != "built_at"}
        if rest == {k: v for k, v in old.items() if k != "built_at"}:
            return {**new, "built_at": old["built_at"]}
    return new


def render_manifest(data: Mapping[str, Any]) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def iso_time(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def read_manifest(path: Path) -> dict[str, Any] | None:
    """A manifest from disk, or None when missing or unreadable (it is then rebuilt)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def file_sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def stale_slugs(
    locales: Path,
    bundles: Path,
    languages: Iterable[str],
    current: Collection[tuple[str, str]] = (),
) -> list[str]:
    """Articles with a catalog whose bundle is missing or was built from other bytes (a
    translator edited the catalog since): a plain run rebuilds those too. ``current``:
    (slug, language) of catalogs known to be exactly what their bundle was built from
    (the run's ledger): only their bundle's presence is checked, not their bytes."""
    stale: set[str] = set()
    for lang in languages:
        for slug in catalog_slugs_of(locales, lang):
            if not is_slug(slug):  # a stray copy ("x copy.po"): ``bundle`` names it, a run skips it
                continue
            if (slug, lang) in current:
                if not os.path.isfile(manifest_file(bundles, lang, slug)):
                    stale.add(slug)
                continue
            path = catalog_path(locales, lang, slug)
            if not path.is_file():
                continue
            manifest = read_manifest(Path(manifest_file(bundles, lang, slug))) or {}
            recorded = (manifest.get("catalog") or {}).get("sha256")
            try:
                if recorded != file_sha256(path):
                    stale.add(slug)
            except OSError:
                continue  # unreadable: reported by the build that reads it
    return sorted(stale)
