"""Rebuild tests/fixtures/real_english/wordnet-glosses.txt from Debian's wordnet-base.

Real English written by people (WordNet 3.0 glosses, Princeton's permissive licence) in
which the project's glossary terms occur: selected mechanically, the first 40 noun glosses
containing an English glossary term, in file order. Usage:
    apt-get install wordnet-base && python scripts/build_wordnet_fixture.py
"""

from __future__ import annotations

from pathlib import Path

from newsl10n.glossary.load import load_glossary
from newsl10n.glossary.match import find_terms

ROOT = Path(__file__).resolve().parents[1]
SOURCE = Path("/usr/share/wordnet/data.noun")
TARGET = ROOT / "tests" / "fixtures" / "real_english" / "wordnet-glosses.txt"


def main() -> None:
    glossary = load_glossary(ROOT / "glossaries")
    glosses: list[str] = []
    for line in SOURCE.read_text(encoding="utf-8").splitlines():
        if line.startswith(" ") or "| " not in line:
            continue  # the licence header
        gloss = line.split("| ", 1)[1].strip()
        text = gloss.split('; "', 1)[0].strip()  # the definition, without usage examples
        if find_terms(text, glossary, "en") and text not in glosses:
            glosses.append(text[0].upper() + text[1:] + ".")
        if len(glosses) == 40:
            break
    body = "\n\n".join(glosses)
    TARGET.write_text(f"Definitions From WordNet\n\n{body}\n", encoding="utf-8")


if __name__ == "__main__":
    main()
