"""Beyond one machine, with the real commands: `prefect server start`, `dask scheduler`, two
`dask worker`s and the Prefect workers all started in folders that are not the checkout,
with nothing on PYTHONPATH (the package as installed is all a worker has).

(a) `translate-batch` through its deployment on the external Dask cluster, and the CLI's
    `newsl10n run --prefect --runner dask` against the same scheduler;
(b) a deployment of prefect.remote.yaml run by a worker in another folder, whose pull step
    clones the project there (from a bare clone of this checkout), writing to the same
    shared folders as a first worker's concurrent run: both Completed, valid catalogs, no
    entry lost, a translator's edit kept; a worker whose folder is missing fails the run
    with that path in the run's own log.

One server, one Dask cluster, for the whole module.
"""

from __future__ import annotations

import re
import shutil
import socket
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import polib
import pytest
from prefect.client.orchestration import get_client
from prefect.client.schemas.filters import (
    FlowRunFilter,
    FlowRunFilterId,
    LogFilter,
    LogFilterFlowRunId,
    TaskRunFilter,
)
from prefect.deployments import run_deployment
from prefect.settings import PREFECT_API_URL, temporary_settings

from tests.conftest import ROOT, SEED
from tests.helpers import msgfmt_check, po_path, pot_path
from tests.support import servers
from tests.support.installed import clean_environment, installed_python

TARGETS = ["de", "fr"]
BRANCH = "scale-out-test"
SHORT = {
    "council-budget.txt": "Council Approves Budget\n\nThe city council approved the budget "
    "on Tuesday. The vote was close.\n",
    "harbour-storm.txt": "Storm Closes Harbour\n\nA storm closed the harbour overnight. "
    "Ferries will run again on Friday.\n",
}


@dataclass
class Cluster:
    base: Path
    python: Path
    api: str
    dask: str
    shared: Path
    clone: Path
    env: dict[str, str]
    logs: dict[str, Path] = field(default_factory=dict)
    procs: list[subprocess.Popen[Any]] = field(default_factory=list)

    def start(self, name: str, command: list[str], cwd: Path, **env: str) -> None:
        self.logs[name] = self.base / f"{name}.log"
        self.procs.append(servers.start(command, cwd, {**self.env, **env}, self.logs[name]))

    def prefect(self, *args: str, cwd: Path) -> None:
        done = subprocess.run([str(self.python), "-m", "prefect", "--no-prompt", *args],
                              cwd=cwd, env=self.env, capture_output=True, text=True)  # fmt: skip
        assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]

    def folders(self) -> dict[str, str]:
        """A worker's environment placing the shared folders (its glossary: its clone's)."""
        return {
            "NEWSL10N_SOURCE": str(self.shared / "source_articles"),
            "NEWSL10N_LOCALES": str(self.shared / "locales"),
            "NEWSL10N_BUNDLES": str(self.shared / "bundles"),
        }


def _random_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _wait_for(url: str, log: Path, seconds: float = 180) -> None:
    deadline = time.monotonic() + seconds
    while True:
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except OSError:
            assert time.monotonic() < deadline, log.read_text()[-3000:]
            time.sleep(0.5)


def _wait_for_line(log: Path, text: str, count: int = 1, seconds: float = 120) -> None:
    deadline = time.monotonic() + seconds
    while log.read_text().count(text) < count:
        assert time.monotonic() < deadline, log.read_text()[-3000:]
        time.sleep(0.5)


