"""The review desk over plain HTTP form posts (no JavaScript): what an editor's browser
sends, what lands in the catalog, and what is refused.

Catalogs are real ones (the seed through the pipeline with copy models); the glossary is
the project's, so copy-model output (English text in a Russian catalog) has QA errors.
"""

from __future__ import annotations

import hashlib
import re
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import httpx
import polib
import pytest
from starlette.testclient import TestClient

from newsl10n.catalog import fingerprint, store
from newsl10n.catalog.entry import live
from newsl10n.config import load_settings
from newsl10n.glossary.load import load_glossary
from newsl10n.pipeline import prepare_article
from newsl10n.review.desk import CSP, Desk, create_app, make_desk
from tests.conftest import ROOT, SEED
from tests.helpers import SLUG, po_path
from tests.review.test_bundle import new_project, translate_seed

BASE = "http://127.0.0.1:8765"
MSGFMT = shutil.which("msgfmt")
MSGCAT = shutil.which("msgcat")


@pytest.fixture
def site(tmp_path: Path, copy_models: Path) -> Path:
    project = new_project(tmp_path / "site")
    shutil.copytree(ROOT / "glossaries", project / "glossaries")
    translate_seed(project, ["ru"])
    return project


def catalog_file(site: Path, lang: str = "ru") -> Path:
    return po_path(site, lang)


def desk_for(site: Path, **kwargs: object) -> Desk:
    settings = load_settings(site)
    glossary = load_glossary(settings.glossary)
    return make_desk(settings, glossary, host=str(kwargs.pop("host", "127.0.0.1")), reviewer="Ann")


@pytest.fixture
def desk(site: Path) -> Desk:
    return desk_for(site)


@pytest.fixture
def client(desk: Desk) -> Iterator[TestClient]:
    with TestClient(create_app(desk), base_url=BASE, follow_redirects=False) as http:
        yield http


def page(client: TestClient, lang: str = "ru", query: str = "") -> str:
    response = client.get(f"/{lang}/{SLUG}" + (f"?{query}" if query else ""))
    assert response.status_code == 200, response.text
    return response.text


def form_of(html: str, ctxt: str) -> dict[str, str]:
    """The hidden fields of the entry's form, as the page carries them."""
    start = html.index(f'name="msgctxt" value="{ctxt}"')
    form_start = html.rindex("<form", 0, start)
    form = html[form_start : html.index("</form>", start)]
    fields = dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', form))
    return fields


def entry(path: Path, msgid_part: str) -> polib.POEntry:
    return next(e for e in polib.pofile(str(path)) if msgid_part in e.msgid)


