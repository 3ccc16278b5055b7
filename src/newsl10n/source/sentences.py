"""Sentence splitting: sentencex's per-language abbreviations, plus a rule layer for news.

sentencex knows abbreviations, decimals and CJK stops per language, but it treats brackets
like quotes: an unclosed or enumerating "(" ("(1)", "(vii)") can swallow the rest of a
paragraph into one piece. So brackets are hidden from it (replaced one for one, so offsets
hold) and the rules below decide about them, measured on other projects' gold
(tests/fixtures/segmentation/README.md):

- a boundary just before closing brackets moves after them ("(This is one.)| That is two.");
- inside a short bracket ("(Phil. 4:8)", "(Oh. Again!)") nothing splits; a long one splits;
- a lone list enumerator ("1.", "b.", "(iv)") joins the item it introduces, and a paragraph
  that is a run list ("1. ... 2. ...", "• ... • ...") splits before each item;
- lower-case "a.m."/"p.m." before a capitalised word ends the sentence only when that word
  starts sentences ("at 4 p.m. Monday" stays whole, "at 3 p.m. He said" splits), and so
  does an initialism like "U.S." or a company's "Co." ("the U.S. Millions attended" splits,
  "U.S. Government" does not), with starter words per language;
- a long multi-sentence quotation splits inside its quotation marks (a short one that runs
  on into "..., he said" does not, as pySBD's gold has it);
- a full stop followed by a lower-case word is not a boundary ("am 7. heinäkuuta"), nor one
  followed straight away by an initial ("Wag.B.H.").

Everything is a scan or a regex over the block, so a megabyte-long line stays linear.
"""

from __future__ import annotations

import bisect
import itertools
import re
from collections.abc import Iterable, Iterator

from sentencex import segment as _sentencex_segment

from newsl10n.patterns import lazy
from newsl10n.scripts import word_count

_OPEN = "([{（［｛"
_CLOSE = ")]}）］｝"
_MASK = str.maketrans(dict.fromkeys(_OPEN, "\u2985") | dict.fromkeys(_CLOSE, "\u2986"))
_QUOTE_PAIRS = {"“": "”", "«": "»", "„": "“", "‘": "’", "「": "」", "『": "』", '"': '"'}
_QUOTE_OPEN = lazy(f"[{re.escape(''.join(_QUOTE_PAIRS))}]")

#: Words that begin sentences, so an abbreviation before them ends one (English news).
_STARTER_WORDS = """I We You He She It They This That These Those There Then The How What Why
When Where Who Which But And So Yet However Meanwhile Millions Thousands Hundreds Many
Most Some In On At After Before Officials His Her Its Their Our My"""
_STARTERS = frozenset(_STARTER_WORDS.split())
#: The same, per language, added to the English ones (quotes and names are often English).
_STARTERS_BY_LANG = {
    lang: _STARTERS | frozenset(words.split())
    for lang, words in {
        "da": "Hvad Det De Jeg Vi Han Hun Men Og Der",
        "de": "Der Die Das Er Sie Es Wir Ich Aber Und Doch Dann Dennoch Trotzdem Jedoch",
        "fr": "Il Elle Ils Elles Nous Je Mais Et Le La Les Puis",
        "es": "El La Los Las Él Ella Ellos Nosotros Pero Luego Sin Embargo",
        "ru": "Но Однако Он Она Они Мы Я Это Так Потом Тогда",
        "uk": "Але Однак Він Вона Вони Ми Я Це Так Потім Тоді",
    }.items()
}
#: Words before a number that make "N." an ordinal ("im 1. Stock", "der 2. Weltkrieg",
#: "zum 3. Mal"): a sentence does not end on an article or a preposition. Per language
#: that writes ordinals with a full stop.
_ORDINAL_BEFORE = {
    lang: frozenset(words.split())
    for lang, words in {
        "de": """im am zum zur vom beim der die das den dem des ein eine einem einen einer
        eines als ab bis seit jede jeder jedes jedem seinem seiner ihrem ihrer ihr sein
        unser unsere dieser diese dieses diesem am bis zum vom""",
        "da": "den det de en et til fra på",
        "no": "den det de en et til fra på",
    }.items()
}
#: A bracketed span with fewer words than this is one unit ("(Oh. Again!)", "(Phil. 4:8)").
_SHORT_BRACKET_WORDS = 12
_SHORT_BRACKET_CHARS = 120
_WINDOW = 4000  # characters given to sentencex at a time
_CONTEXT = 400  # characters of an unfinished piece that go into the next window
#: A quotation splits inside only when both sides have at least this many words.
_QUOTE_SIDE_WORDS = 4
_QUOTE_SIDE_WORDS_RUN_ON = 8
#: Per language, where a word is longer: a Korean word (eojeol) is a stem with its particles
#: and endings, about two English words, and every Korean quotation runs on ("…”라고 말했다").
_QUOTE_SIDE_WORDS_RUN_ON_BY_LANG = {"ko": 5}
_QUOTE_MAX_CHARS = 3000

