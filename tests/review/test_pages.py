"""Review and index pages: every state visible, everything escaped, nothing external."""

from __future__ import annotations

import html.parser
import importlib.resources
import re
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import polib
import pytest

import newsl10n.run
from newsl10n.review.bundle import build_bundles
from newsl10n.review.findings import Findings
from newsl10n.review.pages import mark_text, merge_spans
from tests.conftest import SEED
from tests.helpers import po_name, po_path
from tests.review.test_bundle import STORY, po_entry, write_catalog

EVIL = "<script>alert(1)</script> &amp; \"quoted\" 'single' </td></tr><img src=x onerror=alert(2)>"


@dataclass(frozen=True)
class Finding:
    severity: str
    message: str


class Page(html.parser.HTMLParser):
    """What a browser would build: elements with their attributes, and the visible text."""

    def __init__(self, markup: str) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict[str, str | None]]] = []
        self.text = ""
        self._skip = 0
        self.feed(markup)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append((tag, dict(attrs)))
        self._skip += tag in ("style", "title")

    def handle_endtag(self, tag: str) -> None:
        self._skip -= tag in ("style", "title")

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.text += data

    def tags(self, name: str) -> list[dict[str, str | None]]:
        return [attrs for tag, attrs in self.elements if tag == name]


def terms(text: str, lang: str) -> list[tuple[int, int]]:
    """A stand-in for the glossary: Pyongyang/Пхеньян, plus sloppy spans to clean up."""
    spans = [(m.start(), m.end()) for m in re.finditer("Pyongyang|Пхеньян", text)]
    return [*spans, *[(a + 2, b + 50) for a, b in spans], (-5, 0), (10_000, 10_001)]


def build_story(tmp_path: Path, findings: Findings | None = None) -> Path:
    write_catalog(tmp_path / "locales", "ru", STORY)
    report = build_bundles(
        tmp_path / "locales", tmp_path / "bundles", root=tmp_path, findings=findings
    )
    assert report.ok, report
    return tmp_path / "bundles" / "ru" / "story" / "review.html"


def test_one_row_per_segment_with_state_badge_and_catalog_line(tmp_path: Path) -> None:
    review = build_story(tmp_path)
    page = Page(review.read_text(encoding="utf-8"))
    rows = [a for a in page.tags("tr") if "segment" in (a.get("class") or "").split()]
    assert [r["id"] for r in rows] == [f"seg-{e.msgctxt}" for e in STORY]
    # The hand-made catalog's fuzzy entries carry no machine fingerprint: drafts.
    assert [r["data-state"] for r in rows] == [
        "draft", "reviewed", "reviewed", "draft", "untranslated", "draft", "changed",
    ]  # fmt: skip
    po = polib.pofile(str(po_path(tmp_path, "ru", "story")))
    for entry in po:
        assert f"edit {po_name('ru', 'story')}:{entry.linenum}" in page.text
    assert "was: Old sentence." in page.text
    assert "3 of 7 segments" not in page.text and "2 of 7 segments" in page.text
    assert page.tags("html")[0] == {"lang": "en", "dir": "ltr"}
    assert {"lang": "ru", "dir": "ltr", "class": "translation"} in page.tags("td")


def test_article_text_catalog_content_and_findings_are_escaped(tmp_path: Path) -> None:
    entries = [
        po_entry("title:t", f"Title {EVIL}", f"Заголовок {EVIL}", notes=[f"note {EVIL}"]),
        po_entry("paragraph:p", EVIL, EVIL, position=(2, 1), previous=EVIL),
    ]
    entries[1].tcomment = f"translator {EVIL}"
    path = write_catalog(
        tmp_path / "locales",
        "ru",
        entries,
        **{"X-Source-File": EVIL, "X-Machine-Translation": EVIL},
    )
    findings: Findings = {
        (str(path), "paragraph:p"): [Finding(f"warning{EVIL}", EVIL)],
        (str(path), ""): [Finding("error", EVIL)],
    }
    report = build_bundles(
        tmp_path / "locales", tmp_path / "bundles", root=tmp_path, findings=findings,
        highlight=lambda text, lang: [(0, 9)],
    )  # fmt: skip
    assert report.ok
    folder = tmp_path / "bundles" / "ru" / "story"
    for name in ("review.html", "article.html"):
        markup = (folder / name).read_text(encoding="utf-8")
        page = Page(markup)
        assert not page.tags("script") and not page.tags("img"), name
        assert all(not k.startswith("on") for _, attrs in page.elements for k in attrs), name
        assert EVIL in page.text, name
    index = Page((tmp_path / "bundles" / "index.html").read_text(encoding="utf-8"))
    assert not index.tags("script") and f"Title {EVIL}" in index.text
    review = Page((folder / "review.html").read_text(encoding="utf-8"))
    assert f"note {EVIL}" in review.text and f"translator: translator {EVIL}" in review.text
    assert review.text.count(EVIL) >= 8


