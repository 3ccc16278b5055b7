"""Line breaking as GNU gettext (msgcat, msgmerge, msgattrib, Poedit) does it.

gettext breaks strings with libunistring's Unicode line breaking, in a version that
differs from today's UAX #14 in ways that show in news text: it breaks after ``.``, ``:``
or ``/`` before a letter (``a.`` / ``m.``, ``Acquire::`` / ``Allow``), never between a word
and a closing quote, and between any two CJK characters (kana included). The classes and
rules below are the subset that decides real catalogs; they reproduce every wrapped
entry of the gettext-written catalogs in ``tests/fixtures/po`` and of msgcat's output for
English, Russian, German, French, Chinese and Japanese news sentences.

Text is the *escaped* string of a PO line: an escape (``\\"``, ``\\n``) is one unit, two
columns wide, and is never split. Spaces stay at the end of the line they close and count
in its width.
"""

from __future__ import annotations

import re
import unicodedata

__all__ = ["wrap"]

_UNIT = re.compile(r"\\.|.", re.DOTALL)
_CLASSES = {
    "CL": ")]}」』）］｝〕〉》】、。，．｡〙〗〛",  # closing: no break before
    "OP": "([{「『（［｛〔〈《【〘〖〚",  # opening: no break after
    "QU": "\"'«»“”‘’„‹›",  # quotes: no break on either side (but after a space)
    "IS": ".,:;",  # infix separators: no break before; gettext breaks after one before a letter
    "EX": "!?",
    "SY": "/",  # no break before; gettext breaks after one before a letter
    "NS": "ー々ゝゞヽヾぁぃぅぇぉっゃゅょゎァィゥェォッャュョヮヵヶ・：；！？‼⁇⁈⁉〜ヿ",
    "BA": "\u2010\u2012\u2013\u00ad|",  # break after
    "B2": "\u2014",  # em dash: break on either side
}
_CLASS = {char: name for name, chars in _CLASSES.items() for char in chars}
_ESCAPES = {'\\"': "QU", "\\t": "BA", "\\n": "CL"}
_NO_BREAK_BEFORE = frozenset({"CL", "EX", "IS", "SY", "QU", "NS", "SP"})
_NO_BREAK_AFTER_SPACE = frozenset({"CL", "EX", "IS", "SY", "SP"})


def _class(unit: str) -> str:
    if len(unit) == 2:
        return _ESCAPES.get(unit, "AL")
    if unit == " ":
        return "SP"
    if unit == "-":
        return "HY"
    found = _CLASS.get(unit)
    if found:
        return found
    if unit.isdigit():
        return "NU"
    code = ord(unit)
    if (
        0x2E80 <= code <= 0x9FFF  # CJK radicals, kana, ideographs
        or 0xAC00 <= code <= 0xD7AF  # Hangul syllables
        or 0xF900 <= code <= 0xFAFF
        or 0xFF01 <= code <= 0xFF60  # full-width forms
        or 0x20000 <= code <= 0x3FFFF
    ):
        return "ID"
    return "AL"


def _width(unit: str) -> int:
    if len(unit) == 2:
        return 2
    if unicodedata.combining(unit):
        return 0
    return 2 if unicodedata.east_asian_width(unit) in "WF" else 1


def _can_break(before: str, after: str) -> bool:
    """May a line end between a unit of class ``before`` and one of class ``after``?"""
    if before == "SP":
        return after not in _NO_BREAK_AFTER_SPACE
    if after in _NO_BREAK_BEFORE or before in ("OP", "QU"):
        return False
    if before == "HY":
        return after != "NU"  # -5 stays whole
    if before == "BA":
        return True
    if "B2" in (before, after):
        return before != after
    if "ID" in (before, after):
        return True
    return before in ("IS", "SY") and after == "AL"


def wrap(text: str, width: int) -> list[str]:
    """``text`` (escaped) cut into lines of at most ``width`` columns where it can be; a
    run with no break opportunity stays whole, however long."""
    units = _UNIT.findall(text)
    classes = [_class(u) for u in units]
    lines: list[str] = []
    start, used, last = 0, 0, 0
    for i, unit in enumerate(units):
        if i > start and _can_break(classes[i - 1], classes[i]):
            last = i
        size = _width(unit)
        if used + size > width and last > start:
            lines.append("".join(units[start:last]))
            start = last
            used = sum(_width(u) for u in units[start:i])
        used += size
    lines.append("".join(units[start:]))
    return lines
