"""Which articles a run takes, and under which slug: a name typed in either Unicode form, two
sources with one slug refused before anything is written, a front-matter slug skipped when
unchanged."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

import newsl10n.run
from newsl10n.config import load_settings
from tests.conftest import SEED
from tests.helpers import invoke, po_path, pot_path, run_echo, settings_for


@pytest.mark.parametrize("form", ["NFC", "NFD"])
def test_an_article_name_matches_in_either_unicode_form(project: Path, form: str) -> None:
    """macOS and some browsers hand over decomposed accents: "Café.txt" typed or pasted in
    the run form must find the file however either side spells the é."""
    import unicodedata

    from newsl10n.run import find_article

    on_disk = unicodedata.normalize("NFD" if form == "NFC" else "NFC", "Café Ünïcode.txt")
    shutil.copy(SEED, project / "source_articles" / on_disk)
    typed = unicodedata.normalize(form, "café ünïcode")
    assert find_article(load_settings(project), typed).name == on_disk


def test_a_markdown_article_with_its_own_slug_is_skipped_when_unchanged(project: Path) -> None:
    source = project / "source_articles"
    for old in source.iterdir():
        old.unlink()
    (source / "Some File Name.md").write_text(
        "---\nslug: summit-story\n---\n# Leaders meet\n\nKim met Putin in Pyongyang.\n",
        encoding="utf-8",
    )
    settings = settings_for(project)
    first = run_echo(settings, bundles=False)
    assert [(r.slug, r.target) for r in first.results if not r.skipped] == [("summit-story", "ru")]
    again = run_echo(settings, bundles=False)
    assert [(r.slug, r.skipped) for r in again.results] == [
        ("summit-story", newsl10n.run.UNCHANGED)
    ]


def test_two_sources_with_one_slug_are_refused_before_anything_is_written(
    project: Path, copy_models: Path
) -> None:
    source = project / "source_articles"
    (source / "Report.txt").write_text("Harbour Report\n\nThe council met today.\n")
    (source / "report.txt").write_text("Budget Report\n\nThe budget was approved.\n")
    result = invoke(project, "run", "--to", "de")
    code, output = result.exit_code, result.output
    assert code == 1
    for name in ("Report.txt", "report.txt"):  # named as the terminal can open them
        assert f"{source / name}: slug 'report' is also used by" in output.replace("\n", ""), output
    assert not pot_path(project, "report").exists()
    assert not po_path(project, "de", "report").exists()
    assert po_path(project, "de").is_file()


def test_a_new_source_taking_an_unchanged_articles_slug_is_refused(
    project: Path, copy_models: Path
) -> None:
    assert invoke(project, "run", "--to", "de").exit_code == 0
    before = po_path(project, "de").read_bytes()
    clash = project / "source_articles" / f"{SEED.stem.upper()}.txt"
    clash.write_text("Another Story\n\nIt has the same slug.\n")
    result = invoke(project, "run", "--to", "de")
    code, output = result.exit_code, result.output
    assert code == 1 and f"slug '{SEED.stem}' is also used by" in output
    assert po_path(project, "de").read_bytes() == before
