"""Flow run names that say what a run does, so the UI's runs list reads as a log:
``translate story-x → ru, de``, ``nightly batch: 12 articles``, ``rebuild bundles: all``.

The flows' ``flow_run_name`` callables name a run when it starts (from its parameters);
a batch is renamed once it knows how many articles it will process. A name is a nicety:
nothing here may fail a run (Prefect crashes a run whose name callable raises).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any
from uuid import UUID

from prefect.client.orchestration import get_client
from prefect.runtime import flow_run

from newsl10n.config import settings_from_environment
from newsl10n.flows.report import schedule_note
from newsl10n.source.article import ARTICLE_SUFFIXES

SCHEDULED_TAG = "auto-scheduled"  # the tag Prefect's scheduler gives the runs it creates


def languages(targets: Sequence[str] | None) -> str:
    """The run's target languages: as given, else the worker's configured ones."""
    if targets:
        return ", ".join(targets)
    try:
        return ", ".join(settings_from_environment().targets)
    except Exception:  # a broken configuration fails the run itself, with its reason
        return "configured languages"


def article_label(article: str) -> str:
    """An article as typed, without its file suffix (``story-x.txt`` → ``story-x``)."""
    text = str(article).strip()
    path = Path(text)
    return path.stem if path.suffix.lower() in ARTICLE_SUFFIXES else text


def article_run(article: str, targets: Sequence[str] | None) -> str:
    return f"translate {article_label(article)} → {languages(targets)}"


def batch_run(articles: int | None, targets: Sequence[str] | None, cadence: str = "") -> str:
    """``nightly batch: 12 articles`` (``→ ru, de`` when the run narrowed the languages);
    before planning, just ``nightly batch``."""
    head = f"{cadence} batch" if cadence else "batch"
    if articles is not None:
        head += f": {articles} article{'s' if articles != 1 else ''}"
    return f"{head} → {', '.join(targets)}" if targets else head


def bundles_run(articles: Sequence[str] | None) -> str:
    return f"rebuild bundles: {', '.join(articles) if articles else 'all articles'}"


def cadence(schedule: str) -> str:
    """How a scheduled run is called: "nightly" / "daily" from its schedule in words
    ("nightly at 02:00 UTC"), else "scheduled"."""
    first = schedule.split(" ", 1)[0]
    return first if first in ("nightly", "daily") else "scheduled"


def _tags() -> list[str]:
    try:
        return list(flow_run.get_tags())
    except Exception:
        return []


def _parameters() -> dict[str, Any]:
    try:
        return dict(flow_run.get_parameters())
    except Exception:
        return {}


# The ``flow_run_name`` callables (Prefect calls them with no arguments in the run).


def name_article_run() -> str:
    found = _parameters()
    return article_run(str(found.get("article", "")), found.get("targets"))


def name_batch_run() -> str:
    return batch_run(None, _parameters().get("targets"), scheduled_cadence())


def name_bundles_run() -> str:
    return bundles_run(_parameters().get("articles"))


def scheduled_cadence(schedule: str | None = None) -> str:
    """The cadence ("nightly") of a run the deployment's schedule made, "" for one a person
    started; ``schedule`` in words, else read from the API (only for scheduled runs)."""
    if SCHEDULED_TAG not in _tags():
        return ""
    return cadence(schedule if schedule is not None else schedule_note())


def rename(name: str) -> None:
    """Rename the current flow run (once it knows what it does); no run, no change."""
    run_id = flow_run.get_id()
    if not run_id:
        return
    try:
        with get_client(sync_client=True) as client:
            client.set_flow_run_name(UUID(str(run_id)), name)
    except Exception:  # the run goes on under its first name
        return
