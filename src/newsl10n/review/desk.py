"""The review desk: the review pages as a small local web app that writes decisions back.

``newsl10n review`` serves an index (articles × languages) and one page per article and
language: source | translation side by side with state badges, glossary terms
highlighted, QA findings inline, and one plain HTML form per entry (it works with
JavaScript off; ``desk.js`` only adds keyboard shortcuts). A submitted form is judged by
``forms.judge`` (a pure function: save, conflict, refuse or missing) against the entry the
file holds now, and a save goes through ``editing.apply_edit``: lock, re-read, change that
one entry, keep every other byte. An entry someone changed since the page was loaded (its
text, comment, flags or previous source) is a conflict, never overwritten; every refusal
shows the editor's text again. The bundle of that article and language is rebuilt after
each save.

Safety: the app binds 127.0.0.1 unless told otherwise, and then wants a token on every
request; every POST needs the CSRF token; only languages and slugs of catalogs found under
``locales/`` are accepted (nothing from a request becomes a path); the Content-Security-
Policy allows scripts from the app only, never inline. Plain library code: no Prefect.
"""

from __future__ import annotations

import hmac
import ipaddress
import os
import secrets
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping, Sequence
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import dataclass, field, replace
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any, cast
from urllib.parse import parse_qs, quote, urlencode

import polib
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.middleware import Middleware
from starlette.middleware.base import BaseHTTPMiddleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import Route

from newsl10n import __version__, qa
from newsl10n.catalog import fingerprint, store
from newsl10n.catalog.entry import EntryState, live
from newsl10n.config import Settings
from newsl10n.errors import Newsl10nError
from newsl10n.glossary.model import Glossary
from newsl10n.review import editing
from newsl10n.review.bundle import build_bundles, write_index
from newsl10n.review.editing import SaveOutcome, Version
from newsl10n.review.findings import group_findings
from newsl10n.review.forms import (
    Conflict,
    Decision,
    Done,
    Missing,
    Refuse,
    Save,
    Submission,
    judge,
    parse_form,
    text_field,
)
from newsl10n.review.localized import LocalizedArticle, Unit, localize, text_direction
from newsl10n.review.pages import Marked, highlighter, mark_text
from newsl10n.review.paths import INDEX
from newsl10n.review.refresh import IndexRefresh
from newsl10n.review.render import templates
from newsl10n.review.summaries import Summaries
from newsl10n.source.article import is_slug, read_article
from newsl10n.source.segment import Residue, segment_blocks

LOOPBACK = frozenset({"127.0.0.1", "localhost", "::1"})
TOKEN_COOKIE = "newsl10n_desk"
SAVE_LOCK_SECONDS = 20.0  # a run writing this catalog: the editor tries again, never hangs
MAX_FORM_BYTES = 1_000_000  # a msgstr is a sentence or a paragraph; refuse anything huge
CSP = (
    "default-src 'none'; script-src 'self'; style-src 'unsafe-inline'; img-src data:; "
    "form-action 'self'; base-uri 'none'; frame-ancestors 'none'; connect-src 'none'"
)
SECURITY_HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
    "Cache-Control": "no-store",
}
FILTERS = {
    "all": "all",
    "review": "needs review",
    "changed": "changed source",
    "qa": "QA findings",
    "reviewed": "reviewed",
}
ORDERS = {"article": "article order", "confidence": "least confident first"}


def is_loopback(host: str) -> bool:
    """A loopback address or ``localhost``; a name such as ``127.0.0.1.example.org`` is not."""
    if host.strip("[]") in LOOPBACK:
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


