"""TBX import and export, so glossaries move to and from Weblate, Pontoon and CAT tools.

Reads TBX-Basic and TBX-Min, both the 2008 form (``<martif>``, ``<termEntry>``,
``<langSet>``, ``<tig>``) and ISO 30042:2019 (``<tbx>``/``<TBX>``, ``<conceptEntry>``,
``<langSec>``/``<langGroup>``, ``<termSec>``/``<termGroup>``); writes TBX-Basic 2008 (what
most tools read) or TBX-Min. A term's status carries our columns: preferred is the form,
admitted terms are variants, deprecated/not-recommended ones are forbidden forms.

XML from outside is untrusted: it is parsed with expat directly, entity declarations are
refused (no billion laughs, no external entities), external DTDs are never loaded, and
every problem names the line and element.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal, NoReturn
from xml.parsers import expat

from newsl10n.config import check_language
from newsl10n.errors import ConfigError
from newsl10n.glossary.model import Glossary, GlossaryProblem, Term, term_problems, with_ids

Dialect = Literal["basic", "min"]
DIALECTS: tuple[Dialect, ...] = ("basic", "min")
DO_NOT_TRANSLATE_NOTE = "newsl10n: do_not_translate"
_XML_NS = "http://www.w3.org/XML/1998/namespace"
# TBX nests about eight levels (martif/text/body/termEntry/langSet/tig/term); a file nested
# far deeper is not a glossary, and would exhaust the stack of every recursive reader.
MAX_DEPTH = 64
MAX_BYTES = 50 * 1024 * 1024  # a glossary of 100,000 terms is about 30 MB of TBX
MAX_ELEMENTS = 2_000_000

_ENTRY = {"termentry", "conceptentry"}
_LANG = {"langset", "langsec", "langgroup"}
_TERM_GROUP = {"tig", "ntig", "termsec", "termgroup"}
_STATUS_NOTES = {"administrativestatus", "normativeauthorization"}
_PREFERRED = {"preferredterm-admn-sts", "preferred"}
_ADMITTED = {"admittedterm-admn-sts", "admitted"}
_FORBIDDEN = {
    "deprecatedterm-admn-sts",
    "supersededterm-admn-sts",
    "notrecommended",
    "obsolete",
    "deprecated",
}


@dataclass
class _Node:
    """A parsed element: local tag name, attributes by local name, text, children."""

    tag: str
    attrs: dict[str, str]
    line: int
    children: list[_Node] = field(default_factory=list)
    parts: list[str] = field(default_factory=list)  # own text and children's, in order

    def text(self) -> str:
        return " ".join("".join(self.parts).split())

    def find_all(self, tags: Collection[str], stop: Collection[str] = ()) -> list[_Node]:
        """Descendants with one of ``tags`` (not looking inside a match or a ``stop``)."""
        found: list[_Node] = []
        for child in self.children:
            name = child.tag.lower()
            if name in tags:
                found.append(child)
            elif name not in stop:
                found.extend(child.find_all(tags, stop))
        return found


class _Refused(Exception):
    pass


def _parse_xml(data: bytes) -> _Node:
    """The document tree; raises _Refused or expat.ExpatError with the line."""
    parser = expat.ParserCreate(namespace_separator=" ")
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    root: list[_Node] = []
    stack: list[_Node] = []

    def refuse(*_: object) -> NoReturn:
        raise _Refused(
            f"line {parser.CurrentLineNumber}: entity declarations are not allowed "
            "(untrusted XML is never expanded)"
        )

    def local(name: str) -> str:
        uri, _, tag = name.rpartition(" ")
        return "lang" if uri == _XML_NS and tag == "lang" else tag

    count = 0

    def start(name: str, attrs: dict[str, str]) -> None:
        nonlocal count
        count += 1
        if len(stack) >= MAX_DEPTH:
            raise _Refused(
                f"line {parser.CurrentLineNumber}: elements nested deeper than {MAX_DEPTH} "
                "levels; this is not a glossary"
            )
        if count > MAX_ELEMENTS:
            raise _Refused(f"line {parser.CurrentLineNumber}: more than {MAX_ELEMENTS:,} elements")
        node = _Node(local(name), {local(k): v for k, v in attrs.items()}, parser.CurrentLineNumber)
        if stack:
            stack[-1].children.append(node)
        else:
            root.append(node)
        stack.append(node)

    def end(_: str) -> None:
        node = stack.pop()
        if stack:  # the child's text as one string: copying its parts would be quadratic
            stack[-1].parts.append("".join(node.parts))

    def chars(data: str) -> None:
        if stack:
            stack[-1].parts.append(data)

    parser.EntityDeclHandler = refuse
    parser.UnparsedEntityDeclHandler = refuse
    parser.ExternalEntityRefHandler = refuse
    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = chars
    parser.Parse(data, True)
    return root[0]


def parse_tbx(path: Path, data: bytes) -> tuple[list[Term], list[GlossaryProblem]]:
    """Terms of a TBX file and every problem found, each with its line and element."""
    problems: list[GlossaryProblem] = []
    if len(data) > MAX_BYTES:
        size = f"{len(data) / 1024 / 1024:.0f} MB"
        problems.append(
            GlossaryProblem(path, None, f"{size} is over the {MAX_BYTES // 2**20} MB limit")
        )
        return [], problems
    try:
        root = _parse_xml(data)
    except _Refused as err:
        line_text, _, message = str(err).partition(": ")
        problems.append(GlossaryProblem(path, int(line_text.split()[1]), message))
        return [], problems
    except expat.ExpatError as err:
        message = f"bad XML: {expat.ErrorString(err.code)} (column {err.offset + 1})"
        problems.append(GlossaryProblem(path, err.lineno, message))
        return [], problems
    if root.tag.lower() not in ("martif", "tbx"):
        problems.append(
            GlossaryProblem(
                path, root.line, "not a TBX file (expected <martif> or <tbx>)", f"<{root.tag}>"
            )
        )
        return [], problems
    entries = root.find_all(_ENTRY)
    if not entries:
        problems.append(GlossaryProblem(path, root.line, "no <termEntry> or <conceptEntry>"))
    terms = [t for t in (_read_entry(path, e, problems) for e in entries) if t is not None]
    languages = {lang for t in terms for lang in t.forms}
    for term in terms:
        absent = sorted(languages - set(term.forms))
        if absent and not term.do_not_translate:
            problems.append(
                GlossaryProblem(
                    path,
                    _origin_line(term),
                    f"no {', '.join(absent)} term",
                    f"<{term.id or 'entry'}>",
                    "warning",
                )
            )
    return with_ids(terms), problems


def _origin_line(term: Term) -> int | None:
    line = term.origin.rpartition(":")[2]
    return int(line) if line.isdigit() else None


def _read_entry(path: Path, entry: _Node, problems: list[GlossaryProblem]) -> Term | None:
    ident = entry.attrs.get("id", "")
    where = f"<{entry.tag} id={ident!r}>" if ident else f"<{entry.tag}>"
    before = len(problems)

    def problem(message: str, element: str = where, line: int = entry.line) -> None:
        problems.append(GlossaryProblem(path, line, message, element))

    notes: list[str] = []
    dnt = False
    for note in entry.find_all({"note"}):  # on the entry, a language or a term
        text = note.text()
        if text == DO_NOT_TRANSLATE_NOTE:
            dnt = True
        elif text and text not in notes:
            notes.append(text)
    forms: dict[str, str] = {}
    variants: dict[str, tuple[str, ...]] = {}
    forbidden: dict[str, tuple[str, ...]] = {}
    for section in entry.find_all(_LANG):
        code = section.attrs.get("lang", "")
        lang = code.replace("_", "-").split("-")[0].lower()
        here = f"{where} <{section.tag} xml:lang={code!r}>"
        try:
            check_language(lang)
        except ConfigError:
            problem(f"unknown language code {code!r}", here, section.line)
            continue
        if lang in forms:
            problem(f"second section for {lang!r}; merge them", here, section.line)
            continue
        chosen = _read_terms(section, here, problem)
        if chosen is None:
            continue
        preferred, admitted, deprecated = chosen
        forms[lang] = preferred
        if admitted:
            variants[lang] = admitted
        if deprecated:
            forbidden[lang] = deprecated
    if not forms and len(problems) == before:
        problem("no language section with a term")
    if not forms:
        return None
    term = Term(forms, variants, forbidden, "; ".join(notes), dnt, ident, f"{path}:{entry.line}")
    for message in term_problems(term):
        problem(message)
    return term


_Report = Callable[[str, str, int], None]  # message, element, line


def _read_terms(
    section: _Node, where: str, report: _Report
) -> tuple[str, tuple[str, ...], tuple[str, ...]] | None:
    """(preferred, admitted, deprecated) terms of one language section."""
    preferred: list[str] = []
    plain: list[str] = []
    admitted: list[str] = []
    deprecated: list[str] = []
    for group in section.find_all(_TERM_GROUP):
        found = group.find_all({"term"})
        text = found[0].text() if found else ""
        if not text:
            report(f"empty <term> in <{group.tag}>", where, group.line)
            continue
        status = ""
        for note in group.find_all({"termnote", "termstatus"}):
            if note.tag.lower() == "termstatus" or note.attrs.get("type", "").lower() in (
                _STATUS_NOTES
            ):
                status = note.text().lower()
        if status in _PREFERRED:
            preferred.append(text)
        elif status in _ADMITTED:
            admitted.append(text)
        elif status in _FORBIDDEN:
            deprecated.append(text)
        else:
            plain.append(text)
    accepted = preferred + plain + admitted
    if not accepted:
        if deprecated or section.find_all(_TERM_GROUP):
            report("no preferred or admitted term", where, section.line)
        else:
            report("no <term>", where, section.line)
        return None
    return accepted[0], tuple(accepted[1:]), tuple(deprecated)


# ---------------------------------------------------------------- writing


def dump_tbx(glossary: Glossary | Sequence[Term], dialect: Dialect = "basic") -> str:
    """The glossary as TBX-Basic (2008, ``<martif>``) or TBX-Min, ready to import elsewhere."""
    if dialect not in DIALECTS:
        raise ValueError(f"unknown TBX dialect {dialect!r} (use basic or min)")
    terms = glossary.terms if isinstance(glossary, Glossary) else tuple(glossary)
    terms = tuple(with_ids(list(terms)))
    languages: dict[str, None] = {}
    for term in terms:
        languages.update(dict.fromkeys(term.forms))
    source = next(iter(languages), "en")
    xml_lang = f"{{{_XML_NS}}}lang"
    if dialect == "basic":
        root = ET.Element("martif", {"type": "TBX-Basic", xml_lang: source})
        header = ET.SubElement(ET.SubElement(root, "martifHeader"), "fileDesc")
        ET.SubElement(ET.SubElement(header, "sourceDesc"), "p").text = "newsl10n glossary"
        body = ET.SubElement(ET.SubElement(root, "text"), "body")
    else:
        root = ET.Element("TBX", {"dialect": "TBX-Min"})
        header = ET.SubElement(root, "header")
        ET.SubElement(header, "id").text = "newsl10n glossary"
        langs = list(languages)
        target = langs[1] if len(langs) > 1 else source
        ET.SubElement(header, "languages", {"source": source, "target": target})
        body = ET.SubElement(root, "body")
    for term in terms:
        entry = ET.SubElement(body, "termEntry" if dialect == "basic" else "conceptEntry")
        entry.set("id", term.id)
        notes = [term.note] if term.note else []
        if term.do_not_translate:
            notes.append(DO_NOT_TRANSLATE_NOTE)
        if dialect == "basic":
            for text in notes:
                ET.SubElement(entry, "note").text = text
        for lang, form in term.forms.items():
            section = ET.SubElement(entry, "langSet" if dialect == "basic" else "langGroup")
            section.set(xml_lang, lang)
            statuses = [(form, "preferred")]
            statuses += [(v, "admitted") for v in term.variants.get(lang, ())]
            statuses += [(f, "forbidden") for f in term.forbidden.get(lang, ())]
            for text, status in statuses:
                # TBX-Min has notes on terms only: they go with the source's preferred term.
                on_term = dialect == "min" and lang == source and status == "preferred"
                _write_term(section, text, status, dialect, notes if on_term else [])
    ET.indent(root, space="  ")
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, "unicode") + "\n"


def _write_term(
    section: ET.Element, text: str, status: str, dialect: Dialect, notes: Sequence[str]
) -> None:
    if dialect == "basic":
        group = ET.SubElement(section, "tig")
        ET.SubElement(group, "term").text = text
        value = {"preferred": "preferred", "admitted": "admitted", "forbidden": "deprecated"}
        status_note = ET.SubElement(group, "termNote", {"type": "administrativeStatus"})
        status_note.text = f"{value[status]}Term-admn-sts"
    else:
        group = ET.SubElement(section, "termGroup")
        ET.SubElement(group, "term").text = text
        for text_note in notes:
            ET.SubElement(group, "note").text = text_note
        value = {"preferred": "preferred", "admitted": "admitted", "forbidden": "notRecommended"}
        ET.SubElement(group, "termStatus").text = value[status]


def write_tbx(glossary: Glossary | Sequence[Term], path: Path, dialect: Dialect = "basic") -> None:
    path.write_text(dump_tbx(glossary, dialect), encoding="utf-8", newline="\n")
