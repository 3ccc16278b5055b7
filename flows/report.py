"""Artifacts that make a flow run readable in the Prefect UI."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from uuid import UUID

from prefect.artifacts import (
    create_markdown_artifact,
    create_progress_artifact,
    create_table_artifact,
    update_progress_artifact,
)

from newsl10n.bundle import BundleReport
from newsl10n.config import Settings
from newsl10n.pipeline import PairResult


def summarize(result: PairResult) -> str:
    head = f"{result.slug} → {result.target}"
    if result.error:
        return f"{head}: FAILED: {result.error}"
    if result.skipped:
        return f"{head}: skipped ({result.skipped})"
    return (
        f"{head}: {result.segments} segments, {result.translated} translated, "
        f"{result.from_memory} from memory, {result.kept} kept, {result.failed} failed"
    )


class Progress:
    """A progress artifact advanced as pairs finish."""

    def __init__(self, total: int) -> None:
        self.total = max(total, 1)
        self.done = 0
        created = create_progress_artifact(
            progress=0.0, key="translation-progress", description="article × language pairs done"
        )
        self.id: UUID | None = created if isinstance(created, UUID) else None

    def advance_to(self, done: int) -> None:
        self.done = done
        if self.id is not None:
            update_progress_artifact(self.id, progress=100.0 * self.done / self.total)


def publish(results: Sequence[PairResult], extra: Sequence[str] = ()) -> None:
    """A markdown summary (translated, skipped, failed) and a table artifact."""
    failed = [r for r in results if not r.ok]
    skipped = [r for r in results if r.skipped]
    done = [r for r in results if r not in failed and r not in skipped]
    lines = [
        "# Translation run",
        "",
        f"{len(done)} translated or up to date, {len(skipped)} skipped, {len(failed)} failed.",
    ]
    for title, group in (("Failed", failed), ("Translated", done), ("Skipped", skipped)):
        if group:
            lines += ["", f"## {title}", ""] + [f"- {summarize(r)}" for r in group]
    lines += list(extra)
    create_markdown_artifact("\n".join(lines), key="translation-summary",
                             description="what was translated, skipped and failed")  # fmt: skip
    rows = [
        {
            "article": r.slug,
            "language": r.target,
            "segments": r.segments,
            "machine": r.translated,
            "memory": r.from_memory,
            "kept": r.kept,
            "failed": r.failed,
            "qa errors": r.qa_errors,
            "qa warnings": r.qa_warnings,
            "status": "failed" if r.error else ("skipped" if r.skipped else "ok"),
            "catalog": r.catalog,
        }
        for r in results
    ]
    create_table_artifact(rows, key="translation-table", description="article × language")


def bundle_lines(report: BundleReport, settings: Settings) -> list[str]:
    """Markdown lines naming the review index and each bundle, relative to the project."""

    def rel(path: Path) -> str:
        try:
            return path.resolve().relative_to(settings.root.resolve()).as_posix()
        except ValueError:
            return str(path)

    lines = ["", "## Bundles and review pages", ""]
    if report.index is not None:
        lines.append(f"- review index: `{rel(report.index)}`")
    for b in report.bundles:
        status = f"FAILED: {b.error}" if b.error else f"`{rel(b.folder)}`"
        lines.append(f"- {b.slug} → {b.lang}: {status}")
    return lines
