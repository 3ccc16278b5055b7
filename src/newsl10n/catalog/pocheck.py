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
(``_scan_lines``), which is what names each problem and its line.
"""

from __future__ import annotations

import codecs
import re
from bisect import bisect_right
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

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


_ENTRY = _entry_pattern()
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
    match_entry = _ENTRY.match
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
        last_start, last_keys, last_plurals, last_header = (
            match.start(),
            len(keys),
            len(plurals),
            header,
        )
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


def _scan_lines(
    text: str, first_line: int = 1, first_entry_only: bool = False
) -> tuple[list[PoProblem], _Found]:
    """Check ``text`` line by line, reporting every problem; the reference for the fast path."""
    problems: list[PoProblem] = []
    add = problems.append
    fullmatch = _LINE.fullmatch

    state = _NONE
    obsolete = False  # whether the current entry is obsolete (#~)
    inconsistent = False  # already reported "inconsistent use of #~" for this entry
    commented = False  # already reported a comment inside this entry
    ended = False  # a comment came after the entry's msgstr: it cannot go on
    entry_line = 0  # line of the entry's first keyword
    id_line = 0
    ctxt_parts: list[str] | None = None
    id_parts: list[str] = []
    cur: list[str] | None = None  # receives continuation strings, when they matter
    cont_ok = False  # whether a continuation string may follow
    nforms = 0  # msgstr[N] seen in this entry
    bad_forms = False  # its msgstr[N] are out of order (reported already)
    translated = False  # its msgstr[0] is not empty
    fuzzy_next = False  # a "#, fuzzy" comment was seen for the coming entry
    fuzzy = False
    keys: list[tuple[int, bool, str | None, str]] = []
    plurals: list[tuple[int, int]] = []
    header_parts: list[str] | None = None
    header_lines: list[int] = []
    collecting_header = False
    # Previous-message lines (#| msgctxt, #| msgid, #| msgid_plural, in this order) must
    # come right before their entry's msgctxt or msgid, with no comment in between.
    prev_kw: str | None = None  # the last one seen, while waiting for the entry
    prev_obsolete = False  # whether they are #~|
    prev_line = 0

    def finish_entry() -> None:
        if state in _STATE_KEYWORD:
            add(PoProblem(entry_line, f"{_STATE_KEYWORD[state]} without msgstr"))
        elif state == _STRN and translated and not (obsolete or fuzzy or bad_forms):
            # Like msgfmt, which drops them, fuzzy and untranslated entries are not counted.
            plurals.append((id_line, nforms))

    def register() -> bool:
        """Record the entry's key at its first msgstr; True when it may be the header."""
        ctxt_raw = None if ctxt_parts is None else "".join(ctxt_parts)
        id_raw = "".join(id_parts)
        keys.append((id_line, obsolete, ctxt_raw, id_raw))
        return not obsolete and ctxt_raw is None and not id_raw

    stopped = False
    for lineno, line in enumerate(text.split("\n"), first_line):
        if not line:
            continue
        first = line[0]
        if first in _WHITESPACE:
            line = line.lstrip(_WHITESPACE)  # an indented line
            if not line:
                continue
        if line[0] == "#" and line[1:2] not in ("~", "|"):
            if state in _OPEN and not commented:
                add(PoProblem(lineno, _comment_inside(entry_line)))
                commented = True
            ended = True
            if line[1:2] == "," and "fuzzy" in line:
                fuzzy_next = fuzzy_next or _has_fuzzy(line)
            if line[-1] == "\\":
                add(PoProblem(lineno, _BACKSLASH_COMMENT))
            if prev_kw is not None:
                add(
                    PoProblem(lineno, "comment between previous-message (#|) lines and their entry")
                )
                prev_kw = None
            cont_ok = False
            continue
        match = fullmatch(line)
        if match is not None:
            pre, kw, idx, raw = match.group("pre", "kw", "idx", "s")
        else:
            pre, kw, idx, raw, errors = _diagnose(line)
            for error in errors:
                add(PoProblem(lineno, error))
            if kw is None and raw is None:
                continue
        if raw is None:
            if kw is None:
                continue  # blank, or a bare "#~"
            add(PoProblem(lineno, f"{kw} must be followed by a string on the same line"))
            raw = ""
        if idx is not None and kw != "msgstr":
            add(PoProblem(lineno, f"only msgstr takes an index, not {kw}"))
            idx = None
        obs = pre is not None and pre[1] == "~"

        if pre is not None and pre[-1] == "|":  # previous msgctxt/msgid (#| or #~|)
            if state in _OPEN and not commented:
                add(PoProblem(lineno, _comment_inside(entry_line)))
                commented = True
            ended = True
            if kw is None:
                if prev_kw is None:
                    add(PoProblem(lineno, "string without a keyword in a previous-message line"))
                elif obs != prev_obsolete:
                    add(PoProblem(lineno, _INCONSISTENT))
            elif kw not in _PREVIOUS_ORDER:
                add(PoProblem(lineno, f"{kw} cannot be a previous-message (#|) line"))
            elif prev_kw not in _PREVIOUS_ORDER[kw]:
                if prev_kw is None:
                    add(PoProblem(lineno, f"#| {kw} without a #| msgid before it"))
                else:
                    add(PoProblem(lineno, f"#| {kw} out of order after #| {prev_kw}"))
            else:
                if prev_kw is None:
                    prev_obsolete, prev_line = obs, lineno
                elif obs != prev_obsolete:
                    add(PoProblem(lineno, _INCONSISTENT))
                prev_kw = kw
            cont_ok = False
            continue

        if prev_kw is not None and (kw is None or kw not in ("msgctxt", "msgid")):
            prev_kw = None  # the line's own problem says enough
        if kw is None:  # continuation string
            if not cont_ok:
                add(PoProblem(lineno, "string without a keyword"))
                continue
            if obs != obsolete and not inconsistent:
                add(PoProblem(lineno, _INCONSISTENT))
                inconsistent = True
            if cur is not None:
                cur.append(raw)
                if collecting_header:
                    header_lines.append(lineno)
            elif raw and state == _STRN and nforms == 1:
                translated = True
            continue

        cont_ok = True
        if (kw == "msgid" and state == _CTXT) or kw not in ("msgctxt", "msgid"):
            # A keyword inside the current entry.
            if obs != obsolete and not inconsistent:
                add(PoProblem(lineno, _INCONSISTENT))
                inconsistent = True
            cur = None
            if kw == "msgid":
                state, id_parts, id_line = _ID, [raw], lineno
                cur = id_parts
            elif kw == "msgid_plural":
                if state == _ID:
                    state = _PLURAL
                elif state == _PLURAL:
                    add(PoProblem(lineno, "second msgid_plural in one entry"))
                else:
                    add(PoProblem(lineno, "msgid_plural without a preceding msgid"))
            elif idx is None:  # msgstr
                if state in _OPEN:
                    if state == _PLURAL:
                        add(PoProblem(lineno, "msgstr after msgid_plural (expected msgstr[0])"))
                    elif state == _CTXT:
                        add(
                            PoProblem(
                                lineno, f"msgstr without msgid (msgctxt at line {entry_line})"
                            )
                        )
                    state = _STR
                    if register() and header_parts is None:
                        header_parts, header_lines, collecting_header = [raw], [lineno], True
                        cur = header_parts
                else:
                    add(PoProblem(lineno, "msgstr without a preceding msgid"))
            else:  # msgstr[N]
                n = int(idx)
                if state == _PLURAL:
                    if n != 0:
                        add(PoProblem(lineno, f"msgstr[{n}] out of order: expected msgstr[0]"))
                        bad_forms = True
                    # After a wrong index, follow the file's numbering: one problem, not many.
                    state, nforms, translated = _STRN, n + 1, bool(raw)
                    register()
                elif state == _STRN and ended:
                    add(PoProblem(lineno, f"msgstr[{n}] after a comment, which ends the entry"))
                elif state == _STRN:
                    if n != nforms:
                        add(
                            PoProblem(
                                lineno, f"msgstr[{n}] out of order: expected msgstr[{nforms}]"
                            )
                        )
                        bad_forms = True
                    nforms = n + 1
                elif state == _ID:
                    add(PoProblem(lineno, f"msgstr[{n}] without a preceding msgid_plural"))
                    state, nforms, bad_forms = _STRN, 1, True
                    register()
                else:
                    add(
                        PoProblem(lineno, f"msgstr[{n}] without a preceding msgid and msgid_plural")
                    )
                    if state == _CTXT:
                        state, nforms, bad_forms = _STRN, 1, True
            continue

        # msgctxt or msgid: a new entry begins.
        if first_entry_only and state != _NONE:
            stopped = True
            break
        finish_entry()
        if prev_kw is not None:
            if prev_obsolete != obs:
                add(PoProblem(prev_line, "inconsistent use of #~ (#| lines and their entry)"))
            if prev_kw == "msgctxt":
                add(PoProblem(prev_line, "#| msgctxt without a #| msgid"))
            prev_kw = None
        obsolete, inconsistent, commented, bad_forms, nforms = obs, False, False, False, 0
        ended = False
        fuzzy, fuzzy_next = fuzzy_next, False
        collecting_header = False
        entry_line = lineno
        if kw == "msgctxt":
            state, ctxt_parts, id_parts, id_line = _CTXT, [raw], [], lineno
            cur = ctxt_parts
        else:
            state, ctxt_parts, id_parts, id_line = _ID, None, [raw], lineno
            cur = id_parts
    if not stopped:
        finish_entry()
        if prev_kw is not None:
            add(PoProblem(prev_line, "previous-message (#|) lines without an entry after them"))
    header = None if header_parts is None else (header_parts, header_lines)
    return problems, _Found(keys, plurals, header)


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
    for field in text.split("\n"):
        key, colon, value = field.partition(":")
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
        position += len(field) + 1
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
        values = _PluralParser(expression).parse()
    except ValueError as err:
        return None, f"invalid plural expression {expression!r} in Plural-Forms: {err}"
    for n, index in enumerate(values):
        if index is None:
            return None, f"plural expression {expression!r} divides by zero for n={n}"
        if index >= nplurals:
            return (
                None,
                f"plural expression {expression!r} gives {index} for n={n}, "
                f"but nplurals={nplurals} allows only 0..{nplurals - 1}",
            )
    return nplurals, None


