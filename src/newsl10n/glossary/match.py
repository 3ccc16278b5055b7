"""Finding glossary terms in text, literally.

Matching is deliberately literal (whole words, longest first, any run of whitespace for a
space, straight or curly apostrophes): a glossary is a promise, and a fuzzy matcher would
make promises nobody wrote down. Inflected forms are listed as ``variants``; for Russian
and Ukrainian, forms of the same lemmas also count (``morphology.py``), but never the other
language's spelling (``find_foreign``: "Пхеньяне" in Ukrainian). In scripts that attach
particles (``scripts.attaches``) a name has no word edge.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache

from newsl10n.glossary.model import Glossary, Term, TermMatch, _key
from newsl10n.glossary.morphology import inflects, lemma_present, morph_analyzer
from newsl10n.patterns import lazy
from newsl10n.scripts import SPACED_WORD_CHAR, attaches

# ---------------------------------------------------------------- matching

_ACRONYM = re.compile(r"\b[A-ZА-ЯЁІЇЄҐ]{2,}\b")
_APOSTROPHES = "'’ʼ"
_SOFT_HYPHEN = "\u00ad"
_WORD = re.compile(r"\w+")
_POSSESSIVE = r"(?P<pos>['’]s(?!\w)|(?<=[sSxXzZ])['’](?=\s+\w))?"


def find_terms(text: str, glossary: Glossary | Sequence[Term], source_lang: str) -> list[TermMatch]:
    """Glossary terms in ``text`` as written in ``source_lang``: whole words, longest first.

    Any run of whitespace in the text matches a space in the form (hard-wrapped lines),
    apostrophes may be straight or curly, case follows the article unless the form has
    an acronym in it ("KCNA" only in capitals), and an English possessive is noted.
    """
    terms = glossary.terms if isinstance(glossary, Glossary) else glossary
    if isinstance(terms, tuple):  # a glossary's own terms: the same text is asked often
        return list(_found_terms(text, _Same(terms), source_lang))
    entries = [(t, form) for t in terms for form in t.accepted(source_lang)]
    return scan(text, entries, possessive=source_lang == "en")


class _Same:
    """A tuple of terms compared by identity: a cache key that never hashes the terms
    (they hold dicts) and never confuses two glossaries; the cache keeps it alive, so its
    id is not reused while cached."""

    __slots__ = ("terms",)

    def __init__(self, terms: tuple[Term, ...]) -> None:
        self.terms = terms

    def __hash__(self) -> int:
        return id(self.terms)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _Same) and other.terms is self.terms


@lru_cache(maxsize=64)
def _source_entries(terms: _Same, lang: str) -> tuple[tuple[Term, str], ...]:
    return tuple((t, form) for t in terms.terms for form in t.accepted(lang))


@lru_cache(maxsize=4096)
def _found_terms(text: str, terms: _Same, lang: str) -> tuple[TermMatch, ...]:
    """``find_terms`` for a glossary's terms: QA, highlighting and enforcement look for
    the terms of one segment several times."""
    return tuple(scan(text, _source_entries(terms, lang), possessive=lang == "en"))


def scan(
    text: str, entries: Iterable[tuple[Term, str]], possessive: bool = False
) -> list[TermMatch]:
    """Non-overlapping matches of the given (term, form) pairs, longest first, in text order."""
    found: list[TermMatch] = []
    for term, form in entries:
        for m in _whole_names(form, possessive, text):
            name = m.group("name")
            found.append(
                TermMatch(term, m.start(), m.end("name"), name, form, m.group("pos") or "")
            )
    found.sort(key=lambda m: (m.start - m.end, m.start))
    # Chosen matches never overlap, so kept in text order a new one need only be compared
    # with its two neighbours: linear in the matches, not quadratic (a 1 MB article).
    chosen: list[TermMatch] = []
    starts: list[int] = []
    for match in found:
        at = bisect.bisect_left(starts, match.start)
        if at > 0 and chosen[at - 1].end > match.start:
            continue
        if at < len(chosen) and chosen[at].start < match.end:
            continue
        chosen.insert(at, match)
        starts.insert(at, match.start)
    return chosen


@dataclass(frozen=True)
class _Form:
    """A form's pattern (its words, any whitespace between them, the possessive after
    it) and whether its edges must not run on into a longer word."""

    pattern: re.Pattern[str]
    left: bool
    right: bool


# Only a letter of a spaced script makes a longer word: "双方在Пекин举行", "KCNA가" hold
# the whole name, "Пекинский" does not. Checked beside each match rather than as a
# lookaround in every form's pattern: that class takes some 15 ms to compile, and a
# glossary has hundreds of forms (seconds at the start of every run).
_RUNS_ON = lazy(SPACED_WORD_CHAR)


@lru_cache(maxsize=8192)
def _pattern(form: str, possessive: bool) -> _Form:
    words = []
    for word in form.split():
        # A soft hyphen (U+00AD) may stand between any two letters of a name as printed.
        chars = [f"[{_APOSTROPHES}]" if ch in _APOSTROPHES else re.escape(ch) for ch in word]
        words.append(f"{_SOFT_HYPHEN}?".join(chars))
    body = r"\s+".join(words)
    left = bool(re.match(r"\w", form)) and not attaches(form[:1])
    right = bool(re.search(r"\w$", form)) and not attaches(form[-1:])
    flags = 0 if _ACRONYM.search(form) else re.IGNORECASE
    tail = _POSSESSIVE if possessive else "(?P<pos>)"
    return _Form(re.compile(f"(?P<name>{body}){tail}", flags), left, right)


def _whole_names(form: str, possessive: bool, text: str) -> Iterator[re.Match[str]]:
    """The form's matches in ``text`` that are whole names, left to right, as ``finditer``
    would give them with the edges inside the pattern: a match that runs on into a longer
    word is skipped, and the search goes on from its next character."""
    found = _pattern(form, possessive)
    pos = 0
    while (m := found.pattern.search(text, pos)) is not None:
        start, end = m.start("name"), m.end("name")
        if (found.left and start and _RUNS_ON.match(text, start - 1)) or (
            found.right and _RUNS_ON.match(text, end)
        ):
            pos = start + 1
            continue
        yield m
        pos = max(m.end(), start + 1)


def known_word(glossary: Glossary | Sequence[Term], lang: str) -> Callable[[str], bool]:
    """Whether a word is known in ``lang``: a word of a glossary form or variant, or (Russian,
    Ukrainian, with pymorphy3) a dictionary word. The reader joins a word broken at a line
    end ("Pyong-⏎yang") without its hyphen when this knows it."""
    terms = glossary.terms if isinstance(glossary, Glossary) else glossary
    words = frozenset(
        w.casefold() for t in terms for f in t.accepted(lang) for w in _WORD.findall(f)
    )
    morph = morph_analyzer(lang)

    def known(word: str) -> bool:
        if word.casefold() in words:
            return True
        return morph is not None and bool(morph.word_is_known(word.casefold()))

    return known


def find_missing(
    matches: Sequence[TermMatch], translation: str, lang: str, source_lang: str = ""
) -> list[TermMatch]:
    """Source matches whose term is absent from the translation in any accepted form.

    Accepted: the form, a listed variant, the German genitive ("Putins"), or for Russian
    and Ukrainian any form of the same lemmas (when pymorphy3 is installed). With
    ``source_lang``, a term left untranslated does not count because an accepted form
    happens to be part of it (French "Taedong" inside an English "Taedong River").
    """
    terms = _unique_terms(matches)
    entries = target_entries(terms, lang)
    accepted = {(id(t), _key(f)) for t, f in entries}
    untranslated = [
        (t, f)
        for t in (terms if source_lang and source_lang != lang else [])
        for f in t.accepted(source_lang)
        if (id(t), _key(f)) not in accepted
    ]
    left = {(id(t), f) for t, f in untranslated}
    present = {
        id(m.term)
        for m in scan(translation, entries + untranslated)
        if (id(m.term), m.form) not in left
    }
    # A neighbour's spelling ("Пхеньяне" in Ukrainian) shares a lemma with the right
    # form in pymorphy3's eyes: it never counts as the term in some case.
    foreign = {id(m.term) for m in find_foreign(translation, terms, lang, source_lang)}
    missing: list[TermMatch] = []
    for match in matches:
        if id(match.term) in present:
            continue
        form = match.term.form(lang)
        if id(match.term) in foreign:
            missing.append(match)
            continue
        if form is not None and lemma_present(translation, form, lang):
            present.add(id(match.term))
            continue
        missing.append(match)
    return missing


def target_entries(terms: Iterable[Term], lang: str) -> list[tuple[Term, str]]:
    """(term, form) pairs a translation into ``lang`` may contain, for ``scan``."""
    entries: list[tuple[Term, str]] = []
    for term in terms:
        for form in term.accepted(lang):
            entries.append((term, form))
            if lang == "de":
                entries.append((term, german_genitive(form)))
    return entries


def german_genitive(form: str) -> str:
    """Proper names take -s in the German genitive, or an apostrophe after s, ss, ß, x, z."""
    return f"{form}’" if re.search(r"(s|ß|x|z|ce)$", form, re.IGNORECASE) else f"{form}s"


def find_forbidden(text: str, glossary: Glossary | Sequence[Term], lang: str) -> list[TermMatch]:
    """Known-wrong forms (the ``forbidden:<lang>`` column) present in a translation."""
    terms = glossary.terms if isinstance(glossary, Glossary) else glossary
    return scan(text, [(t, f) for t in terms for f in t.forbidden.get(lang, ())])


# Languages whose spellings of a name are easily mistaken for one another's (close
# languages in one script): Russian forms in a Ukrainian text are wrong, and the reverse.
NEIGHBOURS: Mapping[str, tuple[str, ...]] = {"ru": ("uk",), "uk": ("ru",)}


def find_foreign(
    text: str, glossary: Glossary | Sequence[Term], lang: str, source_lang: str = ""
) -> list[TermMatch]:
    """Forms of a neighbouring language (``NEIGHBOURS``), or of ``source_lang``, in a
    translation into ``lang`` that ``lang`` does not accept: "Пхеньяне" in Ukrainian.

    ``TermMatch.form`` is the foreign form found; forms ``lang`` accepts too ("Москву",
    "КНДР") are never foreign.
    """
    terms = glossary.terms if isinstance(glossary, Glossary) else glossary
    if isinstance(terms, tuple):  # a glossary's own terms: the forms to look for are known
        return scan(text, _foreign_entries(_Same(terms), lang, source_lang))
    return scan(text, _foreign_forms(terms, lang, source_lang))


@lru_cache(maxsize=64)
def _foreign_entries(terms: _Same, lang: str, source_lang: str) -> tuple[tuple[Term, str], ...]:
    return tuple(_foreign_forms(terms.terms, lang, source_lang))


def _foreign_forms(
    terms: Sequence[Term], lang: str, source_lang: str = ""
) -> list[tuple[Term, str]]:
    """The (term, form) pairs ``find_foreign`` looks for."""
    others = [o for o in (*NEIGHBOURS.get(lang, ()), source_lang) if o and o != lang]
    entries: list[tuple[Term, str]] = []
    for term in terms:
        if term.form(lang) is None:
            continue
        accepted = {_key(f) for f in term.accepted(lang)}
        seen: set[str] = set()
        for other in dict.fromkeys(others):
            if other not in term.forms:
                continue  # a do-not-translate term is the same everywhere
            for form in term.accepted(other):
                key = _key(form)
                if key in accepted or key in seen or inflects(form, term.form(lang) or "", lang):
                    continue
                seen.add(key)
                entries.append((term, form))
    return entries


def _unique_terms(matches: Iterable[TermMatch]) -> list[Term]:
    seen: dict[int, Term] = {}
    for m in matches:
        seen.setdefault(id(m.term), m.term)
    return list(seen.values())
