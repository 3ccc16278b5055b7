"""The Python a worker on another machine has: this checkout's ``newsl10n`` installed,
nothing on ``PYTHONPATH``, started in a folder that is not a checkout.

On a clean clone (CI: ``make venv`` installs the clone in editable mode) that is the test
run's own interpreter. In a developer's second worktree, whose venv installs another
checkout, it is a scratch venv that installs this checkout the way pip's editable install
does (a ``.pth`` naming ``src/``) over the test venv's packages: still no ``PYTHONPATH``,
and never the checkout's ``flows/`` folder.
"""

from __future__ import annotations

import os
import subprocess
import sys
import sysconfig
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def clean_environment(**extra: str) -> dict[str, str]:
    """This process's environment without Prefect, newsl10n or PYTHONPATH settings."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("PREFECT_", "NEWSL10N_")) and k != "PYTHONPATH"
    }
    env.update(DO_NOT_TRACK="1", PREFECT_SERVER_ANALYTICS_ENABLED="false", **extra)
    return env


def imports_this_checkout(python: Path, folder: Path) -> bool:
    probe = "import newsl10n.flows.tasks, sys; print(newsl10n.__file__)"
    done = subprocess.run(
        [str(python), "-c", probe], cwd=folder, env=clean_environment(),
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    found = Path(done.stdout.strip()) if done.returncode == 0 else None
    return found is not None and found.resolve().is_relative_to((ROOT / "src").resolve())


def installed_python(scratch: Path) -> Path:
    """An interpreter that imports this checkout's package with nothing on PYTHONPATH."""
    scratch.mkdir(parents=True, exist_ok=True)
    own = Path(sys.executable)
    if imports_this_checkout(own, scratch):
        return own
    target = scratch / "venv"
    venv.EnvBuilder(with_pip=False, symlinks=True, clear=True).create(target)
    site = next(target.glob("lib/python*/site-packages"))
    (site / "a_newsl10n.pth").write_text(f"{ROOT / 'src'}\n", encoding="utf-8")
    packages = sysconfig.get_paths()["purelib"]
    (site / "b_packages.pth").write_text(
        f"import site; site.addsitedir({packages!r})\n", encoding="utf-8"
    )
    python = target / "bin" / "python"
    assert imports_this_checkout(python, scratch), "the scratch venv does not import src/"
    return python
