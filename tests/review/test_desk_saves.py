"""Saves over the whole entry: what the desk does when the file changed under an open page,
which fields a save writes, which texts the catalog can hold, and what every refusal shows.

Catalogs are real ones (the seed through the pipeline with copy models, as in
``test_desk.py``); "a text editor" is a plain edit of the file's bytes between page load and
POST; the forms are posted as a browser posts them.
"""

from __future__ import annotations

import copy
import html as htmlib
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

import polib
import pytest
from starlette.testclient import TestClient

from newsl10n.catalog import store
from newsl10n.catalog.entry import EntryState, state
from newsl10n.config import load_settings
from newsl10n.review.bundle import build_bundles
from newsl10n.review.desk import create_app
from newsl10n.review.editing import (
    Edit,
    SaveOutcome,
    Version,
    apply_edit,
    comment_digest,
    entry_token,
    texts_digest,
)
from newsl10n.review.forms import Conflict, Done, Missing, Refuse, Save, judge, parse_form
from tests.helpers import msgfmt_check
from tests.review.test_desk import (
    BASE,
    SLUG,
    TITLE,
    catalog_file,
    client,
    desk,
    desk_for,
    entry,
    form_of,
    page,
    post,
    site,
)

__all__ = ["client", "desk", "site"]  # fixtures shared with test_desk.py

MINE = "Стратегические последствия"


def block_of(path: Path, ctxt: str) -> tuple[str, int]:
    """The file's text and the index of the entry block with msgctxt ``ctxt``."""
    text = path.read_text(encoding="utf-8")
    blocks = text.split("\n\n")
    return text, next(i for i, b in enumerate(blocks) if f'msgctxt "{ctxt}"' in b)


def edit_in_text_editor(path: Path, ctxt: str, change: Callable[[str], str]) -> None:
    """Change one entry's block in the file's text, as a person in a text editor does."""
    text, index = block_of(path, ctxt)
    blocks = text.split("\n\n")
    changed = change(blocks[index])
    assert changed != blocks[index]
    blocks[index] = changed
    path.write_text("\n\n".join(blocks), encoding="utf-8")


def textarea(html: str, ctxt: str, name: str = "msgstr") -> str:
    """What the browser would send from the entry's textarea (the parser drops the
    newline that follows ``<textarea>``)."""
    row = html[html.index(f'name="msgctxt" value="{ctxt}"') :]
    found = re.search(
        rf'<textarea[^>]* name="{re.escape(name)}"[^>]*>\n?(.*?)</textarea>', row, re.S
    )
    assert found, name
    return htmlib.unescape(found.group(1))


def comment_field(html: str, ctxt: str) -> str:
    row = html[html.index(f'name="msgctxt" value="{ctxt}"') :]
    found = re.search(r'<input type="text" name="comment" value="([^"]*)"', row)
    assert found
    return htmlib.unescape(found.group(1))


def resubmit(client: TestClient, html: str, ctxt: str, action: str = "save") -> int:
    """Submit the form the page shows for ``ctxt`` as it is."""
    fields = form_of(html, ctxt)
    sent = {**fields, "msgstr": textarea(html, ctxt), "comment": comment_field(html, ctxt)}
    return post(client, {**sent, "action": action}).status_code


# ---------------------------------------------------------------- the whole entry


BORIS = "checked with the agency's style guide"
EDITS: dict[str, Callable[[str], str]] = {
    "comment added": lambda block: f"# {BORIS}\n{block}",
    "fuzzy cleared": lambda block: block.replace("#, fuzzy\n", ""),
    "flags changed": lambda block: block.replace("#, fuzzy\n", "#, fuzzy, no-wrap\n"),
}


