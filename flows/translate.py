"""Prefect flow: translate articles into catalogs, one task per article × language.

Thin orchestration over ``newsl10n.pipeline``: the flow reads like the process, tasks are
the units the UI shows, and all decisions live in the library.
"""

from __future__ import annotations

from pathlib import Path

from prefect import flow, get_run_logger, task
from prefect.cache_policies import NO_CACHE
from prefect.futures import PrefectFuture

from newsl10n.config import Settings, load_settings
from newsl10n.engines import get_engine
from newsl10n.errors import Newsl10nError
from newsl10n.pipeline import (
    PairResult,
    PreparedArticle,
    discover,
    prepare_article,
    translate_pair,
    write_template,
)
from newsl10n.tm import TranslationMemory


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
    memory: TranslationMemory,
    retranslate: bool,
) -> PairResult:
    """One catalog; expected problems come back as results, surprises raise and are retried."""
    engine = get_engine(settings.engine, settings.engine_settings)
    return translate_pair(prepared, target, engine, settings, memory, retranslate)


@flow(name="translate-articles", log_prints=True)
def translate_articles(
    articles: list[str] | None = None,
    targets: list[str] | None = None,
    project: str | None = None,
    source: str | None = None,
    locales: str | None = None,
    retranslate: bool = False,
) -> list[PairResult]:
    """Translate articles (default: every article in the source folder) into target languages."""
    logger = get_run_logger()
    settings = load_settings(Path(project) if project else None).with_overrides(
        targets=targets,
        source=Path(source) if source else None,
        locales=Path(locales) if locales else None,
    )
    paths = discover(settings, [Path(a) for a in articles or []])
    prepared = [prepare_task(p, settings) for p in paths]
    results: list[PairResult] = [r for r in prepared if isinstance(r, PairResult)]
    memories = {t: TranslationMemory(settings.locales, t) for t in settings.targets}
    futures: list[PrefectFuture[PairResult]] = [
        translate_task.submit(art, art.slug, target, settings, memories[target], retranslate)
        for art in prepared
        if isinstance(art, PreparedArticle)
        for target in settings.targets
    ]
    for done, future in enumerate(futures, start=1):
        result = future.result()
        results.append(result)
        logger.info("[%d/%d] %s", done, len(futures), summarize(result))
    return results


def summarize(result: PairResult) -> str:
    head = f"{result.slug} → {result.target}"
    if result.error:
        return f"{head}: FAILED: {result.error}"
    if result.skipped:
        return f"{head}: skipped ({result.skipped})"
    return (
        f"{head}: {result.segments} segments, {result.translated} translated, "
        f"{result.from_memory} from memory, {result.kept} kept, {result.failed} failed"
    )
