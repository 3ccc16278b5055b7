"""Review pages: what is machine output, what is reviewed, and what the checks found.

One page per article and language (``bundles/<lang>/<slug>/review.html``) puts source and
translation side by side, segment by segment, with a state badge, highlighted glossary
terms, QA findings and the catalog line to edit; ``bundles/index.html`` shows progress for
every article and language. Pages are static HTML with inline CSS and no JavaScript, and a
Content-Security-Policy that forbids scripts, so catalog text can never run in them.
Every value goes through Jinja's autoescaping.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from newsl10n import __version__
from newsl10n.catalog.entry import LIVE_STATES, EntryState, StateCounts
from newsl10n.glossary.match import find_terms
from newsl10n.glossary.model import Glossary
from newsl10n.review.findings import ShownFinding, ordered_findings, severity_rank
from newsl10n.review.localized import (
    Highlighter,
    LocalizedArticle,
    Unit,
    text_direction,
)
from newsl10n.review.manifest import read_manifest
from newsl10n.review.paths import INDEX, MANIFEST, REVIEW
from newsl10n.review.render import INDEX_TEMPLATE, REVIEW_TEMPLATE, templates
from newsl10n.source.article import is_slug
from newsl10n.source.segment import Role

Marked = list[tuple[str, bool]]  # text pieces, True where highlighted


def highlighter(glossary: Glossary) -> Highlighter:
    """Glossary terms as review pages and the desk highlight them."""

    def highlight(text: str, lang: str) -> list[tuple[int, int]]:
        return [(m.start, m.span_end) for m in find_terms(text, glossary, lang)]

    return highlight


def merge_spans(spans: Sequence[tuple[int, int]], length: int) -> list[tuple[int, int]]:
    """Spans clipped to the text, sorted, overlaps merged: a highlighter may be sloppy."""
    clipped = sorted((max(0, a), min(length, b)) for a, b in spans if min(length, b) > max(0, a))
    merged: list[tuple[int, int]] = []
    for start, end in clipped:
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def mark_text(text: str, lang: str, highlight: Highlighter | None) -> Marked:
    """Split text at the highlighter's spans; the template escapes every piece."""
    if not text or highlight is None:
        return [(text, False)] if text else []
    out: Marked = []
    pos = 0
    for start, end in merge_spans(list(highlight(text, lang)), len(text)):
        if start > pos:
            out.append((text[pos:start], False))
        out.append((text[start:end], True))
        pos = end
    if pos < len(text):
        out.append((text[pos:], False))
    return out


@dataclass(frozen=True)
class Row:
    """One segment on the review page."""

    number: int
    unit: Unit
    new_paragraph: bool
    source: Marked
    translation: Marked
    previous_source: Marked
    findings: tuple[ShownFinding, ...]

    @property
    def worst(self) -> str:
        """The most severe finding's severity, for the row's colour; "" when none."""
        return min((f.severity for f in self.findings), key=severity_rank, default="")

    @property
    def position(self) -> str:
        if not self.unit.paragraph:
            return ""
        return f"¶{self.unit.paragraph}" + (
            f" · {self.unit.sentence}" if self.unit.role not in (Role.TITLE, Role.HEADING) else ""
        )


def review_rows(
    article: LocalizedArticle,
    findings: Mapping[str, Sequence[ShownFinding]],
    highlight: Highlighter | None,
) -> list[Row]:
    rows: list[Row] = []
    previous: Unit | None = None
    for number, unit in enumerate(article.units, start=1):
        rows.append(
            Row(
                number=number,
                unit=unit,
                new_paragraph=(
                    previous is None or not unit.paragraph or unit.paragraph != previous.paragraph
                ),
                source=mark_text(unit.source, unit.source_lang, highlight),
                translation=mark_text(unit.translation, article.lang, highlight),
                previous_source=mark_text(unit.previous_source, unit.source_lang, None),
                findings=tuple(findings.get(unit.id, ())),
            )
        )
        previous = unit
    return rows


def bar(counts: StateCounts) -> list[tuple[EntryState, int, str]]:
    """Stacked progress bar parts: state, count, width as a CSS percentage."""
    total = counts.segments or 1
    return [(s, counts.get(s), f"{100 * counts.get(s) / total:.2f}%") for s in LIVE_STATES]


