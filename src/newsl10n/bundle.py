"""Localized article bundles, built from catalogs alone.

A bundle (``bundles/<lang>/<slug>/``) is what an editor takes away: the article in the
target language with its layout restored (``article.md``, ``article.html``), a manifest
saying where every word came from, and the review page. Everything is read from the PO
file, so rebuilding after translators' edits needs no model. A file whose content would not
change is not rewritten, and the manifest keeps its ``built_at`` then, so a rebuild of an
unchanged catalog leaves no diff.
"""

from __future__ import annotations

import hashlib
import io
import json
import re
import zipfile
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from functools import cache
from pathlib import Path
from typing import Any, Protocol

import jinja2
import polib
from babel import Locale, UnknownLocaleError

from newsl10n import __version__, fingerprint
from newsl10n.article import check_slug, is_slug
from newsl10n.catalog import (
    FUZZY,
    atomic_write_bytes,
    catalog_path,
    load_catalog,
    template_path,
    template_residue,
)
from newsl10n.errors import Newsl10nError
from newsl10n.segment import Role

MANIFEST_VERSION = 1
ARTICLE_FILES = ("article.md", "article.html")
MANIFEST = "manifest.json"
REVIEW = "review.html"
INDEX = "index.html"


class State(StrEnum):
    """Where a segment's translation stands; the review page shows it as a badge."""

    REVIEWED = "reviewed"
    MACHINE = "machine"
    CHANGED = "changed"  # the source changed since the translator saw it (``#|``)
    UNTRANSLATED = "untranslated"

    @property
    def label(self) -> str:
        return "changed source" if self is State.CHANGED else self.value


class Finding(Protocol):
    """What a QA finding must offer to be shown: the QA module's own type fits."""

    @property
    def severity(self) -> str: ...

    @property
    def message(self) -> str: ...


class LocatedFinding(Finding, Protocol):
    """A finding that names its catalog file and entry (what newsl10n.qa reports)."""

    @property
    def file(self) -> str: ...

    @property
    def msgctxt(self) -> str: ...


# (text, lang) → character spans [start, end) to highlight, e.g. glossary terms.
Highlighter = Callable[[str, str], Sequence[tuple[int, int]]]
# Keyed by (catalog path, msgctxt); the path may be absolute or relative to the project,
# and msgctxt "" holds findings about the whole catalog.
Findings = Mapping[tuple[str, str], Sequence[Finding]]


@dataclass(frozen=True)
class Unit:
    """One live catalog entry, as the article sees it."""

    id: str  # msgctxt
    role: Role
    paragraph: int  # 0 when the catalog does not say: the unit is a paragraph of its own
    sentence: int
    source: str  # msgid
    translation: str  # msgstr, "" when untranslated
    state: State
    source_lang: str
    catalog_line: int  # where the entry starts in the PO file
    source_line: int | None = None
    previous_source: str = ""  # ``#| msgid`` when the source changed
    notes: tuple[str, ...] = ()  # extracted-comment lines after the position line
    translator_comment: str = ""

    def shown(self, keep_source_for_unreviewed: bool = False) -> tuple[str, bool]:
        """The text the localized article uses, and whether it is the source text."""
        if self.state is State.REVIEWED:
            return self.translation, False
        if self.state is State.UNTRANSLATED or keep_source_for_unreviewed:
            return self.source, True
        return self.translation, False


@dataclass(frozen=True)
class Paragraph:
    """Consecutive units of one layout block (a caption block also holds its credit)."""

    number: int
    role: Role
    units: tuple[Unit, ...]


@dataclass(frozen=True)
class SourceMeta:
    file: str  # relative to the project, as the catalog header records it
    sha256: str
    language: str
    confidence: float | None


@dataclass(frozen=True)
class Counts:
    segments: int
    reviewed: int
    machine: int
    changed: int
    untranslated: int

    @property
    def reviewed_share(self) -> float:
        return self.reviewed / self.segments if self.segments else 0.0

    @classmethod
    def of(cls, units: Sequence[Unit]) -> Counts:
        states = [u.state for u in units]
        return cls(
            segments=len(units),
            reviewed=states.count(State.REVIEWED),
            machine=states.count(State.MACHINE),
            changed=states.count(State.CHANGED),
            untranslated=states.count(State.UNTRANSLATED),
        )


