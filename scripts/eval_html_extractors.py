"""Compare HTML article extractors on the real-news corpus (tests/fixtures/news_pages/).

For each extractor: headlines found, body paragraphs kept, chrome left out, and extras
(captions, standfirsts) kept, scored against the hand-checked gold the tests use. The
newsl10n reader (trafilatura on a hardened tree, plus the page's own headline and figure
captions) is scored the same way. readability-lxml and jusText are measured, not used; run
with them installed::

    pip install readability-lxml==0.9 justext==3.0.2
    python scripts/eval_html_extractors.py [-v]
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "src"), str(ROOT)]

from devtools.news_corpus import (  # noqa: E402
    GOLD,
    PAGES,
    Score,
    page_html,
    page_texts,
    score,
)
from newsl10n.source.article import read_article  # noqa: E402
from newsl10n.source.segment import Role, classify_blocks  # noqa: E402

Extracted = tuple[str | None, list[str], list[str]]  # title, kept texts, all texts
_STOPLISTS = {"en": "English", "de": "German", "fr": "French", "es": "Spanish"}
_STOPLISTS |= {"ru": "Russian", "ko": "Korean", "ar": "Arabic", "zh": "English"}


def newsl10n_reader(name: str, lang: str) -> Extracted:
    roles = classify_blocks(read_article(PAGES / f"{name}.html").blocks)
    title = next((b.text for b, r in roles if r is Role.TITLE), None)
    kept = [b.text for b, r in roles if r is not None and r is not Role.TITLE]
    return title, kept, [b.text for b, _ in roles]


def trafilatura_with(**options: Any) -> Callable[[str, str], Extracted]:
    def run(name: str, lang: str) -> Extracted:
        import trafilatura

        html = page_html(name)
        text = trafilatura.extract(html, include_comments=False, **options) or ""
        meta = trafilatura.extract_metadata(html)
        kept = [ln for ln in text.split("\n") if ln.strip()]
        return (meta.title if meta else None), kept, kept

    return run


def readability(name: str, lang: str) -> Extracted:
    from readability import Document  # type: ignore[import-untyped]

    doc = Document(page_html(name))
    kept = [t for t in page_texts(doc.summary(html_partial=True)) if t]
    return doc.short_title(), kept, kept


def justext_run(name: str, lang: str) -> Extracted:
    import justext  # type: ignore[import-untyped]

    stoplist = justext.get_stoplist(_STOPLISTS[lang])
    paragraphs = justext.justext((PAGES / f"{name}.html").read_bytes(), stoplist)
    kept = [p.text for p in paragraphs if not p.is_boilerplate]
    return None, kept, kept  # jusText finds no headline


EXTRACTORS: dict[str, Callable[[str, str], Extracted]] = {
    "newsl10n reader (trafilatura 2.3.1 + page structure)": newsl10n_reader,
    "trafilatura 2.3.1, default": trafilatura_with(),
    "trafilatura 2.3.1, favor_recall": trafilatura_with(favor_recall=True),
    "trafilatura 2.3.1, favor_precision": trafilatura_with(favor_precision=True),
    "readability-lxml 0.9": readability,
    "jusText 3.0.2": justext_run,
}


def evaluate(run: Callable[[str, str], Extracted]) -> list[tuple[str, Score]]:
    scores = []
    for name, gold in GOLD.items():
        try:
            title, kept, _ = run(name, gold["lang"])
        except Exception as err:  # an extractor that fails on a page scores nothing there
            print(f"  {name}: {type(err).__name__}: {err}", file=sys.stderr)
            title, kept = None, []
        source = (
            (PAGES / f"{name}.txt").read_text("utf-8")
            + "\n"
            + "\n".join(page_texts(page_html(name)))
        )
        scores.append((name, score(gold, source, title, kept)))
    return scores


def main() -> None:
    verbose = "-v" in sys.argv
    print("| extractor | headlines | body paragraphs kept | chrome left out | extras kept |")
    print("|---|---|---|---|---|")
    for label, run in EXTRACTORS.items():
        scores = evaluate(run)
        titles = sum(1 for _, s in scores if s.title_ok)
        kept = sum(s.paragraphs - len(s.lost) for _, s in scores)
        body = sum(s.paragraphs for _, s in scores)
        out = sum(s.chrome_out for _, s in scores)
        chrome = sum(s.chrome_out + len(s.chrome_kept) for _, s in scores)
        extras = sum(s.extras_kept for _, s in scores)
        all_extras = sum(s.extras for _, s in scores)
        print(
            f"| {label} | {titles}/{len(scores)} | {kept}/{body} | {out}/{chrome} "
            f"| {extras}/{all_extras} |"
        )
        if verbose:
            for name, s in scores:
                if not s.title_ok or s.lost or s.chrome_kept:
                    print(f"    {name}: title={s.title!r} lost={s.lost} kept={s.chrome_kept}")


if __name__ == "__main__":
    main()
