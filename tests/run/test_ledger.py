"""The no-change plan: the ledger beside the catalogs (``locales/.newsl10n-index.json``)
tells an unchanged article without reading a catalog, and every change a person or a run
can make to a catalog still reaches the next run (counted, never timed)."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import polib
import pytest

import newsl10n.run
from newsl10n.catalog import store
from newsl10n.catalog.ledger import LEDGER, Ledger
from newsl10n.config import Settings, load_settings
from tests.conftest import SEED
from tests.helpers import invoke, po_path, pot_path, run_echo

TARGETS = ("ru", "de")


def settings_for(project: Path) -> Settings:
    return load_settings(project).with_overrides(targets=list(TARGETS))


def batch(settings: Settings) -> newsl10n.run.Report:
    return run_echo(settings)


def skipped(report: newsl10n.run.Report) -> list[str]:
    return [r.slug for r in report.results if r.skipped == newsl10n.run.UNCHANGED]


@pytest.fixture
def reads(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[Path]]:
    """Every catalog or template file a run opens (``load_catalog`` and ``read`` both
    read through ``_read_regular``)."""
    opened: list[Path] = []
    real = store._read_regular

    def counting(path: Path) -> bytes | None:
        opened.append(path)
        return real(path)

    monkeypatch.setattr(store, "_read_regular", counting)
    yield opened


def test_a_no_change_run_reads_no_catalog(project: Path, reads: list[Path]) -> None:
    settings = settings_for(project)
    first = batch(settings)
    assert not first.failures and (project / "locales" / LEDGER).is_file()
    reads.clear()
    again = batch(settings)
    assert skipped(again) == [SEED.stem]
    assert reads == []  # no template, no catalog: the ledger and the files' stat decided
    assert again.bundles is None  # nothing built, the index not rewritten


def test_without_the_ledger_the_plan_reads_the_catalogs_and_writes_it_again(
    project: Path, reads: list[Path]
) -> None:
    settings = settings_for(project)
    batch(settings)
    (project / "locales" / LEDGER).unlink()
    reads.clear()
    assert skipped(batch(settings)) == [SEED.stem]
    assert sorted(p.name for p in reads) == sorted(
        [f"{SEED.stem}.pot", f"{SEED.stem}.po", f"{SEED.stem}.po"]
    )
    reads.clear()
    assert skipped(batch(settings)) == [SEED.stem] and reads == []


def test_a_broken_ledger_is_a_slower_plan_not_an_error(project: Path) -> None:
    settings = settings_for(project)
    batch(settings)
    (project / "locales" / LEDGER).write_text("{not json", encoding="utf-8")
    assert skipped(batch(settings)) == [SEED.stem]
    assert json.loads((project / "locales" / LEDGER).read_text(encoding="utf-8"))["version"]


def _edit_in_place(path: Path, old: str, new: str) -> None:
    """A translator's editor saving over the same file (same inode)."""
    data = path.read_text(encoding="utf-8")
    assert old in data
    with path.open("r+", encoding="utf-8") as handle:
        handle.seek(0)
        handle.write(data.replace(old, new, 1))
        handle.truncate()


def test_a_translators_edit_after_the_run_is_seen_by_the_next_run(project: Path) -> None:
    settings = settings_for(project)
    batch(settings)
    path = po_path(project, "ru")
    entry = next(
        e
        for e in polib.pofile(str(path))
        if len(e.msgstr) > 12 and e.msgstr.isascii() and not {'"', "\\"} & set(e.msgstr)
    )
    edited = "E" * len(entry.msgstr)  # same size: only the modification time tells
    inode, size = path.stat().st_ino, path.stat().st_size
    _edit_in_place(path, f'msgstr "{entry.msgstr}"', f'msgstr "{edited}"')
    assert (path.stat().st_ino, path.stat().st_size) == (inode, size)
    again = batch(settings)
    assert skipped(again) == [SEED.stem]  # the article is unchanged; its catalog was edited
    assert again.bundles is not None
    page = project / "bundles" / "ru" / SEED.stem / "article.md"
    assert edited in page.read_text(encoding="utf-8")


def test_an_entry_emptied_by_hand_brings_the_article_back(project: Path) -> None:
    """As before the ledger: an entry left without a translation is work for the run."""
    settings = settings_for(project)
    batch(settings)
    path = po_path(project, "de")
    po = polib.pofile(str(path))
    entry = next(e for e in po if e.msgstr)
    entry.msgstr = ""
    po.save(str(path))
    again = batch(settings)
    assert skipped(again) == []
    assert next(e for e in polib.pofile(str(path)) if e.msgctxt == entry.msgctxt).msgstr


def test_a_deleted_catalog_or_template_brings_the_article_back(project: Path) -> None:
    settings = settings_for(project)
    batch(settings)
    po_path(project, "de").unlink()
    assert skipped(batch(settings)) == []
    assert po_path(project, "de").is_file()
    pot_path(project).unlink()
    assert skipped(batch(settings)) == []


def test_a_new_target_language_is_not_taken_for_done(project: Path) -> None:
    batch(settings_for(project))
    wider = load_settings(project).with_overrides(targets=[*TARGETS, "fr"])
    assert skipped(batch(wider)) == []
    assert po_path(project, "fr").is_file()


def test_an_edited_source_is_processed_again(project: Path) -> None:
    settings = settings_for(project)
    batch(settings)
    source = project / "source_articles" / SEED.name
    source.write_text(source.read_text(encoding="utf-8") + "\nOne more line.\n", "utf-8")
    assert skipped(batch(settings)) == []


