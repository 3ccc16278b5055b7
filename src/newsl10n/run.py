"""The run, in one function for every door: the CLI, the Prefect flows, tests, benchmarks.

:func:`run` plans the batch (which articles are new or changed, which languages to do),
prepares each article (read, detect, segment, template), translates per target language
over the segments of all articles, writes the catalogs, rebuilds the bundles of what
changed, and reports. It knows nothing of Prefect: concurrency is one injectable
:data:`MapJobs` over per-language :class:`Job` s (the flows map jobs onto Prefect tasks,
each job with its articles prepared), or by default threads of this process, to which
the articles stream as they are prepared (:func:`stream_batch`); progress goes to a
callback. Settings arrive as a value.

One article's failure (unreadable, undetectable, a template that cannot be written) is
that article's result, named with its file; the others and their bundles complete.
"""

from __future__ import annotations

import os
import threading
import unicodedata
from collections import Counter
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from newsl10n.catalog.ledger import CatalogFacts, Ledger
from newsl10n.catalog.store import (
    TEMPLATE_SUFFIX,
    catalog_path,
    sweep_temporaries,
    template_path,
)
from newsl10n.config import EngineSettings, Settings, resolve_inside
from newsl10n.engines import Engine, get_engine
from newsl10n.errors import ConfigError, Newsl10nError
from newsl10n.glossary.load import load_glossary
from newsl10n.glossary.model import Glossary
from newsl10n.plan import article_facts, discover, ledger_key, unchanged_slug
from newsl10n.results import JobStopped, PairResult, PreparedArticle
from newsl10n.review.manifest import stale_slugs
from newsl10n.source.article import ARTICLE_SUFFIXES, planned_slug_of, slugify, source_paths

if TYPE_CHECKING:  # translation, QA and pages are imported where a run has work for them
    from newsl10n.pipeline import OnSegments
    from newsl10n.review.bundle import BundleReport, BundleResult

UNCHANGED = "unchanged since the last run"
Batching = Literal["language", "article"]


@dataclass(frozen=True)
class Request:
    """What to run. ``articles`` None means the batch: every source that is new or changed
    (all of them with ``force`` or ``retranslate``); given, exactly those files.

    ``batching`` "language" sends the segments of all articles of a language to the engine
    together; "article" makes one call per article × language (the benchmark's baseline).
    """

    articles: tuple[Path, ...] | None = None
    retranslate: bool = False
    force: bool = False
    bundles: bool = True
    batching: Batching = "language"


@dataclass(frozen=True)
class Event:
    """Progress: ``kind`` is "planned", "prepared", "segments", "pairs", "bundles" or "done";
    ``done``/``total`` count pairs (article × language) except for "segments" and for
    "planned" (``total``: the articles to process)."""

    kind: str
    message: str = ""
    done: int = 0
    total: int = 0
    results: tuple[PairResult, ...] = ()


Progress = Callable[[Event], None]


# Makes an engine by name ("argos", "apertium") for these settings.
EngineFactory = Callable[[str, EngineSettings], Engine]


@dataclass(frozen=True)
class Job:
    """The unit of concurrency: one target language over the prepared articles."""

    target: str
    articles: tuple[PreparedArticle, ...]
    settings: Settings
    glossary: Glossary
    retranslate: bool = False
    engines: EngineFactory | None = None  # None: the installed engines (``get_engine``)
    bundles: bool = False  # build each catalog's bundle as soon as it is written

    @property
    def name(self) -> str:
        if not self.articles:  # a streamed batch's job: its articles are still arriving
            return f"the batch → {self.target}"
        if len(self.articles) == 1:
            return f"{self.articles[0].slug} → {self.target}"
        return f"{len(self.articles)} articles → {self.target}"


