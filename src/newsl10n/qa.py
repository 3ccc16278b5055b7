"""Quality checks on catalogs: glossary terms, forbidden forms, the case and spelling of
names, numbers, and untranslated text, entry by entry.

Every translated entry is checked, machine or human: a reviewer can mistype a name as
easily as a model can mangle it. Each check is a small function of (msgid, msgstr, ...)
returning issues; ``check_catalog`` and ``check_locales`` locate them (file, the entry's
line in the PO file, msgctxt) for people (``render_table``) and tools (``render_json``).
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

import polib

from newsl10n.catalog.entry import not_translated_reason, position
from newsl10n.catalog.header import source_language
from newsl10n.catalog.store import MESSAGES_FOLDER, load_catalog
from newsl10n.errors import CatalogError
from newsl10n.glossary.enforce import (
    case_names,
    partial_form,
    pick_form,
    term_form_cases,
    wrong_cases,
)
from newsl10n.glossary.match import (
    NEIGHBOURS,
    find_forbidden,
    find_foreign,
    find_missing,
    find_terms,
)
from newsl10n.glossary.model import Glossary, Severity
from newsl10n.scripts import JOINING
from newsl10n.source.detect import script_hint

MISSING_TERM = "missing-term"
FORBIDDEN_TERM = "forbidden-term"
WRONG_CASE = "wrong-case"
FOREIGN_FORM = "foreign-form"
UNTRANSLATED = "untranslated"
NUMBER_MISSING = "number-missing"
NUMBER_EXTRA = "number-extra"
UNREADABLE = "unreadable-catalog"
INVISIBLE = "invisible-character"


@dataclass(frozen=True)
class Issue:
    """What one check found in one entry."""

    kind: str
    severity: Severity
    message: str


@dataclass(frozen=True)
class Finding:
    """An issue located in a catalog: file, line of the entry, msgctxt."""

    file: str
    line: int
    msgctxt: str
    kind: str
    severity: Severity
    message: str
    lang: str = ""


# ---------------------------------------------------------------- checks on one entry


def missing_terms(
    msgid: str, msgstr: str, glossary: Glossary, source_lang: str, target_lang: str
) -> list[Issue]:
    """Glossary terms of the msgid whose target form (or a variant) is not in the msgstr."""
    if source_lang == target_lang:
        return []
    matches = [m for m in find_terms(msgid, glossary, source_lang) if m.term.form(target_lang)]
    issues: list[Issue] = []
    seen: set[int] = set()
    for match in find_missing(matches, msgstr, target_lang, source_lang):
        if id(match.term) in seen:
            continue
        seen.add(id(match.term))
        form = match.term.form(target_lang)
        more = " or a listed variant" if match.term.variants.get(target_lang) else ""
        issues.append(
            Issue(MISSING_TERM, "error", f"“{match.text}” should be translated as “{form}”{more}")
        )
    return issues


def forbidden_terms(msgstr: str, glossary: Glossary, target_lang: str) -> list[Issue]:
    """Known-wrong forms (``forbidden:<lang>``) in the msgstr."""
    return [
        Issue(
            FORBIDDEN_TERM,
            "error",
            f"“{m.text}” is a wrong form; write “{m.term.form(target_lang)}”",
        )
        for m in find_forbidden(msgstr, glossary, target_lang)
    ]


def case_problems(
    msgid: str, msgstr: str, glossary: Glossary, source_lang: str, target_lang: str
) -> list[Issue]:
    """Names in a case the sentence contradicts (ru, uk): the source's own form says which
    case when the source declines ("Путину" → "Путін"), else the preposition before the
    name does, by every case it can govern ("від Путін"; "у Пхеньян" may be a direction).
    Warnings: a person may rephrase."""
    if source_lang == target_lang:
        return []
    matches = [m for m in find_terms(msgid, glossary, source_lang) if m.term.form(target_lang)]
    issues: list[Issue] = []
    for wrong in wrong_cases(msgid, matches, msgstr, source_lang, target_lang):
        names = case_names(wrong.cases)
        better = f": write “{wrong.right}”" if wrong.right else ""
        issues.append(
            Issue(
                WRONG_CASE,
                "warning",
                f"“{wrong.written}” is in the wrong case for “{wrong.source}”, "
                f"{names} expected{better}",
            )
        )
    return issues


def foreign_forms(msgstr: str, glossary: Glossary, target_lang: str) -> list[Issue]:
    """A neighbouring language's spelling of a name ("Пхеньяне" in Ukrainian), with the
    target's form in the same case."""
    issues: list[Issue] = []
    for m in find_foreign(msgstr, glossary, target_lang):
        other = next(
            (o for o in NEIGHBOURS.get(target_lang, ()) if m.form in m.term.accepted(o)), ""
        )
        cases = term_form_cases(m.term, m.form, other) if other else frozenset()
        part = partial_form(m, other, target_lang) if other else None
        right = part or pick_form(m.term, target_lang, cases)
        what = f"the {_language_name(other)} spelling" if other else "not a form of this language"
        issues.append(Issue(FOREIGN_FORM, "error", f"“{m.text}” is {what}; write “{right}”"))
    return issues


