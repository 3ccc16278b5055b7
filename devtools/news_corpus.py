"""The real-news corpus (tests/fixtures/news_pages/): its gold files and how a layout is
scored against them, shared by the corpus tests and scripts/eval_html_extractors.py.

Each page has NAME.html (the page as saved), NAME.txt (a text scrape of it) and
NAME.gold.json (hand-checked): the accepted headline forms, the first words of every body
paragraph in order, the first words of the page-chrome blocks that must be left out, and
the extras (photo captions, standfirsts) that are counted but not required. A gold item
that ends in "…" is a prefix; one that does not is the block's whole text.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import lxml.html

from newsl10n.source.article import read_article
from newsl10n.source.html import declared_charset, decode_declared
from newsl10n.source.segment import Role, classify_blocks

PAGES = Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "news_pages"
GOLD: dict[str, dict[str, Any]] = {
    path.name.removesuffix(".gold.json"): json.loads(path.read_text("utf-8"))
    for path in sorted(PAGES.glob("*.gold.json"))
}


_PAGE_TAGS = ("p", "li", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "figcaption", "td")


def page_texts(html: str) -> list[str]:
    """The texts of a page's (or a fragment's) block elements."""
    tree = lxml.html.fromstring(html)
    return [norm(el.text_content()) for el in tree.iter(*_PAGE_TAGS)]


def page_html(name: str) -> str:
    """A corpus page decoded as the HTML reader decodes it."""
    path = PAGES / f"{name}.html"
    data = path.read_bytes()
    return decode_declared(path, data, declared_charset(data) or "utf-8")


def norm(text: str) -> str:
    return " ".join(text.split())


def _key(item: str) -> str:
    return norm(item).removesuffix("…")


def found_in(item: str, texts: Iterable[str]) -> bool:
    """A body paragraph is kept when its first words are in a kept block (a kicker or a
    caption glued before it does not count against it)."""
    key = _key(item)
    return any(key in norm(t) for t in texts)


def matches(item: str, text: str) -> bool:
    """A chrome item names a block: its whole text, or its first words when it ends in …"""
    text = norm(text)
    return text.startswith(_key(item)) if item.endswith("…") else text == norm(item)


@dataclass(frozen=True)
class Score:
    """How one layout of one page compares with its gold."""

    title: str | None
    title_ok: bool
    lost: tuple[str, ...]  # body paragraphs (present in the source) not kept
    paragraphs: int  # body paragraphs present in the source
    chrome_out: int  # chrome items present in the source and left out
    chrome_kept: tuple[str, ...]  # chrome items present in the source and kept as text
    extras_kept: int
    extras: int  # extras present in the source


def score(
    gold: dict[str, Any],
    source_text: str,
    title: str | None,
    kept: Sequence[str],
    headlines: Sequence[str] | None = None,
) -> Score:
    """Score one layout: ``source_text`` is all the text the source holds (what a gold item
    must be found in to count at all), ``kept`` the texts of the blocks kept for translation
    (title excluded), ``title`` the one taken as the headline."""
    source = norm(source_text)
    accepted = [norm(h) for h in (headlines or gold["headline"])]
    present = [p for p in gold["paragraphs"] if _key(p) in source]
    chrome = [c for c in gold["chrome"] if _key(c) in source]
    extras = [e for e in gold["extras"] if _key(e) in source]
    chrome_kept = tuple(c for c in chrome if any(matches(c, t) for t in kept))
    return Score(
        title=title,
        title_ok=title is not None and norm(title) in accepted,
        lost=tuple(p for p in present if not found_in(p, kept)),
        paragraphs=len(present),
        chrome_out=len(chrome) - len(chrome_kept),
        chrome_kept=chrome_kept,
        extras_kept=sum(1 for e in extras if found_in(e, [*kept, title or ""])),
        extras=len(extras),
    )


def source_text(name: str) -> str:
    """Everything a page holds, for telling which gold items it has at all: its scrape and
    its block elements' text."""
    scrape = (PAGES / f"{name}.txt").read_text("utf-8")
    return scrape + "\n" + "\n".join(page_texts(page_html(name)))


def read_score(name: str, suffix: str) -> Score:
    """newsl10n's own reading of a page, as saved HTML (".html") or as its scrape (".txt")."""
    gold = GOLD[name]
    roles = classify_blocks(read_article(PAGES / f"{name}{suffix}").blocks)
    titles = [b.text for b, r in roles if r is Role.TITLE]
    kept = [b.text for b, r in roles if r is not None and r is not Role.TITLE]
    if suffix == ".txt":  # what the scrape holds; the scraper's own form of the headline
        source = "\n".join(b.text for b, _ in roles)
        headlines = gold.get("headline_in_scrape", []) + gold["headline"]
        return score(gold, source, titles[0] if titles else None, kept, headlines)
    return score(gold, source_text(name), titles[0] if titles else None, kept)
