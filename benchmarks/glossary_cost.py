"""``make bench`` section 12: one 200-sentence article into German through ``newsl10n
translate`` (whole process) against the raw script, with an empty glossary and with the
project's glossary, the latter on its first run and on the next ones.

The benchmark model copies its input, so it never writes a glossary term's German form by
itself: every segment naming one fails its plain try, the worst case for enforcement. On
the first run each such segment is translated twice (plainly, then with the target form
written in); the run remembers which terms the model failed (``locales/.cache/
glossary-terms.json``), and from the second run on those segments are sent protected on
their first try. "Second run" here is the same article from empty catalogs with that file
kept, as a nightly batch meets new articles naming the same people and places.
"""

from __future__ import annotations

import shutil
from collections.abc import Sequence
from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from benchmarks.harness import Measured

SEGMENTS = 200
TARGET = "de"


def bench_glossary(
    work: Path, env: dict[str, str], model: Path, knobs: Any, runs: int = 1
) -> dict[str, Any]:
    from benchmarks import realsize_model
    from benchmarks.corpus import write_article
    from benchmarks.harness import (
        command,
        make_project,
        mismatches_in_catalog,
        run_child,
        worker_args,
        write_segments,
    )
    from newsl10n.catalog.cachefile import cache_path
    from newsl10n.glossary.learned import CACHE_NAME

    realsize_model.install_packages([("en", TARGET)], Path(env["ARGOS_PACKAGES_DIR"]))
    plain = make_project(work / "gl-none", knobs, [TARGET])
    named = make_project(work / "gl-names", knobs, [TARGET], glossary=True)
    name = f"bench-{SEGMENTS}.txt"
    for project in (plain, named):
        write_article(project / "source_articles" / name, SEGMENTS, seed=200)
    segments = work / "gl-segments.txt"
    texts = write_segments(plain / "source_articles" / name, segments)
    memory = cache_path(named / "locales", CACHE_NAME)
    protected = work / "gl-protected.txt"
    protected.write_text("\n".join(protected_inputs(texts, named)) + "\n", encoding="utf-8")

    def translate(project: Path) -> Measured:
        for old in (project / "locales").glob("**/*.po*"):
            old.unlink()  # catalogs and templates; the glossary memory stays
        shutil.rmtree(project / "bundles", ignore_errors=True)
        article = project / "source_articles" / name
        return run_child(command(project, "translate", str(article), "--to", TARGET), env)

    def raw(inputs: Path) -> Measured:
        payload = {
            "model": str(model),
            "input": str(inputs),
            "output": str(work / "gl-raw-out.txt"),
            "knobs": asdict(knobs),
        }
        return run_child(worker_args("raw", payload), env)

    found: dict[str, list[Measured]] = {
        "raw": [], "raw_protected": [], "empty": [], "first": [], "next": [],
    }  # fmt: skip
    for _ in range(runs):  # interleaved, so a burst of load hits each alike
        found["raw"].append(raw(segments))
        found["raw_protected"].append(raw(protected))
        found["empty"].append(translate(plain))
        memory.unlink(missing_ok=True)
        found["first"].append(translate(named))
        found["next"].append(translate(named))
    best = {k: min(v, key=lambda m: m.wall) for k, v in found.items()}
    catalog = plain / "locales" / TARGET / "LC_MESSAGES" / name.replace(".txt", ".po")
    rows = {
        k: {
            "wall": [round(m.wall, 2) for m in found[k]],
            "cpu": round(best[k].cpu, 2),
            "peak_mb": round(best[k].peak_mb),
            "ratio_wall": paired(found["raw"], found[k], "wall"),
            "ratio_cpu": paired(found["raw"], found[k], "cpu"),
            "ratio_fastest": round(best["raw"].wall / best[k].wall, 3),
        }
        for k in found
    }
    return {
        "segments": len(texts),
        "language": TARGET,
        "rows": rows,
        "wrong_empty": mismatches_in_catalog(catalog),
        "terms_learned": _failed_terms(memory),
        "next_vs_protected": paired(found["raw_protected"], found["next"], "wall"),
    }


