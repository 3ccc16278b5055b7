"""The servers the tests start die with the test run, even when it is killed."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

from tests.conftest import ROOT
from tests.support import servers

PARENT = """
import sys, time
from pathlib import Path
sys.path.insert(0, sys.argv[1])
from tests.support.servers import start
proc = start(["sleep", "300"], Path.cwd(), {"PATH": "/usr/bin:/bin"}, Path(sys.argv[2]))
print(proc.pid, flush=True)
time.sleep(300)
"""


def _command(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/comm").read_text().strip()
    except OSError:
        return ""


def test_a_server_is_stopped_when_the_test_run_is_killed(tmp_path: Path) -> None:
    """A server runs in its own session (so a test can stop its whole group), which a
    killed test run used to leave running, holding its port: the kernel now sends it
    SIGTERM when the process that started it dies."""
    parent = subprocess.Popen(
        [sys.executable, "-c", PARENT, str(ROOT), str(tmp_path / "server.log")],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert parent.stdout is not None
    server = int(parent.stdout.readline())
    deadline = time.monotonic() + 10  # setpriv asks for the signal, then becomes the server
    while _command(server) != "sleep" and time.monotonic() < deadline:
        time.sleep(0.05)
    assert servers.alive(server) and _command(server) == "sleep"
    parent.kill()  # SIGKILL: no handler, no atexit, no fixture teardown
    parent.wait()
    deadline = time.monotonic() + 10
    while servers.alive(server) and time.monotonic() < deadline:
        time.sleep(0.1)
    alive = servers.alive(server)
    if alive:
        os.kill(server, 9)
    assert not alive
