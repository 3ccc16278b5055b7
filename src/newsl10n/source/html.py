"""Read saved news pages (.html, .htm) by the page's own structure.

A newsroom has the page as its CMS exports it or as a browser saves it. The article is
found by trafilatura (chosen by measurement on the real-news corpus against readability-lxml
and jusText: docs/articles.md), on a tree parsed here with the network, entities and
processing instructions off; the headline comes from the page's own ``<h1>`` and metadata.
What comes out is the same blocks the text reader makes, with their roles set (title,
headings, paragraphs, list items, figure captions), so everything downstream is unchanged.
Comments, and the page chrome the extractor drops or keeps inside the article's own part
of the page (related links, share widgets, bylines), become blocks without a role: the
layout reports them as residue, as it does for text.

Hostile pages are refused by name: over ``MAX_HTML_BYTES``, nested deeper than the parser
goes, a declared charset that is unknown or does not fit the bytes, or no article text at
all. Scripts and styles are never read as text.
"""

from __future__ import annotations

import bisect
import codecs
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from newsl10n.errors import ArticleError
from newsl10n.source.chrome import chrome_kinds
from newsl10n.source.segment import Block, Line, Role, word_count

HTML_SUFFIXES = (".html", ".htm")
MAX_HTML_BYTES = 16 * 1024 * 1024  # a saved page with its scripts inline; not its images
_MAX_DEPTH = 256  # libxml2's nesting limit without XML_PARSE_HUGE, which stays off
_PRESCAN = 4096  # where a page must declare its charset (the HTML standard says 1024)
_META_CHARSET = re.compile(
    rb"""<meta[^>]*?charset\s*=\s*["']?\s*([A-Za-z0-9._:-]+)"""
    rb"""|<\?xml[^>]*encoding\s*=\s*["']([A-Za-z0-9._:-]+)""",
    re.IGNORECASE,
)
# Labels a page declares that browsers read as a superset (the WHATWG Encoding Standard).
_SUPERSETS = {
    **dict.fromkeys(("gb2312", "gbk", "x-gbk", "csgb2312", "chinese", "iso-ir-58"), "gb18030"),
    **dict.fromkeys(("iso-8859-1", "latin1", "l1", "us-ascii", "ascii", "iso8859-1"), "cp1252"),
    **dict.fromkeys(("shift_jis", "shift-jis", "sjis", "x-sjis", "ms_kanji"), "cp932"),
    **dict.fromkeys(("euc-kr", "ks_c_5601-1987", "korean"), "cp949"),
    **dict.fromkeys(("big5", "big5-hkscs", "x-x-big5"), "big5hkscs"),
    **dict.fromkeys(("utf-16", "utf-16le", "utf-16be"), "utf-8"),  # a <meta> cannot say so
}
_XML_DECLARATION = re.compile(r"\A\s*<\?xml[^>]*\?>")
_HEADINGS = frozenset(f"h{level}" for level in range(1, 7))
_BLOCK_TAGS = (
    frozenset(["p", "li", "dd", "dt", "blockquote", "figcaption", "td", "th", "pre", "caption"])
    | _HEADINGS
)
_INDEX_TAGS = _BLOCK_TAGS | {"div", "section", "article", "span", "a", "strong", "b", "em"}
# What separates a title's parts: a dash, bar or colon between spaces, or a bar or an
# underscore alone; before a site's name also a full-width colon ("…：朝日新聞デジタル").
_SPACED, _TIGHT, _WIDE_COLON = "-|–—:", "_｜|", "："
_TITLE_SEPARATORS = re.compile(rf"\s+[{re.escape(_SPACED)}]\s+|\s*[{re.escape(_TIGHT)}]\s*")
_SITE_SEPARATORS = re.compile(
    rf"\s+[{re.escape(_SPACED)}]\s+|\s*[{re.escape(_TIGHT + _WIDE_COLON)}]\s*"
)
_KEY_CHARS = 60  # how much of a block's text identifies it on the page
_REGION_SHARE = 0.8  # of the article's text, in the element taken as its part of the page
_HEADLINE_MIN_WORDS = 3  # a shorter <h1> is a logo or a section name
_SCRIPTED_MIN_WORDS = 150  # an articleBody this long is a story, not a summary
_SCRIPTED_SHARE = 3  # times the words the page shows: its text is filled in by scripts
_CONTINUATION_LEVELS = 6  # how far above the article's region a repeated wrapper is sought
_BESIDE_TAGS = frozenset({"aside", "nav", "footer", "form", "header"})
_BODY_PARAGRAPH_WORDS = 12  # a paragraph of prose, not a link or a label
_BODY_CHUNK_WORDS = 40  # of such prose in a chunk of the article's body
_ROLE_OF_TAG = {"figcaption": Role.CAPTION} | dict.fromkeys(_HEADINGS, Role.HEADING)
_LINE_ENDS = _BLOCK_TAGS | {"div", "br"}  # where a line of text ends inside an element


