"""Sentence splitting against other projects' own test data, and the rules it adds to sentencex.

The gold (tests/fixtures/segmentation/README.md): pySBD's golden rules, sentencex's unit
tests and the npm ``sbd`` tests, 363 cases in 28 languages, plus syntok's 107-sentence
one-sentence-per-line document. sentencex alone, which newsl10n used before: 92.0% exact
with 24 false splits, and 19 of the document's 106 boundaries.
"""

from __future__ import annotations

import pytest
from sentencex import segment

from devtools.sentence_gold import load_gold, load_ospl, score, score_document
from newsl10n.source.sentences import split_sentences
from tests.helpers import python_steps

SENTENCEX_FALSE_SPLITS = 24  # sentencex alone on the same gold (scripts/eval_segmentation.py)


def _sentencex(text: str, lang: str) -> list[str]:
    return [s.strip() for s in segment(lang, text) if s.strip()]


def test_gold_exact_match_and_false_splits() -> None:
    gold = load_gold()
    ours = score(split_sentences, gold)
    print(
        f"\n{ours.exact}/{ours.cases} exact, {ours.false_splits} false, {ours.missed_splits} missed"
    )
    assert ours.exact_rate >= 0.95
    assert score(_sentencex, gold).false_splits == SENTENCEX_FALSE_SPLITS
    assert ours.false_splits <= SENTENCEX_FALSE_SPLITS / 3


def test_one_sentence_per_line_document() -> None:
    doc = score_document(split_sentences, load_ospl())
    print(f"\n{doc.exact}/{doc.cases} boundaries, {doc.false_splits} false")
    assert doc.cases >= 100
    assert doc.exact_rate >= 0.95
    assert doc.false_splits <= 5


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1. The first item. 2. The second item.", ["1. The first item.", "2. The second item."]),
        ("• Bread • Milk", ["• Bread", "• Milk"]),
        (
            "The doors open at 9 a.m. ET scheduled start is noon.",
            ["The doors open at 9 a.m. ET scheduled start is noon."],
        ),
        ("They met at 3 p.m. He left at four.", ["They met at 3 p.m.", "He left at four."]),
        (
            "He became President of the U.S. Millions attended.",
            ["He became President of the U.S.", "Millions attended."],
        ),
        ("A U.S. State Department official spoke.", ["A U.S. State Department official spoke."]),
        ("(This is a sentence.) This is another.", ["(This is a sentence.)", "This is another."]),
        (
            "Intro. (1) First point. (2) Second point.",
            ["Intro.", "(1) First point.", "(2) Second point."],
        ),
        ("See (Phil. 4:8) for more.", ["See (Phil. 4:8) for more."]),
        ("The town had 5 km. of road.", ["The town had 5 km. of road."]),
        ("The Wag.B.H. Holdings said no.", ["The Wag.B.H. Holdings said no."]),
        ("It was a saint.[1] The emperor agreed.", ["It was a saint.[1]", "The emperor agreed."]),
        (
            "“We will not give up. We will keep fighting for our town.” The crowd cheered.",
            ["“We will not give up.", "We will keep fighting for our town.”", "The crowd cheered."],
        ),
        (
            "“We will not give up. We are strong,” he said on Monday.",
            ["“We will not give up. We are strong,” he said on Monday."],
        ),
        (
            "“We need an honest conversation about the real extent of the problem for staff. "
            "The regulator should demand that universities disclose all of it,” she said.",
            [
                "“We need an honest conversation about the real extent of the problem for staff.",
                "The regulator should demand that universities disclose all of it,” she said.",
            ],
        ),
        (
            "“He takes his shirt off. It was a big stretch,” he said.",
            ["“He takes his shirt off. It was a big stretch,” he said."],
        ),
        (
            "Ucrania quedaría sin mar. “Nadie entiende nada”, insistió.",
            ["Ucrania quedaría sin mar.", "“Nadie entiende nada”, insistió."],
        ),
        ("普京抵达平壤。金正恩迎接了他！", ["普京抵达平壤。", "金正恩迎接了他！"]),
    ],
)
def test_rules_on_top_of_sentencex(text: str, expected: list[str]) -> None:
    assert split_sentences(text, "zh" if text[0] == "普" else "en") == expected


@pytest.mark.parametrize(
    "text",
    [
        "普京抵达平壤。金正恩迎接了他！这是第一次吗？"
        * 45_000,  # sentencex alone is quadratic here
        "(" * 300_000 + "x. Y" * 100_000,
        '"a. B ' * 170_000,
        "“" + "He left. " * 110_000 + "”",
        "a" * 1_000_000,
    ],
    ids=["cjk", "unclosed-brackets", "unpaired-quotes", "one-long-quote", "no-spaces"],
)
def test_a_megabyte_line_is_split_in_linear_time(
    text: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Twice the text takes twice the steps, never four times: the rule layer's Python work
    is counted (not timed), and sentencex, which slows down more than linearly on long
    text, is never handed more than a window at a time. The whole megabyte still splits."""
    import newsl10n.source.sentences as sentences

    real = sentences._sentencex_segment
    longest = [0]

    def watched(lang: str, chunk: str) -> object:
        longest[0] = max(longest[0], len(chunk))
        return real(lang, chunk)

    monkeypatch.setattr(sentences, "_sentencex_segment", watched)
    assert "".join(split_sentences(text, "zh")).replace(" ", "") == text.replace(" ", "")
    assert longest[0] <= 2 * sentences._WINDOW
    part = text[: len(text) // 20]  # counting every line is slow: 50 KB shows the growth
    half, full = python_steps(split_sentences, part[: len(part) // 2], "zh"), 0
    full = python_steps(split_sentences, part, "zh")
    assert full <= 2.5 * half + 200, (half, full)


def test_windows_give_what_sentencex_gives_on_the_whole_text() -> None:
    from newsl10n.source.sentences import _sentencex_pieces

    words = ["The", "talks", "resumed", "in", "Seoul.", "Mr.", "Kim", "left", "at", "3.5", "pm!"]
    text = " ".join(words[i % len(words)] for i in range(3000))  # 17,000 characters
    assert list(_sentencex_pieces(text, "en")) == list(segment("en", text))
    run_on = " ".join(f"word{i}" for i in range(2900))
    assert split_sentences(run_on, "en") == [run_on]