def test_pages_forbid_scripts_and_load_nothing_external(tmp_path: Path) -> None:
    review = build_story(tmp_path)
    for path in (review, review.parent / "article.html", tmp_path / "bundles" / "index.html"):
        page = Page(path.read_text(encoding="utf-8"))
        (csp,) = [m for m in page.tags("meta") if m.get("http-equiv") == "Content-Security-Policy"]
        assert "default-src 'none'" in (csp["content"] or "")
        assert not page.tags("script")
        links = [a.get("href") or "" for a in page.tags("a")] + [
            link.get("href") or "" for link in page.tags("link")
        ]
        assert not [h for h in links if h.startswith(("http:", "https:", "//"))]


def test_glossary_terms_are_highlighted_in_both_columns(tmp_path: Path) -> None:
    entries = [
        po_entry(
            "title:t", "Leaders meet in Pyongyang", "Лидеры встречаются в Пхеньяне", fuzzy=False
        )
    ]
    write_catalog(tmp_path / "locales", "ru", entries)
    build_bundles(tmp_path / "locales", tmp_path / "bundles", root=tmp_path, highlight=terms)
    markup = (tmp_path / "bundles" / "ru" / "story" / "review.html").read_text(encoding="utf-8")
    marks = re.findall(r"<mark>(.*?)</mark>", markup)
    assert marks == ["highlighted", "Pyongyang", "Пхеньяне"]  # legend, source, translation


def test_spans_are_clipped_sorted_and_merged() -> None:
    assert merge_spans([(5, 8), (0, 2), (1, 3), (7, 20), (-4, -1), (9, 9)], 12) == [
        (0, 3),
        (5, 12),
    ]
    assert mark_text("a <b> c", "en", lambda t, lang: [(2, 5)]) == [
        ("a ", False),
        ("<b>", True),
        (" c", False),
    ]
    assert mark_text("text", "en", None) == [("text", False)]
    assert mark_text("", "en", terms) == []


def test_findings_are_listed_and_shown_in_their_row(tmp_path: Path) -> None:
    path = po_path(tmp_path, "ru", "story")
    findings: Findings = {
        (po_name("ru", "story"), "paragraph:p1"): [
            Finding("warning", "glossary: Pyongyang should be Пхеньян"),
            Finding("error", "number 24 missing"),
        ],
        (str(path), ""): [Finding("info", "catalog-wide note")],
    }
    review = build_story(tmp_path, findings=findings)
    markup = review.read_text(encoding="utf-8")
    assert "Checks found 3 issues" in markup
    row = markup.split('id="seg-paragraph:p1"')[1].split("</tr>")[0]
    assert "has-error" in markup.split('id="seg-paragraph:p1"')[1].split(">")[0]
    assert row.index("number 24 missing") < row.index("glossary: Pyongyang")  # errors first
    assert '<a href="#seg-paragraph:p1">#4</a>' in markup