_ENUMERATOR = lazy(
    r"^[•⁃▪◦\-–]$|^[•⁃▪◦\-–]?\s*[(\[]?(?:\d{1,3}|[A-Za-z]|[ivxlcdm]{1,6}|[IVXLCDM]{1,6})[.)\]]\)?$"
)
_LIST_ITEM = lazy(r"(?:^|(?<=\s))(?P<n>\d{1,2}|[a-z])(?:\.\)|[.)])\s")
_BULLET_HINT = lazy(r"[•⁃▪◦]")
_INITIALISM_HINT = lazy(r"[A-Z]\.[A-Z]\.|\b(?:[Cc]o|Inc|Ltd|Corp)\. ")
_BULLET = lazy(r"(?:^|(?<=\s))[•⁃▪◦]")
_TIME = lazy(r"\b[ap]\.m\.$")
# An initialism ("U.S.", "E.U.") or a company suffix ("Co.", "Inc.") before a capital.
_INITIALISM_STARTER = lazy(
    r"(?<!\S)(?:(?:[A-Z]\.){2,}|(?:[Cc]o|Inc|Ltd|Corp)\.)\s+(?=(?P<word>[A-ZÆØÅÀ-Ý][a-zæøåß-ÿ]*)\b)"
)
_REFERENCE = lazy(r"\[\d{1,3}\]")
_STOP_END = lazy(r"(?P<word>\w*)[.!?…]+(?P<closers>[)\]”’»\"']*)$")
# "... sin mar. “Nadie entiende nada”": a quotation opening a sentence after a plain word.
_STOP_BEFORE_QUOTE = lazy(
    r"(?<![^\W\d_])[^\W\d_]*[a-zß-ÿа-я]{3}(?P<stop>[.!?])\s+[“«\"„](?=[A-ZÀ-ÝА-Я])"
)
_CITED_STOP = lazy(r"[.!?](?:\[\d{1,3}\])+(?=\s)")
_INITIAL = lazy(r"[A-Z]\.")  # straight after a full stop, no space: "Wag.B.H."
_WORD = lazy(r"\s*(\S{1,40})")
_ALNUM = lazy(r"[^\W_]")
_WORD_BEFORE_STOP = lazy(r"(\w+)\s?[.!?…。！？]$")
_BRACKET = lazy(f"[{re.escape(_OPEN + _CLOSE)}]")
# A stop inside a quotation: Latin and Cyrillic ones before a space (French puts a space
# before "?" and "!"), CJK ones with or without.
_INNER_STOP = lazy(r"(?:[.!?…]|\s[!?])(?=\s+\S)|[。！？](?=\s*[^\s”」』’\"»])")
_CJK_STOP_AT_END = lazy(r"[。！？…]$")
# "risk. … However", "risk … However": an ellipsis standing alone before a new sentence.
_ELLIPSIS = lazy(r"(?:(?<=\s)|(?<=[.!?]))(?:…|\.\.\.)(?=\s+(?P<word>[^\W\d_][\w’'-]*))")
_ORDINAL = lazy(r"(?P<before>[^\W\d_]+)\s+\d{1,3}\.$")


def split_sentences(text: str, lang: str) -> list[str]:
    """Sentences of one block, stripped; language-aware (abbreviations, CJK stops)."""
    cuts = sorted(_boundaries(text, lang or "en"))
    pieces, start = [], 0
    for cut in [*cuts, len(text)]:
        piece = text[start:cut].strip()
        if piece:
            pieces.append(piece)
        start = cut
    return pieces


