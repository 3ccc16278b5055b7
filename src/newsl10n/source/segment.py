"""Split an article's layout into translatable segments.

Scraped news has no markup, so roles come from layout alone: the first short line
without closing punctuation is the title, anything before it is the photo caption (whose
unpunctuated last sentence is the credit), later short unpunctuated lines that introduce
text are headings, and short lines with no text after them (a lone "COMMENTS") are scrape
residue. Sentence splitting is delegated to sentencex, which knows abbreviations per
language ("U.S.", "U.N.", initials, decimals, quotes closing after the full stop, 。！？).
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from enum import StrEnum

from newsl10n.patterns import lazy
from newsl10n.scripts import joins
from newsl10n.scripts import word_count as word_count
from newsl10n.source.chrome import chrome_kinds, has_caption_evidence, is_chrome_word
from newsl10n.source.sentences import split_sentences as split_sentences


class Role(StrEnum):
    CAPTION = "caption"
    CREDIT = "credit"
    TITLE = "title"
    HEADING = "heading"
    PARAGRAPH = "paragraph"


@dataclass(frozen=True)
class Line:
    """One physical line of the source, 1-based."""

    number: int
    text: str


@dataclass(frozen=True)
class Block:
    """A layout unit: consecutive source lines that belong together.

    ``role`` is set when the source format already says what the block is (Markdown);
    plain text leaves it ``None`` and the layout rules decide.
    """

    lines: tuple[Line, ...]
    role: Role | None = None

    @property
    def line(self) -> int:
        return self.lines[0].number

    @property
    def text(self) -> str:
        return join_lines([ln.text for ln in self.lines])


@dataclass(frozen=True)
class Segment:
    """One translatable unit; ``id`` (the msgctxt) must not move when text elsewhere does."""

    id: str
    role: Role
    text: str
    paragraph: int  # 1-based index of the block among the article's segmentable blocks
    sentence: int  # 1-based index of the sentence within its block
    line: int  # 1-based source line where the segment starts
    lang: str = ""  # source language, filled in by detection


@dataclass(frozen=True)
class Residue:
    """A line recognised as scraping residue and left out of translation."""

    line: int
    text: str


@dataclass(frozen=True)
class Layout:
    segments: tuple[Segment, ...]
    residue: tuple[Residue, ...]


# Sentence-final punctuation, optionally followed by closing quotes/brackets.
_CLOSERS = "\"'”’»)]」』）"
_FINAL = lazy(rf"[.!?…;:,。！？][{re.escape(_CLOSERS)}]*$")
_QUESTION = lazy(rf"[!?！？][{re.escape(_CLOSERS)}]*$")
_WRAPPED_MAX = 100  # lines at most this long are treated as hard-wrapped prose
_HEADING_MAX_CHARS = 150
_HEADING_MAX_WORDS = 20
_TITLE_SEARCH_BLOCKS = 3
_TITLE_MAX_WORDS = 30
_CAPTION_MIN_WORDS = 5  # a shorter first line is a kicker or the headline, not a caption
_HEADLINE_MIN_WORDS = 4  # a shorter second line is a section heading ("Background")
_OPENING_QUOTES = '"“„«「『'
_DIALOGUE = lazy(rf"^[{_OPENING_QUOTES}].*[.!?…。！？][{re.escape(_CLOSERS)}]*$")
_CJK_INNER_STOP = lazy(r"[。！？](?=.*\w)")  # a second sentence follows: prose
_CJK_INNER_FULL_STOP = lazy(r"。(?=.*\w)")  # a headline may hold "！", "？", not "。"
# A headline may end in an abbreviation's full stop: "... Relations With U.S.", "... Inc."
_ABBREVIATION_END = lazy(
    r"(?:(?<![^\W\d_])(?:[^\W\d_]\.){2,}|\b(?:Inc|Co|Corp|Ltd|Jr|Sr|St|Bros|Nr)\.)$"
)
_INNER_SENTENCE = lazy(r"([^\W\d_]{3,})[.!?]\s+([^\W\d_])")
_QUOTE_MARKS = lazy(r"[\"'‘’“”„«»「」『』]")
_KICKER_MAX_WORDS = 4
_TITLE_TAIL = lazy(r"\s+[-|–—｜]\s+[^-|–—｜]{1,80}$")
_SITE_SUFFIX = lazy(r"\s*[-|–—｜]\s*[^-|–—｜.!?。！？]{1,12}$")


#: Whether a word (as written, any case) is known: a glossary form, a dictionary word, a
#: word the article uses elsewhere. Decides whether a line-end hyphen was only a break.
WordCheck = Callable[[str], bool]
_LINE_END_HYPHEN = lazy(r"(?P<left>[^\W\d_]*)(?<![\s-])-$")
_LEADING_WORD = lazy(r"[^\W\d_]+")
_WORDS = lazy(r"[^\W\d_]+")


def join_lines(lines: Sequence[str], known: WordCheck | None = None) -> str:
    """Join hard-wrapped lines: a space between words, nothing between CJK characters.

    A line that ends in a hyphen against a letter joins the next line without a space
    ("U.S.-⏎China"); the hyphen is dropped when the next line goes on in lower case and the
    two halves make a word ``known`` knows ("Pyong-⏎yang" → "Pyongyang"), else kept
    ("well-⏎known" → "well-known").
    """
    out = ""
    for raw in lines:
        part = raw.strip()
        if not part:
            continue
        hyphen = _LINE_END_HYPHEN.search(out) if out.endswith("-") else None
        if hyphen is not None:
            out = _join_hyphenated(out, part, hyphen, known)
            continue
        out = out + joins(out, part) + part if out else part
    return out


def _join_hyphenated(out: str, part: str, hyphen: re.Match[str], known: WordCheck | None) -> str:
    right = _LEADING_WORD.match(part)
    if known is not None and right is not None and part[0].islower():
        word = out[hyphen.start() : -1] + right.group()
        if hyphen.group("left") and known(word):
            return out[:-1] + part
    return out + part


def article_words(blocks: Iterable[Block]) -> frozenset[str]:
    """Every word of an article's lines, case-folded: the article's own dictionary."""
    return frozenset(
        w.casefold() for b in blocks for ln in b.lines for w in _WORDS.findall(ln.text)
    )


def _inner_sentence_end(text: str) -> bool:
    """A sentence ends inside: "... en la Universidad de Lisboa. Martín Schapiro es ..." (a
    word that is no abbreviation, a stop, a capital: lower-case, or five letters at least
    and not in capitals, so "Gen. Smith" and "U.S. Envoy" are not)."""
    return any(
        m.group(2).isupper()
        and (m.group(1).islower() or (len(m.group(1)) >= 5 and not m.group(1).isupper()))
        for m in _INNER_SENTENCE.finditer(text)
    )


def is_heading_like(text: str) -> bool:
    """Short, starts like a title and ends without sentence punctuation (a "?" is allowed).

    A line of dialogue (a quotation closed by its own punctuation) is speech, not a heading,
    and two sentences (an inner "word. Capital") are prose.
    """
    text = text.strip()
    if not text or len(text) > _HEADING_MAX_CHARS:
        return False
    if text[0].islower() or _DIALOGUE.match(text) or _CJK_INNER_STOP.search(text):
        return False
    if _inner_sentence_end(text):
        return False
    words = word_count(text)
    if words > _HEADING_MAX_WORDS:
        return False
    if _QUESTION.search(text):
        return words <= 12
    return not _FINAL.search(text)


def is_title_like(text: str) -> bool:
    """A headline: like a heading once a site name is cut off ("... -新华网"), but up to 30
    words long; it may end in "?" or "!" at any length, or in an abbreviation ("... With
    U.S."), and a CJK headline may hold an inner "！" or "？" ("太难了！为什么…？")."""
    text = _SITE_SUFFIX.sub("", text.strip())
    words = word_count(text)
    if not text or len(text) > 2 * _HEADING_MAX_CHARS or not 2 <= words <= _TITLE_MAX_WORDS:
        return False
    if text[0].islower() or _DIALOGUE.match(text) or _CJK_INNER_FULL_STOP.search(text):
        return False
    if _QUESTION.search(text) or _ABBREVIATION_END.search(text):
        return True
    return not _FINAL.search(text)


def is_shouting_fragment(text: str) -> bool:
    """A one- or two-word all-caps line ("COMMENTS", "ADVERTISEMENT"): page chrome, not prose."""
    if len(text) > 40:
        return False
    words = text.split()
    letters = [c for c in text if c.isalpha()]
    return (
        0 < len(words) <= 2
        and len(letters) >= 3
        and all(c.isalpha() and c.isupper() for c in letters)
        and all(ch.isalpha() or ch.isspace() for ch in text.strip())
    )


def split_plain_blocks(lines: Sequence[Line]) -> list[Block]:
    """Group plain-text lines into blocks at blank lines, then undo scraper line structure.

    Long lines are one paragraph each (the usual scrape); short lines are hard-wrapped prose
    and are joined, except a heading-like line that follows a finished sentence.
    """
    blocks: list[Block] = []
    run: list[Line] = []
    for line in [*lines, Line(0, "")]:
        if line.text.strip():
            run.append(line)
            continue
        if run:
            blocks.extend(_split_run(run))
            run = []
    return blocks


def _split_run(run: list[Line]) -> Iterator[Block]:
    width = max(len(ln.text.strip()) for ln in run)
    if len(run) == 1 or width > _WRAPPED_MAX:
        for ln in run:
            yield Block((ln,))
        return

    # Hard-wrapped prose: a heading is a line clearly shorter than the wrap width that
    # starts a unit (first line, or after a finished sentence) and reads like a heading.
    def is_heading(ln: Line) -> bool:
        return is_heading_like(ln.text) and len(ln.text.strip()) <= 0.6 * width

    units: list[list[Line]] = []
    for ln in run:
        prev = units[-1] if units else None
        if (
            prev is None
            or (len(prev) == 1 and is_heading(prev[0]))
            or (is_heading(ln) and _FINAL.search(prev[-1].text.strip()))
        ):
            units.append([ln])
        else:
            prev.append(ln)
    for unit in units:
        yield Block(tuple(unit))


def classify_blocks(blocks: Sequence[Block]) -> list[tuple[Block, Role | None]]:
    """Give each block a role; ``None`` marks residue.

    Plain text: page chrome is recognised by kind (newsl10n.source.chrome); a headline the
    extractor repeats is chrome the second time; the title is the first headline-like line
    among the first blocks that carries no caption evidence; blocks before it are the
    caption; later short unpunctuated lines are headings.
    """
    roles: list[Role | None] = [b.role for b in blocks]
    plain = all(r is None for r in roles)
    kinds: list[str | None] = (
        chrome_kinds([b.text for b in blocks]) if plain else [None] * len(blocks)
    )
    if plain:
        _mark_repeats(blocks, kinds)
        content = [i for i, k in enumerate(kinds) if k is None]
        title_at = _find_title(blocks, content[: _TITLE_SEARCH_BLOCKS + 1])
        start = 0
        if title_at is not None:
            for i in range(title_at):
                roles[i] = Role.CAPTION
                if kinds[i] is None and _is_kicker(blocks[i].text):
                    kinds[i] = "kicker"
            roles[title_at] = Role.TITLE
            start = title_at + 1
        for i in range(start, len(blocks)):
            b = blocks[i]
            if len(b.lines) == 1 and is_heading_like(b.text):
                roles[i] = Role.HEADING
            else:
                roles[i] = Role.PARAGRAPH
    # Chrome; headings that introduce nothing, and all-caps fragments, are chrome too.
    last_body = max(
        (
            i
            for i, r in enumerate(roles)
            if r in (Role.PARAGRAPH, Role.CAPTION) and kinds[i] is None
        ),
        default=-1,
    )
    result: list[tuple[Block, Role | None]] = []
    for i, (b, r) in enumerate(zip(blocks, roles, strict=True)):
        chrome = b.role is None and (
            kinds[i] is not None
            or (r is not Role.TITLE and _shouting_chrome(i, blocks, roles, kinds))
            or (r is Role.HEADING and i > last_body)
        )
        result.append((b, None if chrome else r))
    return result


def _shouting_chrome(
    i: int, blocks: Sequence[Block], roles: Sequence[Role | None], kinds: Sequence[str | None]
) -> bool:
    """A one- or two-word line in capitals is chrome when it is a chrome word
    ("ADVERTISEMENT") or introduces no paragraph; "THE VERDICT" before text is a heading."""
    text = blocks[i].text
    if not is_shouting_fragment(text):
        return False
    nxt = i + 1
    introduces = nxt < len(blocks) and roles[nxt] is Role.PARAGRAPH and kinds[nxt] is None
    return is_chrome_word(text) or not introduces


def _mark_repeats(blocks: Sequence[Block], kinds: list[str | None]) -> None:
    """A headline the extractor gives twice (perhaps once with the site's name) is one
    headline: the later copy among the first blocks becomes chrome of kind "repeat"."""
    seen: dict[str, int] = {}
    content = [i for i, k in enumerate(kinds) if k is None][: _TITLE_SEARCH_BLOCKS + 1]
    for i in content:
        text = blocks[i].text
        key = _repeat_key(_SITE_SUFFIX.sub("", text))
        if key in seen and len(blocks[i].lines) == 1 and is_title_like(text):
            kinds[i] = "repeat"
            # A short line between a headline and its repeat is a kicker ("America").
            for j in range(seen[key] + 1, i):
                if kinds[j] is None and _is_kicker(blocks[j].text, _KICKER_MAX_WORDS):
                    kinds[j] = "kicker"
        seen.setdefault(key, i)
        # "2012 map takes unfamiliar shape - Maggie Haberman": the headline before a byline
        seen.setdefault(_repeat_key(_TITLE_TAIL.sub("", text)), i)


def _repeat_key(text: str) -> str:
    """A headline's text for comparing copies: quotes and apostrophes of any kind left out,
    spaces normalised, case folded."""
    return _normalise(_QUOTE_MARKS.sub("", text)).casefold()


def _is_kicker(text: str, max_words: int = 2) -> bool:
    """A section label over a headline ("America", "智能"): a short unpunctuated line."""
    text = text.strip()
    return 0 < word_count(text) <= max_words and not _FINAL.search(text)


def _find_title(blocks: Sequence[Block], candidates: Sequence[int]) -> int | None:
    """The title's index among the first content blocks, or None.

    The first headline-like one-line block without caption evidence, unless the next one
    is a headline too, no longer than the first, and stands apart from the body text that
    follows it (a blank line between): then the first was an unlabelled photo caption ("a
    following headline line"); a longer line after a headline is its standfirst or a video's
    description.
    A heading glued to the text it introduces, or of fewer than four words ("Background"),
    is a section heading, not a headline.
    """

    def headline(i: int) -> bool:
        b = blocks[i]
        return len(b.lines) == 1 and is_title_like(b.text) and not has_caption_evidence(b.text)

    for n, i in enumerate(candidates[:_TITLE_SEARCH_BLOCKS]):
        if not headline(i):
            continue
        rest = list(candidates[n + 1 : n + 3])
        if (
            len(rest) == 2
            and rest[0] == i + 1
            and headline(rest[0])
            and word_count(blocks[i].text) >= _CAPTION_MIN_WORDS
            and word_count(blocks[rest[0]].text) >= _HEADLINE_MIN_WORDS
            and word_count(blocks[rest[0]].text) <= word_count(blocks[i].text)
            and not is_heading_like(blocks[rest[1]].text)
            and blocks[rest[1]].line > blocks[rest[0]].lines[-1].number + 1
        ):
            return rest[0]
        return i
    return None


def segment_blocks(blocks: Sequence[Block], lang: str, known: WordCheck | None = None) -> Layout:
    """Turn blocks into ordered segments with roles, positions, source lines and stable ids.

    A word broken at a line end is joined without its hyphen when the article writes it
    whole elsewhere, or ``known`` (the glossary, a dictionary) knows it.
    """
    words = article_words(blocks)

    def is_word(word: str) -> bool:
        return word.casefold() in words or (known is not None and known(word))

    segments: list[Segment] = []
    residue: list[Residue] = []
    seen: dict[str, int] = {}
    paragraph = 0
    for block, role in classify_blocks(blocks):
        if role is None:
            residue.append(Residue(block.line, block.text))
            continue
        paragraph += 1
        text = join_lines([ln.text for ln in block.lines], is_word)
        pieces = [text] if role in (Role.TITLE, Role.HEADING) else split_sentences(text, lang)
        offsets = _locate(text, pieces)
        for n, (piece, offset) in enumerate(zip(pieces, offsets, strict=True), start=1):
            seg_role = role
            if role is Role.CAPTION and n == len(pieces) and n > 1 and not _FINAL.search(piece):
                seg_role = Role.CREDIT
            segments.append(
                Segment(
                    id=_stable_id(seg_role, piece, seen),
                    role=seg_role,
                    text=piece,
                    paragraph=paragraph,
                    sentence=n,
                    line=_line_at(block, offset),
                )
            )
    return Layout(tuple(segments), tuple(residue))


def _locate(text: str, pieces: Iterable[str]) -> list[int]:
    """Character offset of each piece in the block text (pieces are in order)."""
    offsets: list[int] = []
    pos = 0
    for piece in pieces:
        found = text.find(piece, pos)
        offsets.append(found if found >= 0 else pos)
        pos = (found if found >= 0 else pos) + len(piece)
    return offsets


def _line_at(block: Block, offset: int) -> int:
    """Map an offset in the joined block text back to its physical source line."""
    consumed = 0
    for ln in block.lines:
        length = len(ln.text.strip())
        if offset < consumed + length + 1:
            return ln.number
        consumed += length + 1
    return block.lines[-1].number


def _normalise(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).split())


def _stable_id(role: Role, text: str, seen: dict[str, int]) -> str:
    """Content-derived id: unaffected by edits elsewhere; repeats of a text get a counter."""
    digest = hashlib.sha1(_normalise(text).encode("utf-8")).hexdigest()[:10]
    base = f"{role.value}:{digest}"
    seen[base] = seen.get(base, 0) + 1
    return base if seen[base] == 1 else f"{base}.{seen[base]}"