def _project_files(dest: Path) -> Path:
    """A clone's files as `prefect deploy` needs them (no src/: the package is installed)."""
    dest.mkdir(parents=True)
    for name in ("prefect.yaml", "prefect.remote.yaml", "pyproject.toml"):
        shutil.copy(ROOT / name, dest / name)
    for name in ("flows", "glossaries"):
        shutil.copytree(ROOT / name, dest / name, ignore=shutil.ignore_patterns("__pycache__"))
    return dest


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory, copy_models: Path) -> Iterator[Cluster]:
    base = tmp_path_factory.mktemp("scale-out")
    elsewhere = base / "elsewhere"  # not a checkout: no pyproject.toml, no flows/
    elsewhere.mkdir()
    python = installed_python(base / "python")
    shared = base / "shared"
    (shared / "source_articles").mkdir(parents=True)
    shutil.copy(SEED, shared / "source_articles" / SEED.name)
    for name, text in SHORT.items():
        (shared / "source_articles" / name).write_text(text, encoding="utf-8")
    port, dask_port = _random_port(), _random_port()  # no stale process knows them
    api = f"http://127.0.0.1:{port}/api"
    env = clean_environment(PREFECT_HOME=str(base / "prefect-home"))
    found = Cluster(base, python, api, f"tcp://127.0.0.1:{dask_port}", shared,
                    _project_files(base / "clone"), env)  # fmt: skip
    try:
        py = str(python)
        local = ["--host", "127.0.0.1"]
        server = [py, "-m", "prefect", "server", "start", *local, "--port", str(port)]
        found.start("server", server, elsewhere, PREFECT_UI_API_URL=api)
        scheduler = [py, "-m", "dask", "scheduler", *local, "--port", str(dask_port)]
        found.start("scheduler", [*scheduler, "--no-dashboard"], elsewhere)
        for name in ("dask-1", "dask-2"):
            worker = [py, "-m", "dask", "worker", found.dask, *local, "--nthreads", "1"]
            found.start(name, [*worker, "--no-dashboard", "--name", name], elsewhere)
        _wait_for(f"{api}/health", found.logs["server"])
        env["PREFECT_API_URL"] = api  # from here on, every command's only Prefect setting
        env["PREFECT_WORKER_QUERY_SECONDS"] = "2"  # the test's patience, not a requirement
        _wait_for_line(found.logs["scheduler"], "Register worker", count=2)
        found.prefect(
            "work-pool", "create", "newsl10n", "--type", "process", "--overwrite", cwd=elsewhere
        )
        found.prefect(
            "work-pool", "create", "elsewhere", "--type", "process", "--overwrite", cwd=elsewhere
        )
        found.prefect("deploy", "--all", cwd=found.clone)
        # The first worker: in the clone the deployments were made from, tasks on Dask.
        pool = [py, "-m", "prefect", "worker", "start", "--pool", "newsl10n"]
        runner = {"NEWSL10N_TASK_RUNNER": "dask", "NEWSL10N_DASK_ADDRESS": found.dask}
        found.start("worker-1", pool, found.clone, **runner, **found.folders())
        with temporary_settings(updates={PREFECT_API_URL: api}):
            yield found
    finally:
        for proc in reversed(found.procs):
            servers.stop(proc)


def _task_runs(run_id: Any) -> list[Any]:
    with get_client(sync_client=True) as client:
        return client.read_task_runs(
            flow_run_filter=FlowRunFilter(id=FlowRunFilterId(any_=[run_id])),
            task_run_filter=TaskRunFilter(),
        )


def _logs(run_id: Any, expect: str = "", patience: float = 60.0) -> str:
    """The run's log as the API has it; with ``expect``, waited for until that text arrives
    (workers ship log lines in batches, a run's state can be final before its last lines)."""
    deadline = time.monotonic() + patience
    while True:
        with get_client(sync_client=True) as client:
            found = LogFilter(flow_run_id=LogFilterFlowRunId(any_=[run_id]))
            logs = client.read_logs(log_filter=found, limit=200)
        text = "\n".join(log.message for log in logs)
        if expect in text or time.monotonic() > deadline:
            return text
        time.sleep(1)


def _assert_complete(shared: Path, slugs: list[str]) -> None:
    """Every catalog valid for msgfmt -c and holding every entry of its template."""
    for slug in slugs:
        template = {(e.msgctxt, e.msgid) for e in polib.pofile(str(pot_path(shared, slug)))}
        for lang in TARGETS:
            path = po_path(shared, lang, slug)
            msgfmt_check(path)
            entries = {(e.msgctxt, e.msgid) for e in polib.pofile(str(path)) if not e.obsolete}
            assert template <= entries, (path, template - entries)


def test_ui_asks_the_api_on_the_port_the_server_was_started_on(cluster: Cluster) -> None:
    ui = cluster.api.removesuffix("/api")
    with urllib.request.urlopen(f"{ui}/ui-settings", timeout=10) as response:
        assert cluster.api in response.read().decode()


def test_batch_deployment_on_an_external_dask_cluster(cluster: Cluster) -> None:
    run = run_deployment("translate-batch/translate-batch", parameters={"targets": TARGETS},
                         timeout=600)  # fmt: skip
    assert run.state is not None and run.state.is_completed(), (run.state, _logs(run.id))
    tasks = [t for t in _task_runs(run.id) if t.name.startswith("translate ")]
    assert sorted(t.name for t in tasks) == [f"translate 3 articles → {lang}" for lang in TARGETS]
    assert all(t.state is not None and t.state.is_completed() for t in tasks), tasks
    with get_client(sync_client=True) as client:
        assert client.read_flow_run(run.id).name == f"batch: 3 articles → {', '.join(TARGETS)}"
    # The tasks ran on the Dask workers (started elsewhere, with only the package installed).
    dask_logs = cluster.logs["dask-1"].read_text() + cluster.logs["dask-2"].read_text()
    for lang in TARGETS:
        assert f"translate 3 articles → {lang}' - Finished in state Completed()" in dask_logs
    assert "Error" not in dask_logs, dask_logs[-3000:]
    slugs = [SEED.stem, *(Path(name).stem for name in SHORT)]
    _assert_complete(cluster.shared, slugs)

    # The CLI's door, against the same scheduler, from a folder that is not a checkout.
    cli = "from newsl10n.cli import main; main()"
    folders = ["--source", str(cluster.shared / "source_articles"), "--locales",
               str(cluster.shared / "locales"), "--bundles", str(cluster.shared / "bundles"),
               "--glossary", str(cluster.clone / "glossaries")]  # fmt: skip
    done = subprocess.run(
        [str(cluster.python), "-c", cli, "run", "--prefect", "--runner", "dask", "--force",
         "--retranslate", "--to", ",".join(TARGETS), *folders],
        cwd=cluster.base / "elsewhere", capture_output=True, text=True, timeout=600,
        env={**cluster.env, "NEWSL10N_DASK_ADDRESS": cluster.dask},
    )  # fmt: skip
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    assert "Connecting to an existing Dask cluster" in done.stdout + done.stderr
    dask_logs = cluster.logs["dask-1"].read_text() + cluster.logs["dask-2"].read_text()
    for lang in TARGETS:
        assert dask_logs.count(f"translate 3 articles → {lang}' - Finished") == 2, lang
    _assert_complete(cluster.shared, slugs)


