"""Write a catalog in the style of the file it replaces, rewriting only entries that changed.

Translators' tools each wrap strings their own way: GNU gettext and Poedit at 79 columns,
translate-toolkit (Weblate) with its gettext-like wrapper at 77, newsl10n itself not at
all. Re-serialising a whole catalog in one style turns every entry of a file saved by
another tool into a diff line. So the file is split into its entry blocks; a block whose
entry is unchanged is written back byte for byte, and only new or changed entries are
rendered, in the wrapping style detected from the file's own blocks.

polib wraps differently from gettext (and wraps comments, which gettext never does), so
rendering is done here: gettext's line breaking is reproduced in ``linebreak.py``;
translate-toolkit's is its own library's (``unicode_segmentation_rs.gettext_wrap``),
Babel's is Babel's ``normalize``.
"""

from __future__ import annotations

import re
from collections import defaultdict, deque
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import polib
from unicode_segmentation_rs import gettext_wrap

from newsl10n.catalog import linebreak

__all__ = [
    "UNWRAPPED",
    "FileLayout",
    "Style",
    "block_lines",
    "detect_layout",
    "entry_key",
    "entry_lines",
    "layout",
    "po_lines",
    "render",
]


@dataclass(frozen=True)
class Style:
    """How strings are broken into lines.

    ``kind``: ``none`` (one line per embedded newline, like ``msgcat --no-wrap``),
    ``gettext`` (msgcat, msgattrib, Poedit: lines at most ``width`` columns, quotes
    included; a string starts on the keyword line when it fits there) or ``ttk``
    (translate-toolkit: ``width`` columns of text plus the quotes; a string starts with
    ``""`` when its text is longer than ``width - 6``) or ``babel`` (Babel's ``write_po``,
    whose own wrapper leaves the space at the start of the next line).
    """

    kind: str = "none"
    width: int = 0


UNWRAPPED = Style()
CANDIDATES = (
    UNWRAPPED,
    Style("gettext", 79),
    Style("ttk", 77),
    Style("babel", 76),
    Style("gettext", 76),
    Style("gettext", 77),
    Style("gettext", 78),
    Style("gettext", 80),
    Style("ttk", 76),
    Style("ttk", 78),
    Style("ttk", 79),
)
_EVIDENCE = 200  # long strings looked at to tell the styles apart


def escape(text: str) -> str:
    return (
        text.replace("\\", "\\\\")
        .replace('"', '\\"')
        .replace("\t", "\\t")
        .replace("\r", "\\r")
        .replace("\n", "\\n")
    )


def _pieces(text: str) -> list[str]:
    """The string cut after each embedded newline (every tool breaks the line there)."""
    parts = text.split("\n")
    pieces = [f"{p}\n" for p in parts[:-1]]
    if parts[-1]:
        pieces.append(parts[-1])
    return pieces or [""]


def _wrapped(text: str, style: Style, wrap: bool = True, indent: int = 0) -> list[str]:
    """The escaped contents of the quoted lines ``text`` is written as; ``indent``: the
    width of a ``#~ `` prefix, which gettext counts in the line."""
    pieces = [escape(p) for p in _pieces(text)]
    if style.kind in ("none", "babel") or not wrap:
        return pieces
    lines = []
    for piece in pieces:
        if not piece:
            lines.append("")
        elif style.kind == "gettext":
            lines.extend(linebreak.wrap(piece, style.width - 2 - indent))
        else:
            lines.extend(gettext_wrap(piece, style.width))
    return lines


def string_lines(
    keyword: str, text: str, style: Style, wrap: bool = True, indent: int = 0
) -> list[str]:
    """``keyword "text"`` as the lines of a PO file (without the ``#~ `` prefix of an
    obsolete entry, ``indent`` columns wide)."""
    if style.kind == "babel" and wrap:
        from babel.messages.pofile import normalize  # only for Babel-written files (30 ms)

        return f"{keyword} {normalize(text, width=style.width)}".split("\n")
    lines = _wrapped(text, style, wrap, indent)
    return _quoted(keyword, lines, style, wrap, indent)


def _quoted(
    keyword: str, lines: list[str], style: Style, wrap: bool = True, indent: int = 0
) -> list[str]:
    if len(lines) == 1 and _fits_on_keyword_line(" " * indent + keyword, lines[0], style, wrap):
        return [f'{keyword} "{lines[0]}"']
    return [f'{keyword} ""', *(f'"{line}"' for line in lines)]


