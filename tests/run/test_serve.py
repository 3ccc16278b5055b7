"""`make serve` for real: a local Prefect server on a free port, the deployments of
prefect.yaml, review pages served on localhost, a process worker, a flow run triggered
through the API whose summary links a review page that a real browser opens; then
`make stop` stops exactly what was started."""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from prefect.client.orchestration import get_client
from prefect.client.schemas.filters import ArtifactFilter, ArtifactFilterFlowRunId
from prefect.deployments import run_deployment
from prefect.settings import PREFECT_API_URL, temporary_settings

from flows.serve import _free_port
from tests.conftest import ROOT, SEED
from tests.helpers import po_path
from tests.review.test_pages_browser import CHROMIUM, script
from tests.support import servers


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory, copy_models: Path) -> Iterator[Path]:
    """A clone of the project with the seed article, served by `python -m flows.serve`."""
    tmp_path = tmp_path_factory.mktemp("served")
    clone = tmp_path / "clone"
    clone.mkdir()
    for name in ("prefect.yaml", "pyproject.toml", "Makefile"):
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
               NEWSL10N_PREFECT_PORT=str(_free_port(4242)),
               NEWSL10N_BUNDLES_PORT=str(_free_port(8866)))  # fmt: skip
    command = [sys.executable, "-m", "flows.serve"]
    serve = servers.start(command, clone, env, tmp_path / "serve.log")
    try:
        deadline = time.monotonic() + 300
        while "[serve] ready" not in (tmp_path / "serve.log").read_text():
            assert serve.poll() is None, (tmp_path / "serve.log").read_text()[-3000:]
            assert time.monotonic() < deadline, "make serve did not come up in 300 s"
            time.sleep(1)
        yield clone
    finally:
        if serve.poll() is None:
            servers.stop(serve, timeout=60)


def test_translate_article_deployment_runs_through_the_api(served: Path) -> None:
    text = (served.parent / "serve.log").read_text()
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
    assert run.name == f"translate {SEED.stem} → de, ko"  # named by what it does
    # The UI asks the API on the port make serve picked (not 4200): PREFECT_UI_API_URL.
    with urllib.request.urlopen(f"{ui}/ui-settings", timeout=10) as response:
        assert json.loads(response.read())["api_url"] == f"{ui}/api"
    assert batch.schedules and batch.schedules[0].schedule.timezone == "UTC"  # type: ignore[union-attr]
    assert {a.type for a in artifacts} >= {"markdown", "table", "progress"}
    for lang in ("de", "ko"):
        assert (po_path(served, lang)).is_file()
    assert (served / "bundles" / "index.html").is_file()
    summary = next(a for a in artifacts if a.key == "translation-summary")
    found = re.findall(r"\]\((http://127\.0\.0\.1:\d+/[^)]+)\)", str(summary.data))
    links = [link for link in found if link.endswith("/review.html")]
    assert len(links) == 2 and any(link.endswith("/index.html") for link in found), summary.data
    with urllib.request.urlopen(links[0], timeout=10) as page:
        assert page.status == 200 and b"<table" in page.read()
    if CHROMIUM is not None:  # an editor clicking the link
        with script.Browser(CHROMIUM) as browser:
            browser.open(links[0])
            assert browser.console == []
            assert browser.evaluate("document.title").startswith(f"Review · {SEED.stem}")
            rows = browser.evaluate("document.querySelectorAll('tr.segment').length")
            assert rows > 30


def test_make_stop_stops_exactly_what_serve_started(served: Path) -> None:
    record = json.loads((served / ".prefect" / "serve.json").read_text())
    groups = [pgid for pgid, _started in record["groups"]]
    assert len(groups) == 3  # server, bundles, worker
    bystander = subprocess.Popen(["sleep", "60"], start_new_session=True)  # not ours
    try:
        env = {**os.environ, "PYTHON": sys.executable}
        done = subprocess.run(
            ["make", "-s", "stop"], cwd=served, capture_output=True, text=True, env=env, timeout=120
        )
        assert done.returncode == 0, done.stdout + done.stderr
        assert not (served / ".prefect" / "serve.json").exists()
        for pgid in groups:
            deadline = time.monotonic() + 30
            while servers.alive(pgid) and time.monotonic() < deadline:
                time.sleep(0.5)
            assert not servers.alive(pgid), pgid
        assert bystander.poll() is None
    finally:
        bystander.kill()


def test_make_stop_ends_exactly_the_recorded_groups(tmp_path: Path) -> None:
    clone = tmp_path / "clone"
    (clone / "flows").mkdir(parents=True)
    shutil.copy(ROOT / "Makefile", clone)
    shutil.copy(ROOT / "flows" / "serve.py", clone / "flows")
    (clone / "flows" / "__init__.py").write_text("")
    (clone / ".prefect").mkdir()
    sleeper = [sys.executable, "-c", "import time; time.sleep(300)"]
    # What `make serve` starts: each child a session (process group) of its own, with a
    # grandchild in the same group.
    shell = "sleep 300 & wait"
    served = [subprocess.Popen(["sh", "-c", shell], start_new_session=True) for _ in range(2)]
    # Not ours: a look-alike `pkill -f "prefect worker start --pool newsl10n"` would match.
    decoy = subprocess.Popen([*sleeper, "prefect worker start --pool newsl10n-staging"],
                             start_new_session=True)  # fmt: skip
    try:
        from flows.serve import _group_alive, _started

        time.sleep(0.3)
        groups = [[p.pid, _started(p.pid)] for p in served]
        groups.append([decoy.pid, "12345"])  # a recorded PID now reused by another program
        pids = clone / ".prefect" / "serve.json"
        pids.write_text(json.dumps({"serve": [0, ""], "groups": groups}) + "\n")
        env = {k: v for k, v in os.environ.items() if k != "NEWSL10N_PROJECT"}
        done = subprocess.run(["make", "-s", "stop", f"PYTHON={sys.executable}"], cwd=clone,
                              env=env, capture_output=True, text=True, timeout=60)  # fmt: skip
        assert done.returncode == 0, done.stderr
        for proc in served:
            assert proc.wait(timeout=20) is not None
            assert not _group_alive(proc.pid)  # the grandchild went with its group
        assert decoy.poll() is None
        assert not pids.exists()
        again = subprocess.run(["make", "-s", "stop", f"PYTHON={sys.executable}"], cwd=clone,
                               env=env, capture_output=True, text=True, timeout=60)  # fmt: skip
        assert again.returncode == 0 and "nothing to stop" in again.stdout
        assert decoy.poll() is None
    finally:
        for proc in [*served, decoy]:
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
    assert "pkill" not in (ROOT / "Makefile").read_text()
