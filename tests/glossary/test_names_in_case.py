"""Russian into Ukrainian: every name in the case its source form is in, checked form by
form against a hand-made table, through the real Apertium rus-ukr (repaired, see
``tests/support/rus_ukr.py``) or its recorded answers; and Debian's broken stock pair,
which hands back its input, is an error naming the pair, never a translation."""

from __future__ import annotations

import sys
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

import pytest

from newsl10n.engines.apertium import ApertiumEngine, ApertiumError
from newsl10n.engines.base import Engine
from newsl10n.glossary.enforce import translate_with_glossary
from newsl10n.glossary.load import load_glossary
from newsl10n.glossary.match import find_terms, scan, target_entries
from newsl10n.glossary.model import Glossary
from tests.conftest import ROOT
from tests.support import rus_ukr

# Each segment of visit.txt, and the Ukrainian forms of its names in order: the case of
# the Russian form (nominative Путин → Путін, genitive Путина → Путіна, ...), a Russian
# preposition read as Russian (у реки: genitive, near the river), a bare name after its
# noun left bare (через реку Тэдонган → Тедонган, the noun is the engine's).
EXPECTED: list[tuple[str, list[str]]] = [
    ("Визит Путина в Пхеньян", ["Путіна", "Пхеньян"]),
    ("Владимир Путин прилетел в Пхеньян во вторник вечером.", ["Володимир Путін", "Пхеньян"]),
    ("В аэропорту Пхеньяна его встречал Ким Чен Ын.", ["Пхеньяна", "Кім Чен Ин"]),
    ("Самолёт Путина приземлился незадолго до полуночи.", ["Путіна"]),
    ("Путину вручили цветы, а затем гости поехали к площади Ким Ир Сена.",
     ["Путіну", "площі Кім Ір Сена"]),
    ("Лидер Северной Кореи назвал визит историческим.", ["Північної Кореї"]),
    ("В Пхеньяне прошли переговоры о безопасности на Корейском полуострове.",
     ["Пхеньяні", "Корейському півострові"]),
    ("Ким Чен Ын поблагодарил Россию за поддержку.", ["Кім Чен Ин", "Росію"]),
    ("Стороны обсудили отношения с Южной Кореей и Вашингтоном.",
     ["Південною Кореєю", "Вашингтоном"]),
    ("Делегации прошли вдоль реки Тэдонган к монументу Освобождения.",
     ["річки Тедонган", "монументу Визволення"]),
    ("У реки Тэдонган гостям показали новый мост.", ["річки Тедонган"]),
    ("Вечером кортеж проехал через реку Тэдонган.", ["Тедонган"]),
    ("Путин пригласил Ким Чен Ына посетить Москву.", ["Путін", "Кім Чен Ина", "Москву"]),
    ("Министр Сергей Лавров сказал, что Москва ценит дружбу с Пхеньяном.",
     ["Сергій Лавров", "Москва", "Пхеньяном"]),
    ("В Вашингтоне и Сеуле визит вызвал тревогу.", ["Вашингтоні", "Сеулі"]),
    ("Госдепартамент США призвал Совет Безопасности ООН обсудить ситуацию.",
     ["Держдепартамент США", "Раду Безпеки ООН"]),
    ("По данным ЦТАК, Ким Чен Ыну подарили автомобиль Aurus.", ["ЦТАК", "Кім Чен Ину", "Aurus"]),
    ("Переговоры в Пекине пока не планируются.", ["Пекіні"]),
    ("Визит Путина завершился в среду, и он вернулся в Москву.", ["Путіна", "Москву"]),
]  # fmt: skip
CASES_IN_SOURCE = {"nomn", "gent", "datv", "accs", "ablt", "loct"}


@pytest.fixture(scope="module")
def glossary() -> Glossary:
    return load_glossary(ROOT / "glossaries")


