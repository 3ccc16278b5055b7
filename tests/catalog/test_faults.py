"""A catalog that cannot be read or written fails alone and by name (a file a translator broke,
a full disk, a kill mid-write, a symlinked lock, a read-only folder, a FIFO), and nothing a
translator touched is overwritten."""

from __future__ import annotations

import contextlib
import errno
import os
import random
import signal
import stat
import subprocess
import sys
import textwrap
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import polib
import pytest

from newsl10n import qa
from newsl10n.catalog import status, store
from newsl10n.config import Settings, load_settings
from newsl10n.engines.argos import ArgosEngine
from newsl10n.glossary.model import Glossary
from newsl10n.pipeline import prepare_article, translate_pair, write_template
from newsl10n.results import PairResult
from newsl10n.review.bundle import BundleReport, build_bundles
from tests.conftest import SEED
from tests.helpers import (
    SLUG,
    Echo,
    echo_catalog,
    invoke,
    msgfmt_check,
    no_traceback,
    po_in,
    po_path,
    pot_path,
    run_echo,
    said,
    translate,
)

TWICE = '\nmsgctxt "x"\nmsgid "A"\nmsgstr "B"\n\nmsgctxt "x"\nmsgid "A"\nmsgstr "C"\n'


@pytest.mark.parametrize(
    ("damage", "problem"),
    [
        (lambda t: t.replace('msgstr "Strategic Implications"', 'msgstr "Strategic'), "string"),
        (lambda t: t + TWICE, "duplicate"),
        (lambda t: t.replace("charset=UTF-8", "charset=KLINGON-8"), "charset"),
        (lambda t: t.replace("nplurals=3;", "nplurals=x;"), "Plural-Forms"),
    ],
)  # fmt: skip
def test_a_catalog_a_translator_broke_stops_that_catalog_only(
    project: Path, copy_models: Path, damage: object, problem: str
) -> None:
    assert not translate(project, "ru").error and not translate(project, "de").error
    broken = po_path(project, "ru")
    broken.write_text(damage(broken.read_text(encoding="utf-8")), encoding="utf-8")  # type: ignore[operator]
    before = broken.read_bytes()
    article = project / "source_articles" / SEED.name
    article.write_text(article.read_text().replace("COMMENTS", "A closing line."))
    failed = translate(project, "ru")
    assert str(broken) in failed.error and problem.lower() in failed.error.lower()
    assert broken.read_bytes() == before
    ok = translate(project, "de")
    assert not ok.error and ok.translated == 1