@dataclass(frozen=True)
class LocalizedArticle:
    """An article in one target language, in article order, read from its catalog."""

    slug: str
    lang: str
    catalog: Path
    catalog_ref: str  # the catalog path as pages and manifests cite it
    source: SourceMeta
    machine_translation: str
    glossary_sha256: str | None
    units: tuple[Unit, ...]

    @property
    def counts(self) -> Counts:
        return Counts.of(self.units)

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


@dataclass(frozen=True)
class ShownFinding:
    """A finding as pages and the manifest record it (plain strings, article order)."""

    segment: str
    catalog_line: int | None
    severity: str
    message: str


@dataclass(frozen=True)
class BundleResult:
    """What happened to one article in one language; ``error`` set means it failed."""

    slug: str
    lang: str
    folder: Path
    counts: Counts | None = None
    findings: int = 0
    written: tuple[str, ...] = ()  # file names rewritten (unchanged files are left alone)
    warnings: tuple[str, ...] = ()
    skipped: str = ""
    error: str = ""

    @property
    def ok(self) -> bool:
        return not self.error

    @property
    def label(self) -> str:
        """ "slug → lang", or the slug alone for a failure before any language."""
        return f"{self.slug} → {self.lang}" if self.lang else self.slug


@dataclass(frozen=True)
class ArchiveResult:
    slug: str
    path: Path
    languages: tuple[str, ...]
    written: bool


@dataclass(frozen=True)
class BundleReport:
    bundles: tuple[BundleResult, ...]
    archives: tuple[ArchiveResult, ...] = ()
    index: Path | None = None
    index_written: bool = False

    @property
    def ok(self) -> bool:
        return all(b.ok for b in self.bundles)


# ---------------------------------------------------------------- reading catalogs

_POSITION = re.compile(
    r"^(?P<role>[a-z]+), paragraph (?P<p>\d+), sentence (?P<s>\d+); "
    r"source language (?P<lang>\S*)\s*$"
)
_ROLES = {r.value: r for r in Role}


def localize(po: polib.POFile, *, slug: str, lang: str, path: Path, root: Path) -> LocalizedArticle:
    """The article model of one parsed catalog (live entries, in file order)."""
    meta = po.metadata
    source_lang = meta.get("X-Source-Language", "")
    units = tuple(_unit(e, source_lang) for e in po if not e.obsolete)
    return LocalizedArticle(
        slug=slug,
        lang=lang,
        catalog=path,
        catalog_ref=project_ref(path, root),
        source=SourceMeta(
            file=meta.get("X-Source-File", ""),
            sha256=meta.get("X-Source-SHA256", ""),
            language=source_lang,
            confidence=_float(meta.get("X-Source-Language-Confidence")),
        ),
        machine_translation=meta.get("X-Machine-Translation", ""),
        glossary_sha256=meta.get("X-Glossary-SHA256") or None,
        units=units,
    )


def read_localized(path: Path, *, slug: str, lang: str, root: Path) -> LocalizedArticle:
    """Load (strictly) and model one catalog; a broken file raises CatalogError."""
    po = load_catalog(path)
    if po is None:
        raise Newsl10nError(f"{path}: no catalog")
    return localize(po, slug=slug, lang=lang, path=path, root=root)


def entry_state(entry: polib.POEntry) -> State:
    if not entry.msgstr:
        return State.UNTRANSLATED
    if entry.previous_msgid:
        return State.CHANGED
    return State.MACHINE if FUZZY in entry.flags else State.REVIEWED