def test_index_covers_every_bundle_on_disk(tmp_path: Path) -> None:
    locales = tmp_path / "locales"
    write_catalog(locales, "ru", STORY)
    write_catalog(locales, "de", [po_entry("title:t", "Other", "Andere", fuzzy=False)], "other")
    write_catalog(locales, "ar", [po_entry("title:t", "Other", "", fuzzy=False)], "other")
    build_bundles(locales, tmp_path / "bundles", root=tmp_path)
    # A later build of one language must not drop the others from the index.
    build_bundles(locales, tmp_path / "bundles", ["ru"], root=tmp_path)
    page = Page((tmp_path / "bundles" / "index.html").read_text(encoding="utf-8"))
    cells = [(c["data-lang"], c.get("data-reviewed")) for c in page.tags("td")]
    assert cells == [
        ("ar", "0"), ("de", "1"), ("ru", None),  # "other": ar 0/1, de 1/1, no ru
        ("ar", None), ("de", None), ("ru", "2"),  # "story": ru 2/7 only
    ]  # fmt: skip
    hrefs = {a.get("href") for a in page.tags("a")}
    assert {"ru/story/review.html", "de/other/review.html", "ar/other/review.html"} <= hrefs
    assert "100%" in page.text and "29%" in page.text and "0%" in page.text
    assert "العربية" in page.text and "русский" in page.text


def test_templates_ship_inside_the_package() -> None:
    folder = importlib.resources.files("newsl10n") / "templates"
    names = {p.name for p in folder.iterdir()}
    assert {"review.html.j2", "index.html.j2", "article.html.j2"} <= names


@pytest.mark.parametrize("lang", ["ar", "he"])
def test_review_of_a_right_to_left_language(tmp_path: Path, lang: str) -> None:
    entries = [po_entry("title:t", "Title", "עברית" if lang == "he" else "عنوان", fuzzy=False)]
    write_catalog(tmp_path / "locales", lang, entries)
    build_bundles(tmp_path / "locales", tmp_path / "bundles", root=tmp_path)
    page = Page((tmp_path / "bundles" / lang / "story" / "review.html").read_text("utf-8"))
    assert {"lang": lang, "dir": "rtl", "class": "translation"} in page.tags("td")
    assert {"lang": lang, "dir": "rtl"} in page.tags("h1")


def test_review_page_shows_the_lines_left_out_as_residue(project: Path, copy_models: Path) -> None:
    from click.testing import CliRunner

    from newsl10n.cli import main

    result = CliRunner().invoke(main, ["--project", str(project), "run", "--to", "de"])
    assert result.exit_code == 0, result.output
    page = (project / "bundles" / "de" / SEED.stem / "review.html").read_text(encoding="utf-8")
    assert "left out as scraping residue" in page and "<q>COMMENTS</q>" in page
    assert "newsl10n-mt:" not in page and "newsl10n-score:" not in page  # bookkeeping


def test_a_run_compiles_the_bundle_templates_while_its_models_translate(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Jinja compiles a template at its first render (60-70 ms for a bundle's): a run
    compiles them in its own thread once every article is prepared, while the models
    translate, so the first pair's bundle does not wait for it after the model. What the
    run then renders (review page, article page, index) compiles nothing more."""
    from newsl10n.review import render
    from tests.helpers import Echo, settings_for

    env = render.templates()
    compiled: list[tuple[str, str]] = []
    original = env.compile

    def counted(source: str, name: str | None = None, *args: Any, **kwargs: Any) -> Any:
        compiled.append((name or "?", threading.current_thread().name))
        return original(source, name, *args, **kwargs)

    monkeypatch.setattr(env, "compile", counted)
    assert env.cache is not None
    env.cache.clear()  # as in a fresh process

    class Slow(Echo):
        """A model slower than the compiling (as every real one is)."""

        def translate(self, texts: Sequence[str], source: str, target: str) -> list[str]:
            deadline = time.monotonic() + 30
            while len(compiled) < len(render.BUNDLE_TEMPLATES) and time.monotonic() < deadline:
                time.sleep(0.01)
            return list(texts)

    settings = settings_for(project, ("de", "ru"))
    report = newsl10n.run.run(settings, newsl10n.run.Request(), engines=Slow)  # type: ignore[arg-type]
    assert report.ok
    assert sorted(name for name, _ in compiled) == sorted(render.BUNDLE_TEMPLATES)
    assert {thread for _, thread in compiled} == {threading.current_thread().name}
