"""The process, as plain functions: prepare an article once, then translate it per language.

Prefect flows (``flows/``) and the CLI call these; nothing here knows about either.
Failures that concern one article or one language are returned as results, not raised,
so the other pairs of a run go on.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from newsl10n import catalog, qa
from newsl10n.article import Article, discover_articles, read_article, slugify
from newsl10n.bundle import BundleReport, build_bundles, group_findings
from newsl10n.config import Settings
from newsl10n.detect import Detection, detect_language, detect_segments
from newsl10n.engines.base import Engine
from newsl10n.errors import Newsl10nError
from newsl10n.glossary import Glossary, find_terms
from newsl10n.protect import Outcome, translate_with_glossary
from newsl10n.segment import Layout, Residue, Segment, segment_blocks
from newsl10n.tm import TranslationMemory


@dataclass(frozen=True)
class PreparedArticle:
    """An article read, language-detected and segmented: everything a pair needs."""

    article: Article
    language: Detection
    segments: tuple[Segment, ...]
    residue: tuple[Residue, ...]
    reference: str  # the source path as catalogs cite it (relative to the project)

    @property
    def slug(self) -> str:
        return self.article.slug

    @property
    def source(self) -> catalog.SourceInfo:
        return catalog.SourceInfo(
            self.slug,
            self.reference,
            self.article.sha256,
            self.language.lang,
            self.language.confidence,
        )


@dataclass(frozen=True)
class PairResult:
    """What happened to one article in one language; ``error`` set means the pair failed."""

    slug: str
    target: str
    segments: int = 0
    translated: int = 0  # machine-translated in this run
    from_memory: int = 0  # taken from reviewed translations in other catalogs
    kept: int = 0  # existing entries left as they were
    failed: int = 0  # segments left untranslated
    qa_errors: int = 0  # catalog check findings (glossary terms, numbers)
    qa_warnings: int = 0
    catalog: str = ""
    written: bool = False
    model: str = ""
    error: str = ""
    skipped: str = ""  # why nothing was done (the article is already in this language)

    @property
    def ok(self) -> bool:
        return not self.error and not self.failed


def prepare_article(path: Path, settings: Settings) -> PreparedArticle:
    """Read, detect the article's language, segment, then detect each segment's language."""
    article = read_article(path)
    candidates = settings.candidates
    language = article_language(article, candidates)
    if language.lang == "und":
        raise Newsl10nError(f"{path}: cannot tell which language the article is in")
    layout: Layout = segment_blocks(article.blocks, language.lang)
    found = detect_segments([s.text for s in layout.segments], language.lang, candidates)
    segments = tuple(
        replace(seg, lang=det.lang) for seg, det in zip(layout.segments, found, strict=True)
    )
    return PreparedArticle(article, language, segments, layout.residue, _reference(path, settings))


def article_language(article: Article, candidates: Sequence[str]) -> Detection:
    """The front matter's language when it declares one, else the detected one."""
    if article.declared_lang:
        return Detection(article.declared_lang, 1.0, "declared")
    return detect_language(article.text, candidates)


def _reference(path: Path, settings: Settings) -> str:
    try:
        return path.resolve().relative_to(settings.root.resolve()).as_posix()
    except ValueError:
        return path.as_posix()


def write_template(prepared: PreparedArticle, settings: Settings) -> bool:
    path = catalog.template_path(settings.locales, prepared.slug)
    with catalog.locked(path):
        previous = catalog.load_catalog(path)
        pot = catalog.build_template(prepared.source, prepared.segments)
        return catalog.write_if_changed(pot, path, previous)


def translate_pair(
    prepared: PreparedArticle,
    target: str,
    engine: Engine,
    settings: Settings,
    memory: TranslationMemory | None = None,
    retranslate: bool = False,
    glossary: Glossary | None = None,
) -> PairResult:
    """Bring one catalog up to date: translate only what is new or changed, keep the rest.

    Machine translations enforce ``glossary``; the written catalog is then checked (QA).
    """
    path = catalog.catalog_path(settings.locales, target, prepared.slug)
    result = PairResult(prepared.slug, target, len(prepared.segments), catalog=str(path))
    if target == prepared.language.lang:
        return replace(result, catalog="", skipped=f"the article is already in {target}")
    try:
        model = engine.model_version(prepared.language.lang, target)  # missing: fails first
        return _update_catalog(
            prepared, target, engine, settings, memory, retranslate, glossary,
            replace(result, model=model),
        )  # fmt: skip
    except Newsl10nError as err:
        return replace(result, error=str(err))


def _update_catalog(
    prepared: PreparedArticle,
    target: str,
    engine: Engine,
    settings: Settings,
    memory: TranslationMemory | None,
    retranslate: bool,
    glossary: Glossary | None,
    result: PairResult,
) -> PairResult:
    """Read, translate with no lock held (a translator may save meanwhile), then commit:
    under the lock the file is read again and the run's entries merged into what it holds."""
    path, model = Path(result.catalog), result.model
    snapshot = catalog.read(path)
    plan = catalog.plan_update(snapshot.po, prepared.segments, retranslate=retranslate)
    memory = memory or TranslationMemory(settings.locales, target)
    origin = path.relative_to(settings.locales.parent).as_posix()
    drafts = draft_translations(plan.todo, target, engine, memory, origin, glossary)
    draft = catalog.Draft(
        prepared.source,
        target,
        prepared.segments,
        drafts.texts,
        drafts.notes,
        model,
        glossary_sha256=glossary.sha256 if glossary is not None else "",
        retranslate=retranslate,
    )
    try:
        done = catalog.commit(snapshot, draft)
    except OSError as err:
        return replace(result, error=f"{path}: cannot write catalog: {err.strerror or err}")
    findings = qa.check_po(done.po, path, glossary, target) if glossary is not None else []
    return replace(
        result,
        qa_errors=sum(f.severity == "error" for f in findings),
        qa_warnings=sum(f.severity != "error" for f in findings),
        translated=drafts.machine,
        from_memory=drafts.memory,
        kept=len(done.plan.kept),
        failed=sum(1 for s in done.plan.todo if s.id not in drafts.texts),
        written=done.written,
    )


