"""The ``newsl10n`` command: configuration at the edge, work in the library and flows."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import IO, Any

import click
from rich.console import Console
from rich.table import Table

from newsl10n.config import Settings, export_environment, load_settings, parse_languages
from newsl10n.errors import Newsl10nError

console = Console(stderr=True)
out = Console()


def _print_table(table: Table) -> None:
    """Tables in a terminal fit it; piped or captured, they are not cut to 80 columns."""
    Console(width=None if out.is_terminal else 160).print(table)


def _settings(ctx: click.Context) -> Settings:
    settings: Settings = ctx.obj["settings"]
    return settings


def _fail(message: str, code: int = 1) -> None:
    console.print(f"[bold red]error:[/] {message}", highlight=False, markup=True)
    sys.exit(code)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="newsl10n")
@click.option(
    "--project",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Project folder (with pyproject.toml); default: the current folder or a parent.",
)
@click.pass_context
def main(ctx: click.Context, project: Path | None) -> None:
    """Offline localization of news articles into reviewable gettext catalogs."""
    try:
        ctx.obj = {"settings": load_settings(project)}
    except Newsl10nError as err:
        _fail(str(err), 2)


def _languages(
    ctx: click.Context, param: click.Parameter, value: str | None
) -> tuple[str, ...] | None:
    if value is None:
        return None
    try:
        return parse_languages(value, what=param.name or "languages")
    except Newsl10nError as err:
        raise click.BadParameter(str(err)) from None


_dir = click.Path(file_okay=False, path_type=Path)


_runner = click.Choice(["threads", "processes", "dask"])
_engine = click.Choice(["argos", "apertium"])


@main.command()
@click.option("--source", type=_dir, help="Folder of source articles.")
@click.option("--locales", type=_dir, help="Folder of catalogs.")
@click.option("--bundles", type=_dir, help="Folder of article bundles.")
@click.option("--glossary", type=_dir, help="Folder of glossaries.")
@click.option("--to", "targets", callback=_languages, help="Target languages, e.g. ru,ko,zh.")
@click.option("--retranslate", is_flag=True, help="Re-translate unreviewed machine output.")
@click.option("--force", is_flag=True, help="Process unchanged articles too.")
@click.option("--runner", type=_runner, help="Task runner (default: threads).")
@click.option("--engine", type=_engine, help="Engine for every pair (default: configuration).")
@click.pass_context
def run(
    ctx: click.Context,
    source: Path | None,
    locales: Path | None,
    bundles: Path | None,
    glossary: Path | None,
    targets: tuple[str, ...] | None,
    retranslate: bool,
    force: bool,
    runner: str | None,
    engine: str | None,
) -> None:
    """Translate every new or changed article under the source folder."""
    settings = _settings(ctx).with_overrides(
        source=source, locales=locales, bundles=bundles, glossary=glossary, targets=targets
    )
    if not settings.source.is_dir():
        _fail(f"{settings.source}: source folder does not exist", 2)
    from flows.translate import translate_batch

    _run_flow(
        translate_batch,
        settings,
        runner,
        targets=list(settings.targets),
        engine=engine,
        retranslate=retranslate,
        force=force,
    )


@main.command()
@click.argument("article", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--to", "targets", callback=_languages, help="Target languages, e.g. ru,ko,zh.")
@click.option("--locales", type=_dir, help="Folder of catalogs.")
@click.option("--retranslate", is_flag=True, help="Re-translate unreviewed machine output.")
@click.option("--runner", type=_runner, help="Task runner (default: threads).")
@click.option("--engine", type=_engine, help="Engine for every pair (default: configuration).")
@click.pass_context
def translate(
    ctx: click.Context,
    article: Path,
    targets: tuple[str, ...] | None,
    locales: Path | None,
    retranslate: bool,
    runner: str | None,
    engine: str | None,
) -> None:
    """Translate one article into the target languages."""
    settings = _settings(ctx).with_overrides(targets=targets, locales=locales)
    path = article.resolve()
    if not path.is_relative_to(settings.source.resolve()):
        settings = settings.with_overrides(source=path.parent)  # an article from elsewhere
    from flows.translate import translate_article

    _run_flow(
        translate_article,
        settings,
        runner,
        article=path.relative_to(settings.source.resolve()).as_posix(),
        targets=list(settings.targets),
        engine=engine,
        retranslate=retranslate,
    )


def _run_flow(flow: Any, settings: Settings, runner: str | None, **parameters: Any) -> None:
    """Run a Prefect flow in this process (a temporary local server when none is
    configured), with the settings in the environment, as a worker would have them."""
    os.environ.setdefault("DO_NOT_TRACK", "1")
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    # Prefect's default 20 s is too short for a first start (new database) on a busy machine.
    os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "120")
    os.environ.update(export_environment(settings))
    if runner:
        from flows.runners import task_runner

        flow = flow.with_options(task_runner=task_runner(runner))
    state = flow(**parameters, return_state=True)
    results = state.result(raise_on_failure=False)
    if isinstance(results, BaseException):
        _fail(f"the run failed: {results}")
    _report(results)


def _report(results: Sequence[Any]) -> None:
    """The summary table; exit 1 when any article or pair failed."""
    table = Table(title="newsl10n run")
    counts = ("segments", "translated", "memory", "kept", "failed", "qa errors")
    for column in ("article", "language", *counts, "status"):
        table.add_column(column, justify="right" if column in counts else "left", overflow="fold")
    failures: list[str] = []
    for r in results:
        status = "written" if r.written else "unchanged"
        if r.error:
            status = "[red]FAILED[/]"
            failures.append(f"{r.slug} → {r.target}: {r.error}")
        elif r.skipped:
            status = f"skipped: {r.skipped}"
        elif r.failed:
            status = "[yellow]incomplete[/]"
            failures.append(f"{r.slug} → {r.target}: {r.failed} segment(s) left untranslated")
        numbers = (r.segments, r.translated, r.from_memory, r.kept, r.failed, r.qa_errors)
        table.add_row(r.slug, r.target, *map(str, numbers), status)
    _print_table(table)
    qa_errors = sum(r.qa_errors for r in results)
    if qa_errors:
        click.echo(f"qa: {qa_errors} finding(s) in the catalogs; see `newsl10n qa`", err=True)
    for line in failures:
        click.echo(f"error: {line}", err=True)
    if failures:
        _fail(f"{len(failures)} article/language pair(s) failed")


@main.command()
@click.option("--candidates", callback=_languages, help="Languages to choose from, e.g. en,ru,ko.")
@click.argument("file", type=click.File("r", encoding="utf-8"), default="-")
@click.pass_context
def detect(ctx: click.Context, candidates: tuple[str, ...] | None, file: IO[str]) -> None:
    """Detect the language of each input line: prints LANG<TAB>CONFIDENCE per line."""
    from newsl10n.detect import detect_language

    chosen = candidates or _settings(ctx).candidates
    for line in file:
        found = detect_language(line.rstrip("\n"), chosen)
        click.echo(f"{found.lang}\t{found.confidence:.2f}")


@main.command()
@click.option("--locales", type=_dir, help="Folder of catalogs.")
@click.option("--to", "targets", callback=_languages, help="Only these languages.")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@click.pass_context
def status(
    ctx: click.Context, locales: Path | None, targets: tuple[str, ...] | None, as_json: bool
) -> None:
    """Per article and language: reviewed, fuzzy, untranslated, obsolete; totals per language."""
    from newsl10n.status import collect

    settings = _settings(ctx).with_overrides(locales=locales)
    report = collect(settings.locales, targets)
    if as_json:
        click.echo(json.dumps(report.as_dict(), indent=2, ensure_ascii=False))
    else:
        table = Table(title=f"catalogs in {settings.locales}")
        columns = ("reviewed", "fuzzy", "untranslated", "obsolete")
        for column in ("article", "language", *columns, "reviewed %"):
            table.add_column(
                column, justify="left" if column in ("article", "language") else "right"
            )
        rows = [(c.article, c.language, c.counts) for c in report.catalogs]
        rows += [("[b]total[/]", lang, c) for lang, c in report.totals.items()]
        for article, lang, c in rows:
            numbers = (c.reviewed, c.fuzzy, c.untranslated, c.obsolete)
            table.add_row(article, lang, *map(str, numbers), f"{c.share_reviewed:.0%}")
        _print_table(table)
    for line in report.errors:
        click.echo(f"error: {line}", err=True)
    if report.errors:
        sys.exit(1)


@main.command("compile")
@click.option("--locales", type=_dir, help="Folder of catalogs.")
@click.option("--use-fuzzy", is_flag=True, help="Include unreviewed (fuzzy) entries.")
@click.pass_context
def compile_(ctx: click.Context, locales: Path | None, use_fuzzy: bool) -> None:
    """Write .mo files next to the catalogs (reviewed entries only, as msgfmt does)."""
    from newsl10n.catalog import catalogs, compile_mo

    settings = _settings(ctx).with_overrides(locales=locales)
    failures = 0
    for _lang, path in catalogs(settings.locales):
        try:
            out.print(f"wrote {compile_mo(path, use_fuzzy)}")
        except Newsl10nError as err:
            failures += 1
            click.echo(f"error: {err}", err=True)
    if failures:
        sys.exit(1)


@main.command()
@click.option("--locales", type=_dir, help="Folder of catalogs.")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@click.pass_context
def qa(ctx: click.Context, locales: Path | None, as_json: bool) -> None:
    """Check every catalog entry: glossary terms, forbidden forms, numbers. Exit 1 on errors."""
    from newsl10n import qa as checks
    from newsl10n.glossary import load_glossary

    settings = _settings(ctx).with_overrides(locales=locales)
    try:
        glossary = load_glossary(settings.glossary)
    except Newsl10nError as err:
        _fail(str(err))
    findings = checks.check_locales(settings.locales, glossary)
    click.echo(checks.render_json(findings) if as_json else checks.render_table(findings))
    errors, _warnings = checks.counts(findings)
    if errors:
        sys.exit(1)


@main.command()
@click.argument("articles", nargs=-1, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--to", "targets", callback=_languages, help="Only these languages.")
@click.option("--zip", "zip_", is_flag=True, help="Also write bundles/<slug>.zip per article.")
@click.option("--keep-source", is_flag=True, help="Show unreviewed segments in the source.")
@click.pass_context
def bundle(
    ctx: click.Context,
    articles: tuple[Path, ...],
    targets: tuple[str, ...] | None,
    zip_: bool,
    keep_source: bool,
) -> None:
    """Rebuild bundles and review pages from the catalogs alone (no model is loaded)."""
    from newsl10n.article import read_article
    from newsl10n.glossary import load_glossary
    from newsl10n.pipeline import build_review

    settings = _settings(ctx)
    try:
        slugs = [read_article(a).slug for a in articles] or None
        glossary = load_glossary(settings.glossary)
    except Newsl10nError as err:
        _fail(str(err))
    report = build_review(
        settings, glossary, targets, slugs, zip_=zip_, keep_source_for_unreviewed=keep_source
    )
    for b in report.bundles:
        if b.error:
            click.echo(f"error: {b.slug} → {b.lang}: {b.error}", err=True)
        else:
            state = "written" if b.written else "unchanged"
            out.print(f"{b.slug} → {b.lang}: {b.folder} ({state})", highlight=False)
    if report.index is not None:
        out.print(f"review index: {report.index}", highlight=False)
    if not report.ok:
        sys.exit(1)


@main.command()
@click.argument("article", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--to", "target", required=True, help="One target language, e.g. es.")
@click.option("--engines", default="argos,apertium", show_default=True,
              help="Engines to compare, comma-separated.")  # fmt: skip
@click.pass_context
def compare(ctx: click.Context, article: Path, target: str, engines: str) -> None:
    """Translate one article with several engines and put them side by side
    (bundles/<lang>/<slug>/compare.html). Catalogs are not touched."""
    from newsl10n.compare import compare_engines, write_compare_page
    from newsl10n.config import check_engine, check_language
    from newsl10n.glossary import load_glossary
    from newsl10n.pipeline import prepare_article

    settings = _settings(ctx)
    try:
        check_language(target, "--to")
        names = [check_engine(e.strip()) for e in engines.split(",") if e.strip()]
    except Newsl10nError as err:
        raise click.BadParameter(str(err)) from None
    try:
        prepared = prepare_article(article, settings)
        glossary = load_glossary(settings.glossary)
    except Newsl10nError as err:
        _fail(str(err))
    columns = compare_engines(prepared, target, names, settings, glossary)
    path = write_compare_page(prepared, target, columns, settings, glossary)
    for column in columns:
        if column.error:
            click.echo(f"error: {column.engine}: {column.error}", err=True)
        else:
            missing = sum(bool(o.missing) for o in column.outcomes)
            out.print(f"{column.engine} ({column.model}): {missing} segment(s) with missing terms")
    out.print(f"comparison: {path}", highlight=False)
    if any(c.error for c in columns):
        sys.exit(1)


@main.group()
def glossary() -> None:
    """Check and export glossaries (CSV in glossaries/, TBX for CAT tools)."""


@glossary.command("check")
@click.argument("paths", nargs=-1, type=click.Path(exists=True, path_type=Path))
@click.pass_context
def glossary_check(ctx: click.Context, paths: tuple[Path, ...]) -> None:
    """Validate glossary files (default: the glossary folder). Exit 1 on errors."""
    from newsl10n.glossary import check_glossary

    problems = check_glossary(paths or [_settings(ctx).glossary])
    for problem in problems:
        click.echo(str(problem), err=True)
    errors = [p for p in problems if p.severity == "error"]
    if errors:
        _fail(f"{len(errors)} error(s) in the glossary")
    out.print("glossary ok" + (f" ({len(problems)} warning(s))" if problems else ""))


@glossary.command("export")
@click.option("--format", "fmt", type=click.Choice(["tbx", "csv"]), default="tbx")
@click.option("--dialect", type=click.Choice(["basic", "min"]), default="basic",
              help="TBX-Basic (default) or TBX-Min.")  # fmt: skip
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path), default=None)
@click.pass_context
def glossary_export(ctx: click.Context, fmt: str, dialect: str, output: Path | None) -> None:
    """Write the glossary as TBX (Weblate, Pontoon, CAT tools) or as one CSV."""
    from newsl10n.catalog import atomic_write
    from newsl10n.glossary import dump_csv, load_glossary
    from newsl10n.tbx import dump_tbx

    try:
        loaded = load_glossary(_settings(ctx).glossary)
    except Newsl10nError as err:
        _fail(str(err))
    text = (
        dump_tbx(loaded, "min" if dialect == "min" else "basic")
        if fmt == "tbx"
        else dump_csv(loaded)
    )
    if output is None:
        click.echo(text, nl=False)
    else:
        atomic_write(output, text)
        console.print(f"wrote {len(loaded.terms)} term(s) to {output}")


@main.group()
def tm() -> None:
    """Translation memory (reviewed translations of all catalogs)."""


@tm.command("export")
@click.option("--locales", type=_dir, help="Folder of catalogs.")
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="TMX file to write (default: standard output).")  # fmt: skip
@click.pass_context
def tm_export(ctx: click.Context, locales: Path | None, output: Path | None) -> None:
    """Export reviewed translations as TMX 1.4b for other CAT tools."""
    from newsl10n.catalog import atomic_write, catalogs
    from newsl10n.tm import export_tmx, reviewed_units

    settings = _settings(ctx).with_overrides(locales=locales)
    languages = sorted({lang for lang, _ in catalogs(settings.locales)})
    units = [u for lang in languages for u in reviewed_units(settings.locales, lang)]
    text = export_tmx(units)
    if output is None:
        click.echo(text, nl=False)
    else:
        atomic_write(output, text)
        console.print(f"wrote {len(units)} translation(s) to {output}")


@main.group()
def models() -> None:
    """List, install and download Argos translation models."""


@models.command("list")
def models_list() -> None:
    """Show installed language pairs."""
    from newsl10n.engines.argos import installed_packages, packages_dirs

    table = Table(title=f"Argos packages in {', '.join(map(str, packages_dirs()))}")
    for column in ("pair", "version", "path"):
        table.add_column(column)
    for pkg in installed_packages():
        table.add_row(f"{pkg.source}→{pkg.target}", pkg.version, str(pkg.path))
    _print_table(table)


@models.command("install")
@click.argument(
    "files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path)
)
def models_install(files: tuple[Path, ...]) -> None:
    """Install .argosmodel package files (downloaded by hand)."""
    from newsl10n.engines.argos import install_package_file

    for file in files:
        try:
            pkg = install_package_file(file)
        except Newsl10nError as err:
            _fail(str(err))
        else:
            out.print(f"installed {pkg.source}→{pkg.target} {pkg.version} from {file}")


@models.command("download")
@click.argument("pairs", nargs=-1, required=True)
def models_download(pairs: tuple[str, ...]) -> None:
    """Download and install packages for PAIRS (en-ru ...) from the Argos index (online)."""
    from newsl10n.engines.argos_index import parse_pair

    try:
        wanted = [parse_pair(p) for p in pairs]
    except Newsl10nError as err:
        _fail(str(err), 2)
    _download(wanted)


@models.command("ensure")
@click.pass_context
def models_ensure(ctx: click.Context) -> None:
    """Install whatever the configured articles and targets still need (used by `make run`)."""
    from newsl10n.engines.argos import ArgosEngine

    settings = _settings(ctx)
    missing = missing_pairs(settings, ArgosEngine(settings.engine_settings))
    if not missing:
        out.print("all models needed by the configured articles and targets are installed")
        return
    out.print("missing models: " + ", ".join(f"{a}-{b}" for a, b in missing))
    _download(missing)


def missing_pairs(settings: Settings, engine: Any) -> list[tuple[str, str]]:
    """(source, target) pairs the source folder needs and no installed model covers."""
    from newsl10n.article import discover_articles, read_article
    from newsl10n.pipeline import article_language

    sources: set[str] = set()
    for path in discover_articles(settings.source):
        try:
            article = read_article(path)
        except Newsl10nError:
            continue  # reported when the run reaches it
        sources.add(article_language(article, settings.candidates).lang)
    missing: list[tuple[str, str]] = []
    for source in sorted(sources - {"und"}):
        for target in settings.targets:
            if target == source:
                continue
            try:
                engine.model_version(source, target)
            except Newsl10nError:
                missing.append((source, target))
    return missing


def _download(pairs: Sequence[tuple[str, str]]) -> None:
    from rich.progress import BarColumn, DownloadColumn, Progress, TransferSpeedColumn

    from newsl10n.engines.argos import packages_dirs
    from newsl10n.engines.argos_index import (
        IndexUnreachable,
        download_and_install,
        fetch_index,
        packages_for,
    )

    listed = " ".join(f"{a}-{b}" for a, b in pairs)
    try:
        index = fetch_index()
    except IndexUnreachable as err:
        _fail(
            f"{err}\nmissing pairs: {listed}\n"
            "to install by hand: download each package file (.argosmodel) on a machine with "
            "network access from https://www.argosopentech.com/argospm/index/ , copy it here and "
            f"run `newsl10n models install FILE.argosmodel` (installs into {packages_dirs()[0]}; "
            "set ARGOS_PACKAGES_DIR to use another folder)"
        )
    try:
        wanted = packages_for(pairs, index)
        with Progress(
            "[progress.description]{task.description}", BarColumn(), DownloadColumn(),
            TransferSpeedColumn(), console=console,
        ) as progress:  # fmt: skip
            for pkg in wanted:
                task = progress.add_task(pkg.name, total=None)

                def update(_name: str, done: int, total: int | None, task: Any = task) -> None:
                    progress.update(task, completed=done, total=total)

                info = download_and_install(pkg, update)
                progress.console.print(f"installed {info.source}→{info.target} {info.version}")
    except Newsl10nError as err:
        _fail(str(err))
