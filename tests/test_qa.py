"""Catalog QA: glossary terms, forbidden forms, the case and spelling of names, numbers and
untranslated text, located for people and tools."""

from __future__ import annotations

import json
from pathlib import Path

import polib
import pytest

from newsl10n.glossary.load import load_glossary
from newsl10n.glossary.model import Glossary
from newsl10n.qa import (
    FORBIDDEN_TERM,
    FOREIGN_FORM,
    MISSING_TERM,
    NUMBER_EXTRA,
    NUMBER_MISSING,
    UNREADABLE,
    UNTRANSLATED,
    WRONG_CASE,
    Finding,
    Issue,
    check_catalog,
    check_entry,
    check_locales,
    invisible_characters,
    number_mismatches,
    numbers,
    render_json,
    render_table,
    untranslated,
)
from tests.conftest import ROOT
from tests.helpers import echo_catalog, invoke, po_in

SHIPPED = load_glossary(ROOT / "glossaries")


def kinds(issues: list[Issue]) -> list[tuple[str, str]]:
    return [(i.kind, i.severity) for i in issues]


# ---------------------------------------------------------------- numbers


@pytest.mark.parametrize(
    ("msgid", "msgstr"),
    [
        ("1,250 observers", "1 250 наблюдателей"),
        ("1,250 observers", "1\u00a0250 наблюдателей"),
        ("1,250 observers", "1.250 Beobachter"),
        ("3.7% to $42.15", "3,7 % à 42,15 $"),
        ("22 photographs", "２２枚の写真"),
        ("June 19, 2024", "2024年6月19日"),  # a month written as a number is not new
        ("Article 51 of the U.N. Charter", "статьи 51 Устава ООН"),
    ],
)
def test_numbers_match_whatever_the_separators_and_digits(msgid: str, msgstr: str) -> None:
    assert number_mismatches(msgid, msgstr) == []


def test_a_missing_number_is_an_error_and_a_new_one_a_warning() -> None:
    issues = number_mismatches("published 22 photographs in 2024", "опубликовало 23 снимка")
    assert issues == [
        Issue(NUMBER_MISSING, "error", "number 22 of the source is missing"),
        Issue(NUMBER_MISSING, "error", "number 2024 of the source is missing"),
        Issue(NUMBER_EXTRA, "warning", "number 23 is not in the source"),
    ]


def test_numbers_are_counted() -> None:
    assert numbers("3 a.m., 3 p.m., 1 250 and 1,5") == {"3": 2, "1250": 1, "1.5": 1}
    assert numbers("$4.3 million") == numbers("4,3 млн долларов") != numbers("$43 million")
    assert numbers("1,500") == numbers("1 500") != numbers("15.00")
    assert kinds(number_mismatches("2 and 2", "2")) == [(NUMBER_MISSING, "error")]


# ---------------------------------------------------------------- glossary


def test_a_term_missing_from_the_translation_is_an_error() -> None:
    issues = check_entry("Putin arrived in Pyongyang.", "Путин прибыл в Пьонгьянг.", SHIPPED,
                         "en", "ru")  # fmt: skip
    assert issues == [
        Issue(
            MISSING_TERM,
            "error",
            "“Pyongyang” should be translated as “Пхеньян” or a listed variant",
        ),
        Issue(FORBIDDEN_TERM, "error", "“Пьонгьянг” is a wrong form; write “Пхеньян”"),
    ]


@pytest.mark.parametrize(
    ("lang", "msgstr"),
    [
        ("ru", "Путин прибыл в Пхеньян."),
        ("ru", "Путина встретили в Пхеньяне."),  # listed variants
        ("ru", "Путину показали Москву."),
        ("de", "Putins Reise nach Pjöngjang."),  # German genitive
        ("ko", "푸틴이 평양에 도착했다."),  # particles attached
    ],
)
def test_target_forms_variants_and_inflections_pass(lang: str, msgstr: str) -> None:
    msgid = "Putin arrived in Pyongyang." if "Москв" not in msgstr else "Putin was shown Moscow."
    assert check_entry(msgid, msgstr, SHIPPED, "en", lang) == []


def test_an_untranslated_term_is_missing_even_if_a_variant_is_inside_it() -> None:
    issues = check_entry("along the Taedong River", "le long du Taedong River", SHIPPED, "en", "fr")
    assert kinds(issues) == [(MISSING_TERM, "error")]


# ---------------------------------------------------------------- case and spelling (ru, uk)