def _boundaries(text: str, lang: str) -> set[int]:
    """Offsets where a sentence ends (after its punctuation and closers, before spaces).

    Each rule first looks for its cheap hint (a bracket, a quotation mark, "A.B."), so a
    plain block costs little more than sentencex itself.
    """
    brackets = _BRACKET.search(text) is not None
    settle = brackets or "[" in text
    cuts: set[int] = set()
    pos, last = 0, len(text.rstrip())
    for piece in _sentencex_pieces(text.translate(_MASK) if brackets else text, lang):
        pos += len(piece)
        end = _settle(text, pos) if settle else pos - _trailing_space(piece)
        if 0 < end < last:
            cuts.add(end)
    if brackets and (short := _short_brackets(text)):
        cuts = {c for c in cuts if not _inside(c, short)}
    cuts = _filter(text, cuts | _list_cuts(text), lang)
    if _INITIALISM_HINT.search(text):
        cuts |= _initialism_cuts(text, lang)
    if settle:
        cuts |= {
            m.end() for m in _CITED_STOP.finditer(text) if text[m.end() + 1 : m.end() + 2].isupper()
        }
    if _QUOTE_OPEN.search(text):
        cuts |= {m.end("stop") for m in _STOP_BEFORE_QUOTE.finditer(text)}
        cuts |= _quote_cuts(text, cuts, _QUOTE_SIDE_WORDS_RUN_ON_BY_LANG.get(lang))
        if text.count('"') > 1:
            cuts |= _straight_quote_cuts(text)
    if "…" in text or "..." in text:
        cuts = _ellipsis_cuts(text, cuts, lang)
    return _no_bare_pieces(text, cuts)


def _ellipsis_cuts(text: str, cuts: set[int], lang: str) -> set[int]:
    """An ellipsis standing alone after a sentence ("risk. ... However", "risk … However")
    ends it when a sentence-starting word follows: the cut goes after the ellipsis."""
    starters = _STARTERS_BY_LANG.get(lang, _STARTERS)
    out = set(cuts)
    for match in _ELLIPSIS.finditer(text):
        # Only the few characters before it matter (a long text has many ellipses).
        start = max(0, match.start() - _CONTEXT)
        before = text[start : match.start()].rstrip()
        if match.group("word") not in starters and not before.endswith((".", "!", "?")):
            continue
        if not match.group("word")[0].isupper():
            continue
        out.discard(start + len(before))
        out.discard(match.start())
        out.add(match.end())
    return out


def _no_bare_pieces(text: str, cuts: set[int]) -> set[int]:
    """No piece without a letter or digit: a lone opening quote (one written against the
    word after it) goes with the sentence after it, anything else (a closing quote, "...")
    with the sentence before."""
    bounds = [0, *sorted(cuts), len(text)]
    kept = set(cuts)
    for start, end in itertools.pairwise(bounds):
        piece = text[start:end]
        if not piece.strip() or _ALNUM.search(piece):
            continue
        last = start + len(piece.rstrip()) - 1
        opening = text[last] in _QUOTE_PAIRS and not text[last + 1 : last + 2].isspace()
        kept.discard(end if (opening or start == 0) and end < len(text) else start)
    return kept


def _trailing_space(piece: str) -> int:
    return len(piece) - len(piece.rstrip())


def _sentencex_pieces(text: str, lang: str) -> Iterator[str]:
    """sentencex's pieces (they concatenate to ``text``), fed a window at a time.

    sentencex slows down more than linearly on long non-Latin text (80,000 Chinese
    characters take seconds), so long text goes in windows: each window's last, perhaps
    unfinished, piece is carried into the next. A carried piece that keeps growing (a long
    stretch with no boundary) is held back but for its last _CONTEXT characters, which are
    all sentencex needs to judge what follows; the held text is given back with that piece.
    """
    if len(text) <= _WINDOW:
        yield from _sentencex_segment(lang, text)
        return
    held: list[str] = []
    carry, pos = "", 0
    while True:
        chunk = carry + text[pos : pos + _WINDOW]
        pos += _WINDOW
        pieces = list(_sentencex_segment(lang, chunk)) or [chunk]
        done = pos >= len(text)
        if len(pieces) > 1 or done:
            pieces[0] = "".join(held) + pieces[0]
            held = []
            if done:
                yield from pieces
                return
            yield from pieces[:-1]
        carry = pieces[-1]
        if len(carry) > 2 * _CONTEXT:
            held.append(carry[:-_CONTEXT])
            carry = carry[-_CONTEXT:]


