"""The ``newsl10n`` command: configuration at the edge, the work in the library.

``run`` and ``translate`` call :func:`newsl10n.run.run` in this process (no Prefect is
imported) unless a Prefect API is configured (``PREFECT_API_URL``) or ``--prefect`` is
given: then the same function runs inside the Prefect flow, so the run shows in the UI.
Every command that uses the project's folders takes the same folder options.
"""

from __future__ import annotations

import functools
import json
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, Literal, NoReturn, TypeVar

import click
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from newsl10n.config import (
    ENGINE_NAMES,
    RUNNER_NAMES,
    Settings,
    load_settings,
    load_settings_file,
    parse_languages,
)
from newsl10n.errors import Newsl10nError

if TYPE_CHECKING:
    from newsl10n.results import PairResult
    from newsl10n.run import Report, Request

# No markup (paths and file names may hold "[...]") and no wrapping (a piped path stays
# whole on its line); the few styled lines ask for markup themselves.
console = Console(stderr=True, soft_wrap=True, markup=False)
out = Console(soft_wrap=True, markup=False)
F = TypeVar("F", bound=Callable[..., Any])


def _print_table(table: Table) -> None:
    """Tables in a terminal fit it; piped or captured, they are not cut to 80 columns."""
    Console(width=None if out.is_terminal else 160).print(table)


def _settings(ctx: click.Context) -> Settings:
    """The project's settings with this command's folder options applied (loaded once)."""
    obj: dict[str, Any] = ctx.ensure_object(dict)
    if "settings" not in obj:
        try:
            obj["settings"] = load_settings(obj.get("project"))
        except Newsl10nError as err:
            _fail(str(err), 2)
    settings: Settings = obj["settings"]
    return settings


def _emit(text: str, output: Path | None, what: str) -> None:
    """An export to standard output, or written to ``output`` and said so on the console."""
    from newsl10n.catalog.store import atomic_write

    if output is None or str(output) == "-":  # "-": standard output, as tools read it
        click.echo(text, nl=False)
        return
    if not output.parent.exists():  # a typo must not leave files where nobody looks
        _fail(f"{output.parent}: folder does not exist; nothing written")
    try:
        atomic_write(output, text)
    except OSError as err:
        _fail(f"{output}: cannot write: {err.strerror or err}")
    console.print(f"wrote {what} to {output}")


def _fail(message: str, code: int = 1) -> NoReturn:
    console.print(f"[bold red]error:[/] {escape(message)}", highlight=False, markup=True)
    sys.exit(code)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="newsl10n")
@click.option(
    "--project",
    type=click.Path(exists=True, file_okay=False, path_type=Path),  # a typo is no empty project
    default=None,
    help="Project folder (with pyproject.toml); default: the current folder or a parent.",
)
@click.pass_context
def main(ctx: click.Context, project: Path | None) -> None:
    """Offline localization of news articles into reviewable gettext catalogs."""
    ctx.ensure_object(dict)["project"] = project


_dir = click.Path(file_okay=False, path_type=Path)
_FOLDERS = ("source", "locales", "bundles", "glossary")
# Commands that create the catalog folder; for the others a missing --locales is a typo,
# not "no problems found".
_WRITE_CATALOGS = frozenset({"run", "translate"})


def folder_options(command: F) -> F:
    """``--source/--locales/--bundles/--glossary`` and ``--config``, the same on every command
    that uses the project's folders. Relative paths are relative to the working directory;
    an explicit source or glossary folder must exist, and so must an explicit catalog folder
    for the commands that only read catalogs."""

    @functools.wraps(command)
    def wrapper(*args: Any, config: Path | None, **kwargs: Any) -> Any:
        ctx = click.get_current_context()
        given = {key: kwargs.pop(key) for key in _FOLDERS}
        writes = ctx.command.name in _WRITE_CATALOGS
        obj: dict[str, Any] = ctx.ensure_object(dict)
        try:
            base = load_settings_file(config) if config is not None else _settings(ctx)
        except Newsl10nError as err:
            _fail(str(err), 2)
        must_exist = ("source", "glossary", *(() if writes else ("locales",)))
        for key in must_exist:
            folder = given[key]
            if folder is not None and not folder.is_dir():
                _fail(f"--{key} {folder}: folder does not exist", 2)
        obj["settings"] = base.with_overrides(
            **{k: v.resolve() for k, v in given.items() if v is not None}
        )
        return command(*args, **kwargs)

    options = [
        click.option("--source", type=_dir, help="Folder of source articles."),
        click.option("--locales", type=_dir, help="Folder of catalogs."),
        click.option("--bundles", type=_dir, help="Folder of bundles and review pages."),
        click.option("--glossary", type=_dir, help="Folder of glossaries."),
        click.option(
            "--config",
            type=click.Path(dir_okay=False, exists=True, path_type=Path),
            help="Another pyproject.toml to read [tool.newsl10n] from.",
        ),
    ]
    decorated: Any = wrapper
    for option in reversed(options):
        decorated = option(decorated)
    return decorated  # type: ignore[no-any-return]


