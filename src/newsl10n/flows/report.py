"""Artifacts that make a flow run readable in the Prefect UI: what happened, which pairs
failed and why, QA findings, and links to the review pages.

Review pages are linked when the worker's environment names where ``bundles/`` is served
(``NEWSL10N_BUNDLES_URL``; `make serve` serves it on localhost and sets it); otherwise the
summary names each page's path in the project. Only pages that exist are linked.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any
from urllib.parse import quote
from uuid import UUID

from prefect.artifacts import (
    create_markdown_artifact,
    create_progress_artifact,
    create_table_artifact,
    update_progress_artifact,
)

from newsl10n import qa
from newsl10n.config import Settings
from newsl10n.glossary.model import Glossary
from newsl10n.results import PairResult
from newsl10n.review.bundle import BundleReport
from newsl10n.review.paths import bundle_folder
from newsl10n.run import Report

REVIEW_PAGE = "review.html"
MAX_QA_ROWS = 500


def summarize(result: PairResult) -> str:
    head = f"{result.slug} → {result.target}" if result.target != "-" else result.slug
    if result.error:
        return f"{head}: FAILED: {result.error}"
    if result.skipped:
        return f"{head}: skipped ({result.skipped})"
    text = (
        f"{head}: {result.segments} segments, {result.translated} translated, "
        f"{result.from_memory} from memory, {result.kept} kept"
    )
    if result.failed:
        text += f", {result.failed} left untranslated"
        if result.reason:
            text += f" ({result.reason})"
    if result.qa_errors or result.qa_warnings:
        text += f", QA {result.qa_errors} error(s) {result.qa_warnings} warning(s)"
    return text


class ProgressArtifact:
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


def bundles_url() -> str:
    """Where ``bundles/`` is served for editors (the worker's configuration), or ""."""
    return os.environ.get("NEWSL10N_BUNDLES_URL", "").rstrip("/")


def review_link(settings: Settings, slug: str, lang: str) -> str:
    """A markdown link to one review page, or its project path; "" when it does not exist."""
    page = bundle_folder(settings.bundles, lang, slug) / REVIEW_PAGE
    if not page.is_file():
        return ""
    base = bundles_url()
    if base:
        return f"[review {slug} → {lang}]({base}/{quote(lang)}/{quote(slug)}/{REVIEW_PAGE})"
    return f"`{settings.relative(page)}`"


def publish(report: Report, settings: Settings, schedule: str = "") -> None:
    """The run's summary (markdown, with review links), its table, and its QA findings."""
    results = report.results
    failed = [r for r in results if not r.ok]
    skipped = [r for r in results if r.skipped]
    done = [r for r in results if r not in failed and r not in skipped]
    lines = [
        "# Translation run",
        "",
        f"{len(done)} translated or up to date, {len(skipped)} skipped, {len(failed)} failed.",
        "",
        report.glossary_note,
    ]
    if schedule:
        lines += ["", f"This deployment runs {schedule}."]
    for title, group in (("Failed", failed), ("Translated", done), ("Skipped", skipped)):
        if group:
            lines += ["", f"## {title}", ""] + [f"- {summarize(r)}" for r in group]
    lines += bundle_lines(report.bundles, settings) if report.bundles else []
    create_markdown_artifact("\n".join(lines), key="translation-summary",
                             description="what was translated, skipped and failed, with "
                                         "links to the review pages")  # fmt: skip
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
            "status": "failed" if not r.ok else ("skipped" if r.skipped else "ok"),
            "review": review_link(settings, r.slug, r.target) if r.target not in "-*" else "",
        }
        for r in results
    ]
    create_table_artifact(rows, key="translation-table", description="article × language")
    publish_findings(results, report.glossary)


def publish_findings(results: Sequence[PairResult], glossary: Glossary) -> None:
    """Per-article QA findings of the catalogs this run wrote or kept, as a table."""
    rows: list[dict[str, Any]] = []
    for r in results:
        if not r.catalog or not (r.qa_errors or r.qa_warnings):
            continue
        for f in qa.check_catalog(Path(r.catalog), glossary, r.target):
            rows.append(
                {
                    "article": r.slug,
                    "language": r.target,
                    "catalog line": f.line,
                    "severity": f.severity,
                    "check": f.kind,
                    "message": f.message,
                }
            )
    if rows:
        create_table_artifact(rows[:MAX_QA_ROWS], key="qa-findings",
                              description=f"QA findings ({len(rows)})")  # fmt: skip


def publish_problem(title: str, message: str) -> None:
    """A summary for a run that could not start (unknown article, bad parameter)."""
    create_markdown_artifact(f"# {title}\n\n{message}\n", key="translation-summary",
                             description="why the run did not start")  # fmt: skip


def publish_bundles(lines: Sequence[str]) -> None:
    create_markdown_artifact("\n".join(["# Bundles", "", *lines]), key="bundles",
                             description="bundles and review pages")  # fmt: skip


def bundle_lines(report: BundleReport, settings: Settings) -> list[str]:
    """Markdown lines linking the review index and each review page that exists."""
    lines = ["", "## Review pages", ""]
    base = bundles_url()
    if report.index is not None and report.index.is_file():
        index = (
            f"[review index]({base}/index.html)" if base else f"`{settings.relative(report.index)}`"
        )
        lines.append(f"- {index}")
    for b in report.bundles:
        if b.error:
            lines.append(f"- {b.label}: FAILED: {b.error}")
            continue
        link = review_link(settings, b.slug, b.lang)
        if link:
            lines.append(f"- {b.slug} → {b.lang}: {link}")
    return lines


def schedule_note() -> str:
    """How the running deployment is scheduled, e.g. "nightly at 02:00 UTC" ("" when the
    run is not from a scheduled deployment or the API cannot say)."""
    from prefect.client.orchestration import get_client
    from prefect.runtime import deployment

    deployment_id = deployment.get_id()
    if not deployment_id:
        return ""
    try:
        with get_client(sync_client=True) as client:
            found = client.read_deployment(UUID(str(deployment_id)))
    except Exception:  # the summary goes on without it
        return ""
    notes = [describe_schedule(s.schedule) for s in found.schedules or [] if s.active]
    return " and ".join(n for n in notes if n)


def describe_schedule(schedule: Any) -> str:
    """A cron schedule in words when it is a daily one ("nightly at 02:00 UTC")."""
    cron = getattr(schedule, "cron", None)
    zone = getattr(schedule, "timezone", None) or "UTC"
    if not cron:
        return ""
    fields = str(cron).split()
    if len(fields) == 5 and fields[2:] == ["*", "*", "*"] and all(f.isdigit() for f in fields[:2]):
        hour, minute = int(fields[1]), int(fields[0])
        when = "nightly" if hour < 6 or hour >= 22 else "daily"
        return f"{when} at {hour:02d}:{minute:02d} {zone}"
    return f"on the schedule `{cron}` ({zone})"