@pytest.mark.parametrize("edit", EDITS)
@pytest.mark.parametrize("touched", ["msgstr", "comment"])
def test_an_entry_changed_in_a_text_editor_under_the_page_is_a_conflict(
    client: TestClient, site: Path, edit: str, touched: str
) -> None:
    """The page is loaded; someone changes the entry's comment, fuzzy flag or flags in a
    text editor; the editor saves one field. 409, both versions, nothing written. Saving
    again from the form the conflict shows writes the editor's field and keeps the file's
    change in every field the editor did not touch."""
    path = catalog_file(site)
    ctxt = entry(path, TITLE).msgctxt
    loaded = entry(path, TITLE)
    fields = form_of(page(client), ctxt)
    edit_in_text_editor(path, ctxt, EDITS[edit])
    theirs = entry(path, TITLE)
    data = path.read_bytes()
    mine = {"msgstr": MINE} if touched == "msgstr" else {"msgstr": loaded.msgstr}
    mine["comment"] = "desk note" if touched == "comment" else ""
    response = post(client, {**fields, **mine, "action": "save"})
    assert response.status_code == 409
    assert path.read_bytes() == data  # the text editor's change is all the file holds
    shown = response.text
    start = shown.index('<div class="conflict"')
    box = htmlib.unescape(shown[start : shown.index("</form>", start)])
    assert "In the file now" in box and "Your text (not saved)" in box
    assert f"In the file now · {state(theirs).label}" in box
    if edit == "comment added":
        assert BORIS in box
    if edit == "flags changed":
        assert "fuzzy, no-wrap" in box
    assert (MINE if touched == "msgstr" else "desk note") in box
    # the form starts from the file's version: the touched field keeps the editor's text
    assert textarea(shown, ctxt) == (MINE if touched == "msgstr" else theirs.msgstr)
    assert comment_field(shown, ctxt) == ("desk note" if touched == "comment" else theirs.tcomment)
    assert form_of(shown, ctxt)["token"] == entry_token(theirs)

    assert resubmit(client, shown, ctxt) == 303
    now = entry(path, TITLE)
    if touched == "msgstr":
        assert now.msgstr == MINE and now.tcomment == theirs.tcomment
    else:
        assert now.msgstr == theirs.msgstr and now.tcomment == "desk note"
    if edit == "flags changed":
        assert "no-wrap" in now.flags
    if edit == "fuzzy cleared":  # the approval stands unless the text changed
        assert ("fuzzy" in now.flags) is (touched == "msgstr")
    msgfmt_check(path)


def test_saving_a_comment_leaves_the_text_and_the_approval_alone(
    client: TestClient, site: Path
) -> None:
    """Only the touched field is written: a comment added to an approved entry with Save
    draft does not make it a draft, and its text keeps every byte."""
    path = catalog_file(site)
    ctxt = entry(path, TITLE).msgctxt
    fields = form_of(page(client), ctxt)
    assert post(client, {**fields, "msgstr": MINE, "action": "approve"}).status_code == 303
    html = page(client)
    text, index = block_of(path, ctxt)
    before = text.split("\n\n")[index]
    sent = {**form_of(html, ctxt), "msgstr": textarea(html, ctxt), "comment": "name checked"}
    assert post(client, {**sent, "action": "save"}).status_code == 303
    now = entry(path, TITLE)
    assert (now.msgstr, now.tcomment, state(now)) == (MINE, "name checked", EntryState.REVIEWED)
    text, index = block_of(path, ctxt)
    assert text.split("\n\n")[index] == f"# name checked\n{before}"


def test_a_save_that_meets_a_change_under_the_lock_writes_nothing(site: Path) -> None:
    """The desk judged the form on one read; another tool saved before the lock was
    taken: apply_edit checks the token again and writes nothing."""
    path = catalog_file(site)
    target = entry(path, TITLE)
    token = entry_token(target)
    edit_in_text_editor(path, target.msgctxt, EDITS["fuzzy cleared"])
    data = path.read_bytes()
    result = apply_edit(path, Edit(target.msgctxt, token, approve=False, texts=(MINE,)))
    assert result.outcome is SaveOutcome.CONFLICT and path.read_bytes() == data
    assert result.current is not None and result.current.state is EntryState.REVIEWED


