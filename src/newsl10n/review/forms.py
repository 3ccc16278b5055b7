"""A form the review desk received, and the decision on it: pure functions, no I/O.

A page's form for one entry carries, besides the editor's text, comment and button:

- ``token``: ``editing.Version.token`` of the entry as the page showed it (its text,
  plural forms, translator comment, flags, previous source);
- ``original`` and ``original_comment``: digests of the text and of the comment as the
  page showed them, so the desk can tell which fields the editor touched.

``judge`` compares a ``Submission`` with the entry the file holds now and returns one
``Decision``: save (an ``editing.Edit`` with only the touched fields), conflict (the file's
version, to show beside the editor's), refuse (with the reason; the form is shown again)
or missing (the entry is gone), or done (the file already holds what the form asks for:
it was sent twice). The desk does the I/O around it; ``apply_edit`` checks the
token again under the catalog's lock.
"""

from __future__ import annotations

import copy
import itertools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import polib

from newsl10n import qa
from newsl10n.catalog import powrite
from newsl10n.review.editing import (
    Edit,
    Version,
    change,
    comment_digest,
    shape_refusal,
    text_problem,
    text_refusal,
    texts_digest,
)

ACTIONS = ("save", "approve")


def text_field(number: int | None) -> str:
    """The form field of the msgstr (None) or of plural form ``number``."""
    return "msgstr" if number is None else f"msgstr.{number}"


@dataclass(frozen=True)
class Submission:
    """One submitted entry form, as sent (CRLF already LF)."""

    msgctxt: str
    action: str  # "save" or "approve"
    texts: tuple[str, ...]  # the msgstr, or every plural form in order
    plural: bool  # sent as plural forms (``msgstr.0``…)
    comment: str | None  # None: the form had no comment field
    token: str
    original: str  # digest of the text the page showed
    original_comment: str  # digest of the comment the page showed
    confirm: bool = False  # the second "approve despite QA errors"

    @property
    def approve(self) -> bool:
        return self.action == "approve"

    @property
    def texts_touched(self) -> bool:
        return texts_digest(self.texts) != self.original

    @property
    def comment_touched(self) -> bool:
        return self.comment is not None and comment_digest(self.comment) != self.original_comment


def parse_form(form: Mapping[str, str]) -> Submission | str:
    """The submission in ``form``, or what is wrong with it (a page's form never is)."""
    action = form.get("action", "")
    needed = ("msgctxt", "token", "original")
    if action not in ACTIONS or any(name not in form for name in needed):
        return "a form needs msgctxt, token, original, msgstr and action=save|approve"
    plural = text_field(0) in form
    if plural:
        count = next(n for n in itertools.count() if text_field(n) not in form)
        texts = tuple(form[text_field(n)] for n in range(count))
    elif "msgstr" in form:
        texts = (form["msgstr"],)
    else:
        return "a form needs msgctxt, token, original, msgstr and action=save|approve"
    comment = form.get("comment")
    return Submission(
        msgctxt=form["msgctxt"],
        action=action,
        texts=tuple(t.replace("\r\n", "\n") for t in texts),
        plural=plural,
        comment=None if comment is None else comment.replace("\r\n", "\n"),
        token=form["token"],
        original=form["original"],
        original_comment=form.get("original_comment", ""),
        confirm=form.get("confirm") == "errors",
    )


# ---------------------------------------------------------------- decisions


@dataclass(frozen=True)
class Save:
    edit: Edit


@dataclass(frozen=True)
class Conflict:
    """The entry changed since the page was loaded: ``theirs`` is the file's version."""

    theirs: Version


@dataclass(frozen=True)
class Refuse:
    reason: str
    confirm: bool = False  # a second approval would be accepted (QA errors only)
    status: int = 422


@dataclass(frozen=True)
class Missing:
    """No live entry with that msgctxt (a run changed its source, or it was removed)."""


@dataclass(frozen=True)
class Done:
    """The file already holds what the form asks for (the form was sent twice)."""


Decision = Save | Conflict | Refuse | Missing | Done


def already_saved(sub: Submission, entry: polib.POEntry) -> bool:
    """Would the form, applied whole (its texts and comment as sent, its action), leave
    ``entry`` as it is? Then a changed token means the form was sent before (a double
    click), not that another tool's text would be lost: saying "not saved" would be
    untrue. A form whose texts the page did not show fails this (its texts differ)."""
    if text_refusal(entry.msgid, sub.texts) or shape_refusal(entry, len(sub.texts)):
        return False
    trial = copy.deepcopy(entry)
    edit = Edit(sub.msgctxt, sub.token, sub.approve, sub.texts, sub.comment)
    change(trial, edit)
    return powrite.entry_key(trial) == powrite.entry_key(entry)


def judge(
    sub: Submission,
    entry: polib.POEntry | None,
    findings: Sequence[qa.Finding] = (),
    reviewer: str = "",
) -> Decision:
    """What to do with ``sub`` given the ``entry`` the file holds now and the QA
    ``findings`` of the submitted text. Checked in this order: the entry is there; the
    form's shape fits it (one msgstr or its plural forms); it is unchanged since the page
    was loaded (the whole entry, not only its text), or else the file already holds what
    the form asks for (sent twice: done, once the checks below pass); the touched text and
    comment can be stored; an approval has a text and, over QA errors, a confirmation."""
    if entry is None:
        return Missing()
    now = Version.of(entry)
    if sub.plural != now.plural:
        what = "has plural forms" if now.plural else "has no plural forms"
        return Refuse(f"it {what}, unlike the form sent: reload the page; nothing was changed")
    shape = shape_refusal(entry, len(sub.texts))
    if shape:
        return Refuse(f"{shape}; nothing was changed")
    stale = sub.token != now.token
    if stale and not already_saved(sub, entry):
        return Conflict(now)
    texts = sub.texts if sub.texts_touched else now.texts
    problem = text_refusal(entry.msgid, sub.texts) if sub.texts_touched else ""
    if not problem and sub.comment_touched:
        problem = text_problem(sub.comment or "").replace("the text", "the comment", 1)
    if problem:
        return Refuse(f"{problem}: nothing was changed")
    if sub.approve and not any(t.strip() for t in texts):
        return Refuse("an empty translation cannot be approved")
    errors = sum(f.severity == "error" for f in findings)
    if sub.approve and errors and not sub.confirm:
        return Refuse(
            f"QA found {errors} error{'s' if errors != 1 else ''} in this text; approve "
            "again to confirm, or correct it",
            confirm=True,
        )
    if stale:  # sent twice: the first one saved it (the checks above passed it too)
        return Done()
    edit = Edit(
        msgctxt=sub.msgctxt,
        token=sub.token,
        approve=sub.approve,
        texts=sub.texts if sub.texts_touched else None,
        comment=sub.comment if sub.comment_touched else None,
        reviewer=reviewer,
    )
    return Save(edit)
