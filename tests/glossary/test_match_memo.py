"""Matching is cheap to start and to repeat: a glossary's search forms and recent answers
are remembered (QA, highlighting and enforcement ask about one segment several times) and
name edges are checked beside each match, not compiled into every form's pattern. The
answers are those of a fresh search with the edges in the pattern, and two glossaries are
never confused, whatever their hashes say."""

from __future__ import annotations

import re

import pytest

from newsl10n.glossary.match import (
    _APOSTROPHES,
    _POSSESSIVE,
    _SOFT_HYPHEN,
    _whole_names,
    find_foreign,
    find_terms,
)
from newsl10n.glossary.model import Glossary, Term
from newsl10n.scripts import SPACED_WORD_CHAR, attaches

PUTIN = Term({"en": "Putin", "ru": "Путин", "uk": "Путін"}, {"ru": ("Путина",)})
SEOUL = Term({"en": "Seoul", "ru": "Сеул", "uk": "Сеул"})
TEXT = "Putin's visit to Seoul; Путина ждали, Путина в Сеуле."


def test_the_answers_are_those_of_a_fresh_search() -> None:
    glossary = Glossary((PUTIN, SEOUL))
    fresh = find_terms(TEXT, list(glossary.terms), "en")  # a list: searched every time
    for _ in range(3):
        assert find_terms(TEXT, glossary, "en") == fresh
    assert [m.text for m in fresh] == ["Putin", "Seoul"] and fresh[0].possessive == "'s"
    answer = find_terms(TEXT, glossary, "en")
    answer.clear()  # a caller's list is its own
    assert find_terms(TEXT, glossary, "en") == fresh
    foreign = find_foreign(TEXT, glossary, "uk")
    assert foreign == find_foreign(TEXT, list(glossary.terms), "uk")
    assert [m.text for m in foreign] == ["Путина", "Путина"]


def test_two_glossaries_with_one_hash_are_not_confused() -> None:
    one, other = Glossary((PUTIN,)), Glossary((SEOUL,))
    assert one.sha256 == other.sha256  # both made in memory
    assert [m.text for m in find_terms(TEXT, one, "en")] == ["Putin"]
    assert [m.text for m in find_terms(TEXT, other, "en")] == ["Seoul"]


def reference(form: str, possessive: bool) -> re.Pattern[str]:
    """A form's pattern with its edges as lookarounds, as matching had it before."""
    words = []
    for word in form.split():
        chars = [f"[{_APOSTROPHES}]" if ch in _APOSTROPHES else re.escape(ch) for ch in word]
        words.append(f"{_SOFT_HYPHEN}?".join(chars))
    body = r"\s+".join(words)
    edge = SPACED_WORD_CHAR
    left = f"(?<!{edge})" if re.match(r"\w", form) and not attaches(form[:1]) else ""
    right = f"(?!{edge})" if re.search(r"\w$", form) and not attaches(form[-1:]) else ""
    flags = 0 if re.search(r"\b[A-ZА-ЯЁІЇЄҐ]{2,}\b", form) else re.IGNORECASE
    tail = _POSSESSIVE if possessive else "(?P<pos>)"
    return re.compile(f"{left}(?P<name>{body}){right}{tail}", flags)


FORMS = ["Lee", "Lee Lee", "Kim Il Sung", "Пекин", "KCNA", "Putin", "O'Neil", "平壤", "U.N."]
TEXTS = [
    "LeeLee Lee met Lee Lee Lee, Leeds and Lee's aide.",
    "Kim  Il\nSung's square; KimIl Sung; kim il sung.",
    "双方在Пекин举行; Пекинский; «Пекин».",
    "KCNA가 보도; KCNAs; kcna; the KCNA's report.",
    "Pu\u00adtin and Putins; Putin’s visit; O’Neil, O'Neill, o'neil.",
    "在平壤举行; 平壤市; Pyongyang.",
    "the U.N. said; U.N.S.C.; AU.N. x",
]


@pytest.mark.parametrize("possessive", [True, False])
def test_edges_checked_beside_the_match_find_what_lookarounds_found(possessive: bool) -> None:
    for form in FORMS:
        for text in TEXTS:
            want = [
                (m.span("name"), m.group("pos")) for m in reference(form, possessive).finditer(text)
            ]
            got = [(m.span("name"), m.group("pos")) for m in _whole_names(form, possessive, text)]
            assert got == want, (form, text)