def _settle(text: str, pos: int) -> int:
    """Move a boundary back over spaces, then forward over what closes the sentence:
    brackets (and a stop after them, "(... nicht!)."), and reference marks ("martyr.[1]")."""
    while pos > 0 and text[pos - 1].isspace():
        pos -= 1
    while pos < len(text):
        if text[pos] in _CLOSE:
            pos += 1
            while pos < len(text) and text[pos] in ".!?":
                pos += 1
            continue
        ref = _REFERENCE.match(text, pos)
        if ref is None:
            break
        pos = ref.end()
    return pos


def _short_brackets(text: str) -> list[tuple[int, int]]:
    """(start, end) of each short bracketed span ("(Oh. Again!)"), nested ones included,
    sorted by start. Unclosed brackets open nothing."""
    spans, stack = [], []
    for match in _BRACKET.finditer(text):
        if match.group() in _OPEN:
            stack.append(match.start())
        elif stack:
            start, end = stack.pop(), match.end()
            if end - start <= _SHORT_BRACKET_CHARS and (
                len(text[start:end].split()) < _SHORT_BRACKET_WORDS
            ):
                spans.append((start, end))
    return sorted(spans)


def _inside(cut: int, spans: list[tuple[int, int]]) -> bool:
    """Whether ``cut`` falls strictly inside one of the (short, sorted) spans."""
    at = bisect.bisect_left(spans, (cut, 0))
    return any(
        start < cut < end
        for start, end in spans[max(0, at - _SHORT_BRACKET_CHARS) : at]
        if start >= cut - _SHORT_BRACKET_CHARS
    )


def _next_word(text: str, cut: int) -> str:
    match = _WORD.match(text, cut)
    return match.group(1) if match else ""


def _filter(text: str, cuts: Iterable[int], lang: str = "") -> set[int]:
    """Undo boundaries after an enumerator, a time or an ordinal, and before a lower-case
    word."""
    ordinal_before = _ORDINAL_BEFORE.get(lang, frozenset())
    kept: set[int] = set()
    prev = 0
    for cut in sorted(cuts):
        # Only a short piece can be an enumerator, and the rules read its end only.
        piece = text[max(prev, cut - 60) : cut].strip()
        following = _next_word(text, cut)
        bare = following.lstrip("“\"'(«").rstrip(",.")
        undo = (
            not following
            or _ENUMERATOR.match(piece) is not None
            or (_TIME.search(piece) is not None and bare not in _STARTERS)
            or (following[0].islower() and _weak_stop(piece))
            or (not text[cut].isspace() and piece[-2:-1].isdigit())  # "1.Helado, 2.Carne"
            or (piece.endswith(".") and _INITIAL.match(text, cut) is not None)  # "Wag.B.H."
            or _is_ordinal(piece, ordinal_before)  # "im 1. Stock"
        )
        if not undo:
            kept.add(cut)
            prev = cut
    return kept


def _is_ordinal(piece: str, before: frozenset[str]) -> bool:
    match = _ORDINAL.search(piece) if before else None
    return match is not None and match.group("before").lower() in before


def _weak_stop(piece: str) -> bool:
    """A stop that a lower-case word may continue: a full stop (an abbreviation or an
    ordinal: "subsp. sativa", "am 7. heinäkuuta"), a stop inside brackets or quotes
    ("(... engineer.) at the"), or "!"/"?" after a number or a word of three letters at most."""
    match = _STOP_END.search(piece)
    if match is None:
        return False
    word = match.group("word")
    return piece.endswith(".") or bool(match.group("closers")) or word.isdigit() or len(word) <= 3


def _list_cuts(text: str) -> set[int]:
    """A paragraph that is a run-in list splits before each numbered item or bullet."""
    cuts: set[int] = set()
    hint = _BULLET_HINT.search(text)
    bullets = [m.start() for m in _BULLET.finditer(text)] if hint else []
    if len(bullets) >= 2 and bullets[0] == 0:
        cuts.update(_settle(text, b) for b in bullets[1:])
    first = _LIST_ITEM.match(text.lstrip("•⁃ "))
    if first is None:
        return cuts
    expected = _successor(first.group("n"))
    for match in _LIST_ITEM.finditer(text, first.end()):
        if match.group("n") == expected:
            cuts.add(_settle(text, match.start()))
            expected = _successor(expected)
    return cuts


