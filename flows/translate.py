"""Prefect flows: translate one article, the batch of new and changed articles, or rebuild
the bundles.

Thin adapters over ``newsl10n.run.run``, the one run every door uses: its jobs (one per
target language, over all articles of the run) become Prefect tasks the UI shows and
retries; the decisions are the library's; settings come from the worker's environment,
read once at the edge. Parameters typed into the UI are untrusted: articles must be
sources inside the source folder and languages come from a fixed list.

The run form's help texts come from each flow's docstring (its ``Args:`` section), which
is what Prefect stores in a deployment's parameter schema.
"""

from __future__ import annotations

import inspect
import logging
from collections.abc import Callable, Sequence
from typing import Any, Literal, TypeVar
from uuid import UUID

from prefect import State, flow, get_run_logger, task
from prefect.cache_policies import NO_CACHE
from prefect.exceptions import FailedRun
from prefect.futures import as_completed
from prefect.runtime import flow_run
from prefect.states import Failed

from flows.report import (
    Progress,
    bundle_lines,
    publish,
    publish_bundles,
    publish_problem,
    schedule_note,
    summarize,
)
from flows.runners import task_runner
from newsl10n.config import Settings, parse_languages, settings_from_environment
from newsl10n.errors import Newsl10nError
from newsl10n.glossary.load import load_glossary
from newsl10n.pipeline import PairResult, build_review
from newsl10n.review.bundle import BundleReport
from newsl10n.run import (
    Event,
    Job,
    JobDone,
    JobRun,
    Report,
    Request,
    find_article,
    find_catalog,
    glossary_note,
    run,
)

# Languages Argos Translate has packages for: the run form offers these as a multi-select.
Language = Literal[
    "ar", "az", "bg", "bn", "ca", "cs", "da", "de", "el", "en", "eo", "es", "et", "eu", "fa",
    "fi", "fr", "ga", "gl", "he", "hi", "hu", "id", "it", "ja", "ko", "lt", "lv", "ms", "nb",
    "nl", "pl", "pt", "ro", "ru", "sk", "sl", "sq", "sv", "th", "tl", "tr", "uk", "ur", "vi",
    "zh",
]  # fmt: skip
Engine = Literal["argos", "apertium"]


# The run form's help, one text per parameter. Prefect 3.9 stores what a flow docstring's
# ``Args:`` section says (not ``Field(description=...)``): ``documented`` writes it there.
HELP = {
    "article": "The article to translate: its file name in the source folder "
    "(putin-kim-pyongyang-summit.txt) or its slug (putin-kim-pyongyang-summit), any case. "
    "An unknown name fails the run with the list of articles.",
    "targets": "Target languages by code. None (the default) or an empty list means the "
    "project's configured targets. "
    "ar Arabic, de German, es Spanish, fr French, ja Japanese, ko Korean, ru Russian, "
    "uk Ukrainian, zh Chinese, ... A language without an installed model is named at the "
    "start and fails alone.",
    "engine": "Machine-translation engine for every pair: argos (offline neural models) or "
    "apertium (rule-based). None (the default) means the project's configuration (Argos "
    "unless a pair is set otherwise).",
    "retranslate": "Send unreviewed machine output to the engine again (after a new model "
    "or glossary). Reviewed entries and translators' edits are never touched.",
    "force": "Process every article, even unchanged ones (nothing reviewed is redone).",
    "articles": "Articles by slug (catalog name, e.g. putin-kim-pyongyang-summit) or file "
    "name, any case; an unknown one fails the run with the list of catalogs. None (the "
    "default) means every article.",
    "zip_archives": "Also write one zip per article (all languages) for editors.",
}
F = TypeVar("F", bound=Callable[..., Any])


def documented(function: F) -> F:
    """Append an ``Args:`` section with :data:`HELP` for each of the flow's parameters."""
    names = inspect.signature(function).parameters
    args = "\n".join(f"    {name}: {HELP[name]}" for name in names)
    function.__doc__ = f"{inspect.cleandoc(function.__doc__ or '')}\n\nArgs:\n{args}"
    return function


