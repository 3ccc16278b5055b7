"""Strict, dependency-free checker for PO/POT files.

polib and Babel accept broken catalogs (an unterminated string parses fine), so a file a
translator edited by hand is checked here before anything reads it, and a catalog with any
problem is left untouched. ``check_po`` reports every problem it finds, sorted by line.

The grammar is GNU gettext's (msgfmt 0.21 was the reference), with these differences:

* stricter: a keyword and its one string share a line (gettext also takes ``msgid`` and
  its string on two lines, or two strings on one line; no tool writes either); the
  header's charset must be one Python can decode, and every byte of the file, comments
  included, must decode in it (gettext warns, or looks at strings only); Plural-Forms
  must read ``nplurals=N; plural=EXPRESSION;`` (msgfmt looks for the two parts anywhere,
  and only when some entry has plural forms); and the escapes polib gets wrong (``\\a``,
  octal, hex) are reported, because saving the catalog with polib doubles their backslash;
* more lenient: template placeholders (``charset=CHARSET``, ``nplurals=INTEGER``) and a
  UTF-8 byte order mark are accepted; an obsolete entry may repeat a live entry's msgctxt
  and msgid (msgfmt calls that a duplicate; live and obsolete entries are checked apart).

Well-formed files are read one entry per regular-expression match (``_scan_entries``);
from the first irregular entry on, the rest of the file is read line by line
(``_LineScanner``, one handler per kind of line), which is what names each problem and its
line. Plural-Forms expressions are read by the standard library (``gettext.c2py``).
"""

from __future__ import annotations

import codecs
import gettext
import re
from bisect import bisect_right
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache, lru_cache

__all__ = ["PoProblem", "check_po"]


@dataclass(frozen=True)
class PoProblem:
    line: int  # 1-based line of the file
    message: str


# Entry states: the last keyword seen in the current entry.
_NONE, _CTXT, _ID, _PLURAL, _STR, _STRN = range(6)
_STATE_KEYWORD = {_CTXT: "msgctxt", _ID: "msgid", _PLURAL: "msgid_plural"}
_OPEN = (_CTXT, _ID, _PLURAL)  # an entry that still needs its msgstr

# The escapes gettext accepts (not C's \\? and \\', which msgfmt rejects).
_ESCAPE_BODY = r"""[ntrabfv"\\]|[0-7]{1,3}|x[0-9A-Fa-f]{1,2}"""
# One line of a PO file, other than a plain comment. Strings are matched with an unrolled
# loop (no nested quantifier), so an unterminated string fails in linear time.
_WHITESPACE = " \t\r\f\v"  # what gettext's lexer skips between tokens
_LINE = re.compile(
    r"(?P<pre>#~\|?|#\|)?[ \t\r\f\v]*"
    r"(?:(?P<kw>msgctxt|msgid_plural|msgid|msgstr)"
    r"(?:[ \t\r\f\v]*\[[ \t\r\f\v]*(?P<idx>[0-9]+)[ \t\r\f\v]*\])?[ \t\r\f\v]*)?"
    rf'(?:"(?P<s>[^"\\]*(?:\\(?:{_ESCAPE_BODY})[^"\\]*)*)")?'
    r"[ \t\r\f\v]*"
)
_UNESCAPE = re.compile(r"\\(?:([0-7]{1,3})|x([0-9A-Fa-f]{1,2})|(.))", re.DOTALL)
_SIMPLE_ESCAPES = {
    "n": "\n",
    "t": "\t",
    "r": "\r",
    "a": "\a",
    "b": "\b",
    "f": "\f",
    "v": "\v",
    "?": "?",
    "'": "'",
    '"': '"',
    "\\": "\\",
}
_VALID_SIMPLE_ESCAPES = frozenset('ntrabfv"\\')
_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_INDEX = re.compile(r"[ \t\r\f\v]*\[[ \t\r\f\v]*([0-9]+)[ \t\r\f\v]*\]")
_KEYWORDS = frozenset({"msgctxt", "msgid", "msgid_plural", "msgstr"})
# The #| keywords, and which one each may follow (None: the first #| line).
_PREVIOUS_ORDER: dict[str, tuple[str | None, ...]] = {
    "msgctxt": (None,),
    "msgid": (None, "msgctxt"),
    "msgid_plural": ("msgid",),
}
_CHARSET = re.compile(r"charset\s*=\s*([^\s;]+)", re.IGNORECASE | re.ASCII)
# Like gettext, anything after the ";" that ends the expression is ignored (real files have
# a stray "\\n" there, or the next header field when a "\n" was forgotten).
_PLURAL_FORMS = re.compile(
    r"\s*nplurals\s*=\s*([0-9]+)\s*;\s*plural\s*=\s*([^;]*?)\s*(?:;.*)?", re.ASCII | re.DOTALL
)
_PLACEHOLDER_CHARSET = "CHARSET"  # what xgettext writes into a fresh template
_PLACEHOLDER_PLURALS = re.compile(
    r"\s*nplurals\s*=\s*INTEGER\s*;\s*plural\s*=\s*EXPRESSION\s*;?\s*", re.ASCII
)
_PRESCAN_BYTES = 65536
_BACKSLASH_COMMENT = (
    "comment ends with a backslash, so gettext joins the next line to it (polib does not)"
)
_SUSPECT = re.compile(r"\x04|\\[a0-7x]")  # a superset: _string_problems decides
_EOT = "string contains U+0004 (EOT), which gettext reserves to separate msgctxt and msgid"
_INCONSISTENT = "inconsistent use of #~ (obsolete and live lines in one entry)"
_COMPLEX_ESCAPE = re.compile(r'\\[^nt"\\]')