JobRun = Callable[[Job], list[PairResult]]
JobDone = Callable[[Job, "list[PairResult] | BaseException"], None]
# Runs every job and returns, in order, its results or the exception it ended with; calls
# ``done`` in the calling process as each job ends (for progress).
MapJobs = Callable[[JobRun, Sequence[Job], JobDone], list["list[PairResult] | BaseException"]]


@dataclass(frozen=True)
class BatchPlan:
    """The batch: articles to process, and a result for each one left out (unchanged, or
    refused by name before anything is written)."""

    todo: tuple[Path, ...]
    skipped: tuple[PairResult, ...] = ()
    refused: tuple[PairResult, ...] = ()


@dataclass(frozen=True)
class Report:
    """Everything a run did, for the end table, artifacts and exit status."""

    results: tuple[PairResult, ...]
    bundles: BundleReport | None
    glossary: Glossary
    glossary_folder: Path

    @property
    def failures(self) -> tuple[PairResult, ...]:
        return tuple(r for r in self.results if not r.ok)

    @property
    def ok(self) -> bool:
        return not self.failures and (self.bundles is None or self.bundles.ok)

    @property
    def glossary_note(self) -> str:
        return glossary_note(self.glossary, self.glossary_folder)


@dataclass(frozen=True)
class Batch:
    """The batch prepared: the articles whose templates are written (in the order their
    jobs get them), the templates' facts by slug (for the ledger), and a result for each
    article left out: unreadable or undetectable, a slug another source uses, a template
    that could not be written (in that order)."""

    written: tuple[PreparedArticle, ...] = ()
    templates: Mapping[str, CatalogFacts] = field(default_factory=dict)
    failed: tuple[PairResult, ...] = ()


def glossary_note(glossary: Glossary, folder: Path) -> str:
    """Said first and in the summary: a run without names to enforce must not look like
    one that enforced them."""
    if glossary.terms:
        return f"glossary: {len(glossary.terms)} term(s) from {folder}"
    return f"glossary: none ({folder} has no terms): names are not enforced"


def run(
    settings: Settings,
    request: Request = Request(),
    *,
    map_jobs: MapJobs | None = None,
    progress: Progress | None = None,
    glossary: Glossary | None = None,
    engines: EngineFactory | None = None,
) -> Report:
    """Plan, prepare, translate, write, bundle, report. Raises only for what stops the whole
    run before any work (a broken glossary, a missing source folder). ``engines`` makes an
    engine by name (tests and benchmarks hand in their own; default: ``get_engine``)."""
    tell = progress or (lambda _event: None)
    glossary = glossary if glossary is not None else load_glossary(settings.glossary)
    sweep_temporaries(settings.locales)  # what killed writes left behind
    ledger = Ledger.load(settings.locales)
    plan = plan_batch(settings, request, ledger)
    todo, unchanged = len(plan.todo), len(plan.skipped)
    tell(Event("planned", f"{todo} article(s) to process, {unchanged} unchanged", 0, todo))
    if map_jobs is None and request.batching == "language" and plan.todo:
        batch, pairs = stream_batch(plan, settings, glossary, request, engines, tell)
    else:
        batch = prepare_batch(plan, settings, glossary, engines, tell)
        jobs = plan_jobs(batch.written, settings, glossary, request, engines)
        pairs = translate_jobs(jobs, map_jobs, tell)
    results = (*plan.refused, *batch.failed, *pairs, *plan.skipped)
    record_ledger(ledger, batch.written, batch.templates, pairs, settings)
    bundles = (
        finish_bundles(pairs, batch.written, settings, glossary, tell, ledger.bundle_current())
        if request.bundles
        else None
    )
    ledger.save()
    report = Report(tuple(results), bundles, glossary, settings.glossary)
    tell(Event("done", "", len(pairs), len(pairs), report.results))
    return report


