"""Glossary enforcement: every way NMT mangles names, reproduced by fake engines, and the
whole path on copy models."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

import pytest

from newsl10n.engines.argos import ArgosEngine
from newsl10n.glossary.enforce import (
    BRACES,
    HYPOTHESES,
    INLINE,
    LETTERS,
    PLAIN,
    Outcome,
    term_form_cases,
    translate_with_glossary,
)
from newsl10n.glossary.load import load_glossary
from newsl10n.glossary.match import find_missing, find_terms
from newsl10n.glossary.model import Glossary
from newsl10n.source.article import read_article
from newsl10n.source.segment import segment_blocks
from tests.conftest import ROOT, SEED, TARGETS


class Scripted:
    """A fake engine: known inputs get their scripted output, anything else comes back
    as it is; every call is recorded so tests can check the batching."""

    name = "scripted"

    def __init__(self, script: Mapping[str, str] | None = None) -> None:
        self.script = dict(script or {})
        self.calls: list[list[str]] = []

    def model_version(self, source: str, target: str) -> str:
        return "scripted"

    def translate(self, texts: Sequence[str], source: str, target: str) -> list[str]:
        self.calls.append(list(texts))
        return [self.script.get(text, text) for text in texts]


class ScriptedNBest(Scripted):
    """Also offers several hypotheses per input, as CTranslate2 does."""

    def __init__(self, script: Mapping[str, str], nbest: Mapping[str, list[str]]) -> None:
        super().__init__(script)
        self.nbest = dict(nbest)

    def hypotheses(self, texts: Sequence[str], source: str, target: str, n: int) -> list[list[str]]:
        self.calls.append(list(texts))
        return [self.nbest.get(text, [text])[:n] for text in texts]


@pytest.fixture(scope="module")
def names(tmp_path_factory: pytest.TempPathFactory) -> Glossary:
    folder = tmp_path_factory.mktemp("glossary")
    (folder / "names.csv").write_text(
        "en,ru,uk,de,fr,ko,variants:ru,variants:uk\n"
        "Putin,Путин,Путін,Putin,Poutine,푸틴,Путина|Путину|Путиным|Путине,Путіна|Путіну\n"
        "Pyongyang,Пхеньян,Пхеньян,Pjöngjang,Pyongyang,평양,Пхеньяна|Пхеньяне,Пхеньяні\n"
        "Kim Jong Un,Ким Чен Ын,Кім Чен Ин,Kim Jong-un,Kim Jong-un,김정은,"
        "Ким Чен Ына|Ким Чен Ыну|Ким Чен Ыном|Ким Чен Ыне,\n"
        "Moscow,Москва,Москва,Moskau,Moscou,모스크바,,\n"
        "Cold War,холодная война,холодна війна,Kalter Krieg,guerre froide,냉전,"
        "холодной войны,\n",
        encoding="utf-8",
    )
    return load_glossary(folder)


ARRIVAL = "Putin arrived in Pyongyang."


def enforce(
    engine: Scripted, texts: Sequence[str], glossary: Glossary, target: str = "ru",
    strategies: Sequence[str] | None = None,
) -> list[Outcome]:  # fmt: skip
    if strategies is None:
        return translate_with_glossary(engine, texts, "en", target, glossary)
    return translate_with_glossary(engine, texts, "en", target, glossary, strategies)


# ---------------------------------------------------------------- strategies


def test_a_model_that_knows_the_names_keeps_its_own_translation(names: Glossary) -> None:
    engine = Scripted({ARRIVAL: "Путин прибыл в Пхеньян."})
    (outcome,) = enforce(engine, [ARRIVAL], names)
    # The model's own sentence, with the name in the case "в" asks for.
    assert outcome == Outcome("Путин прибыл в Пхеньяне.", (), PLAIN)
    assert len(engine.calls) == 1


def test_a_mangled_name_is_fixed_by_writing_the_target_form_into_the_source(
    names: Glossary,
) -> None:
    engine = Scripted(
        {
            ARRIVAL: "Путин прибыл в Пхеньянг.",
            "Путин arrived in Пхеньян.": "Путин прибыл в Пхеньян.",
        }
    )
    (outcome,) = enforce(engine, [ARRIVAL], names)
    assert outcome == Outcome("Путин прибыл в Пхеньяне.", (), INLINE)
    assert engine.calls == [[ARRIVAL], ["Путин arrived in Пхеньян."]]


@pytest.mark.parametrize(
    ("strategy", "output"),
    [
        (BRACES, "{1} прибыл в {2}."),
        (BRACES, "В {2} прибыл {1}."),  # reordered
        (BRACES, "{ 1 } прибыл в {2 }."),  # spaces inside
        (BRACES, "｛１｝ прибыл в ｛２｝."),  # full width
        (BRACES, "{1} прибыл в {2} {2}."),  # duplicated
        (BRACES, "{1} {1} прибыл в {2}."),  # duplicated
        (LETTERS, "XX1XX прибыл в XX2XX."),
        (LETTERS, "xx1xx прибыл в Xx2xX."),  # case changed
        (LETTERS, "X X 1 X X прибыл в XX 2XX."),  # spaces inside
        (LETTERS, "ХХ1ХХ прибыл в хх2хх."),  # transliterated into Cyrillic look-alikes
        (LETTERS, "В ХХ2ХХ прибыл XX1XX XX1XX."),  # reordered and duplicated
    ],
)
def test_placeholders_survive_what_nmt_does_to_them(
    names: Glossary, strategy: str, output: str
) -> None:
    source = "{1} arrived in {2}." if strategy == BRACES else "XX1XX arrived in XX2XX."
    engine = Scripted({source: output})
    (outcome,) = enforce(engine, [ARRIVAL], names, strategies=[strategy])
    assert outcome.missing == ()
    assert outcome.strategy == strategy
    assert outcome.text in ("Путин прибыл в Пхеньяне.", "В Пхеньяне прибыл Путин.")


def test_a_dropped_placeholder_sends_the_segment_to_the_next_strategy(names: Glossary) -> None:
    engine = Scripted(
        {
            ARRIVAL: "Путин прибыл в Пхеньянг.",
            "Путин arrived in Пхеньян.": "Путин прибыл.",  # drops the inline name
            "{1} arrived in {2}.": "{1} прибыл.",  # drops a placeholder
            "XX1XX arrived in XX2XX.": "XX1XX прибыл в XX2XX.",
        }
    )
    (outcome,) = enforce(engine, [ARRIVAL], names)
    assert outcome == Outcome("Путин прибыл в Пхеньяне.", (), LETTERS)
    assert len(engine.calls) == 4  # plain, inline, braces, letters (no hypotheses offered)


def test_model_that_eats_braces_falls_back_to_letters(names: Glossary) -> None:
    engine = Scripted({"{1} arrived in {2}.": "1 прибыл в 2.",
                       "XX1XX arrived in XX2XX.": "XX1XX прибыл в XX2XX."})  # fmt: skip
    (outcome,) = enforce(engine, [ARRIVAL], names, strategies=[BRACES, LETTERS])
    assert outcome == Outcome("Путин прибыл в Пхеньяне.", (), LETTERS)


def test_hypotheses_pick_one_that_keeps_every_term(names: Glossary) -> None:
    engine = ScriptedNBest(
        {"{1} arrived in {2}.": "{1} прибыл."},
        {"{1} arrived in {2}.": ["{1} прибыл.", "Прибыл {1}.", "{1} прибыл в {2}."]},
    )
    (outcome,) = enforce(engine, [ARRIVAL], names, strategies=[BRACES, HYPOTHESES])
    assert outcome == Outcome("Путин прибыл в Пхеньяне.", (), HYPOTHESES)
    assert len(engine.calls) == 2


def test_when_everything_fails_the_best_output_is_kept_and_the_terms_reported(
    names: Glossary,
) -> None:
    engine = Scripted(
        {
            ARRIVAL: "Он прибыл туда.",
            "Путин arrived in Пхеньян.": "Он прибыл туда.",
            "{1} arrived in {2}.": "{1 прибыл в 2}.",  # broken braces
            "XX1XX arrived in XX2XX.": "XX1 прибыл.",  # broken letters
        }
    )
    (outcome,) = enforce(engine, [ARRIVAL], names)
    assert outcome.missing == ("Putin → Путин", "Pyongyang → Пхеньян")
    assert outcome.text == "Он прибыл туда."
    assert not outcome.ok


def test_a_half_kept_placeholder_output_leaves_no_fragment(names: Glossary) -> None:
    engine = Scripted({"{1} arrived in {2}.": "{1} прибыл в 2}."})
    (outcome,) = enforce(engine, [ARRIVAL], names, strategies=[BRACES])
    assert outcome.missing == ("Pyongyang → Пхеньян",)
    assert "{" not in outcome.text and "}" not in outcome.text and "2" not in outcome.text
    assert outcome.text.startswith("Путин прибыл в")


def test_hypotheses_alone_on_an_engine_without_them_still_translates(names: Glossary) -> None:
    engine = Scripted({ARRIVAL: "Путин прибыл в Пхеньян."})
    (outcome,) = enforce(engine, [ARRIVAL], names, strategies=[HYPOTHESES])
    assert outcome == Outcome("Путин прибыл в Пхеньяне.", (), PLAIN)


def test_enforcement_is_batched_one_call_per_round(names: Glossary) -> None:
    texts = [ARRIVAL, "Kim Jong Un spoke.", "No names here."]
    engine = Scripted(
        {
            ARRIVAL: "Путин прибыл в Пхеньянг.",
            "Kim Jong Un spoke.": "Ким Чен Ын выступил.",
            "No names here.": "Здесь нет имён.",
        }
    )
    outcomes = enforce(engine, texts, names)
    assert [o.strategy for o in outcomes] == [INLINE, PLAIN, PLAIN]
    assert engine.calls == [texts, ["Путин arrived in Пхеньян."]]


def test_text_without_terms_is_translated_once(names: Glossary) -> None:
    engine = Scripted({"Hello.": "Привет."})
    assert enforce(engine, ["Hello.", ""], names) == [
        Outcome("Привет.", (), PLAIN),
        Outcome("", (), PLAIN),
    ]
    assert engine.calls == [["Hello.", ""]]


def test_text_that_already_has_braces_is_not_given_brace_placeholders(names: Glossary) -> None:
    text = "Press {1} in Pyongyang."
    engine = Scripted({"Press {1} in XX1XX.": "Нажмите {1} в XX1XX."})
    (outcome,) = enforce(engine, [text], names, strategies=[BRACES, LETTERS])
    assert outcome == Outcome("Нажмите {1} в Пхеньяне.", (), LETTERS)
    assert engine.calls == [["Press {1} in XX1XX."]]  # no braces round at all


# ---------------------------------------------------------------- grammar


@pytest.mark.parametrize(
    ("target", "output", "expected"),
    [
        ("ru", "визит {1} в {2}.", "визит Путина в Пхеньян."),  # to → accusative
        ("ru", "{1}'s визит в {2}.", "Путина визит в Пхеньян."),
        ("uk", "візит {1} до {2}.", "візит Путіна до Пхеньяна."),
        ("de", "{1}'s Besuch in {2}.", "Putins Besuch in Pjöngjang."),
        ("ko", "{1}'s {2} 방문.", "푸틴의 평양 방문."),
        ("fr", "la visite de {1}'s à {2}.", "la visite de Poutine à Pyongyang."),
    ],
)
def test_the_english_possessive_comes_out_right_in_each_language(
    names: Glossary, target: str, output: str, expected: str
) -> None:
    engine = Scripted({"{1}'s visit to {2}.": output})
    (outcome,) = enforce(engine, ["Putin's visit to Pyongyang."], names, target, [BRACES])
    assert outcome == Outcome(expected, (), BRACES)


@pytest.mark.parametrize(
    ("target", "source", "output", "expected"),
    [
        ("ru", "Putin met Kim Jong Un.", "{1} встретился с {2}.",
         "Путин встретился с Ким Чен Ыном."),
        ("ru", "Talks in Moscow.", "Переговоры в {1}.", "Переговоры в Москве."),
        ("ru", "A flight to Moscow.", "Рейс в {1}.", "Рейс в Москву."),
        ("ru", "A gift from Putin.", "Подарок от {1}.", "Подарок от Путина."),
        ("ru", "Talks with Putin.", "Переговоры с {1}.", "Переговоры с Путиным."),
        ("ru", "After the end of the Cold War.", "После окончания {1}.",
         "После окончания холодной войны."),
        ("ru", "Cold War is back.", "{1} вернулась.", "Холодная война вернулась."),
        ("uk", "Putin in Pyongyang.", "{1} у {2}.", "Путін у Пхеньяні."),
        ("uk", "Talks in Moscow.", "Переговори в {1}.", "Переговори в Москві."),
    ],
)  # fmt: skip
def test_russian_and_ukrainian_forms_take_the_case_the_sentence_needs(
    names: Glossary, target: str, source: str, output: str, expected: str
) -> None:
    protected = source
    for k, match in enumerate(find_terms(source, names, "en"), start=1):
        protected = protected.replace(match.text, f"{{{k}}}", 1)
    engine = Scripted({protected: output})
    (outcome,) = enforce(engine, [source], names, target, [BRACES])
    assert outcome == Outcome(expected, (), BRACES)


GLOSSARY = load_glossary(ROOT / "glossaries")


def braces_round(source: str, lang: str, output: str, target: str = "uk") -> Outcome:
    """The outcome when the engine answers ``output`` to the ``{1}`` form of ``source``."""
    protected = source
    for k, match in enumerate(find_terms(source, GLOSSARY, lang), start=1):
        protected = protected.replace(match.text, f"{{{k}}}", 1)
    engine = Scripted({protected: output})
    (outcome,) = translate_with_glossary(engine, [source], lang, target, GLOSSARY, [BRACES])
    return outcome


@pytest.mark.parametrize(
    ("source", "output", "expected"),
    [
        ("Talks in Pyongyang.", "Переговори у {1}.", "Переговори у Пхеньяні."),
        ("Talks in Crimea.", "Переговори у {1}.", "Переговори у Криму."),
        ("A gift from Putin.", "Подарунок від {1}.", "Подарунок від Путіна."),
        ("A flight to Moscow.", "Рейс до {1}.", "Рейс до Москви."),
    ],
)
def test_english_sources_into_ukrainian_take_the_locative_that_ukrainian_writes(
    source: str, output: str, expected: str
) -> None:
    """Пхеньяні, Криму: the most specific listed form, whatever the variants' order."""
    assert braces_round(source, "en", output) == Outcome(expected, (), BRACES)


