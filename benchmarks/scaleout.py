"""``make bench`` part 7, **scale-out**: the nightly batch on an external Dask cluster of 1
and of 2 workers, as a newsroom would run it beyond one machine (here: on this machine).

One Prefect server (``prefect server start``) for the part; for each cluster size a
``dask scheduler`` and that many ``dask worker --nthreads 1`` processes; then the whole
``newsl10n run --prefect --runner dask`` process over 40 short articles × 4 languages (a
fresh project each time, so both do the same work), timed by wall clock. The cluster's
CPU use is the CPU time its processes (scheduler, nannies, workers) spent during the run,
read from /proc before and after, over the wall time: how busy it kept the cores. Every
catalog is checked afterwards (the model copies its input).

Not a timed test: other processes on the machine disturb wall times; the load average is
recorded with the figures.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from benchmarks.corpus import write_articles
from newsl10n.config import load_settings

ARTICLES = 40
SEGMENTS = 3  # a headline and two sentences: short articles
QUICK_ARTICLES = 8
TICKS = os.sysconf("SC_CLK_TCK")


def _port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _tree(pid: int) -> list[int]:
    found = [pid]
    try:
        for task in Path(f"/proc/{pid}/task").iterdir():
            for child in (task / "children").read_text().split():
                found += _tree(int(child))
    except OSError:
        pass
    return found


def cpu_seconds(pids: Sequence[int]) -> float:
    """User + system CPU time of these processes and their descendants, now."""
    total = 0
    for root in pids:
        for pid in _tree(root):
            try:
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            total += int(fields[11]) + int(fields[12])
    return total / TICKS


def _wait(check: Any, what: str, seconds: float = 180) -> None:
    deadline = time.monotonic() + seconds
    while not check():
        if time.monotonic() > deadline:
            raise RuntimeError(f"{what} did not come up in {seconds:.0f} s")
        time.sleep(0.5)


def _healthy(api: str) -> bool:
    try:
        with urllib.request.urlopen(f"{api}/health", timeout=2):
            return True
    except OSError:
        return False


class Processes:
    """Processes started for the benchmark, each leading its own group, stopped at exit."""

    def __init__(self, logs: Path) -> None:
        self.logs = logs
        self.procs: list[subprocess.Popen[bytes]] = []

    def start(self, name: str, args: Sequence[str], env: dict[str, str], cwd: Path) -> int:
        log = (self.logs / f"{name}.log").open("wb")
        proc = subprocess.Popen(list(args), stdout=log, stderr=subprocess.STDOUT, env=env,
                                cwd=cwd, start_new_session=True)  # fmt: skip
        self.procs.append(proc)
        return proc.pid

    def stop(self) -> None:
        for proc in reversed(self.procs):
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGTERM)
        for proc in self.procs:
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
        self.procs.clear()


@contextmanager
def prefect_server(work: Path, env: dict[str, str], python: str) -> Iterator[str]:
    port = _port()
    api = f"http://127.0.0.1:{port}/api"
    procs = Processes(work)
    server = [python, "-m", "prefect", "server", "start", "--host", "127.0.0.1"]
    procs.start("server", [*server, "--port", str(port)], env | {"PREFECT_UI_API_URL": api}, work)
    try:
        _wait(lambda: _healthy(api), "the Prefect server")
        yield api
    finally:
        procs.stop()


@contextmanager
def dask_cluster(
    work: Path, env: dict[str, str], python: str, workers: int
) -> Iterator[tuple[str, list[int]]]:
    """A scheduler and ``workers`` single-threaded workers; their address and PIDs."""
    port = _port()
    address = f"tcp://127.0.0.1:{port}"
    procs = Processes(work)
    local = ["--host", "127.0.0.1", "--no-dashboard"]
    pids = [procs.start("scheduler", [python, "-m", "dask", "scheduler", "--port", str(port),
                                      *local], env, work)]  # fmt: skip
    for i in range(workers):
        args = [python, "-m", "dask", "worker", address, "--nthreads", "1", *local]
        pids.append(procs.start(f"worker-{i}", args, env, work))
    log = work / "scheduler.log"
    try:
        _wait(lambda: log.read_text().count("Register worker") >= workers, "the Dask workers")
        yield address, pids
    finally:
        procs.stop()


def bench_scale_out(
    scratch: Path,
    env: dict[str, str],
    new_project: Callable[[Path], Path],
    measure: Callable[[list[str], dict[str, str]], Any],
    wrong_in: Callable[[Path], int],
    quick: bool = False,
) -> dict[str, Any]:
    """The nightly batch with 1 and with 2 Dask workers: wall, speed-up, cluster CPU use.
    ``new_project(folder)`` makes a project with the benchmark's model settings and target
    languages; ``measure`` runs a command to its end (wall and CPU time); ``wrong_in``
    counts wrong catalog entries."""
    python = sys.executable
    articles = QUICK_ARTICLES if quick else ARTICLES
    cores = len(os.sched_getaffinity(0))
    rows: list[dict[str, Any]] = []
    scratch.mkdir()
    with prefect_server(scratch, env, python) as api:
        for workers in (1, 2):
            project = new_project(scratch / f"w{workers}")
            write_articles(project / "source_articles", articles, SEGMENTS, seed=11)
            folder = scratch / f"cluster-{workers}"
            folder.mkdir()
            with dask_cluster(folder, env, python, workers) as (address, pids):
                before = cpu_seconds(pids)
                run_env = env | {"PREFECT_API_URL": api, "NEWSL10N_DASK_ADDRESS": address}
                args = ["--project", str(project), "run", "--prefect", "--runner", "dask"]
                measured = measure([python, "-c", CLI, *args], run_env)
                cluster_cpu = cpu_seconds(pids) - before
            rows.append(
                {
                    "workers": workers,
                    "articles": articles,
                    "languages": len(targets := load_settings(project).targets),
                    "segment_languages": articles * SEGMENTS * len(targets),
                    "wall": round(measured.wall, 1),
                    "cluster_cpu": round(cluster_cpu, 1),
                    "cluster_cpu_use": round(cluster_cpu / measured.wall / cores, 2),
                    "client_cpu": round(measured.cpu, 1),
                    "wrong": wrong_in(project),
                    "load": round(os.getloadavg()[0], 2),
                }
            )
    one, two = rows
    return {"rows": rows, "speed_up": round(one["wall"] / two["wall"], 2), "cores": cores}


CLI = "import sys; from newsl10n.cli import main; sys.exit(main())"


def render_scale_out(found: dict[str, Any], table: Any) -> list[str]:
    rows = found["rows"]
    first = rows[0]
    return [
        f"### 7. Scale-out: the nightly batch on an external Dask cluster "
        f"({first['articles']} articles × {first['languages']} languages, "
        f"{first['segment_languages']} segment-languages; whole `newsl10n run --prefect "
        f"--runner dask` process, {found['cores']} cores)",
        "",
        table(
            [
                "Dask workers",
                "wall s",
                "cluster CPU s",
                "cluster CPU use",
                "client CPU s",
                "wrong",
                "load after",
            ],
            [
                [
                    r["workers"],
                    r["wall"],
                    r["cluster_cpu"],
                    f"{r['cluster_cpu_use']:.0%}",
                    r["client_cpu"],
                    r["wrong"],
                    r["load"],
                ]
                for r in rows
            ],
        ),
        "",
        f"Speed-up with 2 workers: **{found['speed_up']}x** (cluster CPU use: CPU time of the "
        "scheduler and workers during the run over wall time × cores).",
        "",
    ]
