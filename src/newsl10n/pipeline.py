"""The process, as plain functions: prepare an article once, then translate it per language.

Prefect flows (``flows/``) and the CLI call these; nothing here knows about either.
Failures that concern one article or one language are returned as results, not raised,
so the other pairs of a run go on.
"""

from __future__ import annotations

import os
import threading
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, replace
from pathlib import Path

import polib

from newsl10n import qa
from newsl10n.catalog import fingerprint, store
from newsl10n.catalog.entry import (
    glossary_notes,
    live,
    memory_note,
    not_translated_note,
    not_translated_reason,
    source_kept_note,
)
from newsl10n.catalog.ledger import CatalogFacts, FileStamp
from newsl10n.catalog.memory import TranslationMemory
from newsl10n.config import Settings
from newsl10n.engines.base import Engine
from newsl10n.errors import Newsl10nError, TextRefused
from newsl10n.glossary.enforce import Outcome, translate_with_glossary
from newsl10n.glossary.learned import LearnedTerms
from newsl10n.glossary.match import known_word
from newsl10n.glossary.model import Glossary
from newsl10n.results import JobStopped, PairResult, PreparedArticle
from newsl10n.review.bundle import BundleReport, BundleResult, build_bundle, build_bundles
from newsl10n.review.findings import group_findings
from newsl10n.review.localized import localize
from newsl10n.review.pages import highlighter
from newsl10n.review.summaries import record_beside, version_of
from newsl10n.source.article import Article, read_article
from newsl10n.source.detect import Detection, detect_language, detect_segments
from newsl10n.source.segment import Layout, Segment, segment_blocks


def prepare_article(
    path: Path, settings: Settings, glossary: Glossary | None = None
) -> PreparedArticle:
    """Read, detect the article's language, segment, then detect each segment's language.

    With ``glossary``, a name broken at a line end ("Pyong-⏎yang") is joined as the
    glossary writes it."""
    candidates = settings.candidates
    article = read_article(path, candidates)
    language = article_language(article, candidates)
    if language.lang == "und":
        raise Newsl10nError(f"{path}: cannot tell which language the article is in")
    known = known_word(glossary, language.lang) if glossary is not None else None
    layout: Layout = segment_blocks(article.blocks, language.lang, known)
    texts = [s.text for s in layout.segments]
    found = detect_segments(texts, language.lang, candidates)
    if not article.declared_lang:
        majority = majority_language(texts, [d.lang for d in found])
        if majority is not None and majority.lang != language.lang:
            # A whole-text guess counts letters; the article is the language of most of its
            # segments' text (an English story quoting a long Russian paragraph is English).
            language = majority
            found = detect_segments(texts, language.lang, candidates)
    segments = tuple(
        replace(seg, lang=det.lang) for seg, det in zip(layout.segments, found, strict=True)
    )
    return PreparedArticle(article, language, segments, layout.residue, settings.relative(path))


def majority_language(texts: Sequence[str], langs: Sequence[str]) -> Detection | None:
    """The language of most of the text, by segments (their length), with its share."""
    weight: dict[str, int] = defaultdict(int)
    for text, lang in zip(texts, langs, strict=True):
        if lang and lang != "und":
            weight[lang] += len(text)
    if not weight:
        return None
    lang = max(weight, key=lambda code: weight[code])
    return Detection(lang, round(weight[lang] / sum(weight.values()), 2), "segments")


def article_language(article: Article, candidates: Sequence[str]) -> Detection:
    """The front matter's language when it declares one, else the detected one."""
    if article.declared_lang:
        return Detection(article.declared_lang, 1.0, "declared")
    return detect_language(article.text, candidates)