@pytest.mark.parametrize("lang", ["ru", "uk"])
def test_every_declinable_name_after_in_comes_out_in_the_locative(lang: str) -> None:
    """ "Talks in X." with "в/у {1}" from the engine, for every glossary name: a form that
    is a locative (or indeclinable), never the genitive-dative "Пхеньяну"."""
    prep = {"ru": "в", "uk": "у"}[lang]
    wrong = []
    for term in GLOSSARY.terms:
        english, form = term.form("en"), term.form(lang)
        source = f"Talks in {english}."
        if not english or not form or len(find_terms(source, GLOSSARY, "en")) != 1:
            continue
        text = braces_round(source, "en", f"Talks {prep} {{1}}.", lang).text
        written = text.removeprefix(f"Talks {prep} ").removesuffix(".")
        cases = term_form_cases(term, written, lang)
        if cases and "loct" not in cases:
            wrong.append(f"{english} → {written} ({sorted(cases)})")
    assert wrong == []


@pytest.mark.parametrize(
    ("source", "output", "expected"),
    [
        ("Путину вручили цветы.", "{1} вручили цвіти.", "Путіну вручили цвіти."),
        ("Самолёт Путина приземлился.", "Літак {1} приземлився.", "Літак Путіна приземлився."),
        ("Лидер Северной Кореи выступил.", "Лідер {1} виступив.",
         "Лідер Північної Кореї виступив."),
        ("Делегация посетит Москву.", "Делегація відвідає {1}.", "Делегація відвідає Москву."),
        ("Переговоры в Пхеньяне.", "Переговори у {1}.", "Переговори у Пхеньяні."),
        ("Встреча с Южной Кореей.", "Зустріч з {1}.", "Зустріч з Південною Кореєю."),
        # Russian у + genitive is "near": the Ukrainian у does not make it a locative
        ("Мост у реки Тэдонган.", "Міст у {1}.", "Міст у річки Тедонган."),
        # a Ukrainian preposition of one case the engine chose wins: до + genitive, про + acc.
        ("Цветы подарили к Путину.", "Квіти подарували до {1}.", "Квіти подарували до Путіна."),
        ("Новости о Путине.", "Новини про {1}.", "Новини про Путіна."),
        # a form both languages accept stays as the source wrote it
        ("Визит в КНДР.", "Візит до {1}.", "Візит до КНДР."),
        # the object of a Russian verb: accusative, where Ukrainian tells it apart (Раду)
        ("США призвали Совет Безопасности ООН.", "США закликали {1}.",
         "США закликали Раду Безпеки ООН."),
        # the base form after a verb is no accusative when a variant is (Ким Чен Ына)
        ("Его встречал Ким Чен Ын.", "Його зустрічав {1}.", "Його зустрічав Кім Чен Ин."),
        # a bare name after its noun stays bare: the noun is the engine's
        ("Кортеж проехал через реку Тэдонган.", "Кортеж проїхав через ріку {1}.",
         "Кортеж проїхав через ріку Тедонган."),
    ],
)  # fmt: skip
def test_a_russian_name_gives_its_case_to_the_ukrainian_form(
    source: str, output: str, expected: str
) -> None:
    assert braces_round(source, "ru", output) == Outcome(expected, (), BRACES)


