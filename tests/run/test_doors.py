"""Every door (CLI in-process, CLI through Prefect, flows) runs the same library run, and
every command takes the same folder options, from any working directory."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import polib
import pytest
from click.testing import CliRunner, Result

from newsl10n.cli import main
from newsl10n.glossary.load import load_glossary
from newsl10n.run import Request, run
from tests.conftest import ROOT, SEED
from tests.helpers import SLUG, po_in


@pytest.fixture
def elsewhere(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A workspace that is not a project: articles, glossary and outputs in folders of
    their own, and the working directory an unrelated one (no pyproject.toml above it)."""
    work = tmp_path / "workspace"
    (work / "articles").mkdir(parents=True)
    shutil.copy(SEED, work / "articles" / SEED.name)
    # A one-term glossary: the run must enforce exactly this one, and record its hash.
    (work / "names").mkdir()
    (work / "names" / "names.csv").write_text(
        "en,de,note\nTaedong River,Taedong-Fluss,river in Pyongyang\n", encoding="utf-8"
    )
    unrelated = tmp_path / "unrelated"
    unrelated.mkdir()
    monkeypatch.chdir(unrelated)
    yield work


def cli(*args: str) -> Result:
    return CliRunner().invoke(main, list(args))


def folders(work: Path) -> list[str]:
    return [
        "--source", str(work / "articles"), "--locales", str(work / "cat"),
        "--bundles", str(work / "out"), "--glossary", str(work / "names"),
    ]  # fmt: skip


def test_every_command_takes_the_same_folder_options_from_anywhere(
    elsewhere: Path, copy_models: Path
) -> None:
    work = elsewhere
    result = cli("run", "--to", "de", *folders(work))
    assert result.exit_code == 0, result.output
    po = polib.pofile(str(po_in(work / "cat", "de")))
    # The glossary given is the one enforced, and the catalog records its hash.
    assert po.metadata["X-Glossary-SHA256"] == load_glossary(work / "names").sha256
    river = [e for e in po if "Taedong River" in e.msgid]
    assert river and all("Taedong-Fluss" in e.msgstr for e in river)
    assert (work / "out" / "de" / SLUG / "review.html").is_file()
    assert not Path("locales").exists() and not Path("bundles").exists()

    again = cli("translate", str(work / "articles" / SEED.name), "--to", "de", *folders(work))
    assert again.exit_code == 0, again.output
    assert "unchanged" in again.output
    for command in (["bundle"], ["qa"], ["status"], ["compile"], ["tm", "export"]):
        done = cli(*command, *folders(work))
        assert done.exit_code == 0, (command, done.output)
    status = cli("status", "--json", *folders(work))
    assert json.loads(status.output)["catalogs"][0]["article"] == SLUG
    assert (po_in(work / "cat", "de", SLUG, ".mo")).is_file()


def test_config_option_reads_another_pyproject(elsewhere: Path, copy_models: Path) -> None:
    work = elsewhere
    config = work / "newsroom.toml"
    config.write_text(
        '[tool.newsl10n]\nsource = "articles"\nlocales = "cat"\nbundles = "out"\n'
        'glossary = "names"\ntargets = ["de"]\n',
        encoding="utf-8",
    )
    result = cli("run", "--config", str(config))
    assert result.exit_code == 0, result.output
    assert (po_in(work / "cat", "de")).is_file()
    assert cli("status", "--config", str(config)).exit_code == 0


def test_a_glossary_folder_that_does_not_exist_is_refused_by_name(elsewhere: Path) -> None:
    missing = elsewhere / "no-such-glossary"
    for command in (["run"], ["qa"], ["bundle"]):
        result = cli(*command, "--source", str(elsewhere / "articles"), "--glossary", str(missing))
        assert result.exit_code == 2, result.output
        assert str(missing) in result.output and "does not exist" in result.output
    assert not (elsewhere / "locales").exists()


def test_an_empty_glossary_is_said_first_and_in_the_summary(
    elsewhere: Path, copy_models: Path
) -> None:
    empty = elsewhere / "empty-glossary"
    empty.mkdir()
    args = ["run", "--to", "de", *folders(elsewhere)[:6], "--glossary", str(empty)]
    result = cli(*args)
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].startswith("glossary: none") and "not enforced" in lines[0]
    assert sum("names are not enforced" in line for line in lines) == 2


