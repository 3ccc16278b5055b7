"""Two engines side by side on one article: a second opinion for editors.

Nothing is written to catalogs: the comparison is read-only, so it never disturbs a
translator's work. The page shows each engine's glossary-enforced output per segment,
with glossary terms highlighted and the terms an engine could not keep named.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from newsl10n import __version__
from newsl10n.catalog.store import atomic_write
from newsl10n.config import Settings
from newsl10n.engines import get_engine
from newsl10n.errors import Newsl10nError
from newsl10n.glossary.enforce import Outcome, translate_with_glossary
from newsl10n.glossary.match import find_terms
from newsl10n.glossary.model import Glossary
from newsl10n.results import PreparedArticle
from newsl10n.review.pages import mark_text
from newsl10n.review.paths import bundle_folder
from newsl10n.review.render import templates


@dataclass(frozen=True)
class Column:
    """One engine's output for every segment, or why there is none."""

    engine: str
    model: str = ""
    outcomes: tuple[Outcome, ...] = ()
    error: str = ""


def compare_engines(
    prepared: PreparedArticle,
    target: str,
    engines: Sequence[str],
    settings: Settings,
    glossary: Glossary,
) -> list[Column]:
    """Translate the article with each engine (glossary enforced); a missing engine or pair
    becomes a column with its error, the others still run."""
    source = prepared.language.lang
    texts = [s.text for s in prepared.segments]
    columns: list[Column] = []
    for name in engines:
        try:
            engine = get_engine(name, settings.engine_settings)
            model = engine.model_version(source, target)
            outcomes = translate_with_glossary(engine, texts, source, target, glossary)
        except Newsl10nError as err:
            columns.append(Column(name, error=str(err)))
            continue
        columns.append(Column(name, model, tuple(outcomes)))
    return columns


def write_compare_page(
    prepared: PreparedArticle,
    target: str,
    columns: Sequence[Column],
    settings: Settings,
    glossary: Glossary,
) -> Path:
    """``bundles/<lang>/<slug>/compare.html``: source | engine | engine, escaped."""

    def highlight(text: str, lang: str) -> list[tuple[int, int]]:
        return [(m.start, m.span_end) for m in find_terms(text, glossary, lang)]

    source_lang = prepared.language.lang
    rows = [
        {
            "number": n,
            "role": seg.role.value,
            "source": mark_text(seg.text, seg.lang or source_lang, highlight),
            "cells": [
                {
                    "text": mark_text(c.outcomes[n - 1].text, target, highlight),
                    "missing": c.outcomes[n - 1].missing,
                }
                if c.outcomes
                else None
                for c in columns
            ],
        }
        for n, seg in enumerate(prepared.segments, start=1)
    ]
    html = (
        templates()
        .get_template("compare.html.j2")
        .render(
            slug=prepared.slug,
            source_lang=source_lang,
            target=target,
            columns=columns,
            rows=rows,
            generator=f"newsl10n {__version__}",
        )
    )
    path = bundle_folder(settings.bundles, target, prepared.slug) / "compare.html"
    atomic_write(path, html)
    return path