def test_the_engines_own_form_stays_when_it_fits() -> None:
    """Росії, до Пхеньяна: an accepted form in a case the source or its own preposition
    allows is the engine's choice, never overwritten by a base form."""
    source = "Гости из России прибыли в Пхеньян."
    engine = Scripted({source: "Гості з Росії прибули до Пхеньяна."})
    (outcome,) = translate_with_glossary(engine, [source], "ru", "uk", GLOSSARY)
    assert outcome == Outcome("Гості з Росії прибули до Пхеньяна.", (), PLAIN)


def test_a_russian_spelling_in_ukrainian_output_is_not_accepted() -> None:
    source = "Переговоры в Пхеньяне."
    engine = Scripted({source: "Переговори у Пхеньяне.", "Переговоры в {1}.": "Переговори у {1}."})
    (outcome,) = translate_with_glossary(engine, [source], "ru", "uk", GLOSSARY, [PLAIN, BRACES])
    assert outcome == Outcome("Переговори у Пхеньяні.", (), BRACES)


def test_an_east_asian_name_declines_in_its_last_word(names: Glossary) -> None:
    """The test glossary lists no Ukrainian dative of Кім Чен Ин: pymorphy3 makes it, and
    only the last part declines."""
    engine = Scripted({"{1} подарили автомобиль.": "{1} подарували автомобіль."})
    (outcome,) = translate_with_glossary(
        engine, ["Ким Чен Ыну подарили автомобиль."], "ru", "uk", names, [BRACES]
    )
    assert outcome == Outcome("Кім Чен Инові подарували автомобіль.", (), BRACES)