def write_template(prepared: PreparedArticle, settings: Settings) -> CatalogFacts:
    """Write (or keep) the article's template; its facts for the ledger. (Litter of killed
    writes is swept by the run at its start, once per folder: see ``store.locked``.)"""
    path = store.template_path(settings.locales, prepared.slug)
    with store.locked(path, sweep=False):
        previous = store.load_catalog(path)
        pot = store.build_template(prepared.source, prepared.segments, prepared.residue)
        store.write_if_changed(pot, path, previous)
        return CatalogFacts(FileStamp.from_stat(os.stat(path)))


def translate_pair(
    prepared: PreparedArticle,
    target: str,
    engine: Engine,
    settings: Settings,
    memory: TranslationMemory | None = None,
    retranslate: bool = False,
    glossary: Glossary | None = None,
) -> PairResult:
    """One catalog with one engine: :func:`translate_articles` for a single article (for
    tests and tools that bring their own engine)."""
    (result,) = translate_articles(
        [prepared], target, lambda _lang: engine, settings, memory, retranslate, glossary
    )
    return result


EngineFor = Callable[[str], Engine]  # the engine for a source language (the target is fixed)
OnSegments = Callable[[int], None]  # told how many segments the engine just translated


@dataclass(frozen=True)
class Suggestion:
    """A proposed msgstr for a segment without an entry ("" when none), its note, and
    where it came from (``machine``, ``memory``, or ``source`` for a segment already in the
    target language)."""

    text: str
    note: str = ""
    origin: str = "machine"


@dataclass(frozen=True)
class _Pair:
    """One catalog between planning and writing (no lock is held while it translates)."""

    prepared: PreparedArticle
    path: Path
    snapshot: store.Snapshot  # the catalog as planned from, to notice a save meanwhile
    plan: store.MergePlan
    result: PairResult