def test_disk_full_is_reported_and_leaves_no_partial_file(
    project: Path, copy_models: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert not translate(project, "fr").error
    path = po_path(project, "fr")
    before = path.read_bytes()
    article = project / "source_articles" / SEED.name
    article.write_text(article.read_text().replace("COMMENTS", "A closing line."))

    def full(*_: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(store.os, "replace", full)
    result = translate(project, "fr")
    assert "No space left on device" in result.error and str(path) in result.error
    assert path.read_bytes() == before
    assert [p.name for p in path.parent.iterdir()] == [path.name]


def test_killed_while_writing_every_catalog_is_old_or_new(project: Path, tmp_path: Path) -> None:
    """A process rewriting catalogs in a loop is killed at random moments; each catalog is
    always complete (msgfmt accepts it) and its reviewed entry is intact."""
    path = po_in(tmp_path, "ru", "story")
    writer = tmp_path / "writer.py"
    writer.write_text(
        textwrap.dedent(f"""
        import polib
        from pathlib import Path
        from newsl10n.catalog.store import atomic_write
        path = Path({str(path)!r})
        po = polib.POFile(wrapwidth=0)
        po.metadata = {{"Content-Type": "text/plain; charset=UTF-8", "Language": "ru"}}
        po.append(polib.POEntry(msgctxt="t:1", msgid="Reviewed.", msgstr="Проверено."))
        for i in range(3000):
            po.append(polib.POEntry(msgctxt=f"p:{{i}}", msgid=f"Sentence {{i}}.",
                                    msgstr=f"Предложение {{i}}.", flags=["fuzzy"]))
        n = 0
        while True:
            n += 1
            po[1].msgstr = f"Предложение 0, version {{n}}."
            atomic_write(path, str(po))
    """)
    )
    rng = random.Random(7)
    for _ in range(6):
        before = path.stat().st_ino if path.exists() else None
        proc = subprocess.Popen([sys.executable, str(writer)])
        # Kill it inside its write loop: after its first write (a loaded machine may take
        # seconds to start Python), at a random moment.
        while (path.stat().st_ino if path.exists() else None) == before and proc.poll() is None:
            time.sleep(0.05)
        time.sleep(rng.random())
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        msgfmt_check(path)
        reviewed = polib.pofile(str(path))[0]
        assert (reviewed.msgid, reviewed.msgstr, reviewed.fuzzy) == ("Reviewed.", "Проверено.", 0)
        assert len(polib.pofile(str(path))) == 3001
    leftovers = [p.name for p in path.parent.iterdir() if p.name != path.name]
    assert all(name.startswith(".story.po.") for name in leftovers)  # only a killed temp


@pytest.fixture
def locked_out(project: Path, tmp_path: Path) -> Iterator[Path]:
    """A lock file that is a symlink to a file a translator cares about."""
    victim = tmp_path / "precious.po"
    victim.write_text("precious")
    locks = project / "locales" / ".locks"
    locks.mkdir(parents=True)
    (locks / f"de--{SLUG}.po.lock").symlink_to(victim)
    yield victim
    assert victim.read_text() == "precious"  # never followed, never truncated


def test_a_symlinked_lock_fails_that_catalog_by_name(project: Path, locked_out: Path) -> None:
    settings = load_settings(project)
    prepared = prepare_article(project / "source_articles" / SEED.name, settings)
    result = translate_pair(prepared, "de", Echo(), settings)
    lock = project / "locales" / ".locks" / f"de--{SLUG}.po.lock"
    assert result.error.startswith(f"{po_path(project, 'de')}: ")
    assert f"cannot take the lock {lock} (it is a symbolic link: remove it)" in result.error
    assert not translate_pair(prepared, "fr", Echo(), settings).error


def test_a_read_only_locales_folder_fails_by_name(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = load_settings(project)
    prepared = prepare_article(project / "source_articles" / SEED.name, settings)

    def read_only(self: Path, *args: object, **kwargs: object) -> None:
        raise OSError(errno.EROFS, "Read-only file system", str(self))

    monkeypatch.setattr(Path, "mkdir", read_only)  # as root, chmod cannot make one
    result = translate_pair(prepared, "de", Echo(), settings)
    assert "cannot take the lock" in result.error and "Read-only file system" in result.error
    assert result.error.startswith(f"{po_path(project, 'de')}: ")


def test_a_template_that_cannot_be_written_fails_its_article_by_name(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = load_settings(project)
    prepared = prepare_article(project / "source_articles" / SEED.name, settings)

    def full(*_: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(store.os, "replace", full)
    with pytest.raises(store.CatalogError) as err:
        write_template(prepared, settings)
    pot = pot_path(project)
    assert str(err.value) == f"{pot}: cannot write catalog: No space left on device"
    assert not pot.exists() and [p.name for p in pot.parent.iterdir()] == [".locks"]


def test_a_latin_1_header_on_a_utf_8_file_is_named_and_left_alone(project: Path) -> None:
    path = echo_catalog(project, "ru")
    path.write_text(path.read_text().replace("charset=UTF-8", "charset=ISO-8859-1"))
    before = path.read_bytes()
    article = project / "source_articles" / SEED.name
    article.write_text(article.read_text().replace("COMMENTS", "A closing line.“"))
    settings = load_settings(project)
    result = translate_pair(prepare_article(article, settings), "ru", Echo(), settings)
    assert result.error.startswith(f"{path}: the header declares charset=ISO-8859-1")
    assert path.read_bytes() == before
    for command in (["qa"], ["bundle"], ["status"]):
        shown = invoke(project, *command)
        no_traceback(shown)
        assert shown.exit_code != 0 and "charset=ISO-8859-1" in said(shown), command


def test_text_a_declared_charset_cannot_hold_is_a_catalog_error(tmp_path: Path) -> None:
    po = polib.POFile(wrapwidth=0, encoding="iso-8859-1")
    po.metadata = {"Content-Type": "text/plain; charset=ISO-8859-1"}
    po.append(polib.POEntry(msgid="Putin", msgstr="Путин"))
    with pytest.raises(store.CatalogError, match="charset=UTF-8"):
        store.write_if_changed(po, tmp_path / "x.po", None)
    assert list(tmp_path.iterdir()) == []


def run_ru(project: Path) -> PairResult:
    """The seed article's template and Russian catalog, with the copy models."""
    settings = load_settings(project).with_overrides(targets=["ru"])
    prepared = prepare_article(project / "source_articles" / SEED.name, settings)
    write_template(prepared, settings)
    return translate_pair(prepared, "ru", ArgosEngine(), settings)


def finishes(work: Callable[[], object], seconds: float = 60.0) -> object:
    """Run ``work`` in a thread; a FIFO would block it forever, so fail instead of hanging."""
    box: list[object] = []
    thread = threading.Thread(target=lambda: box.append(work()), daemon=True)
    thread.start()
    thread.join(seconds)
    assert not thread.is_alive(), "blocked (reading a FIFO?)"
    return box[0]


@pytest.fixture
def odd_catalogs(project: Path, copy_models: Path) -> Iterator[tuple[Path, Path]]:
    run_ru(project)
    folder = po_path(project, "ru").parent
    fifo, directory = folder / "pipe.po", folder / "folder.po"
    os.mkfifo(fifo)
    directory.mkdir()
    try:
        yield fifo, directory
    finally:
        release(fifo)


def test_status_qa_compile_and_bundle_name_what_is_not_a_file(
    project: Path, odd_catalogs: tuple[Path, Path]
) -> None:
    fifo, directory = odd_catalogs
    locales = project / "locales"
    report = finishes(lambda: status.collect(locales))
    assert isinstance(report, status.StatusReport)
    assert len(report.catalogs) == 1  # the real catalog is still counted
    errors = "\n".join(report.errors)
    assert f"{fifo}: is a FIFO" in errors and f"{directory}: is a directory" in errors
    findings = finishes(lambda: qa.check_locales(locales, Glossary()))
    assert isinstance(findings, list)
    assert {f.file for f in findings if f.severity == "error"} >= {str(fifo), str(directory)}
    for odd in (fifo, directory):
        err = finishes(lambda odd=odd: _raises(lambda: store.compile_mo(odd)))
        assert isinstance(err, store.CatalogError) and "not a catalog file" in str(err)
    bundles = finishes(lambda: build_bundles(locales, project / "bundles", root=project))
    assert isinstance(bundles, BundleReport)
    failed = "\n".join(b.error for b in bundles.bundles if b.error)
    assert str(fifo) in failed and str(directory) in failed
    assert any(b.ok for b in bundles.bundles)  # the real catalog still gets its bundle


def test_a_run_goes_on_beside_a_fifo_named_like_a_catalog(
    project: Path, odd_catalogs: tuple[Path, Path]
) -> None:
    """The translation memory reads every catalog of the language: not the FIFO."""
    article = project / "source_articles" / SEED.name
    old = "Putin's visit was his first to North Korea in 24 years."
    added = "The two leaders also discussed a new bridge across the Tumen River."
    text = article.read_text(encoding="utf-8")
    assert old in text
    article.write_text(text.replace(old, f"{old} {added}"), encoding="utf-8")
    result = finishes(lambda: run_ru(project))
    assert isinstance(result, PairResult) and result.ok and result.translated == 1


def _raises(work: Callable[[], object]) -> object:
    """Return the exception instead of raising it in the helper thread."""
    try:
        return work()
    except Exception as err:  # handed back to the test
        return err


def test_a_run_refuses_a_fifo_in_place_of_its_catalog(project: Path, copy_models: Path) -> None:
    path = po_path(project, "ru")
    path.parent.mkdir(parents=True)
    os.mkfifo(path)
    try:
        result = finishes(lambda: run_ru(project))
        assert isinstance(result, PairResult)
        assert result.error.startswith(f"{path}: is a FIFO")
        assert stat.S_ISFIFO(os.stat(path).st_mode)
    finally:
        release(path)


def release(fifo: Path) -> None:
    """Unblock a reader the old code left waiting on the FIFO (it has no writer)."""
    with contextlib.suppress(OSError):
        os.close(os.open(fifo, os.O_WRONLY | os.O_NONBLOCK))


def _approve_all(path: Path, mark: str) -> None:
    po = polib.pofile(str(path))
    for e in po:
        e.msgstr = f"{mark} {e.msgstr}"
        e.flags = [f for f in e.flags if f != "fuzzy"]
    po.save()


def _shared_catalog(project: Path, tmp_path: Path) -> tuple[Settings, Path, Path]:
    """The project's ru catalog moved to a share, linked back, and approved there."""
    settings = load_settings(project).with_overrides(targets=["ru"])
    assert not run_echo(settings).failures
    link = po_path(project, "ru")
    shared = tmp_path / "share" / link.name
    shared.parent.mkdir()
    link.rename(shared)
    link.symlink_to(shared)
    _approve_all(shared, "ОДОБРЕНО")
    return settings, link, shared


def test_a_catalog_linked_to_a_missing_file_is_refused_not_replaced(
    project: Path, tmp_path: Path
) -> None:
    """A catalog kept on a share and linked into locales/: with the share offline, the
    run took the dangling link for "no catalog" and put fresh machine output in its place
    (exit 0); the translator's approved file was then no longer the one newsl10n used."""
    settings, link, shared = _shared_catalog(project, tmp_path)
    shared.parent.rename(tmp_path / "share-offline")
    report = run_echo(settings)
    (failed,) = report.failures
    assert str(link) in failed.error and "symbolic link" in failed.error
    assert link.is_symlink() and os.readlink(link) == str(shared)
    result = invoke(project, "status")
    assert result.exit_code != 0 and "symbolic link" in said(result)


def test_a_symlinked_catalog_is_written_through_its_link(project: Path, tmp_path: Path) -> None:
    """A run (and a desk save) replaced the link with a regular file: from then on the
    translators' shared file and the catalog newsl10n writes drifted apart."""
    settings, link, shared = _shared_catalog(project, tmp_path)
    article = project / "source_articles" / SEED.name
    article.write_text(article.read_text().replace("COMMENTS", "A closing line was added."))
    assert not run_echo(settings).failures
    assert link.is_symlink() and os.readlink(link) == str(shared)
    text = shared.read_text(encoding="utf-8")
    assert "A closing line was added." in text and "ОДОБРЕНО" in text
    assert not [p for p in link.parent.iterdir() if p.name.startswith(".")]
    po = store.load_catalog(link)
    assert po is not None
    po[0].msgstr = "Правка через ссылку"
    assert store.write_if_changed(po, link, store.load_catalog(link))
    assert link.is_symlink() and "Правка через ссылку" in shared.read_text(encoding="utf-8")


def test_a_catalog_linked_to_a_file_that_is_no_catalog_is_refused(
    project: Path, tmp_path: Path
) -> None:
    """A second reading: a catalog linked to any file (git keeps links: a cloned project
    may carry one) had that file overwritten with a catalog, exit 0."""
    settings = load_settings(project).with_overrides(targets=["ru"])
    link = po_path(project, "ru")
    link.parent.mkdir(parents=True)
    notes = tmp_path / "home" / "notes.txt"
    notes.parent.mkdir()
    notes.write_text("", encoding="utf-8")
    link.symlink_to(notes)
    (failed,) = run_echo(settings).failures
    assert str(link) in failed.error and "not a catalog" in failed.error
    assert notes.read_text(encoding="utf-8") == "" and link.is_symlink()


def test_a_catalog_linked_to_another_catalog_of_the_project_is_refused(project: Path) -> None:
    """A third reading: de/…/x.po linked to ../../fr/LC_MESSAGES/x.po was accepted, and
    the run wrote German into the French catalog."""
    settings = load_settings(project).with_overrides(targets=["fr"])
    assert not run_echo(settings).failures
    french = po_path(project, "fr")
    before = french.read_bytes()
    german = po_path(project, "de")
    german.parent.mkdir(parents=True)
    german.symlink_to(Path("..") / ".." / "fr" / "LC_MESSAGES" / french.name)
    (failed,) = run_echo(settings.with_overrides(targets=["de"])).failures
    assert str(german) in failed.error and "another catalog" in failed.error
    assert french.read_bytes() == before
