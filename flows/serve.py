"""`make serve`: a local Prefect server, this repository's deployments, and a worker.

Starts a server (SQLite under .prefect/, on 127.0.0.1) unless PREFECT_API_URL names one,
creates the `newsl10n` process work pool, deploys prefect.yaml and starts a worker in this
clone. Offline: telemetry is off and nothing is downloaded. Ctrl-C (or `make stop`) stops
what it started.
"""

from __future__ import annotations

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


def main() -> None:
    env = _environment()
    STATE.mkdir(exist_ok=True)
    children: list[subprocess.Popen[bytes]] = []

    def stop(*_: object) -> None:
        for child in reversed(children):
            if child.poll() is None:
                child.terminate()
        for child in children:
            try:
                child.wait(timeout=15)
            except subprocess.TimeoutExpired:
                child.kill()
        PIDS.unlink(missing_ok=True)
        raise SystemExit(0)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    api = env.get("PREFECT_API_URL")
    if not api:
        port = _free_port(int(env.get("NEWSL10N_PREFECT_PORT", "4200")))
        api = f"http://127.0.0.1:{port}/api"
        server = _prefect("server", "start", "--host", "127.0.0.1", "--port", str(port))
        children.append(subprocess.Popen(server, env=env, cwd=ROOT))
        env["PREFECT_API_URL"] = api
        env["PREFECT_UI_URL"] = api.removesuffix("/api")
        _wait_healthy(api)
    PIDS.write_text("\n".join(str(c.pid) for c in children) + "\n")
    subprocess.run(_prefect("work-pool", "create", POOL, "--type", "process", "--overwrite"),
                   env=env, cwd=ROOT, check=True, stdout=subprocess.DEVNULL)  # fmt: skip
    subprocess.run(_prefect("--no-prompt", "deploy", "--all"), env=env, cwd=ROOT, check=True)
    worker = _prefect("worker", "start", "--pool", POOL, "--name", f"{POOL}-{socket.gethostname()}")
    children.append(subprocess.Popen(worker, env=env, cwd=ROOT))
    PIDS.write_text("\n".join(str(c.pid) for c in children) + "\n")
    print(
        f"\nPrefect UI: {api.removesuffix('/api')}  (Ctrl-C or `make stop` to stop)\n", flush=True
    )
    while all(c.poll() is None for c in children):
        time.sleep(1)
    stop()


if __name__ == "__main__":
    main()
