"""The desk's cost does not grow with every request nor with the catalogs: what the index
and "next needing review" show per catalog is computed once per catalog version (its
bytes, its language, the glossary) and reused, in the desk's memory and in
``locales/.cache/`` for the next desk; an article page looks at its own catalog only; a
save rebuilds its own bundle and leaves the static index (a row per bundle) to after the
answer. Shown through counters, never timings."""

from __future__ import annotations

import json
import logging
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import polib
import pytest
from starlette.testclient import TestClient

from newsl10n import qa
from newsl10n.catalog import store
from newsl10n.catalog.cachefile import cache_path
from newsl10n.config import load_settings
from newsl10n.glossary.load import load_glossary
from newsl10n.glossary.model import Glossary
from newsl10n.review.bundle import write_index
from newsl10n.review.desk import Desk, create_app, index_cells, make_desk
from newsl10n.review.refresh import IndexRefresh
from newsl10n.review.summaries import CACHE_NAME
from newsl10n.run import Request, run
from tests.conftest import ROOT
from tests.helpers import SLUG, po_path
from tests.review.test_bundle import new_project, translate_seed
from tests.review.test_desk import BASE, form_of, post
from tests.review.test_refresh import Timers

CELL = re.compile(r'data-reviewed="(\d+)" data-segments="(\d+)"')


@pytest.fixture
def site(tmp_path: Path, copy_models: Path) -> Path:
    project = new_project(tmp_path / "site")
    shutil.copytree(ROOT / "glossaries", project / "glossaries")
    translate_seed(project, ["ru", "de"])
    return project


def desk_of(site: Path, glossary: Glossary | None = None) -> Desk:
    settings = load_settings(site)
    return make_desk(
        settings, glossary or load_glossary(settings.glossary), host="127.0.0.1", reviewer="Ann"
    )


@pytest.fixture
def desk(site: Path) -> Desk:
    return desk_of(site)


@pytest.fixture
def client(desk: Desk) -> Iterator[TestClient]:
    with TestClient(create_app(desk), base_url=BASE, follow_redirects=False) as http:
        yield http


def approve_all(path: Path) -> None:
    """A translator approves every entry in a PO editor (fuzzy cleared)."""
    po = polib.pofile(str(path))
    for entry in po:
        if "fuzzy" in entry.flags:
            entry.flags.remove("fuzzy")
    po.save(str(path))


def test_each_catalog_version_is_checked_once(client: TestClient, desk: Desk, site: Path) -> None:
    first = client.get("/")
    assert first.status_code == 200 and desk.summaries.computed == 2
    for _ in range(3):
        assert client.get("/").text == first.text
        assert client.get("/next").status_code == 303
    assert desk.summaries.computed == 2  # nothing checked again

    approve_all(po_path(site, "de"))  # another tool changes one catalog
    index = client.get("/").text
    assert desk.summaries.computed == 3  # that catalog only
    reviewed, segments = CELL.findall(index)[0]  # de sorts before ru
    assert reviewed == segments != "0"
    assert client.get("/next").headers["location"].startswith(f"/ru/{SLUG}")


def test_the_figures_are_those_of_a_fresh_check(desk: Desk, site: Path) -> None:
    glossary = load_glossary(site / "glossaries")
    for _ in range(2):  # computed, then from memory
        for cell in index_cells(desk):
            found = qa.check_catalog(po_path(site, cell.lang), glossary, cell.lang)
            assert (cell.errors, cell.warnings) == qa.counts(found) != (0, 0)
            po = store.load_catalog(po_path(site, cell.lang))
            assert po is not None
            live = [e for e in po if not e.obsolete]
            assert cell.segments == len(live) and cell.needs_review == len(live)


def test_a_new_desk_reads_the_summaries_beside_the_catalogs(desk: Desk, site: Path) -> None:
    before = index_cells(desk)
    file = cache_path(site / "locales", CACHE_NAME)
    kept = json.loads(file.read_text(encoding="utf-8"))["data"]["catalogs"]
    assert sorted(kept) == [f"de/{SLUG}", f"ru/{SLUG}"]  # one version per catalog
    again = desk_of(site)  # the desk started again
    assert index_cells(again) == before and again.summaries.computed == 0

    other = load_glossary(site / "glossaries")
    edited = Glossary(other.terms[:3], other.files, sha256="an edited glossary")
    fresh = desk_of(site, edited)
    cells = index_cells(fresh)
    assert fresh.summaries.computed == 2  # another glossary: checked again
    assert sum(c.errors for c in cells) < sum(c.errors for c in before)


