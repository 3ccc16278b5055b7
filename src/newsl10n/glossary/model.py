"""Glossaries of proper names: the term model and its validation.

Neural MT mangles proper names, so every established form is written down once, by a
person, in a file translators can edit (CSV, ``csvformat.py``; TBX, ``tbx.py``). A
``Term`` holds one concept's forms per language, accepted variants and known-wrong forms;
``term_problems`` and ``find_conflicts`` say what is wrong with terms whatever file they
came from.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from newsl10n.errors import InputError

NOTE = "note"
ID = "id"
DO_NOT_TRANSLATE = "do_not_translate"
VARIANTS = "variants:"
FORBIDDEN = "forbidden:"
SEPARATOR = "|"
SUFFIXES = (".csv", ".tbx")

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
