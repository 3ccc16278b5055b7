"""The CSV glossary format: one row per concept, one column per language.

CSV columns (UTF-8, comma or semicolon, a header row; one row per concept):

``en``, ``ru``, ...   the established form in each language (any column can be the source)
``note``              why a form is what it is, for translators
``do_not_translate``  yes: the same in every language (empty language cells allowed)
``variants:<lang>``   accepted alternatives, ``|``-separated ("Пхеньяне|Пхеньяна", "UN ...")
``forbidden:<lang>``  known-wrong forms QA reports (``Пхеньянг``)
``id``                optional stable id (TBX ``termEntry/@id``); derived from the first form

Cells that a spreadsheet would run as a formula are guarded on export and unguarded on
import, so an exported glossary reads back the same.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from newsl10n.config import check_language
from newsl10n.errors import ConfigError
from newsl10n.glossary.model import (
    DO_NOT_TRANSLATE,
    FORBIDDEN,
    ID,
    NOTE,
    SEPARATOR,
    VARIANTS,
    Glossary,
    GlossaryProblem,
    Severity,
    Term,
    _clean,
    _split,
    term_problems,
    with_ids,
)

# ---------------------------------------------------------------- CSV

_TRUE = {"yes", "y", "true", "1", "x"}
_FALSE = {"", "no", "n", "false", "0"}


def parse_csv(path: Path, data: bytes) -> tuple[list[Term], list[GlossaryProblem]]:
    """Terms of a glossary CSV and every problem found, each with its line."""
    problems: list[GlossaryProblem] = []

    def problem(line: int | None, message: str, severity: Severity = "error") -> None:
        problems.append(GlossaryProblem(path, line, message, severity=severity))

    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        line = data[: err.start].count(b"\n") + 1
        problem(line, "not UTF-8 (save the file as UTF-8 CSV)")
        return [], problems
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    rows: list[tuple[int, list[str]]] = []
    start = 1
    try:
        for row in reader:
            rows.append((start, row))
            start = reader.line_num + 1
    except csv.Error as err:
        problem(start, f"malformed CSV: {err}")
        return [], problems
    if not rows:
        problem(None, "empty file: expected a header row with language codes (en,ru,...)")
        return [], problems
    header_line, header = rows[0]
    columns = _read_header(header, lambda m: problem(header_line, m))
    if columns is None:
        return [], problems
    terms: list[Term] = []
    for line, row in rows[1:]:
        if not any(cell.strip() for cell in row):
            continue
        if len(row) > len(header):
            problem(line, f"{len(row)} cells but the header has {len(header)} columns")
            continue
        cells = {
            name: unguard_cell(row[i].strip()) if i < len(row) else ""
            for i, name in enumerate(header)
        }
        term = _term_from_cells(cells, columns, f"{path}:{line}", lambda m, at=line: problem(at, m))
        if term is not None:
            terms.append(term)
    return with_ids(terms), problems


@dataclass(frozen=True)
class _Columns:
    languages: tuple[str, ...]
    variants: tuple[str, ...]
    forbidden: tuple[str, ...]


def _read_header(header: list[str], report: Any) -> _Columns | None:
    names = [h.strip() for h in header]
    header[:] = names
    languages: list[str] = []
    variants: list[str] = []
    forbidden: list[str] = []
    ok = True
    for number, name in enumerate(names, start=1):
        if not name:
            report(f"column {number} has no name")
            ok = False
        elif names.index(name) != number - 1:
            report(f"column {name!r} appears twice")
            ok = False
        elif name in (ID, NOTE, DO_NOT_TRANSLATE):
            continue
        elif name.startswith((VARIANTS, FORBIDDEN)):
            prefix, lang = name.split(":", 1)
            if not _known_language(lang, report, f"column {name!r}"):
                ok = False
            (variants if prefix + ":" == VARIANTS else forbidden).append(lang)
        elif _known_language(name, report, f"column {number}"):
            languages.append(name)
        else:
            ok = False
    for lang in variants + forbidden:
        if lang not in languages:
            report(f"variants/forbidden column for {lang!r} but no {lang!r} column")
            ok = False
    if not languages:
        report("no language column (the header needs language codes such as en,ru,ko)")
        ok = False
    return _Columns(tuple(languages), tuple(variants), tuple(forbidden)) if ok else None


def _known_language(code: str, report: Any, where: str) -> bool:
    try:
        check_language(code)
    except ConfigError:
        report(f"{where}: unknown language code {code!r} (use ISO 639 codes such as en, ru, zh)")
        return False
    return True


def _term_from_cells(
    cells: Mapping[str, str], columns: _Columns, origin: str, report: Any
) -> Term | None:
    flag = cells.get(DO_NOT_TRANSLATE, "").lower()
    if flag not in _TRUE | _FALSE:
        report(f"{DO_NOT_TRANSLATE} must be yes or no, not {cells[DO_NOT_TRANSLATE]!r}")
        return None
    dnt = flag in _TRUE
    forms = {lang: _clean(cells[lang]) for lang in columns.languages if cells[lang]}
    if not forms:
        report("no form in any language column")
        return None
    label = next(iter(forms.values()))
    empty = [lang for lang in columns.languages if lang not in forms]
    if empty and not dnt:
        report(f"empty {', '.join(empty)} form for {label!r} (fill it, or set do_not_translate)")
        return None
    variants = {
        lang: _split(cells[VARIANTS + lang]) for lang in columns.variants if cells[VARIANTS + lang]
    }
    forbidden = {
        lang: _split(cells[FORBIDDEN + lang])
        for lang in columns.forbidden
        if cells[FORBIDDEN + lang]
    }
    term = Term(forms, variants, forbidden, cells.get(NOTE, ""), dnt, cells.get(ID, ""), origin)
    for message in term_problems(term):
        report(message)
    return term


# ---------------------------------------------------------------- CSV output


def dump_csv(glossary: Glossary | Sequence[Term]) -> str:
    """The translator-friendly CSV for terms (what ``load_glossary`` reads back)."""
    terms = glossary.terms if isinstance(glossary, Glossary) else tuple(glossary)
    langs: dict[str, None] = {}
    var: dict[str, None] = {}
    bad: dict[str, None] = {}
    for term in terms:
        langs.update(dict.fromkeys(term.forms))
        var.update(dict.fromkeys(term.variants))
        bad.update(dict.fromkeys(term.forbidden))
    header = [ID, *langs, NOTE, DO_NOT_TRANSLATE]
    header += [VARIANTS + lang for lang in langs if lang in var]
    header += [FORBIDDEN + lang for lang in langs if lang in bad]
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    for term in terms:
        row = [term.id, *(term.forms.get(lang, "") for lang in langs), term.note]
        row.append("yes" if term.do_not_translate else "")
        row += [SEPARATOR.join(term.variants.get(lang, ())) for lang in langs if lang in var]
        row += [SEPARATOR.join(term.forbidden.get(lang, ())) for lang in langs if lang in bad]
        writer.writerow([guard_cell(cell) for cell in row])
    return out.getvalue()


# A spreadsheet runs a cell starting with one of these as a formula (OWASP "CSV injection").
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def guard_cell(text: str) -> str:
    """A cell a spreadsheet shows as text: a leading ``'`` before a formula character."""
    return f"'{text}" if text.startswith(_FORMULA_START) else text


def unguard_cell(text: str) -> str:
    """The inverse of ``guard_cell``, so an exported glossary reads back the same."""
    return text[1:] if text.startswith("'") and text[1:].startswith(_FORMULA_START) else text
