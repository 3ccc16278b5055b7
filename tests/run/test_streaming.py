"""A batch on this process's threads streams: each article goes to every language's job as
soon as it is prepared, so the models start while the rest are still read and detected;
what it writes and reports is what the staged batch (the Prefect and Dask doors) gives."""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Sequence
from pathlib import Path

import pytest

import newsl10n.pipeline
import newsl10n.run
from newsl10n.config import Settings
from newsl10n.results import PairResult
from tests.helpers import Echo, only_stories, settings_for, write_story


class Announcing(Echo):
    """The instant engine, saying when it is first called."""

    called = threading.Event()

    def translate(self, texts: Sequence[str], source: str, target: str) -> list[str]:
        Announcing.called.set()
        return list(texts)


def test_the_models_start_while_the_batch_is_still_prepared(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    only_stories(project, 8)  # 3 segments each: chunks of two articles
    monkeypatch.setattr(newsl10n.pipeline, "CHUNK_SEGMENTS", 6)
    prepare = newsl10n.pipeline.prepare_article
    waited: list[bool] = []

    def last_waits_for_the_model(path: Path, *args: object, **kwargs: object) -> object:
        if path.name == "story-07.txt":
            waited.append(Announcing.called.wait(timeout=10))
        return prepare(path, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(newsl10n.pipeline, "prepare_article", last_waits_for_the_model)
    Announcing.called = threading.Event()
    report = newsl10n.run.run(settings_for(project, ("ru", "uk")), engines=Announcing)  # type: ignore[arg-type]
    assert waited == [True]  # the engine ran before the last article was prepared
    assert not report.failures
    assert len(report.results) == 16


def _row(r: PairResult) -> tuple[str, str, str | None, str | None, int]:
    return (r.slug, r.target, r.error, r.skipped, r.segments)


def _files(root: Path) -> dict[str, str]:
    return {
        p.relative_to(root).as_posix(): "\n".join(
            line for line in p.read_text(encoding="utf-8").splitlines() if "-Date:" not in line
        )
        for p in sorted(root.rglob("*"))
        if p.is_file() and p.suffix in (".po", ".pot") and ".locks" not in p.parts
    }


def _mixed_batch(sources: Path) -> None:
    """Articles that fail alone: unreadable, empty, a slug two sources share, one already
    in a target language."""
    sources.joinpath("empty.txt").write_text("   \n", encoding="utf-8")
    sources.joinpath("broken.md").write_text("---\nslug: [\n---\nText.\n", encoding="utf-8")
    write_story(sources, "twin.txt", 90)
    sources.joinpath("twin.md").write_text("# Twin\n\nThe same slug again.\n", encoding="utf-8")
    sources.joinpath("named.md").write_text(
        "---\nslug: story-03\n---\n# Named\n\nIt claims another story's slug.\n",
        encoding="utf-8",
    )
    sources.joinpath("russian.txt").write_text(
        "Совет собрался в понедельник\n\nСовет собрался в понедельник и принял план.\n",
        encoding="utf-8",
    )


def _run(
    settings: Settings, **options: object
) -> list[tuple[str, str, str | None, str | None, int]]:
    report = newsl10n.run.run(settings, engines=Echo, **options)  # type: ignore[arg-type]
    return sorted(_row(r) for r in report.results)


def test_the_streamed_batch_writes_and_reports_what_the_staged_batch_does(
    project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    sources = only_stories(project, 6)
    _mixed_batch(sources)
    monkeypatch.setattr(newsl10n.pipeline, "CHUNK_SEGMENTS", 4)
    streamed = settings_for(project, ("ru", "uk", "de"))
    staged = streamed.with_overrides(locales=tmp_path / "staged", bundles=tmp_path / "sb")
    rows = _run(streamed)
    assert rows == _run(staged, map_jobs=newsl10n.run.serial_map)
    assert _files(streamed.locales) == _files(staged.locales)
    refused = {slug for slug, target, error, _, _ in rows if error and target == "-"}
    assert refused == {"empty", "broken", "twin", "story-03"}
    # and again: nothing changed, nothing written, the same refusals
    assert _run(streamed) == _run(staged, map_jobs=newsl10n.run.serial_map)


class Crashing(Echo):
    def translate(self, texts: Sequence[str], source: str, target: str) -> list[str]:
        if target == "uk":
            raise RuntimeError("the model crashed")
        return list(texts)


def test_a_language_whose_model_crashes_fails_each_of_its_pairs_alone(project: Path) -> None:
    only_stories(project, 5)
    report = newsl10n.run.run(settings_for(project, ("ru", "uk")), engines=Crashing)  # type: ignore[arg-type]
    failed = sorted(r.slug for r in report.results if r.error)
    assert failed == [f"story-{n:02d}" for n in range(5)]
    assert all("the model crashed" in (r.error or "") for r in report.results if r.error)
    assert len(list((project / "locales" / "ru" / "LC_MESSAGES").glob("*.po"))) == 5


@pytest.mark.timeout(60)
def test_a_preparation_that_breaks_stops_the_run_without_hanging(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    only_stories(project, 6)
    prepare = newsl10n.pipeline.prepare_article

    def breaks(path: Path, *args: object, **kwargs: object) -> object:
        if path.name == "story-03.txt":
            raise RuntimeError("detector bug")
        return prepare(path, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(newsl10n.pipeline, "prepare_article", breaks)
    with pytest.raises(RuntimeError, match="detector bug"):
        newsl10n.run.run(settings_for(project, ("ru", "uk")), engines=Echo)  # type: ignore[arg-type]


@pytest.mark.timeout(30)
def test_a_fifo_named_as_an_article_is_refused_unread(project: Path) -> None:
    sources = project / "source_articles"
    os.mkfifo(sources / "pipe.md")  # planning its slug must not open it
    request = newsl10n.run.Request(articles=(sources / "pipe.md",))
    report = newsl10n.run.run(settings_for(project), request, engines=Echo)  # type: ignore[arg-type]
    assert "not a regular file" in (report.results[0].error or "")


@pytest.mark.parametrize("force", [False, True])
def test_a_front_matter_value_yaml_cannot_build_is_that_articles_failure(
    project: Path, force: bool
) -> None:
    sources = project / "source_articles"
    sources.joinpath("dated.md").write_text(
        "---\ndate: 2024-13-45\n---\n# Dated\n\nText.\n", encoding="utf-8"
    )
    request = newsl10n.run.Request(force=force)
    report = newsl10n.run.run(settings_for(project), request, engines=Echo)  # type: ignore[arg-type]
    (failure,) = report.failures
    assert failure.slug == "dated"
    assert "dated.md" in (failure.error or "") and "month must be in 1..12" in (failure.error or "")


class Slow(Echo):
    def translate(self, texts: Sequence[str], source: str, target: str) -> list[str]:
        time.sleep(0.5)
        return list(texts)


def test_an_interrupt_while_preparing_stops_the_languages_soon(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The jobs stop at their next article (an engine call under way ends first), instead
    of translating every article handed to them before the interrupt."""
    only_stories(project, 12)
    monkeypatch.setattr(newsl10n.pipeline, "CHUNK_SEGMENTS", 3)
    prepare = newsl10n.pipeline.prepare_article

    def interrupted(path: Path, *args: object, **kwargs: object) -> object:
        if path.name == "story-10.txt":
            raise KeyboardInterrupt
        return prepare(path, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(newsl10n.pipeline, "prepare_article", interrupted)
    started = time.monotonic()
    with pytest.raises(KeyboardInterrupt):
        newsl10n.run.run(settings_for(project, ("ru", "uk")), engines=Slow)  # type: ignore[arg-type]
    assert time.monotonic() - started < 2.5  # each language: one call of 0.5 s at most
    written = list((project / "locales").rglob("*.po"))
    assert len(written) <= 4


def test_the_progress_reaches_its_total_when_a_language_crashes(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    only_stories(project, 10)
    monkeypatch.setattr(newsl10n.pipeline, "CHUNK_SEGMENTS", 3)
    events: list[newsl10n.run.Event] = []
    newsl10n.run.run(
        settings_for(project, ("ru", "uk")),
        engines=Crashing,  # type: ignore[arg-type]
        progress=events.append,
    )
    last = [e for e in events if e.kind == "pairs"][-1]
    assert (last.done, last.total) == (20, 20)