def _languages(
    ctx: click.Context, param: click.Parameter, value: str | None
) -> tuple[str, ...] | None:
    if value is None:
        return None
    try:
        return parse_languages(value, what=param.name or "languages")
    except Newsl10nError as err:
        raise click.BadParameter(str(err)) from None


_runner = click.Choice(RUNNER_NAMES)
_engine = click.Choice(ENGINE_NAMES)


def run_options(command: F) -> F:
    """Options shared by ``run`` and ``translate``."""
    options = [
        click.option("--to", "targets", callback=_languages, help="Target languages, e.g. ru,ko."),
        click.option("--retranslate", is_flag=True, help="Re-translate unreviewed machine output."),
        click.option("--engine", type=_engine, help="Engine for every pair (default: settings)."),
        click.option(
            "--prefect/--no-prefect",
            default=None,
            help="Run as a Prefect flow, shown in the UI (default: when PREFECT_API_URL is set).",
        ),
        click.option("--runner", type=_runner, help="Prefect task runner (with --prefect)."),
        click.option(
            "--verbose",
            "-v",
            is_flag=True,
            help="List every pair in the end table (default: unchanged articles, and in a batch of "
            "over 100 pairs those with nothing to report, in one line each).",
        ),
    ]
    decorated: Any = command
    for option in reversed(options):
        decorated = option(decorated)
    return decorated  # type: ignore[no-any-return]


@main.command("run")
@folder_options
@run_options
@click.option("--force", is_flag=True, help="Process unchanged articles too.")
# The benchmark's baseline: one engine call per article × language instead of per language.
@click.option("--batching", type=click.Choice(["language", "article"]), hidden=True)
@click.pass_context
def run_command(
    ctx: click.Context,
    targets: tuple[str, ...] | None,
    retranslate: bool,
    engine: str | None,
    prefect: bool | None,
    runner: str | None,
    verbose: bool,
    force: bool,
    batching: Literal["language", "article"] | None,
) -> None:
    """Translate every new or changed article under the source folder."""
    from newsl10n.run import Request

    settings = _settings(ctx).with_overrides(targets=targets, engine=engine)
    if not settings.source.is_dir():
        _fail(f"{settings.source}: source folder does not exist", 2)
    request = Request(retranslate=retranslate, force=force, batching=batching or "language")
    _execute(settings, request, prefect, runner, verbose)