def _language_name(code: str) -> str:
    try:
        from babel import Locale

        return str(Locale.parse(code).get_display_name("en"))
    except (ImportError, ValueError):
        return code


_LETTER_WORD = re.compile(r"(?<!\w)[^\W\d_]{2,}(?!\w)")
# Share of a translation's own words (names and numbers aside) found in its source from
# which it is the source left as it was, or nearly (a sentence an engine echoed with the
# names put in, "Путин arrived in Пхеньян.").
SOURCE_WORDS_SHARE = 0.8


def untranslated(
    msgid: str, msgstr: str, glossary: Glossary, source_lang: str, target_lang: str
) -> list[Issue]:
    """A translation that is its source, or mostly the source's words, or written in the
    source's letters (ы, э in Ukrainian): a warning, since an engine that hands back its
    input must never look like a clean result. Names and numbers alone may stay as they
    are ("Gavriil Grigorov / Sputnik")."""
    if source_lang == target_lang:
        return []
    words = _own_words(msgstr, glossary, (source_lang, target_lang))
    if len(words) < 2:
        return []
    if " ".join(msgid.split()) == " ".join(msgstr.split()):
        return [Issue(UNTRANSLATED, "warning", "untranslated: the translation is the source text")]
    if len(words) < 3:
        return []
    known = {w.casefold() for w in _LETTER_WORD.findall(msgid)}
    shared = sum(w.casefold() in known for w in words)
    if shared >= SOURCE_WORDS_SHARE * len(words):
        return [
            Issue(
                UNTRANSLATED,
                "warning",
                f"untranslated: {shared} of {len(words)} words are the source's own",
            )
        ]
    hint = script_hint(msgstr)
    if hint == source_lang and script_hint(msgid) == source_lang:
        name = _language_name(source_lang)
        return [Issue(UNTRANSLATED, "warning", f"untranslated: the translation is in {name}")]
    return []


def _own_words(text: str, glossary: Glossary, langs: Iterable[str]) -> list[str]:
    """The words of a text outside glossary names in any of ``langs``."""
    named = bytearray(len(text))  # 1 where a name stands: linear, a long text has many
    for lang in langs:
        for m in find_terms(text, glossary, lang):
            named[m.start : m.end] = b"\x01" * (m.end - m.start)
    return [w.group() for w in _LETTER_WORD.finditer(text) if not named[w.start()]]


_NUMBER = re.compile(
    r"(?P<grouped>(?<!\d)\d{1,3}(?:[,.'\u00a0\u202f\u2009 ]\d{3})+(?![\d]))"  # 1,250  1.250
    r"|(?P<whole>\d+)(?:[.,](?P<fraction>\d+))?"  # 3.7  3,7  2024
)
_MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ),
        start=1,
    )
    for name in names
}