@dataclass(frozen=True)
class Desk:
    """What the app serves and how it guards it."""

    settings: Settings
    glossary: Glossary
    reviewer: str = ""
    csrf: str = field(default_factory=lambda: secrets.token_urlsafe(32))
    token: str = ""  # when set, every request must carry it (query ``token`` or cookie)
    hosts: frozenset[str] = frozenset()  # Host header names accepted; empty: any
    summaries: Summaries = field(init=False, repr=False, compare=False)
    index_page: IndexRefresh = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        bundles = self.settings.bundles
        object.__setattr__(self, "summaries", Summaries(self.settings.locales, self.glossary))
        refresh = IndexRefresh(bundles / INDEX, lambda: write_index(bundles))
        object.__setattr__(self, "index_page", refresh)

    def catalogs(self) -> dict[tuple[str, str], Path]:
        """(language, slug) → catalog path, for every catalog under ``locales/``."""
        return {
            (lang, path.stem): path
            for lang, path in store.catalogs(self.settings.locales)
            if is_slug(path.stem) and is_slug(lang)
        }

    def catalog(self, lang: str, slug: str) -> Path | None:
        """The path ``catalogs()`` lists for (language, slug), None when it lists none: the
        only way a request reaches a file. Both must pass the slug rule (one safe name
        component each), so nothing else from a request becomes a path; one catalog is
        looked at, not all of them (a page costs the same at 10 and 2,000 catalogs)."""
        if not (is_slug(lang) and is_slug(slug)):
            return None
        path = store.catalog_path(self.settings.locales, lang, slug)
        return path if path.parent.parent.is_dir() and os.path.lexists(path) else None


@dataclass(frozen=True)
class Target:
    """One catalog a request names (``Desk.catalog``: a language and a slug that pass the
    slug rule and name a catalog under ``locales/``)."""

    lang: str
    slug: str
    path: Path


# ---------------------------------------------------------------- the page model


@dataclass(frozen=True)
class DeskEntry:
    """One entry on the desk: what the page shows and the form carries."""

    number: int
    unit: Unit
    source: Marked
    translation: Marked
    findings: tuple[qa.Finding, ...]
    version: Version  # the entry as loaded: its token and field digests go in the form
    machine: bool  # still newsl10n's output (fingerprint matches)
    score: float | None  # the model's confidence, machine output only

    @property
    def needs_review(self) -> bool:
        return self.unit.state.needs_review

    @property
    def label(self) -> str:
        return self.unit.state.label

    @property
    def errors(self) -> int:
        return sum(f.severity == "error" for f in self.findings)

    @property
    def worst(self) -> str:
        if self.errors:
            return "error"
        return "warning" if self.findings else ""

    @property
    def notes(self) -> tuple[str, ...]:
        own = (fingerprint.PREFIX, fingerprint.SCORE_PREFIX)  # shown as badge and score
        return tuple(n for n in self.unit.notes if not n.startswith(own))

    @property
    def form(self) -> Form:
        """The entry's form as the page first shows it."""
        return Form.of(self.version)


@dataclass(frozen=True)
class Form:
    """What an entry's form holds: the file's entry when the page is loaded, or a
    submitted form shown again (a refusal, a confirmation, a conflict)."""

    texts: tuple[str, ...]  # the msgstr, or every plural form
    comment: str
    token: str  # ``Version.token`` a resubmission is checked against
    original: str  # digest of the text the form started from
    original_comment: str  # digest of the comment the form started from
    confirm: bool = False  # approving needs the explicit second confirmation
    theirs: Version | None = None  # a conflict: the entry in the file now
    mine: Submission | None = None  # a conflict: what the editor sent
    findings: tuple[qa.Finding, ...] = ()
    again: bool = False  # shown instead of the file's entry

    @classmethod
    def of(cls, version: Version) -> Form:
        return cls(
            texts=version.texts,
            comment=editing.one_line(version.comment),
            token=version.token,
            original=editing.texts_digest(version.texts),
            original_comment=editing.comment_digest(version.comment),
        )

    @classmethod
    def resubmitted(cls, sub: Submission, shown: Version, **extra: Any) -> Form:
        """The editor's form as they sent it (a field they did not send: the page's)."""
        loaded = cls.of(shown)
        comment = loaded.comment if sub.comment is None else sub.comment
        return replace(
            loaded,
            texts=sub.texts,
            comment=comment,
            token=sub.token,
            original=sub.original,
            original_comment=sub.original_comment,
            again=True,
            **extra,
        )

    @classmethod
    def after_conflict(cls, sub: Submission, theirs: Version, **extra: Any) -> Form:
        """The form against the file's version: the fields the editor touched keep their
        text, the others show what the file holds now (so saving again keeps it)."""
        now = cls.of(theirs)
        return replace(
            now,
            texts=sub.texts if sub.texts_touched else now.texts,
            comment=(sub.comment or "") if sub.comment_touched else now.comment,
            theirs=theirs,
            mine=sub,
            again=True,
            **extra,
        )