@main.command()
@click.argument("article", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@folder_options
@run_options
@click.pass_context
def translate(
    ctx: click.Context,
    article: Path,
    targets: tuple[str, ...] | None,
    retranslate: bool,
    engine: str | None,
    prefect: bool | None,
    runner: str | None,
    verbose: bool,
) -> None:
    """Translate one article into the target languages."""
    from newsl10n.run import Request

    settings = _settings(ctx).with_overrides(targets=targets, engine=engine)
    path = article.resolve()
    if not path.is_relative_to(settings.source.resolve()):
        settings = settings.with_overrides(source=path.parent)  # an article from elsewhere
    request = Request(articles=(path,), retranslate=retranslate)
    _execute(settings, request, prefect, runner, verbose)


def _execute(
    settings: Settings,
    request: Request,
    prefect: bool | None,
    runner: str | None,
    verbose: bool = False,
) -> None:
    """Run here, or as a Prefect flow when an API is configured or asked for; then the
    table and the exit status."""
    from newsl10n.glossary.load import load_glossary
    from newsl10n.run import glossary_note

    use_prefect = prefect if prefect is not None else bool(os.environ.get("PREFECT_API_URL"))
    if runner and not use_prefect:
        _fail("--runner chooses a Prefect task runner: add --prefect (or set PREFECT_API_URL)", 2)
    try:
        glossary = load_glossary(settings.glossary)
    except Newsl10nError as err:
        _fail(str(err))
    console.print(glossary_note(glossary, settings.glossary), highlight=False, markup=False)
    if use_prefect:
        report = _run_prefect(settings, request, runner)
    else:
        report = _run_here(settings, request, glossary)
    _report(report, verbose)


def _run_here(settings: Settings, request: Request, glossary: Any) -> Report:
    """The library run in this process, with a live progress bar."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from newsl10n.run import Event, run

    columns = (
        TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
        TextColumn("{task.fields[detail]}", markup=False), TimeElapsedColumn(),
    )  # fmt: skip
    with Progress(*columns, console=console, transient=not console.is_terminal) as bar:
        task = bar.add_task("preparing", total=None, detail="")
        segments = [0]

        def show(event: Event) -> None:
            if event.kind == "pairs":
                bar.update(task, description="translating", completed=event.done, total=event.total)
            elif event.kind == "segments":
                segments[0] += event.done
                bar.update(task, detail=f"{segments[0]} segments ({event.message})")
            elif event.kind == "bundles":
                bar.update(task, description="bundles", detail=event.message)
            elif event.kind in ("residue", "unavailable"):
                bar.console.print(event.message, highlight=False, markup=False)
            elif event.kind in ("planned", "prepared"):
                bar.update(task, detail=event.message)

        try:
            return run(settings, request, progress=show, glossary=glossary)
        except Newsl10nError as err:
            _fail(str(err))


def _run_prefect(settings: Settings, request: Request, runner: str | None) -> Report:
    """The same run inside a Prefect flow: against the configured API, or (asked for with
    --prefect and none configured) Prefect's temporary local server."""
    os.environ.setdefault("DO_NOT_TRACK", "1")
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "120")
    try:  # here, not at the top: Prefect is an optional extra, imported only for this door
        from newsl10n.flows.translate import run_in_prefect
    except ImportError as err:
        why = "--prefect" if "PREFECT_API_URL" not in os.environ else "PREFECT_API_URL is set:"
        _fail(
            f"{why} a Prefect run needs Prefect ({err}): pip install 'newsl10n[prefect]' "
            "(or 'newsl10n[dask]'), or add --no-prefect to run here",
            2,
        )
    try:
        report: Report = run_in_prefect(settings, request, runner)
        return report
    except Newsl10nError as err:
        _fail(str(err))
    except Exception as err:  # the server did not start or answer: one line, not a traceback
        _fail(f"Prefect: {type(err).__name__}: {err}; add --no-prefect to run here without it")


#: Above this many rows, the end table lists only the pairs with something to report
#: (failed, incomplete, skipped for a reason, QA errors) and sums up the others, their
#: QA warnings included, in one line: a nightly batch of 500 articles into 4 languages is
#: 2,000 rows, which take the table renderer some 3 s and nobody reads; ``--verbose``
#: lists them all.
TABLE_ROWS = 100


def _quiet(r: PairResult) -> bool:
    """A pair with nothing to report: written (or already current), complete, no QA error."""
    return not (r.error or r.skipped or r.failed or r.qa_errors)


