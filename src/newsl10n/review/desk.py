"""The review desk: the review pages as a small local web app that writes decisions back.

``newsl10n review`` serves an index (articles × languages) and one page per article and
language: source | translation side by side with state badges, glossary terms
highlighted, QA findings inline, and one plain HTML form per entry (it works with
JavaScript off; ``desk.js`` only adds keyboard shortcuts). Every save goes through
``editing.apply_edit``: lock, re-read, change that one entry, keep every other byte; an
entry someone changed since the page was loaded is a conflict, never overwritten. The
bundle of that article and language is rebuilt after each save.

Safety: the app binds 127.0.0.1 unless told otherwise, and then wants a token on every
request; every POST needs the CSRF token; only languages and slugs of catalogs found under
``locales/`` are accepted (nothing from a request becomes a path); the Content-Security-
Policy allows scripts from the app only, never inline. Plain library code: no Prefect.
"""

from __future__ import annotations

import hmac
import ipaddress
import secrets
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, quote, urlencode

import polib
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.middleware import Middleware
from starlette.middleware.base import BaseHTTPMiddleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, PlainTextResponse, RedirectResponse, Response
from starlette.routing import Route

from newsl10n import __version__, qa
from newsl10n.catalog import fingerprint, store
from newsl10n.catalog.entry import EntryState, StateCounts, live
from newsl10n.config import Settings
from newsl10n.errors import Newsl10nError
from newsl10n.glossary.match import find_terms
from newsl10n.glossary.model import Glossary
from newsl10n.review import editing
from newsl10n.review.bundle import build_bundles
from newsl10n.review.findings import group_findings
from newsl10n.review.localized import LocalizedArticle, Unit, localize, text_direction
from newsl10n.review.pages import Marked, mark_text
from newsl10n.review.render import templates
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

    def catalogs(self) -> dict[tuple[str, str], Path]:
        """(language, slug) → catalog path: the only way a request reaches a file."""
        return {
            (lang, path.stem): path
            for lang, path in store.catalogs(self.settings.locales)
            if is_slug(path.stem) and is_slug(lang)
        }


# ---------------------------------------------------------------- the page model


@dataclass(frozen=True)
class DeskEntry:
    """One entry on the desk: what the page shows and the form carries."""

    number: int
    unit: Unit
    source: Marked
    translation: Marked
    findings: tuple[qa.Finding, ...]
    original: str  # digest of the msgstr as loaded (the form sends it back)
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


@dataclass(frozen=True)
class Form:
    """A submitted form shown again instead of the file's entry (conflict, confirmation)."""

    msgstr: str
    comment: str
    original: str  # what a resubmission is checked against
    confirm: bool = False  # approving needs the explicit second confirmation
    theirs: str | None = None  # a conflict: the entry's msgstr in the file now
    findings: tuple[qa.Finding, ...] = ()


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


def highlighter(glossary: Glossary) -> Callable[[str, str], list[tuple[int, int]]]:
    def highlight(text: str, lang: str) -> list[tuple[int, int]]:
        return [(m.start, m.span_end) for m in find_terms(text, glossary, lang)]

    return highlight


@dataclass(frozen=True)
class Page:
    article: LocalizedArticle
    entries: tuple[DeskEntry, ...]
    residue: tuple[Residue, ...]


def load_page(desk: Desk, lang: str, slug: str, path: Path) -> tuple[Page, polib.POFile]:
    """Read the catalog (strictly) and build the desk's model of it."""
    snapshot = store.read(path)
    if snapshot.po is None:
        raise Newsl10nError(f"{path}: no catalog")
    po = snapshot.po
    article = localize(po, slug=slug, lang=lang, path=path, root=desk.settings.root)
    by_ctxt = {e.msgctxt or "": e for e in live(po)}
    found: dict[str, list[qa.Finding]] = {}
    for finding in qa.check_entries(po, path, desk.glossary, lang):
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
                translation=mark_text(unit.translation, lang, highlight),
                findings=tuple(found.get(unit.id, ())),
                original=editing.original_digest(entry.msgstr),
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
    cells = []
    for (lang, slug), path in sorted(desk.catalogs().items(), key=lambda kv: (kv[0][1], kv[0][0])):
        try:
            po = store.load_catalog(path)
        except Newsl10nError as err:
            cells.append(DeskCell(lang, slug, 0, 0, 0, 0, 0, error=str(err)))
            continue
        if po is None:
            continue
        counts = StateCounts.of_entries(live(po))
        reviewed = counts.reviewed
        errors, warnings = qa.counts(qa.check_entries(po, path, desk.glossary, lang))
        total = counts.segments
        cells.append(DeskCell(lang, slug, total, reviewed, total - reviewed, errors, warnings))
    return cells


# ---------------------------------------------------------------- HTTP


def page_url(lang: str, slug: str, query: str = "") -> str:
    return f"/{quote(lang)}/{quote(slug)}" + (f"?{query}" if query else "")


