"""A batch re-run with nothing new to translate loads no model, counted in a fresh process,
and imports no detection, translation, QA or page code (its cost is mostly start-up).

Models are cached per process, so only a fresh process shows whether a run loads one: each
run below is a new Python process calling the library's run (``newsl10n.run.run``, the one
every door uses) without Prefect. It reports ``loaded_model_count()`` and how often a model
was asked to translate; the first run, on empty catalogs, shows that both counters count.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import ROOT

TARGETS = "ru,ko"

BATCH_RUN = """
import json, sys
from pathlib import Path

from newsl10n.config import load_settings
from newsl10n.engines import argos
from newsl10n.run import Request, run

calls = [0]
scored = argos._Model.scored  # every model call goes through it


def counting(self, texts, n):
    calls[0] += 1
    return scored(self, texts, n)


argos._Model.scored = counting
WORK = ["jinja2", "newsl10n.pipeline", "newsl10n.qa", "newsl10n.review.bundle",
        "newsl10n.source.detect", "newsl10n.glossary.enforce"]


def batch(settings, force):
    before = calls[0]
    report = run(settings, Request(force=force))
    results = [r for r in report.results if not r.skipped]
    return {
        "skipped": sum(1 for r in report.results if r.skipped),
        "translated": sum(r.translated for r in results),
        "written": sum(r.written for r in results),
        "errors": [r.error for r in results if r.error],
        "engine_calls": calls[0] - before,
        "models_loaded": argos.loaded_model_count(),
        "detectors_imported": "lingua" in sys.modules,
        "work_imported": sorted(m for m in WORK if m in sys.modules),
    }


project = Path(sys.argv[1])
# No glossary: one engine call per language (glossary rounds would add calls).
settings = load_settings(project).with_overrides(targets=sys.argv[2], glossary=project / "none")
report = {"batch": batch(settings, force=False)}
# Forced through prepare and the per-language jobs too: every entry is kept, still no model.
report["forced"] = batch(settings, force=True)
print(json.dumps(report))
"""


def _fresh_run(project: Path) -> dict[str, Any]:
    done = subprocess.run(
        [sys.executable, "-c", BATCH_RUN, str(project), TARGETS],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    report: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return report


def _catalogs(project: Path) -> dict[str, bytes]:
    locales = project / "locales"
    found = sorted(p for p in locales.rglob("*") if p.suffix in (".po", ".pot"))
    return {str(p.relative_to(locales)): p.read_bytes() for p in found}


@pytest.mark.timeout(300)
def test_no_change_batch_rerun_loads_no_model(copy_models: Path, project: Path) -> None:
    first = _fresh_run(project)["batch"]
    assert first["errors"] == []
    assert first["skipped"] == 0
    assert first["translated"] > 0
    assert first["engine_calls"] == 2  # one batch per language
    assert first["models_loaded"] == 2  # the counter counts: en→ru, en→ko
    assert len(first["work_imported"]) == 6  # and so does the import check
    before = _catalogs(project)
    assert len(before) == 3  # template + two catalogs

    rerun = _fresh_run(project)
    batch, forced = rerun["batch"], rerun["forced"]
    assert batch["skipped"] == 1
    assert batch["models_loaded"] == 0
    assert batch["engine_calls"] == 0
    assert not batch["detectors_imported"]  # unchanged bytes: not even detection runs
    assert batch["work_imported"] == []  # nor is its code loaded
    assert forced["skipped"] == 0
    assert forced["translated"] == 0
    assert forced["written"] == 0
    assert forced["engine_calls"] == 0
    assert forced["models_loaded"] == 0
    assert _catalogs(project) == before