@dataclass(frozen=True)
class Notice:
    kind: str  # "ok" or "error"
    text: str
    yours: str = ""  # the editor's text, shown isolated after the message


@dataclass(frozen=True)
class View:
    show: str = "all"
    order: str = "article"

    @classmethod
    def of(cls, params: Mapping[str, str]) -> View:
        show, order = params.get("show", "all"), params.get("order", "article")
        return cls(show if show in FILTERS else "all", order if order in ORDERS else "article")

    def query(self, **extra: str) -> str:
        values = {"show": self.show, "order": self.order, **extra}
        return urlencode({k: v for k, v in values.items() if v and v not in ("all", "article")})

    def keep(self, entry: DeskEntry) -> bool:
        state = entry.unit.state
        return {
            "all": True,
            "review": entry.needs_review,
            "changed": state is EntryState.CHANGED,
            "qa": bool(entry.findings),
            "reviewed": state is EntryState.REVIEWED,
        }[self.show]

    def arrange(self, entries: Sequence[DeskEntry]) -> list[DeskEntry]:
        kept = [e for e in entries if self.keep(e)]
        if self.order == "confidence":  # scored machine output first, least confident first
            return sorted(
                kept,
                key=lambda e: (
                    not (e.machine and e.score is not None),
                    e.score or 0.0,
                    e.number,
                ),
            )
        return kept


@dataclass(frozen=True)
class Page:
    article: LocalizedArticle
    entries: tuple[DeskEntry, ...]
    residue: tuple[Residue, ...]

    def entry(self, ctxt: str) -> DeskEntry | None:
        return next((e for e in self.entries if e.unit.id == ctxt), None)


def load_page(desk: Desk, target: Target) -> tuple[Page, polib.POFile]:
    """Read the catalog (strictly) and build the desk's model of it."""
    path = target.path
    snapshot = store.read(path)
    if snapshot.po is None:
        raise Newsl10nError(f"{path}: no catalog")
    po = snapshot.po
    article = localize(po, slug=target.slug, lang=target.lang, path=path, root=desk.settings.root)
    by_ctxt = {e.msgctxt or "": e for e in live(po)}
    found: dict[str, list[qa.Finding]] = {}
    for finding in qa.check_entries(po, path, desk.glossary, target.lang):
        found.setdefault(finding.msgctxt, []).append(finding)
    highlight = highlighter(desk.glossary)
    entries = []
    for number, unit in enumerate(article.units, start=1):
        entry = by_ctxt[unit.id]
        machine = fingerprint.is_machine(entry)
        entries.append(
            DeskEntry(
                number=number,
                unit=unit,
                source=mark_text(unit.source, unit.source_lang, highlight),
                translation=mark_text(unit.translation, target.lang, highlight),
                findings=tuple(found.get(unit.id, ())),
                version=Version.of(entry),
                machine=machine,
                score=fingerprint.recorded_score(entry) if machine else None,
            )
        )
    return Page(article, tuple(entries), residue_of(desk, article)), po


def residue_of(desk: Desk, article: LocalizedArticle) -> tuple[Residue, ...]:
    """Lines of the source left out as scraping residue, when the source is still there
    (the file the catalog names, and only inside the source folder)."""
    if not article.source.reference:
        return ()
    source = desk.settings.source.resolve()
    path = (desk.settings.root / article.source.reference).resolve()
    if not path.is_relative_to(source) or not path.is_file():
        return ()
    try:
        prepared = read_article(path)
        return segment_blocks(prepared.blocks, article.source.language or "en").residue
    except (Newsl10nError, OSError, ValueError):
        return ()


# ---------------------------------------------------------------- the index


@dataclass(frozen=True)
class DeskCell:
    lang: str
    slug: str
    segments: int
    reviewed: int
    needs_review: int
    errors: int
    warnings: int
    error: str = ""  # the catalog could not be read

    @property
    def percent(self) -> int:
        return round(100 * self.reviewed / self.segments) if self.segments else 0


