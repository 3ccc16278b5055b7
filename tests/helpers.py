"""What the tests share: where a project's files are, an instant engine, the command line as
a user runs it, and gettext's own verdict on a catalog.

A catalog's place (``locales/<lang>/LC_MESSAGES/<slug>.po``) is spelled here once, the way
gettext lays it out, independently of the library's own spelling: a test that found the
file where the library put it would prove nothing if both read the same function.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from types import FrameType
from typing import Any

from click.testing import CliRunner, Result

import newsl10n.run
from newsl10n.cli import main
from newsl10n.config import EngineSettings, Settings, load_settings
from newsl10n.engines.argos import ArgosEngine
from newsl10n.engines.base import Engine
from newsl10n.pipeline import prepare_article, translate_pair
from newsl10n.results import PairResult
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


class Echo:
    """An instant engine whose output is its input: for tests of what surrounds the model
    (input handling, the run's bookkeeping). Also an engine factory for ``run(engines=...)``."""

    name = "echo"

    def __init__(self, _name: str = "echo", _settings: EngineSettings | None = None) -> None:
        pass

    def model_version(self, source: str, target: str) -> str:
        return f"echo {source}-{target} 1"

    def translate(self, texts: Sequence[str], source: str, target: str) -> list[str]:
        return list(texts)


def translate(
    project: Path, lang: str, article: Path | None = None, engine: Engine | None = None
) -> PairResult:
    """The seed article (or ``article``) into ``lang`` with ``engine``, by default the
    installed Argos models (the copy models, with the ``copy_models`` fixture)."""
    settings = load_settings(project)
    prepared = prepare_article(article or project / "source_articles" / SEED.name, settings)
    return translate_pair(prepared, lang, engine or ArgosEngine(), settings)


def echo_catalog(project: Path, lang: str = "de") -> Path:
    """The seed's catalog for ``lang`` written with the instant engine (no model)."""
    result = translate(project, lang, engine=Echo())
    assert not result.error, result.error
    return Path(result.catalog)


def write_story(folder: Path, name: str, n: int) -> None:
    """A short story numbered ``n``: a title and two sentences (3 segments)."""
    folder.joinpath(name).write_text(
        f"Story number {n}\n\nThe council met on day {n}. It agreed on plan {n}.\n",
        encoding="utf-8",
    )


def only_stories(project: Path, count: int) -> Path:
    """The project's sources replaced by ``count`` stories (``story-00.txt`` ...), for the
    batch tests; returns the source folder."""
    sources = project / "source_articles"
    for old in sources.iterdir():
        old.unlink()
    for n in range(count):
        write_story(sources, f"story-{n:02d}.txt", n)
    return sources


def settings_for(project: Path, targets: Sequence[str] = ("ru",)) -> Settings:
    return load_settings(project).with_overrides(targets=list(targets))


def run_echo(settings: Settings, **request: object) -> newsl10n.run.Report:
    """The library's run (every door's) with the instant engine."""
    return newsl10n.run.run(settings, newsl10n.run.Request(**request), engines=Echo)  # type: ignore[arg-type]


def invoke(project: Path, *args: str) -> Result:
    """The newsl10n command in ``project``, in this process."""
    return CliRunner().invoke(main, ["--project", str(project), *args])


def said(result: Result) -> str:
    """The command's output with the console's line wrapping undone (long paths)."""
    return result.output.replace("\n", "")


def no_traceback(result: Result) -> None:
    """The command failed, if it did, with a message: no exception, no traceback."""
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(
        result.exception
    )
    assert "Traceback" not in result.output


def python_steps(function: Callable[..., object], *args: object) -> int:
    """How many lines of Python ``function(*args)`` executes: a count, not a clock, so a test
    can tell linear from quadratic growth on a loaded machine (speed goals live in the
    benchmarks, never in timed tests). Work done inside C (a regex) is not counted."""
    count = 0

    def line(frame: FrameType, event: str, arg: Any) -> Any:
        nonlocal count
        if event == "line":
            count += 1
        return line

    sys.settrace(lambda frame, event, arg: line)
    try:
        function(*args)
    finally:
        sys.settrace(None)
    return count