@dataclass(frozen=True)
class _Found:
    """A block of the extraction, with the page element it came from (if found)."""

    role: Role | None
    text: str
    element: Any = None


def declared_charset(data: bytes) -> str | None:
    """The charset a page declares in its first bytes (``<meta charset>``, the
    ``http-equiv`` form, or an XML declaration), or None."""
    match = _META_CHARSET.search(data[:_PRESCAN])
    if match is None:
        return None
    return (match.group(1) or match.group(2)).decode("ascii").lower()


def decode_declared(path: Path, data: bytes, label: str) -> str:
    """Decode a page by the charset it declares. Bytes that are valid UTF-8 are UTF-8
    whatever the page says: pages re-saved by tools keep a stale ``<meta charset>``, and
    legacy Cyrillic or CJK text is never valid UTF-8 by accident."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    encoding = _SUPERSETS.get(label, label)
    try:
        codecs.lookup(encoding)
    except LookupError:
        raise ArticleError(path, f"declares charset {label!r}, which is not an encoding") from None
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as err:
        raise ArticleError(
            path,
            f"not valid {label} as its <meta charset> declares (byte 0x{data[err.start]:02x} "
            f"at offset {err.start}); convert it to UTF-8 with iconv",
        ) from None


def parse_html(path: Path, text: str) -> tuple[dict[str, Any], list[Block]]:
    """The page's article as blocks, the first one its headline; chrome blocks have no role.

    Raises ArticleError naming the file when the page cannot be read or holds no article.
    """
    tree = _parse(path, text)
    scripted = _metadata_words(tree)
    _drop_scripts(tree)
    title, title_line = headline(tree)
    found = _extract(tree)
    if not any(f.role is not None for f in found):
        raise ArticleError(path, "no article text found in the page")
    blocks = [Block((Line(title_line, title),), Role.TITLE)] if title else []
    blocks += _blocks(tree, found, title)
    shown = sum(word_count(b.text) for b in blocks if b.role is not None)
    if scripted >= _SCRIPTED_MIN_WORDS and scripted >= _SCRIPTED_SHARE * shown:
        raise ArticleError(
            path,
            f"the page shows {shown} words of article text, but its metadata's articleBody "
            f"holds {scripted}: the text is filled in by scripts; save the page once it has "
            "loaded, or give the article as text",
        )
    meta = {"title": title, "lang": tree.get("lang", "")}
    return meta, blocks


def _parse(path: Path, text: str) -> Any:
    """A tree with nothing fetched or expanded: no network, entities left as text,
    comments and processing instructions dropped, nesting limited by libxml2. (lxml is
    imported by the functions that read a page: a batch of unchanged articles reads none.)"""
    import lxml.html
    from lxml import etree

    parser = lxml.html.HTMLParser(
        no_network=True, remove_comments=True, remove_pis=True, huge_tree=False
    )
    text = _XML_DECLARATION.sub("", text, count=1)  # lxml refuses it in a str
    try:
        tree = lxml.html.document_fromstring(text, parser=parser)
    except (etree.ParserError, ValueError):
        raise ArticleError(path, "no article text found in the page") from None
    if any("Excessive depth" in e.message for e in parser.error_log):
        raise ArticleError(path, f"markup nested deeper than {_MAX_DEPTH} levels; not read")
    return tree


def _drop_scripts(tree: Any) -> None:
    for node in list(tree.iter("script", "style", "noscript", "template")):
        node.drop_tree()  # never text, whatever the extractor does with them (tails stay)


def _metadata_words(tree: Any) -> int:
    """The words of the longest ``articleBody`` in the page's JSON-LD (0 when none): what
    the story holds, to tell a page whose text scripts fill in after loading."""
    import json

    found = 0
    for node in tree.iter("script"):
        if (node.get("type") or "").strip().lower() != "application/ld+json":
            continue
        try:
            data = json.loads(node.text or "")
        except ValueError:
            continue
        stack: list[Any] = [data]
        while stack:
            item = stack.pop()
            if isinstance(item, dict):
                body = item.get("articleBody")
                if isinstance(body, str):
                    found = max(found, word_count(body))
                stack.extend(item.values())
            elif isinstance(item, list):
                stack.extend(item)
    return found


def headline(tree: Any) -> tuple[str, int]:
    """The page's headline and its source line: the metadata title (``og:title``) when
    the page has one, else an ``<h1>`` that is not the site's name, else the first part
    of ``<title>``. A site name is what ``<title>`` ends with after a separator."""
    site = _site_name(tree)
    page_title = next((_clean(node.text_content()) for node in tree.iter("title")), "")
    for meta in tree.xpath(
        "//meta[@property='og:title' or @name='og:title' or @name='twitter:title']"
    ):
        title = _strip_site(_clean(meta.get("content", "")), site, page_title)
        if title:
            return title, meta.sourceline or 1
    for node in tree.iter("h1"):
        title = _clean(node.text_content())
        if title and title != site and word_count(title) >= _HEADLINE_MIN_WORDS:
            return title, node.sourceline or 1
    for node in tree.iter("title"):
        parts = _TITLE_SEPARATORS.split(_clean(node.text_content()))
        if parts and parts[0]:
            return parts[0], node.sourceline or 1
    return "", 1


def _site_name(tree: Any) -> str:
    for meta in tree.xpath("//meta[@property='og:site_name']"):
        if _clean(meta.get("content", "")):
            return _clean(meta.get("content", ""))
    for node in tree.iter("title"):
        parts = _TITLE_SEPARATORS.split(_clean(node.text_content()))
        if len(parts) > 1:
            return parts[-1]
    return ""


def _strip_site(title: str, site: str, page_title: str = "") -> str:
    """The title without a last part naming the site: the site's name itself; the site
    with a one-word section ("CNN Politics" on CNN), or a longer one that ``<title>`` ends
    with too (not "Time Is Up" on TIME); or a shorter form of the name ending at a word
    ("Telegraph" on Telegraph.co.uk; any prefix in CJK, written without spaces: "朝日新聞"
    on 朝日新聞デジタル). A full-width colon counts as a separator here."""
    parts = _SITE_SEPARATORS.split(title)
    last, name = (parts[-1].casefold(), site.casefold()) if len(parts) > 1 else ("", "")
    ends = _SITE_SEPARATORS.split(page_title)[-1].casefold() if page_title else ""
    extra = word_count(last) - word_count(name)
    section = last.startswith(f"{name} ") and (extra == 1 or ends == last)
    after = name[len(last) :][:1]
    at_word_end = not (after.isalnum() and after.isascii())
    long_enough = len(last) >= 4 or (len(last) >= 2 and not last.isascii())
    shorter = long_enough and name.startswith(last) and at_word_end
    if name and (last == name or section or shorter):
        return title[: title.rfind(parts[-1])].rstrip(" " + _SPACED + _TIGHT + _WIDE_COLON)
    return title


def _same_text(a: str, b: str) -> bool:
    """The same words but for spacing and case ("Abrechnung : Musik" is the title
    "Abrechnung: Musik" again)."""
    return "".join(a.split()).casefold() == "".join(b.split()).casefold()


def _clean(text: str) -> str:
    return " ".join(text.split())


def _extract(tree: Any) -> list[_Found]:
    """The extractor's article and comments, as texts with roles (comments: none).
    Nothing here can fetch: the input is a tree, no URL is given, and metadata (whose date
    search could follow links) is not asked for."""
    import trafilatura  # here, not at the top: it takes about 0.2 s, and only HTML needs it

    document = trafilatura.bare_extraction(
        tree,
        include_comments=True,
        include_tables=True,
        include_images=False,
        include_formatting=False,
        include_links=False,
        with_metadata=False,
        deduplicate=False,
        favor_recall=True,  # measured: every body paragraph kept (default: 6 of 433 lost)
    )
    if document is None:
        return []
    body = getattr(document, "body", None)
    comments = getattr(document, "commentsbody", None)
    found = list(_structure(body)) if body is not None else []
    if comments is not None:
        found += [_Found(None, f.text) for f in _structure(comments)]
    return found


def _structure(root: Any) -> Iterator[_Found]:
    """trafilatura's XML (``head``, ``p``, ``list/item``, ``quote``, ``table/row/cell``)
    as role-carrying texts, in order; a line break (``lb``) ends a block, as it ends a
    paragraph in a text scrape."""
    for node in root:
        tag = node.tag
        if tag in _CONTAINERS or (tag in _READ_BY_BLOCK and _holds_blocks(node)):
            if node.text and node.text.strip():
                yield _Found(Role.PARAGRAPH, _clean(node.text))
            yield from _structure(node)
        elif tag not in ("lb", "graphic"):
            role = Role.HEADING if tag == "head" else Role.PARAGRAPH
            yield from (_Found(role, line) for line in _lines(node) if line)
        parent = node.getparent()
        between = parent is not None and parent.tag in _READ_BY_BLOCK  # a line after a break too
        if between and node.tail and node.tail.strip():  # a post's signature after a quote
            yield _Found(Role.PARAGRAPH, _clean(node.tail))


def _holds_blocks(node: Any) -> bool:
    return any(child.tag in _BLOCKS for child in node)


# trafilatura's elements that hold blocks, and its blocks: an ``item`` or ``cell`` holding
# blocks (a story inside one ``<li>``) is read block by block, not joined into one
_CONTAINERS = frozenset({"list", "quote", "table", "row", "div"})
_BLOCKS = _CONTAINERS | {"p", "head", "item", "cell"}
# Elements whose children are read one by one, with the text between them (after a quoted
# post, after a line break): a quote, and an item or cell holding blocks.
_READ_BY_BLOCK = frozenset({"quote", "item", "cell"})


def _lines(node: Any) -> list[str]:
    """The node's text split at its line breaks."""
    lines = [node.text or ""]
    for child in node:
        if child.tag == "lb":
            lines.append("")
        else:
            lines[-1] += "".join(child.itertext())
        lines[-1] += child.tail or ""
    return [_clean(line) for line in lines]


