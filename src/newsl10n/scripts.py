"""Script facts: which script a letter belongs to, and what that means for spaces and words.

Four modules used to keep their own idea of "CJK" (detection, layout, bundles, glossary
matching) and they drifted: the layout's included Hangul, so hard-wrapped Korean lost the
space at every line break. The facts live here, once:

- **Spaceless** scripts (Han, kana, CJK punctuation and full-width forms): Chinese and
  Japanese write no spaces between words, so wrapped lines and sentences join with none.
- **Hangul** is not spaceless: Korean puts spaces between words.
- **Attaching** scripts (spaceless ones and Hangul): particles and endings attach to a
  word without a space (김일성광장에서, 金日成広場で), so a name there has no word edge, and a
  Latin or Cyrillic form right against them (双方在Пекин举行) is a word of its own.
- **Joining** scripts (Arabic, Syriac, Thaana, Indic, Mongolian, emoji): ZWNJ/ZWJ are part
  of their spelling, not hidden characters.
"""

from __future__ import annotations

from bisect import bisect_right
from functools import lru_cache

from newsl10n.patterns import lazy

HANGUL = "hangul"
KANA = "kana"
HAN = "han"
CYRILLIC = "cyrillic"
ARABIC = "arabic"
LATIN = "latin"
OTHER = "other"

# Each script's code points, once: script_of and the character classes below are made from
# these ranges (inclusive), which do not overlap.
_RANGES: dict[str, tuple[tuple[int, int], ...]] = {
    LATIN: ((0x0000, 0x024F), (0x1E00, 0x1EFF), (0xFF21, 0xFF5A)),
    CYRILLIC: ((0x0400, 0x052F), (0x1C80, 0x1C8F), (0xA640, 0xA69F)),
    ARABIC: ((0x0600, 0x06FF), (0x0750, 0x077F), (0x08A0, 0x08FF), (0xFB50, 0xFDFF),
             (0xFE70, 0xFEFF)),
    HANGUL: ((0x1100, 0x11FF), (0x3130, 0x318F), (0xA960, 0xA97F), (0xAC00, 0xD7AF),
             (0xD7B0, 0xD7FF), (0xFFA0, 0xFFDC)),
    KANA: ((0x3040, 0x30FF), (0x31F0, 0x31FF), (0xFF66, 0xFF9F)),
    HAN: ((0x3005, 0x3005),  # 々 iteration mark
          (0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xF900, 0xFAFF), (0x20000, 0x3FFFF)),
}  # fmt: skip
# Written without spaces too, though no script of their own: CJK radicals and strokes, CJK
# punctuation (、。「」), full-width and half-width forms.
_CJK_MARKS = ((0x2E80, 0x2FFF), (0x3000, 0x303F), (0x31C0, 0x31EF), (0xFF00, 0xFF65))
# Joining scripts: Arabic, Syriac, Thaana, N'Ko, Indic, Mongolian, Arabic presentation
# forms, emoji and dingbats.
_JOINING = (
    (0x0600, 0x08FF), (0x0900, 0x0DFF), (0x1800, 0x18AF), (0xFB50, 0xFDFF), (0xFE70, 0xFEFE),
    (0x1F000, 0x1FAFF), (0x2600, 0x27BF),
)  # fmt: skip


def _class_body(*ranges: tuple[int, int]) -> str:
    """The inside of a regex character class holding ``ranges``."""
    return "".join(f"{chr(lo)}-{chr(hi)}" for lo, hi in ranges)


_SPACELESS = _class_body(*_RANGES[HAN], *_RANGES[KANA], *_CJK_MARKS)
_ATTACHING = _SPACELESS + _class_body(*_RANGES[HANGUL])
SPACELESS = lazy(f"[{_SPACELESS}]")
ATTACHING = lazy(f"[{_ATTACHING}]")
#: A letter or digit that does not attach (of a script written with spaces): only such a
#: character next to a name means the name runs on inside a longer word ("Пекинский"), so
#: "双方在Пекин举行" and "KCNA가" hold whole names. Used in regex lookarounds.
SPACED_WORD_CHAR = f"[^\\W{_ATTACHING}]"
JOINING = lazy(f"[{_class_body(*_JOINING)}]")
# script_of's table: range starts in order, and each range's end and script.
_TABLE = sorted((lo, hi, script) for script, ranges in _RANGES.items() for lo, hi in ranges)
_STARTS = [lo for lo, _hi, _script in _TABLE]


def is_spaceless(ch: str) -> bool:
    """True for a character of a script written without spaces between words."""
    return bool(ch) and SPACELESS.match(ch) is not None


def attaches(ch: str) -> bool:
    """True for a character that words attach to without a space (no word edge)."""
    return bool(ch) and ATTACHING.match(ch) is not None


def joins(left: str, right: str) -> str:
    """What goes between two pieces of running text: nothing when both sides of the seam
    are spaceless, else one space."""
    return "" if is_spaceless(left[-1:]) and is_spaceless(right[:1]) else " "


def word_count(text: str) -> int:
    """Words for length rules: space-separated tokens, and for scripts written without
    spaces (Chinese, Japanese) one word per two characters."""
    spaceless = len(SPACELESS.findall(text))
    spaced = sum(1 for w in text.split() if not SPACELESS.search(w))
    return spaced + (spaceless + 1) // 2


@lru_cache(maxsize=4096)  # an article has a few hundred distinct letters
def script_of(ch: str) -> str:
    """Script class of one letter (for language detection's script evidence)."""
    cp = ord(ch)
    at = bisect_right(_STARTS, cp) - 1
    if at >= 0 and cp <= _TABLE[at][1]:
        return _TABLE[at][2]
    return OTHER
