"""The catalog header: which keys newsl10n writes, what they mean, and reading them back.

A catalog carries what bundles and review pages need to be built from it alone: the
source file and its hash, the source language and detection confidence, the model that
translated it and the glossary it was checked against. One type (``SourceInfo``) and one
set of key names serve the writer (``header``) and every reader (``read_source``,
``HeaderInfo``), so a key cannot be spelled two ways.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime

from newsl10n import __version__

GENERATOR = "X-Generator"
SOURCE_FILE = "X-Source-File"
SOURCE_SHA256 = "X-Source-SHA256"
SOURCE_LANGUAGE = "X-Source-Language"
SOURCE_CONFIDENCE = "X-Source-Language-Confidence"
MACHINE_TRANSLATION = "X-Machine-Translation"
GLOSSARY_SHA256 = "X-Glossary-SHA256"
# The keys a run owns (rewritten on every write; X-Generator stays when another tool,
# Poedit or Weblate, saved the file last).
OWN_KEYS = (
    GENERATOR,
    SOURCE_FILE,
    SOURCE_SHA256,
    SOURCE_LANGUAGE,
    SOURCE_CONFIDENCE,
    MACHINE_TRANSLATION,
    GLOSSARY_SHA256,
)
DATE_KEYS = ("POT-Creation-Date", "PO-Revision-Date")


@dataclass(frozen=True)
class SourceInfo:
    """What a catalog records about its article, so bundles can be built from it alone."""

    slug: str
    reference: str  # the source path as catalogs cite it (relative to the project)
    sha256: str
    language: str
    confidence: float | None  # None when a catalog does not say


@dataclass(frozen=True)
class HeaderInfo:
    """Everything newsl10n reads back from a catalog's header."""

    source: SourceInfo
    machine_translation: str
    glossary_sha256: str | None


def timestamp(now: datetime | None = None) -> str:
    return (now or datetime.now(UTC)).strftime("%Y-%m-%d %H:%M%z")


def plural_forms(lang: str) -> str:
    """The Plural-Forms header for a language, from CLDR via Babel (imported here: Babel's
    catalog module loads time zones, which a run that writes nothing never needs)."""
    from babel.messages.plurals import get_plural

    return str(get_plural(lang))


def header(
    source: SourceInfo, lang: str | None, model: str = "", glossary_sha256: str = ""
) -> dict[str, str]:
    now = timestamp()
    meta = {
        "Project-Id-Version": f"newsl10n {source.slug}",
        "Report-Msgid-Bugs-To": "",
        "POT-Creation-Date": now,
        "PO-Revision-Date": now,
        "Last-Translator": "newsl10n machine translation",
        "Language-Team": lang or "none",
        "Language": lang or "",
        "MIME-Version": "1.0",
        "Content-Type": "text/plain; charset=UTF-8",
        "Content-Transfer-Encoding": "8bit",
    }
    if lang:
        meta["Plural-Forms"] = plural_forms(lang)
    meta[GENERATOR] = f"newsl10n {__version__}"
    meta[SOURCE_FILE] = source.reference
    meta[SOURCE_SHA256] = source.sha256
    meta[SOURCE_LANGUAGE] = source.language
    meta[SOURCE_CONFIDENCE] = f"{source.confidence or 0.0:.2f}"
    if model:
        meta[MACHINE_TRANSLATION] = model
    if glossary_sha256:
        meta[GLOSSARY_SHA256] = glossary_sha256
    return meta


def is_own_generator(metadata: Mapping[str, str]) -> bool:
    """True unless another tool (Poedit, Weblate...) saved the file last: its X-Generator
    stays."""
    generator = metadata.get(GENERATOR, "")
    return not generator or generator.startswith("newsl10n")


def source_sha256(metadata: Mapping[str, str]) -> str:
    return metadata.get(SOURCE_SHA256, "")


def source_language(metadata: Mapping[str, str]) -> str:
    return metadata.get(SOURCE_LANGUAGE, "")


def read_header(metadata: Mapping[str, str], slug: str) -> HeaderInfo:
    """What the header says, with what is missing as empty (never an error: a catalog
    from another tool may lack our keys)."""
    return HeaderInfo(
        source=SourceInfo(
            slug=slug,
            reference=metadata.get(SOURCE_FILE, ""),
            sha256=source_sha256(metadata),
            language=source_language(metadata),
            confidence=_float(metadata.get(SOURCE_CONFIDENCE)),
        ),
        machine_translation=metadata.get(MACHINE_TRANSLATION, ""),
        glossary_sha256=metadata.get(GLOSSARY_SHA256) or None,
    )


def _float(value: str | None) -> float | None:
    try:
        return float(value) if value else None
    except ValueError:
        return None
