"""Glossary files, their validation, and finding glossary terms in text."""

from __future__ import annotations

import csv
import io
import shutil
from pathlib import Path

import pytest

from newsl10n.errors import InputError
from newsl10n.glossary.csvformat import dump_csv, parse_csv
from newsl10n.glossary.load import check_glossary, load_glossary
from newsl10n.glossary.match import find_foreign, find_missing, find_terms
from newsl10n.glossary.model import Glossary, GlossaryError
from newsl10n.glossary.morphology import inflects
from tests.conftest import ROOT, SEED, TARGETS
from tests.helpers import invoke

SHIPPED = ROOT / "glossaries"


def glossary_of(tmp_path: Path, text: str, name: str = "names.csv") -> Glossary:
    folder = tmp_path / "glossaries"
    folder.mkdir(exist_ok=True)
    (folder / name).write_text(text, encoding="utf-8")
    return load_glossary(folder)


def problems_of(tmp_path: Path, text: str | bytes) -> list[str]:
    path = tmp_path / "names.csv"
    if isinstance(text, str):
        text = text.encode("utf-8")
    path.write_bytes(text)
    return [str(p) for p in check_glossary([path])]


def found(text: str, glossary: Glossary, lang: str = "en") -> list[str]:
    return [m.text + m.possessive for m in find_terms(text, glossary, lang)]


# ---------------------------------------------------------------- the shipped glossary


def test_shipped_glossary_is_valid() -> None:
    assert check_glossary([SHIPPED]) == []
    glossary = load_glossary(SHIPPED)
    assert set(glossary.languages) == {"en", *TARGETS}


@pytest.mark.parametrize(
    ("en", "lang", "form"),
    [
        ("Kim Il Sung Square", "ru", "площадь Ким Ир Сена"),
        ("Kim Il Sung Square", "ko", "김일성광장"),
        ("Kim Il Sung Square", "zh", "金日成广场"),
        ("Kim Il Sung Square", "ja", "金日成広場"),
        ("Kim Il Sung Square", "es", "plaza Kim Il-sung"),
        ("Taedong River", "ru", "река Тэдонган"),
        ("Taedong River", "ko", "대동강"),
        ("Taedong River", "zh", "大同江"),
        ("Taedong River", "ja", "大同江"),
        ("Taedong River", "es", "río Taedong"),
        ("Pyongyang", "es", "Pionyang"),
        ("Kim Jong Un", "es", "Kim Jong-un"),
        ("Vladimir Putin", "es", "Vladímir Putin"),
    ],
)
def test_shipped_glossary_has_the_established_forms(en: str, lang: str, form: str) -> None:
    (term,) = [t for t in load_glossary(SHIPPED).terms if t.forms["en"] == en]
    assert term.form(lang) == form


def test_shipped_glossary_lists_inflected_forms() -> None:
    terms = {t.forms["en"]: t for t in load_glossary(SHIPPED).terms}
    assert {"Пхеньяне", "Пхеньяна"} <= set(terms["Pyongyang"].variants["ru"])
    assert {"Путина", "Путину", "Путиным", "Путине"} <= set(terms["Putin"].variants["ru"])
    assert "Пхеньянг" in terms["Pyongyang"].forbidden["ru"]


def test_every_proper_name_of_the_seed_article_is_covered() -> None:
    names = {m.term.forms["en"] for m in find_terms(SEED.read_text(), load_glossary(SHIPPED), "en")}
    assert names >= {
        "Kim Il Sung Square", "Taedong River", "Pyongyang", "Kim Jong Un", "Vladimir Putin",
        "Putin", "Kim Il Sung", "North Korea", "South Korea", "Korean Peninsula",
        "Northeast Asia", "Beijing", "Moscow", "Washington", "Crimea", "Maidan Revolution",
        "U.S. State Department", "United Nations Security Council", "Sputnik", "Reuters",
        "Gavriil Grigorov", "F-16", "Seoul", "Kyiv", "KCNA", "Sergei Lavrov", "Andrei Belousov",
        "Liberation Monument", "Aurus", "Cold War", "Ukraine", "Russia", "U.N. Charter",
    }  # fmt: skip


def test_do_not_translate_fills_every_language() -> None:
    (f16,) = [t for t in load_glossary(SHIPPED).terms if t.forms["en"] == "F-16"]
    assert [f16.form(lang) for lang in TARGETS] == ["F-16"] * len(TARGETS)


