"""``make bench``: the whole ``newsl10n`` process against the model's own throughput, on a
real-size model.

    python -m benchmarks.run [--quick] [--json PATH] [--profile] [--keep] [--only ...]

Every figure comes from a fresh process (so peak memory and model loads are per process),
timed by wall clock and by CPU time (user + system, children included) taken from
``os.wait4``. Other processes on the machine disturb wall times, so the load average is
recorded before and after; CPU times are the steadier measure of cost.

1. **command vs raw**: one article of 500 segments into one language through the whole
   ``newsl10n translate`` process (the library run in-process: detection, catalogs, QA,
   bundles), and through a minimal script (:func:`raw_worker`: SentencePiece +
   ``Translator.translate_batch``, same threads, beam and batch size). Every output is
   checked (the model copies its input).
2. **scaling**: 1/10/50 articles x 1/2/4 languages through ``newsl10n run`` (whole
   process); flash items (a headline and one sentence) so the grid fits the time budget.
3. **no-change re-run** of the largest batch through ``newsl10n run``, beside its full run;
   and through the library's run in a fresh process, counting the models it loads (0).
4. **batching**: the largest batch with one engine call per language over all articles
   (the default) against one call per article × language (``run --batching article``).
5. **settings**: CTranslate2 threads, batch size and type, beam, on the raw translator.
7. **scale-out** (:mod:`benchmarks.scaleout`): the nightly batch (40 short articles x 4
   languages) through ``newsl10n run --prefect --runner dask`` on an external Dask cluster
   of 1 and of 2 workers: wall time, speed-up, the cluster's CPU use.
6. **shares**: where the run's time goes for a 100-segment article with the glossary, from
   a profile (cProfile) of ``newsl10n.run.run``: reading, detection, segmentation, model,
   glossary protection, catalogs, QA, bundles. Nothing is patched: the real run is timed.
8. **nightly batch**: 500 short articles (4 segments) x 4 languages on the tests' small copy
   model, and 50 on the real-size model, through ``newsl10n run`` against raw CTranslate2
   over the same sentences with the languages spread over the cores (``raw_spread_worker``).
9. **no-change re-run** of the small-model nightly batch, beside its full run.
10. **memory**: what holds a multi-language batch's memory (imports, detectors, one model per
   language, the run's work), read in a fresh process (``memory_worker``).

Results: a markdown table on standard output and JSON (``benchmarks/results.json``).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from benchmarks.harness import (
    LANGUAGES,
    ROOT,
    Knobs,
    Measured,
    command,
    make_project,
    mismatches_in_catalog,
    run_child,
    table,
    worker_args,
    write_segments,
)
from benchmarks.scaleout import bench_scale_out, render_scale_out

DEFAULT_JSON = ROOT / "benchmarks" / "results.json"


@dataclass(frozen=True)
class Plan:
    """Sizes of one benchmark run (``--quick`` shrinks them)."""

    pipeline_segments: int = 500
    runs: int = 1  # of each side of pipeline vs raw
    # Flash items (a headline and one sentence): the grid must fit the 10-minute budget at
    # ~0.1 s of model time per segment, and small articles show the per-pair costs.
    article_segments: int = 2
    scaling_articles: tuple[int, ...] = (1, 10, 50)
    scaling_languages: tuple[int, ...] = (1, 2, 4)
    sweep_segments: int = 48
    all_cores_segments: int = 24
    shares_segments: int = 100
    # The nightly batch: short articles (4 segments: a title and three sentences) into
    # LANGUAGES, on the tests' small copy model (a stand-in for a GPU: the model is fast,
    # everything else shows) and on the real-size model.
    nightly_small_articles: int = 500
    nightly_realsize_articles: int = 50
    desk_articles: tuple[int, ...] = (50, 500)  # × 4 languages: 200 and 2,000 catalogs
    # Rounds of the glossary section (min of each side) and of the no-change re-run: one
    # run of either moves by ±10% on this machine (CPU time too: the same engine call
    # took 15.1 to 16.8 s in one process), more than the differences they measure.
    glossary_runs: int = 3
    rerun_runs: int = 3


QUICK = Plan(
    pipeline_segments=100,
    article_segments=2,
    scaling_articles=(1, 5),
    scaling_languages=(1, 2),
    sweep_segments=16,
    all_cores_segments=8,
    shares_segments=30,
    nightly_small_articles=100,
    nightly_realsize_articles=10,
    desk_articles=(10, 50),
    glossary_runs=1,
    rerun_runs=1,
)


@dataclass
class Report:
    machine: dict[str, Any] = field(default_factory=dict)
    model: dict[str, Any] = field(default_factory=dict)
    defaults: dict[str, Any] = field(default_factory=dict)
    setup: dict[str, Any] = field(default_factory=dict)
    pipeline_vs_raw: dict[str, Any] = field(default_factory=dict)
    scaling: list[dict[str, Any]] = field(default_factory=list)
    rerun: dict[str, Any] = field(default_factory=dict)
    batching: dict[str, Any] = field(default_factory=dict)
    settings: list[dict[str, Any]] = field(default_factory=list)
    shares: dict[str, Any] = field(default_factory=dict)
    scale_out: dict[str, Any] = field(default_factory=dict)
    nightly: list[dict[str, Any]] = field(default_factory=list)
    memory: dict[str, Any] = field(default_factory=dict)
    desk: dict[str, Any] = field(default_factory=dict)
    glossary: dict[str, Any] = field(default_factory=dict)
    total_seconds: float = 0.0


# --------------------------------------------------------------------------- processes


def worker(argv: Sequence[str]) -> int:
    """Entry point of the child processes: ``KIND JSON``; prints a JSON answer."""
    kind, payload = argv[0], json.loads(argv[1])
    workers: dict[str, Callable[[dict[str, Any]], dict[str, Any]]] = {
        "raw": raw_worker,
        "run": run_worker,
        "sweep": sweep_worker,
        "shares": shares_worker,
        "raw_spread": raw_spread_worker,
        "memory": memory_worker,
    }
    answer = workers[kind](payload)
    print(json.dumps(answer))
    return 0


# --------------------------------------------------------------------------- workers


def raw_worker(p: dict[str, Any]) -> dict[str, Any]:
    """The minimal script: SentencePiece, one ``translate_batch``, nothing else."""
    started = time.perf_counter()
    import ctranslate2
    import sentencepiece

    model = Path(p["model"])
    knobs = Knobs(**p["knobs"])
    translator = ctranslate2.Translator(
        str(model / "model"), device="cpu", inter_threads=knobs.inter, intra_threads=knobs.intra
    )
    sp = sentencepiece.SentencePieceProcessor(model_file=str(model / "sentencepiece.model"))
    loaded = time.perf_counter()
    texts = Path(p["input"]).read_text(encoding="utf-8").splitlines()
    batch = [sp.encode(text, out_type=str) for text in texts]
    results = translator.translate_batch(
        batch,
        beam_size=knobs.beam,
        max_batch_size=knobs.batch,
        batch_type=knobs.batch_type,
        replace_unknowns=True,
        length_penalty=0.2,
    )
    outputs = [sp.decode_pieces(r.hypotheses[0]).strip() for r in results]
    done = time.perf_counter()
    Path(p["output"]).write_text("\n".join(outputs) + "\n", encoding="utf-8")
    return {"load": loaded - started, "translate": done - loaded, "segments": len(texts)}


def raw_spread_worker(p: dict[str, Any]) -> dict[str, Any]:
    """The raw limit of a multi-language batch: per language, one translator (same threads,
    beam, batch size) and one ``translate_batch`` over every segment, the languages spread
    over the cores by threads (CTranslate2 releases the GIL), as a hand-written script
    would do it."""
    from concurrent.futures import ThreadPoolExecutor

    import ctranslate2
    import sentencepiece

    knobs = Knobs(**p["knobs"])
    texts = Path(p["input"]).read_text(encoding="utf-8").splitlines()

    def one(package: str) -> int:
        folder = Path(package)
        translator = ctranslate2.Translator(
            str(folder / "model"),
            device="cpu",
            inter_threads=knobs.inter,
            intra_threads=knobs.intra,
        )
        sp = sentencepiece.SentencePieceProcessor(model_file=str(folder / "sentencepiece.model"))
        results = translator.translate_batch(
            [sp.encode(text, out_type=str) for text in texts],
            beam_size=knobs.beam,
            max_batch_size=knobs.batch,
            batch_type=knobs.batch_type,
            replace_unknowns=True,
            length_penalty=0.2,
        )
        outputs = [sp.decode_pieces(r.hypotheses[0]).strip() for r in results]
        return sum(1 for a, b in zip(texts, outputs, strict=True) if a != b)

    with ThreadPoolExecutor(max_workers=p["workers"]) as pool:
        wrong = sum(pool.map(one, p["packages"]))
    return {"segments": len(texts), "languages": len(p["packages"]), "wrong": wrong}


def _rss_mb() -> tuple[float, float]:
    """(resident now, peak resident) of this process, MB."""
    found = {"VmRSS": 0, "VmHWM": 0}
    for line in Path("/proc/self/status").read_text().splitlines():
        key = line.split(":", 1)[0]
        if key in found:
            found[key] = int(line.split()[1])
    return found["VmRSS"] / 1024, found["VmHWM"] / 1024


def memory_worker(p: dict[str, Any]) -> dict[str, Any]:
    """What holds a multi-language batch's memory: the library's run in a fresh process,
    resident memory read after each thing it holds is loaded (imports, the language
    detectors for the project's candidates, one model with its translation buffers) and
    the peak of the run itself (a model per language running at once, its buffers, the
    catalogs and pages in flight)."""
    from newsl10n.config import load_settings
    from newsl10n.engines import argos
    from newsl10n.run import Request, run
    from newsl10n.source.detect import detect_language

    before, _ = _rss_mb()
    settings = load_settings(Path(p["project"])).with_overrides(targets=p["targets"])
    imported, _ = _rss_mb()
    sample = Path(p["sample"]).read_text(encoding="utf-8")
    detect_language(sample, settings.candidates)  # what a run's first article loads
    detectors, _ = _rss_mb()
    engine = argos.ArgosEngine(settings.engine_settings)
    engine.translate(sample.splitlines()[:32], "en", p["targets"][0])
    one_model, _ = _rss_mb()
    engine.release()
    report = run(settings, Request())
    after, peak = _rss_mb()
    return {
        "start_mb": round(before),
        "imports_mb": round(imported - before),
        "detectors_mb": round(detectors - imported),
        "candidates": len(settings.candidates),
        "model_mb": round(one_model - detectors),
        "languages": len(p["targets"]),
        "workers": min(len(p["targets"]), os.cpu_count() or 1),
        "models_loaded": argos.loaded_model_count(),
        "models_held_after": argos.held_model_count(),
        "run_mb": round(peak - detectors),
        "peak_mb": round(peak),
        "after_mb": round(after),
        "failures": len(report.failures),
    }


def run_worker(p: dict[str, Any]) -> dict[str, Any]:
    """The library's run (``newsl10n.run.run``, what ``newsl10n run`` calls) in a fresh
    process, reporting what the command cannot: models loaded, segments the model got."""
    started = time.perf_counter()
    from newsl10n.config import load_settings
    from newsl10n.engines import argos
    from newsl10n.run import Request, run

    sent = [0]
    scored = argos._Model.scored  # every model call goes through it

    def counting(self: Any, texts: Sequence[str], n: int) -> list[list[tuple[str, float]]]:
        sent[0] += len(texts)
        return scored(self, texts, n)

    argos._Model.scored = counting  # type: ignore[method-assign]
    settings = load_settings(Path(p["project"])).with_overrides(targets=p["targets"])
    report = run(settings, Request())
    results = [r for r in report.results if not r.skipped]
    return {
        "total": time.perf_counter() - started,
        "skipped": sum(1 for r in report.results if r.skipped),
        "translated": sum(r.translated for r in results),
        "written": sum(r.written for r in results),
        "errors": [r.error for r in report.failures][:3],
        "model_segments": sent[0],
        "models_loaded": argos.loaded_model_count(),
    }


def sweep_worker(p: dict[str, Any]) -> dict[str, Any]:
    """Raw translator throughput for each setting; one model load per setting."""
    import ctranslate2
    import sentencepiece

    model = Path(p["model"])
    sp = sentencepiece.SentencePieceProcessor(model_file=str(model / "sentencepiece.model"))
    texts = Path(p["input"]).read_text(encoding="utf-8").splitlines()[: p["segments"]]
    batch = [sp.encode(text, out_type=str) for text in texts]
    knobs = Knobs(**p["knobs"])
    translator = ctranslate2.Translator(
        str(model / "model"), device="cpu", inter_threads=knobs.inter, intra_threads=knobs.intra
    )
    cpu0, t0 = time.process_time(), time.perf_counter()
    results = translator.translate_batch(
        batch,
        beam_size=knobs.beam,
        max_batch_size=knobs.batch,
        batch_type=knobs.batch_type,
        replace_unknowns=True,
        length_penalty=0.2,
    )
    seconds, cpu = time.perf_counter() - t0, time.process_time() - cpu0
    outputs = [sp.decode_pieces(r.hypotheses[0]).strip() for r in results]
    wrong = sum(1 for a, b in zip(texts, outputs, strict=True) if a != b)
    return {"seconds": seconds, "cpu": cpu, "segments": len(texts), "wrong": wrong}


def _key(function: Any) -> tuple[str, int, str]:
    """A function as cProfile names it."""
    code = function.__code__
    return (code.co_filename, code.co_firstlineno, code.co_name)


def shares_worker(p: dict[str, Any]) -> dict[str, Any]:
    """Where the time of one ``newsl10n.run.run`` goes, from a cProfile of the real run.

    The steps are functions the run calls that do not nest in one another (the model and
    translation memory inside drafting, the catalog QA of a pair inside its write), so
    they and "other" add up to the whole run; glossary protection is shown without the
    model calls it makes. The detectors are loaded before the profile (a fixed
    per-process cost, reported on its own).
    """
    import cProfile
    import pstats

    started = time.perf_counter()
    from newsl10n import pipeline, qa
    from newsl10n import run as run_module
    from newsl10n.catalog import memory
    from newsl10n.config import load_settings
    from newsl10n.engines import argos
    from newsl10n.glossary import enforce
    from newsl10n.glossary.load import load_glossary
    from newsl10n.run import Request, run, serial_map
    from newsl10n.source import segment
    from newsl10n.source.article import read_article
    from newsl10n.source.detect import detect_language, detect_segments

    settings = load_settings(Path(p["project"])).with_overrides(targets=p["targets"])
    glossary = load_glossary(settings.glossary)
    imported = time.perf_counter()
    detect_language("Loading the detectors once, as every run does.", settings.candidates)
    detector_load = time.perf_counter() - imported
    steps = {
        "read article": read_article,
        "detect article language": pipeline.article_language,
        "segment": segment.segment_blocks,
        "detect segment languages": detect_segments,
        "template": pipeline.write_template,
        "catalogs: read + plan merge": pipeline._start_pair,
        "translate (model)": argos._Model.scored,
        "translation memory": memory.TranslationMemory.lookup,
        "catalogs: lock, re-read, build, write": pipeline._finish_pair,
        "bundle + review page (per pair, from its catalog and QA)": pipeline.pair_bundle,
        "bundles of edited catalogs, index, ledger": run_module.finish_bundles,
    }
    profiler = cProfile.Profile()
    t0 = time.perf_counter()
    profiler.enable()
    # Jobs in this thread: cProfile sees only the thread it was enabled in.
    report = run(settings, Request(), glossary=glossary, map_jobs=serial_map)
    profiler.disable()
    total = time.perf_counter() - t0
    profile: Any = pstats.Stats(profiler)
    stats: Any = profile.stats  # {function: (cc, nc, tt, ct, callers)}

    def cumulative(function: Any) -> tuple[float, int]:
        found = stats.get(_key(function))
        return (found[3], found[1]) if found else (0.0, 0)

    spent: dict[str, float] = {}
    calls: dict[str, int] = {}
    for label, function in steps.items():
        spent[label], calls[label] = cumulative(function)
    # The pair's QA runs inside its write; glossary protection around the model calls.
    qa_edge = stats.get(_key(qa.check_entries), (0, 0, 0, 0, {}))[4].get(
        _key(pipeline._finish_pair)
    )
    if qa_edge:
        spent["catalog QA (per pair)"] = qa_edge[3]
        spent["catalogs: lock, re-read, build, write"] -= qa_edge[3]
    # The pair's bundle is built inside its write too.
    spent["catalogs: lock, re-read, build, write"] -= spent[
        "bundle + review page (per pair, from its catalog and QA)"
    ]
    glossary_time, glossary_calls = cumulative(enforce.translate_with_glossary)
    if glossary_calls:
        spent["glossary protection (without model)"] = max(
            0.0, glossary_time - spent["translate (model)"]
        )
        calls["glossary protection (without model)"] = glossary_calls
    spent["other (bookkeeping)"] = max(0.0, total - sum(spent.values()))
    model_calls = stats.get(_key(argos._Model.scored))
    return {
        "import": imported - started,
        "detector_load": detector_load,
        "total": total,
        "segments": sum(r.segments for r in report.results if r.target == p["targets"][0]),
        "model_calls": model_calls[1] if model_calls else 0,
        "steps": spent,
        "calls": calls,
        "glossary_terms": len(glossary.terms),
    }


# --------------------------------------------------------------------------- set-up


def machine() -> dict[str, Any]:
    info: dict[str, Any] = {
        "nproc": len(os.sched_getaffinity(0)),
        "cpu": platform.processor() or platform.machine(),
        "python": platform.python_version(),
    }
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                info["cpu"] = line.split(":", 1)[1].strip()
                break
    meminfo = Path("/proc/meminfo")
    if meminfo.exists():
        for line in meminfo.read_text().splitlines():
            if line.startswith("MemTotal"):
                info["ram_gib"] = round(int(line.split()[1]) / 1024 / 1024, 1)
    import ctranslate2

    info["ctranslate2"] = ctranslate2.__version__
    return info


def load() -> float:
    return round(os.getloadavg()[0], 2)


def compile_package() -> str:
    """Compile the package's bytecode, as ``pip install`` does for an installed package.

    An editable install compiles each module on first import and caches it, unless
    ``PYTHONDONTWRITEBYTECODE`` is set (as on some build machines): then every command
    compiles the whole package again, about 0.1 s that a user's installed copy never pays
    and that is most of a no-change re-run. Python reads the cache even when told not to
    write it."""
    import compileall

    import newsl10n

    folder = Path(newsl10n.__file__).parent
    ok = compileall.compile_dir(folder, quiet=1)
    return f"{folder}: compiled" if ok else f"{folder}: some modules failed to compile"


def child_env(work: Path) -> dict[str, str]:
    """Private Argos and XDG folders; no telemetry; no Prefect API, so the command runs
    in-process as it does for a user without a server."""
    from benchmarks.realsize_model import default_cache

    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_API")}
    env.update(
        ARGOS_PACKAGES_DIR=str(work / "argos-packages"),
        PREFECT_HOME=str(default_cache() / "prefect-home"),
        XDG_DATA_HOME=str(work / "xdg-data"),
        XDG_CONFIG_HOME=str(work / "xdg-config"),
        XDG_CACHE_HOME=str(work / "xdg-cache"),
        DO_NOT_TRACK="1",
        PREFECT_SERVER_ANALYTICS_ENABLED="false",
        PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH", "")])),
    )
    return env


@contextmanager
def stage(name: str) -> Iterator[None]:
    print(f"[bench] {name} (load {load()})", file=sys.stderr, flush=True)
    t = time.perf_counter()
    yield
    print(f"[bench] {name}: {time.perf_counter() - t:.1f} s", file=sys.stderr, flush=True)


# --------------------------------------------------------------------------- benchmarks


def bench_pipeline_vs_raw(
    work: Path, env: dict[str, str], model: Path, plan: Plan, knobs: Knobs, profile: Path | None
) -> dict[str, Any]:
    from benchmarks.corpus import write_article

    project = make_project(work / "p1", knobs, ["ru"])
    article = project / "source_articles" / "bench-500.txt"
    write_article(article, plan.pipeline_segments, seed=500)
    segments = work / "segments.txt"
    texts = write_segments(article, segments)
    cli = command(project, "translate", str(article), "--to", "ru")
    po = project / "locales" / "ru" / "LC_MESSAGES" / "bench-500.po"

    def command_once() -> Measured:
        for folder in ("locales", "bundles"):
            shutil.rmtree(project / folder, ignore_errors=True)
        return run_child(cli, env)

    def raw_once() -> Measured:
        payload = {
            "model": str(model),
            "input": str(segments),
            "output": str(work / "raw-out.txt"),
            "knobs": asdict(knobs),
        }
        return run_child(worker_args("raw", payload), env)

    runs: dict[str, list[Measured]] = {"command": [], "raw": []}
    for _ in range(plan.runs):  # interleaved, so a burst of load hits both alike
        runs["raw"].append(raw_once())
        runs["command"].append(command_once())
    wrong_command = mismatches_in_catalog(po)
    raw_out = (work / "raw-out.txt").read_text(encoding="utf-8").splitlines()
    wrong_raw = sum(1 for a, b in zip(texts, raw_out, strict=True) if a != b)
    best = {k: min(v, key=lambda m: m.wall) for k, v in runs.items()}
    result: dict[str, Any] = {
        "segments": len(texts),
        "language": "ru",
        "knobs": asdict(knobs),
        "command_wall": [round(m.wall, 2) for m in runs["command"]],
        "raw_wall": [round(m.wall, 2) for m in runs["raw"]],
        "command_cpu": round(best["command"].cpu, 2),
        "raw_cpu": round(best["raw"].cpu, 2),
        "command_peak_mb": round(best["command"].peak_mb),
        "raw_peak_mb": round(best["raw"].peak_mb),
        "raw_load": round(best["raw"].answer["load"], 2),
        "raw_translate": round(best["raw"].answer["translate"], 2),
        "ratio_wall": round(best["raw"].wall / best["command"].wall, 3),
        "ratio_cpu": round(best["raw"].cpu / best["command"].cpu, 3),
        "wrong_command": wrong_command,
        "wrong_raw": wrong_raw,
    }
    if profile is not None:
        shutil.rmtree(project / "locales", ignore_errors=True)
        pyinstrument = str(Path(sys.executable).parent / "pyinstrument")
        run_child([pyinstrument, "--no-color", "-o", str(profile), *cli], env)
        result["profile"] = str(profile)
    return result


def wrong_in(project: Path) -> int:
    """Entries whose machine output is not its source, over every catalog of a project."""
    return sum(mismatches_in_catalog(p) for p in (project / "locales").glob("*/LC_MESSAGES/*.po"))


def bench_scaling(
    work: Path, env: dict[str, str], plan: Plan, knobs: Knobs
) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    from benchmarks.corpus import write_articles

    rows: list[dict[str, Any]] = []
    biggest: dict[str, Any] = {}
    for articles in plan.scaling_articles:
        for languages in plan.scaling_languages:
            targets = list(LANGUAGES[:languages])
            project = make_project(work / f"s{articles}x{languages}", knobs, targets)
            write_articles(project / "source_articles", articles, plan.article_segments, seed=7)
            m = run_child(command(project, "run"), env)
            segments = articles * plan.article_segments
            units = segments * languages
            row = {
                "articles": articles,
                "languages": languages,
                "segments": segments,
                "segment_languages": units,
                "wall": round(m.wall, 2),
                "cpu": round(m.cpu, 2),
                "ms_cpu_per_unit": round(1000 * m.cpu / units, 1),
                "peak_mb": round(m.peak_mb),
                "wrong": wrong_in(project),
            }
            rows.append(row)
            biggest = {"project": str(project), "targets": targets, "row": row}
    return rows, biggest


def bench_rerun(env: dict[str, str], biggest: dict[str, Any]) -> dict[str, Any]:
    project, targets, full = Path(biggest["project"]), biggest["targets"], biggest["row"]
    before = {p: p.read_bytes() for p in (project / "locales").rglob("*.po")}
    cli = run_child(command(project, "run"), env, cwd=project)
    library = run_child(worker_args("run", {"project": str(project), "targets": targets}), env)
    after = {p: p.read_bytes() for p in (project / "locales").rglob("*.po")}
    return {
        "articles": full["articles"],
        "languages": full["languages"],
        "full_wall": full["wall"],
        "full_cpu": full["cpu"],
        "rerun_wall": round(cli.wall, 2),
        "rerun_cpu": round(cli.cpu, 2),
        "rerun_peak_mb": round(cli.peak_mb),
        "share_wall": round(cli.wall / full["wall"], 3),
        "library_rerun_wall": round(library.wall, 2),
        "models_loaded": library.answer["models_loaded"],
        "translated": library.answer["translated"],
        "written": library.answer["written"],
        "catalogs_unchanged": before == after,
    }


def bench_batching(work: Path, env: dict[str, str], biggest: dict[str, Any]) -> dict[str, Any]:
    """The largest batch again from empty catalogs, one engine call per article × language,
    beside its full run (one call per language over all articles)."""
    project, full = Path(biggest["project"]), biggest["row"]
    copy = work / "batching-per-article"
    shutil.rmtree(copy, ignore_errors=True)
    shutil.copytree(project, copy, ignore=shutil.ignore_patterns("locales", "bundles", ".locks"))
    m = run_child(command(copy, "run", "--batching", "article"), env)
    return {
        "articles": full["articles"],
        "languages": full["languages"],
        "per_language_wall": full["wall"],
        "per_language_cpu": full["cpu"],
        "per_article_wall": round(m.wall, 2),
        "per_article_cpu": round(m.cpu, 2),
        "speedup_wall": round(m.wall / full["wall"], 2),
        "speedup_cpu": round(m.cpu / full["cpu"], 2),
        "wrong": wrong_in(copy),
    }


def installed_dirs(packages: Path, targets: Sequence[str]) -> list[str]:
    """The installed package folder of en→target for each target (model + SentencePiece)."""
    found: dict[str, str] = {}
    for folder in packages.iterdir():
        meta = folder / "metadata.json"
        if meta.is_file():
            data = json.loads(meta.read_text(encoding="utf-8"))
            if data.get("from_code") == "en":
                found[str(data.get("to_code"))] = str(folder)
    return [found[t] for t in targets]


def small_model_packages(work: Path) -> Path:
    """The tests' small copy model (``devtools/copymodel.py``) installed for en→each
    language, in a packages folder of its own."""
    from devtools.copymodel import install_copy_packages

    packages = work / "argos-small"
    install_copy_packages([("en", t) for t in LANGUAGES], packages, work / "copymodel")
    return packages


def bench_nightly(
    work: Path,
    env: dict[str, str],
    knobs: Knobs,
    label: str,
    packages: Path,
    articles: int,
    segments: int,
    rerun: int,
) -> dict[str, Any]:
    """The nightly batch: ``articles`` short articles into LANGUAGES through ``newsl10n
    run`` from empty catalogs (whole process), against the raw limit over the same
    sentences with the languages spread over the cores (:func:`raw_spread_worker`); then,
    with ``rerun`` > 0, that many no-change re-runs beside it (the fastest is reported,
    all are listed)."""
    from benchmarks.corpus import write_articles

    env = {**env, "ARGOS_PACKAGES_DIR": str(packages)}
    project = make_project(work / f"nightly-{label}", knobs, LANGUAGES)
    sources = write_articles(project / "source_articles", articles, segments, seed=25)
    texts: list[str] = []
    for path in sources:
        texts += write_segments(path, work / "one-article.txt")
    (work / f"nightly-{label}.txt").write_text("\n".join(texts) + "\n", encoding="utf-8")
    cores = len(os.sched_getaffinity(0))
    payload = {
        "packages": installed_dirs(packages, LANGUAGES),
        "input": str(work / f"nightly-{label}.txt"),
        "knobs": asdict(knobs),
        "workers": min(cores, len(LANGUAGES)),
    }
    raw = run_child(worker_args("raw_spread", payload), env)
    full = run_child(command(project, "run"), env)
    row: dict[str, Any] = {
        "model": label,
        "articles": articles,
        "languages": len(LANGUAGES),
        "segments": len(texts),
        "cores": cores,
        "run_wall": round(full.wall, 2),
        "run_cpu": round(full.cpu, 2),
        "run_peak_mb": round(full.peak_mb),
        "raw_wall": round(raw.wall, 2),
        "raw_cpu": round(raw.cpu, 2),
        "raw_peak_mb": round(raw.peak_mb),
        "ratio_wall": round(raw.wall / full.wall, 3),
        "ratio_cpu": round(raw.cpu / full.cpu, 3),
        "wrong_run": wrong_in(project),
        "wrong_raw": raw.answer["wrong"],
        "project": str(project),
    }
    if rerun:
        before = {p: p.read_bytes() for p in (project / "locales").rglob("*.po")}
        agains = [run_child(command(project, "run"), env) for _ in range(rerun)]
        again = min(agains, key=lambda m: m.wall)
        after = {p: p.read_bytes() for p in (project / "locales").rglob("*.po")}
        row |= {
            "rerun_walls": [round(m.wall, 2) for m in agains],
            "rerun_wall": round(again.wall, 2),
            "rerun_cpu": round(again.cpu, 2),
            "rerun_peak_mb": round(again.peak_mb),
            "rerun_share_wall": round(again.wall / full.wall, 4),
            "rerun_share_cpu": round(again.cpu / full.cpu, 4),
            "rerun_catalogs_unchanged": before == after,
        }
    return row


def bench_memory(env: dict[str, str], nightly: dict[str, Any]) -> dict[str, Any]:
    """What holds the memory of the real-size nightly batch (its catalogs made again from
    empty, in a fresh process)."""
    project = Path(nightly["project"])
    for folder in ("locales", "bundles"):
        shutil.rmtree(project / folder, ignore_errors=True)
    sample = sorted((project / "source_articles").glob("*.txt"))[0]
    payload = {"project": str(project), "targets": list(LANGUAGES), "sample": str(sample)}
    m = run_child(worker_args("memory", payload), env)
    return {**m.answer, "process_peak_mb": round(m.peak_mb), "articles": nightly["articles"]}


def sweep_knobs(base: Knobs) -> list[tuple[str, Knobs]]:
    def k(**changes: Any) -> Knobs:
        return Knobs(**{**asdict(base), **changes})

    return [
        ("default", base),
        ("threads", k(intra=2)),
        ("threads", k(inter=2)),
        ("threads", k(intra=2, inter=2)),
        ("batch", k(batch=16)),
        ("batch", k(batch=64)),
        ("batch", k(batch=1024, batch_type="tokens")),
        ("batch", k(batch=2048, batch_type="tokens")),
        ("batch", k(batch=4096, batch_type="tokens")),
        ("beam", k(beam=1)),
        ("beam", k(beam=4)),
    ]


def bench_settings(
    work: Path, env: dict[str, str], model: Path, plan: Plan, base: Knobs
) -> list[dict[str, Any]]:
    segments = work / "segments.txt"
    rows: list[dict[str, Any]] = []
    cases = [(*case, plan.sweep_segments) for case in sweep_knobs(base)]
    cases.append(("threads: 0 = all cores", Knobs(**{**asdict(base), "intra": 0}), 0))
    for group, knobs, count in cases:
        n = count or plan.all_cores_segments
        payload = {"model": str(model), "input": str(segments), "segments": n}
        m = run_child(worker_args("sweep", {**payload, "knobs": asdict(knobs)}), env)
        a = m.answer
        rows.append(
            {
                "group": group,
                "knobs": asdict(knobs),
                "label": knobs.label,
                "segments": a["segments"],
                "seconds": round(a["seconds"], 2),
                "segments_per_s": round(a["segments"] / a["seconds"], 1),
                "cpu_per_segment_ms": round(1000 * a["cpu"] / a["segments"], 1),
                "wrong": a["wrong"],
                "peak_mb": round(m.peak_mb),
            }
        )
    return rows


def bench_shares(work: Path, env: dict[str, str], plan: Plan, knobs: Knobs) -> dict[str, Any]:
    from benchmarks.corpus import write_article

    project = make_project(work / "p5", knobs, ["ru"], glossary=True)
    write_article(project / "source_articles" / "shares.txt", plan.shares_segments, seed=500)
    m = run_child(worker_args("shares", {"project": str(project), "targets": ["ru"]}), env)
    a = m.answer
    total = a["total"]
    a["shares"] = {k: round(v / total, 4) for k, v in a["steps"].items()}
    a["steps"] = {k: round(v, 3) for k, v in a["steps"].items()}
    a["total"] = round(total, 2)
    a["detector_load"] = round(a["detector_load"], 2)
    a["import"] = round(a["import"], 2)
    return dict(a)


# --------------------------------------------------------------------------- report


def render(report: Report) -> str:
    m, pr = report.machine, report.pipeline_vs_raw
    out = [
        "## Benchmark (`make bench`)",
        "",
        f"Machine: {m.get('nproc')} cores ({m.get('cpu')}), {m.get('ram_gib')} GiB RAM; "
        f"CTranslate2 {m.get('ctranslate2')}; load average {m.get('load_before')} before, "
        f"{m.get('load_after')} after. Model: copy model at Argos size "
        f"({', '.join(f'{k} {v}' for k, v in report.model.items())}). "
        "The package's bytecode is compiled first, as `pip install` does "
        f"({report.setup.get('bytecode', 'not recorded')}).",
        "",
    ]
    if pr:
        out += [
            f"### 1. `newsl10n translate` vs raw CTranslate2 ({pr['segments']} segments, "
            f"en→ru, {Knobs(**pr['knobs']).label})",
            "",
            table(
                ["whole process", "wall s (runs)", "CPU s", "peak MB"],
                [
                    [
                        "`newsl10n translate`",
                        " / ".join(map(str, pr["command_wall"])),
                        pr["command_cpu"],
                        pr["command_peak_mb"],
                    ],
                    [
                        "raw script",
                        " / ".join(map(str, pr["raw_wall"])),
                        pr["raw_cpu"],
                        pr["raw_peak_mb"],
                    ],
                ],
            ),
            "",
            f"Throughput ratio to raw: **{pr['ratio_wall']}** by wall time "
            f"({pr['ratio_cpu']} by CPU time). Raw: {pr['raw_load']} s load, "
            f"{pr['raw_translate']} s translate. Outputs not equal to input: "
            f"{pr['wrong_command']} (`newsl10n translate`), {pr['wrong_raw']} (raw).",
            "",
        ]
    if report.scaling:
        out += [
            "### 2. Scaling (`newsl10n run`, whole process)",
            "",
            table(
                [
                    "articles",
                    "languages",
                    "segments × languages",
                    "wall s",
                    "CPU s",
                    "CPU ms per segment×language",
                    "peak MB",
                    "wrong",
                ],
                [
                    [
                        r["articles"],
                        r["languages"],
                        r["segment_languages"],
                        r["wall"],
                        r["cpu"],
                        r["ms_cpu_per_unit"],
                        r["peak_mb"],
                        r["wrong"],
                    ]
                    for r in report.scaling
                ],
            ),
            "",
        ]
    rr = report.rerun
    if rr:
        out += [
            f"### 3. No-change re-run ({rr['articles']} articles × {rr['languages']} languages)",
            "",
            table(
                ["`newsl10n run`", "wall s", "CPU s", "share of full run (wall)"],
                [
                    ["full run", rr["full_wall"], rr["full_cpu"], "1"],
                    ["no-change re-run", rr["rerun_wall"], rr["rerun_cpu"], rr["share_wall"]],
                ],
            ),
            "",
            f"The library's run in a fresh process ({rr['library_rerun_wall']} s) loaded "
            f"{rr['models_loaded']} model(s), translated {rr['translated']} and wrote "
            f"{rr['written']} catalog(s); catalogs unchanged: {rr['catalogs_unchanged']}.",
            "",
        ]
    bt = report.batching
    if bt:
        out += [
            f"### 4. Batching ({bt['articles']} articles × {bt['languages']} languages, "
            "`newsl10n run` from empty catalogs)",
            "",
            table(
                ["engine calls", "wall s", "CPU s"],
                [
                    [
                        "one per language over all articles (default)",
                        bt["per_language_wall"],
                        bt["per_language_cpu"],
                    ],
                    ["one per article × language", bt["per_article_wall"], bt["per_article_cpu"]],
                ],
            ),
            "",
            f"Batching across articles is **{bt['speedup_wall']}×** faster by wall time "
            f"({bt['speedup_cpu']}× by CPU time). Wrong outputs: {bt['wrong']}.",
            "",
        ]
    if report.settings:
        out += [
            "### 5. CTranslate2 settings (raw translator, en→ru)",
            "",
            table(
                ["group", "settings", "segments", "segments/s", "CPU ms/segment", "peak MB"],
                [
                    [
                        r["group"],
                        r["label"],
                        r["segments"],
                        r["segments_per_s"],
                        r["cpu_per_segment_ms"],
                        r["peak_mb"],
                    ]
                    for r in report.settings
                ],
            ),
            "",
        ]
    sh = report.shares
    if sh:
        out += [
            f"### 6. Where the run's time goes ({sh['segments']} segments, en→ru, "
            f"glossary of {sh['glossary_terms']} terms; detectors loaded beforehand in "
            f"{sh['detector_load']} s, imports {sh['import']} s; cProfile of the real run)",
            "",
            table(
                ["step", "seconds", "share", "calls"],
                [
                    [k, sh["steps"][k], f"{100 * v:.2f}%", sh["calls"].get(k, "")]
                    for k, v in sorted(sh["shares"].items(), key=lambda kv: -kv[1])
                ],
            ),
            "",
            f"The model was called {sh['model_calls']} times (glossary rounds: the copy model "
            "never writes a term's target form by itself, so segments with a term need a "
            "second strategy; a worst case). Profiling slows Python code more than the model.",
            "",
        ]
    if report.scale_out:
        out += render_scale_out(report.scale_out, table)
    out += render_nightly(report)
    if report.desk:
        from benchmarks import desk

        out += desk.render(report.desk)
    if report.glossary:
        from benchmarks import glossary_cost

        out += glossary_cost.render(report.glossary)
    out.append(f"Whole benchmark: {report.total_seconds:.0f} s.")
    return "\n".join(out)


def render_nightly(report: Report) -> list[str]:
    """Sections 8-10: the nightly batch, its no-change re-run, and memory."""
    out: list[str] = []
    if report.nightly:
        first = report.nightly[0]
        out += [
            f"### 8. The nightly batch ({first['languages']} languages, short articles of "
            f"{first['segments'] // first['articles']} segments, `newsl10n run` from empty "
            f"catalogs vs raw CTranslate2 with the languages spread over {first['cores']} "
            "cores; whole processes)",
            "",
            table(
                [
                    "model",
                    "articles",
                    "segments × languages",
                    "`newsl10n run` wall / CPU s",
                    "raw wall / CPU s",
                    "ratio to raw (wall)",
                    "ratio (CPU)",
                    "peak MB run / raw",
                    "wrong run / raw",
                ],
                [
                    [
                        r["model"],
                        r["articles"],
                        r["segments"] * r["languages"],
                        f"{r['run_wall']} / {r['run_cpu']}",
                        f"{r['raw_wall']} / {r['raw_cpu']}",
                        f"**{r['ratio_wall']}**",
                        r["ratio_cpu"],
                        f"{r['run_peak_mb']} / {r['raw_peak_mb']}",
                        f"{r['wrong_run']} / {r['wrong_raw']}",
                    ]
                    for r in report.nightly
                ],
            ),
            "",
        ]
    for r in report.nightly:
        if "rerun_wall" not in r:
            continue
        out += [
            f"### 9. No-change re-run of the nightly batch ({r['articles']} articles × "
            f"{r['languages']} languages, {r['model']} model)",
            "",
            table(
                ["`newsl10n run`", "wall s", "CPU s", "share of the full run (wall / CPU)"],
                [
                    ["full run", r["run_wall"], r["run_cpu"], "1"],
                    [
                        "no-change re-run (fastest of "
                        + " / ".join(str(w) for w in r.get("rerun_walls", [r["rerun_wall"]]))
                        + ")",
                        r["rerun_wall"],
                        r["rerun_cpu"],
                        f"**{100 * r['rerun_share_wall']:.1f}%** / "
                        f"{100 * r['rerun_share_cpu']:.1f}%",
                    ],
                ],
            ),
            "",
            f"Catalogs byte-for-byte unchanged by the re-run: {r['rerun_catalogs_unchanged']}.",
            "",
        ]
    mem = report.memory
    if mem:
        out += [
            f"### 10. Memory of the real-size nightly batch ({mem['articles']} articles × "
            f"{mem['languages']} languages, the library's run in a fresh process)",
            "",
            table(
                ["what holds it", "MB"],
                [
                    ["Python and the imports", mem["start_mb"] + mem["imports_mb"]],
                    [
                        f"language detectors ({mem['candidates']} candidate languages: "
                        "lingua's models, langdetect's profiles)",
                        mem["detectors_mb"],
                    ],
                    ["one model with its translation buffers", mem["model_mb"]],
                    [
                        f"the run on top of the detectors (up to {mem['workers']} languages "
                        "at once, each model released when its language is done; catalogs "
                        "and pages in flight)",
                        mem["run_mb"],
                    ],
                    ["**peak** (resident)", f"**{mem['peak_mb']}**"],
                ],
            ),
            "",
            f"Models loaded: {mem['models_loaded']} (one per language and the one measured "
            f"alone), held after the run: {mem['models_held_after']}. The same batch through "
            f"`newsl10n run` peaked at {report.nightly[-1]['run_peak_mb']} MB (whole process).",
            "",
        ]
    return out


# --------------------------------------------------------------------------- main


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.run", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="small sizes (about 4 minutes)")
    parser.add_argument("--json", type=Path, default=DEFAULT_JSON, help="results file")
    parser.add_argument(
        "--profile",
        action="store_true",
        help="profile one `newsl10n translate` run with pyinstrument (pipeline-profile.txt "
        "beside the JSON file)",
    )
    parser.add_argument("--keep", action="store_true", help="keep the work folder")
    parser.add_argument(
        "--only",
        default=(
            "pipeline,scaling,rerun,batching,settings,shares,scaleout,nightly,memory,desk,glossary"
        ),
        help="comma-separated benchmarks to run",
    )
    args = parser.parse_args(argv)
    args.json.parent.mkdir(parents=True, exist_ok=True)
    only = set(args.only.split(","))
    plan = QUICK if args.quick else Plan()
    started = time.perf_counter()
    report = Report()
    report.machine = {**machine(), "load_before": load()}
    work = Path(tempfile.mkdtemp(prefix="newsl10n-bench-"))
    env = child_env(work)
    os.environ.update({k: env[k] for k in ("ARGOS_PACKAGES_DIR", "XDG_DATA_HOME")})
    from benchmarks import realsize_model
    from newsl10n.config import EngineSettings

    defaults = EngineSettings()
    knobs = Knobs(
        defaults.intra_threads, defaults.inter_threads, defaults.beam_size, defaults.max_batch_size
    )
    report.defaults = asdict(knobs)
    report.model = realsize_model.describe()
    try:
        with stage("model: build (cached) and install en→ru,ko,zh,ja"):
            t0 = time.perf_counter()
            model = realsize_model.build_model()
            built = time.perf_counter() - t0
            realsize_model.install_packages(
                [("en", lang) for lang in LANGUAGES], Path(env["ARGOS_PACKAGES_DIR"])
            )
            report.setup = {
                "bytecode": compile_package(),
                "model_dir": str(model),
                "build_or_cache_s": round(built, 1),
                "install_s": round(time.perf_counter() - t0 - built, 1),
            }
        if only & {"pipeline", "settings", "shares"}:
            with stage("1. pipeline vs raw"):
                profile = args.json.with_name("pipeline-profile.txt") if args.profile else None
                report.pipeline_vs_raw = bench_pipeline_vs_raw(
                    work, env, model, plan, knobs, profile
                )
        if only & {"scaling", "rerun", "batching"}:
            with stage("2. scaling"):
                report.scaling, biggest = bench_scaling(work, env, plan, knobs)
            if "rerun" in only:
                with stage("3. no-change re-run"):
                    report.rerun = bench_rerun(env, biggest)
            if "batching" in only:
                with stage("4. batching"):
                    report.batching = bench_batching(work, env, biggest)
        if "settings" in only:
            with stage("5. settings"):
                report.settings = bench_settings(work, env, model, plan, knobs)
        if "shares" in only:
            with stage("6. shares"):
                report.shares = bench_shares(work, env, plan, knobs)
        if "scaleout" in only:
            with stage("7. scale-out"):

                def new_project(folder: Path) -> Path:
                    return make_project(folder, knobs)

                report.scale_out = bench_scale_out(
                    work / "scale-out", env, new_project, run_child, wrong_in, args.quick
                )
        if only & {"nightly", "memory"}:
            with stage("8-9. nightly batch, small model, and its no-change re-run"):
                small = small_model_packages(work)
                size = plan.nightly_small_articles
                row = bench_nightly(
                    work, env, knobs, "small copy", small, size, 4, rerun=plan.rerun_runs
                )
                report.nightly.append(row)
            with stage("8. nightly batch, real-size model"):
                realsize = Path(env["ARGOS_PACKAGES_DIR"])
                size = plan.nightly_realsize_articles
                row = bench_nightly(work, env, knobs, "real-size", realsize, size, 4, rerun=0)
                report.nightly.append(row)
        if "memory" in only and report.nightly:
            with stage("10. memory"):
                report.memory = bench_memory(env, report.nightly[-1])
        if "desk" in only:
            from benchmarks import desk

            with stage("11. desk"):
                report.desk = desk.bench_desk(work, env, ROOT, plan.desk_articles)
        if "glossary" in only:
            from benchmarks import glossary_cost

            with stage("12. glossary"):
                report.glossary = glossary_cost.bench_glossary(
                    work, env, model, knobs, plan.glossary_runs
                )
    finally:
        if args.keep:
            print(f"[bench] work folder kept: {work}", file=sys.stderr)
        else:
            shutil.rmtree(work, ignore_errors=True)
    report.machine["load_after"] = load()
    report.total_seconds = round(time.perf_counter() - started, 1)
    text = render(report)
    print(text)
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(asdict(report), indent=2) + "\n", encoding="utf-8")
    print(f"\n[bench] results written to {args.json}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