def _report(report: Report, verbose: bool = False) -> None:
    """The summary table; exit 1 when any article or pair failed. Articles skipped as
    unchanged are one line under the table (a nightly batch skips most of its archive),
    and so are, in a batch of more than TABLE_ROWS pairs, the pairs with nothing to
    report; ``verbose`` lists every row."""
    from newsl10n.run import UNCHANGED

    unchanged = [r for r in report.results if r.skipped == UNCHANGED]
    shown = report.results if verbose else [r for r in report.results if r.skipped != UNCHANGED]
    quiet = [] if verbose or len(shown) <= TABLE_ROWS else [r for r in shown if _quiet(r)]
    if quiet:
        shown = [r for r in shown if not _quiet(r)]
    table = Table(title="newsl10n run")
    counts = ("segments", "translated", "memory", "kept", "failed", "qa errors", "qa warnings")
    for column in ("article", "language", *counts, "status"):
        table.add_column(column, justify="right" if column in counts else "left", overflow="fold")
    failures: list[str] = []
    for r in shown:
        status = "written" if r.written else "unchanged"
        if r.error:
            status = "[red]FAILED[/]"
            failures.append(f"{r.slug} → {r.target}: {r.error}" if r.target != "-" else r.error)
        elif r.skipped:
            status = f"skipped: {r.skipped}"
        elif r.failed:
            status = "[yellow]incomplete[/]"
            why = f": {r.reason}" if r.reason else ""
            failures.append(f"{r.slug} → {r.target}: {r.failed} segment(s) left untranslated{why}")
        numbers = (
            r.segments, r.translated, r.from_memory, r.kept, r.failed, r.qa_errors, r.qa_warnings
        )  # fmt: skip
        table.add_row(r.slug, r.target, *map(str, numbers), status)
    if shown:
        _print_table(table)
    if quiet:
        written = sum(1 for r in quiet if r.written)
        articles = len({r.slug for r in quiet})
        console.print(
            f"nothing to report: {len(quiet)} catalog(s) of {articles} article(s), "
            f"{written} written, {len(quiet) - written} already current; "
            f"{sum(r.translated for r in quiet)} segment(s) translated, "
            f"{sum(r.from_memory for r in quiet)} from memory, "
            f"{sum(r.qa_warnings for r in quiet)} QA warning(s) (--verbose lists them)",
            highlight=False,
            markup=False,
        )
    if unchanged and not verbose:
        console.print(
            f"skipped: {len(unchanged)} article(s) {UNCHANGED} (--verbose lists them)",
            highlight=False,
            markup=False,
        )
    console.print(report.glossary_note, highlight=False, markup=False)
    if report.bundles is not None:
        for b in report.bundles.bundles:
            if b.error:
                failures.append(f"bundle {b.label}: {b.error}")
        if report.bundles.index is not None:
            console.print(f"review index: {report.bundles.index}", highlight=False, markup=False)
    qa_errors = sum(r.qa_errors for r in report.results)
    if qa_errors:
        click.echo(f"qa: {qa_errors} finding(s) in the catalogs; see `newsl10n qa`", err=True)
    for line in failures:
        click.echo(f"error: {line}", err=True)
    if failures:
        _fail(f"{len(failures)} problem(s): see above")


@main.command()
@folder_options
@click.option("--candidates", callback=_languages, help="Languages to choose from, e.g. en,ru,ko.")
@click.argument("file", type=click.File("r", encoding="utf-8"), default="-")
@click.pass_context
def detect(ctx: click.Context, candidates: tuple[str, ...] | None, file: IO[str]) -> None:
    """Detect the language of each input line: prints LANG<TAB>CONFIDENCE per line."""
    from newsl10n.source.detect import detect_language

    chosen = candidates or _settings(ctx).candidates
    try:
        for line in file:
            found = detect_language(line.rstrip("\n"), chosen)
            click.echo(f"{found.lang}\t{found.confidence:.2f}")
    except UnicodeDecodeError as err:
        name = getattr(file, "name", "-")
        _fail(
            f"{name}: not valid UTF-8 (byte 0x{err.object[err.start]:02x}); convert it with iconv"
        )


@main.command()
@folder_options
@click.option("--to", "targets", callback=_languages, help="Only these languages.")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@click.pass_context
def status(ctx: click.Context, targets: tuple[str, ...] | None, as_json: bool) -> None:
    """Per article and language: reviewed, fuzzy, untranslated, obsolete; totals per language."""
    from newsl10n.catalog.status import collect

    settings = _settings(ctx)
    report = collect(settings.locales, targets)
    if as_json:
        click.echo(json.dumps(report.as_dict(), indent=2, ensure_ascii=False))
    else:
        table = Table(title=escape(f"catalogs in {settings.locales}"))
        columns = ("reviewed", "fuzzy", "untranslated", "obsolete")
        for column in ("article", "language", *columns, "reviewed %"):
            table.add_column(
                column, justify="left" if column in ("article", "language") else "right"
            )
        rows = [(escape(c.article), escape(c.language), c.counts) for c in report.catalogs]
        rows += [("[b]total[/]", lang, c) for lang, c in report.totals.items()]
        for article, lang, c in rows:
            numbers = (c.reviewed, c.fuzzy, c.untranslated, c.obsolete)
            table.add_row(article, lang, *map(str, numbers), f"{c.reviewed_share:.0%}")
        _print_table(table)
    for line in report.errors:
        click.echo(f"error: {line}", err=True)
    if report.errors:
        sys.exit(1)