# A comment line; not one ending in a backslash, which gettext joins with the next line.
_COMMENT = r"\#(?![~|])(?:[^\n]*[^\n\\])?(?:\n|\Z)"


@cache
def _entry_pattern() -> re.Pattern[str]:
    """One whole entry, with the comments before it, in the layout tools write."""
    # Only the escapes polib understands, and no U+0004: _string_problems need not run.
    string = r'"[^"\\\n\x04]*(?:\\[ntrbfv"\\][^"\\\n\x04]*)*"'
    end = r"[ \t\r\f\v]*(?:\n|\Z)"
    comment = _COMMENT
    blank = r"[ \t\r\f\v]*\n"
    indexed = r"msgstr\[[0-9]+\]"

    def field(prefix: str, keyword: str) -> str:
        return rf"{prefix}{keyword}[ \t]*{string}{end}(?:{prefix}{string}{end})*"

    def entry(tag: str, prefix: str, previous: str) -> str:
        prev = (
            f"(?:{field(previous, 'msgctxt')})?{field(previous, 'msgid')}"
            f"(?:{field(previous, 'msgid_plural')})?"
        )
        before = f"(?:{comment}|{blank})*(?:{prev})?"
        return (
            rf"(?P<{tag}pre>{before})"
            rf"(?P<{tag}c>{field(prefix, 'msgctxt')})?"
            rf"(?P<{tag}i>{field(prefix, 'msgid')})"
            rf"(?:{field(prefix, 'msgid_plural')}"
            rf"(?P<{tag}n>(?:{field(prefix, indexed)})+)"
            rf"|(?P<{tag}s>{field(prefix, 'msgstr')}))"
        )

    live = entry("l", "", r"\#\|[ \t]*")
    dead = entry("d", r"\#~[ \t]*", r"\#~\|[ \t]*")
    return re.compile(f"(?:{live}|{dead})")


_TRAILER = re.compile(rf"(?:{_COMMENT}|[ \t\r\f\v]*\n)*[ \t\r\f\v]*")
_PIECE = re.compile(r'"([^"\\\n]*(?:\\.[^"\\\n]*)*)"')
_FORM = re.compile(r"^(?:\#~[ \t]*)?msgstr\[([0-9]+)\]", re.MULTILINE)
_FORM_START = re.compile(r"^(?:\#~[ \t]*)?msgstr\[", re.MULTILINE)


def check_po(data: bytes) -> list[PoProblem]:
    """Strict syntax and consistency check of a PO/POT file's bytes; [] when fine."""
    bom = data.startswith(codecs.BOM_UTF8)
    body = data[len(codecs.BOM_UTF8) :] if bom else data
    # The charset is in the header, which is inside the file it describes: read the first
    # entry as Latin-1 (every byte is a character, and the header is ASCII), then decode the
    # whole file with the charset found. If the full parse finds the header elsewhere with
    # another charset (the header is not the first entry), decode again with that one.
    first = _scan_lines(body[:_PRESCAN_BYTES].decode("latin-1"), first_entry_only=True)[1]
    declared = None if first.header is None else _check_header(*first.header)[0]
    codec = _resolve_charset(declared)[0] or "utf-8"
    result = _check_decoded(body, codec, declared)
    final_codec, charset_problem = _resolve_charset(result.charset)
    if (final_codec or "utf-8") != codec:
        result = _check_decoded(body, final_codec or "utf-8", result.charset)
    problems = result.problems
    if charset_problem:
        problems.append(PoProblem(result.charset_line, charset_problem))
    if bom and final_codec not in (None, "utf-8"):
        problems.append(
            PoProblem(
                1,
                f"the file starts with a UTF-8 byte order mark but its charset is {result.charset}",
            )
        )
    problems.sort(key=lambda problem: problem.line)
    return problems


@lru_cache(maxsize=64)
def _resolve_charset(name: str | None) -> tuple[str | None, str | None]:
    """(Python codec name, problem): (None, None) when no charset is declared."""
    if name is None or name == _PLACEHOLDER_CHARSET:
        return None, None
    try:
        codec = codecs.lookup(name).name
        b"".decode(codec)  # LookupError for bytes-to-bytes codecs such as base64
    except LookupError:
        return None, f"unknown charset {name!r} in the header's Content-Type"
    probe = "".join(map(chr, range(32, 127))) + "\t\n"
    try:
        compatible = probe.encode(codec) == probe.encode("ascii")
    except UnicodeError:
        compatible = False
    if not compatible:
        return None, f"charset {name!r} is not ASCII-compatible and cannot be used for a PO file"
    return codec, None


@dataclass
class _Parsed:
    problems: list[PoProblem]
    charset: str | None  # as declared in the header, None when not declared
    charset_line: int  # the line that declares it