def prepare_batch(
    plan: BatchPlan,
    settings: Settings,
    glossary: Glossary,
    engines: EngineFactory | None,
    tell: Progress,
) -> Batch:
    """Every article prepared and its template written before any job starts: the batch
    the Prefect and Dask runners map over (their jobs travel whole)."""
    prepared, failed = prepare_articles(plan.todo, settings, tell, glossary)
    prepared, clashes = refuse_slug_clashes(prepared, plan.skipped)
    written, unwritten, templates = write_templates(prepared, settings)
    tell_unavailable(written, settings, engines, tell)
    return Batch(tuple(written), templates, (*failed, *clashes, *unwritten))


def stream_batch(
    plan: BatchPlan,
    settings: Settings,
    glossary: Glossary,
    request: Request,
    engines: EngineFactory | None,
    tell: Progress,
) -> tuple[Batch, list[PairResult]]:
    """The batch on this process's threads, streamed: each article goes to every
    language's job as soon as it is prepared and its template written, so the models
    start on the first chunk while the rest are still read and detected (preparing 500
    short articles took a quarter of such a batch, with one core idle). This thread
    prepares; the jobs run beside it. An interrupt (or any exception) while preparing
    stops the jobs at their next article (an engine call under way ends first) and is
    raised. What is written and reported is what ``prepare_batch`` then ``translate_jobs``
    give; an article held back for its slug comes last."""
    arrivals = Arrivals()
    jobs = [
        Job(target, (), settings, glossary, request.retranslate, engines, request.bundles)
        for target in settings.targets
    ]
    planned = len(plan.todo) * len(jobs)  # the pairs, until the articles are all prepared
    tell(Event("pairs", f"{planned} article × language pair(s)", 0, planned))
    done = [0]

    def job_run(job: Job) -> list[PairResult]:
        def on_segments(n: int) -> None:
            tell(Event("segments", job.name, n))

        return translate_job(job, on_segments, arrivals)

    def job_done(job: Job, outcome: list[PairResult] | BaseException) -> None:
        total = len(arrivals.articles) * len(jobs) if arrivals.closed else planned
        finished = tuple(outcome) if isinstance(outcome, list) else ()
        done[0] += len(finished) if isinstance(outcome, list) else len(arrivals.articles)
        tell(Event("pairs", job.name, done[0], total, finished))

    with ThreadPoolExecutor(1, thread_name_prefix="jobs") as runner:
        translating = runner.submit(thread_map, job_run, jobs, job_done)
        try:
            batch = feed_batch(plan, settings, glossary, engines, tell, arrivals)
        except BaseException:
            arrivals.close(abort=True)  # the jobs stop at their next article
            raise
        arrivals.close()  # the jobs finish what they were given, then end
        if request.bundles and batch.written:
            # here, not at the top: a no-change re-run imports nothing of the pages (9 ms)
            from newsl10n.review.render import compile_templates

            compile_templates()  # while the models translate, off the first bundle's path
        outcomes = translating.result()
    given = [replace(job, articles=batch.written) for job in jobs]
    total = len(batch.written) * len(jobs)
    if done[0] != total:  # a job that failed was counted with the articles it had then
        tell(Event("pairs", "", total, total))
    return batch, job_results(given, outcomes)


class BatchAborted(Exception):
    """The preparation of a streamed batch ended with an exception (an interrupt): the
    jobs reading its articles stop there."""


class Arrivals:
    """Prepared articles as they arrive, read in order by every language's job: a reader
    waits for the next one until the batch is closed (and raises BatchAborted once it is
    aborted)."""

    def __init__(self) -> None:
        self._articles: list[PreparedArticle] = []
        self._closed = False
        self._aborted = False
        self._changed = threading.Condition()

    def add(self, article: PreparedArticle) -> None:
        with self._changed:
            self._articles.append(article)
            self._changed.notify_all()

    def close(self, abort: bool = False) -> None:
        with self._changed:
            self._closed = True
            self._aborted = self._aborted or abort
            self._changed.notify_all()

    @property
    def closed(self) -> bool:
        with self._changed:
            return self._closed

    @property
    def articles(self) -> tuple[PreparedArticle, ...]:
        with self._changed:
            return tuple(self._articles)

    def __iter__(self) -> Iterator[PreparedArticle]:
        seen = 0
        while True:
            with self._changed:
                while seen == len(self._articles) and not self._closed:
                    self._changed.wait()
                if self._aborted:
                    raise BatchAborted("the batch's preparation stopped")
                if seen == len(self._articles):
                    return
                article = self._articles[seen]
            seen += 1
            yield article