CLI_IN_FRESH_PROCESS = """
import sys
from newsl10n.cli import main
try:
    main(sys.argv[1:], standalone_mode=False)
finally:
    print("PREFECT IMPORTED" if "prefect" in sys.modules else "NO PREFECT")
"""


def test_without_a_prefect_server_the_cli_starts_none(elsewhere: Path, copy_models: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_API")}
    done = subprocess.run(
        [sys.executable, "-c", CLI_IN_FRESH_PROCESS, "run", "--to", "de", *folders(elsewhere)],
        capture_output=True, text=True, env=env, cwd=elsewhere, timeout=300,
    )  # fmt: skip
    output = done.stdout + done.stderr
    assert done.returncode == 0, output[-3000:]
    assert "NO PREFECT" in output
    assert "temporary" not in output.lower()


def test_with_a_prefect_server_configured_the_run_shows_in_it(
    elsewhere: Path, copy_models: Path, prefect_server: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    from prefect.client.orchestration import get_client
    from prefect.settings import PREFECT_API_URL

    api = PREFECT_API_URL.value()
    assert api, "the test harness configures an API"
    monkeypatch.setenv("PREFECT_API_URL", api)
    with get_client(sync_client=True) as client:  # the session's server has other runs
        earlier = {r.id for r in client.read_flow_runs()}
    result = cli("run", "--to", "de", *folders(elsewhere))
    assert result.exit_code == 0, result.output
    with get_client(sync_client=True) as client:
        runs = [r for r in client.read_flow_runs() if r.id not in earlier]
        flows = {f.id: f.name for f in client.read_flows()}
    batch = [r for r in runs if flows.get(r.flow_id) == "translate-batch" and r.state]
    assert batch and batch[0].state is not None and batch[0].state.is_completed()
    assert (po_in(elsewhere / "cat", "de")).is_file()


def test_one_engine_call_per_language_over_all_articles(
    project: Path, copy_models: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from newsl10n.config import load_settings
    from newsl10n.engines import argos

    for i in range(3):
        (project / "source_articles" / f"flash-{i}.txt").write_text(
            f"Flash Headline Number {i}\n\nThe council met on day {i} and agreed.\n",
            encoding="utf-8",
        )
    calls: list[int] = []
    original = argos._Model.scored

    def counting(self: argos._Model, texts: list[str], n: int) -> list[list[tuple[str, float]]]:
        calls.append(len(texts))
        return original(self, texts, n)

    monkeypatch.setattr(argos._Model, "scored", counting)
    settings = load_settings(project).with_overrides(targets=["de", "fr"], glossary=project / "x")
    report = run(settings, Request())
    assert report.ok, report.failures
    assert len(calls) == 2  # one per language, over the segments of all four articles
    per_article = run(settings, Request(force=True, retranslate=True, batching="article"))
    assert per_article.ok and len(calls) == 2 + 2 * 4


def test_flows_are_not_installed_as_a_top_level_package() -> None:
    wheel = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert 'packages = ["src/newsl10n"]' in wheel


def test_prefect_api_url_outside_a_checkout_says_how_to_run_here(tmp_path: Path) -> None:
    """PREFECT_API_URL exported for other work sends every run to Prefect (whose flows come
    with the installed package, so a checkout is not needed): when no server answers there,
    the error must name the way out."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")}
    env |= {"PREFECT_API_URL": "http://127.0.0.1:9/api", "PYTHONPATH": str(ROOT / "src")}
    (tmp_path / "articles").mkdir()
    cli = "from newsl10n.cli import main; main()"
    done = subprocess.run(
        [sys.executable, "-c", cli, "run", "--source", "articles"],
        capture_output=True, text=True, env=env, cwd=tmp_path, timeout=120,
    )  # fmt: skip
    assert done.returncode != 0, done.stderr
    assert "--no-prefect" in done.stderr and "Traceback" not in done.stderr
    assert "127.0.0.1:9" in done.stderr


def test_python_dash_m_is_the_command(tmp_path: Path) -> None:
    """``python -m newsl10n`` is the console script, from any folder."""
    done = subprocess.run(
        [sys.executable, "-m", "newsl10n", "--help"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert "Usage: newsl10n" in done.stdout
    assert "run" in done.stdout
