"""Read articles from disk: scraped plain text, Markdown with optional YAML front matter,
and saved HTML pages (newsl10n.source.html).

Reading is strict: an article that is not UTF-8 is refused with the likely encoding named,
because a guessed decode would put mojibake into every catalog downstream (a page may
declare its charset instead).
"""

from __future__ import annotations

import codecs
import hashlib
import os
import re
import stat
import unicodedata
from collections.abc import Collection, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from newsl10n.config import language_from_tag
from newsl10n.errors import ArticleError, ConfigError, file_kind
from newsl10n.source.html import (
    HTML_SUFFIXES,
    MAX_HTML_BYTES,
    declared_charset,
    decode_declared,
    parse_html,
)
from newsl10n.source.segment import Block, Line, Role, split_plain_blocks

if TYPE_CHECKING:
    from markdown_it.token import Token

TEXT_SUFFIXES = (".txt",)
MARKDOWN_SUFFIXES = (".md", ".markdown")
ARTICLE_SUFFIXES = TEXT_SUFFIXES + MARKDOWN_SUFFIXES + HTML_SUFFIXES
# A slug names files (locales/<slug>.pot, bundles/<lang>/<slug>/, zip members): it must be
# one safe path component, checked with fullmatch (``$`` would let a trailing newline in).
_SLUG = re.compile(r"[a-z0-9](?:[a-z0-9._-]{0,98}[a-z0-9])?")
# Front matter is a few keys: anything nested deeper than this is not front matter.
_FRONT_MATTER_DEPTH = 20
_FRONT_MATTER = re.compile(r"\A---[ \t]*\n(.*?\n)?---[ \t]*(?:\n|\Z)", re.DOTALL)


@dataclass(frozen=True)
class Article:
    path: Path
    slug: str
    format: str  # "text", "markdown" or "html"
    sha256: str  # of the file's bytes: the change detector for batch runs
    blocks: tuple[Block, ...]
    declared_lang: str | None = None
    meta: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)

    @property
    def text(self) -> str:
        """All segmentable text, for whole-article language detection."""
        return "\n\n".join(b.text for b in self.blocks)


@dataclass(frozen=True)
class SourceScan:
    """What the source folder holds: article files to read, and entries refused by name."""

    paths: tuple[Path, ...]
    refused: tuple[str, ...]  # "path: problem"


def source_paths(source: Path) -> SourceScan:
    """The one rule for what a source is: a regular file with an article suffix that is
    inside ``source`` after resolving links. Nothing is opened while scanning (a FIFO would
    block a reader forever), no link is followed out of the folder, no linked folder is
    walked, and hidden entries are skipped."""
    if not source.is_dir():
        raise ArticleError(source, "source folder does not exist")
    root = source.resolve()
    paths: list[Path] = []
    refused: list[str] = []
    for folder, dirs, files in os.walk(source, followlinks=False):
        here = Path(folder)
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in [*dirs, *sorted(files)]:
            if name.startswith("."):
                continue
            path = here / name
            problem = _source_problem(path, root)
            if not problem and name not in dirs and "\n" in os.fspath(path.relative_to(source)):
                problem = LINE_BREAK_IN_NAME
            if problem:
                if problem != "-":
                    refused.append(f"{_shown(path)}: {problem}")
            elif name not in dirs:
                paths.append(path)
    return SourceScan(tuple(sorted(paths)), tuple(sorted(refused)))


def _source_problem(path: Path, root: Path) -> str:
    """Why ``path`` is not an article ("" when it is one, "-" when it is silently none)."""
    wanted = path.suffix.lower() in ARTICLE_SUFFIXES
    try:
        mode = path.lstat().st_mode
        if stat.S_ISLNK(mode):
            target = path.resolve(strict=True)
            mode = target.stat().st_mode
            if stat.S_ISDIR(mode):
                return "symlink to a folder; linked folders are not followed"
            if wanted and not target.is_relative_to(root):
                return "symlink pointing outside the source folder; not read"
    except (OSError, RuntimeError) as err:  # a dangling link, a loop, no permission
        return f"cannot be read ({getattr(err, 'strerror', None) or err})" if wanted else "-"
    if stat.S_ISDIR(mode):
        return "a folder named like an article, not a file" if wanted else "-"
    if not wanted:
        return "-"
    if not stat.S_ISREG(mode):
        return f"{file_kind(mode)}, not a regular file; not read"
    return ""


#: Why a path holding a line break is no source: catalogs cite it on one line.
LINE_BREAK_IN_NAME = "a line break in its name; rename it (a catalog's line cannot hold it)"


def _shown(path: Path) -> str:
    """A path on one line: a line break in a name is shown as ``\\n``."""
    return os.fspath(path).replace("\n", "\\n")


def discover_articles(source: Path) -> list[Path]:
    """Article files under ``source`` in a stable order (see ``source_paths``)."""
    return list(source_paths(source).paths)


