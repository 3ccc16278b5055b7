"""`make serve` for real: a local Prefect server on a free port, the deployments of
prefect.yaml, a process worker, and a flow run triggered through the API."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from prefect.client.orchestration import get_client
from prefect.client.schemas.filters import ArtifactFilter, ArtifactFilterFlowRunId
from prefect.deployments import run_deployment
from prefect.settings import PREFECT_API_URL, temporary_settings

from flows.serve import _free_port
from tests.conftest import ROOT, SEED


@pytest.fixture
def served(tmp_path: Path, copy_models: Path) -> Path:
    """A clone of the project with the seed article, served by `python -m flows.serve`."""
    clone = tmp_path / "clone"
    clone.mkdir()
    for name in ("prefect.yaml", "pyproject.toml"):
        shutil.copy(ROOT / name, clone / name)
    for name in ("flows", "glossaries"):
        shutil.copytree(ROOT / name, clone / name, ignore=shutil.ignore_patterns("__pycache__"))
    (clone / "source_articles").mkdir()
    shutil.copy(SEED, clone / "source_articles" / SEED.name)
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("PREFECT_API", "NEWSL10N_"))  # the clone's own settings only
    }
    env.update(NEWSL10N_PROJECT=str(clone), PREFECT_HOME=str(clone / ".prefect"),
               NEWSL10N_PREFECT_PORT=str(_free_port(4242)))  # fmt: skip
    log = (tmp_path / "serve.log").open("w")
    command = [sys.executable, "-m", "flows.serve"]
    serve = subprocess.Popen(
        command, cwd=clone, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
    )
    try:
        deadline = time.monotonic() + 300
        while "Prefect UI: " not in (tmp_path / "serve.log").read_text():
            assert serve.poll() is None, (tmp_path / "serve.log").read_text()[-3000:]
            assert time.monotonic() < deadline, "make serve did not come up in 300 s"
            time.sleep(1)
        yield clone
    finally:
        os.killpg(serve.pid, signal.SIGTERM)
        try:
            serve.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(serve.pid, signal.SIGKILL)
        log.close()


def test_translate_article_deployment_runs_through_the_api(served: Path, tmp_path: Path) -> None:
    text = (tmp_path / "serve.log").read_text()
    ui = text.split("Prefect UI: ", 1)[1].split()[0]
    with temporary_settings(updates={PREFECT_API_URL: f"{ui}/api"}):
        run = run_deployment(
            "translate-article/translate-article",
            parameters={"article": SEED.name, "targets": ["de", "ko"]},
            timeout=300,
        )
        assert run.state is not None and run.state.is_completed(), run.state
        with get_client(sync_client=True) as client:
            artifacts = client.read_artifacts(
                artifact_filter=ArtifactFilter(flow_run_id=ArtifactFilterFlowRunId(any_=[run.id]))
            )
            deployments = {d.name for d in client.read_deployments()}
            batch = client.read_deployment_by_name("translate-batch/translate-batch")
    assert {"translate-article", "translate-batch", "rebuild-bundles"} <= deployments
    assert batch.schedules and batch.schedules[0].schedule.timezone == "UTC"  # type: ignore[union-attr]
    assert {a.type for a in artifacts} >= {"markdown", "table", "progress"}
    for lang in ("de", "ko"):
        assert (served / "locales" / lang / "LC_MESSAGES" / f"{SEED.stem}.po").is_file()
    assert (served / "bundles" / "index.html").is_file()