def _check_decoded(body: bytes, codec: str, declared: str | None) -> _Parsed:
    problems: list[PoProblem] = []
    try:
        text = body.decode(codec)
    except UnicodeDecodeError as err:
        bad = body[err.start : err.end].hex(" ").upper() or "end of file"
        if declared is None or _resolve_charset(declared)[0] is None:
            where = "not valid UTF-8 (the header declares no usable charset, so UTF-8 is assumed)"
        else:
            where = f"not valid {declared} (the header's charset)"
        problems.append(PoProblem(body.count(b"\n", 0, err.start) + 1, f"bytes {bad} are {where}"))
        text = body.decode(codec, errors="replace")
    result = _parse(text)
    problems.extend(result.problems)
    return _Parsed(problems, result.charset, result.charset_line)


@dataclass
class _Found:
    """What the structural pass collected for the checks that need the whole file.

    Positions are line numbers, or character offsets that ``_finish`` turns into lines
    only when a problem is reported (counting lines for every entry would cost more).
    """

    keys: list[tuple[int, bool, str | None, str]]  # (position, obsolete, msgctxt, msgid)
    plurals: list[tuple[int, int]]  # (position, number of msgstr[N]) of counted entries
    header: tuple[list[str], list[int]] | None = None  # msgstr strings and their lines


def _parse(text: str) -> _Parsed:
    """Check decoded PO text; also returns the header's charset."""
    found, resume = _scan_entries(text)
    if resume is None:  # well-formed: only whole-file checks remain
        return _finish([], found, lambda offsets: _lines_of(text, offsets))
    # The entries before ``resume`` are fine; check the rest line by line, then put
    # the two together (with line numbers for both) for the whole-file checks.
    first_line = text.count("\n", 0, resume) + 1
    tail = text[resume:]
    problems, rest = _scan_lines(tail, first_line=first_line)
    problems += _string_problems(tail, first_line)
    key_lines = _lines_of(text, [key[0] for key in found.keys])
    plural_lines = _lines_of(text, [plural[0] for plural in found.plurals])
    merged = _Found(
        [(line, *key[1:]) for line, key in zip(key_lines, found.keys, strict=True)] + rest.keys,
        [(line, plural[1]) for line, plural in zip(plural_lines, found.plurals, strict=True)]
        + rest.plurals,
        found.header or rest.header,
    )
    return _finish(problems, merged, _same)


def _same(lines: list[int]) -> list[int]:
    return lines


def _lines_of(text: str, offsets: list[int]) -> list[int]:
    """Line numbers of increasing character offsets, counted in one pass."""
    lines: list[int] = []
    line, last = 1, 0
    for offset in offsets:
        line += text.count("\n", last, offset)
        last = offset
        lines.append(line)
    return lines


def _string_problems(text: str, first_line: int = 1) -> list[PoProblem]:
    """Strings that are well-formed but unsafe: U+0004, or escapes polib gets wrong.

    U+0004 separates msgctxt from msgid in MO files, so gettext refuses it in a string.
    polib understands only the escapes \\n \\t \\r \\b \\f \\v \\" and \\\\; it reads
    \\a, octal and hex escapes as a backslash and a letter, and saving the catalog would turn
    them into an escaped backslash: a translation silently changed.
    """
    problems: list[PoProblem] = []
    if "\\" not in text and "\x04" not in text:
        return problems
    last_start, lineno, done = 0, first_line, 0
    for candidate in _SUSPECT.finditer(text):
        start = text.rfind("\n", 0, candidate.start()) + 1
        if start < done:
            continue  # this line was looked at already
        lineno += text.count("\n", last_start, start)
        last_start = start
        end = text.find("\n", start)
        done = len(text) if end < 0 else end
        match = _LINE.fullmatch(text, start, done)
        if match is None or match.group("s") is None:
            continue  # a comment, or a line with problems of its own
        raw = match.group("s")
        for escape in _UNESCAPE.finditer(raw):
            octal, hexa, other = escape.groups()
            if octal is not None or hexa is not None or other == "a":
                code = escape.group()
                problems.append(
                    PoProblem(
                        lineno,
                        f"escape sequence '{code}' is not understood by polib, which would "
                        f"save it as '\\{code}'; write the character itself",
                    )
                )
                break
        if not (match.group("pre") or "").endswith("|") and "\x04" in _unescape(raw):
            problems.append(PoProblem(lineno, _EOT))
    return problems