def index_cells(desk: Desk) -> list[DeskCell]:
    """Every catalog by article then language, with the figures of its current version
    (computed once per version: ``summaries``)."""
    found = sorted(desk.catalogs().items(), key=lambda kv: (kv[0][1], kv[0][0]))
    summaries = desk.summaries.index([(lang, path) for (lang, _slug), path in found])
    cells = []
    for ((lang, slug), _path), summary in zip(found, summaries, strict=True):
        if isinstance(summary, str):
            cells.append(DeskCell(lang, slug, 0, 0, 0, 0, 0, error=summary))
        elif summary is not None:
            total, reviewed = summary.counts.segments, summary.counts.reviewed
            cells.append(
                DeskCell(
                    lang, slug, total, reviewed, total - reviewed, summary.errors, summary.warnings
                )
            )
    return cells


# ---------------------------------------------------------------- responses


def page_url(lang: str, slug: str, query: str = "") -> str:
    return f"/{quote(lang)}/{quote(slug)}" + (f"?{query}" if query else "")


def _html(name: str, status: int = 200, **values: Any) -> HTMLResponse:
    text = templates().get_template(name).render(generator=f"newsl10n {__version__}", **values)
    return HTMLResponse(text, status_code=status)


def refused(status: int, message: str, form: Mapping[str, str] | None = None) -> HTMLResponse:
    """A refusal without the article page (no such catalog, a broken one, a missing CSRF
    or access token): the message, and whatever text the editor sent, to copy."""
    texts = [] if form is None else sorted(form.items(), key=lambda kv: _field_order(kv[0]))
    shown = [(name, value) for name, value in texts if _field_order(name) < 99 and value]
    return _html("desk_refused.html.j2", status, message=message, texts=shown)


def _field_order(name: str) -> int:
    """The order the editor's fields are shown in a refusal; 99: not the editor's text."""
    if name == "msgstr":
        return 0
    if name.startswith("msgstr.") and name[7:].isdigit():
        return 1 + int(name[7:])
    return 50 if name == "comment" else 99


def render_page(
    desk: Desk,
    target: Target,
    view: View,
    *,
    status: int = 200,
    notices: Sequence[Notice] = (),
    forms: Mapping[str, Form] | None = None,
    saved: str = "",
    sent: Mapping[str, str] | None = None,  # the form that led here (shown if the page fails)
) -> Response:
    """The article page; a form shown again replaces its entry's form (one path for every
    refusal, confirmation and conflict)."""
    try:
        page, _po = load_page(desk, target)
    except Newsl10nError as err:
        return refused(500, str(err), sent)
    shown = view.arrange(page.entries)
    pending = [e for e in View("all", view.order).arrange(page.entries) if e.needs_review]
    notices = [*saved_notice(page, saved), *notices]
    lang, slug = target.lang, target.slug
    return _html(
        "desk.html.j2",
        status,
        page=page,
        article=page.article,
        entries=shown,
        total=len(page.entries),
        counts=page.article.counts,
        view=view,
        filters=FILTERS,
        orders=ORDERS,
        action=page_url(lang, slug, view.query()),
        page_url=lambda **q: page_url(lang, slug, View(**{**view.__dict__, **q}).query()),
        next_entry=pending[0] if pending else None,
        next_href=next_href(target, view, pending, shown),
        notices=notices,
        forms=forms or {},
        field_name=text_field,
        csrf=desk.csrf,
        reviewer=desk.reviewer,
        source_dir=text_direction(page.article.source.language),
        target_dir=text_direction(lang),
    )


def next_href(
    target: Target, view: View, pending: Sequence[DeskEntry], shown: Sequence[DeskEntry]
) -> str:
    """The link to the first entry needing review: on this page, or in the review filter."""
    if not pending:
        return ""
    here = pending[0] in shown
    page = "" if here else page_url(target.lang, target.slug, View("review", view.order).query())
    return f"{page}#seg-{pending[0].unit.id}"