def feed_batch(
    plan: BatchPlan,
    settings: Settings,
    glossary: Glossary,
    engines: EngineFactory | None,
    tell: Progress,
    arrivals: Arrivals,
) -> Batch:
    """Prepare each article, write its template, hand it to the jobs. An article whose
    slug another source plans to use too (``shared_slugs``) is held back until all are
    prepared, then refused or handed over as ``refuse_slug_clashes`` decides."""
    shared = shared_slugs(plan)
    failed: list[PairResult] = []
    unwritten: list[PairResult] = []
    templates: dict[str, CatalogFacts] = {}
    handed: dict[str, PreparedArticle] = {}
    held: list[PreparedArticle] = []
    told: set[str] = set()

    def hand_over(articles: Sequence[PreparedArticle]) -> None:
        written, refused, facts = write_templates(articles, settings)
        unwritten.extend(refused)
        templates.update(facts)
        tell_unavailable(written, settings, engines, tell, told)
        for article in written:
            handed[article.slug] = article
            arrivals.add(article)

    for path in plan.todo:
        outcome = prepare_article_of(path, settings, tell, glossary)
        if isinstance(outcome, PairResult):
            failed.append(outcome)
        elif outcome.slug in shared or outcome.slug in handed:
            held.append(outcome)
        else:
            hand_over([outcome])
    taken = {slug: str(article.path) for slug, article in handed.items()}
    kept, clashes = refuse_slug_clashes(held, plan.skipped, taken)
    hand_over(kept)
    return Batch(tuple(handed.values()), templates, (*failed, *clashes, *unwritten))


def shared_slugs(plan: BatchPlan) -> set[str]:
    """Slugs that two sources of the batch plan to use, or one of them and an unchanged
    article (``planned_slug_of``: front matter included)."""
    counts = Counter(planned_slug_of(path) for path in plan.todo)
    return {slug for slug, n in counts.items() if n > 1} | {r.slug for r in plan.skipped}


def tell_unavailable(
    articles: Sequence[PreparedArticle],
    settings: Settings,
    engines: EngineFactory | None,
    tell: Progress,
    told: set[str] | None = None,
) -> None:
    """Say which language pairs of these articles no engine can do (those pairs then fail
    alone); with ``told``, source languages already said are left out, then added."""
    fresh = [a for a in articles if told is None or a.language.lang not in told]
    for source, target, reason in unavailable_pairs(fresh, settings, engines):
        tell(Event("unavailable", f"{source} → {target} cannot be translated: {reason}"))
    if told is not None:
        told.update(a.language.lang for a in fresh)


def translate_jobs(
    jobs: Sequence[Job], map_jobs: MapJobs | None, tell: Progress
) -> list[PairResult]:
    """Every job through ``map_jobs`` (threads in this process by default, with segment
    counts as the engine goes), progress told as each job ends."""
    total = sum(len(j.articles) for j in jobs)
    tell(Event("pairs", f"{total} article × language pair(s)", 0, total))
    done = [0]

    def job_done(job: Job, outcome: list[PairResult] | BaseException) -> None:
        done[0] += len(job.articles)
        finished = tuple(outcome) if isinstance(outcome, list) else ()
        tell(Event("pairs", job.name, done[0], total, finished))

    if map_jobs is not None:
        return job_results(jobs, map_jobs(translate_job, jobs, job_done))

    def counted(job: Job) -> list[PairResult]:
        def on_segments(n: int) -> None:
            tell(Event("segments", job.name, n))

        return translate_job(job, on_segments)

    return job_results(jobs, thread_map(counted, jobs, job_done))