@pytest.mark.parametrize(
    ("msgid", "source", "msgstr", "message"),
    [
        ("Путину вручили цветы.", "ru", "Путін вручили цвіти.",
         "“Путін” is in the wrong case for “Путину”, dative expected: write “Путіну”"),
        ("Самолёт Путина приземлился.", "ru", "Літак Путін приземлився.",
         "“Путін” is in the wrong case for “Путина”, genitive expected: write “Путіна”"),
        ("Лидер Северной Кореи выступил.", "ru", "Лідер Північна Корея виступив.",
         "“Північна Корея” is in the wrong case for “Северной Кореи”, genitive expected: "
         "write “Північної Кореї”"),
        ("Гостей пригласили посетить Москву.", "ru", "Гостей запросили відвідати Москва.",
         "“Москва” is in the wrong case for “Москву”, accusative expected: write “Москву”"),
        ("A gift from Putin.", "en", "Подарунок від Путін.",
         "“Путін” is in the wrong case for “Putin”, genitive expected: write “Путіна”"),
    ],
)  # fmt: skip
def test_a_name_in_a_case_the_source_contradicts_is_a_warning(
    msgid: str, source: str, msgstr: str, message: str
) -> None:
    issues = [i for i in check_entry(msgid, msgstr, SHIPPED, source, "uk") if i.kind == WRONG_CASE]
    assert issues == [Issue(WRONG_CASE, "warning", message)]


@pytest.mark.parametrize(
    ("msgid", "source", "msgstr"),
    [
        ("Путину вручили цветы.", "ru", "Путіну вручили квіти."),
        ("Гости из России прибыли в Пхеньян.", "ru", "Гості з Росії прибули до Пхеньяна."),
        ("У реки Тэдонган построили мост.", "ru", "Біля річки Тедонган збудували міст."),
        ("Putin arrived in Pyongyang.", "en", "Путін прибув у Пхеньян."),  # a direction
        ("Talks in Pyongyang.", "en", "Переговори у Пхеньяні."),
        ("По данным ЦТАК, визит удался.", "ru", "За даними ЦТАК, візит вдався."),
    ],
)  # fmt: skip
def test_a_case_that_fits_the_source_or_its_own_preposition_passes(
    msgid: str, source: str, msgstr: str
) -> None:
    assert check_entry(msgid, msgstr, SHIPPED, source, "uk") == []


@pytest.mark.parametrize(
    ("lang", "msgstr", "message"),
    [
        ("uk", "Переговори у Пхеньяне.", "“Пхеньяне” is the Russian spelling; write “Пхеньяні”"),
        ("uk", "Літак Путина приземлився.", "“Путина” is the Russian spelling; write “Путіна”"),
        ("ru", "Переговоры в Пхеньяні.", "“Пхеньяні” is the Ukrainian spelling; write “Пхеньяне”"),
        ("ru", "Самолёт Путіна приземлился.", "“Путіна” is the Ukrainian spelling; write “Путина”"),
        ("uk", "Через ріку Тэдонган.", "“Тэдонган” is the Russian spelling; write “Тедонган”"),
    ],
)  # fmt: skip
def test_a_neighbour_languages_spelling_is_an_error(lang: str, msgstr: str, message: str) -> None:
    issues = [i for i in check_entry("Talks.", msgstr, SHIPPED, "en", lang)]
    assert Issue(FOREIGN_FORM, "error", message) in issues


def test_a_russian_spelling_never_passes_as_a_ukrainian_case_form() -> None:
    """pymorphy3 gives "Пхеньяне" the Ukrainian lemma (it is the vocative): still missing."""
    issues = check_entry("Talks in Pyongyang.", "Переговори у Пхеньяне.", SHIPPED, "en", "uk")
    assert kinds(issues) == [(MISSING_TERM, "error"), (FOREIGN_FORM, "error")]


# ---------------------------------------------------------------- untranslated


@pytest.mark.parametrize(
    ("msgid", "msgstr", "source", "target", "message"),
    [
        ("Путину вручили цветы в аэропорту.", "Путину вручили цветы в аэропорту.", "ru", "uk",
         "untranslated: the translation is the source text"),
        ("Putin arrived in Pyongyang on Tuesday.", "Путин arrived in Пхеньян on Tuesday.", "en",
         "ru", "untranslated: 4 of 4 words are the source's own"),
        ("Переговоры в Пекине пока не планируются.", "Переговоры у Пекине пока не планируются.",
         "ru", "uk", "untranslated: 4 of 4 words are the source's own"),
        ("Лидер страны выступил с речью.", "Лидер страны выступил с речью перед всеми.", "ru",
         "uk", "untranslated: the translation is in Russian"),
    ],
)  # fmt: skip
def test_text_left_in_the_source_language_is_a_warning(
    msgid: str, msgstr: str, source: str, target: str, message: str
) -> None:
    issues = [
        i for i in check_entry(msgid, msgstr, SHIPPED, source, target) if i.kind == UNTRANSLATED
    ]
    assert issues == [Issue(UNTRANSLATED, "warning", message)]


