"""Long-running servers the tests start: Prefect's server and workers, Dask's scheduler and
workers, ``flows.serve``.

Each runs in a session of its own, so that a test stops its whole process group (a Prefect
worker's flow-run subprocesses included). That also took them out of reach of a killed test
run (a second Ctrl-C, a CI timeout): they kept running, holding their ports and a core.
So each is started under util-linux's ``setpriv --pdeathsig TERM``, and the kernel sends it
SIGTERM when the process that started it dies, however it dies.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
from pathlib import Path
from typing import Any


def start(command: list[str], cwd: Path, env: dict[str, str], log: Path) -> subprocess.Popen[Any]:
    """Start a server in its own session, its output in ``log``; it dies with this process."""
    setpriv = shutil.which("setpriv")
    if setpriv:  # util-linux, in every Debian; without it a killed run leaves it behind
        command = [setpriv, "--pdeathsig", "TERM", "--", *command]
    with log.open("w") as out:  # the server writes to its own copy of the descriptor
        return subprocess.Popen(
            command, cwd=cwd, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )


def stop(proc: subprocess.Popen[Any], timeout: float = 30) -> None:
    """Stop a server's whole process group: SIGTERM, then SIGKILL after ``timeout`` s."""
    try:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=timeout)
    except (ProcessLookupError, subprocess.TimeoutExpired):
        os.killpg(proc.pid, signal.SIGKILL)


def alive(pid: int) -> bool:
    """Is this process running (a zombie, ended but not yet reaped, is not)?"""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    stat = Path(f"/proc/{pid}/stat")
    return stat.exists() and stat.read_text().rsplit(")", 1)[1].split()[0] != "Z"
