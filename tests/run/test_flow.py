"""The Prefect flows on the seed article with copy models, under one test server."""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import polib
import pytest
from prefect.client.orchestration import get_client
from prefect.client.schemas.filters import ArtifactFilter, ArtifactFilterFlowRunId

from newsl10n.engines.argos import ArgosEngine
from newsl10n.flows.runners import task_runner
from newsl10n.flows.translate import rebuild_bundles, translate_article, translate_batch
from newsl10n.results import PairResult
from newsl10n.run import Report
from tests.conftest import SEED
from tests.helpers import msgfmt_check, po_in, po_path


@pytest.fixture
def env(project: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """The environment a worker started in this project would have."""
    monkeypatch.setenv("NEWSL10N_PROJECT", str(project))
    yield project


def results_of(state: Any) -> list[PairResult]:
    data = state.result(raise_on_failure=False)
    assert isinstance(data, Report), (state, data)
    return list(data.results)


def catalog_entries(project: Path, lang: str) -> list[tuple[str | None, str, str]]:
    po = polib.pofile(str(po_path(project, lang)))
    return [(e.msgctxt, e.msgid, e.msgstr) for e in po]


def test_batch_translates_new_articles_and_reports_bad_ones(
    env: Path, copy_models: Path, prefect_server: None
) -> None:
    (env / "source_articles" / "broken.txt").write_bytes("Путин".encode("cp1251"))
    state = translate_batch(targets=["ja", "uk"], return_state=True)
    assert state.is_failed() and state.message == "1 of 3 failed: broken (article)"
    for lang in ("ja", "uk"):
        po = polib.pofile(str(po_path(env, lang)))
        assert sum(1 for e in po if e.msgstr) > 30
    msgfmt_check(po_path(env, "uk"))

    with get_client(sync_client=True) as client:
        run_id = state.state_details.flow_run_id
        artifacts = client.read_artifacts(
            artifact_filter=ArtifactFilter(flow_run_id=ArtifactFilterFlowRunId(any_=[run_id]))
        )
    kinds = {a.type for a in artifacts}
    assert {"markdown", "table", "progress"} <= kinds
    summary = next(a for a in artifacts if a.type == "markdown")
    assert "broken" in str(summary.data) and "## Translated" in str(summary.data)
    assert "windows-1251" in str(summary.data)


def test_batch_skips_unchanged_articles_without_reading_them(
    env: Path, copy_models: Path, prefect_server: None
) -> None:
    assert translate_batch(targets=["de"], return_state=True).is_completed()
    again = results_of(translate_batch(targets=["de"], return_state=True))
    assert [(r.slug, r.skipped) for r in again] == [(SEED.stem, "unchanged since the last run")]
    article = env / "source_articles" / SEED.name
    article.write_text(article.read_text().replace("COMMENTS", "A closing line."))
    changed = results_of(translate_batch(targets=["de"], return_state=True))
    assert [(r.slug, r.translated, r.kept) for r in changed] == [(SEED.stem, 1, 32)]


def test_article_flow_translates_the_article_asked_for(
    env: Path, copy_models: Path, prefect_server: None
) -> None:
    other = env / "source_articles" / "other.md"
    other.write_text("---\nlanguage: en\n---\n\n# A Second Story\n\nIt has one sentence.\n")
    results = results_of(translate_article(article="other.md", targets=["de"], return_state=True))
    assert [(r.slug, r.target, r.segments) for r in results] == [("other", "de", 2)]


@pytest.mark.parametrize("article", ["../../etc/passwd", "/etc/passwd", "link.txt", "missing.txt"])
def test_article_paths_from_the_ui_must_stay_inside_the_source_folder(
    env: Path, prefect_server: None, article: str
) -> None:
    (env / "source_articles" / "link.txt").symlink_to("/etc/hostname")
    state = translate_article(article=article, targets=["de"], return_state=True)
    assert state.is_failed()
    assert not (env / "locales").exists()


def test_unknown_language_from_the_api_is_refused(env: Path, prefect_server: None) -> None:
    state = translate_batch(targets=["klingon"], return_state=True)  # type: ignore[list-item]
    assert state.is_failed()


def test_dask_runner_gives_the_same_catalogs_as_threads(
    env: Path, copy_models: Path, prefect_server: None, tmp_path: Path
) -> None:
    assert translate_batch(targets=["ko"], return_state=True).is_completed()
    threads = catalog_entries(env, "ko")
    os.environ["NEWSL10N_LOCALES"] = str(tmp_path / "dask-locales")
    dask_flow = translate_batch.with_options(task_runner=task_runner("dask"))
    try:
        assert dask_flow(targets=["ko"], return_state=True).is_completed()
    finally:
        os.environ["NEWSL10N_LOCALES"] = str(env / "locales")
    dask = polib.pofile(str(po_in(tmp_path / "dask-locales", "ko")))
    assert [(e.msgctxt, e.msgid, e.msgstr) for e in dask] == threads


def test_concurrent_batch_runs_lose_nothing(
    env: Path, copy_models: Path, prefect_server: None
) -> None:
    assert translate_batch(targets=["fr"], return_state=True).is_completed()
    path = po_path(env, "fr")
    po = polib.pofile(str(path))
    po[2].msgstr, po[2].flags = "Révisé par la rédaction.", []
    po.save(str(path))
    article = env / "source_articles" / SEED.name
    article.write_text(article.read_text().replace("COMMENTS", "A closing line."))
    states: list[Any] = []

    def batch() -> None:
        states.append(translate_batch(targets=["fr"], force=True, return_state=True))

    runs = [threading.Thread(target=batch) for _ in range(2)]
    for run in runs:
        run.start()
    for run in runs:
        run.join()
    assert all(s.is_completed() for s in states)
    msgfmt_check(path)
    after = polib.pofile(str(path))
    assert after[2].msgstr == "Révisé par la rédaction." and not after[2].fuzzy
    assert sum(e.msgid == "A closing line." for e in after) == 1
    assert len(after) == len(po) + 1


def test_model_crashing_mid_batch_fails_that_pair_only(
    project: Path, copy_models: Path, prefect_server: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NEWSL10N_PROJECT", str(project))

    class Crashing(ArgosEngine):
        calls = 0

        def translate(self, texts: Sequence[str], source: str, target: str) -> list[str]:
            if target == "ko":
                Crashing.calls += 1
                raise RuntimeError("CTranslate2: out of memory")
            return super().translate(texts, source, target)

    import newsl10n.flows.translate as flow_module
    import newsl10n.run

    monkeypatch.setattr(newsl10n.run, "get_engine", lambda name, settings: Crashing(settings))
    state = flow_module.translate_batch(targets=["ko", "ja"], return_state=True)
    assert state.is_failed() and "→ ko" in (state.message or "")
    assert Crashing.calls == 3  # the first attempt and two retries
    assert po_path(project, "ja").is_file() and not po_path(project, "ko").exists()


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


def test_a_run_that_ended_failed_is_one_error_line_not_the_engines_traceback(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A worker's engine re-raises a flow's returned Failed state as FailedRun and logs it
    with a 40-line traceback; the run's own reason, on one line, is what an editor needs."""
    import logging

    from prefect.exceptions import FailedRun

    import newsl10n.flows.translate  # noqa: F401  (installs the filter, as the worker's import does)

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


def test_the_run_form_offers_the_engines_the_library_knows() -> None:
    """Prefect's form needs a literal type; its values are the library's one engine list."""
    from typing import get_args

    from newsl10n.config import ENGINE_NAMES
    from newsl10n.flows import translate as flow_module

    assert get_args(flow_module.EngineName) == ENGINE_NAMES