def test_a_deleted_bundle_is_built_again(project: Path) -> None:
    settings = settings_for(project)
    batch(settings)
    manifest = project / "bundles" / "ru" / SEED.stem / "manifest.json"
    manifest.unlink()
    again = batch(settings)
    assert skipped(again) == [SEED.stem] and manifest.is_file()


def test_a_markdown_article_with_a_front_matter_slug_is_skipped_as_unchanged(
    project: Path, reads: list[Path]
) -> None:
    (project / "source_articles" / SEED.name).unlink()
    article = project / "source_articles" / "draft-2024.md"
    article.write_text(
        "---\nslug: harbour-strike\nlang: en\n---\n# Harbour strike\n\n"
        "Dock workers stopped work on Monday.\n",
        encoding="utf-8",
    )
    settings = settings_for(project)
    assert not batch(settings).failures
    assert po_path(project, "ru", "harbour-strike").is_file()
    assert skipped(batch(settings)) == ["harbour-strike"]
    (project / "locales" / LEDGER).unlink()  # and by the catalogs alone, as before
    reads.clear()
    assert skipped(batch(settings)) == ["harbour-strike"]
    assert {p.name for p in reads} == {"harbour-strike.pot", "harbour-strike.po"}


def test_the_ledger_forgets_sources_that_are_gone(project: Path) -> None:
    settings = settings_for(project)
    extra = project / "source_articles" / "second.txt"
    extra.write_text("Second Story\n\nThe council met on Monday.\n", encoding="utf-8")
    batch(settings)
    assert "second.txt" in Ledger.load(settings.locales).articles
    extra.unlink()
    batch(settings)
    assert "second.txt" not in Ledger.load(settings.locales).articles


def test_the_end_table_sums_up_unchanged_articles_in_one_line(
    project: Path, copy_models: Path
) -> None:
    assert invoke(project, "run", "--to", "ru").exit_code == 0
    again = invoke(project, "run", "--to", "ru")
    assert again.exit_code == 0
    line = "skipped: 1 article(s) unchanged since the last run (--verbose lists them)"
    assert line in again.output
    assert SEED.stem not in again.output
    listed = invoke(project, "run", "--to", "ru", "--verbose")
    assert listed.exit_code == 0
    assert SEED.stem in listed.output and "(--verbose lists them)" not in listed.output


def test_a_batch_checks_each_catalog_once_and_writes_the_index_once(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each pair's QA findings and parse make its bundle: no catalog is checked again by a
    QA pass over every catalog, and the review index is rendered once per run."""
    from newsl10n import qa
    from newsl10n.review import bundle, manifest

    extra = project / "source_articles" / "second.txt"
    extra.write_text("Second Story\n\nThe council met on Monday.\n", encoding="utf-8")
    calls = {"check_entries": 0, "check_catalog": 0, "write_index": 0}

    def counted(name: str, real: Callable[..., Any]) -> Callable[..., Any]:
        def call(*args: Any, **kwargs: Any) -> Any:
            calls[name] += 1
            return real(*args, **kwargs)

        return call

    for module, name in ((qa, "check_entries"), (qa, "check_catalog"), (bundle, "write_index")):
        monkeypatch.setattr(module, name, counted(name, getattr(module, name)))
    settings = settings_for(project)
    report = batch(settings)
    assert not report.failures and report.bundles is not None
    assert calls == {"check_entries": 4, "check_catalog": 0, "write_index": 1}
    built = sorted((b.slug, b.lang) for b in report.bundles.bundles if b.ok)
    assert built == sorted((s, t) for s in (SEED.stem, "second") for t in TARGETS)
    assert manifest.stale_slugs(settings.locales, settings.bundles, TARGETS) == []


def test_a_large_batch_sums_up_the_pairs_with_nothing_to_report(
    project: Path, copy_models: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Over TABLE_ROWS pairs, the end table lists only what needs a look; the quiet pairs
    are one line (a nightly batch has thousands, and the table renderer is slow)."""
    from newsl10n import cli

    sources = project / "source_articles"
    (sources / "second.txt").write_text("Second Story\n\nThe council met on Monday.\n", "utf-8")
    monkeypatch.setattr(cli, "TABLE_ROWS", 1)
    first = invoke(project, "run", "--to", "ru")
    assert first.exit_code == 0, first.output
    line = (
        "nothing to report: 2 catalog(s) of 2 article(s), 2 written, 0 already current; "
        "34 segment(s) translated, 0 from memory, 33 QA warning(s) (--verbose lists them)"
    )
    assert " ".join(line.split()) in " ".join(first.output.split())
    assert "second" not in first.output and "newsl10n run" not in first.output  # no table
    listed = invoke(project, "run", "--to", "ru", "--verbose", "--force")
    assert "second" in listed.output and "nothing to report" not in listed.output


def test_a_stray_catalog_named_unlike_a_slug_does_not_stop_the_run(project: Path) -> None:
    """An audit: a copy a file manager made ("Putin copy.po", "x (conflicted copy).po")
    ended every run before its end table, index and ledger with an error naming the
    bundles folder; ``newsl10n bundle`` only skipped it, by name."""
    settings = settings_for(project)
    assert not batch(settings).failures
    po = po_path(project, "ru")
    (po.parent / "Putin copy.po").write_bytes(po.read_bytes())
    (project / "source_articles" / "new.txt").write_text("A new title here\n\nA new story.\n")
    report = batch(settings)
    assert not report.failures and report.bundles is not None
    assert (project / "bundles" / "ru" / "new").is_dir()
    assert "new.txt" in json.loads((project / "locales" / LEDGER).read_text())["articles"]
