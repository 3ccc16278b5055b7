"""One reviewer's decision on one catalog entry, written the way a run writes: under the
catalog's lock, on what the file holds now, every other entry kept byte for byte.

The page an editor submits from was built from an earlier read of the file; a translator
may have saved the same entry in Poedit since. So an edit carries the digest of the msgstr
it was made against, and is applied only when the entry still holds that text: otherwise
nothing is written and the caller shows both versions (optimistic concurrency, as
``store.commit`` does for runs). A saved entry is human work: its machine fingerprint
is removed, so ``--retranslate`` never replaces it.
"""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

import polib

from newsl10n import qa
from newsl10n.catalog import fingerprint, powrite, store
from newsl10n.catalog.entry import FUZZY, live
from newsl10n.glossary.model import Glossary


class SaveOutcome(StrEnum):
    SAVED = "saved"
    UNCHANGED = "unchanged"  # the entry already was exactly that: nothing written
    CONFLICT = "conflict"  # the entry changed since the page was loaded: nothing written
    MISSING = "missing"  # no live entry with that msgctxt (any more): nothing written


@dataclass(frozen=True)
class Edit:
    """What a reviewer submitted for one entry."""

    msgctxt: str
    msgstr: str
    expected: str  # digest (``original_digest``) of the msgstr the page showed
    approve: bool  # clear the fuzzy flag; a plain save leaves (or makes) it fuzzy
    comment: str | None = None  # the translator comment (``# ``); None leaves it alone
    reviewer: str = ""  # becomes Last-Translator


@dataclass(frozen=True)
class EditResult:
    outcome: SaveOutcome
    current: str = ""  # the entry's msgstr in the file (after the edit when saved)
    entry: polib.POEntry | None = None  # the entry as the file now holds it
    written: bool = False


def original_digest(msgstr: str) -> str:
    """What a page carries of the msgstr it shows, to notice a save made since."""
    return fingerprint.digest(msgstr)


CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def text_problem(msgstr: str) -> str:
    """Why ``msgstr`` cannot be saved, or "": a NUL ends the string in the compiled .mo
    (msgfmt -c says nothing) and other control characters are never news text."""
    found = CONTROL.search(msgstr.replace("\r\n", "\n"))
    if found is None:
        return ""
    return f"the text holds a control character (U+{ord(found.group()):04X}); remove it"


def fit_newlines(msgid: str, msgstr: str) -> str:
    """``msgstr`` beginning and ending with a newline exactly when ``msgid`` does, as
    ``msgfmt -c`` demands (an Enter at the end of a textarea must not break the catalog)."""
    if not msgstr.strip("\n"):
        return msgstr
    head = "\n" if msgid.startswith("\n") else ""
    tail = "\n" if msgid.endswith("\n") else ""
    return head + msgstr.strip("\n") + tail


def find_entry(po: polib.POFile, msgctxt: str) -> polib.POEntry | None:
    return next((e for e in live(po) if (e.msgctxt or "") == msgctxt), None)


def apply_edit(
    path: Path, edit: Edit, lock_timeout: float = store.LOCK_TIMEOUT_SECONDS
) -> EditResult:
    """Change one entry of the catalog at ``path`` if it still holds what the page showed.

    Under the lock the file is read again (strictly: a broken file raises CatalogError and
    is left alone); only that entry changes; the header's PO-Revision-Date and, with a
    reviewer, Last-Translator are updated; the file is written in its own style.
    """
    text = edit.msgstr.replace("\r\n", "\n")  # browsers send CRLF inside a textarea
    with store.locked(path, timeout=lock_timeout):
        snapshot = store.read(path)
        if snapshot.po is None:
            return EditResult(SaveOutcome.MISSING)
        po = copy.deepcopy(snapshot.po)  # the parsed original stays as the layout's key
        entry = find_entry(po, edit.msgctxt)
        if entry is None or entry.msgid_plural:
            return EditResult(SaveOutcome.MISSING)
        if original_digest(entry.msgstr) != edit.expected:
            return EditResult(SaveOutcome.CONFLICT, entry.msgstr, entry)
        entry.msgstr = text = fit_newlines(entry.msgid, text)
        entry.comment = fingerprint.unstamp(entry.comment or "")
        if edit.comment is not None:
            entry.tcomment = edit.comment.replace("\r\n", "\n").strip()
        if edit.approve:
            if FUZZY in entry.flags:
                entry.flags.remove(FUZZY)
            entry.previous_msgctxt = entry.previous_msgid = None  # the change is settled
        elif text and FUZZY not in entry.flags:
            entry.flags.insert(0, FUZZY)
        before = find_entry(snapshot.po, edit.msgctxt)
        if before is not None and powrite.entry_key(entry) == powrite.entry_key(before):
            return EditResult(SaveOutcome.UNCHANGED, entry.msgstr, entry)
        if edit.reviewer:
            po.metadata["Last-Translator"] = edit.reviewer
        written = store.write_if_changed(po, path, snapshot.po, snapshot.data)
    return EditResult(SaveOutcome.SAVED, entry.msgstr, entry, written)


def check_text(
    po: polib.POFile, path: Path, msgctxt: str, msgstr: str, glossary: Glossary
) -> list[qa.Finding]:
    """QA findings for ``msgstr`` as the translation of entry ``msgctxt`` of ``po`` (the
    catalog's languages apply, as ``newsl10n qa`` sees them)."""
    entry = find_entry(po, msgctxt)
    if entry is None or not msgstr:
        return []
    probe = polib.POFile(wrapwidth=0)
    probe.metadata = dict(po.metadata)
    trial = copy.deepcopy(entry)
    trial.msgstr = fit_newlines(entry.msgid, msgstr.replace("\r\n", "\n"))
    probe.append(trial)
    return qa.check_entries(probe, path, glossary)