class _FailedRunOnOneLine(logging.Filter):
    """A worker's engine re-raises the Failed state a flow here returned as ``FailedRun``
    and logs "Engine execution exited with unexpected exception" with its traceback: for an
    editor that is the run's reason, on one ERROR line. Every other record is untouched."""

    def filter(self, record: logging.LogRecord) -> bool:
        error = record.exc_info[1] if record.exc_info else None
        if isinstance(error, FailedRun):
            record.msg, record.args = "run failed: %s", (error,)
            record.exc_info = record.exc_text = None
        return True


logging.getLogger("prefect.flow_runs").addFilter(_FailedRunOnOneLine())


class PairsFailed(Exception):
    """A job whose pairs failed: the task ends Failed (not retried), the results travel
    with it (``args`` only, so it pickles across process and Dask workers)."""

    def __init__(self, message: str, results: list[PairResult]) -> None:
        super().__init__(message, results)

    @property
    def results(self) -> list[PairResult]:
        found: list[PairResult] = self.args[1]
        return found

    def __str__(self) -> str:
        return str(self.args[0])


def _retry_unexpected(_task: Any, _run: Any, state: State[Any]) -> bool:
    """Retry surprises (a model crashing mid-batch), never a pair's known failure."""
    return not isinstance(state.result(raise_on_failure=False), PairsFailed)


@task(
    name="translate",
    task_run_name="translate {job.name}",
    cache_policy=NO_CACHE,
    retries=2,
    retry_delay_seconds=2,
    retry_condition_fn=_retry_unexpected,
)
def translate_task(run_job: JobRun, job: Job) -> list[PairResult]:
    """One target language over the run's articles. A pair that fails (no model, a broken
    catalog) fails the task with its reason at ERROR; surprises are retried."""
    results = run_job(job)
    failed = [r for r in results if not r.ok]
    if failed:
        logger = get_run_logger()
        for result in failed:
            logger.error("%s", summarize(result))
        names = ", ".join(f"{r.slug} → {r.target}" for r in failed)
        raise PairsFailed(f"{len(failed)} pair(s) failed: {names}", results)
    return results


def prefect_map(
    run_job: JobRun, jobs: Sequence[Job], done: JobDone
) -> list[list[PairResult] | BaseException]:
    """The run's point of concurrency as Prefect tasks on the flow's task runner."""
    futures = [translate_task.submit(run_job, job) for job in jobs]
    index = {id(f): i for i, f in enumerate(futures)}
    outcomes: dict[int, list[PairResult] | BaseException] = {}
    for future in as_completed(futures):
        i = index[id(future)]
        try:
            outcomes[i] = future.result()
        except PairsFailed as failed:
            outcomes[i] = failed.results
        except Exception as err:  # retries exhausted: the job's pairs fail, the others go on
            outcomes[i] = err
        done(jobs[i], outcomes[i])
    return [outcomes[i] for i in range(len(jobs))]


def orchestrate(settings: Settings, request: Request, schedule: str = "") -> Report:
    """The library's run inside the current flow: jobs as tasks, progress in the log and a
    progress artifact, the summary (with links to the review pages) as artifacts."""
    logger = get_run_logger()
    tracker: list[Progress] = []

    def show(event: Event) -> None:
        if event.kind == "pairs" and not tracker:
            tracker.append(Progress(event.total))
        elif event.kind == "pairs":
            tracker[0].advance_to(event.done)
            for result in event.results:
                if result.ok:
                    logger.info("[%d/%d] %s", event.done, event.total, summarize(result))
        elif event.kind == "unavailable":
            logger.error("%s", event.message)
        elif event.kind in ("planned", "prepared", "residue", "bundles"):
            logger.info("%s", event.message)

    glossary = load_glossary(settings.glossary)  # once: the note, the run and its QA table
    logger.info("%s", glossary_note(glossary, settings.glossary))
    report = run(settings, request, map_jobs=prefect_map, progress=show, glossary=glossary)
    for result in report.results:
        if result.target == "-" and result.error:  # an article that could not be prepared
            logger.error("%s", result.error)
    publish(report, settings, schedule)
    return report


def outcome(report: Report) -> Report | State[Any]:
    """The flow's end: Completed with the report, or Failed with one line naming the pairs
    (a state without data: Prefect cannot turn a list into an exception)."""
    failures = report.failures
    if not failures:
        return report
    names = ", ".join(
        f"{r.slug} → {r.target}" if r.target != "-" else f"{r.slug} (article)" for r in failures
    )
    return Failed(message=f"{len(failures)} of {len(report.results)} failed: {names}")