def finish_bundles(
    pairs: Sequence[PairResult],
    written: Sequence[PreparedArticle],
    settings: Settings,
    glossary: Glossary,
    tell: Progress,
    current: Collection[tuple[str, str]] = (),
) -> BundleReport | None:
    """The run's bundles: those its pairs built as they were written, then those still
    behind their catalogs (a translator edited one since its bundle was built; a pair of
    this run failed and its catalog's page must say the source moved on), and the index,
    once (None when there was nothing to build). ``current``: (slug, language) of the
    catalogs whose bundle the ledger shows built from the catalog as it is (not hashed)."""
    built = [r.bundle for r in pairs if r.bundle is not None]
    done = {(b.slug, b.lang) for b in built}
    behind = {
        a.slug
        for a in written
        for t in settings.targets
        if (a.slug, t) not in done and catalog_path(settings.locales, t, a.slug).is_file()
    }
    stale = stale_slugs(settings.locales, settings.bundles, settings.targets, current)
    todo = sorted(behind | set(stale))
    if not built and not todo:
        return None
    from newsl10n.pipeline import build_review
    from newsl10n.review.bundle import BundleReport, write_index

    rebuilt: tuple[BundleResult, ...] = ()
    if todo:
        tell(Event("bundles", f"bundles for {len(todo)} article(s)"))
        rebuilt = build_review(
            settings, glossary, list(settings.targets), todo, index=False
        ).bundles
    index, index_written = write_index(settings.bundles)
    return BundleReport((*built, *rebuilt), (), index, index_written)


def _has_catalog(slug: str, settings: Settings) -> bool:
    """Bundles come from catalogs: an article with none (already in every target) has none."""
    return any(catalog_path(settings.locales, t, slug).is_file() for t in settings.targets)


def _fold(name: str) -> str:
    """A name as a person means it: any case, accents composed or not (macOS file names
    and some browsers decompose them)."""
    return unicodedata.normalize("NFC", name).casefold()


def find_article(settings: Settings, name: str) -> Path:
    """The article a person named (in a UI): its path in the source folder, its file name
    or its slug, in any case. Anything else is refused with the articles there are; paths
    that step outside the source folder are refused before anything is read."""
    text = name.strip()
    sources = discover(settings) if settings.source.is_dir() else []
    available = ", ".join(p.relative_to(settings.source).as_posix() for p in sources) or "none"
    if not text:
        raise ConfigError(f"article: no article given; available: {available}")
    path = resolve_inside(settings.source, text, what="article")
    resolved = {p.resolve(): p for p in sources}
    if path in resolved:
        return resolved[path]
    key = _fold(text)
    matches = [
        p
        for p in sources
        if key
        in {
            _fold(p.relative_to(settings.source).as_posix()),
            _fold(p.name),
            _fold(p.stem),
            slugify(p.stem),
        }
    ]
    if len(matches) == 1:
        return matches[0]
    if matches:
        names = ", ".join(p.name for p in matches)
        raise ConfigError(f"article: {text!r} matches several articles ({names}); give the file")
    raise ConfigError(f"article: no article {text!r} in {settings.source}; available: {available}")


def find_catalog(settings: Settings, name: str) -> str:
    """The slug of the catalog a person named (in a UI): the slug or the article's file name,
    in any case. Only slugs of existing templates are returned, so nothing typed can reach
    outside the catalogs; anything else is refused with the slugs there are."""
    text = name.strip()
    folder = settings.locales
    slugs = sorted(p.stem for p in folder.glob(f"*{TEMPLATE_SUFFIX}")) if folder.is_dir() else []
    stem = Path(text).stem if Path(text).suffix.lower() in ARTICLE_SUFFIXES else text
    for candidate in (text, text.casefold(), slugify(stem) if stem else ""):
        if candidate in slugs:
            return candidate
    available = ", ".join(slugs) or "none"
    raise ConfigError(
        f"articles: no catalog for {text!r} in {settings.locales}; available: {available}"
    )


