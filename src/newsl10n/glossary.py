"""Glossaries of proper names: loading, validation, and finding terms in text.

Neural MT mangles proper names, so every established form is written down once, by a
person, in a file translators can edit: a CSV with one row per concept and one column
per language (TBX for exchange with Weblate, Pontoon and CAT tools, see ``tbx.py``).
Matching is deliberately literal (whole words, longest first, any run of whitespace for a
space, straight or curly apostrophes): a glossary is a promise, and a fuzzy matcher would
make promises nobody wrote down. Inflected forms are listed as ``variants``; for Russian
and Ukrainian, forms of the same lemmas also count when pymorphy3 is installed, but never
the other language's spelling (``find_foreign``: "Пхеньяне" in Ukrainian).

CSV columns (UTF-8, comma or semicolon, a header row; one row per concept):

``en``, ``ru``, ...   the established form in each language (any column can be the source)
``note``              why a form is what it is, for translators
``do_not_translate``  yes: the same in every language (empty language cells allowed)
``variants:<lang>``   accepted alternatives, ``|``-separated ("Пхеньяне|Пхеньяна", "UN ...")
``forbidden:<lang>``  known-wrong forms QA reports (``Пхеньянг``)
``id``                optional stable id (TBX ``termEntry/@id``); derived from the first form
"""

from __future__ import annotations

import bisect
import csv
import hashlib
import importlib
import io
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache, lru_cache
from pathlib import Path
from typing import Any, Literal

from newsl10n.config import check_language
from newsl10n.errors import ConfigError, InputError

NOTE = "note"
ID = "id"
DO_NOT_TRANSLATE = "do_not_translate"
VARIANTS = "variants:"
FORBIDDEN = "forbidden:"
SEPARATOR = "|"
SUFFIXES = (".csv", ".tbx")
_TRUE = {"yes", "y", "true", "1", "x"}
_FALSE = {"", "no", "n", "false", "0"}

Severity = Literal["error", "warning"]


class GlossaryError(InputError):
    """A glossary file cannot be used; names the file and the line or element."""


@dataclass(frozen=True)
class Term:
    """One concept: its established form per language, plus accepted and known-wrong forms.

    ``forms`` is the form to produce; ``variants`` are accepted too (inflected forms, the
    abbreviation without dots); ``forbidden`` are known-wrong forms QA reports. A
    ``do_not_translate`` term is written the same in every language that has no column of
    its own. Not hashable (it holds dicts); ``origin`` is where it was defined.
    """

    forms: Mapping[str, str]
    variants: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    forbidden: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    note: str = ""
    do_not_translate: bool = False
    id: str = ""
    origin: str = field(default="", compare=False)

    def form(self, lang: str) -> str | None:
        """The form to write in ``lang``, or None when the glossary has none."""
        found = self.forms.get(lang)
        if found:
            return found
        if self.do_not_translate:
            return next((f for f in self.forms.values() if f), None)
        return None

    def accepted(self, lang: str) -> tuple[str, ...]:
        """The form and its variants: anything of these in a translation is right."""
        base = self.form(lang)
        if base is None:
            return ()
        return (base, *self.variants.get(lang, ()))

    @property
    def label(self) -> str:
        return self.id or next(iter(self.forms.values()), "")


@dataclass(frozen=True)
class Glossary:
    """All terms of a glossary folder; ``sha256`` hashes the files' bytes for manifests."""

    terms: tuple[Term, ...] = ()
    files: tuple[Path, ...] = ()
    sha256: str = hashlib.sha256(b"").hexdigest()

    def __len__(self) -> int:
        return len(self.terms)

    @property
    def languages(self) -> tuple[str, ...]:
        seen: dict[str, None] = {}
        for term in self.terms:
            for lang in term.forms:
                seen.setdefault(lang, None)
        return tuple(seen)


@dataclass(frozen=True)
class GlossaryProblem:
    """Something wrong in a glossary file, located by line (CSV) or element (TBX)."""

    path: Path
    line: int | None
    message: str
    element: str = ""
    severity: Severity = "error"

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else str(self.path)
        element = f" {self.element}:" if self.element else ""
        return f"{where}:{element} {self.message}"