def _html(name: str, status: int = 200, **values: Any) -> HTMLResponse:
    text = templates().get_template(name).render(generator=f"newsl10n {__version__}", **values)
    return HTMLResponse(text, status_code=status)


def _refuse(status: int, message: str) -> PlainTextResponse:
    return PlainTextResponse(f"{message}\n", status_code=status)


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
        fields = parse_qs(body.decode("utf-8"), keep_blank_values=True, max_num_fields=20)
    except (UnicodeDecodeError, ValueError):
        return None
    return {key: values[0] for key, values in fields.items()}


def create_app(desk: Desk) -> Starlette:
    """The desk as an ASGI app (uvicorn serves it; tests use Starlette's TestClient)."""

    def lookup(request: Request) -> tuple[str, str, Path] | None:
        lang, slug = request.path_params["lang"], request.path_params["slug"]
        path = desk.catalogs().get((lang, slug))
        return None if path is None else (lang, slug, path)

    def render_page(
        lang: str,
        slug: str,
        path: Path,
        view: View,
        *,
        status: int = 200,
        notices: Sequence[tuple[str, str]] = (),
        forms: Mapping[str, Form] | None = None,
        saved: str = "",
    ) -> Response:
        try:
            page, _po = load_page(desk, lang, slug, path)
        except Newsl10nError as err:
            return _refuse(500, str(err))
        shown = view.arrange(page.entries)
        pending = [e for e in View("all", view.order).arrange(page.entries) if e.needs_review]
        next_href = ""
        if pending:
            here = (
                ""
                if pending[0] in shown
                else page_url(lang, slug, View("review", view.order).query())
            )
            next_href = f"{here}#seg-{pending[0].unit.id}"
        if saved:
            done = next((e for e in page.entries if f"#{e.number}" == saved), None)
            if done is not None:
                errors = done.errors
                warnings = len(done.findings) - errors
                found = (
                    f"QA: {errors} error(s), {warnings} warning(s)"
                    if done.findings
                    else "QA: no findings"
                )
                notices = [("ok", f"saved {saved} ({done.label}) · {found}"), *notices]
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
            next_href=next_href,
            notices=list(notices),
            forms=forms or {},
            csrf=desk.csrf,
            reviewer=desk.reviewer,
            source_dir=text_direction(page.article.source.language),
            target_dir=text_direction(lang),
        )

    def index(request: Request) -> Response:  # plain functions: Starlette's thread pool
        cells = index_cells(desk)
        slugs = sorted({c.slug for c in cells})
        languages = sorted({c.lang for c in cells})
        by_key = {(c.slug, c.lang): c for c in cells}
        first = next((c for c in cells if c.needs_review and not c.error), None)
        return _html(
            "desk_index.html.j2",
            slugs=slugs,
            languages=languages,
            cells=by_key,
            total_segments=sum(c.segments for c in cells),
            total_reviewed=sum(c.reviewed for c in cells),
            first=first,
            page_url=page_url,
        )

    def next_pending(request: Request) -> Response:
        first = next((c for c in index_cells(desk) if c.needs_review and not c.error), None)
        if first is None:
            return RedirectResponse("/", status_code=303)
        return RedirectResponse(page_url(first.lang, first.slug, "show=review"), status_code=303)

    def article_page(request: Request) -> Response:
        found = lookup(request)
        if found is None:
            return _refuse(404, "no such catalog")
        lang, slug, path = found
        view = View.of(request.query_params)
        saved = request.query_params.get("saved", "")[:12]
        return render_page(lang, slug, path, view, saved=saved)

    async def save(request: Request) -> Response:
        found = lookup(request)
        if found is None:
            return _refuse(404, "no such catalog")
        lang, slug, path = found
        form = await read_form(request)
        if form is None:
            return _refuse(400, "expected a form (application/x-www-form-urlencoded, < 1 MB)")
        return await run_in_threadpool(decide, request, lang, slug, path, form)

    def decide(
        request: Request, lang: str, slug: str, path: Path, form: Mapping[str, str]
    ) -> Response:
        """Check, apply and answer one submitted form (file work: off the event loop)."""
        if not hmac.compare_digest(form.get("csrf", "").encode(), desk.csrf.encode()):
            return _refuse(
                403, "missing or invalid CSRF token (reload the page): nothing was changed"
            )
        ctxt, action = form.get("msgctxt", ""), form.get("action", "")
        if action not in ("save", "approve") or "msgstr" not in form or "original" not in form:
            return _refuse(400, "a form needs msgctxt, msgstr, original and action=save|approve")
        view = View.of(request.query_params)
        text = form["msgstr"].replace("\r\n", "\n")
        comment = form.get("comment")
        approve = action == "approve"
        try:
            current, po = load_page(desk, lang, slug, path)
        except Newsl10nError as err:
            return _refuse(500, str(err))
        shown = next((e for e in current.entries if e.unit.id == ctxt), None)
        if shown is None:
            return gone(lang, slug, path, view, ctxt, text)
        number = shown.number
        held = editing.find_entry(po, ctxt)
        if held is not None and held.msgid_plural:
            notice = (
                "error",
                f"#{number} has plural forms, which the desk does not edit: use a PO editor "
                "(Poedit); nothing was changed",
            )
            return render_page(lang, slug, path, view, status=422, notices=[notice])
        if comment is not None and " ".join(comment.split()) == shown.unit.translator_comment:
            comment = None  # shown on one line: an unchanged field keeps the comment's lines
        label = f"#{number}"
        findings = tuple(editing.check_text(po, path, ctxt, text, desk.glossary))
        errors = sum(f.severity == "error" for f in findings)
        problem = editing.text_problem(text) or editing.text_problem(comment or "")
        if problem:
            notice = ("error", f"{label}: {problem}: nothing was changed")
            again = Form(text, form.get("comment", ""), form["original"])
            return render_page(
                lang, slug, path, view, status=422, notices=[notice], forms={ctxt: again}
            )
        if approve and not text.strip():
            notice = ("error", f"{label}: an empty translation cannot be approved")
            again = Form(text, form.get("comment", ""), form["original"])
            return render_page(
                lang, slug, path, view, status=422, notices=[notice], forms={ctxt: again}
            )
        if approve and errors and form.get("confirm") != "errors":
            notice = (
                "error",
                f"{label}: QA found {errors} error{'s' if errors != 1 else ''} in this text; "
                "approve again to confirm, or correct it",
            )
            again = Form(
                text, form.get("comment", ""), form["original"], confirm=True, findings=findings
            )
            return render_page(
                lang, slug, path, view, status=422, notices=[notice], forms={ctxt: again}
            )
        edit = editing.Edit(ctxt, text, form["original"], approve, comment, desk.reviewer)
        try:
            result = editing.apply_edit(path, edit, lock_timeout=SAVE_LOCK_SECONDS)
        except Newsl10nError as err:
            return _refuse(409, f"{err}: nothing was changed")
        if result.outcome is editing.SaveOutcome.CONFLICT:
            notice = (
                "error",
                f"{label} was changed in the file since this page was loaded (another tool "
                "saved it): your text was not saved. Both versions are shown below",
            )
            again = Form(
                text,
                form.get("comment", ""),
                editing.original_digest(result.current),
                theirs=result.current,
                findings=findings,
            )
            return render_page(
                lang, slug, path, view, status=409, notices=[notice], forms={ctxt: again}
            )
        if result.outcome is editing.SaveOutcome.MISSING:
            return gone(lang, slug, path, view, ctxt, text)
        if result.written:
            rebuild_bundle(desk, lang, slug, path)
        return RedirectResponse(
            page_url(lang, slug, view.query(saved=label)) + f"#{after(current, ctxt, approve)}",
            status_code=303,
        )

    def gone(lang: str, slug: str, path: Path, view: View, ctxt: str, text: str) -> Response:
        """The entry is not (or no longer) in the file, e.g. a run changed its source since
        the page was loaded: the page as it is now, with the editor's text to copy."""
        notice = (
            "error",
            f"{ctxt!r} is no longer in {path.name} (its source sentence changed or it was "
            f"removed): nothing was changed. Your text: {text}",
        )
        return render_page(lang, slug, path, view, status=409, notices=[notice])

    async def script(request: Request) -> Response:
        return Response(desk_script(), media_type="text/javascript; charset=utf-8")

    routes = [
        Route("/", index, methods=["GET"]),
        Route("/next", next_pending, methods=["GET"]),
        Route("/static/desk.js", script, methods=["GET"]),
        Route("/{lang}/{slug}", article_page, methods=["GET"]),
        Route("/{lang}/{slug}", save, methods=["POST"]),
    ]
    return Starlette(routes=routes, middleware=[Middleware(Guard, desk=desk)])


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


