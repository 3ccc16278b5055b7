"""Russian and Ukrainian word forms, through pymorphy3 when it is installed.

Used to accept an inflected form of a glossary term the glossary does not list, and to
put a protected name in the case its sentence needs."""

from __future__ import annotations

import importlib
import re
from functools import cache, lru_cache
from typing import Any

# ---------------------------------------------------------------- morphology (ru, uk)

MORPHOLOGY_LANGUAGES = ("ru", "uk")
_WORD = re.compile(r"\w+(?:-\w+)*")


@cache
def morph_analyzer(lang: str) -> Any | None:
    """pymorphy3's analyser for Russian or Ukrainian, or None when it is not installed."""
    if lang not in MORPHOLOGY_LANGUAGES:
        return None
    try:
        module = importlib.import_module("pymorphy3")
        return module.MorphAnalyzer(lang=lang)
    except (ImportError, ValueError, OSError):
        return None


@lru_cache(maxsize=65536)
def _lemmas(word: str, lang: str) -> frozenset[str]:
    morph = morph_analyzer(lang)
    found = {word.casefold()}
    if morph is not None:
        found.update(p.normal_form for p in morph.parse(word))
    return frozenset(found)


@lru_cache(maxsize=65536)
def _inflections(word: str, lang: str) -> frozenset[str]:
    """The dictionary's forms of a known word, the vocative left out (no name takes it in
    running news text: Ukrainian "Пхеньяне" is "O Pyongyang!", Russian's locative)."""
    morph = morph_analyzer(lang)
    if morph is None or not morph.word_is_known(word):
        return frozenset()
    return frozenset(
        f.word
        for p in morph.parse(word)
        if p.tag.case == "nomn"
        for f in p.lexeme
        if f.tag.case and f.tag.case != "voct"
    )


def inflects(form: str, base: str, lang: str) -> bool:
    """Is ``form`` the dictionary's inflection of ``base`` in ``lang`` (word by word)?"""
    words, bases = form.split(), base.split()
    if len(words) != len(bases) or morph_analyzer(lang) is None:
        return False
    for word, base_word in zip(words, bases, strict=True):
        if word.casefold() == base_word.casefold():
            continue
        if word.casefold() not in _inflections(base_word, lang):
            return False
    return True


def lemma_present(text: str, form: str, lang: str) -> bool:
    """Does ``text`` hold the words of ``form`` in some grammatical case ("в Пхеньяне")?"""
    if morph_analyzer(lang) is None:
        return False
    wanted = [_lemmas(w, lang) for w in _WORD.findall(form)]
    words = [_lemmas(w, lang) for w in _WORD.findall(text)]
    if not wanted:
        return False
    for i in range(len(words) - len(wanted) + 1):
        if all(words[i + j] & lemmas for j, lemmas in enumerate(wanted)):
            return True
    return False