def saved_notice(page: Page, saved: str) -> list[Notice]:
    """The notice "saved #7 (draft) · QA: …" after a save redirected here (``?saved=#7``)."""
    done = next((e for e in page.entries if f"#{e.number}" == saved), None) if saved else None
    if done is None:
        return []
    errors, warnings = done.errors, len(done.findings) - done.errors
    found = f"QA: {errors} error(s), {warnings} warning(s)" if done.findings else "QA: no findings"
    return [Notice("ok", f"saved {saved} ({done.label}) · {found}")]


# ---------------------------------------------------------------- handlers


def _desk(request: Request) -> Desk:
    return cast(Desk, request.app.state.desk)


def _target(request: Request) -> Target | None:
    lang, slug = request.path_params["lang"], request.path_params["slug"]
    path = _desk(request).catalog(lang, slug)
    return None if path is None else Target(lang, slug, path)


def index(request: Request) -> Response:  # plain functions run in Starlette's thread pool
    cells = index_cells(_desk(request))
    return _html(
        "desk_index.html.j2",
        slugs=sorted({c.slug for c in cells}),
        languages=sorted({c.lang for c in cells}),
        cells={(c.slug, c.lang): c for c in cells},
        total_segments=sum(c.segments for c in cells),
        total_reviewed=sum(c.reviewed for c in cells),
        first=next((c for c in cells if c.needs_review and not c.error), None),
        page_url=page_url,
    )


def next_pending(request: Request) -> Response:
    first = next((c for c in index_cells(_desk(request)) if c.needs_review and not c.error), None)
    if first is None:
        return RedirectResponse("/", status_code=303)
    return RedirectResponse(page_url(first.lang, first.slug, "show=review"), status_code=303)


def article_page(request: Request) -> Response:
    target = _target(request)
    if target is None:
        return refused(404, "no such catalog")
    saved = request.query_params.get("saved", "")[:12]
    return render_page(_desk(request), target, View.of(request.query_params), saved=saved)


async def save(request: Request) -> Response:
    form = await read_form(request)
    target = _target(request)
    if target is None:
        return refused(404, "no such catalog: nothing was changed", form)
    if form is None:
        return refused(400, "expected a form (application/x-www-form-urlencoded, < 1 MB)")
    view = View.of(request.query_params)
    return await run_in_threadpool(decide, _desk(request), target, view, form)


async def script(request: Request) -> Response:
    return Response(desk_script(), media_type="text/javascript; charset=utf-8")


async def read_form(request: Request) -> dict[str, str] | None:
    """An urlencoded form (what a plain HTML form posts), at most MAX_FORM_BYTES; None
    when it is anything else."""
    kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if kind != "application/x-www-form-urlencoded":
        return None
    body = b""
    async for chunk in request.stream():
        body += chunk
        if len(body) > MAX_FORM_BYTES:
            return None
    try:
        fields = parse_qs(body.decode("utf-8"), keep_blank_values=True, max_num_fields=24)
    except (UnicodeDecodeError, ValueError):
        return None
    return {key: values[0] for key, values in fields.items()}


# ---------------------------------------------------------------- deciding a form


def decide(desk: Desk, target: Target, view: View, form: Mapping[str, str]) -> Response:
    """Check, judge, apply and answer one submitted form (file work: off the event loop)."""
    if not hmac.compare_digest(form.get("csrf", "").encode(), desk.csrf.encode()):
        message = "missing or invalid CSRF token (reload the page): nothing was changed"
        return refused(403, message, form)
    sub = parse_form(form)
    if isinstance(sub, str):
        return refused(400, sub, form)
    try:
        page, po = load_page(desk, target)
    except Newsl10nError as err:
        return refused(500, f"{err}: nothing was changed", form)
    entry = editing.find_entry(po, sub.msgctxt)
    findings = editing.check_text(po, target.path, sub.msgctxt, sub.texts, desk.glossary)
    decision = judge(sub, entry, findings, desk.reviewer)
    return answer(desk, target, view, page, sub, decision, tuple(findings), form)