@dataclass(frozen=True)
class Drafts:
    """Proposed msgstrs for segments without an entry, and where each came from."""

    texts: dict[str, str]
    notes: dict[str, str]
    machine: int
    memory: int


def draft_translations(
    todo: Sequence[Segment],
    target: str,
    engine: Engine,
    memory: TranslationMemory,
    exclude: str = "",
    glossary: Glossary | None = None,
) -> Drafts:
    """Reviewed work first (exact memory matches), the engine for the rest, and a close
    memory match (≥75%) offered instead of raw machine output, with the machine output
    kept in the comment for the translator."""
    if not todo:
        return Drafts({}, {}, 0, 0)
    texts: dict[str, str] = {}
    notes: dict[str, str] = {}
    rest: list[Segment] = []
    for seg in todo:
        match = memory.lookup(seg.text, exclude=exclude, threshold=1.0)
        if match is None:
            rest.append(seg)
            continue
        texts[seg.id] = match.unit.target
        notes[seg.id] = f"translation memory: reviewed translation from {match.unit.origin}"
    machine_texts, machine_notes = translate_segments(rest, target, engine, glossary)
    notes.update(machine_notes)
    from_memory = len(texts)
    for seg in rest:
        mt = machine_texts.get(seg.id)
        if mt is None:
            continue
        match = memory.lookup(seg.text, exclude=exclude)
        if match is None:
            texts[seg.id] = mt
            continue
        texts[seg.id] = match.unit.target
        from_memory += 1
        notes[seg.id] = (
            f"translation memory: {match.score:.0%} match from {match.unit.origin} "
            f"for “{match.unit.source}”; machine translation: {mt}"
        )
    return Drafts(texts, notes, len(texts) - from_memory, from_memory)


def translate_segments(
    todo: Sequence[Segment], target: str, engine: Engine, glossary: Glossary | None = None
) -> tuple[dict[str, str], dict[str, str]]:
    """Machine translations by segment id, in batched calls per source language, with the
    glossary enforced; terms that could not be enforced are named in a note.

    A segment whose own language has no model is left out and gets a note instead.
    """
    by_lang: dict[str, list[Segment]] = defaultdict(list)
    for seg in todo:
        by_lang[seg.lang].append(seg)
    translations: dict[str, str] = {}
    notes: dict[str, str] = {}
    for lang, segs in by_lang.items():
        texts = [s.text for s in segs]
        try:
            if glossary is not None and glossary.terms:
                outcomes = translate_with_glossary(engine, texts, lang, target, glossary)
            else:
                outcomes = [Outcome(t, (), "plain") for t in engine.translate(texts, lang, target)]
        except Newsl10nError as err:  # no model for this language, or the engine failed
            for seg in segs:
                notes[seg.id] = f"not translated: {err}"
            continue
        for seg, outcome in zip(segs, outcomes, strict=True):
            if outcome.text:
                translations[seg.id] = outcome.text
            if outcome.missing:
                notes[seg.id] = "glossary: missing " + "; ".join(outcome.missing)
    return translations, notes


def up_to_date(path: Path, settings: Settings, targets: Sequence[str]) -> bool:
    """True when the template and every target catalog were made from these exact bytes:
    a batch run then skips the article without reading it further (no detection, no model).
    """
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    slug_path = catalog.template_path(settings.locales, slugify(path.stem))
    try:
        pot = catalog.load_catalog(slug_path)
        if pot is None or pot.metadata.get("X-Source-SHA256") != digest:
            return False
        source_lang = pot.metadata.get("X-Source-Language", "")
        slug = slug_path.stem
        for target in targets:
            if target == source_lang:
                continue
            po = catalog.load_catalog(catalog.catalog_path(settings.locales, target, slug))
            if po is None or po.metadata.get("X-Source-SHA256") != digest:
                return False
            if any(not e.msgstr for e in catalog.entries(po)):
                return False  # something is left to translate (a model was missing)
    except Newsl10nError:
        return False  # a broken catalog is for the full path to report
    return True


def discover(settings: Settings) -> list[Path]:
    """Every article under the source folder, in a stable order."""
    return discover_articles(settings.source)


def build_review(
    settings: Settings,
    glossary: Glossary,
    languages: Sequence[str] | None = None,
    slugs: Sequence[str] | None = None,
    *,
    zip_: bool = False,
    keep_source_for_unreviewed: bool = False,
) -> BundleReport:
    """Bundles and review pages from the catalogs alone (no model), with glossary terms
    highlighted and QA findings shown where they occur."""
    findings = group_findings(qa.check_locales(settings.locales, glossary))

    def highlight(text: str, lang: str) -> list[tuple[int, int]]:
        return [(m.start, m.span_end) for m in find_terms(text, glossary, lang)]

    return build_bundles(
        settings.locales,
        settings.bundles,
        languages,
        slugs,
        root=settings.root,
        keep_source_for_unreviewed=keep_source_for_unreviewed,
        zip_=zip_,
        highlight=highlight,
        findings=findings,
    )