def _finish(
    problems: list[PoProblem], found: _Found, to_lines: Callable[[list[int]], list[int]]
) -> _Parsed:
    """Duplicates, the header's charset and Plural-Forms, and plural entries' msgstr counts.

    ``to_lines`` turns sorted positions into line numbers, all at once: a file with thousands
    of duplicates (two catalogs pasted together) must not count lines thousands of times.
    """
    late: list[tuple[int, int | None, str]] = []  # (position, first definition, message)
    seen: tuple[dict[tuple[str | None, str], int], dict[tuple[str | None, str], int]] = ({}, {})
    for position, obsolete, ctxt_raw, id_raw in found.keys:
        key = (None if ctxt_raw is None else _unescape(ctxt_raw), _unescape(id_raw))
        first = seen[obsolete].setdefault(key, position)
        if first != position:
            what = "duplicate obsolete message" if obsolete else "duplicate message"
            ctxt = "" if ctxt_raw is None else f"msgctxt {_show(ctxt_raw)}, "
            late.append((position, first, f"{what} ({ctxt}msgid {_show(id_raw)})"))
    charset: str | None = None
    charset_line = 0
    if found.header is not None:
        charset, charset_line, nplurals, header_problems = _check_header(*found.header)
        problems.extend(header_problems)
        if nplurals is not None:
            for position, count in found.plurals:
                if count != nplurals:
                    message = (
                        f"plural entry has {count} msgstr[N] forms but the header's "
                        f"Plural-Forms says nplurals={nplurals}"
                    )
                    late.append((position, None, message))
    if late:
        positions = sorted(
            {p for where, earlier, _ in late for p in (where, earlier) if p is not None}
        )
        line_of = dict(zip(positions, to_lines(positions), strict=True))
        for where, earlier, message in late:
            if earlier is not None:
                message += f", first defined at line {line_of[earlier]}"
            problems.append(PoProblem(line_of[where], message))
    return _Parsed(problems, charset, charset_line)


def _comment_inside(entry_line: int) -> str:
    return f"comment inside an entry (the entry at line {entry_line} has no msgstr yet)"


def _unescape(raw: str) -> str:
    if "\\" not in raw:
        return raw
    if "\0" not in raw and _COMPLEX_ESCAPE.search(raw) is None:
        # Only \\ \n \t \" (nearly always): C-speed replacements. Escaped backslashes are
        # parked on NUL first so that "\\n" stays a backslash and an "n".
        return (
            raw.replace("\\\\", "\0")
            .replace("\\n", "\n")
            .replace("\\t", "\t")
            .replace('\\"', '"')
            .replace("\0", "\\")
        )
    return _UNESCAPE.sub(_unescape_one, raw)


def _unescape_one(match: re.Match[str]) -> str:
    octal, hexa, other = match.groups()
    if octal is not None:
        return chr(int(octal, 8))
    if hexa is not None:
        return chr(int(hexa, 16))
    return _SIMPLE_ESCAPES.get(other, other)


def _show(raw: str, limit: int = 40) -> str:
    """A string as written in the file (escapes kept), quoted and shortened for a message."""
    if len(raw) > limit:
        raw = raw[: limit - 1] + "…"
    return f'"{raw}"'


def _scan_entries(text: str) -> tuple[_Found, int | None]:
    """Fast path: what the well-formed entries at the start of the file hold.

    One regular-expression match per entry instead of one per line. Only the layout that
    gettext tools and polib write is accepted here (no blank or comment lines inside an
    entry, no indentation). Returns the entries' data and None when the whole file is
    such entries, or else the offset from which ``_scan_lines`` must take over: the start
    of the last entry accepted, since a broken line may belong to it (a continuation
    string), and the data of the entries before that offset.
    """
    keys: list[tuple[int, bool, str | None, str]] = []
    plurals: list[tuple[int, int]] = []
    header: tuple[list[str], list[int]] | None = None
    match_entry = _entry_pattern().match
    pieces = _PIECE.findall
    position = 0
    end = len(text)
    # The last entry accepted: its start, and the lengths of keys and plurals before it.
    last_start, last_keys, last_plurals, last_header = 0, 0, 0, header

    def resume_before_last() -> tuple[_Found, int]:
        del keys[last_keys:], plurals[last_plurals:]
        return _Found(keys, plurals, last_header), last_start

    while position < end:
        match = match_entry(text, position)
        if match is None:
            break
        if match.group("ln") or match.group("dn"):
            forms = match.group("ln") or match.group("dn")
            indexes = _FORM.findall(forms)
            if indexes != [str(i) for i in range(len(indexes))]:
                return resume_before_last()  # msgstr[N] out of order
        last_start, last_header = match.start(), header
        last_keys, last_plurals = len(keys), len(plurals)
        position = match.end()
        pre_live, ctxt, msgid, forms, msgstr = match.group("lpre", "lc", "li", "ln", "ls")
        obsolete = msgid is None
        if obsolete:
            ctxt, msgid, forms, msgstr = match.group("dc", "di", "dn", "ds")
        id_raw = _field_value(msgid, obsolete)
        ctxt_raw = None if ctxt is None else _field_value(ctxt, obsolete)
        id_start = match.start("di" if obsolete else "li")
        keys.append((id_start, obsolete, ctxt_raw, id_raw))
        if forms is not None:
            if obsolete or (pre_live and "fuzzy" in pre_live and _has_fuzzy(pre_live)):
                continue
            second = _FORM_START.search(forms, 1)
            if any(pieces(forms, 0, len(forms) if second is None else second.start())):
                plurals.append((id_start, len(_FORM.findall(forms))))
        elif header is None and not obsolete and ctxt is None and not id_raw and msgstr:
            first_line = text.count("\n", 0, match.start("ls")) + 1
            parts = pieces(msgstr)
            header = (parts, list(range(first_line, first_line + len(parts))))
    if position < end and _TRAILER.fullmatch(text, position) is None:
        return resume_before_last()
    return _Found(keys, plurals, header), None