def translate_articles(
    articles: Iterable[PreparedArticle],
    target: str,
    engines: EngineFor,
    settings: Settings,
    memory: TranslationMemory | None = None,
    retranslate: bool = False,
    glossary: Glossary | None = None,
    on_segments: OnSegments | None = None,
    bundles: bool = False,
) -> list[PairResult]:
    """Bring the catalogs of ``articles`` in ``target`` up to date, with one engine call per
    source language and glossary round over the segments of each chunk of articles (about
    CHUNK_SEGMENTS segments: all of them in a small batch). The next chunk is translated
    while this one's catalogs are written, so a batch keeps the model busy. ``articles``
    may still be arriving (a batch streams them as they are prepared): each chunk is
    translated as soon as it is whole.

    With ``bundles``, each catalog's bundle and review page are built as soon as it is
    written, from the catalog in memory and the QA findings its write produced (in the
    job's thread: while this language's pages render, another language's model runs; the
    jobs of a process finish one pair at a time, see FINISHING).

    Only what is new or changed is translated; the rest is kept. Each catalog is read and
    planned first, translated with no lock held, then re-read under its lock and written:
    a translator's save made meanwhile is merged (their entries win), never overwritten.
    Failures of one pair (a missing model, a broken catalog) are that pair's result.
    """
    memory = memory or TranslationMemory(settings.locales, target)
    results: dict[int, PairResult] = {}
    pairs: dict[int, _Pair] = {}
    origins: dict[int, str] = {}
    versions = _version_memo(engines)
    enforcing = glossary is not None and bool(glossary.terms)
    learned: LearnedTerms | None = None

    def chunks() -> Iterator[list[int]]:
        """Runs of whole articles holding about CHUNK_SEGMENTS segments to translate (the
        last may hold fewer; pairs with none ride along), each planned as it arrives."""
        current: list[int] = []
        count = 0
        for i, prepared in enumerate(articles):
            started = _start_pair(prepared, target, versions, settings, retranslate)
            if isinstance(started, PairResult):
                results[i] = started
                continue
            pairs[i], origins[i] = started, _origin(started.path, settings)
            current.append(i)
            count += len(started.plan.todo)
            if count >= CHUNK_SEGMENTS:
                yield current
                current, count = [], 0
        if current:
            yield current

    # What the engine gave for each text, kept over the job's chunks (drafted one after
    # another, never at once): a text repeated in a later chunk is not sent again.
    machine: dict[tuple[str, str], tuple[str, str]] = {}

    def drafts_of(chunk: Sequence[int]) -> dict[tuple[int, str], Suggestion]:
        todo = [(i, seg) for i in chunk for seg in pairs[i].plan.todo]
        return draft_translations(
            todo, target, engines, memory, origins, glossary, on_segments, learned, machine
        )

    def learning(chunk: Sequence[int]) -> None:
        """The glossary's term memory, read before the first chunk with work for it."""
        nonlocal learned
        if enforcing and learned is None and any(pairs[i].plan.todo for i in chunk):
            assert glossary is not None
            learned = LearnedTerms.beside(settings.locales, glossary)

    # The model drafts the next chunk while this thread writes the catalogs and bundles of
    # the one before (the engine releases the interpreter's lock; writing holds it). The
    # first chunk is drafted here: nothing is written yet to overlap it with (and a batch
    # of one chunk, such as one article, runs the model in the job's own thread).
    # An engine failure in a later chunk propagates as JobStopped with the results of the
    # pairs finished before it (a runner may retry the job: the catalogs already written
    # are then up to date), after what was learned is kept.
    coming = chunks()
    try:
        with ThreadPoolExecutor(1, thread_name_prefix=f"drafts-{target}") as ahead:
            chunk = next(coming, None)
            if chunk is not None:
                learning(chunk)
                drafts = drafts_of(chunk)
            while chunk is not None:
                following = next(coming, None)  # planned as its articles arrive
                future: Future[dict[tuple[int, str], Suggestion]] | None = None
                if following is not None:
                    learning(following)
                    future = ahead.submit(drafts_of, following)
                by_owner: dict[int, dict[str, Suggestion]] = defaultdict(dict)
                for (owner, seg_id), d in drafts.items():
                    by_owner[owner][seg_id] = d
                for i in chunk:
                    with FINISHING:
                        results[i] = _finish_pair(
                            pairs[i], by_owner[i], target, retranslate, glossary, settings, bundles
                        )
                chunk = following
                drafts = future.result() if future is not None else {}
    except Exception as err:
        if not results:
            raise
        done = [results[i] for i in sorted(results)]
        raise JobStopped(f"{type(err).__name__}: {err}", done) from err
    finally:
        if learned is not None:
            learned.save()
        if glossary is not None:
            made = {(target, r.slug): r.summary for r in results.values() if r.summary}
            record_beside(settings.locales, glossary, made)
    return [results[i] for i in range(len(results))]


#: Held while a pair is finished (its catalog written, checked, its bundle built): Python
#: that keeps the interpreter's lock almost throughout. The languages' jobs finish one pair
#: at a time, their models drafting beside it, instead of taking the interpreter's lock
#: from each other every 5 ms (and a thread back from each file-system call waiting for
#: it): a 500 × 4 batch with an instant engine took 19 s with the jobs' writing
#: interleaved, 14 s one pair at a time. A pair waiting for its catalog's file lock (a
#: desk save, another run) holds the other languages' writing back meanwhile, not their
#: models; nothing taken under it waits for this lock, so no deadlock.
FINISHING = threading.Lock()

#: Segments per engine call in a batch: enough for full batches of 32 and the engine's
#: sorting by length, few enough that a nightly batch of 2,000 segments per language is
#: eight chunks, each translated while the one before is written.
CHUNK_SEGMENTS = 256


def _origin(path: Path, settings: Settings) -> str:
    """A catalog as translation-memory units name it (``de/LC_MESSAGES/x.po``)."""
    return path.relative_to(settings.locales.parent).as_posix()


Versions = Callable[[str, str], str]  # the model version of a pair; raises when none