def _blocks(tree: Any, found: Sequence[_Found], title: str) -> list[Block]:
    """Place the extraction on the page: each text gets its element's source line; the
    article's figure captions are added as captions and the text the extractor dropped
    from the article's own part of the page as residue; chrome by kind loses its role."""
    index = _text_index(tree)
    texts = [f for f in found if f.text and not _same_text(f.text, title)]
    placed = _sources(texts, index)
    region = _main_region(
        [p for p in placed if p.role is not None and p.element is not None], index
    )
    if region is not None:
        for more in _continued(region):
            placed += _body_of(more, placed, title)
        placed += _left_over(region, placed, title)
    placed = _in_page_order(placed, {el: n for n, el in enumerate(tree.iter())})
    kinds = chrome_kinds([p.text for p in placed])
    return [
        Block(
            (Line(_line(p.element), p.text),),
            p.role if kind is None and p.role is not None else None,
        )
        for p, kind in zip(placed, kinds, strict=True)
    ]


def _left_over(region: Any, placed: Sequence[_Found], title: str) -> list[_Found]:
    """What the extractor did not take from the article's part of the page: figure
    captions (also those of a lead picture just outside it) become captions, any other
    text residue."""
    taken = {p.element for p in placed if p.element is not None}
    around = region.getparent()
    if around is None or around.tag in ("body", "html"):
        around = region
    extra: list[_Found] = []
    candidates = [*region.iter(*_BLOCK_TAGS), *around.iter("figcaption")]
    for el in candidates:
        text = _unread_text(el, region, taken, title)
        if text:
            extra.append(_Found(Role.CAPTION if el.tag == "figcaption" else None, text, el))
            taken.add(el)
    return extra