@main.command("compile")
@folder_options
@click.option("--use-fuzzy", is_flag=True, help="Include unreviewed (fuzzy) entries.")
@click.pass_context
def compile_(ctx: click.Context, use_fuzzy: bool) -> None:
    """Write .mo files next to the catalogs (reviewed entries only, as msgfmt does)."""
    from newsl10n.catalog.store import catalogs, compile_mo

    settings = _settings(ctx)
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
@folder_options
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@click.pass_context
def qa(ctx: click.Context, as_json: bool) -> None:
    """Check every catalog entry: glossary terms, forbidden forms, numbers. Exit 1 on errors."""
    from newsl10n import qa as checks
    from newsl10n.glossary.load import load_glossary

    settings = _settings(ctx)
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
@folder_options
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
    from newsl10n.glossary.load import load_glossary
    from newsl10n.pipeline import build_review
    from newsl10n.source.article import read_article

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
            click.echo(f"error: {b.label}: {b.error}", err=True)
        else:
            state = "written" if b.written else "unchanged"
            out.print(f"{b.slug} → {b.lang}: {b.folder} ({state})", highlight=False)
    if report.index is not None:
        out.print(f"review index: {report.index}", highlight=False)
    if not report.ok:
        sys.exit(1)


def _cannot_listen(host: str, port: int) -> str:
    """Why a server could not listen on ``host:port`` now ("" when it could; port 0
    takes any free one)."""
    import socket

    if port == 0:
        return ""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as err:
            return err.strerror or str(err)
    return ""


@main.command()
@folder_options
@click.option("--port", type=click.IntRange(0, 65535), default=8765, show_default=True)
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    help="Address to listen on; anything but loopback needs the token printed at start.",
)
@click.option("--reviewer", default="", help="Last-Translator of saves, e.g. 'Ann <ann@x>'.")
@click.pass_context
def review(ctx: click.Context, port: int, host: str, reviewer: str) -> None:
    """Serve the review desk: review, edit and approve translations in the browser."""
    from newsl10n.glossary.load import load_glossary
    from newsl10n.review.desk import make_desk, serve

    if any(ord(ch) < 32 or ord(ch) == 127 for ch in reviewer):  # it becomes a header line
        _fail("--reviewer: one line of text, e.g. 'Ann <ann@x>'", 2)
    settings = _settings(ctx)
    try:
        glossary = load_glossary(settings.glossary)
    except Newsl10nError as err:
        _fail(str(err))
    desk = make_desk(settings, glossary, host=host, reviewer=reviewer)
    busy = _cannot_listen(host, port)
    if busy:  # before the address is printed: another desk may be answering there
        _fail(f"cannot listen on {host}:{port}: {busy}")
    shown = f"[{host}]" if ":" in host else host
    url = f"http://{shown}:{port}/" + (f"?token={desk.token}" if desk.token else "")
    out.print(f"review desk: {url}", highlight=False, markup=False)
    if desk.token:
        console.print(
            f"listening on {host}, not loopback: open the address above (it carries the "
            "access token); requests without it are refused",
            highlight=False,
            markup=False,
        )
    out.print(f"catalogs: {settings.locales} · Ctrl-C stops", highlight=False, markup=False)
    try:
        serve(desk, host, port)
    except OSError as err:
        _fail(f"cannot listen on {host}:{port}: {err.strerror or err}")