def test_the_token_covers_every_field_a_person_changes() -> None:
    base = polib.POEntry(msgctxt="p:1", msgid="One photo", msgstr="Фото", flags=["fuzzy"])
    plural = polib.POEntry(
        msgctxt="p:2", msgid="%d photo", msgid_plural="%d photos", msgstr_plural={0: "a", 1: "b"}
    )
    changes: list[tuple[polib.POEntry, Callable[[polib.POEntry], None]]] = [
        (base, lambda e: setattr(e, "msgstr", "Снимок")),
        (base, lambda e: setattr(e, "tcomment", "checked")),
        (base, lambda e: e.flags.remove("fuzzy")),
        (base, lambda e: e.flags.append("no-wrap")),
        (base, lambda e: setattr(e, "previous_msgid", "One picture")),
        (base, lambda e: setattr(e, "previous_msgctxt", "p:0")),
        (base, lambda e: setattr(e, "msgid", "One image")),
        (plural, lambda e: e.msgstr_plural.update({1: "c"})),
    ]
    for original, change in changes:
        changed = copy.deepcopy(original)
        change(changed)
        assert entry_token(changed) != entry_token(original)
    same = polib.POEntry(msgctxt="p:1", msgid="One photo", msgstr="Фото", flags=["fuzzy"])
    same.comment = "newsl10n-mt: copy sha256:0000000000000000"  # bookkeeping: not a person's
    assert entry_token(same) == entry_token(base)


# ---------------------------------------------------------------- the judgement, alone


def _form(entry: polib.POEntry, **sent: str) -> dict[str, str]:
    page = Version.of(entry)
    return {
        "msgctxt": entry.msgctxt or "",
        "token": page.token,
        "original": texts_digest(page.texts),
        "original_comment": comment_digest(page.comment),
        "msgstr": entry.msgstr,
        "comment": " ".join(page.comment.split()),
        "action": "save",
        **sent,
    }


def test_judge_saves_only_the_touched_fields() -> None:
    now = polib.POEntry(msgctxt="p:1", msgid="Kim met Putin.", msgstr="Ким", tcomment="a\nb")
    sub = parse_form(_form(now, msgstr="Ким встретил Путина."))
    assert not isinstance(sub, str)
    decision = judge(sub, now)
    assert isinstance(decision, Save)
    assert decision.edit.texts == ("Ким встретил Путина.",) and decision.edit.comment is None
    only_comment = parse_form(_form(now, comment="c"))
    assert not isinstance(only_comment, str)
    decision = judge(only_comment, now)
    assert isinstance(decision, Save) and decision.edit.texts is None
    assert decision.edit.comment == "c"


def test_a_form_sent_twice_is_done_only_when_a_save_would_have_been_accepted() -> None:
    """A second reading: a stale form approving an empty text was answered "saved" (Done)
    while the entry stayed untranslated; a fresh form gets the refusal, and so must it."""
    shown = polib.POEntry(msgctxt="p:1", msgid="Kim met Putin.", msgstr="", flags=["fuzzy"])
    empty = polib.POEntry(msgctxt="p:1", msgid="Kim met Putin.", msgstr="")  # fuzzy cleared since
    stale = parse_form(_form(shown, msgstr="", action="approve"))
    assert not isinstance(stale, str)
    refused = judge(stale, empty)
    assert isinstance(refused, Refuse) and "empty translation" in refused.reason
    done = polib.POEntry(msgctxt="p:1", msgid="Kim met Putin.", msgstr="Ким")
    twice = parse_form(_form(done, msgstr="Ким", action="approve", token="the first page's"))
    assert not isinstance(twice, str)
    assert isinstance(judge(twice, done), Done)