def _unread_text(el: Any, scope: Any, taken: set[Any], title: str) -> str:
    """The text of a block nothing placed yet holds ("" when ``el``, an ancestor up to
    ``scope`` or a descendant is already placed, or it only repeats the headline)."""
    if el in taken or _inside_taken(el, scope, taken):
        return ""
    if any(d in taken for d in el.iterdescendants()):
        return ""
    text = _clean(_text_of(el))
    return "" if _same_text(text, title) else text


def _continued(region: Any) -> list[Any]:
    """The rest of an article whose body the page cuts into chunks (a magazine layout puts
    an ad row between wrappers of one class; trafilatura reads the first chunk only): from
    the region up, the first element whose siblings of its own tag and class hold elements
    of the region's own tag and class, and those elements, in page order. A page that
    repeats nothing gives none, so only the article's own kind of container is added."""
    mark = _mark(region)
    if mark is None:
        return []
    el = region
    for _ in range(_CONTINUATION_LEVELS):
        parent = el.getparent()
        if parent is None or el.tag in ("article", "body", "html"):
            break  # an <article> is one story: its siblings are other stories
        kin = _mark(el)
        found = [
            inner
            for sibling in parent
            if kin is not None
            and sibling is not el
            and _mark(sibling) == kin
            and not _own_story(sibling)
            for inner in sibling.iter(region.tag)
            if _mark(inner) == mark and _reads_as_body(inner)
        ]
        if found:
            return found
        el = parent
    return []