def test_a_case_no_form_can_give_is_reported(tmp_path: Path) -> None:
    """No Ukrainian genitive is listed and pymorphy3 does not know the name: the base form
    stays, and the outcome says which case the source wanted."""
    (tmp_path / "names.csv").write_text(
        "en,ru,uk,variants:ru\nHwasong,Хвасон,Хвасон,Хвасона|Хвасону|Хвасоном\n", encoding="utf-8"
    )
    glossary = load_glossary(tmp_path)
    engine = Scripted({"Запуск {1} прошёл.": "Запуск {1} пройшов."})
    (outcome,) = translate_with_glossary(
        engine, ["Запуск Хвасона прошёл."], "ru", "uk", glossary, [BRACES]
    )
    assert outcome.text == "Запуск Хвасон пройшов."
    assert outcome.cases == ("Хвасона → Хвасон: genitive expected",)
    assert not outcome.ok


# ---------------------------------------------------------------- copy models, whole path


class Counting:
    """The real engine, counting calls."""

    name = "argos"

    def __init__(self) -> None:
        self.engine = ArgosEngine()
        self.calls = 0

    def model_version(self, source: str, target: str) -> str:
        return self.engine.model_version(source, target)

    def translate(self, texts: Sequence[str], source: str, target: str) -> list[str]:
        self.calls += 1
        return self.engine.translate(texts, source, target)

    def hypotheses(self, texts: Sequence[str], source: str, target: str, n: int) -> list[list[str]]:
        self.calls += 1
        return self.engine.hypotheses(texts, source, target, n)