# ---------------------------------------------------------------- loading


def test_missing_or_empty_folder_is_an_empty_glossary(tmp_path: Path) -> None:
    assert len(load_glossary(tmp_path / "nowhere")) == 0
    assert load_glossary(tmp_path).terms == ()


def test_sha256_follows_the_files_bytes(tmp_path: Path) -> None:
    first = glossary_of(tmp_path, "en,ru\nMoscow,Москва\n").sha256
    assert glossary_of(tmp_path, "en,ru\nMoscow,Москва\n").sha256 == first
    assert glossary_of(tmp_path, "en,ru\nMoscow,Москва\nKyiv,Киев\n").sha256 != first
    assert first != Glossary().sha256


def test_excel_csv_with_bom_and_semicolons_is_read(tmp_path: Path) -> None:
    glossary = glossary_of(tmp_path, "\ufeffen;de;note\nMoscow;Moskau;capital\n")
    assert [(t.forms, t.note) for t in glossary.terms] == [
        ({"en": "Moscow", "de": "Moskau"}, "capital")
    ]


def test_csv_round_trips(tmp_path: Path) -> None:
    glossary = load_glossary(SHIPPED)
    terms, problems = parse_csv(tmp_path / "x.csv", dump_csv(glossary).encode())
    assert problems == []
    assert terms == list(glossary.terms)


def test_load_raises_an_input_error_with_file_and_line(tmp_path: Path) -> None:
    with pytest.raises(GlossaryError) as caught:
        glossary_of(tmp_path, "en,ru\nMoscow,Москва\nKyiv,\nSeoul,\n")
    assert isinstance(caught.value, InputError)
    assert caught.value.line == 3
    assert str(caught.value) == (
        f"{tmp_path / 'glossaries' / 'names.csv'}:3: empty ru form for 'Kyiv' (fill it, or set "
        "do_not_translate) (and 1 more; run `newsl10n glossary check`)"
    )


# ---------------------------------------------------------------- validation


def test_unknown_language_code_is_named(tmp_path: Path) -> None:
    (problem,) = problems_of(tmp_path, "en,xx\nMoscow,Moskva\n")
    assert problem.endswith(
        "names.csv:1: column 2: unknown language code 'xx' (use ISO 639 codes such as en, ru, zh)"
    )


def test_malformed_csv_names_the_line(tmp_path: Path) -> None:
    (problem,) = problems_of(tmp_path, 'en,ru\nMoscow,Москва\n"Kyiv,Киев\n')
    assert problem.endswith("names.csv:3: malformed CSV: unexpected end of data")
    (problem,) = problems_of(tmp_path, "en,ru\nMoscow,Москва,extra\n")
    assert problem.endswith("names.csv:2: 3 cells but the header has 2 columns")


def test_not_utf8_names_the_line(tmp_path: Path) -> None:
    (problem,) = problems_of(
        tmp_path, "en,de\nMoscow,Moskau\nMunich,M\xfcnchen\n".encode("latin-1")
    )
    assert problem.endswith("names.csv:3: not UTF-8 (save the file as UTF-8 CSV)")


def test_header_problems(tmp_path: Path) -> None:
    assert problems_of(tmp_path, "en,ru,ru\n")[0].endswith("column 'ru' appears twice")
    assert problems_of(tmp_path, "en,,ru\n")[0].endswith("column 2 has no name")
    assert problems_of(tmp_path, "en,variants:ru\n")[0].endswith(
        "variants/forbidden column for 'ru' but no 'ru' column"
    )
    assert problems_of(tmp_path, "")[0].endswith("empty file: expected a header row with "
                                                 "language codes (en,ru,...)")  # fmt: skip


def test_duplicate_and_conflicting_source_terms(tmp_path: Path) -> None:
    problems = problems_of(tmp_path, "en,ru\nMoscow,Москва\nmoscow,Москва\nMoscow,Московия\n")
    assert [p.split(": ", 1)[1] for p in problems] == [
        f"duplicate term 'moscow' (en) (also at {tmp_path / 'names.csv'}:2)",
        f"conflicting term 'moscow' (en) (also at {tmp_path / 'names.csv'}:2): "
        "en Moscow / ru Москва vs en Moscow / ru Московия",
    ]
    assert problems[0].startswith(f"{tmp_path / 'names.csv'}:3:")


