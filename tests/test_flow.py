"""The Prefect flow: one task per article × language, failures isolated per item."""

from __future__ import annotations

from pathlib import Path

from flows.translate import translate_articles

from tests.conftest import SEED


def test_flow_translates_every_article_into_every_target(
    project: Path, copy_models: Path, prefect_server: None
) -> None:
    (project / "source_articles" / "broken.txt").write_bytes("Путин".encode("cp1251"))
    results = translate_articles(project=str(project), targets=["ja", "uk"])
    failed = [r for r in results if r.error]
    assert len(failed) == 1 and "broken.txt" in failed[0].error
    assert "windows-1251" in failed[0].error
    done = sorted((r.slug, r.target) for r in results if not r.error)
    assert done == [(SEED.stem, "ja"), (SEED.stem, "uk")]
    assert all(r.translated == r.segments > 30 for r in results if not r.error)
    assert (project / "locales" / "uk" / "LC_MESSAGES" / f"{SEED.stem}.po").is_file()


def test_flow_runs_only_the_articles_asked_for(
    project: Path, copy_models: Path, prefect_server: None
) -> None:
    other = project / "source_articles" / "other.md"
    other.write_text("---\nlanguage: en\n---\n\n# A Second Story\n\nIt has one sentence.\n")
    results = translate_articles(articles=[str(other)], project=str(project), targets=["de"])
    assert [(r.slug, r.target, r.segments) for r in results] == [("other", "de", 2)]
