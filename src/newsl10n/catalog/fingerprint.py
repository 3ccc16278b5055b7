"""What newsl10n itself wrote into an entry, recorded in the entry, so human work is known.

A fuzzy flag does not say who wrote a msgstr: Weblate's "needs editing" and Poedit's
"needs work" leave a translator's draft fuzzy. So every machine msgstr newsl10n writes gets
an extracted-comment line naming the engine and model and a hash of that msgstr::

    #. newsl10n-mt: argos translate-en_de 1.0 sha256:3f9a2c1b04d5e6f7

``#.`` lines travel with the file: msgcat, msgattrib, msgcat-wrapping editors (Poedit),
translate-toolkit (Weblate) and polib keep them. An entry whose msgstr no longer matches
its line is a person's. Tools that replace extracted comments (``msgmerge`` with a
template) drop the line, and then the entry counts as human work: the safe side.
"""

from __future__ import annotations

import hashlib
import re

import polib

PREFIX = "newsl10n-mt: "
_DIGITS = 16  # 64 bits: enough to tell an edit from the original, short enough to read
_LINE = re.compile(rf"^{re.escape(PREFIX)}(?P<model>.*) sha256:(?P<digest>[0-9a-f]{{16,64}})$")


def digest(msgstr: str) -> str:
    return hashlib.sha256(msgstr.encode("utf-8")).hexdigest()[:_DIGITS]


def line(model: str, msgstr: str) -> str:
    """The comment line for machine output ``msgstr`` made by ``model``."""
    label = " ".join(model.split()) or "unknown"
    return f"{PREFIX}{label} sha256:{digest(msgstr)}"


def is_line(text: str) -> bool:
    return text.startswith(PREFIX) and _LINE.match(text) is not None


def recorded(entry: polib.POEntry) -> str | None:
    """The digest the entry's fingerprint line records, or None when it has none."""
    for text in (entry.comment or "").split("\n"):
        match = _LINE.match(text) if text.startswith(PREFIX) else None
        if match:
            return match.group("digest")
    return None


def is_machine(entry: polib.POEntry) -> bool:
    """True when the msgstr is still exactly what newsl10n wrote and nobody reviewed it:
    fuzzy, singular, and matching its fingerprint. Everything else is human work."""
    if "fuzzy" not in entry.flags or entry.msgid_plural or not entry.msgstr:
        return False
    found = recorded(entry)
    full = hashlib.sha256(entry.msgstr.encode("utf-8")).hexdigest()
    return found is not None and full.startswith(found)


def stamp(comment: str, model: str, msgstr: str) -> str:
    """``comment`` with its fingerprint line replaced by (or extended with) one for
    ``msgstr``; no line at all when there is no msgstr."""
    lines = [t for t in (comment.split("\n") if comment else []) if not is_line(t)]
    if msgstr:
        lines.append(line(model, msgstr))
    return "\n".join(lines)


# The model's own confidence in a machine msgstr: CTranslate2's score of the hypothesis
# (a length-penalised log-probability, higher is surer), written next to the fingerprint
# so a reviewer can start with what the model itself doubted. Only meaningful while the
# entry is machine output (``is_machine``); a person's save drops it with the fingerprint.
SCORE_PREFIX = "newsl10n-score: "
_SCORE = re.compile(rf"^{re.escape(SCORE_PREFIX)}(?P<score>-?\d+(?:\.\d+)?)$")


def score_line(score: float) -> str:
    return f"{SCORE_PREFIX}{score:.4f}"


def recorded_score(entry: polib.POEntry) -> float | None:
    """The score the entry's comment records, or None."""
    for text in (entry.comment or "").split("\n"):
        match = _SCORE.match(text) if text.startswith(SCORE_PREFIX) else None
        if match:
            return float(match.group("score"))
    return None


def unstamp(comment: str) -> str:
    """``comment`` without the fingerprint and score lines: what a person's edit leaves, so
    the entry is human work from then on (``--retranslate`` never touches it)."""
    lines = comment.split("\n") if comment else []
    return "\n".join(t for t in lines if not is_line(t) and not t.startswith(SCORE_PREFIX))
