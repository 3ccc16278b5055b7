"""Apertium rus-ukr made usable for tests, and a replay of what it said.

Debian's apertium-rus-ukr 0.2.1-4 segfaults in its ``apertium-tagger`` stage (both
ways: rus-ukr and ukr-rus), and the ``apertium`` script still exits 0, handing back the
input. Replacing that stage by ``cg-proc -1 -n`` (the constraint grammar's first reading
of each word, which is what the tagger would pick among) in a copy of the mode file, used
through ``apertium -d DIR``, gives real Ukrainian (and Russian).

``python -m tests.support.rus_ukr`` re-records ``tests/fixtures/ru_cases/transcript.json``
(every input the glossary enforcement sends the repaired pair for ``visit.txt``, with its
output), which ``Replay`` serves where the pair is not installed.
"""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Sequence
from pathlib import Path

from newsl10n.engines.base import Engine

STOCK_MODE = Path("/usr/share/apertium/modes/rus-ukr.mode")
MODES = ("rus-ukr", "ukr-rus")  # the same package, the same broken tagger both ways
INSTALL = "apt-get install apertium apertium-rus-ukr"
FIXTURES = Path(__file__).parents[1] / "fixtures" / "ru_cases"
ARTICLE = FIXTURES / "visit.txt"
TRANSCRIPT = FIXTURES / "transcript.json"

_TAGGER = re.compile(r"apertium-tagger\s+-g\s+\$2\s+'[^']*'")
_GRAMMAR = re.compile(r"cg-proc\s+-w\s+('[^']*\.rlx\.bin')")


def installed() -> bool:
    return shutil.which("apertium") is not None and STOCK_MODE.is_file()


def repaired_datadir(dest: Path, stock: Path = STOCK_MODE) -> Path:
    """A folder for ``apertium -d`` with the tagger stage of rus-ukr (and of ukr-rus, when
    installed next to it) replaced by ``cg-proc -1 -n``."""
    (dest / "modes").mkdir(parents=True, exist_ok=True)
    for name in MODES:
        path = stock.with_name(f"{name}.mode")
        if name != stock.stem and not path.is_file():
            continue
        mode = path.read_text(encoding="utf-8")
        grammar = _GRAMMAR.search(mode)
        if grammar is None or _TAGGER.search(mode) is None:
            raise ValueError(f"{path}: not a mode these tests know how to repair")
        repaired = _TAGGER.sub(f"cg-proc -1 -n -w {grammar.group(1)}", mode, count=1)
        (dest / "modes" / path.name).write_text(repaired, encoding="utf-8")
    return dest


class Replay:
    """An engine that answers from a transcript of the real pair (unknown input: KeyError,
    so a change to what protect sends shows up instead of passing silently)."""

    name = "apertium"
    glossary_strategies: tuple[str, ...] = ("plain", "braces", "letters")

    def __init__(self, transcript: Path = TRANSCRIPT) -> None:
        self.answers: dict[str, str] = json.loads(transcript.read_text(encoding="utf-8"))

    def model_version(self, source: str, target: str) -> str:
        return "apertium rus-ukr (replayed)"

    def translate(self, texts: Sequence[str], source: str, target: str) -> list[str]:
        return [self.answers[text] for text in texts]


class Recording:
    """Wraps an engine and keeps every input with its output."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.name = engine.name
        self.glossary_strategies = getattr(engine, "glossary_strategies", ())
        self.answers: dict[str, str] = {}

    def model_version(self, source: str, target: str) -> str:
        return self.engine.model_version(source, target)

    def translate(self, texts: Sequence[str], source: str, target: str) -> list[str]:
        out = self.engine.translate(texts, source, target)
        self.answers.update(zip(texts, out, strict=True))
        return out


def sentences() -> list[str]:
    """The article's segments, as the pipeline cuts them."""
    from newsl10n.source.article import read_article
    from newsl10n.source.segment import segment_blocks

    return [s.text for s in segment_blocks(read_article(ARTICLE).blocks, "ru").segments]


def record(workdir: Path) -> None:
    from newsl10n.engines.apertium import ApertiumEngine
    from newsl10n.glossary.enforce import translate_with_glossary
    from newsl10n.glossary.load import load_glossary

    glossary = load_glossary(Path(__file__).parents[2] / "glossaries")
    engine = Recording(ApertiumEngine(datadir=repaired_datadir(workdir)))
    translate_with_glossary(engine, sentences(), "ru", "uk", glossary)
    TRANSCRIPT.write_text(
        json.dumps(engine.answers, ensure_ascii=False, indent=1, sort_keys=True) + "\n",
        encoding="utf-8",
    )


if __name__ == "__main__":
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        record(Path(tmp))
    print(f"wrote {TRANSCRIPT}")