@main.command()
@click.argument("article", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@folder_options
@click.option("--to", "target", required=True, help="One target language, e.g. es.")
@click.option("--engines", default="argos,apertium", show_default=True,
              help="Engines to compare, comma-separated.")  # fmt: skip
@click.pass_context
def compare(ctx: click.Context, article: Path, target: str, engines: str) -> None:
    """Translate one article with several engines and put them side by side
    (bundles/<lang>/<slug>/compare.html). Catalogs are not touched."""
    from newsl10n.compare import compare_engines, write_compare_page
    from newsl10n.config import check_engine, check_language
    from newsl10n.glossary.load import load_glossary
    from newsl10n.pipeline import prepare_article

    settings = _settings(ctx)
    try:
        check_language(target, "--to")
        names = [check_engine(e.strip()) for e in engines.split(",") if e.strip()]
        if not names:
            raise click.BadParameter("--engines: name at least one, e.g. argos,apertium")
    except Newsl10nError as err:
        raise click.BadParameter(str(err)) from None
    try:
        glossary = load_glossary(settings.glossary)
        prepared = prepare_article(article, settings, glossary)
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
@folder_options
@click.pass_context
def glossary_check(ctx: click.Context, paths: tuple[Path, ...]) -> None:
    """Validate glossary files (default: the glossary folder). Exit 1 on errors."""
    from newsl10n.glossary.load import check_glossary

    problems = check_glossary(paths or [_settings(ctx).glossary])
    for problem in problems:
        click.echo(str(problem), err=True)
    errors = [p for p in problems if p.severity == "error"]
    if errors:
        _fail(f"{len(errors)} error(s) in the glossary")
    out.print("glossary ok" + (f" ({len(problems)} warning(s))" if problems else ""))


@glossary.command("export")
@folder_options
@click.option("--format", "fmt", type=click.Choice(["tbx", "csv"]), default="tbx")
@click.option("--dialect", type=click.Choice(["basic", "min"]), default="basic",
              help="TBX-Basic (default) or TBX-Min.")  # fmt: skip
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path), default=None)
@click.pass_context
def glossary_export(ctx: click.Context, fmt: str, dialect: str, output: Path | None) -> None:
    """Write the glossary as TBX (Weblate, Pontoon, CAT tools) or as one CSV."""
    from newsl10n.glossary.csvformat import dump_csv
    from newsl10n.glossary.load import load_glossary
    from newsl10n.glossary.tbx import dump_tbx

    try:
        loaded = load_glossary(_settings(ctx).glossary)
    except Newsl10nError as err:
        _fail(str(err))
    text = (
        dump_tbx(loaded, "min" if dialect == "min" else "basic")
        if fmt == "tbx"
        else dump_csv(loaded)
    )
    _emit(text, output, f"{len(loaded.terms)} term(s)")


@main.group()
def tm() -> None:
    """Translation memory (reviewed translations of all catalogs)."""


@tm.command("export")
@folder_options
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="TMX file to write (default: standard output).")  # fmt: skip
@click.pass_context
def tm_export(ctx: click.Context, output: Path | None) -> None:
    """Export reviewed translations as TMX 1.4b for other CAT tools."""
    from newsl10n.catalog.memory import export_tmx, reviewed_units
    from newsl10n.catalog.store import catalogs

    settings = _settings(ctx)
    languages = sorted({lang for lang, _ in catalogs(settings.locales)})
    problems: list[str] = []
    units = [u for lang in languages for u in reviewed_units(settings.locales, lang, problems)]
    text = export_tmx(units)
    _emit(text, output, f"{len(units)} translation(s)")
    for problem in problems:  # exported what could be read; the rest named, non-zero exit
        click.echo(f"error: {problem} (its translations are not in the export)", err=True)
    if problems:
        sys.exit(1)


@main.group()
def models() -> None:
    """List, install and download Argos translation models."""


@models.command("list")
def models_list() -> None:
    """Show installed language pairs."""
    from newsl10n.engines.argos import installed_packages, packages_dirs

    table = Table(title=escape(f"Argos packages in {', '.join(map(str, packages_dirs()))}"))
    for column in ("pair", "version", "path"):
        table.add_column(column)
    for pkg in installed_packages():
        table.add_row(f"{pkg.source}→{pkg.target}", escape(pkg.version), escape(str(pkg.path)))
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
@folder_options
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
    """(source, target) pairs the source folder needs and no installed model covers: each
    article's language as the run decides it (``prepare_article``: the language of most of
    its segments)."""
    from newsl10n.pipeline import prepare_article
    from newsl10n.run import pairs_without_model
    from newsl10n.source.article import discover_articles

    sources: set[str] = set()
    for path in discover_articles(settings.source):
        try:
            sources.add(prepare_article(path, settings).language.lang)
        except Newsl10nError:
            continue  # reported when the run reaches it
    found = pairs_without_model(sources, settings.targets, lambda _source, _target: engine)
    return [(source, target) for source, target, _reason in found]


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