SHIPPED = load_glossary(ROOT / "glossaries")
SEGMENTS = [s.text for s in segment_blocks(read_article(SEED).blocks, "en").segments]
EXACT = {
    "ru": ["площадь Ким Ир Сена", "река Тэдонган", "Пхеньян", "Ким Чен Ын", "Владимир Путин"],
    "ko": ["김일성광장", "대동강", "평양", "김정은", "블라디미르 푸틴"],
    "zh": ["金日成广场", "大同江", "平壤", "金正恩", "弗拉基米尔·普京"],
    "ja": ["金日成広場", "大同江", "平壌", "金正恩", "ウラジーミル・プーチン"],
    "de": ["Kim-Il-sung-Platz", "Pjöngjang", "Kim Jong-un", "Wladimir Putin", "Nordkorea"],
    "fr": ["place Kim Il-sung", "fleuve Taedong", "Kim Jong-un", "Vladimir Poutine"],
    "es": ["plaza Kim Il-sung", "río Taedong", "Pionyang", "Kim Jong-un", "Vladímir Putin"],
    "uk": ["площа Кім Ір Сена", "річка Тедонган", "Пхеньян", "Кім Чен Ин", "Володимир Путін"],
}


def assert_clean(outcomes: Sequence[Outcome], lang: str) -> str:
    """Every term present, no placeholder left; returns the joined output."""
    for source, outcome in zip(SEGMENTS, outcomes, strict=True):
        assert outcome.missing == (), (source, outcome)
        matches = find_terms(source, SHIPPED, "en")
        assert find_missing(matches, outcome.text, lang) == []
        assert not any(mark in outcome.text for mark in ("{", "}", "XX")), outcome.text
    return "\n".join(o.text for o in outcomes)