def paired(raw: Sequence[Measured], runs: Sequence[Measured], what: str) -> float:
    """The median over the rounds of raw's ``what`` ("wall" or "cpu") over the row's in
    the same round.

    Why paired: the runs are interleaved (raw, then each row, round after round), and this
    machine's speed drifts by several percent within minutes. A ratio taken within a round
    compares runs made under the same drift, and the median leaves out one lucky or
    unlucky round (docs/performance.md, "Benchmark method")."""
    from statistics import median

    ratios = [
        float(getattr(r, what)) / float(getattr(m, what)) for r, m in zip(raw, runs, strict=True)
    ]
    return round(float(median(ratios)), 3)


def protected_inputs(texts: list[str], project: Path) -> list[str]:
    """What the model is sent from the second run on: each segment as it goes in the first
    engine call once the terms the model does not write are known (a copying engine
    stands in for the model; it never writes a German form by itself either)."""
    from newsl10n.glossary.enforce import translate_with_glossary
    from newsl10n.glossary.learned import LearnedTerms
    from newsl10n.glossary.load import load_glossary
    from newsl10n.glossary.model import Glossary

    class Copying:
        name = "copy"

        def __init__(self) -> None:
            self.sent: list[list[str]] = []

        def model_version(self, source: str, target: str) -> str:
            return "copy"

        def translate(self, texts: Sequence[str], source: str, target: str) -> list[str]:
            self.sent.append(list(texts))
            return list(texts)

    glossary: Glossary = load_glossary(project / "glossaries")
    learned = LearnedTerms(glossary)  # in memory only
    translate_with_glossary(Copying(), texts, "en", TARGET, glossary, learned=learned)
    engine = Copying()
    translate_with_glossary(engine, texts, "en", TARGET, glossary, learned=learned)
    return engine.sent[0]


def _failed_terms(memory: Path) -> int:
    import json

    data = json.loads(memory.read_text(encoding="utf-8"))["data"]
    return sum(len(scope["failed"]) for scope in data["scopes"].values())


def render(found: dict[str, Any]) -> list[str]:
    """Section 12 of the report."""
    from benchmarks.harness import table

    labels = {
        "raw": "raw script",
        "raw_protected": "raw script over the protected inputs (German forms written in)",
        "empty": "`newsl10n translate`, empty glossary",
        "first": "`newsl10n translate`, project glossary, first run",
        "next": "`newsl10n translate`, project glossary, next runs",
    }
    rows = found["rows"]
    return [
        f"### 12. Glossary cost ({found['segments']} segments, en→{found['language']}, "
        "whole process)",
        "",
        table(
            [
                "",
                "wall s (runs)",
                "CPU s (of the fastest run)",
                "ratio to raw (wall, paired)",
                "ratio to raw (CPU, paired)",
                "fastest vs fastest (wall)",
            ],
            [
                [
                    labels[k],
                    " / ".join(map(str, r["wall"])),
                    r["cpu"],
                    f"**{r['ratio_wall']}**" if k != "raw" else "1",
                    r["ratio_cpu"] if k != "raw" else "1",
                    r["ratio_fastest"] if k != "raw" else "1",
                ]
                for k, r in rows.items()
            ],
        ),
        "",
        f"Terms the model failed to write plainly, remembered after the first run: "
        f"{found['terms_learned']}. Outputs not equal to input with the empty glossary: "
        f"{found['wrong_empty']}. From the second run on the model is sent the segments "
        "naming those terms with their German forms written in, once each: the raw script "
        f"over those very inputs runs at {rows['raw_protected']['ratio_wall']} of raw over "
        "the plain text (by CPU "
        f"{rows['raw_protected']['ratio_cpu']}), the model's own price of the names; the "
        f"next runs against that: {found['next_vs_protected']}. The ratios are paired: "
        "raw's time over "
        "the row's within each round of interleaved runs, the median over the rounds "
        "(the machine's speed drifts between rounds); the last column compares the "
        "fastest run of each side instead.",
        "",
    ]