def test_duplicates_across_files_are_found(tmp_path: Path) -> None:
    (tmp_path / "a.csv").write_text("en,ru\nMoscow,Москва\n", encoding="utf-8")
    (tmp_path / "b.csv").write_text("en,ru\nKyiv,Киев\nMoscow,Москва\n", encoding="utf-8")
    (problem,) = check_glossary([tmp_path])
    assert str(problem) == (
        f"{tmp_path / 'b.csv'}:3: duplicate term 'moscow' (en) (also at {tmp_path / 'a.csv'}:2)"
    )


def test_row_problems(tmp_path: Path) -> None:
    header = "en,ru,do_not_translate,variants:ru,forbidden:ru\n"
    assert problems_of(tmp_path, header + "F-16,,maybe,,\n")[0].endswith(
        "names.csv:2: do_not_translate must be yes or no, not 'maybe'"
    )
    assert problems_of(tmp_path, header + "Pyongyang,Пхеньян,,,Пхеньян\n")[0].endswith(
        "names.csv:2: 'Пхеньян' (ru) is both accepted and forbidden"
    )
    assert problems_of(tmp_path, header + "Pyongyang,Пхеньян,,Пхеньяне||Пхеньяна,\n")[0].endswith(
        "names.csv:2: empty variant in variants:ru (check the | separators)"
    )
    assert problems_of(tmp_path, header + "F-16,,yes,,\n") == []


def test_not_a_glossary_file(tmp_path: Path) -> None:
    (tmp_path / "names.xlsx").write_bytes(b"PK")
    (problem,) = check_glossary([tmp_path / "names.xlsx"])
    assert str(problem).endswith("names.xlsx: not a glossary (expected .csv or .tbx)")


# ---------------------------------------------------------------- matching


@pytest.fixture
def names(tmp_path: Path) -> Glossary:
    return glossary_of(
        tmp_path,
        "en,ru,ko,variants:en,variants:ru\n"
        "Kim Il Sung Square,площадь Ким Ир Сена,김일성광장,,\n"
        "Kim Il Sung,Ким Ир Сен,김일성,,Ким Ир Сена\n"
        "Kim,Ким,김,,\n"
        "Putin,Путин,푸틴,,Путина|Путину\n"
        "Pyongyang,Пхеньян,평양,,Пхеньяне\n"
        "North Korea,Северная Корея,북한,,\n"
        "U.N. Security Council,Совет Безопасности ООН,유엔 안보리,UN Security Council,\n"
        "KCNA,ЦТАК,조선중앙통신,,\n"
        "Moscow,Москва,모스크바,,\n",
    )


def test_longest_match_wins(names: Glossary) -> None:
    assert found("A ceremony at Kim Il Sung Square honoured Kim Il Sung.", names) == [
        "Kim Il Sung Square",
        "Kim Il Sung",
    ]


def test_whole_words_only(names: Glossary) -> None:
    assert found("North Korean Putinists met Kimberly in Moscow-based offices.", names) == [
        "Moscow"
    ]


def test_possessives_straight_and_curly(names: Glossary) -> None:
    matches = find_terms("Putin’s visit and Kim's reply.", names, "en")
    assert [(m.text, m.possessive) for m in matches] == [("Putin", "’s"), ("Kim", "'s")]
    assert [m.span_end - m.start for m in matches] == [7, 5]


def test_article_casing_and_wrapped_lines(names: Glossary) -> None:
    assert found("PUTIN IN PYONGYANG", names) == ["PUTIN", "PYONGYANG"]
    assert found("at Kim Il\n   Sung  Square", names) == ["Kim Il\n   Sung  Square"]


def test_acronyms_keep_their_capitals(names: Glossary) -> None:
    assert found("KCNA said; kcna is not a name.", names) == ["KCNA"]


def test_abbreviations_with_and_without_dots_when_listed(names: Glossary) -> None:
    assert found("The U.N. Security Council and the UN Security Council.", names) == [
        "U.N. Security Council",
        "UN Security Council",
    ]


def test_matching_uses_the_source_languages_column(names: Glossary) -> None:
    text = "Путин прибыл в Пхеньяне на площадь Ким Ир Сена."
    assert found(text, names, "ru") == ["Путин", "Пхеньяне", "площадь Ким Ир Сена"]
    assert found("김정은은 평양에서 김일성광장을 찾았다.", names, "ko") == [
        "김",
        "평양",
        "김일성광장",
    ]


