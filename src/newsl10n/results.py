"""What the run hands from stage to stage: an article prepared for translation, and what
happened to one article in one language.

Apart from the pipeline that makes them, so that the run's plan, the end table and the
flows can name them without importing translation, QA and pages (a no-change run imports
nothing it does not use: its cost is mostly start-up).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from newsl10n.catalog.header import SourceInfo

if TYPE_CHECKING:
    from pathlib import Path

    from newsl10n.catalog.ledger import CatalogFacts
    from newsl10n.review.bundle import BundleResult
    from newsl10n.review.summaries import Version
    from newsl10n.source.article import Article
    from newsl10n.source.detect import Detection
    from newsl10n.source.segment import Residue, Segment


@dataclass(frozen=True)
class PreparedArticle:
    """An article read, language-detected and segmented: everything a pair needs."""

    article: Article
    language: Detection
    segments: tuple[Segment, ...]
    residue: tuple[Residue, ...]
    reference: str  # the source path as catalogs cite it (relative to the project)

    @property
    def slug(self) -> str:
        return self.article.slug

    @property
    def path(self) -> Path:
        """The source as a terminal can open it (``reference`` is how catalogs cite it)."""
        return self.article.path

    @property
    def source(self) -> SourceInfo:
        return SourceInfo(
            self.slug,
            self.reference,
            self.article.sha256,
            self.language.lang,
            self.language.confidence,
        )


@dataclass(frozen=True)
class PairResult:
    """What happened to one article in one language; ``error`` set means the pair failed."""

    slug: str
    target: str
    segments: int = 0
    translated: int = 0  # machine-translated in this run
    from_memory: int = 0  # taken from reviewed translations in other catalogs
    kept: int = 0  # existing entries left as they were
    failed: int = 0  # segments left untranslated
    qa_errors: int = 0  # catalog check findings (glossary terms, numbers)
    qa_warnings: int = 0
    catalog: str = ""
    written: bool = False
    model: str = ""
    error: str = ""
    skipped: str = ""  # why nothing was done (the article is already in this language)
    reason: str = ""  # why segments were left untranslated (the engine's own words)
    bundle: BundleResult | None = None  # built with the catalog, when the run asked for it
    facts: CatalogFacts | None = None  # the catalog as written, for the ledger
    summary: Version | None = None  # its counts and QA figures, for the desk's index

    @property
    def ok(self) -> bool:
        return not self.error and not self.failed


class JobStopped(Exception):
    """A language's job that failed (its engine crashed) after some of its pairs had their
    results, catalogs written: those results travel with the error, so a report fails only
    the pairs left undone. ``args`` only (the problem's text and the results), so it
    pickles across processes and Dask workers."""

    def __init__(self, problem: str, results: list[PairResult]) -> None:
        super().__init__(problem, results)

    @property
    def problem(self) -> str:
        return str(self.args[0])

    @property
    def results(self) -> list[PairResult]:
        found: list[PairResult] = self.args[1]
        return found

    def __str__(self) -> str:
        return self.problem
