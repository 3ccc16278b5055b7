"""Measure language detectors on the real-text fixture (or a dev sample of the same shape).

    python scripts/eval_langid.py [--fixture DIR] [--method all|langdetect|lingua|newsl10n]

Prints overall and per-language accuracy on 4-40 character segments and on paragraphs, with
the 10 product candidates, plus the mean time per text and the process's peak memory. Run each
method in its own process (the default does) so the memory figure is that method's own.
"""

from __future__ import annotations

import argparse
import csv
import resource
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

CANDIDATES = ["en", "ru", "ko", "zh", "ja", "fr", "es", "de", "uk", "ar"]
METHODS = ["langdetect", "lingua", "lingua-low", "newsl10n"]


def load(path: Path) -> list[tuple[str, str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh, delimiter="\t", quoting=csv.QUOTE_NONE)
        return [(row["lang"], row["text"]) for row in reader]


def make(method: str) -> Callable[[str], str]:
    if method == "langdetect":
        from langdetect import DetectorFactory
        from langdetect.detector_factory import PROFILES_DIRECTORY
        from langdetect.lang_detect_exception import LangDetectException

        DetectorFactory.seed = 0
        factory = DetectorFactory()
        factory.load_profile(PROFILES_DIRECTORY)
        prior = {c: 1.0 for c in factory.get_lang_list() if c.split("-")[0] in CANDIDATES}

        def run_langdetect(text: str) -> str:
            det = factory.create()
            det.set_prior_map(prior)
            det.append(text)
            try:
                return str(det.detect()).split("-")[0]
            except LangDetectException:
                return "und"

        return run_langdetect
    if method in ("lingua", "lingua-low"):
        from lingua import IsoCode639_1, Language, LanguageDetectorBuilder

        langs = [Language.from_iso_code_639_1(IsoCode639_1.from_str(c)) for c in CANDIDATES]
        builder = LanguageDetectorBuilder.from_languages(*langs)
        if method == "lingua-low":
            builder = builder.with_low_accuracy_mode()
        detector = builder.build()

        def run_lingua(text: str) -> str:
            lang = detector.detect_language_of(text)
            return lang.iso_code_639_1.name.lower() if lang else "und"

        return run_lingua
    from newsl10n.source.detect import detect_language

    return lambda text: detect_language(text, CANDIDATES).lang


def evaluate(method: str, fixture: Path, show_errors: bool) -> None:
    sets = {name: load(fixture / f"{name}.tsv") for name in ("segments", "paragraphs")}
    t0 = time.perf_counter()
    fn = make(method)
    for data in sets.values():  # first pass: loads every model the texts need
        for _, text in data:
            fn(text)
    load_s = time.perf_counter() - t0
    print(f"## {method} (cold pass incl. model loading: {load_s:.2f} s; timed pass below)")
    for name, data in sets.items():
        ok: dict[str, int] = {}
        total: dict[str, int] = {}
        errors = []
        start = time.perf_counter()
        for lang, text in data:
            got = fn(text)
            total[lang] = total.get(lang, 0) + 1
            ok[lang] = ok.get(lang, 0) + (got == lang)
            if got != lang:
                errors.append((lang, got, text))
        per = (time.perf_counter() - start) / len(data) * 1000
        acc = sum(ok.values()) / len(data)
        langs = " ".join(f"{c}:{ok[c] / total[c]:.2f}" for c in CANDIDATES if c in total)
        print(f"{name:10s} {acc:6.1%} ({sum(ok.values())}/{len(data)})  {per:.3f} ms/text  {langs}")
        if show_errors:
            for lang, got, text in errors:
                print(f"    {lang} -> {got}: {text[:70]}")
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak RSS {rss:.0f} MB")


def main() -> None:
    ap = argparse.ArgumentParser(description="Measure language detectors on the fixture")
    ap.add_argument("--fixture", type=Path, default=ROOT / "tests/fixtures/langid")
    ap.add_argument("--method", choices=["all", *METHODS], default="all")
    ap.add_argument("--errors", action="store_true", help="list every wrong answer")
    args = ap.parse_args()
    if args.method == "all":
        for method in METHODS:
            cmd = [sys.executable, __file__, "--fixture", str(args.fixture), "--method", method]
            subprocess.run(cmd + (["--errors"] if args.errors else []), check=True)
    else:
        evaluate(args.method, args.fixture, args.errors)


if __name__ == "__main__":
    main()