def read_article(path: Path, languages: Collection[str] | None = None) -> Article:
    """Read one article; every problem is an ArticleError naming the file.

    A declared language (``en-US``, ``pt_BR``, ``zh-Hant``) becomes its base code, which
    must be one of ``languages`` when they are given (the configured candidates).
    """
    if "\n" in os.fspath(path):  # given by name (``translate``), not found by a scan
        raise ArticleError(_shown(path), LINE_BREAK_IN_NAME)
    suffix = path.suffix.lower()
    data = _read_bytes(path, MAX_HTML_BYTES if suffix in HTML_SUFFIXES else None)
    charset = declared_charset(data) if suffix in HTML_SUFFIXES else None
    text = decode_declared(path, data, charset) if charset else decode_article(path, data)
    if not text.strip():
        raise ArticleError(path, "article is empty (no text to translate)")
    declared: str | None = None
    if suffix in HTML_SUFFIXES:
        meta, blocks = parse_html(path, text)
        slug, fmt = slugify(path.stem), "html"
    elif suffix in MARKDOWN_SUFFIXES:
        meta, blocks = parse_markdown(path, text)
        slug = slug_from(path, meta)
        lang = meta.get("language") or meta.get("lang")
        if lang:
            try:
                declared = language_from_tag(str(lang), languages)
            except ConfigError as err:
                raise ArticleError(path, f"front matter language: {err}") from None
        fmt = "markdown"
    else:
        meta, blocks, slug, fmt = {}, parse_text(text), slugify(path.stem), "text"
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


def slug_from(path: Path, meta: Mapping[str, Any]) -> str:
    """The one slug an article's catalogs and bundles use: its front-matter ``slug`` when it
    has one (checked), else the file name's (``slugify``)."""
    declared = meta.get("slug")
    return check_slug(path, str(declared)) if declared is not None else slugify(path.stem)


def planned_slug(path: Path, data: bytes) -> str:
    """The slug as a batch plans it, from the front matter alone (no Markdown parse). Never
    raises: a file whose front matter is broken gets its file name's slug here, and the full
    read (``read_article``) reports the problem."""
    if path.suffix.lower() not in MARKDOWN_SUFFIXES:
        return slugify(path.stem)
    try:
        match = _FRONT_MATTER.match(decode_article(path, data))
        loaded = load_front_matter(path, match.group(1) or "") if match else {}
        return slug_from(path, loaded if isinstance(loaded, dict) else {})
    except ArticleError:
        return slugify(path.stem)


def planned_slug_of(path: Path) -> str:
    """``planned_slug``, reading the file only when its slug may come from front matter
    (an unreadable file gets its file name's slug; the full read reports the problem)."""
    if path.suffix.lower() not in MARKDOWN_SUFFIXES:
        return slugify(path.stem)
    try:
        data = _read_bytes(path, None)  # a regular file only: a FIFO would never answer
    except ArticleError:
        return slugify(path.stem)
    return planned_slug(path, data)


def _read_bytes(path: Path, limit: int | None) -> bytes:
    """The file's bytes; a regular file only, and refused unread when over ``limit``."""
    try:
        info = path.stat()
        if not stat.S_ISREG(info.st_mode):
            raise ArticleError(path, f"{file_kind(info.st_mode)}, not a regular file; not read")
        if limit is not None and info.st_size > limit:
            raise ArticleError(
                path,
                f"page is {info.st_size / 2**20:.1f} MB, over the {limit // 2**20} MB limit "
                "for HTML articles; save it without embedded media",
            )
        return path.read_bytes()
    except OSError as err:
        raise ArticleError(path, f"cannot read: {err.strerror or err}") from None


def is_slug(slug: str) -> bool:
    """The one slug rule: a single safe file-name component (see ``_SLUG``)."""
    return _SLUG.fullmatch(slug) is not None


def check_slug(path: Path | str, slug: str) -> str:
    """``slug`` when it follows the rule, else an ArticleError naming ``path``."""
    if not is_slug(slug):
        raise ArticleError(
            path,
            f"slug {slug!r} must be 1-100 lower-case letters, digits, '.', '_', '-', "
            "starting and ending with a letter or digit",
        )
    return slug


# Russian, Ukrainian and Belarusian letters, romanised as in passports (ICAO 9303):
# a simple table, so a Cyrillic file name keeps a readable slug.
_CYRILLIC = {
    **dict(zip("абвгґдезийклмнопрстуўфы", "abvggdeziiklmnoprstuufy", strict=True)),
    **{"ё": "e", "є": "ie", "ж": "zh", "і": "i", "ї": "i", "х": "kh", "ц": "ts", "ч": "ch"},
    **{"ш": "sh", "щ": "shch", "ъ": "ie", "ь": "", "э": "e", "ю": "iu", "я": "ia"},
}


