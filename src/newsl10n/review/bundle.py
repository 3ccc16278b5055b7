"""Localized article bundles, built from catalogs alone.

A bundle (``bundles/<lang>/<slug>/``) is what an editor takes away: the article in the
target language with its layout restored (``article.md``, ``article.html``), a manifest
saying where every word came from, and the review page. Everything is read from the PO
file, so rebuilding after translators' edits needs no model. A file whose content would not
change is not rewritten, and the manifest keeps its ``built_at`` then, so a rebuild of an
unchanged catalog leaves no diff.
"""

from __future__ import annotations

import errno
import io
import os
import re
import secrets
import shutil
import stat
import time
import zipfile
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from newsl10n.catalog.entry import StateCounts
from newsl10n.catalog.store import (
    BINARY,
    atomic_write_bytes,
    catalog_folder,
    catalog_path,
    catalog_slugs_of,
    load_catalog,
    template_path,
    template_residue,
)
from newsl10n.errors import Newsl10nError
from newsl10n.review.findings import FindingIndex, Findings, ordered_findings
from newsl10n.review.localized import Highlighter, LocalizedArticle, read_localized
from newsl10n.review.manifest import (
    file_sha256,
    manifest_data,
    read_manifest,
    render_manifest,
    settle_built_at,
)
from newsl10n.review.pages import render_index, render_review
from newsl10n.review.paths import (
    ARTICLE_FILES,
    INDEX,
    MANIFEST,
    REVIEW,
    archive_path,
    bundle_folder,
)
from newsl10n.review.render import render_html, render_markdown
from newsl10n.source.article import is_slug


@dataclass(frozen=True)
class BundleResult:
    """What happened to one article in one language; ``error`` set means it failed."""

    slug: str
    lang: str
    folder: Path
    counts: StateCounts | None = None
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


# ---------------------------------------------------------------- files


def write_new_folder(folder: Path, files: Mapping[str, bytes]) -> bool:
    """A folder that does not exist yet, with these files, made whole in a temporary
    folder beside it (``.NAME.XXXXXXXX.tmp``) and renamed into place: readers see no
    folder or all of it, and a batch of new bundles renames once per bundle instead of once
    per file (a rename waits on the file system's journal: about 0.5 ms each on this
    project's machines, against 0.05 ms for a new file). Returns False, having written
    nothing, when the folder exists (made meanwhile by another writer): the caller then
    writes file by file."""
    try:
        tmp = _new_folder_beside(folder)
    except FileNotFoundError:
        folder.parent.mkdir(parents=True, exist_ok=True)
        tmp = _new_folder_beside(folder)
    try:
        for name, data in files.items():
            flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | _CLOEXEC | BINARY
            with os.fdopen(os.open(tmp / name, flags, 0o666), "wb") as handle:
                handle.write(data)
        os.rename(tmp, folder)  # an empty folder made meanwhile is replaced, a full one not
    except BaseException as err:
        shutil.rmtree(tmp, ignore_errors=True)
        if isinstance(err, OSError) and os.path.lexists(folder):
            return False
        raise
    return True


#: A bundle being written lives this long at most; a temporary folder older than this was
#: left by a killed run (``write_new_folder``) and is removed with the next index.
LEFTOVER_SECONDS = 3600.0

_TEMPORARY_FOLDER = re.compile(r"\..+\.[0-9a-f]{8}\.tmp")


def remove_leftover_folders(bundles: Path, now: float | None = None) -> list[Path]:
    """Remove what killed bundle writes left (``bundles/<lang>/.SLUG.XXXXXXXX.tmp/``,
    older than LEFTOVER_SECONDS): never read, only litter. Returns what was removed."""
    now = time.time() if now is None else now
    removed: list[Path] = []
    for folder in bundles.glob("*/.*.tmp"):
        try:
            info = folder.lstat()
        except OSError:
            continue
        old = now - info.st_mtime > LEFTOVER_SECONDS
        if old and stat.S_ISDIR(info.st_mode) and _TEMPORARY_FOLDER.fullmatch(folder.name):
            shutil.rmtree(folder, ignore_errors=True)
            removed.append(folder)
    return removed


def _new_folder_beside(folder: Path) -> Path:
    for _ in range(100):
        tmp = folder.with_name(f".{folder.name}.{secrets.token_hex(4)}.tmp")
        try:
            os.mkdir(tmp, 0o777)  # the umask applies, as to any new folder
            return tmp
        except FileExistsError:
            continue
    raise FileExistsError(errno.EEXIST, "no free temporary folder name", str(folder.parent))


_CLOEXEC = getattr(os, "O_CLOEXEC", 0)


def write_bytes_if_changed(path: Path, data: bytes) -> bool:
    """Atomic write (temporary file + rename) unless the file already holds ``data``; not
    synced to disk (a bundle is rebuilt from its catalog: see ``atomic_write_bytes``)."""
    try:
        if path.read_bytes() == data:
            return False
    except OSError:
        pass
    atomic_write_bytes(path, data, sync=False)
    return True


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
    return sorted(p.name for p in locales.iterdir() if catalog_folder(locales, p.name).is_dir())