def test_a_corrupt_cache_file_is_ignored_with_a_warning(
    desk: Desk, site: Path, caplog: pytest.LogCaptureFixture
) -> None:
    before = index_cells(desk)
    file = cache_path(site / "locales", CACHE_NAME)
    file.write_bytes(file.read_bytes()[:40])
    again = desk_of(site)
    with caplog.at_level(logging.WARNING):
        assert index_cells(again) == before
    assert again.summaries.computed == 2 and str(file) in caplog.text
    assert index_cells(desk_of(site)) == before  # rewritten whole


def test_a_broken_catalog_is_reported_on_every_request(desk: Desk, site: Path) -> None:
    path = po_path(site, "ru")
    good = path.read_bytes()
    path.write_bytes(good + b'msgid "x\n')
    for _ in range(2):
        (broken,) = [c for c in index_cells(desk) if c.lang == "ru"]
        assert str(path) in broken.error
    path.write_bytes(good)
    (back,) = [c for c in index_cells(desk) if c.lang == "ru"]
    assert not back.error and back.segments


def test_a_page_looks_at_its_own_catalog_only(
    client: TestClient, site: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def listing(*args: object, **kwargs: object) -> list[tuple[str, Path]]:
        raise AssertionError("an article page listed every catalog")

    monkeypatch.setattr(store, "catalogs", listing)
    assert client.get(f"/ru/{SLUG}").status_code == 200
    for url in ("/fr/" + SLUG, "/ru/nope", "/ru/..%2Fde%2F" + SLUG, "/.locks/" + SLUG):
        assert client.get(url).status_code == 404, url
    assert client.post("/ru/nope", data={"csrf": "x"}).status_code == 404


def test_a_save_leaves_the_static_index_to_after_the_answer(desk: Desk, site: Path) -> None:
    bundles = site / "bundles"
    write_index(bundles)
    index = bundles / "index.html"
    before = index.read_text(encoding="utf-8")
    timers = Timers()
    refresh = IndexRefresh(index, lambda: write_index(bundles), schedule=timers)
    object.__setattr__(desk, "index_page", refresh)  # a hand-driven delay
    with TestClient(create_app(desk), base_url=BASE, follow_redirects=False) as client:
        html = client.get(f"/ru/{SLUG}").text
        ctxt = re.findall(r'name="msgctxt" value="([^"]+)"', html)[0]
        for text in ("Первый вариант", "Второй вариант"):
            fields = form_of(client.get(f"/ru/{SLUG}").text, ctxt)
            response = post(client, {**fields, "msgstr": text, "action": "save"})
            assert response.status_code == 303
            assert text in (bundles / "ru" / SLUG / "article.md").read_text(encoding="utf-8")
            assert index.read_text(encoding="utf-8") == before  # the answer did not wait
        assert refresh.writes == 0 and sum(not t.cancelled for t in timers.armed) == 1
        timers.fire()  # the delay after the last save
        assert refresh.writes == 1 and index.read_text(encoding="utf-8") != before
        fields = form_of(client.get(f"/ru/{SLUG}").text, ctxt)
        assert post(client, {**fields, "msgstr": "Третий", "action": "save"}).status_code == 303
    assert refresh.writes == 2  # the desk stopped with a write pending: done then


def test_a_desk_after_a_run_checks_nothing_again(tmp_path: Path, copy_models: Path) -> None:
    """A run checks each catalog it writes; the desk takes those figures as they are."""
    project = new_project(tmp_path / "run")
    shutil.copytree(ROOT / "glossaries", project / "glossaries")
    settings = load_settings(project).with_overrides(targets=["ru", "de"])
    assert run(settings, Request()).ok
    after_run = desk_of(project)
    cells = index_cells(after_run)
    assert after_run.summaries.computed == 0 and len(cells) == 2
    cache_path(project / "locales", CACHE_NAME).unlink()
    fresh = desk_of(project)
    assert index_cells(fresh) == cells and fresh.summaries.computed == 2