def answer(
    desk: Desk,
    target: Target,
    view: View,
    page: Page,
    sub: Submission,
    decision: Decision,
    findings: tuple[qa.Finding, ...],
    sent: Mapping[str, str],
) -> Response:
    """The response to a decision: a redirect after a save, else the page with the form
    shown again and why."""
    shown = page.entry(sub.msgctxt)
    if isinstance(decision, Missing) or shown is None:
        return gone(desk, target, view, sub, sent)
    label = f"#{shown.number}"
    if isinstance(decision, Conflict):
        return conflict(desk, target, view, label, sub, decision.theirs, findings)
    if isinstance(decision, Refuse):
        again = Form.resubmitted(sub, shown.version, confirm=decision.confirm, findings=findings)
        notice = Notice("error", f"{label}: {decision.reason}")
        return form_again(desk, target, view, sub.msgctxt, again, decision.status, notice)
    if isinstance(decision, Done):  # sent twice: the first one saved it
        return saved(target, view, page, sub, label)
    return write_save(desk, target, view, page, sub, decision, findings)


def write_save(
    desk: Desk,
    target: Target,
    view: View,
    page: Page,
    sub: Submission,
    decision: Save,
    findings: tuple[qa.Finding, ...],
) -> Response:
    """Apply a save under the catalog's lock; it may still turn out a conflict (another
    tool saved between the judgement and the lock) or meet a run holding the lock."""
    shown = page.entry(sub.msgctxt)
    assert shown is not None
    label = f"#{shown.number}"
    try:
        result = editing.apply_edit(target.path, decision.edit, lock_timeout=SAVE_LOCK_SECONDS)
    except Newsl10nError as err:
        again = Form.resubmitted(sub, shown.version, findings=findings)
        notice = Notice("error", f"{label}: {err}: nothing was changed; your text is below")
        return form_again(desk, target, view, sub.msgctxt, again, 409, notice)
    if result.outcome is SaveOutcome.CONFLICT and result.current is not None:
        return conflict(desk, target, view, label, sub, result.current, findings)
    if result.outcome is SaveOutcome.MISSING:
        return gone(desk, target, view, sub, {})
    if result.outcome is SaveOutcome.REFUSED:
        again = Form.resubmitted(sub, shown.version, findings=findings)
        notice = Notice("error", f"{label}: {result.reason}: nothing was changed")
        return form_again(desk, target, view, sub.msgctxt, again, 422, notice)
    if result.written:
        rebuild_bundle(desk, target)
    return saved(target, view, page, sub, label)


def saved(target: Target, view: View, page: Page, sub: Submission, label: str) -> Response:
    """The redirect after a save: to the entry, or after an approval to the next one."""
    anchor = after(page, sub.msgctxt, sub.approve)
    url = page_url(target.lang, target.slug, view.query(saved=label))
    return RedirectResponse(f"{url}#{anchor}", status_code=303)


def form_again(
    desk: Desk, target: Target, view: View, ctxt: str, form: Form, status: int, notice: Notice
) -> Response:
    """The page with one entry's form replaced by ``form``: the one way a submitted form
    is shown again."""
    return render_page(desk, target, view, status=status, notices=[notice], forms={ctxt: form})


def conflict(
    desk: Desk,
    target: Target,
    view: View,
    label: str,
    sub: Submission,
    theirs: Version,
    findings: tuple[qa.Finding, ...],
) -> Response:
    notice = Notice(
        "error",
        f"{label} was changed in the file since this page was loaded (another tool saved "
        "it): your text was not saved. Both versions are shown below",
    )
    again = Form.after_conflict(sub, theirs, findings=findings)
    return form_again(desk, target, view, sub.msgctxt, again, 409, notice)


def gone(
    desk: Desk, target: Target, view: View, sub: Submission, sent: Mapping[str, str]
) -> Response:
    """The entry is not (or no longer) in the file, e.g. a run changed its source since
    the page was loaded: the page as it is now, with the editor's text to copy."""
    notice = Notice(
        "error",
        f"{sub.msgctxt!r} is no longer in {target.path.name} (its source sentence changed or "
        "it was removed): nothing was changed.",
        yours="\n".join(t for t in sub.texts if t),
    )
    return render_page(desk, target, view, status=409, notices=[notice], sent=sent)