def test_missing_terms_accept_variants_and_case_forms(names: Glossary) -> None:
    matches = find_terms("Putin flew from Moscow to Pyongyang.", names, "en")
    assert find_missing(matches, "Путина встретили в Пхеньяне после Москвы.", "ru") == []
    missing = find_missing(matches, "Путин прилетел в Пхеньянг.", "ru")
    assert [m.text for m in missing] == ["Moscow", "Pyongyang"]


def test_a_neighbour_languages_spelling_is_foreign_unless_the_language_has_it_too() -> None:
    shipped = load_glossary(SHIPPED)
    text = "Путина и Ким Чен Ына встретили в Пхеньяне, в Москву и в КНДР."
    assert [m.text for m in find_foreign(text, shipped, "uk")] == [
        "Путина",
        "Ким Чен Ына",
        "Пхеньяне",  # Ukrainian has it only as a vocative
    ]  # Москву and КНДР are Ukrainian too
    assert inflects("Пхеньяна", "Пхеньян", "uk") and not inflects("Пхеньяне", "Пхеньян", "uk")
    matches = find_terms("Talks in Pyongyang.", shipped, "en")
    assert [m.text for m in find_missing(matches, "Переговори у Пхеньяне.", "uk")] == ["Pyongyang"]


def test_csv_export_neutralises_formulas_and_reads_back_the_same(project: Path) -> None:
    shutil.rmtree(project / "glossaries")
    (project / "glossaries").mkdir()
    (project / "glossaries" / "formulas.csv").write_text(
        "en,de,note\n"
        '"=HYPERLINK(""http://evil.example"",""x"")",=1+2,+cmd|calc\n'
        "@SUM(A1),-Minus,\n",
        encoding="utf-8",
    )
    out = project / "export.csv"
    result = invoke(project, "glossary", "export", "--format", "csv", "-o", str(out))
    assert result.exit_code == 0, result.output
    cells = [cell for row in csv.reader(io.StringIO(out.read_text())) for cell in row]
    assert not [c for c in cells if c[:1] in ("=", "+", "-", "@", "\t", "\r")]
    assert '\'=HYPERLINK("http://evil.example","x")' in cells and "'@SUM(A1)" in cells
    assert "'+cmd|calc" in cells and "'-Minus" in cells
    from newsl10n.glossary.csvformat import parse_csv

    terms, _ = parse_csv(out, out.read_bytes())
    forms = {t.forms["en"]: t for t in terms}
    assert forms['=HYPERLINK("http://evil.example","x")'].forms["de"] == "=1+2"
    assert forms["@SUM(A1)"].forms["de"] == "-Minus"
    assert forms['=HYPERLINK("http://evil.example","x")'].note == "+cmd|calc"


def test_a_fifo_named_like_a_glossary_is_refused_not_read(tmp_path: Path) -> None:
    """An audit: a FIFO named x.csv in glossaries/ hung every command that loads the
    glossary (run, qa, review, bundle), as a catalog or a source named so no longer does."""
    import os
    import threading

    folder = tmp_path / "glossaries"
    folder.mkdir()
    os.mkfifo(folder / "x.csv")
    outcome: list[BaseException | Glossary] = []

    def load() -> None:
        try:
            outcome.append(load_glossary(folder))
        except BaseException as err:  # handed back to the test
            outcome.append(err)

    worker = threading.Thread(target=load, daemon=True)
    worker.start()
    worker.join(timeout=20)
    if worker.is_alive():  # unblock the reader the old code left waiting
        os.close(os.open(folder / "x.csv", os.O_WRONLY | os.O_NONBLOCK))
        worker.join(timeout=5)
        pytest.fail("loading the glossary blocked on a FIFO")
    (err,) = outcome
    assert isinstance(err, GlossaryError) and str(folder / "x.csv") in str(err)
    assert "not a regular file" in str(err)


def test_a_folder_named_like_a_glossary_is_named_and_no_file_is_left_open(tmp_path: Path) -> None:
    """A third reading: a folder named x.csv leaked a file descriptor and was reported as
    "cannot read: Is a directory"."""
    import os

    folder = tmp_path / "glossaries"
    (folder / "x.csv").mkdir(parents=True)
    before = len(os.listdir("/proc/self/fd"))
    with pytest.raises(GlossaryError) as err:
        load_glossary(folder)
    assert "a directory, not a regular file" in str(err.value)
    assert len(os.listdir("/proc/self/fd")) == before