@pytest.mark.parametrize(
    ("msgid", "msgstr", "source", "target"),
    [
        ("Gavriil Grigorov / Sputnik", "Gavriil Grigorov / Sputnik", "en", "de"),  # names only
        ("F-16, 2024", "F-16, 2024", "en", "fr"),
        ("Переговоры в Пекине пока не планируются.", "Переговори у Пекіні поки не плануються.",
         "ru", "uk"),
        ("Putin arrived in Pyongyang.", "Putin arrived in Pyongyang.", "en", "en"),
    ],
)  # fmt: skip
def test_names_numbers_and_real_translations_are_not_untranslated(
    msgid: str, msgstr: str, source: str, target: str
) -> None:
    issues = check_entry(msgid, msgstr, SHIPPED, source, target)
    assert UNTRANSLATED not in [i.kind for i in issues]


def test_an_echoed_ukrainian_catalog_is_reported_entry_by_entry(tmp_path: Path) -> None:
    """What Debian's broken rus-ukr used to leave behind: Russian in a Ukrainian catalog."""
    echoed = [
        "Самолёт Путина приземлился в Пхеньяне незадолго до полуночи.",
        "Лидер Северной Кореи назвал визит историческим.",
    ]
    path = write_catalog(
        po_in(tmp_path, "uk", "visit"),
        [polib.POEntry(msgctxt=f"sentence:{n}", msgid=text, msgstr=text, flags=["fuzzy"])
         for n, text in enumerate(echoed)],
        lang="uk",
    )  # fmt: skip
    path.write_text(
        path.read_text(encoding="utf-8").replace(
            '"X-Source-Language: en', '"X-Source-Language: ru'
        ),
        encoding="utf-8",
    )
    findings = check_catalog(path, SHIPPED)
    assert [f.msgctxt for f in findings if f.kind == UNTRANSLATED] == ["sentence:0", "sentence:1"]
    assert {f.kind for f in findings} == {MISSING_TERM, FOREIGN_FORM, UNTRANSLATED}


# ---------------------------------------------------------------- catalogs


def write_catalog(path: Path, entries: list[polib.POEntry], lang: str = "ru") -> Path:
    po = polib.POFile(wrapwidth=79)
    po.metadata = {
        "Content-Type": "text/plain; charset=UTF-8",
        "Language": lang,
        "X-Source-Language": "en",
    }
    for entry in entries:
        po.append(entry)
    path.parent.mkdir(parents=True, exist_ok=True)
    po.save(str(path))
    return path


@pytest.fixture
def locales(tmp_path: Path) -> Path:
    root = tmp_path / "locales"
    write_catalog(
        po_in(root, "ru", "summit"),
        [
            polib.POEntry(msgctxt="paragraph:aaaa", msgid="Putin arrived in Pyongyang.",
                          msgstr="Путин прибыл в Пхеньян.", flags=["fuzzy"]),
            polib.POEntry(msgctxt="paragraph:bbbb", msgid="Kim greeted 3 guests in Seoul.",
                          msgstr="Ким встретил гостей в Сеуле."),
            polib.POEntry(msgctxt="paragraph:cccc", msgid="Putin in Kyiv.", msgstr=""),
            polib.POEntry(msgctxt="paragraph:dddd", msgid="Putin in Kyiv.",
                          msgstr="Путин в Кыйиве.", obsolete=True),
            polib.POEntry(msgctxt="paragraph:eeee", msgid="Путин прибыл в Пхеньян.",
                          msgstr="Putin arrived in Pyongyang.",
                          comment="paragraph, paragraph 3, sentence 1; source language ru"),
        ],
    )  # fmt: skip
    write_catalog(
        po_in(root, "ko", "summit"),
        [polib.POEntry(msgctxt="title:ffff", msgid="Putin in Pyongyang", msgstr="평양의 푸틴")],
        lang="ko",
    )
    return root


