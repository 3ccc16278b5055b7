"""Prefect flows: translate one article, or the batch of new and changed articles.

Thin orchestration over ``newsl10n.pipeline``: a task per article × language (the unit the
UI shows and retries), decisions in the library, configuration from the environment.
Parameters typed into the UI are untrusted: paths must stay inside the source folder and
languages come from a fixed list.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal

from prefect import State, flow, get_run_logger, task
from prefect.artifacts import create_markdown_artifact
from prefect.cache_policies import NO_CACHE
from prefect.futures import PrefectFuture
from prefect.states import Failed
from pydantic import Field

from flows.report import Progress, bundle_lines, publish, summarize
from flows.runners import task_runner
from newsl10n.bundle import BundleReport
from newsl10n.config import Settings, parse_languages, resolve_inside, settings_from_environment
from newsl10n.engines import get_engine
from newsl10n.errors import Newsl10nError
from newsl10n.glossary import Glossary, load_glossary
from newsl10n.pipeline import (
    PairResult,
    PreparedArticle,
    build_review,
    discover,
    prepare_article,
    translate_pair,
    up_to_date,
    write_template,
)
from newsl10n.tm import TranslationMemory

# Languages Argos Translate has packages for: the run form offers these as a multi-select.
Language = Literal[
    "ar", "az", "bg", "bn", "ca", "cs", "da", "de", "el", "en", "eo", "es", "et", "eu", "fa",
    "fi", "fr", "ga", "gl", "he", "hi", "hu", "id", "it", "ja", "ko", "lt", "lv", "ms", "nb",
    "nl", "pl", "pt", "ro", "ru", "sk", "sl", "sq", "sv", "th", "tl", "tr", "uk", "ur", "vi",
    "zh",
]  # fmt: skip

Targets = Annotated[
    list[Language] | None,
    Field(description="Target languages; empty means the project's configured targets."),
]
EngineName = Annotated[
    Literal["argos", "apertium"] | None,
    Field(description="Machine-translation engine for every pair; empty means the project's "
                      "configuration (Argos unless a pair is set otherwise)."),
]  # fmt: skip
Retranslate = Annotated[
    bool,
    Field(description="Send unreviewed machine output to the engine again (new model or "
                      "glossary). Reviewed entries are never touched."),
]  # fmt: skip


@task(name="prepare-article", task_run_name="prepare {path.name}", cache_policy=NO_CACHE)
def prepare_task(path: Path, settings: Settings) -> PreparedArticle | PairResult:
    """Read, detect and segment one article; a bad article becomes a failed result."""
    logger = get_run_logger()
    try:
        prepared = prepare_article(path, settings)
        write_template(prepared, settings)
    except Newsl10nError as err:
        logger.error("%s", err)
        return PairResult(slug=path.stem, target="-", error=str(err))
    for residue in prepared.residue:
        logger.info(
            "%s:%d: left out scrape residue %r", prepared.reference, residue.line, residue.text
        )
    return prepared


@task(
    name="translate-pair",
    task_run_name="translate {slug} → {target}",
    cache_policy=NO_CACHE,
    retries=2,
    retry_delay_seconds=2,
)
def translate_task(
    prepared: PreparedArticle,
    slug: str,
    target: str,
    settings: Settings,
    retranslate: bool,
    glossary: Glossary,
) -> PairResult:
    """One catalog. Expected problems come back as results; surprises (a model crashing
    mid-batch) raise and are retried."""
    engine = get_engine(
        settings.engine_for(prepared.language.lang, target), settings.engine_settings
    )
    memory = _memories.setdefault(
        (settings.locales, target), TranslationMemory(settings.locales, target)
    )
    return translate_pair(prepared, target, engine, settings, memory, retranslate, glossary)


# One translation memory per language and worker process, shared by its tasks.
_memories: dict[tuple[Path, str], TranslationMemory] = {}


def _settings(targets: list[Language] | list[str] | None, engine: str | None) -> Settings:
    """Project settings from the environment, narrowed by the run's parameters."""
    return settings_from_environment().with_overrides(
        targets=parse_languages(list(targets)) if targets else None, engine=engine
    )


@task(name="build-bundles", cache_policy=NO_CACHE)
def bundle_task(
    settings: Settings, glossary: Glossary, slugs: list[str] | None, zip_: bool = False
) -> BundleReport:
    """Bundles and review pages from the catalogs (no model)."""
    return build_review(settings, glossary, list(settings.targets), slugs, zip_=zip_)


