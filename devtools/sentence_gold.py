"""Score a sentence splitter on tests/fixtures/segmentation (other projects' own test data).

A case matches when the pieces equal the gold sentences (whitespace-normalised), or for
count-only cases (the npm ``sbd`` tests) when the number of pieces is right. Boundaries are
compared as offsets in the text with whitespace removed, so a false split (a boundary the
gold does not have) and a missed split are counted apart.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

FIXTURES = Path(__file__).parents[1] / "tests" / "fixtures" / "segmentation"

Splitter = Callable[[str, str], Sequence[str]]


@dataclass(frozen=True)
class Case:
    source: str
    lang: str
    text: str
    sentences: tuple[str, ...] | None  # None: only the count is known
    count: int


@dataclass
class Score:
    cases: int = 0
    exact: int = 0
    false_splits: int = 0
    missed_splits: int = 0
    failures: list[tuple[Case, list[str]]] = field(default_factory=list)

    @property
    def exact_rate(self) -> float:
        return self.exact / self.cases if self.cases else 0.0


def load_gold(path: Path = FIXTURES / "gold.jsonl") -> list[Case]:
    cases = []
    for line in path.read_text(encoding="utf-8").splitlines():
        row: dict[str, Any] = json.loads(line)
        sents = row.get("sentences")
        cases.append(
            Case(
                source=row["source"],
                lang=row["lang"],
                text=row["text"],
                sentences=tuple(sents) if sents is not None else None,
                count=len(sents) if sents is not None else int(row["count"]),
            )
        )
    return cases


def load_ospl(path: Path = FIXTURES / "ospl.txt") -> list[str]:
    return [ln for ln in path.read_text(encoding="utf-8").split("\n") if ln.strip()]


def _flat(text: str) -> str:
    return " ".join(text.split())


def boundaries(pieces: Sequence[str]) -> set[int]:
    """Offsets (in the text without whitespace) where a piece ends, the last one excluded."""
    ends, pos = set(), 0
    for piece in pieces[:-1]:
        pos += len("".join(piece.split()))
        ends.add(pos)
    return ends


def score(split: Splitter, cases: Sequence[Case]) -> Score:
    result = Score()
    for case in cases:
        got = [_flat(p) for p in split(case.text, case.lang) if p.strip()]
        result.cases += 1
        if case.sentences is None:
            ok = len(got) == case.count
            result.false_splits += max(0, len(got) - case.count)
            result.missed_splits += max(0, case.count - len(got))
        else:
            gold = [_flat(s) for s in case.sentences]
            ok = got == gold
            want, have = boundaries(gold), boundaries(got)
            result.false_splits += len(have - want)
            result.missed_splits += len(want - have)
        result.exact += ok
        if not ok:
            result.failures.append((case, got))
    return result


def score_document(split: Splitter, sentences: Sequence[str], lang: str = "en") -> Score:
    """One document of ``sentences`` joined by spaces: how many boundaries are found."""
    got = [_flat(p) for p in split(" ".join(sentences), lang) if p.strip()]
    want, have = boundaries([_flat(s) for s in sentences]), boundaries(got)
    return Score(
        cases=len(want),
        exact=len(want & have),
        false_splits=len(have - want),
        missed_splits=len(want - have),
    )
