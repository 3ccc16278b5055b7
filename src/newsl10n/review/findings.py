"""QA findings as pages show them: ranked by severity, grouped by catalog and entry.

Bundles read findings through a small protocol (``FindingProtocol``), so this package does not
depend on how QA computes them, only on what it reports."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from newsl10n.review.localized import LocalizedArticle, resolved_path


class FindingProtocol(Protocol):
    """What a QA finding must offer to be shown: the QA module's own type fits."""

    @property
    def severity(self) -> str: ...

    @property
    def message(self) -> str: ...


class LocatedFindingProtocol(FindingProtocol, Protocol):
    """A finding that names its catalog file and entry (what newsl10n.qa reports)."""

    @property
    def file(self) -> str: ...

    @property
    def msgctxt(self) -> str: ...


# (text, lang) → character spans [start, end) to highlight, e.g. glossary terms.


# and msgctxt "" holds findings about the whole catalog.
Findings = Mapping[tuple[str, str], Sequence[FindingProtocol]]


@dataclass(frozen=True)
class ShownFinding:
    """A finding as pages and the manifest record it (plain strings, article order)."""

    segment: str
    catalog_line: int | None
    severity: str
    message: str


# ---------------------------------------------------------------- findings

_SEVERITY_RANK = {"error": 0, "warning": 1, "info": 2}


def severity_name(value: object) -> str:
    """A severity as a plain lower-case word, whether the QA module uses str or Enum."""
    raw = getattr(value, "value", value)
    return str(raw).strip().lower() or "warning"


def severity_rank(severity: str) -> int:
    return _SEVERITY_RANK.get(severity, 1)


class FindingIndex:
    """Findings looked up by (catalog file, msgctxt), whichever way the path was spelled.

    Indexed by catalog, so finding one article's is one look-up, not a scan of every
    finding of the run (a batch builds thousands of bundles)."""

    def __init__(self, findings: Findings | None, root: Path) -> None:
        self._by_catalog: dict[Path, dict[str, list[FindingProtocol]]] = {}
        resolved: dict[str, Path] = {}
        for (path, ctxt), found in (findings or {}).items():
            if path not in resolved:
                resolved[path] = resolved_path(root / Path(path))
            by_ctxt = self._by_catalog.setdefault(resolved[path], {})
            by_ctxt.setdefault(ctxt or "", []).extend(found)

    def for_article(self, article: LocalizedArticle) -> dict[str, list[ShownFinding]]:
        """Findings by segment id ("" for the whole catalog), most severe first."""
        by_ctxt = self._by_catalog.get(resolved_path(article.catalog), {})
        lines = {u.id: u.catalog_line for u in article.units} if by_ctxt else {}
        out: dict[str, list[ShownFinding]] = {}
        for ctxt, found in by_ctxt.items():
            shown = [
                ShownFinding(ctxt, lines.get(ctxt), severity_name(f.severity), str(f.message))
                for f in found
            ]
            out[ctxt] = sorted(shown, key=lambda f: severity_rank(f.severity))
        return out


def group_findings(
    found: Iterable[LocatedFindingProtocol],
) -> dict[tuple[str, str], list[LocatedFindingProtocol]]:
    """A flat list of located findings as ``build_bundles`` takes them."""
    grouped: dict[tuple[str, str], list[LocatedFindingProtocol]] = {}
    for finding in found:
        grouped.setdefault((str(finding.file), finding.msgctxt or ""), []).append(finding)
    return grouped


def ordered_findings(
    article: LocalizedArticle, by_segment: Mapping[str, Sequence[ShownFinding]]
) -> list[ShownFinding]:
    """All findings in article order (catalog-wide ones first, unknown segments last)."""
    order = {"": -1} | {u.id: i for i, u in enumerate(article.units)}
    return [
        f
        for ctxt in sorted(by_segment, key=lambda c: order.get(c, len(order)))
        for f in by_segment[ctxt]
    ]