@dataclass(frozen=True)
class TermMatch:
    """A glossary term found in a text: ``text[start:end]`` is the name as written.

    ``possessive`` is an English possessive right after it ("’s", "'s", or a bare "’"
    after an s), kept apart so a translation can decide what to do with it.
    """

    term: Term
    start: int
    end: int
    text: str
    form: str  # the glossary form (or variant) that matched
    possessive: str = ""

    @property
    def span_end(self) -> int:
        return self.end + len(self.possessive)


# ---------------------------------------------------------------- loading


def load_glossary(folder: Path) -> Glossary:
    """Every *.csv and *.tbx in ``folder``; a missing or empty folder is an empty glossary.

    Raises GlossaryError for the first error (with how many more there are), so a run
    never enforces a glossary that contradicts itself.
    """
    files = glossary_files([folder]) if folder.is_dir() else []
    terms, problems = _parse_files(files)
    errors = [p for p in problems if p.severity == "error"]
    if errors:
        first = errors[0]
        more = f" (and {len(errors) - 1} more; run `newsl10n glossary check`)" if errors[1:] else ""
        element = f"{first.element}: " if first.element else ""
        raise GlossaryError(first.path, f"{element}{first.message}{more}", first.line)
    digest = hashlib.sha256()
    for path in files:
        digest.update(path.name.encode("utf-8") + b"\0" + path.read_bytes() + b"\0")
    return Glossary(tuple(terms), tuple(files), digest.hexdigest())


def check_glossary(paths: Iterable[Path]) -> list[GlossaryProblem]:
    """All problems in the given files and folders, across files too (duplicates)."""
    files: list[Path] = []
    problems: list[GlossaryProblem] = []
    for path in paths:
        if path.is_dir():
            files.extend(glossary_files([path]))
        elif not path.exists():
            problems.append(GlossaryProblem(path, None, "no such file or folder"))
        elif path.suffix.lower() not in SUFFIXES:
            problems.append(GlossaryProblem(path, None, "not a glossary (expected .csv or .tbx)"))
        else:
            files.append(path)
    problems.extend(_parse_files(files)[1])
    return problems


def glossary_files(folders: Iterable[Path]) -> list[Path]:
    found: list[Path] = []
    for folder in folders:
        found.extend(sorted(p for p in folder.iterdir() if p.suffix.lower() in SUFFIXES))
    return found


def read_glossary_file(path: Path) -> list[Term]:
    """The terms of one CSV or TBX file; raises GlossaryError on its first error."""
    terms, problems = _parse_files([path])
    errors = [p for p in problems if p.severity == "error"]
    if errors:
        first = errors[0]
        element = f"{first.element}: " if first.element else ""
        raise GlossaryError(first.path, f"{element}{first.message}", first.line)
    return terms


def _parse_files(files: Sequence[Path]) -> tuple[list[Term], list[GlossaryProblem]]:
    from newsl10n.tbx import parse_tbx

    terms: list[Term] = []
    problems: list[GlossaryProblem] = []
    for path in files:
        try:
            data = path.read_bytes()
        except OSError as err:
            problems.append(GlossaryProblem(path, None, f"cannot read: {err.strerror or err}"))
            continue
        parse = parse_tbx if path.suffix.lower() == ".tbx" else parse_csv
        found, trouble = parse(path, data)
        terms.extend(found)
        problems.extend(trouble)
    problems.extend(find_conflicts(terms))
    return terms, problems


# ---------------------------------------------------------------- CSV


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


def term_problems(term: Term) -> list[str]:
    """What is wrong inside one term (wherever it came from)."""
    problems: list[str] = []
    for lang, wrong in term.forbidden.items():
        right = {_key(f) for f in term.accepted(lang)}
        clash = [w for w in wrong if _key(w) in right]
        if clash:
            problems.append(f"{clash[0]!r} ({lang}) is both accepted and forbidden")
    for lang, forms in term.variants.items():
        if any(not f for f in forms):
            problems.append(f"empty variant in variants:{lang} (check the | separators)")
    return problems


def _split(cell: str) -> tuple[str, ...]:
    return tuple(_clean(part) for part in cell.split(SEPARATOR))