def unavailable_pairs(
    articles: Sequence[PreparedArticle], settings: Settings, engines: EngineFactory | None = None
) -> list[tuple[str, str, str]]:
    """(source, target, reason) for each language pair of the run no engine can do, known
    before any work starts (the pairs then fail alone)."""
    make = engines or get_engine

    def engine_for(source: str, target: str) -> Engine:
        return make(settings.engine_for(source, target), settings.engine_settings)

    return pairs_without_model({a.language.lang for a in articles}, settings.targets, engine_for)


def pairs_without_model(
    sources: Iterable[str], targets: Sequence[str], engine_for: Callable[[str, str], Engine]
) -> list[tuple[str, str, str]]:
    """(source, target, reason) for each pair of these languages whose engine has no model
    for it, sorted; a language into itself needs none."""
    missing: list[tuple[str, str, str]] = []
    for source in sorted(set(sources) - {"und"}):
        for target in targets:
            if source == target:
                continue
            try:
                engine_for(source, target).model_version(source, target)
            except Newsl10nError as err:
                missing.append((source, target, str(err)))
    return missing


def plan_batch(settings: Settings, request: Request, ledger: Ledger | None = None) -> BatchPlan:
    """Which articles to process: the given ones, or every source whose bytes differ from
    those its catalogs were made from (unless ``force``/``retranslate``). With the
    ledger, an article whose catalogs are as the last run left them is known unchanged
    without opening them (``unchanged_slug``)."""
    if request.articles is not None:
        return BatchPlan(tuple(request.articles))
    todo: list[Path] = []
    skipped: list[PairResult] = []
    scan = source_paths(settings.source)
    refused = [PairResult(_refused_slug(line), "-", error=line) for line in scan.refused]
    if ledger is not None:
        present = {ledger_key(path, settings) for path in scan.paths}
        ledger.forget(set(ledger.articles) - present)
    for path in scan.paths:
        fresh = not request.force and not request.retranslate
        slug = unchanged_slug(path, settings, settings.targets, ledger) if fresh else None
        if slug is not None:
            skipped.append(PairResult(slug, "*", skipped=UNCHANGED))
        else:
            todo.append(path)
    return BatchPlan(tuple(todo), tuple(skipped), tuple(refused))


def _refused_slug(line: str) -> str:
    """A name for a refused source entry's row ("path: problem" → the file's stem)."""
    return Path(line.split(": ", 1)[0]).stem or "-"


def prepare_articles(
    paths: Sequence[Path], settings: Settings, tell: Progress, glossary: Glossary | None = None
) -> tuple[list[PreparedArticle], list[PairResult]]:
    """Read, detect and segment each article; one that fails is its own failed result."""
    prepared: list[PreparedArticle] = []
    failed: list[PairResult] = []
    if not paths:
        return prepared, failed  # a no-change run: detection and segmentation not imported
    for path in paths:
        outcome = prepare_article_of(path, settings, tell, glossary)
        if isinstance(outcome, PairResult):
            failed.append(outcome)
        else:
            prepared.append(outcome)
    return prepared, failed


def prepare_article_of(
    path: Path, settings: Settings, tell: Progress, glossary: Glossary | None = None
) -> PreparedArticle | PairResult:
    """Read, detect and segment one article; one that fails is its own failed result."""
    from newsl10n.pipeline import prepare_article

    try:
        article = prepare_article(path, settings, glossary)
    except Newsl10nError as err:
        return article_failure(path, str(err))
    except (OSError, ValueError, RecursionError, MemoryError) as err:
        return article_failure(path, f"{path}: {_describe(err)}")
    # The terminal names the file as it can open it (``path``); the catalogs' ``#:`` lines
    # cite it relative to the project (``reference``).
    for residue in article.residue:
        tell(Event("residue", f"{path}:{residue.line}: left out scrape residue {residue.text!r}"))
    tell(Event("prepared", f"{path}: {len(article.segments)} segments"))
    return article


