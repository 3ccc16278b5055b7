"""Which task runner executes article × language tasks: configuration at the edge.

``NEWSL10N_TASK_RUNNER`` = ``threads`` (default), ``processes`` or ``dask``;
``NEWSL10N_DASK_ADDRESS`` points Dask at an existing scheduler (default: a local cluster).
``NEWSL10N_WORKERS`` sets the number of workers/processes (default: CPU count). Outputs are
the same whichever runs them; models are loaded once per worker process.
"""

from __future__ import annotations

import os
from typing import Any

from prefect.task_runners import ProcessPoolTaskRunner, ThreadPoolTaskRunner

from newsl10n.config import RUNNER_NAMES as RUNNERS


def task_runner(name: str | None = None) -> Any:
    choice = (name or os.environ.get("NEWSL10N_TASK_RUNNER") or "threads").lower()
    workers_env = os.environ.get("NEWSL10N_WORKERS")
    workers = int(workers_env) if workers_env else None
    if choice == "threads":
        return ThreadPoolTaskRunner(max_workers=workers)
    if choice == "processes":
        return ProcessPoolTaskRunner(max_workers=workers)
    if choice == "dask":
        try:
            from prefect_dask.task_runners import DaskTaskRunner
        except ImportError:
            raise SystemExit(
                "the dask task runner needs prefect-dask: pip install 'newsl10n[dask]'"
            ) from None
        address = os.environ.get("NEWSL10N_DASK_ADDRESS")
        if address:
            return DaskTaskRunner(address=address)
        kwargs = {"n_workers": workers or 2, "threads_per_worker": 1, "processes": True}
        return DaskTaskRunner(cluster_kwargs=kwargs)
    raise SystemExit(f"NEWSL10N_TASK_RUNNER={choice!r}: choose one of {', '.join(RUNNERS)}")