def test_catalog_findings_name_file_line_and_msgctxt(locales: Path) -> None:
    path = po_in(locales, "ru", "summit")
    findings = check_catalog(path, SHIPPED)
    line = next(e.linenum for e in polib.pofile(str(path)) if e.msgctxt == "paragraph:bbbb")
    assert findings == [
        Finding(str(path), line, "paragraph:bbbb", NUMBER_MISSING, "error",
                "number 3 of the source is missing", "ru"),
    ]  # fmt: skip


def test_every_catalog_under_locales_is_checked(locales: Path) -> None:
    broken = po_in(locales, "de", "summit")
    broken.parent.mkdir(parents=True)
    broken.write_text('msgid "a"\nmsgstr "b\n', encoding="utf-8")
    findings = check_locales(locales, SHIPPED)
    assert [(Path(f.file).parts[-3], f.kind) for f in findings] == [
        ("de", UNREADABLE),
        ("ru", NUMBER_MISSING),
    ]
    assert findings[0].line == 2


def test_an_empty_glossary_still_checks_numbers(locales: Path) -> None:
    findings = check_locales(locales, Glossary())
    assert [f.kind for f in findings] == [NUMBER_MISSING]


def test_findings_render_for_people_and_for_tools(locales: Path) -> None:
    findings = check_locales(locales, SHIPPED)
    table = render_table(findings)
    assert table.splitlines()[0].split() == ["where", "lang", "msgctxt", "severity", "kind",
                                             "message"]  # fmt: skip
    assert "paragraph:bbbb  error     number-missing  number 3 of the source is missing" in table
    assert table.endswith("QA: 1 errors, 0 warnings in 1 catalogs\n")
    assert render_table([]) == "QA: no problems found\n"
    (item,) = json.loads(render_json(findings))
    assert item == {
        "file": findings[0].file, "line": findings[0].line, "msgctxt": "paragraph:bbbb",
        "kind": "number-missing", "severity": "error",
        "message": "number 3 of the source is missing", "lang": "ru",
    }  # fmt: skip


@pytest.mark.timeout(60)  # a hang guard, not a speed goal: the old check took minutes
def test_a_huge_translation_full_of_names_is_checked_in_one_pass() -> None:
    """A reviewer may paste a whole article into one entry on the desk: the words outside
    names are found in one pass, not by testing every word against every name."""
    msgstr = "Wladimir Putin traf Kim Jong-un in Pjöngjang und Moskau. " * 4000
    msgid = "Vladimir Putin met Kim Jong Un in Pyongyang and Moscow."
    issues = untranslated(msgid, msgstr, SHIPPED, "en", "de")
    assert issues == []  # "traf", "in", "und" are German words, the rest are names


def test_words_inside_a_name_of_either_language_are_not_the_translations_own() -> None:
    msgid = "Putin arrived in Pyongyang and met him."
    issues = untranslated(msgid, "Путин arrived in Pyongyang and met him.", SHIPPED, "en", "ru")
    assert [i.message for i in issues] == ["untranslated: 5 of 5 words are the source's own"]


def test_qa_flags_bidi_controls_and_zero_width_characters(project: Path) -> None:
    path = echo_catalog(project)
    po = polib.pofile(str(path), wrapwidth=0)
    paragraphs = [e for e in po if e.msgctxt.startswith("paragraph:")]
    paragraphs[0].msgstr = "Pay \u202egnp.exe\u202c now."
    paragraphs[1].msgstr = paragraphs[1].msgid + "\u200b"
    po.save(str(path))
    result = invoke(project, "qa", "--json")
    found = [f for f in json.loads(result.stdout) if f["kind"] == "invisible-character"]
    assert result.exit_code == 1
    assert [(f["severity"], f["msgctxt"]) for f in found] == [
        ("error", paragraphs[0].msgctxt),
        ("error", paragraphs[0].msgctxt),
        ("warning", paragraphs[1].msgctxt),
    ]
    assert "U+202E RIGHT-TO-LEFT OVERRIDE in the translation at character 5" in found[0]["message"]


def test_joiners_are_allowed_where_a_script_needs_them() -> None:
    assert invisible_characters("I want", "می\u200cخواهم") == []  # Persian ZWNJ
    assert invisible_characters("Kshatriya", "क्\u200dष") == []  # Devanagari ZWJ
    assert invisible_characters("family", "👨\u200d👩\u200d👧") == []  # emoji ZWJ sequence
    assert [i.severity for i in invisible_characters("a\u200cb", "x\u2066y\u2069")] == [
        "warning",
        "error",
        "error",
    ]
