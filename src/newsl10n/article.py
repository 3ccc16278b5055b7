"""Read articles from disk: scraped plain text and Markdown with optional YAML front matter.

Reading is strict: an article that is not UTF-8 is refused with the likely encoding named,
because a guessed decode would put mojibake into every catalog downstream.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from markdown_it import MarkdownIt
from markdown_it.token import Token

from newsl10n.errors import ArticleError
from newsl10n.segment import Block, Line, Role, split_plain_blocks

TEXT_SUFFIXES = (".txt",)
MARKDOWN_SUFFIXES = (".md", ".markdown")
ARTICLE_SUFFIXES = TEXT_SUFFIXES + MARKDOWN_SUFFIXES
_SLUG = re.compile(r"^[a-z0-9][a-z0-9._-]*$")
_FRONT_MATTER = re.compile(r"\A---[ \t]*\n(.*?\n)?---[ \t]*(?:\n|\Z)", re.DOTALL)


@dataclass(frozen=True)
class Article:
    path: Path
    slug: str
    format: str  # "text" or "markdown"
    sha256: str  # of the file's bytes: the change detector for batch runs
    blocks: tuple[Block, ...]
    declared_lang: str | None = None
    meta: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)

    @property
    def text(self) -> str:
        """All segmentable text, for whole-article language detection."""
        return "\n\n".join(b.text for b in self.blocks)


def discover_articles(source: Path) -> list[Path]:
    """Article files under ``source`` in a stable order (hidden files skipped)."""
    if not source.is_dir():
        raise ArticleError(source, "source folder does not exist")
    return sorted(
        p
        for p in source.rglob("*")
        if p.is_file()
        and p.suffix.lower() in ARTICLE_SUFFIXES
        and not any(part.startswith(".") for part in p.relative_to(source).parts)
    )


def read_article(path: Path) -> Article:
    data = path.read_bytes()
    text = decode_article(path, data)
    if not text.strip():
        raise ArticleError(path, "article is empty (no text to translate)")
    if path.suffix.lower() in MARKDOWN_SUFFIXES:
        meta, blocks = parse_markdown(path, text)
        fm_slug = meta.get("slug")
        slug = str(fm_slug) if fm_slug is not None else slugify(path.stem)
        lang = meta.get("language") or meta.get("lang")
        declared = str(lang).strip().lower() if lang else None
        fmt = "markdown"
    else:
        meta, blocks, declared, slug, fmt = {}, parse_text(text), None, slugify(path.stem), "text"
    if not _SLUG.match(slug):
        raise ArticleError(path, f"slug {slug!r} must be lower-case letters, digits, '.', '_', '-'")
    if not blocks:
        raise ArticleError(path, "article has no translatable text")
    return Article(
        path=path,
        slug=slug,
        format=fmt,
        sha256=hashlib.sha256(data).hexdigest(),
        blocks=tuple(blocks),
        declared_lang=declared,
        meta=meta,
    )


def slugify(stem: str) -> str:
    """File-name stem to slug: lower case, runs of other characters become '-'."""
    return re.sub(r"[^a-z0-9._]+", "-", stem.lower()).strip("-._") or "article"


def decode_article(path: Path, data: bytes) -> str:
    """UTF-8 (a BOM is dropped), newlines normalised; anything else is refused by name."""
    if b"\x00" in data:
        raise ArticleError(path, "binary data (NUL bytes), not a text article")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        guess = _guess_legacy_encoding(data)
        raise ArticleError(
            path,
            f"not valid UTF-8 (byte 0x{data[err.start]:02x} at offset {err.start}); "
            f"it looks like {guess}: convert it with `iconv -f {guess} -t UTF-8`",
        ) from None
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _guess_legacy_encoding(data: bytes) -> str:
    """Cyrillic words in Windows-1251 are runs of high bytes; Latin-1 accents stand alone."""
    high = [i for i, b in enumerate(data) if b >= 0x80]
    if not high:
        return "latin-1"
    in_runs = sum(
        1
        for i in high
        if (i > 0 and data[i - 1] >= 0x80) or (i + 1 < len(data) and data[i + 1] >= 0x80)
    )
    return "windows-1251" if in_runs / len(high) > 0.5 else "latin-1"


def parse_text(text: str) -> list[Block]:
    lines = [Line(i, t.rstrip()) for i, t in enumerate(text.split("\n"), start=1)]
    return split_plain_blocks(lines)


def parse_markdown(path: Path, text: str) -> tuple[dict[str, Any], list[Block]]:
    """Front matter + CommonMark body; roles come from the markup, not from layout rules."""
    meta: dict[str, Any] = {}
    blocks: list[Block] = []
    offset = 0
    match = _FRONT_MATTER.match(text)
    if match:
        try:
            loaded = yaml.safe_load(match.group(1) or "") or {}
        except yaml.YAMLError as err:
            mark = getattr(err, "problem_mark", None)
            line = mark.line + 2 if mark is not None else None
            raise ArticleError(path, f"front matter is not valid YAML: {err}", line) from None
        if not isinstance(loaded, dict):
            raise ArticleError(path, "front matter must be a YAML mapping", 2)
        meta = loaded
        offset = match.group(0).count("\n")
        title = meta.get("title")
        if title:
            title_line = _front_matter_line(match.group(0), "title")
            blocks.append(Block((Line(title_line, str(title).strip()),), Role.TITLE))
    body = text[match.end() :] if match else text
    blocks.extend(_markdown_blocks(body, offset, have_title=bool(blocks)))
    return meta, blocks


def _front_matter_line(front: str, key: str) -> int:
    for i, line in enumerate(front.split("\n"), start=1):
        if line.startswith(f"{key}:"):
            return i
    return 1


def _markdown_blocks(body: str, offset: int, have_title: bool) -> Iterator[Block]:
    tokens = MarkdownIt("commonmark").parse(body)
    pending: Role | None = None
    for tok in tokens:
        if tok.type == "heading_open":
            pending = Role.TITLE if tok.tag == "h1" and not have_title else Role.HEADING
            have_title = have_title or pending is Role.TITLE
        elif tok.type == "paragraph_open":
            pending = Role.PARAGRAPH
        elif tok.type == "inline" and pending is not None and tok.map is not None:
            first = tok.map[0] + 1 + offset
            children = tok.children or []
            for image in (c for c in children if c.type == "image"):
                alt = _plain(image.children or [])
                if alt.strip():
                    yield Block((Line(first, alt.strip()),), Role.CAPTION)
            lines = _inline_lines(children, first)
            if lines:
                yield Block(tuple(lines), pending)
            pending = None
        elif tok.type in ("heading_close", "paragraph_close"):
            pending = None


def _plain(children: list[Token]) -> str:
    return "".join(c.content for c in children if c.type in ("text", "code_inline"))


def _inline_lines(children: list[Token], first: int) -> list[Line]:
    """Plain text of an inline run, kept per source line (links keep their text)."""
    lines: list[Line] = []
    current, number = "", first
    for child in children:
        if child.type in ("softbreak", "hardbreak"):
            if current.strip():
                lines.append(Line(number, current.strip()))
            current, number = "", number + 1
        elif child.type in ("text", "code_inline"):
            current += child.content
    if current.strip():
        lines.append(Line(number, current.strip()))
    return lines