def render_review(
    article: LocalizedArticle,
    findings: Mapping[str, Sequence[ShownFinding]],
    *,
    highlight: Highlighter | None = None,
    warnings: Sequence[str] = (),
    manifest: Mapping[str, Any] | None = None,
    residue: Sequence[tuple[int, str]] = (),
) -> str:
    """The review page for one article and language (findings by segment id)."""
    known = {u.id for u in article.units}
    listed = ordered_findings(article, findings)
    counts = article.counts
    return (
        templates()
        .get_template(REVIEW_TEMPLATE)
        .render(
            article=article,
            counts=counts,
            bar=bar(counts),
            rows=review_rows(article, findings, highlight),
            findings=listed,
            general=[f for f in listed if f.segment not in known],
            warnings=list(warnings),
            residue=list(residue),
            manifest=manifest or {},
            highlighting=highlight is not None,
            States=list(LIVE_STATES),
            source_dir=text_direction(article.source.language),
            target_dir=text_direction(article.lang),
            generator=f"newsl10n {__version__}",
            index_href=f"../../{INDEX}",
        )
    )


# ---------------------------------------------------------------- the index


@dataclass(frozen=True)
class Cell:
    """One article in one language on the index, from its manifest."""

    lang: str
    href: str
    counts: StateCounts
    findings: Mapping[str, int]
    title: str

    @property
    def percent(self) -> int:
        return round(100 * self.counts.reviewed_share)

    @property
    def bar(self) -> list[tuple[EntryState, int, str]]:
        return bar(self.counts)


@dataclass(frozen=True)
class IndexRow:
    slug: str
    title: str
    source_lang: str
    source_file: str
    cells: Mapping[str, Cell]


def _cell(lang: str, slug: str, manifest: Mapping[str, Any]) -> Cell:
    raw = manifest.get("counts") or {}
    counts = StateCounts(
        reviewed=int(raw.get("reviewed", 0)),
        machine=int(raw.get("machine", 0)),
        draft=int(raw.get("draft", 0)),
        changed=int(raw.get("changed_source", 0)),
        untranslated=int(raw.get("untranslated", 0)),
    )
    qa = manifest.get("qa") or {}
    title = (manifest.get("title") or {}).get("translated", "")
    return Cell(lang, f"{lang}/{slug}/{REVIEW}", counts, dict(qa.get("by_severity") or {}), title)


def index_rows(bundles: Path) -> tuple[list[str], list[IndexRow]]:
    """Languages and one row per article, from every bundle manifest on disk."""
    found: dict[str, dict[str, Mapping[str, Any]]] = {}
    for path in sorted(bundles.glob(f"*/*/{MANIFEST}")):
        if not is_slug(path.parent.name):
            continue  # a bundle being written (``.NAME.XXXXXXXX.tmp``), or not ours
        manifest = read_manifest(path)
        if manifest is None:
            continue
        lang, slug = path.parent.parent.name, path.parent.name
        found.setdefault(slug, {})[lang] = manifest
    languages = sorted({lang for by_lang in found.values() for lang in by_lang})
    rows: list[IndexRow] = []
    for slug, by_lang in sorted(found.items()):
        first = next(iter(by_lang.values()))
        source = first.get("source") or {}
        rows.append(
            IndexRow(
                slug=slug,
                title=str((first.get("title") or {}).get("source", slug)),
                source_lang=str(source.get("language", "")),
                source_file=str(source.get("file", "")),
                cells={lang: _cell(lang, slug, m) for lang, m in by_lang.items()},
            )
        )
    return languages, rows


def render_index(bundles: Path) -> str:
    languages, rows = index_rows(bundles)
    cells = [c for r in rows for c in r.cells.values()]
    total = sum((c.counts for c in cells), StateCounts())
    return (
        templates()
        .get_template(INDEX_TEMPLATE)
        .render(
            languages=languages,
            rows=rows,
            total=total,
            bar=bar(total),
            States=list(LIVE_STATES),
            generator=f"newsl10n {__version__}",
        )
    )
