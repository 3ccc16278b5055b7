"""The Prefect tasks: what a worker process (a thread, a process pool, a Dask worker on
another machine) executes, and every object it returns or raises.

Everything here is importable from the installed package: a task is pickled by reference
(``newsl10n.flows.tasks.translate_task``, ``newsl10n.run.translate_job``, the library's
frozen dataclasses), so a Dask worker started anywhere with ``pip install
'newsl10n[dask]'`` and nothing on ``PYTHONPATH`` can run it. A task receives the folders as
planned and places them where it runs (:func:`newsl10n.config.settings_elsewhere`): on
another machine, its own ``NEWSL10N_*`` environment says where the shared folders are.
"""

from __future__ import annotations

import os
import socket
from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path
from typing import Any

from prefect import State, get_run_logger, task
from prefect.cache_policies import NO_CACHE

from newsl10n.config import Settings, folder_variable, settings_elsewhere
from newsl10n.flows.report import summarize
from newsl10n.pipeline import build_review
from newsl10n.results import PairResult
from newsl10n.review.bundle import BundleReport
from newsl10n.run import Job, JobRun


def this_machine() -> str:
    """Which machine a task runs on, as the planner recorded it: same machine, same paths."""
    return socket.gethostname()


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


def placed_here(
    job: Job, planned_on: str, environ: Mapping[str, str] = os.environ
) -> tuple[Job, str]:
    """The job with its folders placed on this machine (the planned ones when it is the
    machine that planned the run), and "" or the problem: a locales folder that does not
    exist here, named with the variables that place it."""
    if planned_on == this_machine():
        return job, ""
    here = settings_elsewhere(job.settings, environ)
    if not here.locales.is_dir():
        variable = folder_variable("locales")
        return job, (
            f"{here.locales}: no locales folder on {this_machine()} (planned on {planned_on} "
            f"as {job.settings.locales}); set {variable} (shared storage) or NEWSL10N_PROJECT "
            "in this worker's environment"
        )
    return replace(job, settings=here), ""


def as_planned(result: PairResult, here: Settings, planned: Settings) -> PairResult:
    """A result with its catalog path as the planner knows it (the run's summary and QA
    table are made there)."""
    path = Path(result.catalog) if result.catalog else None
    if path is None or here.locales == planned.locales or not path.is_relative_to(here.locales):
        return result
    return replace(result, catalog=str(planned.locales / path.relative_to(here.locales)))


@task(
    name="translate",
    task_run_name="translate {job.name}",
    cache_policy=NO_CACHE,
    retries=2,
    retry_delay_seconds=2,
    retry_condition_fn=_retry_unexpected,
)
def translate_task(run_job: JobRun, job: Job, planned_on: str = "") -> list[PairResult]:
    """One target language over the run's articles, wherever the task runs. A pair that
    fails (no model, a broken catalog, no locales folder on this worker) fails the task with
    its reason at ERROR; surprises are retried."""
    local, problem = placed_here(job, planned_on or this_machine())
    if problem:
        results = [PairResult(a.slug, job.target, error=problem) for a in job.articles]
    else:
        done = run_job(local)
        results = [as_planned(r, local.settings, job.settings) for r in done]
    failed = [r for r in results if not r.ok]
    if failed:
        logger = get_run_logger()
        for result in failed:
            logger.error("%s", summarize(result))
        names = ", ".join(f"{r.slug} → {r.target}" for r in failed)
        raise PairsFailed(f"{len(failed)} pair(s) failed: {names}", results)
    return results


@task(name="build-bundles", cache_policy=NO_CACHE)
def bundle_task(
    settings: Settings, glossary: Any, slugs: list[str] | None, zip_: bool = False
) -> BundleReport:
    """Bundles and review pages from the catalogs (no model)."""
    return build_review(settings, glossary, list(settings.targets), slugs, zip_=zip_)