def numbers(text: str) -> Counter[str]:
    """The numbers of a text, normalised: digit groups joined, one decimal point.

    "1,250", "1 250" and "1.250" are the same number (groups of three), "3.7" the same as
    "3,7", whatever the language's conventions; but "4.3" is never "43" (a tenfold error
    passes no check). Full-width and other decimal digits count as their ASCII values.
    """
    ascii_text = text
    if not text.isascii() and _OTHER_DIGIT.search(text):  # most text has ASCII digits only
        ascii_text = "".join(str(unicodedata.decimal(ch)) if ch.isdecimal() else ch for ch in text)
    return Counter(_normalised(m) for m in _NUMBER.finditer(ascii_text))


#: A decimal digit other than 0-9 (full-width, Arabic-Indic, ...): ``\d`` is every decimal.
_OTHER_DIGIT = re.compile(r"(?![0-9])\d")


def _normalised(found: re.Match[str]) -> str:
    if found["grouped"]:
        return re.sub(r"\D", "", found["grouped"])
    return f"{found['whole']}.{found['fraction']}" if found["fraction"] else found["whole"]


def number_mismatches(msgid: str, msgstr: str) -> list[Issue]:
    """Numbers of the msgid missing from the msgstr (errors) and new ones (warnings).

    A month written as a number ("June" → 6月) is not a new number.
    """
    source, target = numbers(msgid), numbers(msgstr)
    issues = [
        Issue(NUMBER_MISSING, "error", f"number {n} of the source is missing")
        for n in sorted(source - target, key=_numeric)
    ]
    months = {str(_MONTHS[w]) for w in re.findall(r"[a-z]+", msgid.lower()) if w in _MONTHS}
    issues += [
        Issue(NUMBER_EXTRA, "warning", f"number {n} is not in the source")
        for n in sorted(target - source, key=_numeric)
        if n not in months
    ]
    return issues


def _numeric(number: str) -> tuple[int, str]:
    whole = number.split(".")[0]
    return (len(whole), number)


_BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
_ZERO_WIDTH = frozenset("\u200b\u200c\u200d\u2060\ufeff")
_JOINERS = frozenset("\u200c\u200d")  # ZWNJ, ZWJ: spelling in Persian, Arabic, Indic text
_INVISIBLE = re.compile(f"[{''.join(sorted(_BIDI_CONTROLS | _ZERO_WIDTH))}]")


def invisible_characters(msgid: str, msgstr: str) -> list[Issue]:
    """Bidi controls (errors: they can reorder what a reader sees, as in "Trojan Source")
    and zero-width characters (warnings) in either string. ZWNJ and ZWJ next to a letter
    of a script that spells with them are allowed."""
    issues: list[Issue] = []
    for where, text in (("source", msgid), ("translation", msgstr)):
        if not _INVISIBLE.search(text):  # nearly every text: no character-by-character pass
            continue
        found: dict[str, list[int]] = {}
        for index, ch in enumerate(text):
            if ch not in _BIDI_CONTROLS and ch not in _ZERO_WIDTH:
                continue
            if ch in _JOINERS and JOINING.search(text[max(0, index - 1) : index + 2]):
                continue
            found.setdefault(ch, []).append(index + 1)
        for ch, places in found.items():
            name = unicodedata.name(ch, "")
            severity: Severity = "error" if ch in _BIDI_CONTROLS else "warning"
            more = f" (and {len(places) - 1} more)" if len(places) > 1 else ""
            at = f"at character {places[0]}{more}"
            issues.append(
                Issue(INVISIBLE, severity, f"invisible U+{ord(ch):04X} {name} in the {where} {at}")
            )
    return issues


def check_entry(
    msgid: str, msgstr: str, glossary: Glossary, source_lang: str, target_lang: str
) -> list[Issue]:
    """Every check on one translated entry."""
    return [
        *missing_terms(msgid, msgstr, glossary, source_lang, target_lang),
        *forbidden_terms(msgstr, glossary, target_lang),
        *foreign_forms(msgstr, glossary, target_lang),
        *case_problems(msgid, msgstr, glossary, source_lang, target_lang),
        *number_mismatches(msgid, msgstr),
        *untranslated(msgid, msgstr, glossary, source_lang, target_lang),
        *invisible_characters(msgid, msgstr),
    ]


# ---------------------------------------------------------------- catalogs