def _clean(form: str) -> str:
    return " ".join(unicodedata.normalize("NFC", form).split())


def _key(form: str) -> str:
    """Two forms with the same key are the same term to the matcher."""
    return _clean(form).replace("’", "'").replace("ʼ", "'").casefold()


def with_ids(terms: list[Term]) -> list[Term]:
    """Terms without an id get one from their first form, unique within the file."""
    used = {t.id for t in terms if t.id}
    out: list[Term] = []
    for term in terms:
        if not term.id:
            base = slug(term.label)
            candidate, n = base, 1
            while candidate in used:
                n += 1
                candidate = f"{base}-{n}"
            used.add(candidate)
            term = Term(
                term.forms, term.variants, term.forbidden, term.note,
                term.do_not_translate, candidate, term.origin,
            )  # fmt: skip
        out.append(term)
    return out


def slug(text: str) -> str:
    """An XML-id-safe identifier from a form: "U.S. State Department" -> u-s-state-department."""
    words = re.findall(r"\w+", unicodedata.normalize("NFKC", text).casefold())
    value = "-".join(words) or "term"
    return value if value[0].isalpha() or value[0] == "_" else f"t-{value}"


def find_conflicts(terms: Sequence[Term]) -> list[GlossaryProblem]:
    """The same form for two concepts in one language: a duplicate, or a conflict.

    Any column may be the source (a Russian article matches the ``ru`` column), so a form
    must name one concept in every language. Each clashing pair is reported once, at the
    later term.
    """
    problems: list[GlossaryProblem] = []
    seen: dict[tuple[str, str], Term] = {}
    for term in terms:
        clashes: dict[int, tuple[Term, str, str]] = {}
        for lang in term.forms:
            for form in term.accepted(lang):
                other = seen.setdefault((lang, _key(form)), term)
                if other is not term:
                    clashes.setdefault(id(other), (other, lang, _key(form)))
        for other, lang, key in clashes.values():
            path, _, line = term.origin.rpartition(":")
            where = f" (also at {other.origin})" if other.origin else ""
            same = _keys(other) == _keys(term)
            what = "duplicate" if same else "conflicting"
            detail = "" if same else f": {_summary(other)} vs {_summary(term)}"
            problems.append(
                GlossaryProblem(
                    Path(path or term.origin),
                    int(line) if line.isdigit() else None,
                    f"{what} term {key!r} ({lang}){where}{detail}",
                )
            )
    return problems


def _keys(term: Term) -> dict[str, str]:
    return {lang: _key(form) for lang, form in term.forms.items()}


def _summary(term: Term) -> str:
    return " / ".join(f"{lang} {form}" for lang, form in list(term.forms.items())[:3])


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


# ---------------------------------------------------------------- matching

_CJK = re.compile(
    r"[\u1100-\u11ff\u3040-\u30ff\u3130-\u318f\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff]"
)
_ACRONYM = re.compile(r"\b[A-ZА-ЯЁІЇЄҐ]{2,}\b")
_APOSTROPHES = "'’ʼ"
_POSSESSIVE = r"(?P<pos>['’]s(?!\w)|(?<=[sSxXzZ])['’](?=\s+\w))?"


def find_terms(text: str, glossary: Glossary | Sequence[Term], source_lang: str) -> list[TermMatch]:
    """Glossary terms in ``text`` as written in ``source_lang``: whole words, longest first.

    Any run of whitespace in the text matches a space in the form (hard-wrapped lines),
    apostrophes may be straight or curly, case follows the article unless the form has
    an acronym in it ("KCNA" only in capitals), and an English possessive is noted.
    """
    terms = glossary.terms if isinstance(glossary, Glossary) else glossary
    entries = [(t, form) for t in terms for form in t.accepted(source_lang)]
    return scan(text, entries, possessive=source_lang == "en")