def _fits_on_keyword_line(keyword: str, line: str, style: Style, wrap: bool) -> bool:
    if style.kind == "none" or not wrap:
        return True
    if style.kind == "ttk":
        return len(line) <= style.width - 6
    # gettext breaks the string as if it started after the keyword; a word too long to
    # break at all stays on the keyword line.
    return len(linebreak.wrap("x" * (len(keyword) + 1) + line, style.width - 2)) == 1


def render_entry(entry: polib.POEntry, style: Style) -> str:
    """One entry in gettext's field order, strings wrapped in ``style``."""
    out = [f"# {t}".rstrip() for t in _lines(entry.tcomment)]
    if not entry.obsolete:
        out.extend(f"#. {t}".rstrip() for t in _lines(entry.comment))
        out.extend(_references(entry.occurrences, style))
    if entry.flags:
        out.append("#, " + ", ".join(entry.flags))
    wrap = "no-wrap" not in entry.flags
    prefix = "#~ " if entry.obsolete else ""
    previous = "#~| " if entry.obsolete else "#| "
    for keyword, value in (
        ("msgctxt", entry.previous_msgctxt),
        ("msgid", entry.previous_msgid),
        ("msgid_plural", entry.previous_msgid_plural),
    ):
        if value is not None:
            lines = string_lines(keyword, value, style, wrap, len(previous))
            out.extend(previous + t for t in lines)
    fields: list[tuple[str, str]] = []
    if entry.msgctxt is not None:
        fields.append(("msgctxt", entry.msgctxt))
    fields.append(("msgid", entry.msgid))
    if entry.msgid_plural:
        fields.append(("msgid_plural", entry.msgid_plural))
        for index in sorted(entry.msgstr_plural, key=int):
            fields.append((f"msgstr[{index}]", entry.msgstr_plural[index]))
    else:
        fields.append(("msgstr", entry.msgstr))
    for keyword, value in fields:
        out.extend(prefix + t for t in string_lines(keyword, value, style, wrap, len(prefix)))
    return "\n".join(out)


def render_header(
    po: polib.POFile,
    style: Style,
    comments: str | None = None,
    fields: Mapping[str, tuple[str, ...]] | None = None,
) -> str:
    """The header entry; ``comments``: the original comment lines, when unchanged;
    ``fields``: the original quoted lines of each ``Key: value`` line, by its escaped text,
    so only the fields that changed are written anew."""
    out = [comments] if comments else [f"# {t}".rstrip() for t in _lines(po.header)]
    if po.metadata_is_fuzzy:
        out.append("#, fuzzy")
    out.append('msgid ""')
    lines: list[str] = []
    for key, value in po.metadata.items():
        text = f"{key}: {value}\n"
        same = (fields or {}).get(escape(text))
        lines.extend([t[1:-1] for t in same] if same else _wrapped(text, style))
    out.extend(_quoted("msgstr", lines or [""], style))
    return "\n".join(out)


def _header_fields(block: str) -> dict[str, tuple[str, ...]]:
    """The quoted lines of each header field of an original header block."""
    lines = block.split("\n")
    if 'msgstr ""' not in lines:
        return {}
    found: dict[str, tuple[str, ...]] = {}
    current: list[str] = []
    for text in lines[lines.index('msgstr ""') + 1 :]:
        if not (len(text) >= 2 and text.startswith('"') and text.endswith('"')):
            break
        current.append(text)
        body = text[1:-2]  # a field ends with an escaped newline: an odd run of \\ then n
        if text.endswith('n"') and (len(body) - len(body.rstrip("\\"))) % 2 == 1:
            found["".join(t[1:-1] for t in current)] = tuple(current)
            current = []
    return found


def _lines(text: str | None) -> list[str]:
    return text.split("\n") if text else []


def _references(occurrences: Sequence[tuple[str, str]], style: Style) -> list[str]:
    refs = [f"{f}:{n}" if n else f for f, n in occurrences]
    if not refs:
        return []
    if style.kind == "none":
        return ["#: " + " ".join(refs)]
    lines: list[str] = []
    current = "#:"
    for ref in refs:
        if current != "#:" and len(current) + 1 + len(ref) > style.width:
            lines.append(current)
            current = "#:"
        current = f"{current} {ref}"
    lines.append(current)
    return lines