def _field_value(field: str, obsolete: bool) -> str:
    """The raw (still escaped) value of a well-formed keyword line and its continuations."""
    value = field[field.index('"') + 1 : field.rindex('"')]
    if "\n" in value:  # join the strings: drop each closing quote, line end and opening quote
        value = value.replace('"\n#~ "' if obsolete else '"\n"', "")
        if "\n" in value:  # an unusual layout (trailing blanks, "#~" without a space)
            value = "".join(_PIECE.findall(field))
    return value


def _has_fuzzy(comments: str) -> bool:
    """Whether the comment lines carry a "#, fuzzy" flag."""
    for line in comments.split("\n"):
        if line.startswith("#,") and "fuzzy" in (flag.strip() for flag in line[2:].split(",")):
            return True
    return False


@dataclass
class _Line:
    """One non-comment line, as far as it could be made out (problems reported already)."""

    number: int
    prefix: str | None  # "#~", "#|", "#~|" or None
    keyword: str | None  # None: a continuation string
    index: int | None  # N of msgstr[N]
    raw: str  # the string, still escaped ("" when it was missing)

    @property
    def obsolete(self) -> bool:
        return self.prefix is not None and self.prefix[1] == "~"


@dataclass
class _Entry:
    """The entry being read: the last keyword seen (``state``) and what was reported for it."""

    state: int = _NONE
    obsolete: bool = False  # #~
    line: int = 0  # its first keyword's line
    ctxt_parts: list[str] | None = None
    id_parts: list[str] = field(default_factory=list)
    id_line: int = 0
    fuzzy: bool = False
    nforms: int = 0  # msgstr[N] seen
    bad_forms: bool = False  # its msgstr[N] are out of order (reported already)
    translated: bool = False  # its msgstr[0] is not empty
    inconsistent: bool = False  # "inconsistent use of #~" reported already
    commented: bool = False  # "comment inside an entry" reported already
    ended: bool = False  # a comment came after its msgstr: it cannot go on

    @property
    def counted(self) -> bool:
        """Whether its number of msgstr[N] must match nplurals: like msgfmt, which drops
        them, not for fuzzy, untranslated or obsolete entries; nor when they are out of
        order (reported already)."""
        plural = self.state == _STRN and self.translated
        return plural and not (self.obsolete or self.fuzzy or self.bad_forms)


@dataclass
class _Previous:
    """Previous-message lines (#| msgctxt, #| msgid, #| msgid_plural, in this order) waiting
    for their entry's msgctxt or msgid, which must follow with no comment in between."""

    keyword: str  # the last one seen
    obsolete: bool  # #~|
    line: int  # the first one's line


