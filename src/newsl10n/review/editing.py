"""One reviewer's decision on one catalog entry, written the way a run writes: under the
catalog's lock, on what the file holds now, every other entry kept byte for byte.

The page an editor submits from was built from an earlier read of the file; a translator
may have changed the same entry in Poedit or a text editor since: its text, its comment,
its flags (an approval), its previous source. So a page carries one token of everything a
person can change in the entry (``Version.token``), and an edit is applied only when the
entry still has that token: otherwise nothing is written and the caller shows both
versions (optimistic concurrency, as ``store.commit`` does for runs). Of the fields the
page sends, only those the editor changed are written (``Edit``: None means untouched), so
a field the editor never touched cannot overwrite what the file holds.

A saved entry is human work: its machine fingerprint goes, so ``--retranslate`` never
replaces it. The text itself must be one the catalog can hold (``text_refusal``): gettext
wants a translation to begin and end with a newline exactly when its msgid does, for
every plural form, so the desk fits those newlines or refuses the text with the reason.
"""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

import polib

from newsl10n import qa
from newsl10n.catalog import fingerprint, powrite, store
from newsl10n.catalog.entry import FUZZY, EntryState, live, state
from newsl10n.glossary.model import Glossary


class SaveOutcome(StrEnum):
    SAVED = "saved"
    UNCHANGED = "unchanged"  # the entry already was exactly that: nothing written
    CONFLICT = "conflict"  # the entry changed since the page was loaded: nothing written
    MISSING = "missing"  # no live entry with that msgctxt (any more): nothing written
    REFUSED = "refused"  # a text the catalog cannot hold (``text_refusal``): nothing written


# ---------------------------------------------------------------- what a page saw


def field_digest(text: str) -> str:
    """A short digest of one field as a page showed it (what a form sends back)."""
    return fingerprint.digest(text)


def texts_digest(texts: Sequence[str]) -> str:
    """The digest of a translation's text: the msgstr, or every plural form in order (a
    singular entry's is the digest of its msgstr)."""
    return field_digest("\x00".join(texts))


def one_line(comment: str) -> str:
    """A translator comment as a one-line form field shows it."""
    return " ".join(comment.split())


def comment_digest(comment: str) -> str:
    """The digest of a comment as the form shows it: a multi-line comment sent back
    unchanged on one line is the same comment."""
    return field_digest(one_line(comment))


def texts_of(entry: polib.POEntry) -> tuple[str, ...]:
    """The translation: (msgstr,) or the plural forms in order."""
    if entry.msgid_plural:
        return tuple(str(entry.msgstr_plural[k]) for k in sorted(entry.msgstr_plural))
    return (str(entry.msgstr),)


@dataclass(frozen=True)
class Version:
    """Everything a person can change in an entry, and the source it translates, as the
    file holds it: what a page's token covers and what a conflict shows."""

    msgid: str
    msgid_plural: str
    texts: tuple[str, ...]  # (msgstr,) or the plural forms in order
    comment: str  # the translator comment (``# ``)
    flags: tuple[str, ...]
    previous: tuple[str, str, str]  # ``#|`` msgctxt, msgid, msgid_plural ("" when none)
    state: EntryState  # shown, not part of the token (it follows from the fields)

    @classmethod
    def of(cls, entry: polib.POEntry) -> Version:
        return cls(
            msgid=entry.msgid,
            msgid_plural=entry.msgid_plural or "",
            texts=texts_of(entry),
            comment=entry.tcomment or "",
            flags=tuple(entry.flags),
            previous=(
                entry.previous_msgctxt or "",
                entry.previous_msgid or "",
                entry.previous_msgid_plural or "",
            ),
            state=state(entry),
        )

    @property
    def token(self) -> str:
        """One digest of every field above but the state: any change to the entry (a
        comment added, the fuzzy flag cleared, a flag set, the text) changes it."""
        fields = [self.msgid, self.msgid_plural, self.texts, self.comment, self.flags]
        return field_digest(json.dumps([*fields, self.previous], ensure_ascii=False))

    @property
    def plural(self) -> bool:
        return bool(self.msgid_plural)


def entry_token(entry: polib.POEntry) -> str:
    """The token a page carries for ``entry`` (``Version.token``)."""
    return Version.of(entry).token


# ---------------------------------------------------------------- text the catalog can hold

CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def text_problem(text: str) -> str:
    """Why ``text`` cannot be saved, or "": a NUL ends the string in the compiled .mo
    (msgfmt -c says nothing) and other control characters are never news text."""
    found = CONTROL.search(text.replace("\r\n", "\n"))
    if found is None:
        return ""
    return f"the text holds a control character (U+{ord(found.group()):04X}); remove it"


def fit_newlines(msgid: str, text: str) -> str:
    """``text`` beginning and ending with a newline exactly when ``msgid`` does, as
    ``msgfmt -c`` demands of every msgstr and plural form (an Enter at the end of a
    textarea must not break the catalog). Blank text is refused before (``text_refusal``)."""
    if not text:
        return text
    head = "\n" if msgid.startswith("\n") else ""
    tail = "\n" if msgid.endswith("\n") else ""
    return head + text.strip("\n") + tail


def text_refusal(msgid: str, texts: Sequence[str]) -> str:
    """Why ``texts`` (a msgstr, or every plural form) cannot be the translation of
    ``msgid``, or "". Only spaces or line breaks cannot be fitted to gettext's newline
    rule and are never a translation; plural forms are all translated or all empty (an
    empty form breaks msgfmt -c when the msgid ends in a newline, and a reader's "5
    photos" would print nothing)."""
    many = len(texts) > 1
    for number, text in enumerate(texts):
        what = f"plural form {number}" if many else "the text"
        problem = text_problem(text)
        if problem:
            return problem.replace("the text", what, 1)
        if text and not text.strip():
            return (
                f"{what} holds only spaces or line breaks: write the translation, or empty "
                "the field to leave the entry untranslated"
            )
    if many and any(texts) and not all(texts):
        empty = next(n for n, text in enumerate(texts) if not text)
        return f"plural form {empty} is empty: translate every plural form, or leave them all empty"
    return ""


