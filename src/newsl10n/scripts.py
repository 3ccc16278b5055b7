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

import re

HANGUL = "hangul"
KANA = "kana"
HAN = "han"
CYRILLIC = "cyrillic"
ARABIC = "arabic"
LATIN = "latin"
OTHER = "other"

_SPACELESS = (
    "\u2e80-\u2fff\u3000-\u30ff\u31c0-\u31ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
    "\uff00-\uff9f\U00020000-\U0003ffff"
)
_HANGUL = "\u1100-\u11ff\u3130-\u318f\ua960-\ua97f\uac00-\ud7af\ud7b0-\ud7ff\uffa0-\uffdc"
SPACELESS = re.compile(f"[{_SPACELESS}]")
ATTACHING = re.compile(f"[{_SPACELESS}{_HANGUL}]")
#: A letter or digit that does not attach (of a script written with spaces): only such a
#: character next to a name means the name runs on inside a longer word ("Пекинский"), so
#: "双方在Пекин举行" and "KCNA가" hold whole names. Used in regex lookarounds.
SPACED_WORD_CHAR = f"[^\\W{_SPACELESS}{_HANGUL}]"
JOINING = re.compile(
    "[\u0600-\u08ff\u0900-\u0dff\u1800-\u18af\ufb50-\ufdff\ufe70-\ufefe"
    "\U0001f000-\U0001faff\u2600-\u27bf]"
)


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


def script_of(ch: str) -> str:
    """Script class of one letter (for language detection's script evidence)."""
    cp = ord(ch)
    if cp < 0x0250 or 0x1E00 <= cp <= 0x1EFF or 0xFF21 <= cp <= 0xFF5A:
        return LATIN
    if 0x0400 <= cp <= 0x052F or 0x1C80 <= cp <= 0x1C8F or 0xA640 <= cp <= 0xA69F:
        return CYRILLIC
    if (
        0x0600 <= cp <= 0x06FF
        or 0x0750 <= cp <= 0x077F
        or 0x08A0 <= cp <= 0x08FF
        or 0xFB50 <= cp <= 0xFDFF
        or 0xFE70 <= cp <= 0xFEFF
    ):
        return ARABIC
    if (
        0xAC00 <= cp <= 0xD7AF
        or 0x1100 <= cp <= 0x11FF
        or 0x3130 <= cp <= 0x318F
        or 0xA960 <= cp <= 0xA97F
        or 0xD7B0 <= cp <= 0xD7FF
        or 0xFFA0 <= cp <= 0xFFDC
    ):
        return HANGUL
    if 0x3040 <= cp <= 0x30FF or 0x31F0 <= cp <= 0x31FF or 0xFF66 <= cp <= 0xFF9F:
        return KANA
    if (
        0x4E00 <= cp <= 0x9FFF
        or 0x3400 <= cp <= 0x4DBF
        or 0xF900 <= cp <= 0xFAFF
        or 0x20000 <= cp <= 0x3FFFF
        or cp == 0x3005  # 々 iteration mark
    ):
        return HAN
    return OTHER