def _settings(targets: Sequence[str] | None, engine: str | None) -> Settings:
    """Project settings from the worker's environment (read once, here, at the edge),
    narrowed by the run's parameters."""
    return settings_from_environment().with_overrides(
        targets=parse_languages(list(targets)) if targets else None, engine=engine
    )


@flow(name="translate-article", task_runner=task_runner(), log_prints=True)
@documented
def translate_article(
    article: str,
    targets: list[Language] | None = None,
    engine: Engine | None = None,
    retranslate: bool = False,
) -> Report | State[Any]:
    """Translate one article into the target languages."""
    try:
        settings = _settings(targets, engine)
        path = find_article(settings, article)
    except Newsl10nError as err:
        publish_problem("Article not translated", str(err))
        return Failed(message=str(err))
    return outcome(orchestrate(settings, Request(articles=(path,), retranslate=retranslate)))


@flow(name="translate-batch", task_runner=task_runner(), log_prints=True)
@documented
def translate_batch(
    targets: list[Language] | None = None,
    engine: Engine | None = None,
    retranslate: bool = False,
    force: bool = False,
) -> Report | State[Any]:
    """Translate every new or changed article under the source folder.

    An article whose bytes match the hash recorded in its catalogs is skipped before it is
    read further: no detection, no model."""
    try:
        settings = _settings(targets, engine)
    except Newsl10nError as err:
        publish_problem("Batch not run", str(err))
        return Failed(message=str(err))
    report = orchestrate(settings, Request(retranslate=retranslate, force=force), schedule_note())
    return outcome(report)


@flow(name="rebuild-bundles", log_prints=True)
@documented
def rebuild_bundles(
    targets: list[Language] | None = None,
    articles: list[str] | None = None,
    zip_archives: bool = False,
) -> BundleReport | State[Any]:
    """Rebuild bundles and review pages from the catalogs after translators' edits."""
    try:
        settings = _settings(targets, None)
        slugs = [find_catalog(settings, name) for name in articles or []]
        glossary = load_glossary(settings.glossary)
    except Newsl10nError as err:
        publish_problem("Bundles not rebuilt", str(err))
        return Failed(message=str(err))
    report = bundle_task(settings, glossary, slugs or None, zip_archives)
    publish_bundles(bundle_lines(report, settings))
    if not report.ok:
        failed = [f"{b.label}: {b.error}" for b in report.bundles if b.error]
        return Failed(message="; ".join(failed) or "bundles failed")
    return report


@task(name="build-bundles", cache_policy=NO_CACHE)
def bundle_task(
    settings: Settings, glossary: Any, slugs: list[str] | None, zip_: bool = False
) -> BundleReport:
    """Bundles and review pages from the catalogs (no model)."""
    return build_review(settings, glossary, list(settings.targets), slugs, zip_=zip_)


# The CLI's --prefect door: the command's settings as a value, the report handed back.
_REPORTS: dict[UUID, Report] = {}


@flow(name="newsl10n-run", validate_parameters=False, log_prints=True)
def cli_run(settings: Settings, request: Request) -> Report | State[Any]:
    """A run started by `newsl10n run|translate --prefect`, with the command's settings."""
    report = orchestrate(settings, request)
    run_id = flow_run.get_id()
    if run_id:
        _REPORTS[UUID(str(run_id))] = report
    return outcome(report)


def run_in_prefect(settings: Settings, request: Request, runner: str | None = None) -> Report:
    """Run as a Prefect flow in this process and return the library's report."""
    name = "translate-article" if request.articles is not None else "translate-batch"
    chosen = cli_run.with_options(name=name, task_runner=task_runner(runner))
    state = chosen(settings=settings, request=request, return_state=True)
    run_id = state.state_details.flow_run_id
    report = _REPORTS.pop(run_id, None) if run_id else None
    if report is None:
        problem = state.result(raise_on_failure=False)
        if isinstance(problem, BaseException):
            raise problem
        raise RuntimeError(f"the flow ended {state.type.value}: {state.message}")
    return report
