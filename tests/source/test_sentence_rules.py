"""Sentence rules that must hold on news the rules were not built with (issue 24):
multi-sentence quotations in every script's quotation marks, an ellipsis before a new
sentence, ordinals written with a full stop. The sentence gold of the earlier rounds is
measured by scripts/eval_segmentation.py and guarded in tests/test_sentences.py.
"""

from __future__ import annotations

import pytest

from newsl10n.source.sentences import split_sentences


@pytest.mark.parametrize(
    ("lang", "text", "expected"),
    [
        (
            "ko",
            "그는 “북한과의 대화는 언제든 열려 있으며 우리는 이를 위해 모든 노력을 다하고 "
            "있습니다. 하지만 북한이 도발을 계속한다면 단호하게 대응할 것입니다”라고 말했다.",
            [
                "그는 “북한과의 대화는 언제든 열려 있으며 우리는 이를 위해 모든 노력을 다하고 "
                "있습니다.",
                "하지만 북한이 도발을 계속한다면 단호하게 대응할 것입니다”라고 말했다.",
            ],
        ),
        (
            "zh",
            "“我们会继续努力，争取早日完成这个重要的项目。我们一定会成功，请大家放心。”他说。",
            [
                "“我们会继续努力，争取早日完成这个重要的项目。",
                "我们一定会成功，请大家放心。”",
                "他说。",
            ],
        ),
        (
            "ja",
            "首相は「両国の関係はこれまでになく強固なものになっている。今後も緊密に連携して"
            "地域の平和と安定に貢献していきたい」と述べた。",
            [
                "首相は「両国の関係はこれまでになく強固なものになっている。",
                "今後も緊密に連携して地域の平和と安定に貢献していきたい」と述べた。",
            ],
        ),
        (
            "fr",
            "Le ministre s'est interrogé : « Pourquoi attendre encore des années avant d'agir ? "
            "Pourquoi laisser les familles seules face à cette crise ? » La salle a applaudi.",
            [
                "Le ministre s'est interrogé : « Pourquoi attendre encore des années avant "
                "d'agir ?",
                "Pourquoi laisser les familles seules face à cette crise ? »",
                "La salle a applaudi.",
            ],
        ),
        (
            "ru",
            '"Мы готовы к переговорам, если условия будут честными для обеих сторон. Но пока '
            "этого нет, и мы не видим желания партнеров что-либо менять. Мы ждем ответа от "
            'наших партнеров уже несколько месяцев", - сказал он.',
            [
                '"Мы готовы к переговорам, если условия будут честными для обеих сторон.',
                "Но пока этого нет, и мы не видим желания партнеров что-либо менять.",
                'Мы ждем ответа от наших партнеров уже несколько месяцев", - сказал он.',
            ],
        ),
        (
            "ru",
            'Компания "Газпром сообщила о росте добычи. Об этом говорится в отчете. Аналитики '
            'ожидали этого. В ООО "Ромашка" отказались от комментариев.',
            [
                'Компания "Газпром сообщила о росте добычи.',
                "Об этом говорится в отчете.",
                "Аналитики ожидали этого.",
                'В ООО "Ромашка" отказались от комментариев.',
            ],
        ),
    ],
)
def test_multi_sentence_quotations_split_inside(lang: str, text: str, expected: list[str]) -> None:
    assert split_sentences(text, lang) == expected


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        ("en", "“How many? I don’t know.”"),
        ("sk", "„Prieskumy beriem na ľahkú váhu. V podstate ma to nezaujíma,“ reagoval Matovič."),
        ("ru", "«К чему ты готовишься? – спросила мама. – Завтра ведь выходной»."),
        ("zh", "他说：“好。走吧。”"),
        ("ko", "그는 “좋습니다. 내일 다시 가겠습니다”라고 말했다."),
    ],
)
def test_short_quotations_stay_whole(lang: str, text: str) -> None:
    assert split_sentences(text, lang) == [text]


@pytest.mark.parametrize(
    "text",
    [
        'Он сказал: "Мы готовы." "Но условия должны быть честными," - добавил он. "Иначе уйдем."',
        'Она ответила: " Нет. " Потом ушла. "Почему?" - спросил он.',
        'Он ушел. "Да - спросил он. И добавил: "Нет.',
        "Он ушел. «Да - спросил он.",
        "This is a risk. ... However, the board went ahead with the plan.",
        'He said: "We are ready. " Then he left the room without another word.',
    ],
)
def test_no_segment_is_only_punctuation(text: str) -> None:
    pieces = split_sentences(text, "ru" if "Он" in text or "Она" in text else "en")
    assert all(any(c.isalnum() for c in p) for p in pieces), pieces
    assert "".join(pieces).replace(" ", "") == text.replace(" ", "")


@pytest.mark.parametrize(
    ("lang", "text", "expected"),
    [
        (
            "en",
            "The plan carries a risk. ... However, the board went ahead with it.",
            ["The plan carries a risk. ...", "However, the board went ahead with it."],
        ),
        (
            "en",
            "The plan carries a risk. … However, the board went ahead with it.",
            ["The plan carries a risk. …", "However, the board went ahead with it."],
        ),
        (
            "en",
            "The plan carries a risk … However, the board went ahead with it.",
            ["The plan carries a risk …", "However, the board went ahead with it."],
        ),
        (
            "de",
            "Das Risiko ist groß … Dennoch stimmte der Vorstand zu.",
            ["Das Risiko ist groß …", "Dennoch stimmte der Vorstand zu."],
        ),
    ],
)
def test_an_ellipsis_before_a_new_sentence_ends_one(
    lang: str, text: str, expected: list[str]
) -> None:
    assert split_sentences(text, lang) == expected


def test_an_ellipsis_inside_a_sentence_does_not_split() -> None:
    text = "He went to … Paris, and then to Rome."
    assert split_sentences(text, "en") == [text]


@pytest.mark.parametrize(
    ("lang", "text", "expected"),
    [
        (
            "de",
            "Die Praxis liegt im 1. Stock des Hauses. Sie ist montags geöffnet.",
            ["Die Praxis liegt im 1. Stock des Hauses.", "Sie ist montags geöffnet."],
        ),
        (
            "de",
            "Der 2. Weltkrieg endete 1945. Das wissen alle.",
            ["Der 2. Weltkrieg endete 1945.", "Das wissen alle."],
        ),
        ("de", "Sie kam als 1. Frau ins Amt.", ["Sie kam als 1. Frau ins Amt."]),
        (
            "de",
            "Bayern gewann zum 3. Mal in Folge die Meisterschaft.",
            ["Bayern gewann zum 3. Mal in Folge die Meisterschaft."],
        ),
        (
            "de",
            "Bayern liegt auf Platz 1. Dortmund folgt knapp dahinter.",
            ["Bayern liegt auf Platz 1.", "Dortmund folgt knapp dahinter."],
        ),
        (
            "de",
            "Die Zahl der Toten stieg auf 12. Die Polizei ermittelt.",
            ["Die Zahl der Toten stieg auf 12.", "Die Polizei ermittelt."],
        ),
    ],
)
def test_ordinals_stay_whole(lang: str, text: str, expected: list[str]) -> None:
    assert split_sentences(text, lang) == expected
