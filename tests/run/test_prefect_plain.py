"""The plain Prefect way, as an editor's admin would do it on a clean clone with only
PREFECT_API_URL set: `prefect work-pool create`, `prefect deploy --all` and a plain
`prefect worker start --pool newsl10n`; then runs from the API as the UI makes them."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from prefect.client.orchestration import get_client
from prefect.client.schemas.filters import (
    ArtifactFilter,
    ArtifactFilterFlowRunId,
    FlowRunFilter,
    FlowRunFilterId,
    LogFilter,
    LogFilterFlowRunId,
    TaskRunFilter,
)
from prefect.deployments import run_deployment
from prefect.settings import PREFECT_API_URL, temporary_settings

from flows.serve import _free_port
from tests.conftest import ROOT, SEED
from tests.helpers import po_path
from tests.support import servers

DEPLOYMENTS = ("translate-article", "translate-batch", "rebuild-bundles")


def _prefect(*args: str) -> list[str]:
    return [str(Path(sys.executable).with_name("prefect")), *args]


@pytest.fixture(scope="module")
def plain(tmp_path_factory: pytest.TempPathFactory, copy_models: Path) -> Iterator[dict[str, Any]]:
    """A clean clone, a server, the pool, `prefect deploy --all`, a plain worker."""
    base = tmp_path_factory.mktemp("plain")
    clone = base / "clone"
    clone.mkdir()
    for name in ("prefect.yaml", "pyproject.toml"):
        shutil.copy(ROOT / name, clone / name)
    for name in ("flows", "glossaries"):
        shutil.copytree(ROOT / name, clone / name, ignore=shutil.ignore_patterns("__pycache__"))
    (clone / "source_articles").mkdir()
    shutil.copy(SEED, clone / "source_articles" / SEED.name)
    port = _free_port(4343)
    api = f"http://127.0.0.1:{port}/api"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PREFECT_", "NEWSL10N_"))}
    env.update(DO_NOT_TRACK="1", PREFECT_SERVER_ANALYTICS_ENABLED="false",
               PREFECT_HOME=str(base / "prefect-home"))  # fmt: skip
    server = servers.start(
        _prefect("server", "start", "--host", "127.0.0.1", "--port", str(port)),
        clone, env, base / "server.log",
    )  # fmt: skip
    env["PREFECT_API_URL"] = api  # from here on, the only Prefect setting
    env["PREFECT_WORKER_QUERY_SECONDS"] = "2"  # the test's patience, not a requirement
    worker: subprocess.Popen[Any] | None = None
    try:
        deadline = time.monotonic() + 180
        while True:
            try:
                with urllib.request.urlopen(f"{api}/health", timeout=2):
                    break
            except OSError:
                assert time.monotonic() < deadline, (base / "server.log").read_text()[-3000:]
                time.sleep(0.5)
        for command in (
            _prefect("work-pool", "create", "newsl10n", "--type", "process"),
            _prefect("--no-prompt", "deploy", "--all"),
        ):
            done = subprocess.run(command, cwd=clone, env=env, capture_output=True, text=True)
            assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
        worker = servers.start(_prefect("worker", "start", "--pool", "newsl10n"), clone, env,
                        base / "worker.log")  # fmt: skip
        with temporary_settings(updates={PREFECT_API_URL: api}):
            yield {"clone": clone, "api": api, "log": base / "worker.log"}
    finally:
        if worker is not None:
            servers.stop(worker)
        servers.stop(server)


def _run(name: str, parameters: dict[str, Any]) -> Any:
    return run_deployment(f"{name}/{name}", parameters=parameters, timeout=300)


def _logs(
    run_id: Any, until: Callable[[list[Any]], bool] | None = None, timeout: float = 30.0
) -> list[Any]:
    """The run's logs; with ``until``, read again until it holds (or ``timeout`` passes): a
    worker ships its logs to the API in batches, which may land after the run's state."""
    deadline = time.monotonic() + timeout
    while True:
        with get_client(sync_client=True) as client:
            found = client.read_logs(
                log_filter=LogFilter(flow_run_id=LogFilterFlowRunId(any_=[run_id]))
            )
        if until is None or until(found) or time.monotonic() > deadline:
            return found
        time.sleep(0.5)


