"""A batch translates chunk by chunk: the next chunk's engine call runs while the catalogs
of the one before are written, with the same catalogs as one call over everything."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from pathlib import Path
from typing import ClassVar

import polib
import pytest

import newsl10n.pipeline
import newsl10n.run
from newsl10n.config import EngineSettings
from newsl10n.errors import Newsl10nError
from tests.helpers import Echo, only_stories, settings_for


class Recording(Echo):
    """The instant engine, noting each call's size and thread."""

    calls: ClassVar[list[tuple[int, str]]] = []

    def __init__(self, _name: str = "echo", _settings: EngineSettings | None = None) -> None:
        pass

    def translate(self, texts: Sequence[str], source: str, target: str) -> list[str]:
        Recording.calls.append((len(texts), threading.current_thread().name))
        return list(texts)


def _catalogs(locales: Path) -> dict[str, str]:
    found = sorted((locales / "ru" / "LC_MESSAGES").glob("*.po"))
    return {p.name: _without_dates(p.read_text(encoding="utf-8")) for p in found}


def _without_dates(text: str) -> str:
    return "\n".join(line for line in text.splitlines() if "-Date:" not in line)


def test_a_batch_is_translated_in_chunks_beside_the_writing(
    project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    only_stories(project, 12)  # 3 segments each
    settings = settings_for(project)
    whole = settings.with_overrides(locales=tmp_path / "whole", bundles=tmp_path / "b1")
    Recording.calls = []
    newsl10n.run.run(whole, engines=Recording)  # type: ignore[arg-type]
    assert [n for n, _ in Recording.calls] == [36]  # under CHUNK_SEGMENTS: one call
    monkeypatch.setattr(newsl10n.pipeline, "CHUNK_SEGMENTS", 10)
    Recording.calls = []
    report = newsl10n.run.run(settings, engines=Recording)  # type: ignore[arg-type]
    assert not report.failures
    assert [n for n, _ in Recording.calls] == [12, 12, 12]  # whole articles, ~10 segments
    # The first chunk in the job's thread (nothing written yet to overlap it with), each
    # next one in the drafting thread while the chunk before is written.
    assert [name.startswith("drafts-ru") for _, name in Recording.calls] == [False, True, True]
    chunked = _catalogs(project / "locales")
    assert len(chunked) == 12
    assert chunked == _catalogs(tmp_path / "whole")  # the same catalogs as in one call


class FailingSecond(Recording):
    def translate(self, texts: Sequence[str], source: str, target: str) -> list[str]:
        if len(Recording.calls) == 1:
            raise RuntimeError("the model crashed")
        return super().translate(texts, source, target)


@pytest.mark.parametrize("map_jobs", [None, newsl10n.run.serial_map], ids=["streamed", "staged"])
def test_an_engine_crash_in_a_later_chunk_fails_the_pairs_left_undone_only(
    project: Path, monkeypatch: pytest.MonkeyPatch, map_jobs: newsl10n.run.MapJobs | None
) -> None:
    only_stories(project, 8)
    monkeypatch.setattr(newsl10n.pipeline, "CHUNK_SEGMENTS", 10)
    Recording.calls = []
    report = newsl10n.run.run(
        settings_for(project),
        engines=FailingSecond,  # type: ignore[arg-type]
        map_jobs=map_jobs,
    )
    assert len(_catalogs(project / "locales")) == 4  # the first chunk's four articles
    # those four are reported written, the four left undone failed with the engine's error
    rows = sorted((r.slug, r.error or None) for r in report.results)
    written = [(f"story-{n:02d}", None) for n in range(4)]
    undone = [(f"story-{n:02d}", "RuntimeError: the model crashed") for n in range(4, 8)]
    assert rows == written + undone


def _articles_sharing_a_line(folder: Path, count: int) -> None:
    """``count`` articles of 3 segments, the last one the same in all (boilerplate)."""
    for old in folder.iterdir():
        old.unlink()
    for n in range(count):
        folder.joinpath(f"story-{n:02d}.txt").write_text(
            f"Story number {n}\n\nThe council met on day {n}. Follow us for more news.\n",
            encoding="utf-8",
        )


def test_a_text_repeated_across_chunks_goes_to_the_engine_once(
    project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Boilerplate a newsroom repeats (a closing line, a recurring title) costs one engine
    call per job, as it did when a batch was one call: chunking must not translate it
    again in every chunk, and the catalogs are those of one call over everything."""
    _articles_sharing_a_line(project / "source_articles", 12)
    settings = settings_for(project)
    whole = settings.with_overrides(locales=tmp_path / "whole", bundles=tmp_path / "b1")
    Recording.calls = []
    newsl10n.run.run(whole, engines=Recording)  # type: ignore[arg-type]
    assert [n for n, _ in Recording.calls] == [25]  # 12 titles, 12 sentences, 1 shared
    monkeypatch.setattr(newsl10n.pipeline, "CHUNK_SEGMENTS", 10)
    Recording.calls = []
    report = newsl10n.run.run(settings, engines=Recording)  # type: ignore[arg-type]
    assert not report.failures
    # Three chunks of four articles; the shared sentence is sent in the first only.
    assert [n for n, _ in Recording.calls] == [9, 8, 8]
    assert sum(r.translated for r in report.results) == 36  # every catalog still has it
    assert _catalogs(project / "locales") == _catalogs(tmp_path / "whole")


class TimingOutFirst(Recording):
    """An engine whose first call fails as an engine fails (a timeout): a run's error."""

    def translate(self, texts: Sequence[str], source: str, target: str) -> list[str]:
        if not Recording.calls:
            Recording.calls.append((len(texts), "failed"))
            raise Newsl10nError(f"engine {source}-{target}: no answer in 60 s")
        return super().translate(texts, source, target)


def test_a_text_an_earlier_chunk_failed_is_sent_again(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Only translations are kept over the chunks: a text whose call failed is tried again
    where it recurs, not left empty with a note about another article's call."""
    _articles_sharing_a_line(project / "source_articles", 8)
    monkeypatch.setattr(newsl10n.pipeline, "CHUNK_SEGMENTS", 10)
    Recording.calls = []
    newsl10n.run.run(settings_for(project), engines=TimingOutFirst)  # type: ignore[arg-type]
    assert [n for n, _ in Recording.calls] == [9, 9]  # the shared sentence sent again
    later = polib.pofile(str(project / "locales" / "ru" / "LC_MESSAGES" / "story-07.po"))
    assert all(e.msgstr for e in later if not e.obsolete)


def test_the_languages_write_their_catalogs_one_pair_at_a_time(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Writing a catalog, its QA and its bundle is Python that holds the interpreter's lock:
    two languages' jobs finish one pair at a time (their models draft beside it) instead of
    taking that lock from each other every few milliseconds."""
    only_stories(project, 6)
    finish = newsl10n.pipeline._finish_pair
    busy: list[str] = []
    overlaps: list[tuple[str, ...]] = []

    def watched(*args: object, **kwargs: object) -> object:
        busy.append(threading.current_thread().name)
        if len(busy) > 1:
            overlaps.append(tuple(busy))
        try:
            threading.Event().wait(0.01)  # a pair's writing, long enough to meet the other
            return finish(*args, **kwargs)  # type: ignore[arg-type]
        finally:
            busy.remove(threading.current_thread().name)

    monkeypatch.setattr(newsl10n.pipeline, "_finish_pair", watched)
    settings = settings_for(project, ("ru", "uk"))
    report = newsl10n.run.run(settings, engines=Recording)  # type: ignore[arg-type]
    assert not report.failures
    assert len(report.results) == 12
    assert overlaps == []