def test_judge_names_missing_conflict_and_refusals() -> None:
    now = polib.POEntry(msgctxt="p:1", msgid="Kim met Putin.", msgstr="Ким", flags=["fuzzy"])
    sub = parse_form(_form(now, msgstr="\n"))
    assert not isinstance(sub, str)
    assert isinstance(judge(sub, None), Missing)
    refused = judge(sub, now)
    assert isinstance(refused, Refuse) and "only spaces or line breaks" in refused.reason
    approved = polib.POEntry(msgctxt="p:1", msgid="Kim met Putin.", msgstr="Ким")
    decided = judge(sub, approved)
    assert isinstance(decided, Conflict) and decided.theirs.state is EntryState.REVIEWED
    assert isinstance(parse_form({"msgctxt": "p:1"}), str)


# ---------------------------------------------------------------- text the catalog can hold


@pytest.mark.parametrize("text", ["\n", "\r\n", "\n\n\n", " ", "  \n  ", "\t", "\u00a0"])
@pytest.mark.parametrize("action", ["save", "approve"])
def test_a_blank_translation_is_refused_and_the_catalog_stays_valid(
    client: TestClient, site: Path, text: str, action: str
) -> None:
    path = catalog_file(site)
    ctxt = entry(path, TITLE).msgctxt
    data = path.read_bytes()
    response = post(client, {**form_of(page(client), ctxt), "msgstr": text, "action": action})
    assert response.status_code == 422
    assert "only spaces or line breaks" in response.text and "nothing was changed" in response.text
    assert path.read_bytes() == data
    msgfmt_check(path)


def _add_newline_entries(path: Path) -> None:
    po = polib.pofile(str(path), wrapwidth=0)
    po.append(polib.POEntry(msgctxt="paragraph:nl-end", msgid="Line one\n", msgstr=""))
    po.append(polib.POEntry(msgctxt="paragraph:nl-both", msgid="\nIndented\n", msgstr=""))
    po.append(
        polib.POEntry(
            msgctxt="paragraph:photos",
            msgid="%d photo\n",
            msgid_plural="%d photos\n",
            msgstr_plural={0: "", 1: "", 2: ""},
        )
    )
    po.save(str(path))
    msgfmt_check(path)


def test_newlines_are_fitted_to_the_msgid_for_every_form(client: TestClient, site: Path) -> None:
    """gettext wants a msgstr (each plural form) to begin and end with a newline exactly
    when the msgid does; whatever Enter the editor typed, msgfmt -c accepts the file."""
    path = catalog_file(site)
    _add_newline_entries(path)
    html = page(client)
    fields = form_of(html, "paragraph:nl-end")
    assert post(client, {**fields, "msgstr": "\n\nСтрока", "action": "approve"}).status_code == 303
    fields = form_of(page(client), "paragraph:nl-both")
    assert post(client, {**fields, "msgstr": "С отступом", "action": "save"}).status_code == 303
    html = page(client)
    assert html.count('name="msgstr.') == 3  # one textarea per plural form (ru: 3)
    fields = form_of(html, "paragraph:photos")
    forms = {"msgstr.0": "%d фото", "msgstr.1": "%d фото\r\n", "msgstr.2": "\n%d фотографий\n"}
    assert post(client, {**fields, **forms, "action": "approve"}).status_code == 303
    saved = {e.msgctxt: e for e in polib.pofile(str(path))}
    assert saved["paragraph:nl-end"].msgstr == "Строка\n"
    assert saved["paragraph:nl-both"].msgstr == "\nС отступом\n"
    assert saved["paragraph:photos"].msgstr_plural == {
        0: "%d фото\n",
        1: "%d фото\n",
        2: "%d фотографий\n",
    }
    assert state(saved["paragraph:photos"]) is EntryState.REVIEWED
    msgfmt_check(path)