def entry_key(entry: polib.POEntry) -> tuple[object, ...]:
    """Everything polib reads of an entry: equal keys mean the entry is unchanged."""
    return (
        entry.obsolete,
        entry.msgctxt,
        entry.msgid,
        entry.msgid_plural,
        entry.msgstr,
        tuple(sorted(entry.msgstr_plural.items())),
        entry.comment,
        entry.tcomment,
        tuple(entry.occurrences),
        tuple(entry.flags),
        entry.previous_msgctxt,
        entry.previous_msgid,
        entry.previous_msgid_plural,
    )


def header_key(po: polib.POFile) -> tuple[object, ...]:
    return (po.header, tuple(po.metadata.items()), po.metadata_is_fuzzy)


@dataclass(frozen=True)
class FileLayout:
    """How an existing file is written: its style and, when it is a plain sequence of
    blank-line separated blocks, the original text of each entry's block."""

    style: Style
    bom: str = ""
    tail: str = "\n"  # what follows the last block: gettext ends with one newline, Babel two
    newline: str = "\n"  # a file saved on Windows keeps its CRLF line ends
    header: tuple[tuple[object, ...], str] | None = None  # (header_key, original text)
    header_comments: tuple[str, str] | None = None  # (po.header, original comment lines)
    header_fields: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    blocks: tuple[tuple[tuple[object, ...], str], ...] = ()  # (entry_key, original text)


_BLANK = re.compile(r"\n(?:[ \t]*\n)+")
_HEADER_BLOCK = re.compile(r'^(?:#[^\n]*\n)*msgid ""\nmsgstr ', re.MULTILINE)


def layout(text: str, po: polib.POFile) -> FileLayout:
    """The layout of ``text``, the file ``po`` was parsed from."""
    bom = "\ufeff" if text.startswith("\ufeff") else ""
    body = text[len(bom) :]
    newline = "\n"
    if "\r\n" in body and "\r" not in body.replace("\r\n", ""):
        newline, body = "\r\n", body.replace("\r\n", "\n")
    blocks = [b for b in _BLANK.split(body.strip("\n")) if b]
    tail = "\n\n" if body.endswith("\n\n") else "\n"
    has_header = bool(blocks) and _HEADER_BLOCK.match(blocks[0]) is not None
    entry_blocks = blocks[1:] if has_header else blocks
    entries = list(po)
    # Blocks may be apart by more than one blank line (a hand edit): they are still the
    # entries' own text, and only the separators are made single when the file is written
    # (rendering every entry from polib's model would drop what polib cannot read back).
    # Each block must hold exactly one entry (one msgid line): a comment apart from its
    # entry, or two entries with no blank line between, would pair blocks and entries
    # wrongly by count, and lose or double an entry.
    regular = (
        "\r" not in body
        and len(entry_blocks) == len(entries)
        and all(_msgid_lines(b) == 1 for b in entry_blocks)
        and all(
            ("\n#~ msgid" in f"\n{b}") == e.obsolete
            for b, e in zip(entry_blocks, entries, strict=True)
        )
    )
    style = detect_layout(entries, entry_blocks if regular else [])
    if not regular:
        return FileLayout(style, bom, tail, newline)
    header, comments = None, None
    if has_header:
        header = (header_key(po), blocks[0])
        lines = blocks[0].split("\n")
        kept = lines[: next(i for i, t in enumerate(lines) if t == 'msgid ""')]
        comments = (po.header, "\n".join(t for t in kept if not t.startswith("#,")))
    pairs = tuple((entry_key(e), b) for e, b in zip(entries, entry_blocks, strict=True))
    fields = _header_fields(blocks[0]) if has_header else {}
    return FileLayout(style, bom, tail, newline, header, comments, fields, pairs)


def _msgid_lines(block: str) -> int:
    """How many entries a block holds: its ``msgid`` lines (``#~ msgid`` when obsolete)."""
    return sum(line.startswith(("msgid ", "#~ msgid ")) for line in block.split("\n"))


def detect_layout(entries: Sequence[polib.POEntry], blocks: Sequence[str]) -> Style:
    """The candidate style that reproduces most of the blocks holding a long string."""
    evidence = [
        (e, b)
        for e, b in zip(entries, blocks, strict=False)
        if max(len(e.msgid), len(e.msgstr), *(len(v) for v in e.msgstr_plural.values()), 0) > 60
    ][:_EVIDENCE]
    if not evidence:
        return UNWRAPPED
    scores = [(sum(render_entry(e, s) == b for e, b in evidence), s) for s in CANDIDATES]
    best = max(score for score, _ in scores)
    return next(s for score, s in scores if score == best)


