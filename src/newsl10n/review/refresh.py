"""``bundles/index.html`` kept current after desk saves, without making a save wait for it.

The static index has a row for every bundle on disk, so writing it costs time in
proportion to the catalogs (about 0.6 s of CPU at 2,000). A save rebuilds its own bundle
at once (one catalog's work) and only asks for the index: it is written ``delay`` seconds
after the last such request, in a background thread (saves in a row make one write), and
at the latest when the desk stops. A bundles folder with no index yet gets one at once.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path
from typing import Protocol

DELAY_SECONDS = 2.0


class Cancellable(Protocol):
    def cancel(self) -> None: ...


# (delay, function) -> something that runs the function after the delay unless cancelled
Schedule = Callable[[float, Callable[[], None]], Cancellable]


def _timer(delay: float, function: Callable[[], None]) -> Cancellable:
    timer = threading.Timer(delay, function)
    timer.daemon = True  # ``flush`` at shutdown writes what is pending
    timer.start()
    return timer


class IndexRefresh:
    """Debounced writes of one index page; thread-safe."""

    def __init__(
        self,
        index: Path,
        write: Callable[[], object],
        *,
        delay: float = DELAY_SECONDS,
        schedule: Schedule = _timer,
    ) -> None:
        self.index = index
        self._write = write
        self._delay = delay
        self._schedule = schedule
        self._lock = threading.Lock()  # guards _pending and _timer
        self._writing = threading.Lock()  # one write at a time
        self._pending = False
        self._timer: Cancellable | None = None
        self.writes = 0

    def soon(self) -> None:
        """Ask for the index to be written (after ``delay``; now when there is none)."""
        if not self.index.exists():
            with self._lock:
                self._pending = True
            self.flush()
            return
        with self._lock:
            self._pending = True
            if self._timer is not None:
                self._timer.cancel()
            self._timer = self._schedule(self._delay, self.flush)

    def flush(self) -> None:
        """Write the index now if a write is pending (the timer's job, and the desk's at
        shutdown)."""
        with self._writing:
            with self._lock:
                if not self._pending:
                    return
                self._pending = False
                if self._timer is not None:
                    self._timer.cancel()
                    self._timer = None
            self._write()
            self.writes += 1