def after(page: Page, ctxt: str, approved: bool) -> str:
    """The anchor to land on after a save: the entry itself, or after an approval the next
    entry needing review (in article order)."""
    if approved:
        later = [e for e in page.entries if e.unit.id != ctxt]
        start = next((e.number for e in page.entries if e.unit.id == ctxt), 0)
        pending = [e for e in later if e.needs_review and e.number > start] or [
            e for e in later if e.needs_review
        ]
        if pending:
            return f"seg-{pending[0].unit.id}"
    return f"seg-{ctxt}"


def rebuild_bundle(desk: Desk, target: Target) -> None:
    """The bundle of that article and language, as ``newsl10n bundle`` builds it; the
    static index (a row per bundle: its cost grows with the catalogs) follows after the
    answer (``IndexRefresh``)."""
    findings = group_findings(qa.check_catalog(target.path, desk.glossary, target.lang))
    build_bundles(
        desk.settings.locales,
        desk.settings.bundles,
        [target.lang],
        [target.slug],
        root=desk.settings.root,
        highlight=highlighter(desk.glossary),
        findings=findings,
        index=False,
    )
    desk.index_page.soon()


@cache
def desk_script() -> bytes:
    return resources.files("newsl10n").joinpath("templates/desk.js").read_bytes()


# ---------------------------------------------------------------- the app


def create_app(desk: Desk) -> Starlette:
    """The desk as an ASGI app (uvicorn serves it; tests use Starlette's TestClient)."""
    routes = [
        Route("/", index, methods=["GET"]),
        Route("/next", next_pending, methods=["GET"]),
        Route("/static/desk.js", script, methods=["GET"]),
        Route("/{lang}/{slug}", article_page, methods=["GET"]),
        Route("/{lang}/{slug}", save, methods=["POST"]),
    ]
    app = Starlette(
        routes=routes, middleware=[Middleware(Guard, desk=desk)], lifespan=_lifespan(desk)
    )
    app.state.desk = desk
    return app


def _lifespan(desk: Desk) -> Callable[[Starlette], AbstractAsyncContextManager[None]]:
    """When the desk stops, the static index is written if a save is still waiting for it."""

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        yield
        await run_in_threadpool(desk.index_page.flush)

    return lifespan


class Guard(BaseHTTPMiddleware):
    """Host and token checks on every request, security headers on every response."""

    def __init__(self, app: Any, desk: Desk) -> None:
        super().__init__(app)
        self.desk = desk

    async def dispatch(
        self, request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        response = await self._checked(request, call_next)
        response.headers.update(SECURITY_HEADERS)
        return response

    async def _checked(
        self, request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        host = (request.headers.get("host") or "").rsplit(":", 1)[0].strip("[]")
        if self.desk.hosts and host not in self.desk.hosts:
            return await self._refuse(request, "unexpected Host header")
        token = self.desk.token
        if not token:
            return await call_next(request)
        given = request.query_params.get("token", "")
        if given and hmac.compare_digest(given.encode(), token.encode()):
            response = await call_next(request)
            response.set_cookie(TOKEN_COOKIE, token, httponly=True, samesite="strict")
            return response
        cookie = request.cookies.get(TOKEN_COOKIE, "")
        if cookie and hmac.compare_digest(cookie.encode(), token.encode()):
            return await call_next(request)
        return await self._refuse(
            request, "this desk needs its access token (printed when it started)"
        )

    @staticmethod
    async def _refuse(request: Request, message: str) -> Response:
        """403, with the text of a refused save to copy (a restarted desk has a new token:
        the editor's cookie no longer opens it, and their text must not be lost)."""
        form = await read_form(request) if request.method == "POST" else None
        if form is not None:
            message += ": nothing was changed"
        return refused(403, message, form)


def make_desk(settings: Settings, glossary: Glossary, *, host: str, reviewer: str) -> Desk:
    """A desk for serving on ``host``: a token unless it is loopback."""
    hosts = frozenset(LOOPBACK | {host}) if is_loopback(host) else frozenset()
    token = "" if is_loopback(host) else secrets.token_urlsafe(24)
    return Desk(settings, glossary, reviewer=reviewer, token=token, hosts=hosts)


def serve(desk: Desk, host: str, port: int) -> None:  # pragma: no cover - the CLI's edge
    import uvicorn

    uvicorn.run(create_app(desk), host=host, port=port, log_level="warning", server_header=False)
