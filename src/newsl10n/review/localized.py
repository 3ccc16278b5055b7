"""An article in one target language, read from its catalog alone.

The model every output is drawn from (``article.md``, ``article.html``, review pages, the
desk): units in article order with their state (``catalog.entry.state``), the source's
record from the header (``catalog.header``), paragraphs regrouped from the position lines,
and how translated sentences join in each script (``scripts.joins``)."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path

import polib
from babel import Locale, UnknownLocaleError

from newsl10n.catalog import fingerprint
from newsl10n.catalog.entry import EntryState, StateCounts, live, position, state
from newsl10n.catalog.header import SourceInfo, read_header
from newsl10n.catalog.store import load_catalog
from newsl10n.errors import Newsl10nError
from newsl10n.scripts import joins
from newsl10n.source.segment import Role

Highlighter = Callable[[str, str], Sequence[tuple[int, int]]]
# Keyed by (catalog path, msgctxt); the path may be absolute or relative to the project,


@dataclass(frozen=True)
class Unit:
    """One live catalog entry, as the article sees it."""

    id: str  # msgctxt
    role: Role
    paragraph: int  # 0 when the catalog does not say: the unit is a paragraph of its own
    sentence: int
    source: str  # msgid
    translation: str  # msgstr, "" when untranslated
    state: EntryState
    source_lang: str
    catalog_line: int  # where the entry starts in the PO file
    source_line: int | None = None
    previous_source: str = ""  # ``#| msgid`` when the source changed
    notes: tuple[str, ...] = ()  # extracted-comment lines after the position line
    translator_comment: str = ""

    def shown(self, keep_source_for_unreviewed: bool = False) -> tuple[str, bool]:
        """The text the localized article uses, and whether it is the source text."""
        if self.state is EntryState.REVIEWED:
            return self.translation, False
        if self.state is EntryState.UNTRANSLATED or keep_source_for_unreviewed:
            return self.source, True
        return self.translation, False


@dataclass(frozen=True)
class Paragraph:
    """Consecutive units of one layout block (a caption block also holds its credit)."""

    number: int
    role: Role
    units: tuple[Unit, ...]


@dataclass(frozen=True)
class LocalizedArticle:
    """An article in one target language, in article order, read from its catalog."""

    slug: str
    lang: str
    catalog: Path
    catalog_ref: str  # the catalog path as pages and manifests cite it
    source: SourceInfo
    machine_translation: str
    glossary_sha256: str | None
    units: tuple[Unit, ...]

    @property
    def counts(self) -> StateCounts:
        return StateCounts.of(u.state for u in self.units)

    @property
    def paragraphs(self) -> tuple[Paragraph, ...]:
        groups: list[list[Unit]] = []
        for unit in self.units:
            last = groups[-1][-1] if groups else None
            if last is not None and _same_block(last, unit):
                groups[-1].append(unit)
            else:
                groups.append([unit])
        return tuple(Paragraph(g[0].paragraph, g[0].role, tuple(g)) for g in groups)

    def title(self, keep_source_for_unreviewed: bool = False) -> str:
        unit = next((u for u in self.units if u.role is Role.TITLE), None)
        return unit.shown(keep_source_for_unreviewed)[0] if unit else self.slug

    @property
    def source_title(self) -> str:
        return next((u.source for u in self.units if u.role is Role.TITLE), self.slug)


def _same_block(before: Unit, unit: Unit) -> bool:
    """Same paragraph number, and the same role (a credit ends its caption's block)."""
    return (
        bool(unit.paragraph)
        and unit.paragraph == before.paragraph
        and (unit.role is before.role or (before.role, unit.role) == (Role.CAPTION, Role.CREDIT))
    )


# ---------------------------------------------------------------- reading catalogs

_ROLES = {r.value: r for r in Role}


def localize(po: polib.POFile, *, slug: str, lang: str, path: Path, root: Path) -> LocalizedArticle:
    """The article model of one parsed catalog (live entries, in file order)."""
    head = read_header(po.metadata, slug)
    units = tuple(_unit(e, head.source.language) for e in live(po))
    return LocalizedArticle(
        slug=slug,
        lang=lang,
        catalog=path,
        catalog_ref=project_ref(path, root),
        source=head.source,
        machine_translation=head.machine_translation,
        glossary_sha256=head.glossary_sha256,
        units=units,
    )


def read_localized(path: Path, *, slug: str, lang: str, root: Path) -> LocalizedArticle:
    """Load (strictly) and model one catalog; a broken file raises CatalogError."""
    po = load_catalog(path)
    if po is None:
        raise Newsl10nError(f"{path}: no catalog")
    return localize(po, slug=slug, lang=lang, path=path, root=root)


def _unit(entry: polib.POEntry, source_lang: str) -> Unit:
    lines = (entry.comment or "").split("\n")  # polib joins a comment's lines with \n only
    found = position(entry)
    ctxt = entry.msgctxt or ""
    role_name = found.role if found else ctxt.split(":", 1)[0]
    source_line = None
    if entry.occurrences:
        line = entry.occurrences[0][1]
        source_line = int(line) if str(line).isdigit() else None
    return Unit(
        id=ctxt,
        role=_ROLES.get(role_name, Role.PARAGRAPH),
        paragraph=found.paragraph if found else 0,
        sentence=found.sentence if found else 1,
        source=entry.msgid,
        translation=entry.msgstr,
        state=state(entry),
        source_lang=(found.lang if found and found.lang else source_lang),
        catalog_line=entry.linenum or 0,
        source_line=source_line,
        previous_source=entry.previous_msgid or "",
        # The machine fingerprint and score are bookkeeping for runs, not notes for people.
        notes=unwrap_notes(fingerprint.unstamp("\n".join(lines[1 if found else 0 :])).split("\n")),
        translator_comment=" ".join((entry.tcomment or "").split()),
    )


_NOTE_LABEL = re.compile(r"^\w[\w -]{0,30}:\s")


def unwrap_notes(lines: Sequence[str]) -> tuple[str, ...]:
    """Comment lines as notes: PO writers wrap long comments, so a line goes on the note
    before it unless it starts a new one with a label ("glossary: …", "not translated: …").
    """
    notes: list[str] = []
    for raw in lines:
        line = raw.strip()
        if not line:
            continue
        if notes and not _NOTE_LABEL.match(line):
            notes[-1] = f"{notes[-1]} {line}"
        else:
            notes.append(line)
    return tuple(notes)


def project_ref(path: Path, root: Path) -> str:
    """A path as pages cite it: relative to the project when inside it (symbolic links
    resolved, as the file system sees it)."""
    try:
        return resolved_path(path).relative_to(_resolved_folder(root)).as_posix()
    except ValueError:
        return path.as_posix()


def resolved_path(path: Path) -> Path:
    """``path.resolve()``, with its folder's resolution remembered: a batch cites
    thousands of catalogs in a handful of folders, and resolving walks every component."""
    if path.is_symlink():
        return path.resolve()
    return _resolved_folder(path.parent) / path.name


def _resolved_folder(folder: Path) -> Path:
    return _resolved_absolute(folder) if folder.is_absolute() else folder.resolve()


@lru_cache(maxsize=256)
def _resolved_absolute(folder: Path) -> Path:
    return folder.resolve()


# ---------------------------------------------------------------- text and language


_CLOSING = "\"'”’»)]」』）】〕〉》"
_OPENING = "\"'“‘«([「『（【〔〈《"


def separator(left: str, right: str) -> str:
    """What goes between two sentences: nothing between Chinese/Japanese ones, else a space.

    Decided by the characters at the seam, not the target language, because a sentence left
    in the source language can sit between translated ones. Korean (Hangul) takes a space.
    """
    end = left.rstrip().rstrip(_CLOSING)[-1:]
    start = right.lstrip().lstrip(_OPENING)[:1]
    return joins(end, start) if end and start else " "


def join_sentences(sentences: Iterable[str]) -> str:
    out = ""
    for sentence in sentences:
        text = sentence.strip()
        if text:
            out = f"{out}{separator(out, text)}{text}" if out else text
    return out


@cache
def text_direction(lang: str) -> str:
    """ltr or rtl, from CLDR; unknown codes read left to right."""
    try:
        return str(Locale.parse(lang).text_direction) if lang else "ltr"
    except (UnknownLocaleError, ValueError, TypeError):
        return "ltr"


@cache
def language_name(lang: str) -> str:
    """The language's own name ("русский"), or the code when CLDR does not know it."""
    try:
        return str(Locale.parse(lang).get_display_name(lang) or lang)
    except (UnknownLocaleError, ValueError, TypeError):
        return lang


@dataclass(frozen=True)
class Piece:
    """One sentence as placed in a paragraph: its text, language and the spacing before it."""

    unit: Unit
    text: str
    lang: str
    in_source: bool
    before: str

    @property
    def dir(self) -> str:
        return text_direction(self.lang)


def pieces(paragraph: Paragraph, lang: str, keep_source_for_unreviewed: bool) -> list[Piece]:
    out: list[Piece] = []
    previous = ""
    for unit in paragraph.units:
        text, in_source = unit.shown(keep_source_for_unreviewed)
        text = text.strip()
        if not text:
            continue
        before = separator(previous, text) if previous else ""
        out.append(Piece(unit, text, unit.source_lang if in_source else lang, in_source, before))
        previous = text
    return out