class _LineScanner:
    """The line-by-line reading of a PO file, one handler per kind of line.

    Babel's ``PoFileParser`` has the same shape (a comment, a keyword line, a continuation
    string) and polib's parser looks a keyword up in a table of transitions; here every
    handler also says what is wrong, at its line, and the reading goes on, so one broken
    line neither hides nor invents problems in the entries after it.
    """

    def __init__(self, first_entry_only: bool) -> None:
        self.first_entry_only = first_entry_only  # stop where the second entry begins
        self.problems: list[PoProblem] = []
        self.keys: list[tuple[int, bool, str | None, str]] = []
        self.plurals: list[tuple[int, int]] = []
        self.header_parts: list[str] | None = None
        self.header_lines: list[int] = []
        self.entry = _Entry()
        self.previous: _Previous | None = None
        self.target: list[str] | None = None  # receives continuation strings that matter
        self.target_lines: list[int] | None = None  # and their lines (the header's)
        self.continues = False  # whether a continuation string may follow
        self.fuzzy_next = False  # a "#, fuzzy" flag was seen for the coming entry
        self.stopped = False

    def scan(self, text: str, first_line: int) -> tuple[list[PoProblem], _Found]:
        for number, line in enumerate(text.split("\n"), first_line):
            if line and line[0] in _WHITESPACE:
                line = line.lstrip(_WHITESPACE)  # an indented line
            if not line:
                continue
            if line[0] == "#" and line[1:2] not in ("~", "|"):
                self._comment(number, line)
                continue
            read = self._read(number, line)
            if read is None:
                continue
            if read.prefix is not None and read.prefix[-1] == "|":
                self._previous_line(read)
                continue
            if self.previous is not None and read.keyword not in ("msgctxt", "msgid"):
                self.previous = None  # the line's own problem says enough
            if read.keyword is None:
                self._continuation(read)
            elif read.keyword in ("msgctxt", "msgid") and not (
                read.keyword == "msgid" and self.entry.state == _CTXT
            ):
                if self.first_entry_only and self.entry.state != _NONE:
                    self.stopped = True
                    break
                self._new_entry(read)
            else:
                self._in_entry(read)
        if not self.stopped:
            self._finish_entry()
            if self.previous is not None:
                self._add(
                    self.previous.line, "previous-message (#|) lines without an entry after them"
                )
        header = None if self.header_parts is None else (self.header_parts, self.header_lines)
        return self.problems, _Found(self.keys, self.plurals, header)

    def _add(self, line: int, message: str) -> None:
        self.problems.append(PoProblem(line, message))

    def _read(self, number: int, line: str) -> _Line | None:
        """The line's parts, its lexical problems reported; None when nothing is left of it."""
        match = _LINE.fullmatch(line)
        if match is not None:
            prefix, keyword, index, raw = match.group("pre", "kw", "idx", "s")
        else:
            prefix, keyword, index, raw, errors = _diagnose(line)
            for error in errors:
                self._add(number, error)
        if raw is None:
            if keyword is None:
                return None  # blank, a bare "#~", or nothing could be made out
            self._add(number, f"{keyword} must be followed by a string on the same line")
            raw = ""
        if index is not None and keyword != "msgstr":
            self._add(number, f"only msgstr takes an index, not {keyword}")
            index = None
        return _Line(number, prefix, keyword, None if index is None else int(index), raw)

    def _interrupts(self, number: int) -> None:
        """A comment or #| line: an entry waiting for its msgstr is broken, any entry ends."""
        entry = self.entry
        if entry.state in _OPEN and not entry.commented:
            self._add(number, _comment_inside(entry.line))
            entry.commented = True
        entry.ended = True
        self.continues = False

    def _comment(self, number: int, line: str) -> None:
        self._interrupts(number)
        if line[1:2] == "," and "fuzzy" in line:
            self.fuzzy_next = self.fuzzy_next or _has_fuzzy(line)
        if line[-1] == "\\":
            self._add(number, _BACKSLASH_COMMENT)
        if self.previous is not None:
            self._add(number, "comment between previous-message (#|) lines and their entry")
            self.previous = None

    def _previous_line(self, line: _Line) -> None:
        """A #| (or #~|) line: the entry's msgctxt, msgid and msgid_plural before an edit."""
        self._interrupts(line.number)
        keyword, previous = line.keyword, self.previous
        if keyword is None:
            if previous is None:
                self._add(line.number, "string without a keyword in a previous-message line")
            elif line.obsolete != previous.obsolete:
                self._add(line.number, _INCONSISTENT)
        elif keyword not in _PREVIOUS_ORDER:
            self._add(line.number, f"{keyword} cannot be a previous-message (#|) line")
        elif (None if previous is None else previous.keyword) not in _PREVIOUS_ORDER[keyword]:
            if previous is None:
                self._add(line.number, f"#| {keyword} without a #| msgid before it")
            else:
                self._add(line.number, f"#| {keyword} out of order after #| {previous.keyword}")
        elif previous is None:
            self.previous = _Previous(keyword, line.obsolete, line.number)
        else:
            if line.obsolete != previous.obsolete:
                self._add(line.number, _INCONSISTENT)
            previous.keyword = keyword

    def _continuation(self, line: _Line) -> None:
        """A string alone on its line: the rest of the keyword's string above it."""
        if not self.continues:
            self._add(line.number, "string without a keyword")
            return
        self._same_obsolete(line)
        if self.target is not None:
            self.target.append(line.raw)
            if self.target_lines is not None:
                self.target_lines.append(line.number)
        elif line.raw and self.entry.state == _STRN and self.entry.nforms == 1:
            self.entry.translated = True

    def _same_obsolete(self, line: _Line) -> None:
        entry = self.entry
        if line.obsolete != entry.obsolete and not entry.inconsistent:
            self._add(line.number, _INCONSISTENT)
            entry.inconsistent = True

    def _new_entry(self, line: _Line) -> None:
        """A msgctxt, or a msgid not after one: the entry before it is complete."""
        self._finish_entry()
        previous = self.previous
        if previous is not None:
            if previous.obsolete != line.obsolete:
                self._add(previous.line, "inconsistent use of #~ (#| lines and their entry)")
            if previous.keyword == "msgctxt":
                self._add(previous.line, "#| msgctxt without a #| msgid")
            self.previous = None
        entry = self.entry = _Entry(obsolete=line.obsolete, line=line.number, fuzzy=self.fuzzy_next)
        self.fuzzy_next = False
        entry.id_line = line.number
        if line.keyword == "msgctxt":
            entry.state, entry.ctxt_parts = _CTXT, [line.raw]
            self.target = entry.ctxt_parts
        else:
            entry.state, entry.id_parts = _ID, [line.raw]
            self.target = entry.id_parts
        self.target_lines = None
        self.continues = True

    def _finish_entry(self) -> None:
        entry = self.entry
        if entry.state in _STATE_KEYWORD:
            self._add(entry.line, f"{_STATE_KEYWORD[entry.state]} without msgstr")
        elif entry.counted:
            self.plurals.append((entry.id_line, entry.nforms))

    def _register(self) -> bool:
        """Record the entry's key at its first msgstr; True when it may be the header."""
        entry = self.entry
        ctxt_raw = None if entry.ctxt_parts is None else "".join(entry.ctxt_parts)
        id_raw = "".join(entry.id_parts)
        self.keys.append((entry.id_line, entry.obsolete, ctxt_raw, id_raw))
        return not entry.obsolete and ctxt_raw is None and not id_raw

    def _in_entry(self, line: _Line) -> None:
        """A keyword that goes on the current entry: msgid after msgctxt, msgid_plural,
        msgstr or msgstr[N] (looked up in ``_IN_ENTRY``)."""
        self._same_obsolete(line)
        self.target = self.target_lines = None
        self.continues = True
        keyword = "msgstr[N]" if line.index is not None else line.keyword
        assert keyword is not None  # a continuation string is not a keyword
        _IN_ENTRY[keyword](self, line)

    def _msgid(self, line: _Line) -> None:
        entry = self.entry
        entry.state, entry.id_parts, entry.id_line = _ID, [line.raw], line.number
        self.target = entry.id_parts

    def _msgid_plural(self, line: _Line) -> None:
        state = self.entry.state
        if state == _ID:
            self.entry.state = _PLURAL
        elif state == _PLURAL:
            self._add(line.number, "second msgid_plural in one entry")
        else:
            self._add(line.number, "msgid_plural without a preceding msgid")

    def _msgstr(self, line: _Line) -> None:
        entry = self.entry
        if entry.state not in _OPEN:
            self._add(line.number, "msgstr without a preceding msgid")
            return
        if entry.state == _PLURAL:
            self._add(line.number, "msgstr after msgid_plural (expected msgstr[0])")
        elif entry.state == _CTXT:
            self._add(line.number, f"msgstr without msgid (msgctxt at line {entry.line})")
        entry.state = _STR
        if self._register() and self.header_parts is None:
            self.header_parts, self.header_lines = [line.raw], [line.number]
            self.target, self.target_lines = self.header_parts, self.header_lines

    def _msgstr_form(self, line: _Line) -> None:
        entry, n = self.entry, line.index
        assert n is not None
        if entry.state == _PLURAL:
            if n != 0:
                self._add(line.number, f"msgstr[{n}] out of order: expected msgstr[0]")
                entry.bad_forms = True
            # After a wrong index, follow the file's numbering: one problem, not many.
            entry.state, entry.nforms, entry.translated = _STRN, n + 1, bool(line.raw)
            self._register()
        elif entry.state == _STRN and entry.ended:
            self._add(line.number, f"msgstr[{n}] after a comment, which ends the entry")
        elif entry.state == _STRN:
            if n != entry.nforms:
                self._add(line.number, f"msgstr[{n}] out of order: expected msgstr[{entry.nforms}]")
                entry.bad_forms = True
            entry.nforms = n + 1
        elif entry.state == _ID:
            self._add(line.number, f"msgstr[{n}] without a preceding msgid_plural")
            entry.state, entry.nforms, entry.bad_forms = _STRN, 1, True
            self._register()
        else:
            self._add(line.number, f"msgstr[{n}] without a preceding msgid and msgid_plural")
            if entry.state == _CTXT:
                entry.state, entry.nforms, entry.bad_forms = _STRN, 1, True


