"""The bundle's article files: Markdown and HTML renderings of a localized article.

Unreviewed text can be replaced by the source (``keep_source_for_unreviewed``); Markdown
is escaped so a translation cannot open a block or a link; the HTML goes through Jinja's
autoescaping with the same templates as the review pages (``templates()``)."""

from __future__ import annotations

import re
from functools import cache
from typing import TYPE_CHECKING

from newsl10n import __version__
from newsl10n.review.localized import LocalizedArticle, language_name, pieces, text_direction
from newsl10n.source.segment import Role

if TYPE_CHECKING:
    import jinja2

# ---------------------------------------------------------------- article.md

_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>~#])")
_MD_ENTITY = re.compile(r"&(?=#?[0-9A-Za-z]+;)")
_MD_BLOCK_START = re.compile(r"^([+=|-]|\d+(?=[.)]))")
_LINE_BREAKS = re.compile(r"[ \t]*[\n\r\v\f\x1c-\x1e\x85\u2028\u2029][\s]*")


def md_escape(text: str) -> str:
    """Text that Markdown shows literally, in the paragraph it is placed in: no emphasis,
    links, HTML or entities from it, and no line breaks (a msgstr with a blank line and
    ``# x`` would otherwise start a heading of its own)."""
    text = _LINE_BREAKS.sub(" ", text)
    text = _MD_SPECIAL.sub(r"\\\1", text)
    text = _MD_ENTITY.sub(r"\\&", text)
    return _MD_BLOCK_START.sub(lambda m: f"{m[1]}\\" if m[1][0].isdigit() else f"\\{m[1]}", text)


def render_markdown(article: LocalizedArticle, keep_source_for_unreviewed: bool = False) -> str:
    """Caption (italic, with its credit), title, headings and paragraphs in source order."""
    blocks: list[str] = []
    for para in article.paragraphs:
        parts = pieces(para, article.lang, keep_source_for_unreviewed)
        text = "".join(f"{p.before}{md_escape(p.text)}" for p in parts)
        if not text:
            continue
        if para.role is Role.TITLE:
            blocks.append(f"# {text}")
        elif para.role is Role.HEADING:
            blocks.append(f"## {text}")
        elif para.role in (Role.CAPTION, Role.CREDIT):
            blocks.append(f"*{text}*")
        else:
            blocks.append(text)
    return "\n\n".join(blocks) + "\n"


# ---------------------------------------------------------------- templates


#: The templates of a bundle and of the index; the partials they import and include.
ARTICLE_TEMPLATE = "article.html.j2"
REVIEW_TEMPLATE = "review.html.j2"
INDEX_TEMPLATE = "index.html.j2"
BUNDLE_TEMPLATES = (ARTICLE_TEMPLATE, REVIEW_TEMPLATE, INDEX_TEMPLATE, "_macros.j2", "_base.css.j2")


@cache
def templates() -> jinja2.Environment:
    """Package templates, HTML-escaped everywhere: article text and catalogs are untrusted.
    (Jinja is imported here: a run that renders nothing, as a no-change re-run, skips it.)"""
    import jinja2

    env = jinja2.Environment(
        loader=jinja2.PackageLoader("newsl10n", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        auto_reload=False,  # the package's templates do not change under a running process
    )
    env.globals["dir_of"] = text_direction
    env.globals["language_name"] = language_name
    env.globals["Role"] = Role
    env.filters["isolate"] = isolate
    return env


def compile_templates() -> None:
    """Compile the bundle's templates now (Jinja keeps them compiled in the environment).

    Why: Jinja compiles a template at its first render, 60-70 ms for these five, and the
    first pair's bundle would pay it after the model, on the path to the run's end. A run
    calls this once its articles are prepared, while the models translate: its own thread
    is idle then and a core free."""
    env = templates()
    for name in BUNDLE_TEMPLATES:
        env.get_template(name)


def isolate(text: str) -> str:
    """Text from a catalog between FSI and PDI, for places that cannot hold a ``<bdi>``
    (``<title>``, a ``title`` attribute): bidi controls in it cannot reorder what follows."""
    return f"\u2068{text}\u2069"


def render_html(article: LocalizedArticle, keep_source_for_unreviewed: bool = False) -> str:
    paragraphs = [
        (para, pieces(para, article.lang, keep_source_for_unreviewed))
        for para in article.paragraphs
    ]
    return (
        templates()
        .get_template(ARTICLE_TEMPLATE)
        .render(
            article=article,
            title=article.title(keep_source_for_unreviewed),
            dir=text_direction(article.lang),
            paragraphs=[(para, parts) for para, parts in paragraphs if parts],
            counts=article.counts,
            generator=f"newsl10n {__version__}",
        )
    )
