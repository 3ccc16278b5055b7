"""Small assertions shared by the tests."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path


def msgfmt_check(path: Path) -> None:
    """gettext's own checker must accept the file (install Debian's gettext for msgfmt)."""
    msgfmt = shutil.which("msgfmt")
    assert msgfmt, "msgfmt not found: install gettext (apt-get install gettext)"
    done = subprocess.run(
        [msgfmt, "-c", "-o", "/dev/null", str(path)], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, f"msgfmt -c rejected {path}:\n{done.stderr}"
