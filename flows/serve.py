"""`make serve`: the plain Prefect commands of prefect.yaml, and review pages on localhost.

    python -m flows.serve          # what `make serve` runs
    python -m flows.serve --stop   # what `make stop` runs

Starts a server (SQLite under .prefect/, on 127.0.0.1) unless PREFECT_API_URL names one,
prints the UI address as soon as it answers, then runs exactly what a person would:
`prefect work-pool create newsl10n --type process`, `prefect deploy --all`, serves
`bundles/` read-only on 127.0.0.1 (so the runs' summaries can link the review pages) and
`prefect worker start --pool newsl10n`, saying each step. Offline: telemetry is off and
nothing is downloaded.

Every process it starts leads a process group of its own; the groups (with each leader's
start time, so a reused PID is never taken for ours) are recorded in .prefect/serve.json.
Ctrl-C, or `make stop`, stops exactly those groups and removes the record.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

# The clone to serve: this one, or $NEWSL10N_PROJECT.
ROOT = Path(os.environ.get("NEWSL10N_PROJECT") or Path(__file__).resolve().parents[1]).resolve()
STATE = ROOT / ".prefect"
RECORD = STATE / "serve.json"
POOL = "newsl10n"


def _say(message: str) -> None:
    print(f"[serve] {message}", flush=True)


def _environment() -> dict[str, str]:
    env = dict(os.environ)
    env.setdefault("DO_NOT_TRACK", "1")
    env.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    env.setdefault("PREFECT_HOME", str(STATE))
    return env


def _prefect(*args: str) -> list[str]:
    return [str(Path(sys.executable).with_name("prefect")), *args]


def _free_port(preferred: int) -> int:
    with socket.socket() as probe:
        if probe.connect_ex(("127.0.0.1", preferred)) != 0:
            return preferred
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _wait_healthy(api: str, server: subprocess.Popen[bytes] | None, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server is not None and server.poll() is not None:
            raise SystemExit(f"the Prefect server exited with {server.returncode}")
        try:
            with urllib.request.urlopen(f"{api}/health", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.25)
    raise SystemExit(f"the Prefect server at {api} did not answer in {timeout:.0f} s")


def _started(pid: int) -> str:
    """A process's start time (clock ticks since boot), "" when it is gone."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return ""
    return stat.rsplit(")", 1)[1].split()[19]


class Children:
    """The process groups this serve started, recorded as they start."""

    def __init__(self) -> None:
        self.procs: list[subprocess.Popen[bytes]] = []

    def start(self, command: list[str], env: dict[str, str]) -> subprocess.Popen[bytes]:
        proc = subprocess.Popen(command, env=env, cwd=ROOT, start_new_session=True)
        self.procs.append(proc)
        self.record()
        return proc

    def record(self) -> None:
        groups = [[p.pid, _started(p.pid)] for p in self.procs]
        data = {"serve": [os.getpid(), _started(os.getpid())], "groups": groups}
        RECORD.write_text(json.dumps(data) + "\n")

    def stop(self) -> None:
        for proc in reversed(self.procs):
            if proc.poll() is None:
                _signal_group(proc.pid, signal.SIGTERM)
        for proc in self.procs:
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                _signal_group(proc.pid, signal.SIGKILL)
        RECORD.unlink(missing_ok=True)


def _signal_group(pgid: int, sig: signal.Signals) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pgid, sig)


def main() -> None:
    env = _environment()
    STATE.mkdir(exist_ok=True)
    children = Children()

    def stop(*_: object) -> None:
        children.stop()
        raise SystemExit(0)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    api = env.get("PREFECT_API_URL")
    if api:
        _say(f"using the Prefect server at {api}")
        _wait_healthy(api, None, 30)
    else:
        port = _free_port(int(env.get("NEWSL10N_PREFECT_PORT", "4200")))
        api = f"http://127.0.0.1:{port}/api"
        _say(f"starting a Prefect server on 127.0.0.1:{port} (data in {STATE})")
        # The UI asks the API it was told of, 4200 by default: tell it this port.
        env.setdefault("PREFECT_UI_API_URL", api)
        env.setdefault("PREFECT_UI_URL", api.removesuffix("/api"))
        server = children.start(
            _prefect("server", "start", "--host", "127.0.0.1", "--port", str(port)), env
        )
        env["PREFECT_API_URL"] = api
        _wait_healthy(api, server, 180)
    ui = api.removesuffix("/api")
    print(f"\nPrefect UI: {ui}  (Ctrl-C or `make stop` to stop)\n", flush=True)
    _say(f"creating the `{POOL}` process work pool")
    subprocess.run(_prefect("work-pool", "create", POOL, "--type", "process", "--overwrite"),
                   env=env, cwd=ROOT, check=True, stdout=subprocess.DEVNULL)  # fmt: skip
    _say("deploying prefect.yaml (prefect deploy --all)")
    subprocess.run(_prefect("--no-prompt", "deploy", "--all"), env=env, cwd=ROOT, check=True,
                   stdout=subprocess.DEVNULL)  # fmt: skip
    bundles = ROOT / "bundles"
    bundles.mkdir(exist_ok=True)
    port = _free_port(int(env.get("NEWSL10N_BUNDLES_PORT", "8766")))
    bundles_url = env.setdefault("NEWSL10N_BUNDLES_URL", f"http://127.0.0.1:{port}")
    files = [sys.executable, "-m", "http.server", "--bind", "127.0.0.1", "--directory",
             str(bundles), str(port)]  # fmt: skip
    children.start(files, {**env, "PYTHONDONTWRITEBYTECODE": "1"})
    _say(f"review pages: {bundles_url}/index.html (bundles/, read-only)")
    _say(f"starting a worker for the `{POOL}` pool")
    worker = _prefect("worker", "start", "--pool", POOL, "--name", f"{POOL}-{socket.gethostname()}")
    children.start(worker, env)
    _say("ready: runs from the UI, and translate-batch nightly at 02:00 UTC")
    while all(p.poll() is None for p in children.procs):
        time.sleep(1)
    stop()


def _group_alive(pgid: int) -> bool:
    """Whether any process of the group is still running (zombies do not count)."""
    try:
        os.killpg(pgid, 0)
    except (ProcessLookupError, PermissionError):
        return False
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if fields[2] == str(pgid) and fields[0] != "Z":
            return True
    return False


def stop_recorded() -> int:
    """`make stop`: stop exactly what the recorded serve started, then remove the record."""
    try:
        data = json.loads(RECORD.read_text())
    except (OSError, ValueError):
        print("make stop: nothing to stop (nothing recorded as served from this clone)")
        return 0
    serve_pid, serve_started = data.get("serve", [0, ""])
    if serve_pid and serve_started and _started(serve_pid) == serve_started:
        os.kill(serve_pid, signal.SIGTERM)  # it stops its own groups and removes the record
        for _ in range(40):
            if _started(serve_pid) != serve_started:
                break
            time.sleep(0.5)
    ours = [
        pgid for pgid, started in data.get("groups", []) if started and _started(pgid) == started
    ]
    for pgid in ours:
        _signal_group(pgid, signal.SIGTERM)
    deadline = time.monotonic() + 15
    while any(_group_alive(g) for g in ours) and time.monotonic() < deadline:
        time.sleep(0.2)
    for pgid in ours:
        if _group_alive(pgid):
            _signal_group(pgid, signal.SIGKILL)
    RECORD.unlink(missing_ok=True)
    print("make stop: stopped")
    return 0


if __name__ == "__main__":
    if sys.argv[1:] in (["--stop"], ["stop"]):
        sys.exit(stop_recorded())
    main()