@pytest.fixture(scope="module")
def repaired(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if not rus_ukr.installed():
        pytest.skip(f"apertium rus-ukr not installed ({rus_ukr.INSTALL})")
    return rus_ukr.repaired_datadir(tmp_path_factory.mktemp("rus-ukr"))


def names_in(texts: Sequence[str], glossary: Glossary) -> list[list[str]]:
    """The Ukrainian glossary forms in each text, in order."""
    entries = target_entries(glossary.terms, "uk")
    return [[m.text for m in scan(text, entries)] for text in texts]


def right_share(engine: Engine, glossary: Glossary) -> tuple[int, int, list[str]]:
    sources = [source for source, _ in EXPECTED]
    outcomes = translate_with_glossary(engine, sources, "ru", "uk", glossary)
    outputs = [o.text for o in outcomes]
    right = total = 0
    wrong: list[str] = []
    for (source, wanted), found, output in zip(
        EXPECTED, names_in(outputs, glossary), outputs, strict=True
    ):
        hits = sum((Counter(wanted) & Counter(found)).values())
        right += hits
        total += len(wanted)
        if hits < len(wanted):
            wrong.append(f"{source} → {output} (expected {wanted})")
    return right, total, wrong


def test_the_table_is_the_article_and_covers_every_case(glossary: Glossary) -> None:
    from newsl10n.glossary.enforce import source_cases

    assert rus_ukr.sentences() == [source for source, _ in EXPECTED]
    cases: set[str] = set()
    for source, wanted in EXPECTED:
        matches = find_terms(source, glossary, "ru")
        assert len(matches) == len(wanted), (source, [m.text for m in matches])
        for m in matches:
            cases |= source_cases(m, "ru", source)
    assert cases >= CASES_IN_SOURCE


@pytest.mark.parametrize("engine", ["real", "replayed"])
def test_russian_names_come_out_in_the_case_of_their_source_form(
    engine: str, glossary: Glossary, request: pytest.FixtureRequest
) -> None:
    if engine == "real":
        datadir = request.getfixturevalue("repaired")
        chosen: Engine = ApertiumEngine(datadir=datadir)
    else:
        chosen = rus_ukr.Replay()
    right, total, wrong = right_share(chosen, glossary)
    print(f"\nnames in the right case, ru→uk via {engine} Apertium: {right}/{total}")
    assert right >= 0.95 * total, "\n".join(wrong)


def test_the_repaired_pair_answers_as_recorded(repaired: Path) -> None:
    """The replay is faithful: the repaired pair still says what the transcript says."""
    replay = rus_ukr.Replay()
    inputs = sorted(replay.answers)
    assert ApertiumEngine(datadir=repaired).translate(inputs, "ru", "uk") == [
        replay.answers[text] for text in inputs
    ]


def test_debian_stock_rus_ukr_is_an_error_naming_the_pair(glossary: Glossary) -> None:
    if not rus_ukr.installed():
        pytest.skip(f"apertium rus-ukr not installed ({rus_ukr.INSTALL})")
    engine = ApertiumEngine()
    sources = [source for source, _ in EXPECTED]
    raw = engine.run(engine.mode("ru", "uk"), sources)  # no checks: what apertium says
    echoed = sum(out.strip() == source for out, source in zip(raw, sources, strict=True))
    if echoed * 2 <= len(sources):
        pytest.skip("the installed apertium-rus-ukr translates: no broken stage to catch")
    with pytest.raises(ApertiumError, match=r"apertium rus-ukr returned its input for \d+ of"):
        translate_with_glossary(engine, sources, "ru", "uk", glossary)


def test_a_pair_whose_engine_hands_back_russian_fails_and_says_why(
    project: Path, tmp_path: Path
) -> None:
    """The run fails the pair (no "written, 0 failed" over Russian text): every segment is
    left untranslated with the engine's message in its comment."""
    import polib

    from newsl10n.config import load_settings
    from newsl10n.pipeline import prepare_article, translate_pair

    echo = tmp_path / "bin" / "apertium"
    echo.parent.mkdir()
    echo.write_text(
        f"#!{sys.executable}\nimport sys\n"
        "if '-l' in sys.argv:\n    print('  rus-ukr')\n    sys.exit(0)\n"
        "sys.stdout.write(sys.stdin.read())\n",
        encoding="utf-8",
    )
    echo.chmod(0o755)
    article = project / "source_articles" / rus_ukr.ARTICLE.name
    article.write_text(rus_ukr.ARTICLE.read_text(encoding="utf-8"), encoding="utf-8")
    settings = load_settings(project)
    prepared = prepare_article(article, settings)
    assert prepared.language.lang == "ru"
    engine = ApertiumEngine(command=str(echo))
    result = translate_pair(
        prepared, "uk", engine, settings, glossary=load_glossary(ROOT / "glossaries")
    )
    assert not result.ok and result.failed == len(prepared.segments)
    po = polib.pofile(result.catalog)
    assert all(not e.msgstr for e in po)
    assert all("apertium rus-ukr returned its input for" in e.comment for e in po)


UK_TO_RU: list[tuple[str, list[str]]] = [
    ("Літак Путіна приземлився у Пхеньяні незадовго до півночі.", ["Путина", "Пхеньяне"]),
    ("Лідер Північної Кореї зустрів гостя біля річки Тедонган.",
     ["Северной Кореи", "реки Тэдонган"]),
    ("Путіну подарували квіти, а потім гості поїхали до площі Кім Ір Сена.",
     ["Путину", "площади Ким Ир Сена"]),
    ("Кім Чен Ин подякував Росії за підтримку.", ["Ким Чен Ын", "России"]),
    ("Путін запросив Кім Чен Ина відвідати Москву.", ["Путин", "Ким Чен Ына", "Москву"]),
    ("Про Пекін поки не говорили.", ["Пекин"]),
    ("Переговори у Києві не плануються.", ["Киеве"]),
]  # fmt: skip


def test_the_other_way_ukrainian_names_give_their_case_to_russian(
    repaired: Path, glossary: Glossary
) -> None:
    """ukr-rus (the same package, repaired the same way): Росії → России, Пхеньяні →
    Пхеньяне, Кім Чен Ина → Ким Чен Ына."""
    engine = ApertiumEngine(datadir=repaired)
    if "ukr-rus" not in [m.name for m in engine.modes()]:
        pytest.skip(f"apertium ukr-rus not installed ({rus_ukr.INSTALL})")
    sources = [source for source, _ in UK_TO_RU]
    outcomes = translate_with_glossary(engine, sources, "uk", "ru", glossary)
    entries = target_entries(glossary.terms, "ru")
    found = [[m.text for m in scan(o.text, entries)] for o in outcomes]
    assert found == [wanted for _, wanted in UK_TO_RU], [o.text for o in outcomes]


def test_a_run_through_debians_stock_rus_ukr_fails_naming_the_pair(project: Path) -> None:
    """The real command on the broken stock pair: non-zero, the pair and the engine's
    diagnosis in the output, and `qa` lists every entry as untranslated."""
    from click.testing import CliRunner

    from newsl10n.cli import main

    if not rus_ukr.installed():
        pytest.skip(f"apertium rus-ukr not installed ({rus_ukr.INSTALL})")
    engine = ApertiumEngine()
    sources = [source for source, _ in EXPECTED]
    raw = engine.run(engine.mode("ru", "uk"), sources)
    if sum(out.strip() == s for out, s in zip(raw, sources, strict=True)) * 2 <= len(sources):
        pytest.skip("the installed apertium-rus-ukr translates: no broken stage to catch")
    for old in (project / "source_articles").iterdir():
        old.unlink()
    article = project / "source_articles" / rus_ukr.ARTICLE.name
    article.write_text(rus_ukr.ARTICLE.read_text(encoding="utf-8"), encoding="utf-8")
    cli = CliRunner()
    result = cli.invoke(main, ["--project", str(project), "run", "--to", "uk", "--engine",
                               "apertium"])  # fmt: skip
    assert result.exit_code == 1, result.output
    slug = rus_ukr.ARTICLE.stem
    assert f"{slug} → uk:" in result.output
    assert "apertium rus-ukr returned its input for" in result.output
    qa = cli.invoke(main, ["--project", str(project), "qa", "--json"])
    assert qa.exit_code == 0, qa.output  # warnings only
    assert qa.output.count('"untranslated"') >= 15