def rebuild_bundle(desk: Desk, lang: str, slug: str, path: Path) -> None:
    """The bundle of that article and language, as ``newsl10n bundle`` builds it."""
    findings = group_findings(qa.check_catalog(path, desk.glossary, lang))
    build_bundles(
        desk.settings.locales,
        desk.settings.bundles,
        [lang],
        [slug],
        root=desk.settings.root,
        highlight=highlighter(desk.glossary),
        findings=findings,
    )


@cache
def desk_script() -> bytes:
    return resources.files("newsl10n").joinpath("templates/desk.js").read_bytes()


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
            return _refuse(403, "unexpected Host header")
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
        return _refuse(403, "this desk needs its access token (printed when it started)")


def make_desk(settings: Settings, glossary: Glossary, *, host: str, reviewer: str) -> Desk:
    """A desk for serving on ``host``: a token unless it is loopback."""
    hosts = frozenset(LOOPBACK | {host}) if is_loopback(host) else frozenset()
    token = "" if is_loopback(host) else secrets.token_urlsafe(24)
    return Desk(settings, glossary, reviewer=reviewer, token=token, hosts=hosts)


def serve(desk: Desk, host: str, port: int) -> None:  # pragma: no cover - the CLI's edge
    import uvicorn

    uvicorn.run(create_app(desk), host=host, port=port, log_level="warning", server_header=False)
