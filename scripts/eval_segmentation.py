"""Compare sentence splitters on the gold in tests/fixtures/segmentation.

Prints, per splitter: exact matches on the gold cases (all, and those that are not
sentencex's own tests), false and missed splits, and the boundaries found in syntok's
one-sentence-per-line document. pySBD and syntok are measured when they are installed
(they are not dependencies); ``--failures NAME`` lists one splitter's misses::

    python scripts/eval_segmentation.py [--failures newsl10n|sentencex|pysbd|syntok]
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "src"), str(ROOT)]

from devtools.sentence_gold import (  # noqa: E402
    Score,
    Splitter,
    load_gold,
    load_ospl,
    score,
    score_document,
)
from newsl10n.source.segment import split_sentences  # noqa: E402


def _sentencex(text: str, lang: str) -> list[str]:
    from sentencex import segment

    return [s.strip() for s in segment(lang, text) if s.strip()]


def _pysbd(text: str, lang: str) -> list[str]:
    import pysbd  # type: ignore[import-not-found]

    try:
        seg = pysbd.Segmenter(language=lang, clean=False)
    except ValueError:
        seg = pysbd.Segmenter(language="en", clean=False)
    return [s.strip() for s in seg.segment(text) if s.strip()]


def _syntok(text: str, lang: str) -> list[str]:
    from syntok import segmenter  # type: ignore[import-not-found]

    return [
        "".join(t.spacing + t.value for t in sent).strip()
        for para in segmenter.analyze(text)
        for sent in para
    ]


SPLITTERS: dict[str, Splitter] = {
    "newsl10n": split_sentences,
    "sentencex": _sentencex,
    "pysbd": _pysbd,
    "syntok": _syntok,
}


def row(name: str, all_: Score, others: Score, doc: Score) -> str:
    return (
        f"| {name} | {all_.exact}/{all_.cases} ({all_.exact_rate:.1%}) "
        f"| {others.exact_rate:.1%} | {all_.false_splits} | {all_.missed_splits} "
        f"| {doc.exact}/{doc.cases} ({doc.exact_rate:.1%}), {doc.false_splits} false |"
    )


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--failures", help="list the cases this splitter gets wrong")
    args = parser.parse_args(argv)
    gold, ospl = load_gold(), load_ospl()
    others = [c for c in gold if not c.source.startswith("sentencex:")]
    print(f"{len(gold)} cases in {len({c.lang for c in gold})} languages; document: {len(ospl)}")
    print("| splitter | exact | exact, not sentencex's tests | false splits | missed | document |")
    print("|---|---|---|---|---|---|")
    for name, split in SPLITTERS.items():
        try:
            scores = score(split, gold), score(split, others), score_document(split, ospl)
        except ImportError:
            print(f"| {name} | not installed |")
            continue
        print(row(name, *scores))
        if args.failures == name:
            for case, got in scores[0].failures:
                print(f"\n[{case.source} {case.lang}] {case.text}")
                print(f"  want: {list(case.sentences) if case.sentences else case.count}")
                print(f"  got:  {got}")


if __name__ == "__main__":
    main()