def article_failure(path: Path, problem: str) -> PairResult:
    return PairResult(slug=slugify(path.stem), target="-", error=problem)


def _describe(err: BaseException) -> str:
    if isinstance(err, OSError):
        return f"cannot read: {err.strerror or err}"
    return f"{type(err).__name__}: {err}"


def refuse_slug_clashes(
    prepared: Sequence[PreparedArticle],
    skipped: Sequence[PairResult],
    taken: Mapping[str, str] | None = None,
) -> tuple[list[PreparedArticle], list[PairResult]]:
    """Two sources with one slug would share one catalog: refuse both by name (or the new
    one, when the other is an unchanged article that owns the catalog already, or one of
    ``taken``: slug → the path of an article this run is translating already)."""
    owners: dict[str, list[PreparedArticle]] = {}
    for article in prepared:
        owners.setdefault(article.slug, []).append(article)
    unchanged = {r.slug for r in skipped}
    taken = taken or {}
    kept: list[PreparedArticle] = []
    refused: list[PairResult] = []
    for article in prepared:
        same = owners[article.slug]
        if len(same) == 1 and article.slug not in unchanged and article.slug not in taken:
            kept.append(article)
            continue
        others = [str(a.path) for a in same if a is not article]
        if article.slug in taken:
            others.append(taken[article.slug])
        if article.slug in unchanged:
            others.append(f"an unchanged article's catalogs ({article.slug}.pot)")
        refused.append(
            PairResult(
                article.slug,
                "-",
                error=f"{article.path}: slug {article.slug!r} is also used by "
                f"{', '.join(others)}; rename one of them (or set `slug:` in front matter)",
            )
        )
    return kept, refused


def write_templates(
    prepared: Sequence[PreparedArticle], settings: Settings
) -> tuple[list[PreparedArticle], list[PairResult], dict[str, CatalogFacts]]:
    """Each article's template; those written, the failures, and the templates' facts
    (for the ledger) by slug."""
    written: list[PreparedArticle] = []
    failed: list[PairResult] = []
    facts: dict[str, CatalogFacts] = {}
    if not prepared:
        return written, failed, facts
    from newsl10n.pipeline import write_template

    for article in prepared:
        try:
            facts[article.slug] = write_template(article, settings)
        except Newsl10nError as err:
            failed.append(PairResult(article.slug, "-", error=str(err)))
        except OSError as err:
            path = template_path(settings.locales, article.slug)
            problem = f"{path}: cannot write template: {err.strerror or err}"
            failed.append(PairResult(article.slug, "-", error=problem))
        else:
            written.append(article)
    return written, failed, facts


def record_ledger(
    ledger: Ledger,
    written: Sequence[PreparedArticle],
    templates: Mapping[str, CatalogFacts],
    pairs: Sequence[PairResult],
    settings: Settings,
) -> None:
    """What this run wrote, for the next run's plan (``plan_batch``)."""
    by_slug: dict[str, list[PairResult]] = {}
    for result in pairs:
        by_slug.setdefault(result.slug, []).append(result)
    for article in written:
        facts = article_facts(article, templates[article.slug], by_slug.get(article.slug, []))
        ledger.record(ledger_key(article.path, settings), facts)


def plan_jobs(
    articles: Sequence[PreparedArticle],
    settings: Settings,
    glossary: Glossary,
    request: Request,
    engines: EngineFactory | None = None,
) -> list[Job]:
    """One job per target language over all articles (or per article × language)."""
    groups: list[tuple[PreparedArticle, ...]] = (
        [tuple(articles)] if request.batching == "language" else [(a,) for a in articles]
    )
    return [
        Job(target, group, settings, glossary, request.retranslate, engines, request.bundles)
        for target in settings.targets
        for group in groups
        if group
    ]