def catalog_slugs(locales: Path, languages: Iterable[str]) -> list[str]:
    return sorted({slug for lang in languages for slug in catalog_slugs_of(locales, lang)})


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
    index: bool = True,
) -> BundleReport:
    """Build bundles and review pages for every (article, language) with a catalog.

    ``languages``/``slugs`` of None mean every one found under ``locales``. A pair without
    a catalog is skipped (an article is not translated into its own language); a slug with
    no catalog at all, or a broken catalog, is a failed result, and the others go on.
    ``zip_`` also writes ``bundles/<slug>.zip`` with the languages built in this call.
    The index page always covers every bundle on disk; ``index`` False leaves it to the
    caller (a run writes it once, after its pairs' bundles; the desk after a save, off the
    request: ``review.refresh``).
    """
    options = _Options(
        root=root,
        keep_source_for_unreviewed=keep_source_for_unreviewed,
        highlight=highlight,
        findings=FindingIndex(findings, root),
        clock=clock or _now,
    )
    langs = list(languages) if languages is not None else catalog_languages(locales)
    wanted = list(slugs) if slugs is not None else catalog_slugs(locales, langs)
    results = [
        result
        for slug in wanted
        for result in _build_slug(locales, bundles, langs, slug, options, named=slugs is not None)
    ]
    archives = _archives(bundles, wanted, results) if zip_ else []
    if not index:
        return BundleReport(tuple(results), tuple(archives))
    page, page_written = write_index(bundles)
    return BundleReport(tuple(results), tuple(archives), page, page_written)


def _build_slug(
    locales: Path, bundles: Path, langs: Sequence[str], slug: str, options: _Options, named: bool
) -> list[BundleResult]:
    """One article's bundles in ``langs``; a slug asked for by name (``named``) and without
    any catalog is an error, one found by listing is only skipped."""
    # exists(), not is_file(): a FIFO or folder named x.po is reported, not skipped
    found = [lang for lang in langs if catalog_path(locales, lang, slug).exists()]
    if not is_slug(slug):  # a catalog named "...po" must not build into bundles/<lang>/
        where = catalog_path(locales, found[0], slug) if found else locales
        error = f"{where}: {slug!r} is not a safe slug; rename the catalog"
        return [BundleResult(slug, "", bundles, error=error)]
    if not found and named:
        return [BundleResult(slug, "", bundles, error=f"no catalog for {slug!r} under {locales}")]
    if not found:
        return [BundleResult(slug, "", bundles, skipped="no catalog")]
    return [
        _build_one(locales, bundles, lang, slug, options)
        if lang in found
        else BundleResult(slug, lang, bundle_folder(bundles, lang, slug), skipped="no catalog")
        for lang in langs
    ]


def _archives(
    bundles: Path, slugs: Sequence[str], results: Sequence[BundleResult]
) -> list[ArchiveResult]:
    """``bundles/<slug>.zip`` for each slug with the languages built in this call."""
    archives: list[ArchiveResult] = []
    for slug in slugs:
        built = tuple(r.lang for r in results if r.slug == slug and r.ok and r.counts)
        if built:
            path = archive_path(bundles, slug)
            data = build_archive(bundles, slug, built)
            archives.append(ArchiveResult(slug, path, built, write_bytes_if_changed(path, data)))
    return archives


def _build_one(
    locales: Path, bundles: Path, lang: str, slug: str, options: _Options
) -> BundleResult:
    folder = bundle_folder(bundles, lang, slug)
    try:
        article = read_localized(
            catalog_path(locales, lang, slug), slug=slug, lang=lang, root=options.root
        )
    except Newsl10nError as err:
        return BundleResult(slug, lang, folder, error=str(err))
    try:
        residue = template_residue(load_catalog(template_path(locales, slug)))
    except Newsl10nError:
        residue = []  # a broken template is for the run to report
    return _write_bundle(article, bundles, residue, options)


def build_bundle(
    article: LocalizedArticle,
    bundles: Path,
    *,
    root: Path,
    residue: Sequence[tuple[int, str]] = (),
    highlight: Highlighter | None = None,
    findings: Findings | None = None,
    keep_source_for_unreviewed: bool = False,
    clock: Callable[[], datetime] | None = None,
) -> BundleResult:
    """The bundle of one catalog a run has in memory (just written, and QA-checked by the
    run): nothing is read again but the bundle's own manifest. The index is not touched
    (a run writes it once, at the end: :func:`write_index`)."""
    options = _Options(
        root=root,
        keep_source_for_unreviewed=keep_source_for_unreviewed,
        highlight=highlight,
        findings=FindingIndex(findings, root),
        clock=clock or _now,
    )
    return _write_bundle(article, bundles, residue, options)


def write_index(bundles: Path) -> tuple[Path, bool]:
    """``bundles/index.html`` over every bundle on disk; (its path, whether it changed)."""
    index = bundles / INDEX
    remove_leftover_folders(bundles)
    return index, write_bytes_if_changed(index, render_index(bundles).encode("utf-8"))


def _write_bundle(
    article: LocalizedArticle,
    bundles: Path,
    residue: Sequence[tuple[int, str]],
    options: _Options,
) -> BundleResult:
    slug, lang = article.slug, article.lang
    folder = bundle_folder(bundles, lang, slug)
    warnings = tuple(source_warnings(article, options.root))
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
        if not os.path.lexists(folder) and write_new_folder(folder, outputs):
            written = tuple(outputs)
        else:
            written = tuple(
                name
                for name, data in outputs.items()
                if write_bytes_if_changed(folder / name, data)
            )
    except OSError as err:
        return BundleResult(slug, lang, folder, error=f"{folder}: cannot write bundle: {err}")
    return BundleResult(
        slug, lang, folder, article.counts, len(findings), written, warnings=warnings
    )


def source_warnings(article: LocalizedArticle, root: Path) -> Iterable[str]:
    """Is the catalog behind its source file? (The bundle is still built from the catalog.)"""
    if not article.source.reference:
        return
    path = root / article.source.reference
    if not path.is_file():
        yield f"{article.source.reference}: source file not found"
    elif article.source.sha256 and file_sha256(path) != article.source.sha256:
        yield (
            f"{article.source.reference} changed since {article.catalog_ref} was updated; "
            "run `newsl10n run` to bring the catalog up to date"
        )