# A plural expression is evaluated for n = 0..1000 at once, as a vector per subexpression;
# None marks a division by zero, which only matters if the branch that holds it is taken.
_Values = list[int | None]
_PLURAL_RANGE = 1001
_MASK = (1 << 64) - 1  # gettext computes in unsigned long
_PLURAL_TOKEN = re.compile(
    r"[ \t]*(?:([0-9]+)|(n)\b|(==|!=|<=|>=|&&|\|\||[-+*/%<>!?:()]))", re.ASCII
)
_BINARY: dict[str, Callable[[int, int], int]] = {
    "*": lambda a, b: (a * b) & _MASK,
    "+": lambda a, b: (a + b) & _MASK,
    "-": lambda a, b: (a - b) & _MASK,
    "<": lambda a, b: int(a < b),
    ">": lambda a, b: int(a > b),
    "<=": lambda a, b: int(a <= b),
    ">=": lambda a, b: int(a >= b),
    "==": lambda a, b: int(a == b),
    "!=": lambda a, b: int(a != b),
}
_LEVELS: tuple[tuple[str, ...], ...] = (
    ("==", "!="),
    ("<", ">", "<=", ">="),
    ("+", "-"),
    ("*", "/", "%"),
)


def _apply(op: str, left: _Values, right: _Values) -> _Values:
    if op == "/":
        return [None if a is None or not b else a // b for a, b in zip(left, right, strict=True)]
    if op == "%":
        return [None if a is None or not b else a % b for a, b in zip(left, right, strict=True)]
    f = _BINARY[op]
    return [None if a is None or b is None else f(a, b) for a, b in zip(left, right, strict=True)]


class _PluralParser:
    """Recursive-descent parser of gettext's C-like plural expressions.

    Each rule returns the values of its subexpression for every n in 0..1000.
    """

    def __init__(self, expression: str) -> None:
        self.tokens: list[str] = []
        position = 0
        rest = expression.rstrip(" \t")
        while position < len(rest):
            match = _PLURAL_TOKEN.match(rest, position)
            if match is None:
                raise ValueError(f"unexpected {rest[position:].strip()[:10]!r}")
            self.tokens.append(match.group(match.lastindex or 0))
            position = match.end()
        self.position = 0

    def parse(self) -> _Values:
        if not self.tokens:
            raise ValueError("empty expression")
        result = self._conditional()
        if self.position != len(self.tokens):
            raise ValueError(f"unexpected {self.tokens[self.position]!r}")
        return result

    def _peek(self) -> str | None:
        return self.tokens[self.position] if self.position < len(self.tokens) else None

    def _take(self, expected: str) -> None:
        found = self._peek()
        if found != expected:
            raise ValueError(
                f"expected {expected!r}, found {'the end' if found is None else repr(found)}"
            )
        self.position += 1

    def _conditional(self) -> _Values:
        condition = self._or()
        if self._peek() != "?":
            return condition
        self.position += 1
        then = self._conditional()
        self._take(":")
        otherwise = self._conditional()
        return [
            None if c is None else t if c else e
            for c, t, e in zip(condition, then, otherwise, strict=True)
        ]

    def _or(self) -> _Values:
        left = self._and()
        while self._peek() == "||":
            self.position += 1
            right = self._and()
            left = [
                None if a is None else 1 if a else None if b is None else int(b != 0)
                for a, b in zip(left, right, strict=True)
            ]
        return left

    def _and(self) -> _Values:
        left = self._binary(0)
        while self._peek() == "&&":
            self.position += 1
            right = self._binary(0)
            left = [
                None if a is None else 0 if not a else None if b is None else int(b != 0)
                for a, b in zip(left, right, strict=True)
            ]
        return left

    def _binary(self, level: int) -> _Values:
        if level == len(_LEVELS):
            return self._unary()
        left = self._binary(level + 1)
        while (op := self._peek()) is not None and op in _LEVELS[level]:
            self.position += 1
            left = _apply(op, left, self._binary(level + 1))
        return left

    def _unary(self) -> _Values:
        token = self._peek()
        if token == "!":
            self.position += 1
            return [None if a is None else int(not a) for a in self._unary()]
        if token == "(":
            self.position += 1
            inner = self._conditional()
            self._take(")")
            return inner
        if token == "n":
            self.position += 1
            return list(range(_PLURAL_RANGE))
        if token is not None and token.isdigit():
            self.position += 1
            return [int(token) & _MASK] * _PLURAL_RANGE
        found = "" if token is None else f", found {token!r}"
        raise ValueError(f"expected a number, n, '!' or '('{found}")


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

    start = i + 1
    j = start
    closed = False
    while j < end:
        char = rest[j]
        if char == '"':
            closed = True
            break
        if char != "\\":
            j += 1
            continue
        if j + 1 >= end:
            break  # a backslash at the end of the line
        escape = rest[j + 1]
        if escape in _VALID_SIMPLE_ESCAPES:
            j += 2
        elif escape in "01234567":
            digits_end = min(j + 4, end)  # up to three octal digits
            j += 2
            while j < digits_end and rest[j] in "01234567":
                j += 1
        elif escape == "x" and j + 2 < end and rest[j + 2] in "0123456789abcdefABCDEF":
            j += 3
        else:
            errors.append(f"invalid escape sequence '\\{escape}'")
            j += 2
    if not closed:
        errors.append("unterminated string")
        return pre, kw, idx, rest[start:end], errors
    trailing = rest[j + 1 : end].lstrip(_WHITESPACE)
    if trailing.startswith('"'):
        errors.append("more than one string on a line")
    elif trailing:
        errors.append(f"unexpected text after the string: {_excerpt(trailing)}")
    return pre, kw, idx, rest[start:j], errors


def _excerpt(text: str, limit: int = 30) -> str:
    text = text.strip()
    return repr(text if len(text) <= limit else text[: limit - 1] + "…")