# What a keyword does to the entry it goes on (msgctxt never does: it begins one).
_IN_ENTRY: dict[str, Callable[[_LineScanner, _Line], None]] = {
    "msgid": _LineScanner._msgid,
    "msgid_plural": _LineScanner._msgid_plural,
    "msgstr": _LineScanner._msgstr,
    "msgstr[N]": _LineScanner._msgstr_form,
}


def _scan_lines(
    text: str, first_line: int = 1, first_entry_only: bool = False
) -> tuple[list[PoProblem], _Found]:
    """Check ``text`` line by line, reporting every problem; the reference for the fast path."""
    return _LineScanner(first_entry_only).scan(text, first_line)


def _check_header(
    parts: list[str], lines: list[int]
) -> tuple[str | None, int, int | None, list[PoProblem]]:
    """(charset, its line, nplurals, problems with Plural-Forms) of the header."""
    problems: list[PoProblem] = []
    pieces = [_unescape(part) for part in parts]
    starts: list[int] = []
    offset = 0
    for piece in pieces:
        starts.append(offset)
        offset += len(piece)
    text = "".join(pieces)

    def line_at(position: int) -> int:
        return lines[bisect_right(starts, position) - 1] if position < offset else lines[-1]

    charset: str | None = None
    charset_line = lines[0]
    nplurals: int | None = None
    position = 0
    for header_field in text.split("\n"):
        key, colon, value = header_field.partition(":")
        name = key.strip().lower()
        if colon and name == "content-type" and charset is None:
            found = _CHARSET.search(value)
            if found:
                charset = found.group(1).strip("\"'")
                charset_line = line_at(position + len(key) + 1 + found.start())
        elif colon and name == "plural-forms" and nplurals is None:
            line = line_at(position)
            nplurals, problem = _check_plural_forms(value)
            if problem:
                problems.append(PoProblem(line, problem))
        position += len(header_field) + 1
    return charset, charset_line, nplurals, problems