def _artifacts(run_id: Any) -> list[Any]:
    with get_client(sync_client=True) as client:
        return client.read_artifacts(
            artifact_filter=ArtifactFilter(flow_run_id=ArtifactFilterFlowRunId(any_=[run_id]))
        )


def test_deploy_all_registers_three_deployments_with_an_explicit_timezone(
    plain: dict[str, Any],
) -> None:
    with get_client(sync_client=True) as client:
        found = {d.name: d for d in client.read_deployments()}
    assert set(DEPLOYMENTS) <= set(found)
    batch = found["translate-batch"]
    schedule: Any = batch.schedules[0].schedule
    assert (schedule.cron, schedule.timezone) == ("0 2 * * *", "UTC")
    assert "02:00 UTC" in (batch.description or "")
    assert "environment variable" not in (batch.description or "")


def test_every_parameter_has_a_description_in_the_stored_schema(plain: dict[str, Any]) -> None:
    schemas: dict[str, Any] = {}
    with get_client(sync_client=True) as client:
        for name in DEPLOYMENTS:
            schemas[name] = client.read_deployment_by_name(
                f"{name}/{name}"
            ).parameter_openapi_schema
    for name, schema in schemas.items():
        properties = schema["properties"]
        assert properties, name
        for parameter, spec in properties.items():
            assert spec.get("title"), (name, parameter)
            assert len(spec.get("description", "")) > 20, (name, parameter, spec)
    targets = schemas["translate-batch"]["properties"]["targets"]["description"]
    assert "ru Russian" in targets and "ko Korean" in targets


def test_a_plain_worker_runs_translate_article_given_a_slug(plain: dict[str, Any]) -> None:
    run = _run("translate-article", {"article": SEED.stem.upper(), "targets": ["de"]})
    assert run.state is not None and run.state.is_completed(), run.state
    clone = plain["clone"]
    assert (po_path(clone, "de")).is_file()
    assert (clone / "bundles" / "de" / SEED.stem / "review.html").is_file()
    kinds = {a.type for a in _artifacts(run.id)}
    assert {"markdown", "table", "progress"} <= kinds


def _reason_logged(log: Any) -> bool:
    return bool(log.level >= 40 and "en → it" in log.message and "install" in log.message)


def test_an_unavailable_target_fails_its_task_and_reads_as_a_failure(
    plain: dict[str, Any],
) -> None:
    run = _run("translate-article", {"article": SEED.name, "targets": ["de", "it"]})
    assert run.state is not None and run.state.is_failed()
    assert "→ it" in (run.state.message or "") and "Traceback" not in (run.state.message or "")
    with get_client(sync_client=True) as client:
        tasks = client.read_task_runs(
            flow_run_filter=FlowRunFilter(id=FlowRunFilterId(any_=[run.id])),
            task_run_filter=TaskRunFilter(),
        )
    states = {t.name: t.state.type.value for t in tasks if t.state and "→" in t.name}
    assert any("→ it" in name and state == "FAILED" for name, state in states.items()), states
    assert any("→ de" in name and state == "COMPLETED" for name, state in states.items()), states
    logs = _logs(run.id, until=lambda found: any(_reason_logged(log) for log in found))
    text = "\n".join(log.message for log in logs)
    assert "Unexpected result for failed state" not in text
    assert "Unexpected result for failed state" not in plain["log"].read_text()
    errors = [log.message for log in logs if log.level >= 40]
    assert any("en → it" in m and "install" in m for m in errors), errors


def test_an_unknown_article_fails_naming_the_available_ones(plain: dict[str, Any]) -> None:
    run = _run("translate-article", {"article": "no-such-story", "targets": ["de"]})
    assert run.state is not None and run.state.is_failed()
    message = run.state.message or ""
    assert "no-such-story" in message and SEED.name in message
    summary = [a for a in _artifacts(run.id) if a.type == "markdown"]
    assert summary and SEED.name in str(summary[0].data)