def _successor(label: str) -> str:
    return str(int(label) + 1) if label.isdigit() else chr(ord(label) + 1)


def _initialism_cuts(text: str, lang: str) -> set[int]:
    """ "U.S. Millions attended": an initialism ends the sentence before a starter word."""
    starters = _STARTERS_BY_LANG.get(lang, _STARTERS)
    return {
        _settle(text, m.end())
        for m in _INITIALISM_STARTER.finditer(text)
        if m.group("word") in starters
    }


def _quote_cuts(text: str, cuts: set[int], run_on_side: int | None = None) -> set[int]:
    """Sentence stops inside a long quotation: both sides four words or more, or eight when
    the quotation runs on into its sentence ("... a big stretch," he said). Words are
    counted so that scripts without spaces work; a stop may be CJK ("。") or, in French,
    follow a space ("d'agir ?")."""
    found: set[int] = set()
    known = sorted(cuts)
    for start, end in _quote_spans(text):
        if end - start > _QUOTE_MAX_CHARS:
            continue  # not a quotation but unpaired marks; counting words in it is quadratic
        inner = text[start + 1 : end - 1]
        closed = inner.rstrip()[-1:] in ".!?…。！？"
        side = _QUOTE_SIDE_WORDS if closed else (run_on_side or _QUOTE_SIDE_WORDS_RUN_ON)
        if word_count(inner) < 2 * side or _any_between(known, start, end):
            continue
        for match in _INNER_STOP.finditer(inner):
            cut = start + 1 + match.end()
            if (
                _starts_sentence(text[cut:end].lstrip())
                and word_count(text[start:cut]) >= side
                and word_count(text[cut:end]) >= side
                and _plain_word_before(text, cut)
            ):
                found.add(cut)
    return found


def _starts_sentence(after: str) -> bool:
    """Text after a stop starts a sentence: not a lower-case letter (scripts without case,
    Hangul and Han, always may)."""
    first = after[:1]
    return bool(first) and (first.isupper() or (first.isalpha() and not first.islower()))


def _any_between(sorted_cuts: list[int], start: int, end: int) -> bool:
    at = bisect.bisect_right(sorted_cuts, start)
    return at < len(sorted_cuts) and sorted_cuts[at] < end


def _plain_word_before(text: str, cut: int) -> bool:
    """The stop follows an ordinary word ("up.", "있습니다.", "项目。", "d'agir ?"), not "Mr."
    or "A.": no capital in it, two letters at least."""
    match = _WORD_BEFORE_STOP.search(text[max(0, cut - 40) : cut].rstrip())
    if match is None:
        return False
    word = match.group(1)
    return len(word) >= 2 and not any(c.isupper() for c in word) and not word.isdigit()


def _quote_spans(text: str) -> list[tuple[int, int]]:
    """Quotation spans, first come first paired; linear (a closer never found is not sought
    again)."""
    spans: list[tuple[int, int]] = []
    missing: set[str] = set()
    pos = 0
    while (match := _QUOTE_OPEN.search(text, pos)) is not None:
        i = match.start()
        close = _QUOTE_PAIRS[text[i]]
        pos = i + 1
        if close in missing or (text[i] == "‘" and i and text[i - 1].isalpha()):
            continue
        end = text.find(close, i + 1)
        if end < 0:
            missing.add(close)
            continue
        spans.append((i, end + 1))
        pos = end + 1
    return spans


def _straight_quote_cuts(text: str) -> set[int]:
    """Stops between two straight quotes that cannot be a pair: the second is written
    against the word after it, so it opens another quotation ('Компания "Газпром сообщила
    ... В ООО "Ромашка"'). sentencex pairs them and so never splits between; here each
    plain stop before a new sentence in that stretch is a boundary."""
    found: set[int] = set()
    marks = [m.start() for m in re.finditer('"', text)]
    for first, second in itertools.pairwise(marks):
        opens_again = (
            second > 0 and text[second - 1].isspace() and text[second + 1 : second + 2].strip()
        )
        if not opens_again or second - first > _QUOTE_MAX_CHARS:
            continue
        for match in _INNER_STOP.finditer(text, first, second):
            cut = match.end()
            after = text[cut : cut + _CONTEXT].lstrip()
            if _starts_sentence(after) and _plain_word_before(text, cut):
                found.add(cut)
    return found