@lru_cache(maxsize=256)
def _check_plural_forms(value: str) -> tuple[int | None, str | None]:
    """(nplurals, problem) for a Plural-Forms value; (None, None) for the template placeholder."""
    if _PLACEHOLDER_PLURALS.fullmatch(value):
        return None, None
    shown = value.strip()
    match = _PLURAL_FORMS.fullmatch(value)
    if match is None:
        return None, f"malformed Plural-Forms {shown!r}: expected 'nplurals=N; plural=EXPRESSION;'"
    nplurals = int(match.group(1))
    if nplurals < 1:
        return None, f"malformed Plural-Forms {shown!r}: nplurals must be at least 1"
    expression = match.group(2)
    try:
        values = _plural_values(expression)
    except ValueError as err:
        return None, f"invalid plural expression {expression!r} in Plural-Forms: {err}"
    for n, index in enumerate(values):
        if index is None:
            return None, f"plural expression {expression!r} divides by zero for n={n}"
        if not 0 <= index < nplurals:
            return (
                None,
                f"plural expression {expression!r} gives {index} for n={n}, "
                f"but nplurals={nplurals} allows only 0..{nplurals - 1}",
            )
    return nplurals, None


# A plural expression is checked for n = 0..1000, read by the standard library's reader of
# the expressions in .mo files. It is gettext's grammar; where Python's arithmetic differs
# from C's unsigned long (n-2 for n=0 is -2, not a huge number; "a && b" is b, not 1,
# when b is no comparison) no real Plural-Forms depends on it: Babel's rules for every
# language pass (tests/catalog/test_pocheck.py).
_PLURAL_RANGE = 1001


def _plural_values(expression: str) -> list[int | None]:
    """The expression's index for each n, None where it divides by zero (only the branch
    taken counts, as in C); ValueError, saying why, for an expression gettext rejects."""
    plural = gettext.c2py(expression)
    values: list[int | None] = []
    for n in range(_PLURAL_RANGE):
        try:
            values.append(plural(n))
        except ZeroDivisionError:
            values.append(None)
    return values


def _diagnose(line: str) -> tuple[str | None, str | None, str | None, str | None, list[str]]:
    """Why ``line`` is not a well-formed PO line: (prefix, keyword, index, string, problems).

    The keyword and string are returned as far as they can be made out, so that one broken
    string does not also break the structure of the entries that follow.
    """
    pre: str | None = None
    for prefix in ("#~|", "#~", "#|"):
        if line.startswith(prefix):
            pre = prefix
            break
    rest = line[len(pre or "") :]
    end = len(rest.rstrip(_WHITESPACE))
    i = len(rest) - len(rest.lstrip(_WHITESPACE))
    errors: list[str] = []
    kw: str | None = None
    idx: str | None = None
    word = _WORD.match(rest, i)
    if word is not None:
        after = rest[word.end() :].lstrip(_WHITESPACE)
        if word.group() not in _KEYWORDS:
            if after.startswith('"'):
                return pre, None, None, None, [f"unknown keyword {word.group()!r}"]
            return pre, None, None, None, [f"not a comment, keyword or string: {_excerpt(line)}"]
        kw = word.group()
        i = word.end()
        if kw == "msgstr" and after.startswith("["):
            index = _INDEX.match(rest, i)
            if index is None:
                return pre, None, None, None, [f"malformed msgstr index: {_excerpt(line)}"]
            idx = index.group(1)
            i = index.end()
        while i < end and rest[i] in _WHITESPACE:
            i += 1
        if i >= end:
            return pre, kw, idx, None, []  # the caller reports the missing string
        if rest[i] != '"':
            return pre, kw, idx, None, [f"expected a string after {kw}, found {_excerpt(rest[i:])}"]
    elif i >= end:
        return pre, None, None, None, []
    elif rest[i] != '"':
        return pre, None, None, None, [f"not a comment, keyword or string: {_excerpt(line)}"]

    raw, errors = _diagnose_string(rest, i + 1, end)
    return pre, kw, idx, raw, errors


def _diagnose_string(rest: str, start: int, end: int) -> tuple[str, list[str]]:
    """The string that opens at ``start`` (after its quote) as far as it goes, and what is
    wrong with it: invalid escapes, no closing quote, text after it."""
    errors: list[str] = []
    j = start
    while j < end and rest[j] != '"':
        if rest[j] != "\\":
            j += 1
        elif j + 1 >= end:
            break  # a backslash at the end of the line
        else:
            length = _escape_length(rest, j, end)
            if length is None:
                errors.append(f"invalid escape sequence '\\{rest[j + 1]}'")
                length = 2
            j += length
    if j >= end or rest[j] != '"':  # the end of the line, or a backslash before it
        errors.append("unterminated string")
        return rest[start:end], errors
    trailing = rest[j + 1 : end].lstrip(_WHITESPACE)
    if trailing.startswith('"'):
        errors.append("more than one string on a line")
    elif trailing:
        errors.append(f"unexpected text after the string: {_excerpt(trailing)}")
    return rest[start:j], errors


def _escape_length(text: str, j: int, end: int) -> int | None:
    """How many characters the escape at ``text[j]`` (a backslash) takes; None: invalid."""
    escape = text[j + 1]
    if escape in _VALID_SIMPLE_ESCAPES:
        return 2
    if escape in "01234567":  # up to three octal digits
        k = j + 2
        while k < min(j + 4, end) and text[k] in "01234567":
            k += 1
        return k - j
    if escape == "x" and j + 2 < end and text[j + 2] in "0123456789abcdefABCDEF":
        return 3
    return None


def _excerpt(text: str, limit: int = 30) -> str:
    text = text.strip()
    return repr(text if len(text) <= limit else text[: limit - 1] + "…")