def blocks(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").split("\n\n")


def post(client: TestClient, fields: dict[str, str], lang: str = "ru") -> httpx.Response:
    return client.post(f"/{lang}/{SLUG}", data=fields)


def msgfmt_ok(path: Path) -> None:
    if MSGFMT is None:
        pytest.skip("msgfmt missing: apt-get install gettext")
    subprocess.run([MSGFMT, "-c", "-o", "/dev/null", str(path)], check=True)


TITLE = "Strategic Implications"


def test_pages_list_catalogs_and_carry_a_strict_csp(client: TestClient, site: Path) -> None:
    index = client.get("/")
    assert index.status_code == 200
    assert index.headers["content-security-policy"] == CSP
    policy = dict(part.strip().split(" ", 1) for part in CSP.split(";"))
    assert policy["script-src"] == "'self'" and policy["default-src"] == "'none'"
    assert f'href="/ru/{SLUG}"' in index.text
    live = [e for e in polib.pofile(str(catalog_file(site))) if not e.obsolete]
    html = page(client)
    assert html.count('<form class="edit" method="post"') == len(live)
    assert "<script>" not in html and '<script src="/static/desk.js" defer>' in html
    assert "<mark>" in html  # glossary terms highlighted
    assert "missing-term" not in html and "error" in html  # QA findings inline, by message
    script = client.get("/static/desk.js")
    assert script.status_code == 200 and "keydown" in script.text
    assert script.headers["content-type"].startswith("text/javascript")


def test_save_keeps_fuzzy_changes_one_entry_and_makes_it_human_work(
    client: TestClient, desk: Desk, site: Path
) -> None:
    path = catalog_file(site)
    before = blocks(path)
    target = entry(path, TITLE)
    assert fingerprint.is_machine(target)
    fields = form_of(page(client), target.msgctxt)
    assert fields["csrf"] == desk.csrf
    text = "Стратегические последствия"
    response = post(client, {**fields, "msgstr": text, "comment": "checked", "action": "save"})
    assert response.status_code == 303
    saved = entry(path, TITLE)
    assert saved.msgstr == text and "fuzzy" in saved.flags and saved.tcomment == "checked"
    assert not fingerprint.is_machine(saved)  # --retranslate never touches it
    settings = load_settings(site)
    segments = prepare_article(site / "source_articles" / SEED.name, settings).segments
    plan = store.plan_update(store.load_catalog(path), segments, retranslate=True)
    assert saved.msgctxt in plan.kept
    after = blocks(path)
    changed = [i for i, (a, b) in enumerate(zip(before, after, strict=True)) if a != b]
    assert len(after) == len(before)
    assert changed[0] == 0 and len(changed) == 2  # the header and that entry
    header = polib.pofile(str(path)).metadata
    assert header["Last-Translator"] == "Ann"
    msgfmt_ok(path)


def test_approve_clears_fuzzy_rebuilds_the_bundle_and_counts(
    client: TestClient, site: Path
) -> None:
    path = catalog_file(site)
    counted = re.compile(r'data-reviewed="(\d+)" data-segments="(\d+)"')
    reviewed_before = int(counted.findall(client.get("/").text)[0][0])
    target = entry(path, TITLE)
    fields = form_of(page(client), target.msgctxt)
    text = "Стратегические последствия"
    response = post(client, {**fields, "msgstr": text, "action": "approve"})
    assert response.status_code == 303
    done = entry(path, TITLE)
    assert done.msgstr == text and "fuzzy" not in done.flags
    assert int(counted.findall(client.get("/").text)[0][0]) == reviewed_before + 1
    bundle = site / "bundles" / "ru" / SLUG
    assert text in (bundle / "article.md").read_text(encoding="utf-8")
    assert f"/{SLUG}" in (site / "bundles" / "index.html").read_text(encoding="utf-8")
    location = response.headers["location"]
    assert location.startswith(f"/ru/{SLUG}?saved=") and "#seg-" in location
    msgfmt_ok(path)


@pytest.mark.parametrize("token", [None, "", "forged"])
def test_post_without_a_valid_csrf_token_changes_nothing(
    client: TestClient, site: Path, token: str | None
) -> None:
    path = catalog_file(site)
    data = path.read_bytes()
    target = entry(path, TITLE)
    fields = form_of(page(client), target.msgctxt)
    if token is None:
        del fields["csrf"]
    else:
        fields["csrf"] = token
    response = post(client, {**fields, "msgstr": "взлом", "action": "approve"})
    assert response.status_code == 403
    assert path.read_bytes() == data
    assert not (site / "bundles" / "ru").exists()


def test_a_poedit_save_of_the_same_entry_is_a_conflict(client: TestClient, site: Path) -> None:
    """Between page load and submit, a translator saves the entry in another tool (polib,
    then msgcat rewrapping at 79 columns as Poedit does): their text stays."""
    path = catalog_file(site)
    target = entry(path, TITLE)
    fields = form_of(page(client), target.msgctxt)
    po = polib.pofile(str(path))
    theirs = "Стратегическое значение"
    next(e for e in po if e.msgctxt == target.msgctxt).msgstr = theirs
    po.save(str(path))
    if MSGCAT is not None:
        subprocess.run([MSGCAT, "-w", "79", "-o", str(path), str(path)], check=True)
    data = path.read_bytes()
    mine = "Стратегические последствия"
    response = post(client, {**fields, "msgstr": mine, "action": "approve"})
    assert response.status_code == 409
    assert path.read_bytes() == data  # nothing written
    shown = response.text
    assert theirs in shown and mine in shown and "not saved" in shown
    # the form now carries the file's version: submitting again is a decision, and works
    again = form_of(shown, target.msgctxt)
    assert again["original"] == hashlib.sha256(theirs.encode()).hexdigest()[:16]
    wrapped = blocks(path)
    assert post(client, {**again, "msgstr": mine, "action": "approve"}).status_code == 303
    assert entry(path, TITLE).msgstr == mine
    rewritten = blocks(path)  # the other entries keep the other tool's bytes (wrapping)
    changed = [i for i, (a, b) in enumerate(zip(wrapped, rewritten, strict=True)) if a != b]
    assert len(rewritten) == len(wrapped) and changed[0] == 0 and len(changed) == 2
    msgfmt_ok(path)


def test_a_form_sent_twice_is_saved_once_and_said_saved(client: TestClient, site: Path) -> None:
    """A double click on Approve: the second post found the token changed (by the first)
    and answered 409 "your text was not saved" although it was. When the file already
    holds what the form asks for, it is saved, and nothing is written again. A stale form
    asking for something else is still a conflict."""
    path = catalog_file(site)
    target = entry(path, TITLE)
    fields = form_of(page(client), target.msgctxt)
    mine = {**fields, "msgstr": "Стратегические последствия", "action": "approve"}
    assert post(client, mine).status_code == 303
    data = path.read_bytes()
    again = post(client, mine)
    assert again.status_code == 303 and "saved=" in again.headers["location"]
    assert path.read_bytes() == data
    other = post(client, {**mine, "msgstr": "Другой текст"})
    assert other.status_code == 409 and path.read_bytes() == data


def test_a_save_elsewhere_in_the_file_is_kept(client: TestClient, site: Path) -> None:
    path = catalog_file(site)
    target = entry(path, TITLE)
    fields = form_of(page(client), target.msgctxt)
    po = polib.pofile(str(path))
    other = next(e for e in po if e.msgctxt != target.msgctxt and e.msgstr)
    other.msgstr = "Правка переводчика"
    po.save(str(path))
    assert post(client, {**fields, "msgstr": "Итог", "action": "save"}).status_code == 303
    saved = polib.pofile(str(path))
    assert next(e for e in saved if e.msgctxt == other.msgctxt).msgstr == "Правка переводчика"
    assert next(e for e in saved if e.msgctxt == target.msgctxt).msgstr == "Итог"


def test_approving_over_qa_errors_needs_a_second_confirmation(
    client: TestClient, site: Path
) -> None:
    path = catalog_file(site)
    target = entry(path, "Putin")  # copy-model output: no Путин in it
    fields = form_of(page(client), target.msgctxt)
    data = path.read_bytes()
    response = post(client, {**fields, "msgstr": target.msgstr, "action": "approve"})
    assert response.status_code == 422
    assert path.read_bytes() == data
    assert "approve again to confirm" in response.text
    confirm = form_of(response.text, target.msgctxt)
    assert confirm["confirm"] == "errors"
    response = post(client, {**confirm, "msgstr": target.msgstr, "action": "approve"})
    assert response.status_code == 303
    assert "fuzzy" not in entry(path, "Putin").flags


def test_a_save_runs_qa_and_the_page_shows_the_findings(client: TestClient, site: Path) -> None:
    path = catalog_file(site)
    target = entry(path, "Putin")
    fields = form_of(page(client), target.msgctxt)
    response = post(client, {**fields, "msgstr": "Без имени 1999", "action": "save"})
    assert response.status_code == 303
    html = client.get(response.headers["location"]).text
    row = html[html.index(f'id="seg-{target.msgctxt}"') :]
    row = row[: row.index("</tr>")]
    assert "Путин" in row and 'class="finding error"' in row
    assert re.search(r"saved #\d+ \(draft\) · QA: [1-9]\d* error", html)


def test_only_existing_catalogs_are_served(client: TestClient, site: Path) -> None:
    for url in ("/de/" + SLUG, "/ru/nope", "/ru/..%2F..%2Fpyproject", "/../etc/passwd"):
        assert client.get(url).status_code == 404, url
    assert client.post("/ru/nope", data={"csrf": "x"}).status_code == 404


def test_filters_and_least_confident_first(client: TestClient, site: Path) -> None:
    path = catalog_file(site)
    po = polib.pofile(str(path))
    live = [e for e in po if not e.obsolete]
    scored = [e for e in live if fingerprint.recorded_score(e) is not None]
    assert len(scored) == len(live)  # the copy model's own scores, recorded at translation
    doubtful = live[5]  # as if the model had doubted this one most
    doubtful.comment = doubtful.comment.replace(
        fingerprint.score_line(fingerprint.recorded_score(doubtful) or 0.0),
        fingerprint.score_line(-3.5),
    )
    po.save(str(path))
    html = page(client, query="order=confidence")
    order = re.findall(r'<tr id="seg-([^"]+)"', html)
    assert order[0] == doubtful.msgctxt and len(order) == len(live)
    assert "score -3.50" in html
    target = entry(path, TITLE)
    fields = form_of(page(client), target.msgctxt)
    post(client, {**fields, "msgstr": "Стратегические последствия", "action": "approve"})
    reviewed = page(client, query="show=reviewed")
    assert reviewed.count("<tr id=") == 1 and target.msgctxt in reviewed
    assert page(client, query="show=review").count("<tr id=") == len(live) - 1


def test_another_host_needs_the_token(site: Path) -> None:
    desk = desk_for(site, host="0.0.0.0")
    assert desk.token
    with TestClient(create_app(desk), base_url="http://desk.example:8765") as http:
        assert http.get("/").status_code == 403
        assert http.get(f"/ru/{SLUG}").status_code == 403
        assert http.get("/?token=wrong").status_code == 403
        assert http.get(f"/?token={desk.token}").status_code == 200
        assert http.get(f"/ru/{SLUG}").status_code == 200  # the cookie carries it now


def test_loopback_refuses_foreign_host_names(client: TestClient) -> None:
    """A page of another site resolving its name to 127.0.0.1 (DNS rebinding) is refused."""
    assert client.get("/", headers={"host": "evil.example:8765"}).status_code == 403
    assert client.get("/", headers={"host": "localhost:8765"}).status_code == 200


def test_review_command_serves_the_folders_and_prints_a_token_off_loopback(
    site: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from click.testing import CliRunner

    from newsl10n import cli
    from newsl10n.review import desk as desk_module

    served: list[tuple[Desk, str, int]] = []
    monkeypatch.setattr(desk_module, "serve", lambda d, h, p: served.append((d, h, p)))
    other = site / "elsewhere"
    shutil.copytree(site / "locales", other)
    args = ["--project", str(site), "review", "--locales", str(other), "--reviewer", "Ann"]
    result = CliRunner().invoke(cli.main, [*args, "--host", "0.0.0.0", "--port", "9999"])
    assert result.exit_code == 0, result.output
    desk, host, port = served[0]
    assert (host, port, desk.reviewer) == ("0.0.0.0", 9999, "Ann")
    assert desk.token and f"?token={desk.token}" in result.output
    assert desk.settings.locales == other.resolve() and (("ru", SLUG) in desk.catalogs())
    result = CliRunner().invoke(cli.main, args)
    assert result.exit_code == 0 and "http://127.0.0.1:8765/\n" in result.output
    assert not served[1][0].token


def test_scores_sit_with_the_fingerprint_and_are_replaced_on_retranslate(site: Path) -> None:
    from newsl10n.engines.argos import ArgosEngine
    from newsl10n.pipeline import translate_pair

    path = catalog_file(site)
    settings = load_settings(site)
    prepared = prepare_article(site / "source_articles" / SEED.name, settings)
    engine = ArgosEngine(settings.engine_settings)
    result = translate_pair(prepared, "ru", engine, settings, retranslate=True)
    assert result.ok and result.translated == len(prepared.segments)
    for e in live(store.load_catalog(path) or polib.POFile()):
        lines = e.comment.split("\n")
        scores = [t for t in lines if t.startswith(fingerprint.SCORE_PREFIX)]
        assert len(scores) == 1 and lines.index(scores[0]) == len(lines) - 2, e.comment
        recorded, raw = fingerprint.recorded_score(e), engine.score(e.msgid, "en", "ru")
        assert recorded is not None and raw is not None and abs(recorded - raw) < 1e-4


def test_an_untouched_comment_field_keeps_a_multi_line_comment(
    client: TestClient, site: Path
) -> None:
    path = catalog_file(site)
    po = polib.pofile(str(path))
    target = next(e for e in po if e.msgid == TITLE)
    target.tcomment = "first line\nsecond line"
    po.save(str(path))
    html = page(client)
    fields = form_of(html, target.msgctxt)
    assert 'value="first line second line"' in html
    data = {**fields, "msgstr": "Итог", "comment": "first line second line", "action": "save"}
    assert post(client, data).status_code == 303
    assert entry(path, TITLE).tcomment == "first line\nsecond line"


def test_a_run_holding_the_lock_makes_a_save_wait_then_refuse(
    client: TestClient, site: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import newsl10n.review.desk

    monkeypatch.setattr(newsl10n.review.desk, "SAVE_LOCK_SECONDS", 0.3)
    path = catalog_file(site)
    target = entry(path, TITLE)
    fields = form_of(page(client), target.msgctxt)
    data = path.read_bytes()
    with store.locked(path):  # as a run committing this catalog
        response = post(client, {**fields, "msgstr": "Итог", "action": "approve"})
    assert response.status_code == 409 and "nothing was changed" in response.text
    assert "try later" in response.text and path.read_bytes() == data


def test_a_broken_catalog_is_named_not_served(client: TestClient, site: Path) -> None:
    path = catalog_file(site)
    path.write_bytes(path.read_bytes().replace(b'msgstr "', b'msgstr "\\q', 1) + b'msgid "x\n')
    index = client.get("/")
    assert index.status_code == 200 and "broken" in index.text and path.name in index.text
    response = client.get(f"/ru/{SLUG}")
    assert response.status_code == 500 and str(path) in response.text
    assert "Traceback" not in response.text


@pytest.mark.parametrize("ending", ["\r\n", "\n\n", "\r\n\r\n"])
def test_an_enter_at_either_end_of_the_textarea_keeps_msgfmt_happy(
    client: TestClient, site: Path, ending: str
) -> None:
    """A textarea keeps the Enter an editor typed after the text (and a leading one);
    msgid has none, and msgfmt -c rejects a msgstr that ends or begins differently."""
    path = catalog_file(site)
    target = entry(path, TITLE)
    fields = form_of(page(client), target.msgctxt)
    text = "Стратегические последствия"
    response = post(client, {**fields, "msgstr": ending + text + ending, "action": "approve"})
    assert response.status_code == 303
    assert entry(path, TITLE).msgstr == text
    msgfmt_ok(path)


@pytest.mark.parametrize("bad", ["\x00", "\x1b", "\x0b", "\r", "\x7f"])
@pytest.mark.parametrize("field", ["msgstr", "comment"])
def test_control_characters_are_refused_and_change_nothing(
    client: TestClient, site: Path, bad: str, field: str
) -> None:
    """A NUL would cut the compiled translation short without msgfmt -c noticing."""
    path = catalog_file(site)
    data = path.read_bytes()
    target = entry(path, TITLE)
    fields = form_of(page(client), target.msgctxt)
    sent = {"msgstr": "Стратегические последствия", "comment": "ok", "action": "approve"}
    sent[field] = f"Стратегические{bad}последствия"
    response = post(client, {**fields, **sent})
    assert response.status_code == 422
    assert "control character" in response.text
    assert path.read_bytes() == data


def test_a_reviewer_name_with_a_newline_is_refused_before_serving(
    site: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """--reviewer becomes the Last-Translator header line: a newline in it would add header
    fields (a Plural-Forms that msgfmt -c rejects) to every catalog the desk saves."""
    from click.testing import CliRunner

    from newsl10n import cli
    from newsl10n.review import desk as desk_module

    served: list[object] = []
    monkeypatch.setattr(desk_module, "serve", lambda d, h, p: served.append(d))
    reviewer = "Ann\nPlural-Forms: nplurals=9; plural=n;"
    args = ["--project", str(site), "review", "--reviewer", reviewer]
    result = CliRunner().invoke(cli.main, args)
    assert result.exit_code == 2 and "--reviewer" in result.output
    assert "Traceback" not in result.output and not served


@pytest.mark.parametrize(
    ("host", "token"),
    [("127.0.0.2", False), ("[::1]", False), ("127.0.0.1.nip.example", True), ("0", True)],
)
def test_only_loopback_addresses_go_without_a_token(site: Path, host: str, token: bool) -> None:
    """A host name that merely starts with 127. may resolve anywhere: it needs the token."""
    assert bool(desk_for(site, host=host).token) is token


def test_a_save_after_a_run_changed_the_source_keeps_the_editors_text_on_the_page(
    client: TestClient, site: Path
) -> None:
    """The nightly run re-segments an edited article while the page is open: the entry's
    msgctxt is gone; the editor gets the page back with their text, not a bare error."""
    path = catalog_file(site)
    fields = form_of(page(client), entry(path, TITLE).msgctxt)
    article = site / "source_articles" / SEED.name
    article.write_text(
        article.read_text(encoding="utf-8").replace(TITLE, "Strategic Consequences"),
        encoding="utf-8",
    )
    translate_seed(site, ["ru"])
    data = path.read_bytes()
    text = "Стратегические последствия"
    response = post(client, {**fields, "msgstr": text, "action": "approve"})
    assert response.status_code == 409
    assert response.headers["content-type"].startswith("text/html")
    assert f"Your text: {text}" in response.text and "Strategic Consequences" in response.text
    assert path.read_bytes() == data


def test_a_plural_entry_is_named_as_such_not_as_missing(client: TestClient, site: Path) -> None:
    path = catalog_file(site)
    po = polib.pofile(str(path))
    po.append(
        polib.POEntry(
            msgctxt="plural:1",
            msgid="one photo",
            msgid_plural="%d photos",
            msgstr_plural={0: "одно фото", 1: "%d фото", 2: "%d фото"},
        )
    )
    po.save(str(path))
    data = path.read_bytes()
    fields = form_of(page(client), entry(path, TITLE).msgctxt)
    response = post(
        client, {**fields, "msgctxt": "plural:1", "msgstr": "фото", "action": "approve"}
    )
    assert response.status_code == 422 and "plural forms" in response.text
    assert path.read_bytes() == data


def test_a_port_in_use_is_said_before_any_address_is_printed(site: Path) -> None:
    """An audit: with the port taken, the desk printed its address (another process's desk
    answered there), then failed with uvicorn's error and exit 3."""
    import socket

    from click.testing import CliRunner

    from newsl10n.cli import main

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = CliRunner().invoke(main, ["--project", str(site), "review", "--port", str(port)])
    assert result.exit_code == 1, result.output
    assert f"cannot listen on 127.0.0.1:{port}" in result.output
    assert "review desk:" not in result.output
