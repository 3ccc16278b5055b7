"""Names split across line ends or by soft hyphens, listed inflections, and names written
straight against Han, Hangul or kana (issue 24).

A scrape of a printed or narrow page breaks words at line ends ("Pyong-⏎yang") or carries
the page's soft hyphens (U+00AD); both must still be the glossary's name, for the
translation and for QA.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from newsl10n.glossary.load import load_glossary
from newsl10n.glossary.match import find_foreign, find_terms, known_word
from newsl10n.glossary.model import Glossary
from newsl10n.qa import MISSING_TERM, check_entry
from newsl10n.source.article import parse_text
from newsl10n.source.segment import join_lines, segment_blocks
from tests.conftest import ROOT

SHIPPED = load_glossary(ROOT / "glossaries")


def texts(source: str, lang: str = "en", glossary: Glossary = SHIPPED) -> list[str]:
    blocks = parse_text(source)
    return [s.text for s in segment_blocks(blocks, lang, known_word(glossary, lang)).segments]


def test_a_line_end_hyphen_inside_a_glossary_name_is_joined_without_it() -> None:
    source = (
        "Putin lands in North Korea\n\n"
        "The Russian president arrived in Pyong-\nyang on Wednesday for talks with the\n"
        "North Korean leader, state media reported.\n"
    )
    body = texts(source)[1]
    assert "arrived in Pyongyang on Wednesday" in body
    assert [m.text for m in find_terms(body, SHIPPED, "en")] == ["Pyongyang"]


def test_a_line_end_hyphen_joins_a_word_the_article_uses_elsewhere() -> None:
    source = (
        "Talks in Geneva\n\n"
        "The negotiators met again on Monday, and the nego-\ntiators said the talks went well\n"
        "after a long day of meetings.\n"
    )
    assert "and the negotiators said" in texts(source, glossary=Glossary())[1]


def test_a_line_end_hyphen_is_kept_when_the_halves_are_no_known_word() -> None:
    source = (
        "Talks in Geneva\n\n"
        "The talks were described as a well-\nknown ritual by one of the diplomats who\n"
        "attended them on Monday.\n"
    )
    assert "as a well-known ritual" in texts(source, glossary=Glossary())[1]


def test_join_lines_without_word_knowledge_keeps_the_hyphen() -> None:
    assert (
        join_lines(["arrived in Pyong-", "yang on Wednesday"])
        == "arrived in Pyong-yang on Wednesday"
    )
    assert join_lines(["a long dash -", "then more"]) == "a long dash - then more"
    assert join_lines(["the U.S.-", "China talks"]) == "the U.S.-China talks"


def test_a_russian_listed_inflection_split_at_a_line_end() -> None:
    source = (
        "Визит в Пхеньян\n\n"
        "Делегации прошли вдоль реки Тэдон-\nган к монументу Освобождения, где их встретили\n"
        "представители властей.\n"
    )
    body = texts(source, "ru")[1]
    assert "вдоль реки Тэдонган к монументу" in body


def test_soft_hyphens_inside_a_name_match() -> None:
    found = find_terms("He arrived in Pyong\u00adyang on Wednesday.", SHIPPED, "en")
    assert [m.term.label for m in found] == ["pyongyang"]
    assert found[0].text == "Pyong\u00adyang"
    found = find_terms("Делегации прошли вдоль реки Тэ\u00adдон\u00adган.", SHIPPED, "ru")
    assert [m.term.label for m in found] == ["taedong-river"]


def test_listed_inflections_match(tmp_path: Path) -> None:
    (tmp_path / "names.csv").write_text(
        "en,ru,variants:ru\nTaedong,Тэдонган,Тэдонгана|Тэдонгану\n", "utf-8"
    )
    glossary = load_glossary(tmp_path)
    found = find_terms("Они прошли вдоль Тэдон\u00adгана.", glossary, "ru")
    assert [m.form for m in found] == ["Тэдонгана"]
    assert texts("Визит\n\nОни прошли вдоль Тэдон-\nгана к мосту, где их ждали.\n", "ru", glossary)[
        1
    ].startswith("Они прошли вдоль Тэдонгана к мосту")


@pytest.mark.parametrize(
    "msgid",
    [
        "Putin arrived in Pyong\u00adyang on Wednesday.",
        texts("Visit\n\nPutin arrived in Pyong-\nyang on Wednesday.\n")[1],
    ],
)
def test_qa_flags_a_hyphenated_name_whose_target_form_is_missing(msgid: str) -> None:
    issues = check_entry(msgid, "Путин прибыл в Сеул в среду.", SHIPPED, "en", "ru")
    assert MISSING_TERM in [i.kind for i in issues]
    good = check_entry(msgid, "Путин прибыл в Пхеньян в среду.", SHIPPED, "en", "ru")
    assert MISSING_TERM not in [i.kind for i in good]


@pytest.mark.parametrize(
    ("lang", "msgstr"),
    [
        ("ko", "BTS가 서울에서 공연했다."),
        ("ja", "BTSがソウルで公演した。"),
        ("zh", "韩国组合BTS在首尔演出。"),
    ],
)
def test_a_latin_target_form_against_han_hangul_or_kana_is_a_word(
    tmp_path: Path, lang: str, msgstr: str
) -> None:
    (tmp_path / "names.csv").write_text("en,do_not_translate\nBTS,yes\n", "utf-8")
    glossary = load_glossary(tmp_path)
    issues = check_entry("BTS performed in Seoul.", msgstr, glossary, "en", lang)
    assert MISSING_TERM not in [i.kind for i in issues]


def test_a_cyrillic_form_against_han_is_seen() -> None:
    found = find_foreign("双方在Пекин举行会谈。", SHIPPED, "zh", source_lang="ru")
    assert [m.text for m in found] == ["Пекин"]
    assert find_foreign("双方在Пекинский举行会谈。", SHIPPED, "zh", source_lang="ru") == []