def _unit(entry: polib.POEntry, source_lang: str) -> Unit:
    lines = (entry.comment or "").splitlines()
    found = _POSITION.match(lines[0]) if lines else None
    ctxt = entry.msgctxt or ""
    role_name = found["role"] if found else ctxt.split(":", 1)[0]
    source_line = None
    if entry.occurrences:
        line = entry.occurrences[0][1]
        source_line = int(line) if str(line).isdigit() else None
    return Unit(
        id=ctxt,
        role=_ROLES.get(role_name, Role.PARAGRAPH),
        paragraph=int(found["p"]) if found else 0,
        sentence=int(found["s"]) if found else 1,
        source=entry.msgid,
        translation=entry.msgstr,
        state=entry_state(entry),
        source_lang=(found["lang"] if found and found["lang"] else source_lang),
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


def _float(value: str | None) -> float | None:
    try:
        return float(value) if value else None
    except ValueError:
        return None


def project_ref(path: Path, root: Path) -> str:
    """A path as pages cite it: relative to the project when inside it."""
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return path.as_posix()


# ---------------------------------------------------------------- text and language


_CJK = re.compile(
    r"[\u2e80-\u2fff\u3000-\u30ff\u31c0-\u31ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
    r"\uff00-\uffef\U00020000-\U0003ffff]"
)
_CLOSING = "\"'”’»)]」』）】〕〉》"
_OPENING = "\"'“‘«([「『（【〔〈《"


def separator(left: str, right: str) -> str:
    """What goes between two sentences: nothing between Chinese/Japanese ones, else a space.

    Decided by the characters at the seam, not the target language, because a sentence left
    in the source language can sit between translated ones. Korean (Hangul) takes a space.
    """
    end = left.rstrip().rstrip(_CLOSING)[-1:]
    start = right.lstrip().lstrip(_OPENING)[:1]
    return "" if end and start and _CJK.match(end) and _CJK.match(start) else " "


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


# ---------------------------------------------------------------- article.md

_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>~#])")
_MD_ENTITY = re.compile(r"&(?=#?[0-9A-Za-z]+;)")
_MD_BLOCK_START = re.compile(r"^([+=|-]|\d+(?=[.)]))")
_LINE_BREAKS = re.compile(r"[ \t]*[\n\r\v\f\x1c-\x1e\x85\u2028\u2029][\s]*")


def md_escape(text: str) -> str:
    """Text that Markdown shows literally, in the paragraph it is placed in: no emphasis,
    links, HTML or entities from it, and no line breaks (a msgstr with a blank line and
    ``# x`` would otherwise start a heading of its own)."""
    text = _LINE_BREAKS.sub(" ", text)
    text = _MD_SPECIAL.sub(r"\\\1", text)
    text = _MD_ENTITY.sub(r"\\&", text)
    return _MD_BLOCK_START.sub(lambda m: f"{m[1]}\\" if m[1][0].isdigit() else f"\\{m[1]}", text)


def render_markdown(article: LocalizedArticle, keep_source_for_unreviewed: bool = False) -> str:
    """Caption (italic, with its credit), title, headings and paragraphs in source order."""
    blocks: list[str] = []
    for para in article.paragraphs:
        parts = pieces(para, article.lang, keep_source_for_unreviewed)
        text = "".join(f"{p.before}{md_escape(p.text)}" for p in parts)
        if not text:
            continue
        if para.role is Role.TITLE:
            blocks.append(f"# {text}")
        elif para.role is Role.HEADING:
            blocks.append(f"## {text}")
        elif para.role in (Role.CAPTION, Role.CREDIT):
            blocks.append(f"*{text}*")
        else:
            blocks.append(text)
    return "\n\n".join(blocks) + "\n"


# ---------------------------------------------------------------- templates


@cache
def templates() -> jinja2.Environment:
    """Package templates, HTML-escaped everywhere: article text and catalogs are untrusted."""
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("newsl10n", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.globals["dir_of"] = text_direction
    env.globals["language_name"] = language_name
    env.globals["Role"] = Role
    return env


def render_html(article: LocalizedArticle, keep_source_for_unreviewed: bool = False) -> str:
    paragraphs = [
        (para, pieces(para, article.lang, keep_source_for_unreviewed))
        for para in article.paragraphs
    ]
    return (
        templates()
        .get_template("article.html.j2")
        .render(
            article=article,
            title=article.title(keep_source_for_unreviewed),
            dir=text_direction(article.lang),
            paragraphs=[(para, parts) for para, parts in paragraphs if parts],
            counts=article.counts,
            generator=f"newsl10n {__version__}",
        )
    )


# ---------------------------------------------------------------- findings

_SEVERITY_RANK = {"error": 0, "warning": 1, "info": 2}


def severity_name(value: object) -> str:
    """A severity as a plain lower-case word, whether the QA module uses str or Enum."""
    raw = getattr(value, "value", value)
    return str(raw).strip().lower() or "warning"


def severity_rank(severity: str) -> int:
    return _SEVERITY_RANK.get(severity, 1)


class FindingIndex:
    """Findings looked up by (catalog file, msgctxt), whichever way the path was spelled."""

    def __init__(self, findings: Findings | None, root: Path) -> None:
        self._by_key: dict[tuple[Path, str], list[Finding]] = {}
        for (path, ctxt), found in (findings or {}).items():
            key = ((root / Path(path)).resolve(), ctxt or "")
            self._by_key.setdefault(key, []).extend(found)

    def for_article(self, article: LocalizedArticle) -> dict[str, list[ShownFinding]]:
        """Findings by segment id ("" for the whole catalog), most severe first."""
        catalog = article.catalog.resolve()
        lines = {u.id: u.catalog_line for u in article.units}
        out: dict[str, list[ShownFinding]] = {}
        for (path, ctxt), found in self._by_key.items():
            if path != catalog:
                continue
            shown = [
                ShownFinding(ctxt, lines.get(ctxt), severity_name(f.severity), str(f.message))
                for f in found
            ]
            out[ctxt] = sorted(shown, key=lambda f: severity_rank(f.severity))
        return out


def group_findings(found: Iterable[LocatedFinding]) -> dict[tuple[str, str], list[LocatedFinding]]:
    """A flat list of located findings as ``build_bundles`` takes them."""
    grouped: dict[tuple[str, str], list[LocatedFinding]] = {}
    for finding in found:
        grouped.setdefault((str(finding.file), finding.msgctxt or ""), []).append(finding)
    return grouped


def ordered_findings(
    article: LocalizedArticle, by_segment: Mapping[str, Sequence[ShownFinding]]
) -> list[ShownFinding]:
    """All findings in article order (catalog-wide ones first, unknown segments last)."""
    order = {"": -1} | {u.id: i for i, u in enumerate(article.units)}
    return [
        f
        for ctxt in sorted(by_segment, key=lambda c: order.get(c, len(order)))
        for f in by_segment[ctxt]
    ]


# ---------------------------------------------------------------- manifest

_MODEL = re.compile(r"^(?P<engine>\S+) (?P<package>\S+) (?P<version>\S+)$")


def model_packages(header: str) -> list[dict[str, str]]:
    """``argos translate-en_ru 1.9 + argos translate-ru_en 1.0`` as a list of packages."""
    out: list[dict[str, str]] = []
    for part in header.split(" + "):
        found = _MODEL.match(part.strip())
        if found:
            out.append(found.groupdict())
    return out


def manifest_data(
    article: LocalizedArticle,
    files: Mapping[str, bytes],
    findings: Sequence[ShownFinding],
    keep_source_for_unreviewed: bool,
    built_at: datetime,
) -> dict[str, Any]:
    """The manifest as JSON data; fields are documented in schemas/manifest.schema.json."""
    counts = article.counts
    by_severity: dict[str, int] = {}
    for f in findings:
        by_severity[f.severity] = by_severity.get(f.severity, 0) + 1
    return {
        "manifest_version": MANIFEST_VERSION,
        "slug": article.slug,
        "language": article.lang,
        "title": {
            "source": article.source_title,
            "translated": article.title(keep_source_for_unreviewed),
        },
        "source": {
            "file": article.source.file,
            "sha256": article.source.sha256,
            "language": article.source.language,
            "language_confidence": article.source.confidence,
        },
        "machine_translation": {
            "header": article.machine_translation,
            "packages": model_packages(article.machine_translation),
        },
        "glossary_sha256": article.glossary_sha256,
        "catalog": {"path": article.catalog_ref, "sha256": _sha256(article.catalog)},
        "options": {"keep_source_for_unreviewed": keep_source_for_unreviewed},
        "counts": {
            "segments": counts.segments,
            "reviewed": counts.reviewed,
            "machine": counts.machine,
            "changed_source": counts.changed,
            "untranslated": counts.untranslated,
        },
        "qa": {
            "by_severity": dict(sorted(by_severity.items())),
            "findings": [
                {
                    "segment": f.segment,
                    "catalog_line": f.catalog_line,
                    "severity": f.severity,
                    "message": f.message,
                }
                for f in findings
            ],
        },
        "files": {name: hashlib.sha256(data).hexdigest() for name, data in sorted(files.items())},
        "generator": f"newsl10n {__version__}",
        "built_at": iso_time(built_at),
    }


def settle_built_at(new: dict[str, Any], old: Mapping[str, Any] | None) -> dict[str, Any]:
    """Keep the previous ``built_at`` when nothing else in the manifest changed.

    ``built_at`` then says when the bundle last changed, and a rebuild leaves no diff.
    """
    if old is not None and "built_at" in old:
        rest = {k: v for k, v in new.items() if k != "built_at"}
        if rest == {k: v for k, v in old.items() if k != "built_at"}:
            return {**new, "built_at": old["built_at"]}
    return new


def render_manifest(data: Mapping[str, Any]) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def iso_time(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def read_manifest(path: Path) -> dict[str, Any] | None:
    """A manifest from disk, or None when missing or unreadable (it is then rebuilt)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


# ---------------------------------------------------------------- files


def write_if_changed(path: Path, data: bytes) -> bool:
    """Atomic write (temporary file + rename) unless the file already holds ``data``."""
    try:
        if path.read_bytes() == data:
            return False
    except OSError:
        pass
    atomic_write_bytes(path, data)
    return True


def bundle_folder(bundles: Path, lang: str, slug: str) -> Path:
    return bundles / lang / check_slug(bundles, slug)


def archive_path(bundles: Path, slug: str) -> Path:
    return bundles / f"{check_slug(bundles, slug)}.zip"


def build_archive(bundles: Path, slug: str, languages: Sequence[str]) -> bytes:
    """One zip per article: ``<slug>/<lang>/<file>`` for each language's bundle (the slug
    is checked by ``bundle_folder``, so no member name can step outside).

    Byte-for-byte reproducible (sorted entries, each dated by its manifest's ``built_at``),
    so an unchanged article gives an unchanged archive.
    """
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for lang in sorted(languages):
            folder = bundle_folder(bundles, lang, slug)
            manifest = read_manifest(folder / MANIFEST) or {}
            stamp = _zip_time(str(manifest.get("built_at", "")))
            for name in (*ARTICLE_FILES, MANIFEST, REVIEW):
                file = folder / name
                if not file.is_file():
                    continue
                info = zipfile.ZipInfo(f"{slug}/{lang}/{name}", date_time=stamp)
                info.compress_type = zipfile.ZIP_DEFLATED
                info.external_attr = 0o644 << 16
                archive.writestr(info, file.read_bytes())
    return buffer.getvalue()


def _zip_time(value: str) -> tuple[int, int, int, int, int, int]:
    try:
        moment = datetime.strptime(value, "%Y-%m-%dT%H:%M:%SZ")
    except ValueError:
        return (1980, 1, 1, 0, 0, 0)
    return (moment.year, moment.month, moment.day, moment.hour, moment.minute, moment.second)


# ---------------------------------------------------------------- discovery


def catalog_languages(locales: Path) -> list[str]:
    """Languages with a catalog folder (``<lang>/LC_MESSAGES``), sorted."""
    if not locales.is_dir():
        return []
    return sorted(p.name for p in locales.iterdir() if (p / "LC_MESSAGES").is_dir())


def catalog_slugs(locales: Path, languages: Iterable[str]) -> list[str]:
    return sorted(
        {p.stem for lang in languages for p in (locales / lang / "LC_MESSAGES").glob("*.po")}
    )


def stale_slugs(locales: Path, bundles: Path, languages: Iterable[str]) -> list[str]:
    """Articles with a catalog whose bundle is missing or was built from other bytes (a
    translator edited the catalog since): a plain run rebuilds those too."""
    stale: set[str] = set()
    for lang in languages:
        for path in (locales / lang / "LC_MESSAGES").glob("*.po"):
            if not path.is_file():
                continue
            manifest = read_manifest(bundle_folder(bundles, lang, path.stem) / MANIFEST) or {}
            recorded = (manifest.get("catalog") or {}).get("sha256")
            try:
                if recorded != _sha256(path):
                    stale.add(path.stem)
            except OSError:
                continue  # unreadable: reported by the build that reads it
    return sorted(stale)


# ---------------------------------------------------------------- the entry point


@dataclass(frozen=True)
class _Options:
    root: Path
    keep_source_for_unreviewed: bool
    highlight: Highlighter | None
    findings: FindingIndex
    clock: Callable[[], datetime]


def _now() -> datetime:
    return datetime.now(UTC)


def build_bundles(
    locales: Path,
    bundles: Path,
    languages: Sequence[str] | None = None,
    slugs: Sequence[str] | None = None,
    *,
    root: Path,
    keep_source_for_unreviewed: bool = False,
    zip_: bool = False,
    highlight: Highlighter | None = None,
    findings: Findings | None = None,
    clock: Callable[[], datetime] | None = None,
) -> BundleReport:
    """Build bundles and review pages for every (article, language) with a catalog.

    ``languages``/``slugs`` of None mean every one found under ``locales``. A pair without
    a catalog is skipped (an article is not translated into its own language); a slug with
    no catalog at all, or a broken catalog, is a failed result, and the others go on.
    ``zip_`` also writes ``bundles/<slug>.zip`` with the languages built in this call.
    The index page always covers every bundle on disk.
    """
    from newsl10n.review import render_index

    options = _Options(
        root=root,
        keep_source_for_unreviewed=keep_source_for_unreviewed,
        highlight=highlight,
        findings=FindingIndex(findings, root),
        clock=clock or _now,
    )
    langs = list(languages) if languages is not None else catalog_languages(locales)
    wanted = list(slugs) if slugs is not None else catalog_slugs(locales, langs)
    results: list[BundleResult] = []
    for slug in wanted:
        # exists(), not is_file(): a FIFO or folder named x.po is reported, not skipped
        found = [lang for lang in langs if catalog_path(locales, lang, slug).exists()]
        if not is_slug(slug):  # a catalog named "...po" must not build into bundles/<lang>/
            where = catalog_path(locales, found[0], slug) if found else locales
            error = f"{where}: {slug!r} is not a safe slug; rename the catalog"
            results.append(BundleResult(slug, "", bundles, error=error))
            continue
        if not found:
            results.append(
                BundleResult(slug, "", bundles, error=f"no catalog for {slug!r} under {locales}")
                if slugs is not None
                else BundleResult(slug, "", bundles, skipped="no catalog")
            )
            continue
        for lang in langs:
            if lang not in found:
                folder = bundle_folder(bundles, lang, slug)
                results.append(BundleResult(slug, lang, folder, skipped="no catalog"))
                continue
            results.append(_build_one(locales, bundles, lang, slug, options))
    archives: list[ArchiveResult] = []
    if zip_:
        for slug in wanted:
            built = tuple(r.lang for r in results if r.slug == slug and r.ok and r.counts)
            if built:
                path = archive_path(bundles, slug)
                data = build_archive(bundles, slug, built)
                archives.append(ArchiveResult(slug, path, built, write_if_changed(path, data)))
    index = bundles / INDEX
    index_written = write_if_changed(index, render_index(bundles).encode("utf-8"))
    return BundleReport(tuple(results), tuple(archives), index, index_written)


def _build_one(
    locales: Path, bundles: Path, lang: str, slug: str, options: _Options
) -> BundleResult:
    from newsl10n.review import render_review  # review builds on this module's model

    folder = bundle_folder(bundles, lang, slug)
    try:
        article = read_localized(
            catalog_path(locales, lang, slug), slug=slug, lang=lang, root=options.root
        )
    except Newsl10nError as err:
        return BundleResult(slug, lang, folder, error=str(err))
    warnings = tuple(source_warnings(article, options.root))
    try:
        residue = template_residue(load_catalog(template_path(locales, slug)))
    except Newsl10nError:
        residue = []  # a broken template is for the run to report
    keep = options.keep_source_for_unreviewed
    files = {
        "article.md": render_markdown(article, keep).encode("utf-8"),
        "article.html": render_html(article, keep).encode("utf-8"),
    }
    by_segment = options.findings.for_article(article)
    findings = ordered_findings(article, by_segment)
    manifest = settle_built_at(
        manifest_data(article, files, findings, keep, options.clock()),
        read_manifest(folder / MANIFEST),
    )
    page = render_review(
        article, by_segment, highlight=options.highlight, warnings=warnings, manifest=manifest,
        residue=residue,
    )  # fmt: skip
    outputs = {
        **files,
        MANIFEST: render_manifest(manifest).encode("utf-8"),
        REVIEW: page.encode("utf-8"),
    }
    try:
        written = tuple(
            name for name, data in outputs.items() if write_if_changed(folder / name, data)
        )
    except OSError as err:
        return BundleResult(slug, lang, folder, error=f"{folder}: cannot write bundle: {err}")
    return BundleResult(
        slug, lang, folder, article.counts, len(findings), written, warnings=warnings
    )


def source_warnings(article: LocalizedArticle, root: Path) -> Iterable[str]:
    """Is the catalog behind its source file? (The bundle is still built from the catalog.)"""
    if not article.source.file:
        return
    path = root / article.source.file
    if not path.is_file():
        yield f"{article.source.file}: source file not found"
    elif article.source.sha256 and _sha256(path) != article.source.sha256:
        yield (
            f"{article.source.file} changed since {article.catalog_ref} was updated; "
            "run `newsl10n run` to bring the catalog up to date"
        )