def _translate(
    paths: list[Path], settings: Settings, retranslate: bool, skipped: list[PairResult]
) -> list[PairResult] | State:
    """Prepare articles, translate every pair, rebuild their bundles, publish artifacts;
    end Failed if any article or pair failed."""
    logger = get_run_logger()
    glossary = load_glossary(settings.glossary)  # a broken glossary stops the run here
    _memories.clear()  # memories see the catalogs as they are at the start of each run
    prepared = [f.result() for f in [prepare_task.submit(p, settings) for p in paths]]
    results: list[PairResult] = [*skipped, *(r for r in prepared if isinstance(r, PairResult))]
    articles = [a for a in prepared if isinstance(a, PreparedArticle)]
    pairs = [(a, t) for a in articles for t in settings.targets]
    futures: list[tuple[PreparedArticle, str, PrefectFuture[PairResult]]] = [
        (a, t, translate_task.submit(a, a.slug, t, settings, retranslate, glossary))
        for a, t in pairs
    ]
    progress = Progress(len(futures))
    for done, (article, target, future) in enumerate(futures, start=1):
        try:
            result = future.result()
        except Exception as err:  # retries exhausted: report the pair, keep the others
            result = PairResult(article.slug, target, error=f"{type(err).__name__}: {err}")
        results.append(result)
        progress.advance()
        logger.info("[%d/%d] %s", done, len(futures), summarize(result))
    bundles = bundle_task(settings, glossary, [a.slug for a in articles]) if articles else None
    publish(results, bundle_lines(bundles, settings) if bundles else [])
    failures = [r for r in results if not r.ok]
    if failures:
        names = ", ".join(f"{r.slug} → {r.target}" for r in failures)
        return Failed(message=f"{len(failures)} of {len(results)} failed: {names}", data=results)
    return results


@flow(name="translate-article", task_runner=task_runner(), log_prints=True)
def translate_article(
    article: Annotated[
        str, Field(description="Article file, relative to the source folder (e.g. story.txt).")
    ],
    targets: Targets = None,
    engine: EngineName = None,
    retranslate: Retranslate = False,
) -> list[PairResult] | State:
    """Translate one article into the target languages."""
    settings = _settings(targets, engine)
    path = resolve_inside(settings.source, article, what="article")
    if not path.is_file():
        raise ValueError(f"article: {article!r} is not a file in {settings.source}")
    return _translate([path], settings, retranslate, skipped=[])


@flow(name="translate-batch", task_runner=task_runner(), log_prints=True)
def translate_batch(
    targets: Targets = None,
    engine: EngineName = None,
    retranslate: Retranslate = False,
    force: Annotated[
        bool, Field(description="Process every article, even unchanged ones.")
    ] = False,
) -> list[PairResult] | State:
    """Translate every new or changed article under the source folder.

    An article whose bytes match the hash recorded in its catalogs is skipped before it is
    read further: no detection, no model.
    """
    logger = get_run_logger()
    settings = _settings(targets, engine)
    paths = discover(settings)
    todo: list[Path] = []
    skipped: list[PairResult] = []
    for path in paths:
        if not force and not retranslate and up_to_date(path, settings, settings.targets):
            skipped.append(PairResult(path.stem, "*", skipped="unchanged since the last run"))
        else:
            todo.append(path)
    logger.info("%d article(s) to process, %d unchanged", len(todo), len(skipped))
    return _translate(todo, settings, retranslate, skipped)


@flow(name="rebuild-bundles", log_prints=True)
def rebuild_bundles(
    targets: Targets = None,
    articles: Annotated[
        list[str] | None,
        Field(description="Article slugs (catalog names); empty means every article."),
    ] = None,
    zip_archives: Annotated[
        bool, Field(description="Also write one zip per article for editors.")
    ] = False,
) -> BundleReport | State:
    """Rebuild bundles and review pages from the catalogs after translators' edits."""
    settings = _settings(targets, None)
    for slug in articles or []:
        resolve_inside(settings.locales, f"{slug}.pot", what="article")
    report = bundle_task(settings, load_glossary(settings.glossary), articles or None, zip_archives)
    create_markdown_artifact("\n".join(["# Bundles", "", *bundle_lines(report, settings)]),
                             key="bundles", description="bundles and review pages")  # fmt: skip
    if not report.ok:
        failed = [f"{b.slug} → {b.lang}: {b.error}" for b in report.bundles if b.error]
        return Failed(message="; ".join(failed) or "bundles failed", data=report)
    return report