def scan(
    text: str, entries: Iterable[tuple[Term, str]], possessive: bool = False
) -> list[TermMatch]:
    """Non-overlapping matches of the given (term, form) pairs, longest first, in text order."""
    found: list[TermMatch] = []
    for term, form in entries:
        for m in _pattern(form, possessive).finditer(text):
            name = m.group("name")
            found.append(
                TermMatch(term, m.start(), m.end("name"), name, form, m.group("pos") or "")
            )
    found.sort(key=lambda m: (m.start - m.end, m.start))
    # Chosen matches never overlap, so kept in text order a new one need only be compared
    # with its two neighbours: linear in the matches, not quadratic (a 1 MB article).
    chosen: list[TermMatch] = []
    starts: list[int] = []
    for match in found:
        at = bisect.bisect_left(starts, match.start)
        if at > 0 and chosen[at - 1].end > match.start:
            continue
        if at < len(chosen) and chosen[at].start < match.end:
            continue
        chosen.insert(at, match)
        starts.insert(at, match.start)
    return chosen


@lru_cache(maxsize=8192)
def _pattern(form: str, possessive: bool) -> re.Pattern[str]:
    words = []
    for word in form.split():
        words.append(
            "".join(f"[{_APOSTROPHES}]" if ch in _APOSTROPHES else re.escape(ch) for ch in word)
        )
    body = r"\s+".join(words)
    left = r"(?<!\w)" if re.match(r"\w", form) and not _CJK.match(form) else ""
    right = r"(?!\w)" if re.search(r"\w$", form) and not _CJK.match(form[-1]) else ""
    flags = 0 if _ACRONYM.search(form) else re.IGNORECASE
    tail = _POSSESSIVE if possessive else "(?P<pos>)"
    return re.compile(f"{left}(?P<name>{body}){right}{tail}", flags)


def find_missing(
    matches: Sequence[TermMatch], translation: str, lang: str, source_lang: str = ""
) -> list[TermMatch]:
    """Source matches whose term is absent from the translation in any accepted form.

    Accepted: the form, a listed variant, the German genitive ("Putins"), or for Russian
    and Ukrainian any form of the same lemmas (when pymorphy3 is installed). With
    ``source_lang``, a term left untranslated does not count because an accepted form
    happens to be part of it (French "Taedong" inside an English "Taedong River").
    """
    terms = _unique_terms(matches)
    entries = target_entries(terms, lang)
    accepted = {(id(t), _key(f)) for t, f in entries}
    untranslated = [
        (t, f)
        for t in (terms if source_lang and source_lang != lang else [])
        for f in t.accepted(source_lang)
        if (id(t), _key(f)) not in accepted
    ]
    left = {(id(t), f) for t, f in untranslated}
    present = {
        id(m.term)
        for m in scan(translation, entries + untranslated)
        if (id(m.term), m.form) not in left
    }
    # A neighbour's spelling ("Пхеньяне" in Ukrainian) shares a lemma with the right
    # form in pymorphy3's eyes: it never counts as the term in some case.
    foreign = {id(m.term) for m in find_foreign(translation, terms, lang, source_lang)}
    missing: list[TermMatch] = []
    for match in matches:
        if id(match.term) in present:
            continue
        form = match.term.form(lang)
        if id(match.term) in foreign:
            missing.append(match)
            continue
        if form is not None and lemma_present(translation, form, lang):
            present.add(id(match.term))
            continue
        missing.append(match)
    return missing


def target_entries(terms: Iterable[Term], lang: str) -> list[tuple[Term, str]]:
    """(term, form) pairs a translation into ``lang`` may contain, for ``scan``."""
    entries: list[tuple[Term, str]] = []
    for term in terms:
        for form in term.accepted(lang):
            entries.append((term, form))
            if lang == "de":
                entries.append((term, german_genitive(form)))
    return entries


def german_genitive(form: str) -> str:
    """Proper names take -s in the German genitive, or an apostrophe after s, ss, ß, x, z."""
    return f"{form}’" if re.search(r"(s|ß|x|z|ce)$", form, re.IGNORECASE) else f"{form}s"


def find_forbidden(text: str, glossary: Glossary | Sequence[Term], lang: str) -> list[TermMatch]:
    """Known-wrong forms (the ``forbidden:<lang>`` column) present in a translation."""
    terms = glossary.terms if isinstance(glossary, Glossary) else glossary
    return scan(text, [(t, f) for t in terms for f in t.forbidden.get(lang, ())])


