"""Matching remembers a glossary's search forms and recent answers (QA, highlighting and
enforcement ask about one segment several times): the answers are those of a fresh
search, and two glossaries are never confused, whatever their hashes say."""

from __future__ import annotations

from newsl10n.glossary.match import find_foreign, find_terms
from newsl10n.glossary.model import Glossary, Term

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