def _ascii(ch: str) -> str:
    romanised = _CYRILLIC.get(ch, ch)
    return unicodedata.normalize("NFKD", romanised).encode("ascii", "ignore").decode("ascii")


def slugify(stem: str) -> str:
    """File-name stem to slug: lower case, accents dropped, Cyrillic romanised, runs of other
    characters become '-'. When letters of other scripts (CJK, Arabic...) are dropped, a short
    hash of the stem is appended, so two such names never share a slug."""
    lowered = unicodedata.normalize("NFC", stem).lower()
    parts = [_ascii(ch) for ch in lowered]
    lost = any(
        ch.isalnum() and not part and ch not in _CYRILLIC
        for ch, part in zip(lowered, parts, strict=True)
    )
    slug = re.sub(r"[^a-z0-9._]+", "-", "".join(parts)).strip("-._")[:80].strip("-._")
    if lost or not slug:
        digest = hashlib.sha256(lowered.encode("utf-8")).hexdigest()[:8]
        slug = f"{slug or 'article'}-{digest}"
    return slug


#: Byte-order marks that name an encoding beyond doubt (UTF-32 first: its little-endian
#: mark begins with UTF-16's), and the codec that reads the text after them.
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le", "UTF-32"),
    (codecs.BOM_UTF32_BE, "utf-32-be", "UTF-32"),
    (codecs.BOM_UTF16_LE, "utf-16-le", "UTF-16"),
    (codecs.BOM_UTF16_BE, "utf-16-be", "UTF-16"),
)


def decode_article(path: Path, data: bytes) -> str:
    """UTF-8 (a BOM is dropped), or UTF-16/32 with a byte-order mark (Windows Notepad's
    "Unicode"), newlines normalised; anything else is refused by name."""
    for bom, codec, name in _BOMS:
        if data.startswith(bom):
            try:
                text = data[len(bom) :].decode(codec)
            except UnicodeDecodeError as err:
                at = err.start + len(bom)
                raise ArticleError(
                    path,
                    f"starts with a {name} byte-order mark but is not valid {name} "
                    f"(at offset {at}); convert it with `iconv -f {name} -t UTF-8`",
                ) from None
            return text.replace("\r\n", "\n").replace("\r", "\n")
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
        loaded = load_front_matter(path, match.group(1) or "")
        if not isinstance(loaded, dict):
            raise ArticleError(path, "front matter must be a YAML mapping", 2)
        meta = loaded
        offset = match.group(0).count("\n")
        title = meta.get("title")
        if title:
            title_line = _front_matter_line(match.group(0), "title")
            if isinstance(title, list | dict):
                kind = "a list" if isinstance(title, list) else "a mapping"
                raise ArticleError(path, f"front matter title must be text, not {kind}", title_line)
            blocks.append(Block((Line(title_line, str(title).strip()),), Role.TITLE))
    body = text[match.end() :] if match else text
    blocks.extend(_markdown_blocks(body, offset, have_title=bool(blocks)))
    return meta, blocks


def load_front_matter(path: Path, text: str) -> Any:
    """Front matter as plain data. Anchors and aliases are refused before anything is built
    (a few hundred bytes of nested aliases expand to gigabytes), and so is nesting deeper
    than ``_FRONT_MATTER_DEPTH`` (PyYAML composes recursively): both checks read the event
    stream once, in time linear in the text. Invalid YAML is an ``ArticleError`` with its
    line. (PyYAML is imported here: a batch that finds its articles unchanged never parses
    front matter, and the import is a tenth of its start-up.)"""
    import yaml

    try:
        depth = 0
        for event in yaml.parse(text, Loader=yaml.SafeLoader):
            line = event.start_mark.line + 2 if event.start_mark is not None else None
            if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
                raise ArticleError(path, "front matter may not use YAML anchors or aliases", line)
            if isinstance(event, yaml.CollectionStartEvent):
                depth += 1
                if depth > _FRONT_MATTER_DEPTH:
                    raise ArticleError(
                        path, f"front matter nested deeper than {_FRONT_MATTER_DEPTH} levels", line
                    )
            elif isinstance(event, yaml.CollectionEndEvent):
                depth -= 1
        return yaml.safe_load(text) or {}
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        line = mark.line + 2 if mark is not None else None
        raise ArticleError(path, f"front matter is not valid YAML: {err}", line) from None
    except (ValueError, TypeError, OverflowError) as err:  # a value it cannot build: 2024-13-45
        raise ArticleError(path, f"front matter has a value YAML cannot read: {err}") from None


def _front_matter_line(front: str, key: str) -> int:
    for i, line in enumerate(front.split("\n"), start=1):
        if line.startswith(f"{key}:"):
            return i
    return 1


def _markdown_blocks(body: str, offset: int, have_title: bool) -> Iterator[Block]:
    from markdown_it import MarkdownIt  # here: a batch of text articles never needs it

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
