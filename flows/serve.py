"""`make serve`: a local Prefect server, this repository's deployments, and a worker.

Starts a server (SQLite under .prefect/, on 127.0.0.1) unless PREFECT_API_URL names one,
creates the `newsl10n` process work pool, deploys prefect.yaml and starts a worker in this
clone. Offline: telemetry is off and nothing is downloaded. Ctrl-C (or `make stop`) stops
what it started.

Each child runs in its own session (process group), recorded in .prefect/serve.pids with
its start time; `make stop` (``python -m flows.serve stop``) signals exactly those groups,
never a process found by name, and a PID since reused by another program is left alone.
"""

from __future__ import annotations

import contextlib
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
PIDS = STATE / "serve.pids"
POOL = "newsl10n"


def _environment() -> dict[str, str]:
    env = dict(os.environ)
    env.setdefault("DO_NOT_TRACK", "1")
    env.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    env.setdefault("PREFECT_HOME", str(STATE))
    env.setdefault("NEWSL10N_PROJECT", str(ROOT))
    env.setdefault("NEWSL10N_BATCH_CRON", "0 2 * * *")  # nightly at 02:00 ...
    env.setdefault("NEWSL10N_TIMEZONE", "UTC")  # ... in an explicit timezone
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


def _wait_healthy(api: str, timeout: float = 120.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{api}/health", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    raise SystemExit(f"the Prefect server at {api} did not become healthy in {timeout:.0f} s")


def _started(pid: int) -> str | None:
    """When ``pid`` started (clock ticks since boot, /proc/PID/stat field 22): with the PID,
    it names one process; None when there is no such process."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return stat.rpartition(")")[2].split()[19]


def _record(children: list[subprocess.Popen[bytes]]) -> None:
    """This process and each child's process group, as ``kind pid start-time`` lines."""
    lines = [f"serve {os.getpid()} {_started(os.getpid())}"]
    lines += [f"group {c.pid} {_started(c.pid)}" for c in children]
    PIDS.write_text("\n".join(lines) + "\n")


def _signal_group(pgid: int, sig: signal.Signals) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(pgid, sig)


def stop_recorded(pids: Path = PIDS, timeout: float = 15.0) -> list[int]:
    """`make stop`: end the process groups `make serve` recorded, then remove the record.
    Returns the PIDs signalled."""
    try:
        lines = pids.read_text().split("\n")
    except FileNotFoundError:
        return []
    live: list[tuple[str, int]] = []
    for line in lines:
        kind, _, rest = line.partition(" ")
        number, _, started = rest.partition(" ")
        if kind in ("serve", "group") and number.isdigit() and _started(int(number)) == started:
            live.append((kind, int(number)))  # still the process that was recorded
    for kind, pid in live:
        if kind == "serve":
            os.kill(pid, signal.SIGTERM)
        else:
            _signal_group(pid, signal.SIGTERM)
    deadline = time.monotonic() + timeout
    groups = [pid for kind, pid in live if kind == "group"]
    while groups and time.monotonic() < deadline:
        time.sleep(0.2)
        groups = [pid for pid in groups if _group_alive(pid)]
    for pid in groups:
        _signal_group(pid, signal.SIGKILL)
    pids.unlink(missing_ok=True)
    return [pid for _, pid in live]


def _group_alive(pgid: int) -> bool:
    """Whether a process of the group still runs (zombies waiting for a parent do not)."""
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            state, _ppid, group = stat.read_text().rpartition(")")[2].split()[:3]
        except (OSError, ValueError):
            continue
        if group == str(pgid) and state != "Z":
            return True
    return False


def main() -> None:
    if sys.argv[1:] == ["stop"]:
        stopped = stop_recorded()
        print(f"stopped {len(stopped)} recorded process(es)" if stopped else "nothing to stop")
        return
    env = _environment()
    STATE.mkdir(exist_ok=True)
    children: list[subprocess.Popen[bytes]] = []

    def stop(*_: object) -> None:
        for child in reversed(children):
            if child.poll() is None:
                _signal_group(child.pid, signal.SIGTERM)
        for child in children:
            try:
                child.wait(timeout=15)
            except subprocess.TimeoutExpired:
                _signal_group(child.pid, signal.SIGKILL)
        PIDS.unlink(missing_ok=True)
        raise SystemExit(0)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    api = env.get("PREFECT_API_URL")
    if not api:
        port = _free_port(int(env.get("NEWSL10N_PREFECT_PORT", "4200")))
        api = f"http://127.0.0.1:{port}/api"
        server = _prefect("server", "start", "--host", "127.0.0.1", "--port", str(port))
        children.append(subprocess.Popen(server, env=env, cwd=ROOT, start_new_session=True))
        env["PREFECT_API_URL"] = api
        env["PREFECT_UI_URL"] = api.removesuffix("/api")
        _wait_healthy(api)
    _record(children)
    subprocess.run(_prefect("work-pool", "create", POOL, "--type", "process", "--overwrite"),
                   env=env, cwd=ROOT, check=True, stdout=subprocess.DEVNULL)  # fmt: skip
    subprocess.run(_prefect("--no-prompt", "deploy", "--all"), env=env, cwd=ROOT, check=True)
    worker = _prefect("worker", "start", "--pool", POOL, "--name", f"{POOL}-{socket.gethostname()}")
    children.append(subprocess.Popen(worker, env=env, cwd=ROOT, start_new_session=True))
    _record(children)
    print(
        f"\nPrefect UI: {api.removesuffix('/api')}  (Ctrl-C or `make stop` to stop)\n", flush=True
    )
    while all(c.poll() is None for c in children):
        time.sleep(1)
    stop()


if __name__ == "__main__":
    main()