def job_results(
    jobs: Sequence[Job], outcomes: Sequence[list[PairResult] | BaseException]
) -> list[PairResult]:
    """Results in job order; a job that raised (retries exhausted) fails each of its pairs
    it had not finished (JobStopped carries the finished ones' results)."""
    results: list[PairResult] = []
    for job, outcome in zip(jobs, outcomes, strict=True):
        if isinstance(outcome, JobStopped):
            finished = {r.slug: r for r in outcome.results}
            results += [
                finished.get(a.slug) or PairResult(a.slug, job.target, error=outcome.problem)
                for a in job.articles
            ]
        elif isinstance(outcome, BaseException):
            problem = f"{type(outcome).__name__}: {outcome}"
            results += [PairResult(a.slug, job.target, error=problem) for a in job.articles]
        else:
            results += outcome
    return results


def translate_job(
    job: Job, on_segments: OnSegments | None = None, articles: Iterable[PreparedArticle] = ()
) -> list[PairResult]:
    """One target language over ``job.articles``, or ``articles`` as they arrive (a
    streamed batch): engines per source language, a memory for the language, models
    loaded once for the job and released at its end. Unexpected errors (a model crashing)
    propagate, so a runner can retry the job."""
    from newsl10n.catalog.memory import TranslationMemory
    from newsl10n.pipeline import translate_articles

    settings = job.settings
    make = job.engines or get_engine
    engines: dict[str, Engine] = {}

    def engine_for(source: str) -> Engine:
        name = settings.engine_for(source, job.target)
        if name not in engines:
            engines[name] = make(name, settings.engine_settings)
        return engines[name]

    memory = TranslationMemory(settings.locales, job.target)
    try:
        return translate_articles(
            job.articles or articles, job.target, engine_for, settings, memory, job.retranslate,
            job.glossary, on_segments, bundles=job.bundles,
        )  # fmt: skip
    finally:
        release_engines(engines.values())


def release_engines(engines: Iterable[Engine]) -> None:
    """A job's language is done: engines that hold models let go of them (optional in the
    Engine protocol; Argos has it), so a multi-language batch holds no more models than
    it runs at once."""
    for engine in engines:
        release = getattr(engine, "release", None)
        if callable(release):
            release()


def thread_map(
    fn: JobRun, jobs: Sequence[Job], done: JobDone | None = None, workers: int | None = None
) -> list[list[PairResult] | BaseException]:
    """Jobs in threads (CTranslate2 releases the GIL), one per language up to the cores."""
    if not jobs:
        return []
    size = workers or min(len(jobs), os.cpu_count() or 1)
    outcomes: dict[int, list[PairResult] | BaseException] = {}

    def safe(job: Job) -> list[PairResult] | BaseException:
        try:
            return fn(job)
        except Exception as err:  # reported as the job's pairs failing
            return err

    with ThreadPoolExecutor(max_workers=max(1, size)) as pool:
        futures = {pool.submit(safe, job): i for i, job in enumerate(jobs)}
        for future in as_completed(futures):
            i = futures[future]
            outcomes[i] = future.result()
            if done is not None:
                done(jobs[i], outcomes[i])
    return [outcomes[i] for i in range(len(jobs))]


def serial_map(
    fn: JobRun, jobs: Sequence[Job], done: JobDone | None = None
) -> list[list[PairResult] | BaseException]:
    """Jobs one after another in the calling thread (profiling, debugging)."""
    outcomes: list[list[PairResult] | BaseException] = []
    for job in jobs:
        try:
            outcome: list[PairResult] | BaseException = fn(job)
        except Exception as err:
            outcome = err
        outcomes.append(outcome)
        if done is not None:
            done(job, outcome)
    return outcomes
