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
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import polib
import pytest
import uvicorn

from newsl10n.review.desk import create_app
from tests.conftest import SEED
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


EDITOR = """
import sys
from pathlib import Path
path, ctxt = Path(sys.argv[1]), sys.argv[2]
blocks = path.read_text(encoding="utf-8").split("\\n\\n")
at = next(i for i, b in enumerate(blocks) if f'msgctxt "{ctxt}"' in b)
blocks[at] = "# Boris: keep the agency's wording\\n" + blocks[at].replace("#, fuzzy\\n", "")
path.write_text("\\n\\n".join(blocks), encoding="utf-8")
"""


def test_a_file_edited_under_the_open_page_is_a_conflict_then_saved_with_both(
    served: str, site: Path, b: Any
) -> None:
    """A translator approves the entry and adds a comment in a text editor (another
    process) while the page is open; the editor's Save draft shows both versions and
    writes nothing; saving again keeps the translator's comment and approval wherever
    the editor did not touch them, and the editor's new text, as a draft."""
    path = catalog_file(site)
    target = next(e for e in polib.pofile(str(path)) if e.msgid == TITLE)
    b.open(f"{served}/ru/{SLUG}")
    subprocess.run([sys.executable, "-c", EDITOR, str(path), target.msgctxt], check=True)
    edited = path.read_bytes()
    row = f"document.getElementById({json.dumps('seg-' + target.msgctxt)})"
    b.evaluate(f"{row}.querySelector('textarea').value = {json.dumps(APPROVED)}")
    b.follow(f"{row}.querySelector('button[value=save]').click()")
    assert path.read_bytes() == edited
    notice = b.evaluate("document.querySelector('.notice.error').innerText")
    assert "was changed in the file" in notice and "not saved" in notice
    box = b.evaluate(f"{row}.querySelector('.conflict').innerText")
    assert "Boris: keep the agency's wording" in box and APPROVED in box
    assert "IN THE FILE NOW · REVIEWED" in box.upper()
    assert b.evaluate(f"{row}.querySelector('textarea').value") == APPROVED
    b.follow(f"{row}.querySelector('button[value=save]').click()")
    assert b.evaluate("document.querySelector('.notice.ok').innerText").startswith("saved #")
    saved = next(e for e in polib.pofile(str(path)) if e.msgctxt == target.msgctxt)
    assert saved.msgstr == APPROVED and saved.tcomment == "Boris: keep the agency's wording"
    assert "fuzzy" in saved.flags  # a new text is a draft: the approval was of the old one
    if shutil.which("msgfmt"):
        subprocess.run(["msgfmt", "-c", "-o", "/dev/null", str(path)], check=True)
    assert [c for c in b.console if "status of 409 (Conflict)" not in c] == []


def test_an_unclosed_override_reorders_nothing_after_it(served: str, site: Path, b: Any) -> None:
    """A residue line of the source with an unclosed RIGHT-TO-LEFT OVERRIDE: the page's
    own words after it ("(line N)") stay after it on screen."""
    article = site / "source_articles" / SEED.name
    text = article.read_text(encoding="utf-8").rstrip("\n")
    article.write_text(f"{text}\n\n© \u202eNEWS AGENCY 2024\n", encoding="utf-8")
    b.open(f"{served}/ru/{SLUG}")
    found = b.evaluate(
        """(() => {
        const bdi = [...document.querySelectorAll('p.residue bdi')]
            .find(x => x.textContent.includes('\\u202e'));
        if (!bdi) return null;
        const range = document.createRange();
        range.selectNodeContents(bdi.nextSibling);
        const after = range.getBoundingClientRect(), own = bdi.getBoundingClientRect();
        return [after.left, own.right, bdi.nextSibling.textContent];
    })()"""
    )
    assert found is not None, "the residue line is not on the page"
    after_left, own_right, words = found
    assert words.startswith(" (line ") and after_left >= own_right - 1, found