def _bare_clone(base: Path) -> str:
    """This checkout's committed HEAD as a bare repository on a branch of its own."""
    bare = base / "newsl10n.git"
    subprocess.run(["git", "clone", "--quiet", "--bare", str(ROOT), str(bare)], check=True)
    head = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "HEAD"], check=True,
                          capture_output=True, text=True).stdout.strip()  # fmt: skip
    subprocess.run(["git", "--git-dir", str(bare), "branch", "-f", BRANCH, head], check=True)
    return bare.as_uri()


def test_remote_deployment_on_a_second_clone_beside_a_first_worker(cluster: Cluster) -> None:
    if not (ROOT / ".git").exists():
        pytest.skip("the pull step clones this checkout's repository: not a git checkout")
    remote = cluster.clone / "prefect.remote.yaml"
    text = remote.read_text(encoding="utf-8")
    original = "repository: https://git.example.org/newsroom/newsl10n.git\n    branch: main\n"
    assert text.count(original) == 1, "the repository and branch are set in one place"
    url = _bare_clone(cluster.base)
    remote.write_text(text.replace(original, f"repository: {url}\n    branch: {BRANCH}\n"))
    cluster.prefect("deploy", "--prefect-file", "prefect.remote.yaml", "--name",
                    "translate-article", "--pool", "elsewhere", cwd=cluster.clone)  # fmt: skip
    second = cluster.base / "second-machine"  # an empty folder, not a checkout
    second.mkdir()
    pool = [str(cluster.python), "-m", "prefect", "worker", "start", "--pool", "elsewhere"]
    cluster.start("worker-2", pool, second, **cluster.folders())
    # A translator's edit in the shared catalogs (test (a) made them), made before both
    # runs: it must survive them.
    edited = po_path(cluster.shared, "de")
    po = polib.pofile(str(edited))
    entry = po[1]
    entry.msgstr, entry.flags = "Von Hand übersetzt.", []
    po.save()

    def run(name: str, parameters: dict[str, Any]) -> Any:
        with temporary_settings(updates={PREFECT_API_URL: cluster.api}):  # a thread of its own
            return run_deployment(f"{name}/{name}", parameters=parameters, timeout=600)

    with ThreadPoolExecutor(2) as pool:
        batch = {"targets": TARGETS, "force": True, "retranslate": True}
        article = {"article": SEED.name, "targets": TARGETS, "retranslate": True}
        started = [pool.submit(run, "translate-batch", batch),
                   pool.submit(run, "translate-article", article)]  # fmt: skip
        runs = [future.result() for future in started]
    for done in runs:
        assert done.state is not None and done.state.is_completed(), (done.state, _logs(done.id))
    assert runs[1].name == f"translate {SEED.stem} → {', '.join(TARGETS)}"
    # The second worker's run worked in the clone its pull step made (Prefect 3.9 puts it
    # in a scratch folder of the worker's machine), not in the first worker's clone.
    pulled = re.search(r"glossary: \d+ term\(s\) from (\S+)/glossaries", _logs(runs[1].id))
    assert pulled, _logs(runs[1].id)
    clone = Path(pulled.group(1))
    assert clone.name == f"newsl10n-{BRANCH}" and clone != cluster.clone, clone
    dask_logs = cluster.logs["dask-1"].read_text() + cluster.logs["dask-2"].read_text()
    assert f"translate {SEED.stem} → " not in dask_logs  # worker 2 runs its tasks itself
    slugs = [SEED.stem, *(Path(name).stem for name in SHORT)]
    _assert_complete(cluster.shared, slugs)
    kept = [e for e in polib.pofile(str(edited)) if e.msgid == entry.msgid]
    assert kept and kept[0].msgstr == "Von Hand übersetzt." and "fuzzy" not in kept[0].flags

    # A worker whose shared folder is missing: the run fails, the path in its own log.
    missing = cluster.base / "no-such-mount" / "source_articles"
    failed = run_deployment("translate-article/translate-article",
                            parameters={"article": SEED.name, "targets": ["de"]},
                            job_variables={"env": {"NEWSL10N_SOURCE": str(missing)}},
                            timeout=300)  # fmt: skip
    assert failed.state is not None and failed.state.is_failed(), failed.state
    assert str(missing) in _logs(failed.id, expect=str(missing))
