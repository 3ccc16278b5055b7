"""Prefect flows: translate one article, the batch of new and changed articles, or rebuild
the bundles; and the run behind the CLI's ``--prefect`` door.

Thin adapters over ``newsl10n.run.run``, the one run every door uses: its jobs (one per
target language, over all articles of the run) become Prefect tasks
(:mod:`newsl10n.flows.tasks`) the UI shows and retries; the decisions are the library's;
settings come from the worker's environment, read once at the edge. Parameters typed into
the UI are untrusted: articles must be sources inside the source folder and languages come
from a fixed list.

These flows live in the installed package (the checkout's ``flows/newsl10n_flows.py`` only
names them for ``prefect.yaml``), so the code a Dask worker unpickles is the same version
as the code that planned the run, and no worker needs the checkout on ``PYTHONPATH``.

The run form's help texts come from each flow's docstring (its ``Args:`` section), which
is what Prefect stores in a deployment's parameter schema.
"""

from __future__ import annotations

import inspect
import logging
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, Literal, TypeVar
from uuid import UUID

from prefect import State, flow, get_run_logger
from prefect.exceptions import FailedRun
from prefect.futures import as_completed
from prefect.runtime import flow_run
from prefect.states import Failed

from newsl10n.config import (
    FOLDERS,
    Settings,
    folder_variable,
    parse_languages,
    settings_from_environment,
)
from newsl10n.errors import ArticleError, Newsl10nError
from newsl10n.flows import names
from newsl10n.flows.report import (
    ProgressArtifact,
    bundle_lines,
    publish,
    publish_bundles,
    publish_problem,
    schedule_note,
    summarize,
)
from newsl10n.flows.runners import task_runner
from newsl10n.flows.tasks import PairsFailed, bundle_task, this_machine, translate_task
from newsl10n.glossary.load import load_glossary
from newsl10n.results import PairResult
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
EngineName = Literal["argos", "apertium"]  # = config.ENGINE_NAMES (a test keeps them equal)


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


def prefect_map(
    run_job: JobRun, jobs: Sequence[Job], done: JobDone
) -> list[list[PairResult] | BaseException]:
    """The run's point of concurrency as Prefect tasks on the flow's task runner."""
    here = this_machine()  # a task elsewhere places the folders by its own environment
    futures = [translate_task.submit(run_job, job, here) for job in jobs]
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


def orchestrate(
    settings: Settings,
    request: Request,
    schedule: str = "",
    name: Callable[[int], str] | None = None,
) -> Report:
    """The library's run inside the current flow: jobs as tasks, progress in the log and a
    progress artifact, the summary (with links to the review pages) as artifacts; a batch
    is renamed ``name(articles)`` once planned."""
    logger = get_run_logger()
    tracker: list[ProgressArtifact] = []

    def show(event: Event) -> None:
        if event.kind == "planned" and name is not None:
            names.rename(name(event.total))
        if event.kind == "pairs" and not tracker:
            tracker.append(ProgressArtifact(event.total))
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


def on_this_worker(problem: Newsl10nError, settings: Settings | None = None) -> str:
    """A problem that stops the run (a missing folder, a broken glossary) with where it
    happened and how a worker's folders are placed, for the run's own log."""
    root = settings.root if settings is not None else Path.cwd()
    variables = ", ".join(folder_variable(f) for f in FOLDERS)
    return (
        f"{problem} (worker {this_machine()}, project {root}: folders come from {variables} "
        "in the worker's environment, else from the clone the run works in)"
    )


def stopped(title: str, problem: Newsl10nError, settings: Settings | None = None) -> State[Any]:
    """The run ends Failed, its reason at ERROR in its log and in its summary artifact."""
    message = on_this_worker(problem, settings)
    get_run_logger().error("%s", message)
    publish_problem(title, message)
    return Failed(message=str(problem))