@pytest.mark.parametrize(
    ("forms", "reason"),
    [
        ({"msgstr.0": "%d фото", "msgstr.1": "", "msgstr.2": "%d фото"}, "plural form 1 is empty"),
        ({"msgstr.0": "%d фото", "msgstr.1": "\n", "msgstr.2": "%d фото"}, "plural form 1 holds"),
        ({"msgstr.0": "%d фото", "msgstr.1": "%d фото"}, "3 plural forms"),
    ],
)
def test_plural_forms_the_catalog_cannot_hold_are_refused_with_the_reason(
    client: TestClient, site: Path, forms: dict[str, str], reason: str
) -> None:
    path = catalog_file(site)
    _add_newline_entries(path)
    data = path.read_bytes()
    fields = form_of(page(client), "paragraph:photos")
    response = post(client, {**fields, **forms, "action": "save"})
    assert response.status_code == 422 and reason in response.text
    assert path.read_bytes() == data
    assert "%d фото" in textarea(response.text, "paragraph:photos", "msgstr.0")  # shown again


# ---------------------------------------------------------------- every refusal keeps the text

TYPED = "Мой <b>перевод</b> & «текст»"


@pytest.fixture
def other_desk(site: Path) -> Iterator[TestClient]:
    with TestClient(create_app(desk_for(site, host="0.0.0.0")), base_url=BASE) as http:
        yield http