def _version_memo(engines: EngineFor) -> Versions:
    """Model versions asked once per language pair in a call, not once per article (an
    engine may scan its packages folder to answer); a missing model is remembered too."""
    known: dict[tuple[str, str], str | Newsl10nError] = {}

    def version(source: str, target: str) -> str:
        if (source, target) not in known:
            try:
                known[(source, target)] = engines(source).model_version(source, target)
            except Newsl10nError as err:
                known[(source, target)] = err
        found = known[(source, target)]
        if isinstance(found, Newsl10nError):
            raise found
        return found

    return version


def _start_pair(
    prepared: PreparedArticle,
    target: str,
    versions: Versions,
    settings: Settings,
    retranslate: bool,
) -> _Pair | PairResult:
    path = store.catalog_path(settings.locales, target, prepared.slug)
    result = PairResult(prepared.slug, target, len(prepared.segments), catalog=str(path))
    if all(seg.lang == target for seg in prepared.segments):
        return replace(result, catalog="", skipped=f"the article is already in {target}")
    try:
        model = _models(prepared, target, versions)
        snapshot = store.read(path)
    except Newsl10nError as err:
        return replace(result, error=str(err))
    plan = store.plan_update(snapshot.po, prepared.segments, retranslate=retranslate)
    return _Pair(prepared, path, snapshot, plan, replace(result, model=model))


def _models(prepared: PreparedArticle, target: str, versions: Versions) -> str:
    """The models the pair uses, the article's own language first (its model missing fails
    the pair; another segment language's missing model leaves those segments with a note)."""
    main = prepared.language.lang
    others = sorted({s.lang for s in prepared.segments} - {main, target})
    names = [versions(main, target)] if main != target else []
    for lang in others:
        try:
            names.append(versions(lang, target))
        except Newsl10nError:
            continue  # noted on each of its segments
    return " + ".join(dict.fromkeys(names))


def _finish_pair(
    pair: _Pair,
    drafts: Mapping[str, Suggestion],
    target: str,
    retranslate: bool,
    glossary: Glossary | None,
    settings: Settings,
    bundles: bool = False,
) -> PairResult:
    """Commit the pair's drafts: under the catalog's lock the file is read again and the
    catalog planned and built on what it holds then (a translator's save made while the
    engine ran is the base; their work wins), written in the file's own style. The
    catalog as written is checked (QA) once; with ``bundles`` its bundle is built from
    the same parse and findings."""
    prepared, path, result = pair.prepared, pair.path, pair.result
    draft = store.Draft(
        prepared.source,
        target,
        prepared.segments,
        {seg_id: d.text for seg_id, d in drafts.items() if d.text},
        {seg_id: d.note for seg_id, d in drafts.items() if d.note},
        result.model,
        glossary_sha256=glossary.sha256 if glossary is not None else "",
        retranslate=retranslate,
    )
    try:
        done = store.commit(pair.snapshot, draft, sweep=False)  # the run swept at its start
    except Newsl10nError as err:
        return replace(result, error=str(err))
    plan, written = done.plan, done.written
    po = done.parsed() if bundles else done.po
    findings = qa.check_entries(po, path, glossary, target) if glossary is not None else []
    used = [drafts[seg.id] for seg in plan.todo if seg.id in drafts and drafts[seg.id].text]
    reasons = [
        not_translated_reason(d.note)
        for seg in plan.todo
        if (d := drafts.get(seg.id)) is not None and not d.text and d.note
    ]
    built = (
        pair_bundle(po, path, prepared, target, settings, glossary, findings) if bundles else None
    )
    facts = None
    if done.stat is not None:
        complete = all(e.msgstr for e in live(po))
        bundled = built is not None and built.ok
        facts = CatalogFacts(FileStamp.from_stat(done.stat), complete, bundled)
    # The catalog as the file holds it (``Committed.parsed``) with its findings: the desk
    # need not check it again.
    summary = version_of(done.data, po, findings) if bundles and glossary is not None else None
    return replace(
        result,
        qa_errors=sum(f.severity == "error" for f in findings),
        qa_warnings=sum(f.severity != "error" for f in findings),
        translated=sum(d.origin == "machine" for d in used),
        from_memory=sum(d.origin == "memory" for d in used),
        kept=len(plan.kept) + sum(d.origin == "source" for d in used),
        failed=len(plan.todo) - len(used),
        written=written,
        reason="; ".join(dict.fromkeys(reasons)),
        bundle=built,
        facts=facts,
        summary=summary,
    )