@flow(
    name="translate-article",
    task_runner=task_runner(),
    log_prints=True,
    flow_run_name=names.name_article_run,
)
@documented
def translate_article(
    article: str,
    targets: list[Language] | None = None,
    engine: EngineName | None = None,
    retranslate: bool = False,
) -> Report | State[Any]:
    """Translate one article into the target languages."""
    try:
        settings = _settings(targets, engine)
    except Newsl10nError as err:
        return stopped("Article not translated", err)
    if not settings.source.is_dir():
        missing = ArticleError(settings.source, "source folder does not exist")
        return stopped("Article not translated", missing, settings)
    try:
        path = find_article(settings, article)
    except Newsl10nError as err:  # the article typed: the message lists the ones there are
        publish_problem("Article not translated", str(err))
        return Failed(message=str(err))
    try:
        report = orchestrate(settings, Request(articles=(path,), retranslate=retranslate))
    except Newsl10nError as err:
        return stopped("Article not translated", err, settings)
    return outcome(report)


@flow(
    name="translate-batch",
    task_runner=task_runner(),
    log_prints=True,
    flow_run_name=names.name_batch_run,
)
@documented
def translate_batch(
    targets: list[Language] | None = None,
    engine: EngineName | None = None,
    retranslate: bool = False,
    force: bool = False,
) -> Report | State[Any]:
    """Translate every new or changed article under the source folder.

    An article whose bytes match the hash recorded in its catalogs is skipped before it is
    read further: no detection, no model."""
    settings: Settings | None = None
    try:
        settings = _settings(targets, engine)
        schedule = schedule_note()
        cadence = names.scheduled_cadence(schedule)

        def name(articles: int) -> str:
            return names.batch_run(articles, targets, cadence)

        request = Request(retranslate=retranslate, force=force)
        report = orchestrate(settings, request, schedule, name)
    except Newsl10nError as err:
        return stopped("Batch not run", err, settings)
    return outcome(report)


@flow(name="rebuild-bundles", log_prints=True, flow_run_name=names.name_bundles_run)
@documented
def rebuild_bundles(
    targets: list[Language] | None = None,
    articles: list[str] | None = None,
    zip_archives: bool = False,
) -> BundleReport | State[Any]:
    """Rebuild bundles and review pages from the catalogs after translators' edits."""
    settings: Settings | None = None
    try:
        settings = _settings(targets, None)
        slugs = [find_catalog(settings, name) for name in articles or []]
        glossary = load_glossary(settings.glossary)
    except Newsl10nError as err:
        return stopped("Bundles not rebuilt", err, settings)
    report = bundle_task(settings, glossary, slugs or None, zip_archives)
    publish_bundles(bundle_lines(report, settings))
    if not report.ok:
        failed = [f"{b.label}: {b.error}" for b in report.bundles if b.error]
        return Failed(message="; ".join(failed) or "bundles failed")
    return report


# The CLI's --prefect door: the command's settings as a value, the report handed back.
_REPORTS: dict[UUID, Report] = {}


@flow(name="newsl10n-run", validate_parameters=False, log_prints=True)
def cli_run(settings: Settings, request: Request) -> Report | State[Any]:
    """A run started by `newsl10n run|translate --prefect`, with the command's settings."""

    def name(articles: int) -> str:
        return names.batch_run(articles, None)

    report = orchestrate(settings, request, name=name if request.articles is None else None)
    run_id = flow_run.get_id()
    if run_id:
        _REPORTS[UUID(str(run_id))] = report
    return outcome(report)


def run_in_prefect(settings: Settings, request: Request, runner: str | None = None) -> Report:
    """Run as a Prefect flow in this process and return the library's report."""
    if request.articles is not None:
        flow_name = "translate-article"
        labels = ", ".join(names.article_label(p.name) for p in request.articles)
        run_name = f"translate {labels} → {', '.join(settings.targets)}"
    else:
        flow_name, run_name = "translate-batch", names.batch_run(None, None)
    chosen = cli_run.with_options(
        name=flow_name, flow_run_name=run_name, task_runner=task_runner(runner)
    )
    state = chosen(settings=settings, request=request, return_state=True)
    run_id = state.state_details.flow_run_id
    report = _REPORTS.pop(run_id, None) if run_id else None
    if report is None:
        problem = state.result(raise_on_failure=False)
        if isinstance(problem, BaseException):
            raise problem
        raise RuntimeError(f"the flow ended {state.type.value}: {state.message}")
    return report
