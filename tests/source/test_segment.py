"""Segmentation of scraped and Markdown articles: roles from layout, sentences, stable ids."""

from __future__ import annotations

from pathlib import Path

import pytest

from newsl10n.source.article import parse_text, read_article
from newsl10n.source.segment import Role, Segment, join_lines, segment_blocks, split_sentences
from tests.conftest import SEED


def segments_of(text: str, lang: str = "en") -> list[Segment]:
    return list(segment_blocks(parse_text(text), lang).segments)


@pytest.fixture(scope="module")
def seed() -> list[Segment]:
    return list(segment_blocks(read_article(SEED).blocks, "en").segments)


def by_role(segments: list[Segment], role: Role) -> list[str]:
    return [s.text for s in segments if s.role is role]


def test_seed_caption_credit_and_title_come_from_layout(seed: list[Segment]) -> None:
    assert seed[0].role is Role.CAPTION
    assert seed[0].text.endswith("Pyongyang, North Korea, June 19, 2024.")
    assert by_role(seed, Role.CREDIT) == ["Sputnik/Gavriil Grigorov/Pool via REUTERS"]
    assert by_role(seed, Role.TITLE) == [
        "Putin and Kim Sign Mutual Defense Pact in Pyongyang, Reviving Cold War Alliance"
    ]


def test_seed_headings(seed: list[Segment]) -> None:
    assert by_role(seed, Role.HEADING) == [
        "Strategic Implications",
        "Public Reception and Statements",
        "Lavish Reception for Putin",
    ]


def test_seed_scrape_residue_is_left_out_and_reported() -> None:
    layout = segment_blocks(read_article(SEED).blocks, "en")
    assert all(s.text != "COMMENTS" for s in layout.segments)
    assert [(r.text, r.line) for r in layout.residue] == [("COMMENTS", 39)]


def test_abbreviations_do_not_split_sentences(seed: list[Segment]) -> None:
    us = [s for s in seed if "U.S. State Department" in s.text]
    assert len(us) == 1 and us[0].text.startswith("A U.S. State Department spokesperson noted")
    assert us[0].text.endswith("on the Korean Peninsula.")
    un = [s for s in seed if "U.N. Security Council resolutions" in s.text]
    assert len(un) == 1 and un[0].text.startswith("Any transfer of weapons")
    assert un[0].text.endswith("that Moscow itself voted for.")


def test_quote_closing_after_full_stop_stays_with_its_sentence(seed: list[Segment]) -> None:
    assert "Kim described the relationship as an “alliance.”" in [s.text for s in seed]


def test_positions_and_source_lines(seed: list[Segment]) -> None:
    heading = next(s for s in seed if s.text == "Strategic Implications")
    assert heading.line == 11
    second = next(s for s in seed if s.text.startswith("Kim described"))
    assert (second.paragraph, second.sentence, second.line) == (4, 2, 7)


def test_ids_are_unique_and_survive_edits_elsewhere(seed: list[Segment]) -> None:
    assert len({s.id for s in seed}) == len(seed)
    text = SEED.read_text(encoding="utf-8").replace(
        "Strategic Implications\n", "Strategic Implications\n\nA new paragraph is inserted here.\n"
    )
    edited = segments_of(text)
    before = {s.text: s.id for s in seed}
    after = {s.text: s.id for s in edited}
    assert all(after[t] == i for t, i in before.items())


def test_repeated_text_gets_distinct_ids() -> None:
    segs = segments_of("Title Here\n\nSame sentence.\n\nSame sentence.\n")
    assert [s.id.split(".")[-1] for s in segs[1:]][1] == "2"
    assert len({s.id for s in segs}) == 3


def test_hard_wrapped_paragraph_is_joined_and_lines_tracked() -> None:
    text = (
        "A Short Title\n\n"
        "This paragraph was wrapped by the scraper at a fixed\n"
        "width. Its second sentence starts on the first line and\n"
        "ends on the third.\n"
    )
    segs = segments_of(text)
    assert [s.text for s in segs[1:]] == [
        "This paragraph was wrapped by the scraper at a fixed width.",
        "Its second sentence starts on the first line and ends on the third.",
    ]
    assert [s.line for s in segs[1:]] == [3, 4]


def test_a_heading_inside_a_wrapped_block_is_split_off() -> None:
    text = (
        "Main Title\n\nBackground\nThe talks began in 2019 and stalled\n"
        "after the summit in Hanoi.\n"
    )
    segs = segments_of(text)
    assert [(s.role, s.text) for s in segs[1:]] == [
        (Role.HEADING, "Background"),
        (Role.PARAGRAPH, "The talks began in 2019 and stalled after the summit in Hanoi."),
    ]


def test_article_without_caption_starts_with_title() -> None:
    segs = segments_of("Only a Title\n\nA paragraph of text follows here.\n")
    assert [s.role for s in segs] == [Role.TITLE, Role.PARAGRAPH]


@pytest.mark.parametrize(
    ("lang", "text", "expected"),
    [
        ("zh", "普京抵达平壤。金正恩迎接了他！这是第一次吗？", 3),
        ("ja", "プーチン氏が到着した。金正恩氏が迎えた！", 2),
        ("en", "Growth was 3.5 percent. J. R. Smith agreed.", 2),
        ("en", "It happened on June 19, 2024. Nobody expected it.", 2),
    ],
)
def test_sentence_splitting_per_language(lang: str, text: str, expected: int) -> None:
    assert len(split_sentences(text, lang)) == expected


def test_cjk_lines_join_without_spaces() -> None:
    segs = segments_of("标题\n\n普京抵达\n平壤。\n", lang="zh")
    assert segs[-1].text == "普京抵达平壤。"


def test_markdown_roles_come_from_markup(tmp_path: Path) -> None:
    md = tmp_path / "story.md"
    md.write_text(
        "---\ntitle: Putin in Pyongyang\nslug: putin-md\nlanguage: en\n---\n\n"
        "![Kim and Putin at the square](photo.jpg)\n\n## Background\n\n"
        "Some *text* with a [link](https://example.org) that\nwraps. A U.S. official spoke.\n",
        encoding="utf-8",
    )
    article = read_article(md)
    assert (article.slug, article.declared_lang, article.format) == ("putin-md", "en", "markdown")
    segs = segment_blocks(article.blocks, "en").segments
    assert [(s.role, s.text, s.line) for s in segs] == [
        (Role.TITLE, "Putin in Pyongyang", 2),
        (Role.CAPTION, "Kim and Putin at the square", 7),
        (Role.HEADING, "Background", 9),
        (Role.PARAGRAPH, "Some text with a link that wraps.", 11),
        (Role.PARAGRAPH, "A U.S. official spoke.", 12),
    ]


def test_hard_wrapped_korean_keeps_the_space_at_each_line_break() -> None:
    assert join_lines(["김정은 위원장은 대통령과", "평양에서 만났다."]) == (
        "김정은 위원장은 대통령과 평양에서 만났다."
    )
    assert join_lines(["双方在平壤", "举行会谈。"]) == "双方在平壤举行会谈。"
    assert join_lines(["Kim met", "Putin."]) == "Kim met Putin."
