"""A batch re-run with nothing new to translate loads no model, counted in a fresh process.

Models are cached per process, so only a fresh process shows whether a run loads one: each
run below is a new Python process running the batch the way the ``translate-batch`` flow
does (``up_to_date`` first, then prepare and translate each pair), through the pipeline
functions, without Prefect. It reports ``loaded_model_count()`` and how often the engine was
asked to translate; the first run, on empty catalogs, shows that both counters count.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).parents[1]
TARGETS = "ru,ko"

BATCH_RUN = """
import json, sys
from pathlib import Path

from newsl10n.config import load_settings
from newsl10n.engines import argos, get_engine
from newsl10n.pipeline import discover, prepare_article, translate_pair, up_to_date, write_template


class CountingEngine:
    def __init__(self, engine):
        self.engine, self.name, self.calls = engine, engine.name, 0

    def model_version(self, source, target):
        return self.engine.model_version(source, target)

    def translate(self, texts, source, target):
        self.calls += 1
        return self.engine.translate(texts, source, target)


def batch(settings, engine, force):
    results, skipped = [], 0
    for path in discover(settings):
        if not force and up_to_date(path, settings, settings.targets):
            skipped += 1
            continue
        prepared = prepare_article(path, settings)
        write_template(prepared, settings)
        results += [translate_pair(prepared, t, engine, settings) for t in settings.targets]
    return {
        "skipped": skipped,
        "translated": sum(r.translated for r in results),
        "written": sum(r.written for r in results),
        "errors": [r.error for r in results if r.error],
        "engine_calls": engine.calls,
        "models_loaded": argos.loaded_model_count(),
        "detectors_imported": "lingua" in sys.modules,
    }


settings = load_settings(Path(sys.argv[1])).with_overrides(targets=sys.argv[2])
engine = CountingEngine(get_engine("argos", settings.engine_settings))
report = {"batch": batch(settings, engine, force=False)}
# Forced through prepare + translate_pair too: every entry is kept, still no model.
report["forced"] = batch(settings, engine, force=True)
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
    before = _catalogs(project)
    assert len(before) == 3  # template + two catalogs

    rerun = _fresh_run(project)
    batch, forced = rerun["batch"], rerun["forced"]
    assert batch["skipped"] == 1
    assert batch["models_loaded"] == 0
    assert batch["engine_calls"] == 0
    assert not batch["detectors_imported"]  # unchanged bytes: not even detection runs
    assert forced["skipped"] == 0
    assert forced["translated"] == 0
    assert forced["written"] == 0
    assert forced["engine_calls"] == 0
    assert forced["models_loaded"] == 0
    assert _catalogs(project) == before