def pair_bundle(
    po: polib.POFile,
    path: Path,
    prepared: PreparedArticle,
    target: str,
    settings: Settings,
    glossary: Glossary | None,
    findings: Sequence[qa.Finding],
) -> BundleResult:
    """The bundle of a catalog just written: built from the run's parse of it and the
    findings of its write, not read and checked again."""
    article = localize(po, slug=prepared.slug, lang=target, path=path, root=settings.root)
    return build_bundle(
        article,
        settings.bundles,
        root=settings.root,
        residue=store.residue_lines(prepared.residue),
        highlight=highlighter(glossary) if glossary is not None else None,
        findings=group_findings(findings),
    )


def draft_translations(
    todo: Sequence[tuple[int, Segment]],
    target: str,
    engines: EngineFor,
    memory: TranslationMemory,
    origins: Mapping[int, str],
    glossary: Glossary | None = None,
    on_segments: OnSegments | None = None,
    learned: LearnedTerms | None = None,
    machine: dict[tuple[str, str], tuple[str, str]] | None = None,
) -> dict[tuple[int, str], Suggestion]:
    """Drafts by (owner, segment id): reviewed work first (exact memory matches, never from
    the owner's own catalog), the engine for the rest (each distinct text once), and a
    close memory match (≥75%) offered instead of raw machine output, with the machine
    output kept in the note for the translator. ``machine``: the engine's (translation,
    note) by (language, text) from earlier calls of the same job, used and extended with
    this call's translations (a batch's chunks send a repeated text once, as one call over
    everything would; a text whose call failed is sent again)."""
    drafts: dict[tuple[int, str], Suggestion] = {}
    rest: list[tuple[int, Segment]] = []
    for owner, seg in todo:
        if seg.lang == target:  # a quote already in the target language stays as written
            note = source_kept_note(target)
            drafts[(owner, seg.id)] = Suggestion(seg.text, note, "source")
            continue
        match = memory.lookup(seg.text, exclude=origins[owner], threshold=1.0)
        if match is None:
            rest.append((owner, seg))
            continue
        note = memory_note(f"reviewed translation from {match.unit.origin}")
        drafts[(owner, seg.id)] = Suggestion(match.unit.target, note, "memory")
    machine = {} if machine is None else machine
    distinct = dict.fromkeys((seg.lang, seg.text) for _owner, seg in rest)
    new = [item for item in distinct if item not in machine]
    translated = dict(
        zip(new, translate_texts(new, target, engines, glossary, on_segments, learned), strict=True)
    )
    # Kept for the chunks to come: translations only (a failed call is tried again there).
    machine.update((item, out) for item, out in translated.items() if out[0])
    for owner, seg in rest:
        mt, note = translated.get((seg.lang, seg.text)) or machine[(seg.lang, seg.text)]
        if not mt:
            drafts[(owner, seg.id)] = Suggestion("", note)
            continue
        match = memory.lookup(seg.text, exclude=origins[owner])
        if match is None:
            drafts[(owner, seg.id)] = Suggestion(mt, note)
            continue
        drafts[(owner, seg.id)] = Suggestion(
            match.unit.target,
            memory_note(
                f"{match.score:.0%} match from {match.unit.origin} "
                f"for “{match.unit.source}”; machine translation: {mt}"
            ),
            "memory",
        )
    return drafts


def outcome_note(outcome: Outcome) -> str:
    """What the translator must know of a machine output's names: terms missing, and terms
    left in a case the source contradicts."""
    return "\n".join(glossary_notes(outcome.missing, outcome.cases))