def _own_story(el: Any) -> bool:
    """A wrapper that is a story of its own: an ``<article>``, or one holding a headline
    (an inline ``<article>`` card inside a chunk does not make the chunk another story)."""
    return el.tag == "article" or any(True for _ in el.iter("h1"))


def _reads_as_body(el: Any) -> bool:
    """Prose, not a box of links in the same grid class: paragraphs of sentences."""
    words = (word_count(_text_of(p)) for p in el.iter("p"))
    return sum(n for n in words if n >= _BODY_PARAGRAPH_WORDS) >= _BODY_CHUNK_WORDS


def _mark(el: Any) -> tuple[str, str] | None:
    """An element's tag and class, when it has a class (what a repeated wrapper shares)."""
    classes = " ".join(str(el.get("class") or "").split())
    return (el.tag, classes) if classes and isinstance(el.tag, str) else None


def _body_of(container: Any, placed: Sequence[_Found], title: str) -> list[_Found]:
    """A chunk of the article's body the extractor did not read: its innermost blocks, with
    the roles their tags give (headings, captions, paragraphs); chrome among them loses its
    role later, by kind, as the extractor's own text does."""
    taken = {p.element for p in placed if p.element is not None}
    found: list[_Found] = []
    for el in container.iter(*_BLOCK_TAGS):
        if any(d.tag in _BLOCK_TAGS for d in el.iterdescendants()):
            continue  # its inner blocks come on their own
        text = _unread_text(el, container, taken, title)
        if text:
            role = None if _beside(el, container) else _ROLE_OF_TAG.get(el.tag, Role.PARAGRAPH)
            found.append(_Found(role, text, el))  # beside the story: residue, reported
            taken.add(el)
    return found


def _beside(el: Any, container: Any) -> bool:
    """Inside a box beside the story (:data:`_BESIDE_TAGS`): left out of the body, as
    the extractor leaves it out of the chunk it reads."""
    for ancestor in el.iterancestors():
        if ancestor is container:
            return False
        if ancestor.tag in _BESIDE_TAGS:
            return True
    return False


def _text_of(el: Any) -> str:
    """An element's text with a space where a line break or a block inside it ends a line
    (lxml's ``text_content`` joins "...three thrones" and "Photo: ..." into one word)."""
    parts = [el.text or ""]
    for child in el:
        if isinstance(child.tag, str):
            gap = " " if child.tag in _LINE_ENDS else ""
            parts += [gap, "" if child.tag == "br" else _text_of(child), gap]
        parts.append(child.tail or "")
    return "".join(parts)


def _inside_taken(el: Any, region: Any, taken: set[Any]) -> bool:
    for ancestor in el.iterancestors():
        if ancestor in taken:
            return True
        if ancestor is region:
            return False
    return False


