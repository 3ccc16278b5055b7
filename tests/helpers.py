"""What the tests share: where a project's files are, and gettext's own verdict on a catalog.

A catalog's place (``locales/<lang>/LC_MESSAGES/<slug>.po``) is spelled here once, the way
gettext lays it out, independently of the library's own spelling: a test that found the
file where the library put it would prove nothing if both read the same function.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from tests.conftest import ROOT, SEED

FIXTURES = ROOT / "tests" / "fixtures"
SLUG = SEED.stem  # the seed article's catalog name


def po_in(locales: Path, lang: str, slug: str = SLUG, suffix: str = ".po") -> Path:
    """The catalog of ``slug`` in ``lang`` under a locales folder (``suffix`` ".mo" for its
    compiled form)."""
    return locales / lang / "LC_MESSAGES" / f"{slug}{suffix}"


def po_path(project: Path, lang: str, slug: str = SLUG, suffix: str = ".po") -> Path:
    """The catalog of ``slug`` in ``lang`` in a project with the default ``locales`` folder."""
    return po_in(project / "locales", lang, slug, suffix)


def pot_path(project: Path, slug: str = SLUG) -> Path:
    """The template of ``slug`` in a project with the default ``locales`` folder."""
    return project / "locales" / f"{slug}.pot"


def po_name(lang: str, slug: str = SLUG) -> str:
    """The catalog's path relative to its project, as manifests and findings name it."""
    return f"locales/{lang}/LC_MESSAGES/{slug}.po"


def msgfmt_check(path: Path) -> None:
    """gettext's own checker must accept the file (install Debian's gettext for msgfmt)."""
    msgfmt = shutil.which("msgfmt")
    assert msgfmt, "msgfmt not found: install gettext (apt-get install gettext)"
    done = subprocess.run(
        [msgfmt, "-c", "-o", "/dev/null", str(path)], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, f"msgfmt -c rejected {path}:\n{done.stderr}"
