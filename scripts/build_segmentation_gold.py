"""Build tests/fixtures/segmentation/gold.jsonl from other projects' own sentence tests.

The gold is what each project's test suite asserts, taken as data (not code): pySBD's
per-language golden rules, sentencex's unit tests, the npm ``sbd`` package's tests (they
assert a sentence count, not the pieces) and syntok's one-sentence-per-line document
(written separately as ``ospl.txt``). Sources and licences: tests/fixtures/segmentation/README.md.

Get the sources with ``pip download --no-deps --no-binary :all: syntok`` (sdist),
``npm pack sbd``, and checkouts of github.com/nipunsadvilkar/pySBD and
github.com/santhoshtr/sentencex (pySBD's sdist carries no tests, and pip cannot fetch
sentencex's without a Rust toolchain for its metadata); unpack them anywhere::

    python scripts/build_segmentation_gold.py --pysbd DIR --sentencex DIR --sbd DIR --syntok DIR

Cases whose text holds a paragraph break ("\\n\\n") are left out: our blocks never do.
Single line breaks are hard wraps, and become spaces (as ``join_lines`` does).
"""

from __future__ import annotations

import argparse
import ast
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

OUT = Path(__file__).parents[1] / "tests" / "fixtures" / "segmentation"

# pySBD test file stem -> ISO 639-1 code.
PYSBD_LANGS = {
    "amharic": "am", "arabic": "ar", "armenian": "hy", "bulgarian": "bg", "burmese": "my",
    "chinese": "zh", "danish": "da", "deutsch": "de", "dutch": "nl", "english": "en",
    "french": "fr", "greek": "el", "hindi": "hi", "italian": "it", "japanese": "ja",
    "kazakh": "kk", "marathi": "mr", "persian": "fa", "polish": "pl", "russian": "ru",
    "slovak": "sk", "spanish": "es", "urdu": "ur",
}  # fmt: skip


def _literal(node: ast.expr) -> Any:
    """A test case as data; ``pytest.param(text, expected, ...)`` gives its first two."""
    if isinstance(node, ast.Call) and node.args:
        return tuple(ast.literal_eval(a) for a in node.args[:2])
    return ast.literal_eval(node)


def python_cases(path: Path, keep: re.Pattern[str]) -> Iterator[tuple[str, list[str]]]:
    """(text, sentences) pairs from module-level lists whose name matches ``keep``."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in tree.body:
        if not (isinstance(node, ast.Assign) and isinstance(node.value, ast.List)):
            continue
        name = node.targets[0].id if isinstance(node.targets[0], ast.Name) else ""
        if not keep.fullmatch(name):
            continue
        for element in node.value.elts:
            case = _literal(element)
            if (
                isinstance(case, tuple)
                and len(case) == 2
                and isinstance(case[0], str)
                and isinstance(case[1], list)
            ):
                yield case[0], [str(s) for s in case[1]]


_SBD_CASE = re.compile(
    r"var entry = (?P<q>[\"'])(?P<text>.*?)(?P=q);\s*var sentences = tokenizer\.sentences\("
    r"entry(?P<options>[^)]*)\);.*?sentences\.length, (?P<n>\d+)\)",
    re.DOTALL,
)


def sbd_cases(path: Path) -> Iterator[tuple[str, int]]:
    """(text, expected count) pairs from an ``sbd`` mocha test file, default options only
    (newline and HTML boundaries are options our blocks never need)."""
    source = path.read_text(encoding="utf-8")
    for match in _SBD_CASE.finditer(source):
        if match["options"].strip() not in ("", '{ "sanitize": false }'):
            continue
        text = json.loads('"' + match["text"].replace('\\"', '"').replace('"', '\\"') + '"')
        yield text, int(match["n"])


def _flat(text: str) -> str:
    return " ".join(text.split())


def build(args: argparse.Namespace) -> tuple[list[dict[str, Any]], list[str]]:
    rows: list[dict[str, Any]] = []
    seen: set[tuple[str, str]] = set()

    def add(source: str, lang: str, text: str, expected: list[str] | int) -> None:
        if "\n\n" in text or not text.strip():
            return
        key = (lang, _flat(text))
        if key in seen:  # sentencex copied pySBD's golden rules; keep the first owner
            return
        seen.add(key)
        row: dict[str, Any] = {"source": source, "lang": lang, "text": _flat(text)}
        if isinstance(expected, int):
            row["count"] = expected
        else:
            row["sentences"] = [_flat(s) for s in expected if s.strip()]
        rows.append(row)

    keep_pysbd = re.compile(r"(?!.*(CLEAN|PDF)).*TEST_(CASES|DATA)")
    for path in sorted((args.pysbd / "tests" / "lang").glob("test_*.py")):
        lang = PYSBD_LANGS.get(path.stem.removeprefix("test_"))
        if lang:
            for text, sents in python_cases(path, keep_pysbd):
                add(f"pysbd:tests/lang/{path.name}", lang, text, sents)
    for path in sorted((args.sentencex / "test" / "unit").glob("test_*.py")):
        lang = path.stem.removeprefix("test_")
        if len(lang) == 2:
            for text, sents in python_cases(path, re.compile("tests")):
                add(f"sentencex:test/unit/{path.name}", lang, text, sents)
    for path in sorted((args.sbd / "test").glob("*.js")):
        for text, count in sbd_cases(path):
            add(f"sbd:test/{path.name}", "en", text, count)

    source = (args.syntok / "syntok" / "segmenter_test.py").read_text(encoding="utf-8")
    tree = ast.parse(source)
    ospl = next(
        ast.literal_eval(n.value)
        for n in tree.body
        if isinstance(n, ast.Assign) and getattr(n.targets[0], "id", "") == "OSPL"
    )
    return rows, ospl.split("\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    for name in ("pysbd", "sentencex", "sbd", "syntok"):
        parser.add_argument(f"--{name}", type=Path, required=True)
    args = parser.parse_args()
    rows, ospl = build(args)
    OUT.mkdir(parents=True, exist_ok=True)
    with (OUT / "gold.jsonl").open("w", encoding="utf-8") as out:
        for row in rows:
            out.write(json.dumps(row, ensure_ascii=False) + "\n")
    (OUT / "ospl.txt").write_text("\n".join(ospl) + "\n", encoding="utf-8")
    langs = sorted({r["lang"] for r in rows})
    print(f"{len(rows)} cases in {len(langs)} languages; ospl.txt: {len(ospl)} sentences")


if __name__ == "__main__":
    main()
