"""Found by using the product one step away from the tested paths (audit a1)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from flows.translate import rebuild_bundles, translate_batch
from newsl10n.cli import main
from tests.conftest import ROOT, SEED


@pytest.fixture
def env(project: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """The environment a worker started in this project would have."""
    monkeypatch.setenv("NEWSL10N_PROJECT", str(project))
    yield project


def test_rebuild_bundles_takes_names_as_the_run_form_does_and_lists_the_catalogs(
    env: Path, copy_models: Path, prefect_server: None
) -> None:
    assert translate_batch(targets=["de"], return_state=True).is_completed()
    unknown = rebuild_bundles(articles=["no-such-story"], return_state=True)
    assert unknown.is_failed()
    assert unknown.message == (
        f"articles: no catalog for 'no-such-story' in {env / 'locales'}; available: {SEED.stem}"
    )
    by_file_name = rebuild_bundles(articles=[SEED.name.upper()], return_state=True)
    assert by_file_name.is_completed(), by_file_name.message


@pytest.mark.parametrize(
    "command", [["qa"], ["status"], ["compile"], ["bundle"], ["tm", "export"], ["review"]]
)
def test_a_catalog_folder_that_does_not_exist_is_refused_by_commands_that_read_it(
    project: Path, command: list[str]
) -> None:
    """A mistyped --locales must not read as "QA: no problems found" and exit 0."""
    missing = project / "no-such-catalogs"
    result = CliRunner().invoke(main, [*command, "--config", str(project / "pyproject.toml"),
                                       "--locales", str(missing)])  # fmt: skip
    assert result.exit_code == 2, result.output
    assert f"--locales {missing}: folder does not exist" in result.output


def test_prefect_api_url_outside_a_checkout_says_how_to_run_here(tmp_path: Path) -> None:
    """PREFECT_API_URL exported for other work sends every run to Prefect, whose flows live
    in a checkout: outside one, the error must name the way out."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")}
    env |= {"PREFECT_API_URL": "http://127.0.0.1:9/api", "PYTHONPATH": str(ROOT / "src")}
    (tmp_path / "articles").mkdir()
    cli = "from newsl10n.cli import main; main()"
    done = subprocess.run(
        [sys.executable, "-c", cli, "run", "--source", "articles"],
        capture_output=True, text=True, env=env, cwd=tmp_path, timeout=120,
    )  # fmt: skip
    assert done.returncode == 2, done.stderr
    assert "--no-prefect" in done.stderr and "Traceback" not in done.stderr


def test_a_bundle_failure_without_a_language_reads_as_the_article_alone(project: Path) -> None:
    (project / "locales").mkdir()
    article = project / "source_articles" / SEED.name
    result = CliRunner().invoke(main, ["--project", str(project), "bundle", str(article)])
    assert result.exit_code == 1
    assert f"error: {SEED.stem}: no catalog for '{SEED.stem}'" in result.output
    assert "→ :" not in result.output


def test_paths_printed_to_a_pipe_are_never_wrapped(project: Path, copy_models: Path) -> None:
    """`newsl10n bundle | grep review` and scripts reading `compile` output need each path
    whole on its line (a console wraps at 80 columns when it is not a terminal)."""
    deep = project / ("a-rather-long-folder-name-" * 3) / "bundles"
    args = ["--project", str(project)]
    assert CliRunner().invoke(main, [*args, "run", "--to", "de"]).exit_code == 0
    for command in (["bundle", "--bundles", str(deep)], ["compile"]):
        result = CliRunner().invoke(main, [*args, *command])
        assert result.exit_code == 0, result.output
        for line in result.output.splitlines():
            assert line.endswith((".html", ".mo", "(written)", "(unchanged)")), line


def test_brackets_in_paths_are_printed_as_they_are(
    project: Path, copy_models: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Rich reads "[...]" as markup: "[draft]" vanished from printed paths and "[/]" in a
    folder or article name ended the command with a MarkupError traceback."""
    import io

    from rich.console import Console

    from newsl10n import cli

    missing = project / "[/]"
    refused = CliRunner().invoke(main, ["run", "--source", str(missing)])
    assert refused.exit_code == 2 and f"--source {missing}: folder does not exist" in refused.output

    shutil.move(
        project / "source_articles" / SEED.name,
        project / "source_articles" / "A [draft] [bold].txt",
    )
    terminal = io.StringIO()
    monkeypatch.setattr(cli, "console", Console(file=terminal, force_terminal=True, width=300))
    args = ["--project", str(project)]
    assert CliRunner().invoke(main, [*args, "run", "--to", "de"]).exit_code == 0
    assert "source_articles/A [draft] [bold].txt" in terminal.getvalue()
    locales = project / "[draft]"
    shutil.copytree(project / "locales", locales)
    compiled = CliRunner().invoke(main, [*args, "compile", "--locales", str(locales)])
    assert compiled.exit_code == 0 and f"wrote {locales}/de/" in compiled.output


@pytest.mark.parametrize("form", ["NFC", "NFD"])
def test_an_article_name_matches_in_either_unicode_form(project: Path, form: str) -> None:
    """macOS and some browsers hand over decomposed accents: "Café.txt" typed or pasted in
    the run form must find the file however either side spells the é."""
    import unicodedata

    from newsl10n.config import load_settings
    from newsl10n.run import find_article

    on_disk = unicodedata.normalize("NFD" if form == "NFC" else "NFC", "Café Ünïcode.txt")
    shutil.copy(SEED, project / "source_articles" / on_disk)
    typed = unicodedata.normalize(form, "café ünïcode")
    assert find_article(load_settings(project), typed).name == on_disk


def test_a_run_that_ended_failed_is_one_error_line_not_the_engines_traceback(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A worker's engine re-raises a flow's returned Failed state as FailedRun and logs it
    with a 40-line traceback; the run's own reason, on one line, is what an editor needs."""
    import logging

    from prefect.exceptions import FailedRun

    import flows.translate  # noqa: F401  (installs the filter, as the worker's import does)

    logger = logging.getLogger("prefect.flow_runs")
    with caplog.at_level(logging.ERROR, logger="prefect.flow_runs"):
        for error in (FailedRun("article: no article 'x'; available: a.txt"), ValueError("!")):
            try:
                raise error
            except Exception:
                logger.error("Engine execution exited with unexpected exception", exc_info=True)
    failed, surprise = caplog.records
    assert failed.getMessage() == "run failed: article: no article 'x'; available: a.txt"
    assert failed.exc_info is None and caplog.text.count("Traceback") == 1
    assert surprise.exc_info is not None  # anything else keeps its traceback
