"""Prefect flows: translate one article, or the batch of new and changed articles.

Thin adapters over ``newsl10n.run.run``, the one run every door uses: its jobs (one per
target language, over all articles of the run) become Prefect tasks the UI shows and
retries; the decisions are the library's; settings come from the worker's environment,
read once at the edge.
Parameters typed into the UI are untrusted: paths must stay inside the source folder and
languages come from a fixed list.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Annotated, Literal

from prefect import State, flow, get_run_logger, task
from prefect.artifacts import create_markdown_artifact
from prefect.cache_policies import NO_CACHE
from prefect.futures import as_completed
from prefect.states import Failed
from pydantic import Field

from flows.report import Progress, bundle_lines, publish, summarize
from flows.runners import task_runner
from newsl10n.bundle import BundleReport
from newsl10n.config import Settings, parse_languages, resolve_inside, settings_from_environment
from newsl10n.glossary import Glossary, load_glossary
from newsl10n.pipeline import PairResult, build_review
from newsl10n.run import Event, Job, JobDone, JobRun, Report, Request, glossary_note, run

# Languages Argos Translate has packages for: the run form offers these as a multi-select.
Language = Literal[
    "ar", "az", "bg", "bn", "ca", "cs", "da", "de", "el", "en", "eo", "es", "et", "eu", "fa",
    "fi", "fr", "ga", "gl", "he", "hi", "hu", "id", "it", "ja", "ko", "lt", "lv", "ms", "nb",
    "nl", "pl", "pt", "ro", "ru", "sk", "sl", "sq", "sv", "th", "tl", "tr", "uk", "ur", "vi",
    "zh",
]  # fmt: skip

Targets = Annotated[
    list[Language] | None,
    Field(description="Target languages; empty means the project's configured targets."),
]
EngineName = Annotated[
    Literal["argos", "apertium"] | None,
    Field(description="Machine-translation engine for every pair; empty means the project's "
                      "configuration (Argos unless a pair is set otherwise)."),
]  # fmt: skip
Retranslate = Annotated[
    bool,
    Field(description="Send unreviewed machine output to the engine again (new model or "
                      "glossary). Reviewed entries are never touched."),
]  # fmt: skip


class RunFailed(Exception):
    """The flow's failure when any article or pair failed; carries the whole report (the
    CLI's table reads it; Prefect shows the message)."""

    def __init__(self, message: str, report: Report) -> None:
        super().__init__(message)
        self.report = report


@task(
    name="translate",
    task_run_name="translate {job.name}",
    cache_policy=NO_CACHE,
    retries=2,
    retry_delay_seconds=2,
)
def translate_task(run_job: JobRun, job: Job) -> list[PairResult]:
    """One target language over the batch's articles. Expected problems come back as
    results; surprises (a model crashing mid-batch) raise and are retried."""
    return run_job(job)


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
        except Exception as err:  # retries exhausted: the job's pairs fail, the others go on
            outcomes[i] = err
        done(jobs[i], outcomes[i])
    return [outcomes[i] for i in range(len(jobs))]


def orchestrate(settings: Settings, request: Request) -> Report:
    """The library's run inside the current flow: jobs as tasks, progress in the log and a
    progress artifact, the summary as artifacts; Failed (raised) when anything failed."""
    logger = get_run_logger()
    tracker: list[Progress] = []

    def show(event: Event) -> None:
        if event.kind == "pairs" and not tracker:
            tracker.append(Progress(event.total))
        elif event.kind == "pairs":
            tracker[0].advance_to(event.done)
            for result in event.results:
                log = logger.error if not result.ok else logger.info
                log("[%d/%d] %s", event.done, event.total, summarize(result))
        elif event.kind in ("planned", "prepared", "residue", "bundles"):
            logger.info("%s", event.message)

    logger.info("%s", glossary_note(load_glossary(settings.glossary), settings.glossary))
    report = run(settings, request, map_jobs=prefect_map, progress=show)
    publish(report.results, bundle_lines(report.bundles, settings) if report.bundles else [])
    failures = report.failures
    if failures:
        names = ", ".join(f"{r.slug} → {r.target}" for r in failures)
        raise RunFailed(f"{len(failures)} of {len(report.results)} failed: {names}", report)
    return report


