"""The static index after desk saves: written once for saves in a row, never by the save
itself (unless there is none yet), and whatever is pending when the desk stops."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from newsl10n.review.refresh import IndexRefresh


class Timers:
    """A hand-driven scheduler: the test decides when a delay has passed."""

    def __init__(self) -> None:
        self.armed: list[Timer] = []

    def __call__(self, delay: float, function: Callable[[], None]) -> Timer:
        timer = Timer(function)
        self.armed.append(timer)
        return timer

    def fire(self) -> None:
        for timer in list(self.armed):
            timer.fire()


class Timer:
    def __init__(self, function: Callable[[], None]) -> None:
        self.function = function
        self.cancelled = False

    def cancel(self) -> None:
        self.cancelled = True

    def fire(self) -> None:
        if not self.cancelled:
            self.cancelled = True
            self.function()


def refresh_of(tmp_path: Path) -> tuple[IndexRefresh, Timers, list[int]]:
    index = tmp_path / "index.html"
    written: list[int] = []

    def write() -> None:
        written.append(1)
        index.write_text("index")

    timers = Timers()
    return IndexRefresh(index, write, schedule=timers), timers, written


def test_saves_in_a_row_make_one_write_after_them(tmp_path: Path) -> None:
    refresh, timers, written = refresh_of(tmp_path)
    (tmp_path / "index.html").write_text("old")
    for _ in range(5):
        refresh.soon()
    assert written == []  # no save waits for the index
    assert sum(not t.cancelled for t in timers.armed) == 1
    timers.fire()
    assert len(written) == 1
    timers.fire()
    refresh.flush()
    assert len(written) == 1  # nothing pending: nothing written


def test_stopping_writes_what_is_pending(tmp_path: Path) -> None:
    refresh, timers, written = refresh_of(tmp_path)
    (tmp_path / "index.html").write_text("old")
    refresh.soon()
    refresh.flush()  # the desk stops before the delay
    assert len(written) == 1
    timers.fire()
    assert len(written) == 1


def test_a_missing_index_is_written_at_once(tmp_path: Path) -> None:
    refresh, timers, written = refresh_of(tmp_path)
    refresh.soon()
    assert len(written) == 1 and not timers.armed
    refresh.soon()
    assert len(written) == 1 and len(timers.armed) == 1