def _in_page_order(placed: list[_Found], order: dict[Any, int]) -> list[_Found]:
    """Extraction order, with added captions and residue put where they are on the page
    (a text not found on the page keeps the place of the one before it)."""
    keyed: list[tuple[int, int, _Found]] = []
    last = 0
    for n, p in enumerate(placed):
        if p.element is not None and p.element in order:
            last = order[p.element]
        keyed.append((last, n, p))
    return [p for _, _, p in sorted(keyed, key=lambda k: (k[0], k[1]))]


def _line(element: Any) -> int:
    return int(element.sourceline or 1) if element is not None else 1


def _key(text: str) -> str:
    return "".join(text.split())[:_KEY_CHARS]


@dataclass(frozen=True)
class _TextIndex:
    """The page's text with spaces removed, and where each element's text is in it."""

    text: str
    spans: list[tuple[int, int, Any]]  # (start, end, element) by start, then by depth
    starts: dict[str, Any]  # first characters -> the deepest element starting with them


def _text_index(tree: Any) -> _TextIndex:
    """One pass over the page's text: every element's span in it, in linear time (a
    element's own text is never joined again for each of its ancestors)."""
    from lxml import etree

    chunks: list[str] = []
    pos = 0
    opened: dict[Any, int] = {}
    spans: list[tuple[int, int, Any]] = []
    for event, el in etree.iterwalk(tree, events=("start", "end")):
        if event == "start":
            opened[el] = pos
            piece = "".join((el.text or "").split())
        else:
            if isinstance(el.tag, str) and el.tag in _INDEX_TAGS and pos > opened[el]:
                spans.append((opened.pop(el), pos, el))
            piece = "".join((el.tail or "").split()) if el is not tree else ""
        chunks.append(piece)
        pos += len(piece)
    text = "".join(chunks)
    order = {el: n for n, el in enumerate(tree.iter())}
    spans.sort(key=lambda span: (span[0], order[span[2]]))
    starts: dict[str, Any] = {}
    held_end: dict[str, int] = {}
    for start, end, el in spans:
        key = text[start : start + _KEY_CHARS]
        if key not in starts or end <= held_end[key]:  # first, or nested in the first
            starts[key], held_end[key] = el, end
    return _TextIndex(text, spans, starts)


def _sources(texts: Sequence[_Found], index: _TextIndex) -> list[_Found]:
    """Each text with its element: the deepest one starting with it, else the deepest one
    holding it, searched from where the text before it was (the extraction is in page
    order), so a page of many ``<br>``-separated lines is placed in linear time."""
    placed: list[_Found] = []
    cursor = 0
    for found in texts:
        key = _key(found.text)
        element = index.starts.get(key)
        if element is None:
            at = index.text.find(key, cursor)
            at = index.text.find(key) if at < 0 else at
            element = _innermost(index, at, at + len(key)) if at >= 0 else None
            cursor = at if at >= 0 else cursor
        placed.append(_Found(found.role, found.text, element))
    return placed


def _innermost(index: _TextIndex, start: int, end: int) -> Any:
    """The deepest element whose span holds [start, end) (spans nest or are disjoint)."""
    at = bisect.bisect_right(index.spans, start, key=lambda span: span[0])
    for span_start, span_end, el in reversed(index.spans[:at]):
        if span_start <= start and end <= span_end:
            return el
    return None


def _main_region(body: Sequence[_Found], index: _TextIndex) -> Any:
    """The deepest element holding most (``_REGION_SHARE``) of the article's text: its
    own part of the page, without the teasers and widgets the extractor kept around it.
    The shortest stretch of the page text with that share is found in one sweep."""
    where = {el: (start, end) for start, end, el in index.spans}
    spans = [(where[f.element], len(f.text)) for f in body if f.element in where]
    places = sorted((start, size, end - start) for (start, end), size in spans)
    if not places:
        return None
    need = _REGION_SHARE * sum(size for _, size, _ in places)
    best: tuple[int, int] | None = None
    held, first = 0, 0
    for at, size, length in places:
        held += size
        while held - places[first][1] >= need:
            held -= places[first][1]
            first += 1
        if held >= need and (best is None or at + length - places[first][0] < best[1] - best[0]):
            best = (places[first][0], at + length)
    return _innermost(index, *best) if best else None