def _settings(targets: list[Language] | list[str] | None, engine: str | None) -> Settings:
    """Project settings from the worker's environment (read once, here, at the edge),
    narrowed by the run's parameters."""
    return settings_from_environment().with_overrides(
        targets=parse_languages(list(targets)) if targets else None, engine=engine
    )


@flow(name="translate-article", task_runner=task_runner(), log_prints=True)
def translate_article(
    article: Annotated[
        str, Field(description="Article file, relative to the source folder (e.g. story.txt).")
    ],
    targets: Targets = None,
    engine: EngineName = None,
    retranslate: Retranslate = False,
) -> Report:
    """Translate one article into the target languages."""
    settings = _settings(targets, engine)
    path = resolve_inside(settings.source, article, what="article")
    if not path.is_file():
        raise ValueError(f"article: {article!r} is not a file in {settings.source}")
    return orchestrate(settings, Request(articles=(path,), retranslate=retranslate))


@flow(name="translate-batch", task_runner=task_runner(), log_prints=True)
def translate_batch(
    targets: Targets = None,
    engine: EngineName = None,
    retranslate: Retranslate = False,
    force: Annotated[
        bool, Field(description="Process every article, even unchanged ones.")
    ] = False,
) -> Report:
    """Translate every new or changed article under the source folder.

    An article whose bytes match the hash recorded in its catalogs is skipped before it is
    read further: no detection, no model.
    """
    settings = _settings(targets, engine)
    return orchestrate(settings, Request(retranslate=retranslate, force=force))


@flow(name="newsl10n-run", validate_parameters=False, log_prints=True)
def cli_run(settings: Settings, request: Request) -> Report:
    """A run started by `newsl10n run|translate --prefect`, with the command's settings."""
    return orchestrate(settings, request)


def run_in_prefect(settings: Settings, request: Request, runner: str | None = None) -> Report:
    """Run as a Prefect flow in this process (the CLI's --prefect door); raises RunFailed."""
    chosen = cli_run.with_options(task_runner=task_runner(runner))
    name = "translate-article" if request.articles is not None else "translate-batch"
    state = chosen.with_options(name=name)(settings=settings, request=request, return_state=True)
    outcome = state.result(raise_on_failure=False)
    if isinstance(outcome, RunFailed):
        raise outcome
    if isinstance(outcome, BaseException):
        raise outcome
    if not isinstance(outcome, Report):
        raise TypeError(f"unexpected flow result: {outcome!r}")
    return outcome


@task(name="build-bundles", cache_policy=NO_CACHE)
def bundle_task(
    settings: Settings, glossary: Glossary, slugs: list[str] | None, zip_: bool = False
) -> BundleReport:
    """Bundles and review pages from the catalogs (no model)."""
    return build_review(settings, glossary, list(settings.targets), slugs, zip_=zip_)


@flow(name="rebuild-bundles", log_prints=True)
def rebuild_bundles(
    targets: Targets = None,
    articles: Annotated[
        list[str] | None,
        Field(description="Article slugs (catalog names); empty means every article."),
    ] = None,
    zip_archives: Annotated[
        bool, Field(description="Also write one zip per article for editors.")
    ] = False,
) -> BundleReport | State:
    """Rebuild bundles and review pages from the catalogs after translators' edits."""
    settings = _settings(targets, None)
    for slug in articles or []:
        resolve_inside(settings.locales, f"{slug}.pot", what="article")
    report = bundle_task(settings, load_glossary(settings.glossary), articles or None, zip_archives)
    create_markdown_artifact("\n".join(["# Bundles", "", *bundle_lines(report, settings)]),
                             key="bundles", description="bundles and review pages")  # fmt: skip
    if not report.ok:
        failed = [f"{b.slug} → {b.lang}: {b.error}" for b in report.bundles if b.error]
        return Failed(message="; ".join(failed) or "bundles failed")
    return report