def shape_refusal(entry: polib.POEntry, count: int) -> str:
    """Why ``count`` texts cannot be the translation of ``entry``, or "": one msgstr, or
    exactly as many plural forms as the entry has (the header's nplurals)."""
    forms = len(texts_of(entry))
    if count == forms:
        return ""
    if entry.msgid_plural:
        return f"it has {forms} plural forms and the form sent {count} text(s); reload the page"
    return f"it has one translation and the form sent {count} plural forms; reload the page"


def fitted(msgid: str, texts: Sequence[str]) -> tuple[str, ...]:
    """The texts as they will be stored: CRLF as LF, newlines fitted to the msgid."""
    return tuple(fit_newlines(msgid, t.replace("\r\n", "\n")) for t in texts)


# ---------------------------------------------------------------- the edit


@dataclass(frozen=True)
class Edit:
    """What a reviewer decided for one entry; None fields were not touched on the page
    and keep what the file holds."""

    msgctxt: str
    token: str  # ``Version.token`` of the entry as the page showed it
    approve: bool  # clear the fuzzy flag; a plain save leaves it, or makes a new text fuzzy
    texts: tuple[str, ...] | None = None  # the msgstr, or every plural form in order
    comment: str | None = None  # the translator comment (``# ``)
    reviewer: str = ""  # becomes Last-Translator


@dataclass(frozen=True)
class EditResult:
    outcome: SaveOutcome
    current: Version | None = None  # the entry as the file now holds it (after a save)
    written: bool = False
    reason: str = ""  # why a text was refused


def find_entry(po: polib.POFile, msgctxt: str) -> polib.POEntry | None:
    return next((e for e in live(po) if (e.msgctxt or "") == msgctxt), None)


def apply_edit(
    path: Path, edit: Edit, lock_timeout: float = store.LOCK_TIMEOUT_SECONDS
) -> EditResult:
    """Change one entry of the catalog at ``path`` if it is still what the page showed.

    Under the lock the file is read again (strictly: a broken file raises CatalogError and
    is left alone); only that entry changes; the header's PO-Revision-Date and, with a
    reviewer, Last-Translator are updated; the file is written in its own style.
    """
    with store.locked(path, timeout=lock_timeout):
        snapshot = store.read(path)
        if snapshot.po is None:
            return EditResult(SaveOutcome.MISSING)
        po = copy.deepcopy(snapshot.po)  # the parsed original stays as the layout's key
        entry = find_entry(po, edit.msgctxt)
        if entry is None:
            return EditResult(SaveOutcome.MISSING)
        if entry_token(entry) != edit.token:
            return EditResult(SaveOutcome.CONFLICT, Version.of(entry))
        if edit.texts is not None:
            reason = shape_refusal(entry, len(edit.texts)) or text_refusal(entry.msgid, edit.texts)
            if reason:
                return EditResult(SaveOutcome.REFUSED, Version.of(entry), reason=reason)
        change(entry, edit)
        before = find_entry(snapshot.po, edit.msgctxt)
        if before is not None and powrite.entry_key(entry) == powrite.entry_key(before):
            return EditResult(SaveOutcome.UNCHANGED, Version.of(entry))
        if edit.reviewer:
            po.metadata["Last-Translator"] = edit.reviewer
        written = store.write_if_changed(po, path, snapshot.po, snapshot.data)
    return EditResult(SaveOutcome.SAVED, Version.of(entry), written)


def change(entry: polib.POEntry, edit: Edit) -> None:
    """Apply ``edit`` to ``entry``: the touched fields, then the decision. Approving
    settles the entry (not fuzzy, no previous source); saving a draft makes a new text
    fuzzy, and leaves an approval standing when the text is unchanged (a comment added to
    an approved entry does not undo the approval)."""
    before = texts_of(entry)
    if edit.texts is not None:
        texts = fitted(entry.msgid, edit.texts)
        if entry.msgid_plural:
            entry.msgstr_plural = dict(enumerate(texts))
        else:
            entry.msgstr = texts[0]
    if edit.comment is not None:
        entry.tcomment = edit.comment.replace("\r\n", "\n").strip()
    entry.comment = fingerprint.unstamp(entry.comment or "")  # a person's from now on
    if edit.approve:
        if FUZZY in entry.flags:
            entry.flags.remove(FUZZY)
        entry.previous_msgctxt = entry.previous_msgid = entry.previous_msgid_plural = None
    elif texts_of(entry) != before and any(texts_of(entry)) and FUZZY not in entry.flags:
        entry.flags.insert(0, FUZZY)


def check_text(
    po: polib.POFile, path: Path, msgctxt: str, texts: Sequence[str], glossary: Glossary
) -> list[qa.Finding]:
    """QA findings for ``texts`` as the translation of entry ``msgctxt`` of ``po`` (the
    catalog's languages apply, as ``newsl10n qa`` sees them)."""
    entry = find_entry(po, msgctxt)
    if entry is None or not any(texts) or len(texts) != len(texts_of(entry)):
        return []
    probe = polib.POFile(wrapwidth=0)
    probe.metadata = dict(po.metadata)
    trial = copy.deepcopy(entry)
    shaped = fitted(entry.msgid, texts)
    if entry.msgid_plural:
        trial.msgstr_plural = dict(enumerate(shaped))
    else:
        trial.msgstr = shaped[0]
    probe.append(trial)
    return qa.check_entries(probe, path, glossary)