@pytest.mark.parametrize(
    "refusal", ["csrf", "lock", "broken catalog", "catalog gone", "host", "token"]
)
def test_every_refusal_shows_the_editors_text(
    client: TestClient,
    other_desk: TestClient,
    site: Path,
    refusal: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import newsl10n.review.desk

    monkeypatch.setattr(newsl10n.review.desk, "SAVE_LOCK_SECONDS", 0.3)
    path = catalog_file(site)
    ctxt = entry(path, TITLE).msgctxt
    fields = {**form_of(page(client), ctxt), "msgstr": TYPED, "comment": "мой комментарий"}
    fields["action"] = "approve"
    http, headers = client, {}
    if refusal == "csrf":
        fields["csrf"] = "forged"
    elif refusal == "broken catalog":
        path.write_bytes(path.read_bytes() + b'msgid "unterminated\n')
    elif refusal == "catalog gone":
        path.unlink()
    elif refusal == "host":
        headers = {"host": "evil.example:8765"}
    elif refusal == "token":
        http = other_desk
    data = path.read_bytes() if path.exists() else None
    if refusal == "lock":
        with store.locked(path):
            response = http.post(f"/ru/{SLUG}", data=fields, headers=headers)
    else:
        response = http.post(f"/ru/{SLUG}", data=fields, headers=headers)
    assert response.status_code in (403, 404, 409, 500), response.status_code
    assert response.headers["content-type"].startswith("text/html")
    assert "nothing was changed" in response.text
    assert htmlib.escape(TYPED, quote=False) in response.text
    assert "мой комментарий" in response.text
    assert "<b>перевод" not in response.text  # text, never markup
    assert (path.read_bytes() if path.exists() else None) == data


# ---------------------------------------------------------------- bidi controls stay inside

RLO = "\u202e"
TEXT = f"{RLO}Стратегические выводы 2024"  # an override that is never closed
ISOLATING = frozenset(
    {"bdi", "textarea", "title", "option", "p", "div", "li", "dt", "dd", "td", "th", "pre"}
    | {"h1", "h2", "h3", "h4", "h5", "h6", "header", "footer", "main", "nav", "section"}
)  # a bdi, a form control's own text, or a block (a paragraph of its own for bidi)
VOID = frozenset(["meta", "link", "input", "br", "img", "hr", "col", "source", "wbr"])


@dataclass
class Node:
    tag: str
    attrs: dict[str, str | None]
    parts: list[str | Node] = field(default_factory=list)

    @property
    def text(self) -> str:
        return "".join(p if isinstance(p, str) else p.text for p in self.parts)

    @property
    def isolating(self) -> bool:
        return self.tag in ISOLATING or "dir" in self.attrs


class _Tree(HTMLParser):
    """Just enough of a DOM: each element's text, children and attributes."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Node("#root", {})
        self.stack = [self.root]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        node = Node(tag, dict(attrs))
        self.stack[-1].parts.append(node)
        if tag not in VOID:
            self.stack.append(node)

    def handle_endtag(self, tag: str) -> None:
        for depth in range(len(self.stack) - 1, 0, -1):
            if self.stack[depth].tag == tag:
                del self.stack[depth:]
                return

    def handle_data(self, data: str) -> None:
        self.stack[-1].parts.append(data)


def _isolates(node: Node, inside: Node) -> Iterator[Node]:
    """The innermost isolating element of every text holding the override."""
    here = node if node.isolating else inside
    for part in node.parts:
        if isinstance(part, str):
            if RLO in part:
                yield here
        else:
            yield from _isolates(part, here)


def assert_isolated(html: str, where: str) -> int:
    """Every text holding the override ends its isolate (a ``<bdi>``, an element with
    ``dir``, a block): nothing after it can be reordered. Titles and ``title`` attributes
    hold it between FSI and PDI. Returns how many places were checked."""
    tree = _Tree()
    tree.feed(html)
    checked = 0
    for element in _isolates(tree.root, tree.root):
        text = element.text
        if element.tag == "title":
            assert f"\u2068{TEXT}\u2069" in text, (where, text)
        else:  # the isolate ends where the catalog's text ends
            tail = text[text.index(RLO) :].rstrip()
            assert TEXT.startswith(tail) or tail.startswith(TEXT), (where, element.tag, text)
            assert tail in (TEXT, TEXT + " ещё") or TEXT.startswith(tail), (where, text)
        checked += 1
    for value in re.findall(r'title="([^"]*)"', html):
        if RLO in htmlib.unescape(value):
            assert htmlib.unescape(value) == f"\u2068{TEXT}\u2069", (where, value)
            checked += 1
    return checked


def test_bidi_controls_in_catalog_text_cannot_reorder_the_pages(
    client: TestClient, site: Path
) -> None:
    """A title approved with an unclosed RIGHT-TO-LEFT OVERRIDE, the same text in a note,
    a translator comment and a conflict: on the desk, the static review page, the bundle
    index and the article itself, the override ends where the catalog's text ends."""
    path = catalog_file(site)
    po = polib.pofile(str(path), wrapwidth=0)
    headline = next(e for e in po if (e.msgctxt or "").startswith("title:"))
    title = next(e for e in po if e.msgid == TITLE)
    for approved in (headline, title):
        approved.msgstr, approved.flags = TEXT, []
    title.tcomment = TEXT
    title.comment = f"{title.comment}\n{TEXT}"
    po.save(str(path))
    settings = load_settings(site)
    build_bundles(settings.locales, settings.bundles, ["ru"], [SLUG], root=settings.root)
    bundle = settings.bundles / "ru" / SLUG
    pages = {
        "desk": page(client),
        "review.html": (bundle / "review.html").read_text(encoding="utf-8"),
        "article.html": (bundle / "article.html").read_text(encoding="utf-8"),
        "index.html": (settings.bundles / "index.html").read_text(encoding="utf-8"),
    }
    ctxt = title.msgctxt
    fields = form_of(pages["desk"], ctxt)
    edit_in_text_editor(path, ctxt, EDITS["comment added"])
    conflict = post(client, {**fields, "msgstr": TEXT + " ещё", "action": "save"})
    assert conflict.status_code == 409
    pages["desk conflict"] = conflict.text
    for name, html in pages.items():
        assert assert_isolated(html, name) >= 1, name
    assert "<h1" in pages["desk"] and f"<bdi>{TEXT}</bdi></h1>" in pages["desk"]


def test_gone_entry_notice_isolates_the_editors_text(client: TestClient, site: Path) -> None:
    path = catalog_file(site)
    fields = form_of(page(client), entry(path, TITLE).msgctxt)
    response = post(
        client, {**fields, "msgctxt": "paragraph:nowhere", "msgstr": TEXT, "action": "save"}
    )
    assert response.status_code == 409
    assert f'<bdi class="yours">Your text: {TEXT}</bdi>' in response.text
    assert assert_isolated(response.text, "gone") >= 1