def translate_texts(
    items: Sequence[tuple[str, str]],
    target: str,
    engines: EngineFor,
    glossary: Glossary | None = None,
    on_segments: OnSegments | None = None,
    learned: LearnedTerms | None = None,
) -> list[tuple[str, str]]:
    """Machine translations of (source language, text) items, as (translation, note): one
    batched call per source language, with the glossary enforced (and, with ``learned``,
    terms a model does not write sent protected first); terms that could not be
    enforced are named in the note. A language without a model leaves its texts
    untranslated ("") with the reason as the note."""
    by_lang: dict[str, list[int]] = defaultdict(list)
    for i, (lang, _text) in enumerate(items):
        by_lang[lang].append(i)
    out: list[tuple[str, str]] = [("", "")] * len(items)
    for lang, indexes in by_lang.items():
        texts = [items[i][1] for i in indexes]
        try:
            engine = engines(lang)
            outcomes = engine_outcomes(engine, texts, lang, target, glossary, learned)
        except Newsl10nError as err:  # no model for this language, or the engine failed
            for i in indexes:
                out[i] = ("", not_translated_note(str(err)))
            continue
        scorer = getattr(engine, "score", None)  # Argos: the model's own confidence
        for i, outcome in zip(indexes, outcomes, strict=True):
            if isinstance(outcome, TextRefused):  # that text alone: a runaway segment
                out[i] = ("", not_translated_note(str(outcome)))
                continue
            score = scorer(items[i][1], lang, target) if callable(scorer) else None
            note = outcome_note(outcome)
            if score is not None and outcome.text:
                note = "\n".join(filter(None, [note, fingerprint.score_line(score)]))
            out[i] = (outcome.text, note)
        if on_segments is not None:
            on_segments(len(indexes))
    return out


def engine_outcomes(
    engine: Engine,
    texts: Sequence[str],
    lang: str,
    target: str,
    glossary: Glossary | None,
    learned: LearnedTerms | None,
) -> list[Outcome | TextRefused]:
    """The engine's outcome for each text, in one call (with the glossary enforced); a
    text the engine refuses alone (``TextRefused``: a segment over its length limit) is
    found by halving the call, and the others are still translated. (One runaway line
    used to leave every article of a batch untranslated in that language.)"""
    try:
        if glossary is not None and glossary.terms:
            return list(
                translate_with_glossary(engine, texts, lang, target, glossary, learned=learned)
            )
        return [Outcome(t, (), "plain") for t in engine.translate(texts, lang, target)]
    except TextRefused as err:
        if len(texts) == 1:
            return [err]
        half = len(texts) // 2
        first = engine_outcomes(engine, texts[:half], lang, target, glossary, learned)
        return [*first, *engine_outcomes(engine, texts[half:], lang, target, glossary, learned)]


def build_review(
    settings: Settings,
    glossary: Glossary,
    languages: Sequence[str] | None = None,
    slugs: Sequence[str] | None = None,
    *,
    zip_: bool = False,
    keep_source_for_unreviewed: bool = False,
    index: bool = True,
) -> BundleReport:
    """Bundles and review pages from the catalogs alone (no model), with glossary terms
    highlighted and QA findings shown where they occur."""
    wanted = set(slugs) if slugs is not None else None
    checked = [
        finding
        for _lang, path in store.catalogs(settings.locales, languages)
        if wanted is None or path.stem in wanted
        for finding in qa.check_catalog(path, glossary)
    ]  # only the catalogs built here: a rebuild of one article costs the same in any project
    findings = group_findings(checked)
    return build_bundles(
        settings.locales,
        settings.bundles,
        languages,
        slugs,
        root=settings.root,
        keep_source_for_unreviewed=keep_source_for_unreviewed,
        zip_=zip_,
        highlight=highlighter(glossary),
        findings=findings,
        index=index,
    )
