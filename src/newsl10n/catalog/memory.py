"""Translation memory: reviewed translations from every catalog, reused across articles.

The memory is the catalogs themselves (no separate database to drift out of date): every
reviewed entry of every article in a language is a unit. It loads lazily, so a run with
nothing to translate never reads it. Export is TMX 1.4b, which CAT tools import.
"""

from __future__ import annotations

import threading
import xml.etree.ElementTree as ET
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from difflib import SequenceMatcher
from pathlib import Path

from newsl10n import __version__
from newsl10n.catalog.entry import is_reviewed
from newsl10n.catalog.header import source_language
from newsl10n.catalog.store import CATALOG_SUFFIX, catalog_folder, load_catalog
from newsl10n.errors import CatalogError

FUZZY_THRESHOLD = 0.75  # as translate-toolkit's pot2po: below this a match is not worth showing


@dataclass(frozen=True)
class MemoryUnit:
    source: str
    target: str
    source_lang: str
    target_lang: str
    origin: str  # the catalog it was reviewed in


@dataclass(frozen=True)
class Match:
    unit: MemoryUnit
    score: float  # 1.0 for an exact match


def reviewed_units(locales: Path, lang: str, problems: list[str] | None = None) -> list[MemoryUnit]:
    """Reviewed entries of every catalog of ``lang``. A broken catalog is skipped; its
    problem goes to ``problems`` when given (``tm export`` reports it; a run reports the
    catalog itself when it reaches it)."""
    units: list[MemoryUnit] = []
    folder = catalog_folder(locales, lang)
    for path in sorted(folder.glob(f"*{CATALOG_SUFFIX}")) if folder.is_dir() else []:
        try:
            po = load_catalog(path)
        except CatalogError as err:
            if problems is not None:
                problems.append(str(err))
            continue
        if po is None:
            continue
        source_lang = source_language(po.metadata)
        origin = path.relative_to(locales.parent).as_posix()
        for entry in po:
            if entry.msgstr and is_reviewed(entry):
                units.append(MemoryUnit(entry.msgid, entry.msgstr, source_lang, lang, origin))
    return units


class TranslationMemory:
    """Reviewed units of one target language, looked up exactly or by similarity."""

    def __init__(self, locales: Path, lang: str, units: Sequence[MemoryUnit] | None = None) -> None:
        self.locales = locales
        self.lang = lang
        self._units: list[MemoryUnit] | None = list(units) if units is not None else None
        self._exact: dict[str, MemoryUnit] = {}  # first unit per source text
        self._lock = threading.Lock()  # tasks of one run share a memory per language

    @property
    def units(self) -> list[MemoryUnit]:
        """Loaded on first use: a run with nothing to translate never reads catalogs."""
        with self._lock:
            if self._units is None:
                self._units = reviewed_units(self.locales, self.lang)
            if not self._exact:
                self._exact = {u.source: u for u in reversed(self._units)}
            return self._units

    def lookup(
        self, text: str, exclude: str = "", threshold: float = FUZZY_THRESHOLD
    ) -> Match | None:
        """The best unit for ``text`` not from catalog ``exclude``: exact first, then fuzzy."""
        units = self.units
        exact = self._exact.get(text)
        if exact is not None and exact.origin != exclude:
            return Match(exact, 1.0)
        best: Match | None = None
        for unit in units:
            if unit.origin == exclude or not _could_reach(text, unit.source, threshold):
                continue
            matcher = SequenceMatcher(None, text, unit.source, autojunk=False)
            if matcher.quick_ratio() < threshold:
                continue
            score = matcher.ratio()
            if score >= threshold and (best is None or score > best.score):
                best = Match(unit, score)
        return best


def _could_reach(a: str, b: str, threshold: float) -> bool:
    """Length alone bounds the ratio: 2*min/(len a + len b)."""
    total = len(a) + len(b)
    return total > 0 and 2 * min(len(a), len(b)) / total >= threshold


def export_tmx(units: Iterable[MemoryUnit]) -> str:
    """TMX 1.4b: one translation unit per source text, one variant per language."""
    grouped: dict[tuple[str, str], dict[str, str]] = {}
    for unit in units:
        variants = grouped.setdefault((unit.source_lang, unit.source), {})
        variants.setdefault(unit.target_lang, unit.target)
    tmx = ET.Element("tmx", version="1.4")
    source_langs = sorted({lang for lang, _ in grouped}) or ["en"]
    ET.SubElement(
        tmx,
        "header",
        {
            "creationtool": "newsl10n",
            "creationtoolversion": __version__,
            "datatype": "plaintext",
            "segtype": "sentence",
            "adminlang": "en",
            "srclang": source_langs[0] if len(source_langs) == 1 else "*all*",
            "o-tmf": "gettext",
            "creationdate": datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ"),
        },
    )
    body = ET.SubElement(tmx, "body")
    for (source_lang, source), variants in sorted(grouped.items()):
        tu = ET.SubElement(body, "tu", srclang=source_lang)
        for lang, text in [(source_lang, source), *sorted(variants.items())]:
            tuv = ET.SubElement(tu, "tuv", {"xml:lang": lang})
            ET.SubElement(tuv, "seg").text = text
    ET.indent(tmx)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(tmx, encoding="unicode") + "\n"
