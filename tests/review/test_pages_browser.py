"""The review page in headless Chromium: what a person sees, and that nothing in it runs.

The browser is driven over the DevTools protocol on a pipe (no port, no network) by the
same ``Browser`` that scripts/review_screenshot.py uses. Skipped when Chromium is not
installed; CI installs it (``apt-get install chromium``).
"""

from __future__ import annotations

import importlib.util
import json
import struct
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

import polib
import pytest

from newsl10n.review.bundle import build_bundles
from newsl10n.review.findings import Findings
from tests.conftest import ROOT, SEED
from tests.helpers import SLUG, po_path
from tests.review.test_bundle import new_project, po_entry, translate_seed, write_catalog


def _load_script() -> ModuleType:
    path = ROOT / "scripts" / "review_screenshot.py"
    spec = importlib.util.spec_from_file_location("review_screenshot", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


script = _load_script()
CHROMIUM = script.find_chromium()
pytestmark = pytest.mark.skipif(
    CHROMIUM is None,
    reason="chromium is not installed: apt-get install -y chromium (CI installs it)",
)

INJECTED = (
    "Editors pasted <script>document.title='pwned'</script> and <script>alert(1)</script> "
    "and &amp; into the draft."
)
REVIEWED = "Strategic Implications"


@dataclass(frozen=True)
class Finding:
    severity: str
    message: str


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory, copy_models: Path) -> Path:
    """The seed with a paragraph of injected markup, translated to ru, one entry reviewed."""
    text = SEED.read_text(encoding="utf-8").replace(
        "\nReporting by", f"\n{INJECTED}\n\nReporting by"
    )
    project = new_project(tmp_path_factory.mktemp("browser"), text=text)
    translate_seed(project, ["ru"])
    path = po_path(project, "ru")
    po = polib.pofile(str(path))
    entry = next(e for e in po if e.msgid == REVIEWED)
    entry.msgstr = "Стратегические последствия"
    entry.flags.remove("fuzzy")
    po.save(str(path))
    write_catalog(
        project / "locales",
        "ar",
        [
            po_entry("title:t", "Title", "عنوان", fuzzy=False),
            po_entry("paragraph:p", "A.", "", position=(2, 1)),
        ],
        slug=SLUG,
    )
    injected = next(e for e in po if "alert(1)" in e.msgid)
    findings: Findings = {
        (str(path), injected.msgctxt): [Finding("warning", "markup in the text <b>")]
    }
    report = build_bundles(
        project / "locales",
        project / "bundles",
        root=project,
        findings=findings,
        highlight=lambda text, lang: [(0, 5)] if text.startswith("Putin") else [],
    )
    assert report.ok
    return project


@pytest.fixture(scope="module")
def b() -> Iterator[Any]:
    """One headless Chromium for the module (scripts/review_screenshot.py's Browser)."""
    with script.Browser(CHROMIUM) as chromium:
        yield chromium


def review_url(site: Path, lang: str = "ru") -> str:
    return (site / "bundles" / lang / SLUG / "review.html").as_uri()


def test_review_page_shows_every_segment_and_runs_nothing(site: Path, b: Any) -> None:
    b.open(review_url(site))
    assert b.console == []
    assert b.dialogs == []
    assert b.requests == [review_url(site)]  # nothing external, not even a favicon
    assert b.evaluate("document.title") == f"Review · {SLUG} · ru"
    assert b.evaluate("document.scripts.length") == 0
    po = polib.pofile(str(po_path(site, "ru")))
    live = [e for e in po if not e.obsolete]
    assert b.evaluate("document.querySelectorAll('tbody tr.segment').length") == len(live)
    text = b.evaluate("document.body.innerText")
    assert "<script>alert(1)</script>" in text
    assert "<script>document.title='pwned'</script>" in text
    assert "&amp;" in text and "markup in the text <b>" in text


def test_reviewed_entry_has_a_visible_reviewed_badge(site: Path, b: Any) -> None:
    b.open(review_url(site))
    po = polib.pofile(str(po_path(site, "ru")))
    reviewed = next(e for e in po if e.msgid == REVIEWED).msgctxt
    machine = next(e for e in po if e.msgid != REVIEWED).msgctxt
    badge = f"document.getElementById({json.dumps('seg-' + reviewed)}).querySelector('.badge')"
    assert b.evaluate(f"{badge}.innerText") == "reviewed"
    assert b.evaluate(f"{badge}.getBoundingClientRect().width") > 20
    other = f"document.getElementById({json.dumps('seg-' + machine)}).querySelector('.badge')"
    assert b.evaluate(f"{other}.innerText") == "machine"
    colour = "getComputedStyle({}).backgroundColor"
    assert b.evaluate(colour.format(badge)) != b.evaluate(colour.format(other))
    assert b.evaluate("document.querySelectorAll('tr.segment .badge.reviewed').length") == 1


def test_source_and_translation_sit_side_by_side(site: Path, b: Any) -> None:
    b.open(review_url(site), width=1280)
    box = "document.querySelector('tr.segment td.{}').getBoundingClientRect()"
    source = b.evaluate(f"JSON.parse(JSON.stringify({box.format('source')}))")
    target = b.evaluate(f"JSON.parse(JSON.stringify({box.format('translation')}))")
    assert source["top"] == target["top"] and source["right"] <= target["left"] + 1
    assert source["width"] > 300 and target["width"] > 300
    assert b.evaluate("document.querySelectorAll('mark').length") >= 2  # both columns


def test_article_and_index_pages(site: Path, b: Any) -> None:
    b.open((site / "bundles" / "ar" / SLUG / "article.html").as_uri())
    assert b.console == [] and b.evaluate("getComputedStyle(document.body).direction") == "rtl"
    assert b.evaluate("document.querySelector('h1').innerText") == "عنوان"
    b.open((site / "bundles" / "ru" / SLUG / "article.html").as_uri())
    assert b.console == [] and b.dialogs == []
    assert b.evaluate("document.documentElement.lang") == "ru"
    assert b.evaluate("document.querySelector('h2').innerText") == "Стратегические последствия"
    assert INJECTED in b.evaluate("document.body.innerText")
    b.open((site / "bundles" / "index.html").as_uri())
    assert b.console == []
    assert b.evaluate("document.querySelectorAll('td.cell a').length") == 2
    assert b.evaluate("document.querySelector('td.cell[data-lang=ar] .pct').innerText") == "50%1/2"


def test_screenshot_script_writes_a_png(site: Path, tmp_path: Path) -> None:
    out = tmp_path / "review.png"
    assert script.main(["--project", str(site), "--lang", "ru", "--out", str(out)]) == 0
    data = out.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", data[16:24])
    assert width == 1280 and height > 3000