# Languages whose spellings of a name are easily mistaken for one another's (close
# languages in one script): Russian forms in a Ukrainian text are wrong, and the reverse.
NEIGHBOURS: Mapping[str, tuple[str, ...]] = {"ru": ("uk",), "uk": ("ru",)}


def find_foreign(
    text: str, glossary: Glossary | Sequence[Term], lang: str, source_lang: str = ""
) -> list[TermMatch]:
    """Forms of a neighbouring language (``NEIGHBOURS``), or of ``source_lang``, in a
    translation into ``lang`` that ``lang`` does not accept: "Пхеньяне" in Ukrainian.

    ``TermMatch.form`` is the foreign form found; forms ``lang`` accepts too ("Москву",
    "КНДР") are never foreign.
    """
    terms = glossary.terms if isinstance(glossary, Glossary) else glossary
    others = [o for o in (*NEIGHBOURS.get(lang, ()), source_lang) if o and o != lang]
    entries: list[tuple[Term, str]] = []
    for term in terms:
        if term.form(lang) is None:
            continue
        accepted = {_key(f) for f in term.accepted(lang)}
        seen: set[str] = set()
        for other in dict.fromkeys(others):
            if other not in term.forms:
                continue  # a do-not-translate term is the same everywhere
            for form in term.accepted(other):
                key = _key(form)
                if key in accepted or key in seen or inflects(form, term.form(lang) or "", lang):
                    continue
                seen.add(key)
                entries.append((term, form))
    return scan(text, entries)


def _unique_terms(matches: Iterable[TermMatch]) -> list[Term]:
    seen: dict[int, Term] = {}
    for m in matches:
        seen.setdefault(id(m.term), m.term)
    return list(seen.values())


# ---------------------------------------------------------------- morphology (ru, uk)

MORPHOLOGY_LANGUAGES = ("ru", "uk")
_WORD = re.compile(r"\w+(?:-\w+)*")


@cache
def morph_analyzer(lang: str) -> Any | None:
    """pymorphy3's analyser for Russian or Ukrainian, or None when it is not installed."""
    if lang not in MORPHOLOGY_LANGUAGES:
        return None
    try:
        module = importlib.import_module("pymorphy3")
        return module.MorphAnalyzer(lang=lang)
    except (ImportError, ValueError, OSError):
        return None


@lru_cache(maxsize=65536)
def _lemmas(word: str, lang: str) -> frozenset[str]:
    morph = morph_analyzer(lang)
    found = {word.casefold()}
    if morph is not None:
        found.update(p.normal_form for p in morph.parse(word))
    return frozenset(found)


@lru_cache(maxsize=65536)
def _inflections(word: str, lang: str) -> frozenset[str]:
    """The dictionary's forms of a known word, the vocative left out (no name takes it in
    running news text: Ukrainian "Пхеньяне" is "O Pyongyang!", Russian's locative)."""
    morph = morph_analyzer(lang)
    if morph is None or not morph.word_is_known(word):
        return frozenset()
    return frozenset(
        f.word
        for p in morph.parse(word)
        if p.tag.case == "nomn"
        for f in p.lexeme
        if f.tag.case and f.tag.case != "voct"
    )


def inflects(form: str, base: str, lang: str) -> bool:
    """Is ``form`` the dictionary's inflection of ``base`` in ``lang`` (word by word)?"""
    words, bases = form.split(), base.split()
    if len(words) != len(bases) or morph_analyzer(lang) is None:
        return False
    for word, base_word in zip(words, bases, strict=True):
        if word.casefold() == base_word.casefold():
            continue
        if word.casefold() not in _inflections(base_word, lang):
            return False
    return True


def lemma_present(text: str, form: str, lang: str) -> bool:
    """Does ``text`` hold the words of ``form`` in some grammatical case ("в Пхеньяне")?"""
    if morph_analyzer(lang) is None:
        return False
    wanted = [_lemmas(w, lang) for w in _WORD.findall(form)]
    words = [_lemmas(w, lang) for w in _WORD.findall(text)]
    if not wanted:
        return False
    for i in range(len(words) - len(wanted) + 1):
        if all(words[i + j] & lemmas for j, lemmas in enumerate(wanted)):
            return True
    return False
