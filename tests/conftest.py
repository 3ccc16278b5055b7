"""Test-session set-up: offline settings, copy models, one Prefect test server.

Everything a test needs is built here: no test touches the network or the user's home.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

# Before anything imports argostranslate or prefect: private folders, no telemetry.
_SCRATCH = Path(tempfile.mkdtemp(prefix="newsl10n-tests-"))
ARGOS_DIR = _SCRATCH / "argos-packages"
ARGOS_DIR.mkdir()
os.environ["ARGOS_PACKAGES_DIR"] = str(ARGOS_DIR)
for var in ("XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_CACHE_HOME"):
    os.environ[var] = str(_SCRATCH / var.lower())
os.environ["DO_NOT_TRACK"] = "1"
os.environ["PREFECT_SERVER_ANALYTICS_ENABLED"] = "false"
os.environ["PREFECT_HOME"] = str(_SCRATCH / "prefect")

ROOT = Path(__file__).parents[1]
SEED = ROOT / "source_articles" / "putin-kim-pyongyang-summit.txt"
TARGETS = ("ru", "ko", "zh", "ja", "de", "fr", "es", "uk")


@pytest.fixture(autouse=True)
def _restore_newsl10n_environment() -> Iterator[None]:
    """The CLI passes settings to flows through NEWSL10N_* variables, as a worker gets
    them; one test's project must not leak into the next."""
    saved = {k: v for k, v in os.environ.items() if k.startswith("NEWSL10N_")}
    yield
    for key in [k for k in os.environ if k.startswith("NEWSL10N_")]:
        del os.environ[key]
    os.environ.update(saved)


@pytest.fixture(scope="session")
def copy_models(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Copy models for en→every target and ru→en, installed into ARGOS_PACKAGES_DIR."""
    from devtools.copymodel import install_copy_packages

    pairs = [("en", t) for t in TARGETS] + [("ru", "en")]
    install_copy_packages(pairs, ARGOS_DIR, tmp_path_factory.mktemp("copymodel"))
    return ARGOS_DIR


@pytest.fixture
def no_models(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty packages folder: every pair is missing."""
    empty = tmp_path / "no-packages"
    empty.mkdir()
    monkeypatch.setenv("ARGOS_PACKAGES_DIR", str(empty))
    return empty


@pytest.fixture(scope="session")
def prefect_server() -> Iterator[None]:
    """One Prefect test server for the whole session (starting one costs seconds)."""
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=180):
        yield


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A project folder with default settings, the seed article and the glossary."""
    (tmp_path / "pyproject.toml").write_text("[tool.newsl10n]\n", encoding="utf-8")
    (tmp_path / "source_articles").mkdir()
    shutil.copy(SEED, tmp_path / "source_articles" / SEED.name)
    shutil.copytree(ROOT / "glossaries", tmp_path / "glossaries")
    return tmp_path


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    shutil.rmtree(_SCRATCH, ignore_errors=True)
