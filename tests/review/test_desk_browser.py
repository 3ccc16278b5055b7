"""The review desk in headless Chromium: an editor opens the page, edits and approves an
entry, and the catalog holds exactly that decision.

The app runs under uvicorn on a free 127.0.0.1 port in a thread; the browser is driven over
the DevTools protocol by scripts/review_screenshot.py's ``Browser``. Skipped when Chromium
is not installed; CI installs it (``apt-get install chromium``).
"""

from __future__ import annotations

import json
import shutil
import socket
import subprocess
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import polib
import pytest
import uvicorn

from newsl10n.review.desk import create_app
from tests.review.test_desk import SLUG, TITLE, blocks, catalog_file, desk_for, site
from tests.review.test_pages_browser import CHROMIUM, script

__all__ = ["site"]  # the fixture, shared with test_desk.py
pytestmark = pytest.mark.skipif(
    CHROMIUM is None,
    reason="chromium is not installed: apt-get install -y chromium (CI installs it)",
)
APPROVED = "Стратегические последствия"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def served(site: Path) -> Iterator[str]:
    """The desk on http://127.0.0.1:<port>, stopped after the test."""
    port = free_port()
    config = uvicorn.Config(
        create_app(desk_for(site)), host="127.0.0.1", port=port, log_level="warning"
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        assert time.monotonic() < deadline and thread.is_alive(), "uvicorn did not start"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)


@pytest.fixture
def b() -> Iterator[Any]:
    with script.Browser(CHROMIUM) as chromium:
        yield chromium


def test_edit_and_approve_in_the_browser(served: str, site: Path, b: Any) -> None:
    path = catalog_file(site)
    before = blocks(path)
    target = next(e for e in polib.pofile(str(path)) if e.msgid == TITLE)
    b.open(f"{served}/")
    cell = "document.querySelector('td.cell[data-lang=ru]')"
    reviewed = int(b.evaluate(f"{cell}.dataset.reviewed"))
    segments = int(b.evaluate(f"{cell}.dataset.segments"))
    b.follow(f"{cell}.querySelector('a').click()")
    assert b.evaluate("location.pathname") == f"/ru/{SLUG}"
    assert b.console == [] and b.dialogs == []
    assert f"{served}/static/desk.js" in b.requests
    assert b.evaluate("[...document.scripts].every(s => s.src)")  # nothing inline

    b.press("n")  # the keyboard script is running: the first entry needing review is picked
    assert b.evaluate("document.querySelectorAll('tr.segment.current').length") == 1

    row = f"document.getElementById({json.dumps('seg-' + target.msgctxt)})"
    b.evaluate(f"{row}.querySelector('textarea').value = {json.dumps(APPROVED)}")
    b.follow(f"{row}.querySelector('button[value=approve]').click()")
    assert b.console == []
    assert b.evaluate("document.querySelector('.notice.ok').innerText").startswith("saved #")
    assert b.evaluate(f"{row}.dataset.state") == "reviewed"

    done = next(e for e in polib.pofile(str(path)) if e.msgctxt == target.msgctxt)
    assert done.msgstr == APPROVED and "fuzzy" not in done.flags
    if shutil.which("msgfmt"):
        subprocess.run(["msgfmt", "-c", "-o", "/dev/null", str(path)], check=True)
    after = blocks(path)
    assert len(after) == len(before)
    changed = [i for i, (x, y) in enumerate(zip(before, after, strict=True)) if x != y]
    assert changed[0] == 0 and len(changed) == 2  # the header and that one entry
    assert APPROVED in after[changed[1]]

    b.open(f"{served}/")
    assert int(b.evaluate(f"{cell}.dataset.reviewed")) == reviewed + 1
    pct = round(100 * (reviewed + 1) / segments)
    shown = b.evaluate(f"{cell}.querySelector('.pct').innerText")
    assert shown == f"{pct}%{reviewed + 1}/{segments}"


def test_ctrl_enter_saves_a_draft(served: str, site: Path, b: Any) -> None:
    path = catalog_file(site)
    target = next(e for e in polib.pofile(str(path)) if e.msgid == TITLE)
    b.open(f"{served}/ru/{SLUG}")
    row = f"document.getElementById({json.dumps('seg-' + target.msgctxt)})"
    b.evaluate(f"{row}.querySelector('textarea').value = 'Черновик'")
    b.evaluate(f"{row}.querySelector('textarea').focus()")
    b.follow(lambda: b.press("Enter", modifiers=2))
    saved = next(e for e in polib.pofile(str(path)) if e.msgctxt == target.msgctxt)
    assert saved.msgstr == "Черновик" and "fuzzy" in saved.flags