@pytest.mark.parametrize("lang", TARGETS)
def test_copy_model_output_has_the_exact_target_forms(copy_models: Path, lang: str) -> None:
    engine = Counting()
    outcomes = translate_with_glossary(engine, SEGMENTS, "en", lang, SHIPPED)
    text = assert_clean(outcomes, lang)
    for form in EXACT[lang]:
        assert form in text, form
    assert engine.calls <= 2  # the whole article in one call per round: plain, inline
    assert "’s" not in text.replace("each other's", "") and "'s" not in text.replace(
        "each other's", ""
    )


@pytest.mark.parametrize("strategy", [BRACES, HYPOTHESES, LETTERS])
@pytest.mark.parametrize("lang", ["ru", "zh"])
def test_placeholders_survive_sentencepiece_and_ctranslate2(
    copy_models: Path, strategy: str, lang: str
) -> None:
    engine = Counting()
    outcomes = translate_with_glossary(engine, SEGMENTS, "en", lang, SHIPPED, [strategy])
    text = assert_clean(outcomes, lang)
    for form in EXACT[lang][:3]:
        assert form in text
    assert {o.strategy for o in outcomes} == {strategy}
    assert engine.calls == 1


def test_argos_hypotheses_are_best_first(copy_models: Path) -> None:
    engine = ArgosEngine()
    texts = ["Kim Il Sung Square was full.", "", "Путин прибыл."]
    found = engine.hypotheses(texts, "en", "ko", 3)
    assert [h[0] for h in found] == engine.translate(texts, "en", "ko")
    assert [len(h) for h in found] == [3, 1, 3]
    assert engine.hypotheses(["Путин прибыл."], "ru", "ko", 2)[0][0] == "Путин прибыл."
