"""TBX import and export: what Weblate, Pontoon and CAT tools send us, and what we send them."""

from __future__ import annotations

from pathlib import Path

import pytest

from newsl10n.glossary.load import check_glossary, load_glossary, read_glossary_file
from newsl10n.glossary.model import GlossaryError
from newsl10n.glossary.tbx import dump_tbx, parse_tbx, write_tbx
from tests.conftest import ROOT
from tests.helpers import FIXTURES, invoke, no_traceback, said

GLOSSARIES = FIXTURES / "glossary"
SHIPPED = ROOT / "glossaries"


@pytest.mark.parametrize("dialect", ["basic", "min"])
def test_export_then_import_gives_the_same_glossary(tmp_path: Path, dialect: str) -> None:
    glossary = load_glossary(SHIPPED)
    path = tmp_path / "names.tbx"
    write_tbx(glossary, path, dialect)  # type: ignore[arg-type]
    again = read_glossary_file(path)
    assert again == list(glossary.terms)
    assert check_glossary([path]) == []


def test_tbx_basic_export_is_what_cat_tools_read() -> None:
    text = dump_tbx(load_glossary(SHIPPED), "basic")
    assert text.startswith('<?xml version="1.0" encoding="UTF-8"?>\n<martif type="TBX-Basic"')
    assert '<langSet xml:lang="ru">' in text
    assert "<term>площадь Ким Ир Сена</term>" in text
    assert '<termNote type="administrativeStatus">preferredTerm-admn-sts</termNote>' in text
    assert "admittedTerm-admn-sts" in text and "deprecatedTerm-admn-sts" in text


def test_tbx_min_export_uses_term_status() -> None:
    text = dump_tbx(load_glossary(SHIPPED), "min")
    assert text.count('<TBX dialect="TBX-Min">') == 1
    assert "<termStatus>preferred</termStatus>" in text
    assert "<termStatus>notRecommended</termStatus>" in text


def test_tbx_basic_2008_statuses_become_forms_variants_and_forbidden_forms() -> None:
    pyongyang, square = read_glossary_file(GLOSSARIES / "basic-2008.tbx")
    assert pyongyang.id == "pyongyang"
    assert pyongyang.forms == {"en": "Pyongyang", "ru": "Пхеньян", "zh": "平壤"}
    assert pyongyang.variants == {"ru": ("Пхеньяне",)}
    assert pyongyang.forbidden == {"ru": ("Пхеньянг",)}
    assert pyongyang.note == "Capital of North Korea."
    assert square.forms["en"] == "Kim Il Sung Square"  # inline markup inside <term>


def test_tbx_2019_and_tbx_min_are_read() -> None:
    (river,) = read_glossary_file(GLOSSARIES / "basic-2019.tbx")
    assert river.forms == {"en": "Taedong River", "ko": "대동강", "ja": "大同江"}
    assert river.variants == {"ja": ("テドンガン",)}
    (seoul,) = read_glossary_file(GLOSSARIES / "min.tbx")
    assert seoul.forms == {"en": "Seoul", "es": "Seúl"}
    assert seoul.forbidden == {"es": ("Seoul",)}


def test_a_folder_mixes_csv_and_tbx(tmp_path: Path) -> None:
    (tmp_path / "names.csv").write_text("en,ru\nMoscow,Москва\n", encoding="utf-8")
    (tmp_path / "more.tbx").write_bytes((GLOSSARIES / "min.tbx").read_bytes())
    glossary = load_glossary(tmp_path)
    assert sorted(t.forms["en"] for t in glossary.terms) == ["Moscow", "Seoul"]


@pytest.mark.parametrize(("name", "line"), [("billion-laughs.tbx", 3), ("external-entity.tbx", 2)])
def test_entity_declarations_are_refused_not_expanded(name: str, line: int) -> None:
    problems = check_glossary([GLOSSARIES / name])
    assert [(p.line, p.message) for p in problems] == [
        (line, "entity declarations are not allowed (untrusted XML is never expanded)")
    ]


def test_bad_xml_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "broken.tbx"
    path.write_text('<martif>\n<text><body>\n<termEntry id="a">\n</body></text></martif>\n')
    with pytest.raises(GlossaryError) as caught:
        load_glossary(tmp_path)
    assert str(caught.value).startswith(f"{path}:4: bad XML: mismatched tag")


def test_problems_name_the_element(tmp_path: Path) -> None:
    data = b"""<martif type="TBX-Basic"><text><body>
<termEntry id="a">
  <langSet xml:lang="xx"><tig><term>Foo</term></tig></langSet>
  <langSet xml:lang="en"><tig><term>  </term></tig></langSet>
</termEntry>
<termEntry id="b">
  <langSet xml:lang="en"><tig><term>Bar</term></tig></langSet>
  <langSet xml:lang="ru"><tig><term>Bar</term>
    <termNote type="administrativeStatus">deprecatedTerm-admn-sts</termNote></tig></langSet>
</termEntry>
</body></text></martif>"""
    terms, problems = parse_tbx(tmp_path / "g.tbx", data)
    assert [t.forms for t in terms] == [{"en": "Bar"}]  # what was usable, for the report
    assert [(p.line, p.element, p.message) for p in problems] == [
        (3, "<termEntry id='a'> <langSet xml:lang='xx'>", "unknown language code 'xx'"),
        (4, "<termEntry id='a'> <langSet xml:lang='en'>", "empty <term> in <tig>"),
        (4, "<termEntry id='a'> <langSet xml:lang='en'>", "no preferred or admitted term"),
        (8, "<termEntry id='b'> <langSet xml:lang='ru'>", "no preferred or admitted term"),
    ]


def test_a_file_that_is_not_tbx_is_named(tmp_path: Path) -> None:
    path = tmp_path / "x.tbx"
    path.write_text("<html><body/></html>")
    (problem,) = check_glossary([path])
    assert str(problem) == f"{path}:1: <html>: not a TBX file (expected <martif> or <tbx>)"


def test_a_deeply_nested_tbx_is_a_glossary_problem_not_a_crash(project: Path) -> None:
    deep = project / "glossaries" / "deep.tbx"
    body = "<p>" * 2000 + "x" + "</p>" * 2000
    deep.write_text(f'<?xml version="1.0"?>\n<martif type="TBX"><text><body>{body}</body>'
                    "</text></martif>\n")  # fmt: skip
    result = invoke(project, "glossary", "check")
    no_traceback(result)
    assert result.exit_code == 1 and f"{deep}:2" in said(result)
    assert "nested deeper than 64 levels" in said(result)
    run = invoke(project, "status")  # every command loading the glossary stays usable
    no_traceback(run)