def render(po: polib.POFile, previous: FileLayout | None) -> str:
    """The text of ``po``: blocks of unchanged entries as they were, the rest rendered in
    the previous file's style (unwrapped for a new file)."""
    style = previous.style if previous else UNWRAPPED
    parts: list[str] = []
    if po.header or po.metadata:
        if previous and previous.header and previous.header[0] == header_key(po):
            parts.append(previous.header[1])
        else:
            same = previous.header_comments if previous else None
            comments = same[1] if same and same[0] == po.header else None
            fields = previous.header_fields if previous else None
            parts.append(render_header(po, style, comments, fields))
    pool: dict[tuple[object, ...], deque[str]] = defaultdict(deque)
    for key, text in previous.blocks if previous else ():
        pool[key].append(text)
    parts.extend(_entries(po, pool, style))
    bom, tail = (previous.bom, previous.tail) if previous else ("", "\n")
    text = "\n\n".join(parts) + tail
    return bom + (text.replace("\n", previous.newline) if previous else text)


def _entries(
    po: Iterable[polib.POEntry], pool: dict[tuple[object, ...], deque[str]], style: Style
) -> Iterable[str]:
    for entry in po:
        same = pool.get(entry_key(entry))
        yield same.popleft() if same else render_entry(entry, style)


def po_lines(text: str) -> list[str]:
    """The lines of PO text as gettext reads them: broken at ``\\n`` only (a CRLF file's
    ``\\r`` ends its line as trailing white space, which readers strip). ``str.splitlines``
    also breaks at a lone ``\\r``, U+2028, U+2029, form feed, NEL, vertical tab and the
    separators \\x1c-\\x1e, which a PO string or comment may hold raw (msgfmt reads them as
    text; scraped pages carry them inside paragraphs, engines in their messages)."""
    lines = text.split("\n")
    if lines and not lines[-1]:
        lines.pop()  # as splitlines: a final break ends the last line, starts none
    return lines


def block_lines(text: str) -> list[int]:
    """The first line of each block of ``text`` (runs of lines with more than blanks),
    numbered as the catalog reader numbers lines (from 1, by :func:`po_lines`, blank lines
    counted)."""
    return _block_starts(po_lines(text))


def _block_starts(lines: Sequence[str]) -> list[int]:
    starts: list[int] = []
    blank = True
    for number, line in enumerate(lines, start=1):
        if line.strip():
            if blank:
                starts.append(number)
            blank = False
        else:
            blank = True
    return starts


def entry_lines(po: polib.POFile, text: str) -> list[int] | None:
    """The line on which polib would start each entry of ``po`` in ``text``, when ``text``
    is ``po`` as :func:`render` lays it out and each entry reads back as itself; None
    when that is not sure (then parse ``text``).

    :func:`render` joins the header's block and one block per entry with blank lines, and
    no entry holds one, so the blocks after the header's are the entries in order. That
    holds unless polib reads the text otherwise than it was written: it skips a bare
    ``#.``, ``#,`` or ``#:`` (atop a kept block it would start the entry a line later;
    inside a note it drops an empty line), trims comments, splits references at spaces
    and flags at commas; obsolete entries keep in memory what the file leaves out."""
    lines = po_lines(text)
    starts = _block_starts(lines)
    header = 1 if po.header or po.metadata else 0
    if len(starts) != header + len(po):
        return None
    for entry, start in zip(po, starts[header:], strict=True):
        if entry.obsolete or not _reads_back(entry) or _skipped(lines[start - 1]):
            return None
    return starts[header:]


def _skipped(line: str) -> bool:
    """A line polib passes over: a comment marker with nothing after it."""
    return line.strip() in ("#.", "#,", "#:")


def _reads_back(entry: polib.POEntry) -> bool:
    """Whether polib reads the entry's comments, references and flags back as they are."""
    comments, notes = _lines(entry.comment), _lines(entry.tcomment)
    if any(ln != ln.rstrip() or "\r" in ln for ln in comments + notes):  # trimmed
        return False
    if any(not ln for ln in comments):  # a bare "#.", which polib skips
        return False
    if any(not f or f != f.strip() or "," in f for f in entry.flags):
        return False
    return all(
        file and not any(c.isspace() for c in file) and (not line or str(line).isdigit())
        for file, line in entry.occurrences
    )