def check_catalog(path: Path, glossary: Glossary, lang: str | None = None) -> list[Finding]:
    """Findings for every live translated entry of one PO file.

    The target language is the catalog's ``Language`` (else ``lang``, else the folder
    name in ``<lang>/LC_MESSAGES``); an entry's source language is the one its comment
    records, else the catalog's ``X-Source-Language``.
    """
    try:
        po = load_catalog(path)
    except CatalogError as err:
        return [Finding(str(path), err.line or 0, "", UNREADABLE, "error", err.problem)]
    if po is None:
        return []
    return check_entries(po, path, glossary, lang)


def failed_translation(comment: str) -> Issue | None:
    """An entry left empty because the run could not translate it (its comment says why:
    an engine that failed, a missing model): a warning naming the reason."""
    why = not_translated_reason(comment)
    if not why:
        return None
    return Issue(UNTRANSLATED, "warning", f"untranslated: {why}")


def check_entries(
    po: polib.POFile, path: Path, glossary: Glossary, lang: str | None = None
) -> list[Finding]:
    """Findings for a catalog already in memory (one a run has just written)."""
    target = _language(po.metadata.get("Language", "")) or lang or _folder_language(path)
    default_source = _language(source_language(po.metadata)) or "en"
    findings: list[Finding] = []
    for entry in po:
        text = _translation(entry)
        if entry.obsolete:
            continue
        if not text:
            issue = failed_translation(entry.comment or "")
            if issue is not None:
                where = (str(path), entry.linenum or 0, entry.msgctxt or "")
                findings.append(Finding(*where, issue.kind, issue.severity, issue.message, target))
            continue
        where_from = position(entry)
        source = where_from.lang if where_from and where_from.lang else default_source
        for issue in check_entry(entry.msgid, text, glossary, source, target):
            findings.append(
                Finding(
                    str(path),
                    entry.linenum or 0,
                    entry.msgctxt or "",
                    issue.kind,
                    issue.severity,
                    issue.message,
                    target,
                )
            )
    return findings


def check_locales(locales: Path, glossary: Glossary) -> list[Finding]:
    """Findings for every catalog under ``locales/<lang>/LC_MESSAGES/*.po``."""
    findings: list[Finding] = []
    for path in sorted(locales.glob("*/LC_MESSAGES/*.po")):
        findings.extend(check_catalog(path, glossary))
    return findings


def _translation(entry: polib.POEntry) -> str:
    if entry.msgid_plural:
        return "\n".join(v for _, v in sorted(entry.msgstr_plural.items()) if v)
    return str(entry.msgstr)


def _language(code: str) -> str:
    return code.replace("-", "_").split("_")[0].lower()


def _folder_language(path: Path) -> str:
    return _language(path.parent.parent.name) if path.parent.name == MESSAGES_FOLDER else ""


# ---------------------------------------------------------------- output


def counts(findings: Iterable[Finding]) -> tuple[int, int]:
    """(errors, warnings)."""
    items = list(findings)
    errors = sum(f.severity == "error" for f in items)
    return errors, len(items) - errors


def render_json(findings: Sequence[Finding]) -> str:
    """Findings as a JSON array of objects (file, line, msgctxt, kind, severity, ...)."""
    return json.dumps([asdict(f) for f in findings], ensure_ascii=False, indent=2) + "\n"


def render_table(findings: Sequence[Finding]) -> str:
    """Findings as an aligned plain-text table with a summary line, for people."""
    errors, warnings = counts(findings)
    if not findings:
        return "QA: no problems found\n"
    rows = [("where", "lang", "msgctxt", "severity", "kind", "message")]
    rows += [
        (f"{f.file}:{f.line}", f.lang, f.msgctxt, f.severity, f.kind, f.message)
        for f in sorted(findings, key=lambda f: (f.file, f.line, f.kind))
    ]
    widths = [max(len(row[i]) for row in rows) for i in range(5)]
    lines = [
        "  ".join(cell.ljust(w) for cell, w in zip(row[:5], widths, strict=True)) + "  " + row[5]
        for row in rows
    ]  # fmt: skip
    files = len({f.file for f in findings})
    lines.append(f"QA: {errors} errors, {warnings} warnings in {files} catalogs")
    return "\n".join(lines) + "\n"
