"""``make bench``: the pipeline's throughput against the model's own, on a real-size model.

    python -m benchmarks.run [--quick] [--json PATH] [--profile] [--keep]

Every figure comes from a fresh process (so peak memory and model loads are per process),
timed by wall clock and by CPU time (user + system, children included) taken from
``os.wait4``. Other processes on the machine disturb wall times, so the load average is
recorded before and after; CPU times are the steadier measure of cost.

1. **pipeline vs raw**: one article of 500 segments into one language through the whole
   ``newsl10n translate`` process (Prefect flow, detection, catalogs), and through a
   minimal script (:func:`raw_worker`: SentencePiece + ``Translator.translate_batch``, same
   threads, beam and batch size). Every output is checked (the model copies its input).
2. **scaling**: 1/10/50 articles x 1/2/4 languages through the pipeline functions
   (``newsl10n.pipeline``, in-process, no Prefect), one thread per language as the flow runs
   them; wall and CPU time, peak memory, models loaded. Articles are flash items (a
   headline and one sentence) so the grid fits the 10-minute budget.
3. **no-change re-run** of the largest batch: models loaded (must be 0), time beside the
   full run; through the pipeline functions and through ``newsl10n run``.
4. **settings**: CTranslate2 threads, batch size and type, beam, on the raw translator.
5. **shares**: where the pipeline's time goes for the 500-segment article (reading,
   detection, segmentation, translation, catalogs, glossary protection when the pipeline
   calls it), by timing wrappers around the pipeline's own functions.

Results: a markdown table on standard output and JSON (``benchmarks/results.json``).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_JSON = ROOT / "benchmarks" / "results.json"
LANGUAGES = ("ru", "ko", "zh", "ja")
WORKER = "import sys; from benchmarks.run import worker; sys.exit(worker(sys.argv[1:]))"


@dataclass(frozen=True)
class Knobs:
    """CTranslate2 settings of one measurement (the engine's EngineSettings, plus batch type)."""

    intra: int = 1
    inter: int = 1
    beam: int = 2
    batch: int = 32
    batch_type: str = "examples"

    @property
    def label(self) -> str:
        unit = "ex" if self.batch_type == "examples" else "tok"
        return (
            f"intra {self.intra}, inter {self.inter}, beam {self.beam}, batch {self.batch} {unit}"
        )


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


QUICK = Plan(
    pipeline_segments=100,
    article_segments=2,
    scaling_articles=(1, 5),
    scaling_languages=(1, 2),
    sweep_segments=16,
    all_cores_segments=8,
    shares_segments=30,
)


@dataclass
class Measured:
    """One child process: its JSON answer, wall time, CPU time and peak memory."""

    answer: dict[str, Any]
    wall: float
    cpu: float
    peak_mb: float


@dataclass
class Report:
    machine: dict[str, Any] = field(default_factory=dict)
    model: dict[str, Any] = field(default_factory=dict)
    defaults: dict[str, Any] = field(default_factory=dict)
    setup: dict[str, Any] = field(default_factory=dict)
    pipeline_vs_raw: dict[str, Any] = field(default_factory=dict)
    scaling: list[dict[str, Any]] = field(default_factory=list)
    rerun: dict[str, Any] = field(default_factory=dict)
    settings: list[dict[str, Any]] = field(default_factory=list)
    shares: dict[str, Any] = field(default_factory=dict)
    total_seconds: float = 0.0


# --------------------------------------------------------------------------- processes


def _peak_kib(pid: int) -> int:
    """VmHWM of a process (its peak resident memory since exec), 0 once it is gone."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def _descendants(pid: int) -> list[int]:
    found: list[int] = []
    try:
        for task in Path(f"/proc/{pid}/task").iterdir():
            for child in (task / "children").read_text().split():
                found += [int(child), *_descendants(int(child))]
    except OSError:
        pass
    return found


def run_child(args: Sequence[str], env: dict[str, str], cwd: Path | None = None) -> Measured:
    """Run a process to its end: wall time, CPU time (children included, from ``os.wait4``)
    and peak memory: the sum of the peak RSS (VmHWM, polled) of the process and of each of
    its own subprocesses (Prefect's temporary server). ``ru_maxrss`` would not do: Linux
    carries the parent's size at fork into it.

    The child's standard output is its answer: the last line, when it is JSON.
    """
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        started = time.perf_counter()
        proc = subprocess.Popen(list(args), stdout=out, stderr=err, env=env, cwd=cwd)
        peaks: dict[int, int] = {}
        while True:
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            for each in (proc.pid, *_descendants(proc.pid)):
                peaks[each] = max(peaks.get(each, 0), _peak_kib(each))
            time.sleep(0.05)
        wall = time.perf_counter() - started
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        stdout = out.read().decode("utf-8", "replace")
        stderr = err.read().decode("utf-8", "replace")
    if proc.returncode != 0:
        raise RuntimeError(
            f"{' '.join(args[:4])}... exited {proc.returncode}\n{stdout[-3000:]}\n{stderr[-3000:]}"
        )
    lines = stdout.strip().splitlines()
    answer: dict[str, Any] = {}
    if lines and lines[-1].startswith("{"):
        answer = json.loads(lines[-1])
    return Measured(answer, wall, usage.ru_utime + usage.ru_stime, sum(peaks.values()) / 1024)


def worker_args(kind: str, payload: dict[str, Any]) -> list[str]:
    return [sys.executable, "-c", WORKER, kind, json.dumps(payload)]


def worker(argv: Sequence[str]) -> int:
    """Entry point of the child processes: ``KIND JSON``; prints a JSON answer."""
    kind, payload = argv[0], json.loads(argv[1])
    workers: dict[str, Callable[[dict[str, Any]], dict[str, Any]]] = {
        "raw": raw_worker,
        "batch": batch_worker,
        "sweep": sweep_worker,
        "shares": shares_worker,
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


class CheckingEngine:
    """Wraps the real engine: counts segments and calls, checks the copy is exact."""

    def __init__(self, engine: Any) -> None:
        self.engine = engine
        self.name: str = engine.name
        self.calls = 0
        self.segments = 0
        self.wrong = 0

    def model_version(self, source: str, target: str) -> str:
        return str(self.engine.model_version(source, target))

    def translate(self, texts: Sequence[str], source: str, target: str) -> list[str]:
        outputs: list[str] = self.engine.translate(texts, source, target)
        self.calls += 1
        self.segments += len(texts)
        self.wrong += sum(1 for a, b in zip(texts, outputs, strict=True) if a != b)
        return outputs


def batch_worker(p: dict[str, Any]) -> dict[str, Any]:
    """A batch run through ``newsl10n.pipeline`` as the ``translate-batch`` flow does it
    (unchanged articles skipped by ``up_to_date``; prepare; every pair; bundles), with one
    thread per language translating its pairs in turn (the flow's tasks share one model per
    language and process). No Prefect."""
    from concurrent.futures import ThreadPoolExecutor

    started = time.perf_counter()
    from newsl10n.config import load_settings
    from newsl10n.engines import argos, get_engine
    from newsl10n.glossary import load_glossary
    from newsl10n.pipeline import (
        PairResult,
        build_review,
        discover,
        prepare_article,
        translate_pair,
        up_to_date,
        write_template,
    )
    from newsl10n.tm import TranslationMemory

    settings = load_settings(Path(p["project"])).with_overrides(targets=p["targets"])
    glossary = load_glossary(settings.glossary)
    imported = time.perf_counter()
    prepared, skipped = [], 0
    for path in discover(settings):
        if up_to_date(path, settings, settings.targets):
            skipped += 1
            continue
        article = prepare_article(path, settings)
        write_template(article, settings)
        prepared.append(article)
    ready = time.perf_counter()
    engine = CheckingEngine(get_engine(settings.engine, settings.engine_settings))

    def one_language(target: str) -> list[PairResult]:
        memory = TranslationMemory(settings.locales, target)
        return [
            translate_pair(a, target, engine, settings, memory, glossary=glossary) for a in prepared
        ]

    with ThreadPoolExecutor(max_workers=len(settings.targets)) as pool:
        results = [r for rs in pool.map(one_language, settings.targets) for r in rs]
    translated = time.perf_counter()
    if prepared:
        build_review(settings, glossary, list(settings.targets), [a.slug for a in prepared])
    done = time.perf_counter()
    return {
        "import": imported - started,
        "prepare": ready - imported,
        "translate": translated - ready,
        "bundles": done - translated,
        "total": done - started,
        "articles": len(prepared),
        "skipped": skipped,
        "segments": sum(len(a.segments) for a in prepared),
        "pairs": len(results),
        "translated": sum(r.translated for r in results),
        "kept": sum(r.kept for r in results),
        "written": sum(r.written for r in results),
        "errors": [r.error for r in results if r.error],
        "engine_calls": engine.calls,
        "wrong": engine.wrong,
        "models_loaded": argos.loaded_model_count(),
        "detectors_loaded": "lingua" in sys.modules,
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


GLOSSARY_MODULES = ("newsl10n.protect", "newsl10n.glossary")


def shares_worker(p: dict[str, Any]) -> dict[str, Any]:
    """Time spent in each of the pipeline's own steps for one article and its languages.

    Timing wrappers replace the functions ``newsl10n.pipeline`` calls (by name, in the
    modules it calls them from) and the loaded model's ``translate``/``hypotheses``; then the
    real ``prepare_article`` / ``write_template`` / ``translate_pair`` run with the project's
    glossary. Each step is timed exclusive of the wrapped steps it calls (glossary
    protection without the engine calls it makes), so the steps add up to the total.
    """
    started = time.perf_counter()
    from newsl10n import catalog, pipeline
    from newsl10n.config import load_settings
    from newsl10n.detect import detect_language
    from newsl10n.engines import argos, get_engine
    from newsl10n.glossary import load_glossary
    from newsl10n.tm import TranslationMemory

    settings = load_settings(Path(p["project"])).with_overrides(targets=p["targets"])
    glossary = load_glossary(settings.glossary)
    imported = time.perf_counter()
    detect_language("Loading the detectors once, as every run does.", settings.candidates)
    detector_load = time.perf_counter() - imported

    spent: dict[str, float] = {}
    calls: dict[str, int] = {}
    nested: list[float] = []  # time spent in wrapped callees, per open wrapped call

    def timed(owner: Any, name: str, bucket: str) -> None:
        original = getattr(owner, name)

        def wrapper(*args: Any, **kwargs: Any) -> Any:
            t = time.perf_counter()
            nested.append(0.0)
            try:
                return original(*args, **kwargs)
            finally:
                elapsed = time.perf_counter() - t
                inner = nested.pop()
                spent[bucket] = spent.get(bucket, 0.0) + elapsed - inner
                calls[bucket] = calls.get(bucket, 0) + 1
                if nested:
                    nested[-1] += elapsed

        setattr(owner, name, wrapper)

    timed(pipeline, "read_article", "read article")
    timed(pipeline, "detect_language", "detect article language")
    timed(pipeline, "segment_blocks", "segment")
    timed(pipeline, "detect_segments", "detect segment languages")
    sent = {"segments": 0}  # segments the model was given (glossary retries included)
    for method in ("translate", "hypotheses"):
        if hasattr(argos._Model, method):
            original = getattr(argos._Model, method)

            def counting(self: Any, texts: Sequence[str], *a: Any, _f: Any = original) -> Any:
                sent["segments"] += len(texts)
                return _f(self, texts, *a)

            setattr(argos._Model, method, counting)
            timed(argos._Model, method, "translate (model)")
    timed(catalog, "load_catalog", "catalogs: load + check")
    if hasattr(catalog, "read"):  # a run reads catalogs with their bytes (catalog.read)
        timed(catalog, "read", "catalogs: load + check")
    timed(catalog, "plan_update", "catalogs: plan merge")
    timed(catalog, "build_template", "catalogs: build")
    timed(catalog, "build_catalog", "catalogs: build")
    timed(catalog, "write_if_changed", "catalogs: render + write")
    glossary_found = glossary_hook(pipeline, timed)
    if hasattr(pipeline, "qa"):
        timed(pipeline.qa, "check_catalog", "catalog QA (glossary, numbers)")

    timed(pipeline, "build_review", "bundles + review pages")
    build_review = pipeline.build_review
    engine = get_engine(settings.engine, settings.engine_settings)
    t0 = time.perf_counter()
    for path in pipeline.discover(settings):
        prepared = pipeline.prepare_article(path, settings)
        pipeline.write_template(prepared, settings)
        for target in settings.targets:
            memory = TranslationMemory(settings.locales, target)
            pipeline.translate_pair(prepared, target, engine, settings, memory, glossary=glossary)
        build_review(settings, glossary, list(settings.targets), [prepared.slug])
    total = time.perf_counter() - t0
    spent["other (memory lookups, bookkeeping)"] = total - sum(spent.values())
    return {
        "import": imported - started,
        "detector_load": detector_load,
        "total": total,
        "segments": len(prepared.segments),
        "model_segments": sent["segments"],
        "steps": spent,
        "calls": calls,
        "glossary": glossary_found,
        "glossary_terms": len(glossary.terms),
    }


def glossary_hook(pipeline: Any, timed: Callable[[Any, str, str], None]) -> str:
    """GLOSSARY HOOK: time glossary protection wherever the pipeline calls it.

    Wraps every function the pipeline module holds that comes from
    :data:`GLOSSARY_MODULES` (``from newsl10n.protect import translate_with_glossary``) into
    the bucket "glossary protection" (timed without the engine calls it makes). Returns
    what it wrapped, for the report.
    """
    wrapped: list[str] = []
    for name, value in list(vars(pipeline).items()):
        module = getattr(value, "__module__", None)
        if callable(value) and not isinstance(value, type) and module in GLOSSARY_MODULES:
            timed(pipeline, name, "glossary protection (without engine)")
            wrapped.append(name)
    if wrapped:
        return "timed: " + ", ".join(wrapped)
    return "not measured: newsl10n.pipeline does not call newsl10n.protect (hook in place)"


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


def child_env(work: Path) -> dict[str, str]:
    """Private Argos and XDG folders; no telemetry. Prefect's home is kept in the model
    cache: creating its database costs ~40 s here, once (as for a user's first run)."""
    from benchmarks.realsize_model import default_cache

    env = dict(os.environ)
    env.update(
        ARGOS_PACKAGES_DIR=str(work / "argos-packages"),
        PREFECT_HOME=str(default_cache() / "prefect-home"),
        XDG_DATA_HOME=str(work / "xdg-data"),
        XDG_CONFIG_HOME=str(work / "xdg-config"),
        XDG_CACHE_HOME=str(work / "xdg-cache"),
        DO_NOT_TRACK="1",
        PREFECT_SERVER_ANALYTICS_ENABLED="false",
        # Prefect's default (20 s) is too short for a first start on a busy 2-core machine.
        PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS="180",
        PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH", "")])),
    )
    return env


def make_project(
    folder: Path, knobs: Knobs, targets: Sequence[str] = LANGUAGES, glossary: bool = False
) -> Path:
    """A project folder with the engine settings under test and an empty source folder;
    with ``glossary``, the repository's glossary (else none: raw CTranslate2 has none)."""
    if folder.exists():
        shutil.rmtree(folder)
    (folder / "source_articles").mkdir(parents=True)
    if glossary:
        shutil.copytree(ROOT / "glossaries", folder / "glossaries")
    langs = ", ".join(f'"{t}"' for t in targets)
    folder.joinpath("pyproject.toml").write_text(
        "[tool.newsl10n]\n"
        f"targets = [{langs}]\n"
        f"intra_threads = {knobs.intra}\n"
        f"inter_threads = {knobs.inter}\n"
        f"beam_size = {knobs.beam}\n"
        f"max_batch_size = {knobs.batch}\n",
        encoding="utf-8",
    )
    return folder


def write_segments(article: Path, dest: Path) -> list[str]:
    """The article's segments, one per line (what the pipeline sends to the engine)."""
    from newsl10n.article import read_article
    from newsl10n.segment import segment_blocks

    texts = [s.text for s in segment_blocks(read_article(article).blocks, "en").segments]
    if any("\n" in t for t in texts):
        raise RuntimeError("a segment holds a line break; the raw script reads lines")
    dest.write_text("\n".join(texts) + "\n", encoding="utf-8")
    return texts


@contextmanager
def stage(name: str) -> Iterator[None]:
    print(f"[bench] {name} (load {load()})", file=sys.stderr, flush=True)
    t = time.perf_counter()
    yield
    print(f"[bench] {name}: {time.perf_counter() - t:.1f} s", file=sys.stderr, flush=True)


def mismatches_in_catalog(path: Path) -> int:
    """Entries whose machine translation is not the source (the model copies exactly)."""
    import polib

    return sum(1 for e in polib.pofile(str(path)) if not e.obsolete and e.msgstr != e.msgid)


# --------------------------------------------------------------------------- benchmarks


def start_warm_up(work: Path, env: dict[str, str], knobs: Knobs) -> subprocess.Popen[bytes]:
    """A first ``newsl10n run`` creates Prefect's database (10-20 s once per PREFECT_HOME);
    started during set-up so no timed run pays it. English into English: no model needed."""
    warm = make_project(work / "warm", knobs, ["en"])
    (warm / "source_articles" / "warm.txt").write_text(
        "Warm Up\n\nThe first run creates the database of Prefect's temporary server.\n",
        encoding="utf-8",
    )
    newsl10n = str(Path(sys.executable).parent / "newsl10n")
    return subprocess.Popen(
        [newsl10n, "--project", str(warm), "run", "--to", "en"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def bench_pipeline_vs_raw(
    work: Path, env: dict[str, str], model: Path, plan: Plan, knobs: Knobs, profile: Path | None
) -> dict[str, Any]:
    from benchmarks.corpus import write_article

    project = make_project(work / "p1", knobs, ["ru"])
    article = project / "source_articles" / "bench-500.txt"
    write_article(article, plan.pipeline_segments, seed=500)
    segments = work / "segments.txt"
    texts = write_segments(article, segments)
    newsl10n = str(Path(sys.executable).parent / "newsl10n")
    cli = [newsl10n, "--project", str(project), "translate", str(article), "--to", "ru"]
    po = project / "locales" / "ru" / "LC_MESSAGES" / "bench-500.po"

    def pipeline_once() -> Measured:
        shutil.rmtree(project / "locales", ignore_errors=True)
        return run_child(cli, env)

    def raw_once() -> Measured:
        payload = {
            "model": str(model),
            "input": str(segments),
            "output": str(work / "raw-out.txt"),
            "knobs": asdict(knobs),
        }
        return run_child(worker_args("raw", payload), env)

    def direct_once() -> Measured:
        shutil.rmtree(project / "locales", ignore_errors=True)
        return run_child(worker_args("batch", {"project": str(project), "targets": ["ru"]}), env)

    runs: dict[str, list[Measured]] = {"pipeline": [], "raw": [], "direct": []}
    for _ in range(plan.runs):  # interleaved, so a burst of load hits all alike
        runs["raw"].append(raw_once())
        runs["pipeline"].append(pipeline_once())
        runs["direct"].append(direct_once())
    wrong_pipeline = mismatches_in_catalog(po)
    raw_out = (work / "raw-out.txt").read_text(encoding="utf-8").splitlines()
    wrong_raw = sum(1 for a, b in zip(texts, raw_out, strict=True) if a != b)
    best = {k: min(v, key=lambda m: m.wall) for k, v in runs.items()}
    result: dict[str, Any] = {
        "segments": len(texts),
        "language": "ru",
        "knobs": asdict(knobs),
        "pipeline_wall": [round(m.wall, 2) for m in runs["pipeline"]],
        "raw_wall": [round(m.wall, 2) for m in runs["raw"]],
        "pipeline_cpu": round(best["pipeline"].cpu, 2),
        "raw_cpu": round(best["raw"].cpu, 2),
        "pipeline_peak_mb": round(best["pipeline"].peak_mb),
        "direct_wall": [round(m.wall, 2) for m in runs["direct"]],
        "direct_cpu": round(best["direct"].cpu, 2),
        "direct_peak_mb": round(best["direct"].peak_mb),
        "direct_phases": {
            k: round(best["direct"].answer[k], 2)
            for k in ("import", "prepare", "translate", "bundles")
        },
        "ratio_direct_wall": round(best["raw"].wall / best["direct"].wall, 3),
        "ratio_direct_cpu": round(best["raw"].cpu / best["direct"].cpu, 3),
        "wrong_direct": best["direct"].answer["wrong"],
        "raw_peak_mb": round(best["raw"].peak_mb),
        "raw_load": round(best["raw"].answer["load"], 2),
        "raw_translate": round(best["raw"].answer["translate"], 2),
        "ratio_wall": round(best["raw"].wall / best["pipeline"].wall, 3),
        "ratio_cpu": round(best["raw"].cpu / best["pipeline"].cpu, 3),
        "wrong_pipeline": wrong_pipeline,
        "wrong_raw": wrong_raw,
    }
    if profile is not None:  # pyinstrument: the main thread (Prefect runs tasks in others)
        shutil.rmtree(project / "locales", ignore_errors=True)
        pyinstrument = str(Path(sys.executable).parent / "pyinstrument")
        run_child([pyinstrument, "--no-color", "-o", str(profile), *cli], env)
        result["profile"] = str(profile)
    return result


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
            m = run_child(worker_args("batch", {"project": str(project), "targets": targets}), env)
            a = m.answer
            units = a["segments"] * languages
            row = {
                "articles": articles,
                "languages": languages,
                "segments": a["segments"],
                "segment_languages": units,
                "wall": round(m.wall, 2),
                "cpu": round(m.cpu, 2),
                "translate_wall": round(a["translate"], 2),
                "prepare": round(a["prepare"], 2),
                "ms_cpu_per_unit": round(1000 * m.cpu / units, 1),
                "peak_mb": round(m.peak_mb),
                "models_loaded": a["models_loaded"],
                "translated": a["translated"],
                "wrong": a["wrong"],
                "errors": a["errors"][:3],
            }
            rows.append(row)
            biggest = {"project": str(project), "targets": targets, "row": row}
    return rows, biggest


def bench_rerun(env: dict[str, str], biggest: dict[str, Any]) -> dict[str, Any]:
    project, targets, full = biggest["project"], biggest["targets"], biggest["row"]
    m = run_child(worker_args("batch", {"project": project, "targets": targets}), env)
    newsl10n = str(Path(sys.executable).parent / "newsl10n")
    cli = run_child(
        [newsl10n, "--project", project, "run", "--to", ",".join(targets)], env, cwd=Path(project)
    )
    return {
        "articles": full["articles"],
        "languages": full["languages"],
        "full_wall": full["wall"],
        "full_cpu": full["cpu"],
        "rerun_wall": round(m.wall, 2),
        "rerun_cpu": round(m.cpu, 2),
        "rerun_prepare": round(m.answer["prepare"], 2),
        "rerun_import": round(m.answer["import"], 2),
        "rerun_peak_mb": round(m.peak_mb),
        "models_loaded": m.answer["models_loaded"],
        "translated": m.answer["translated"],
        "written": m.answer["written"],
        "share_wall": round(m.wall / full["wall"], 3),
        "cli_rerun_wall": round(cli.wall, 2),
        "cli_rerun_cpu": round(cli.cpu, 2),
        "cli_share_wall": round(cli.wall / full["wall"], 3),
    }


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


def table(headers: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    lines = ["| " + " | ".join(headers) + " |", "|" + "|".join(" --- " for _ in headers) + "|"]
    lines += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)


def render(report: Report) -> str:
    m, pr = report.machine, report.pipeline_vs_raw
    out = [
        "## Benchmark (`make bench`)",
        "",
        f"Machine: {m.get('nproc')} cores ({m.get('cpu')}), {m.get('ram_gib')} GiB RAM; "
        f"CTranslate2 {m.get('ctranslate2')}; load average {m.get('load_before')} before, "
        f"{m.get('load_after')} after. Model: copy model at Argos size "
        f"({', '.join(f'{k} {v}' for k, v in report.model.items())}).",
        "",
    ]
    if pr:
        out += [
            f"### 1. Pipeline vs raw CTranslate2 ({pr['segments']} segments, en→ru, "
            f"{Knobs(**pr['knobs']).label})",
            "",
            table(
                ["", "wall s (runs)", "CPU s", "peak MB"],
                [
                    [
                        "`newsl10n translate` (whole process)",
                        " / ".join(map(str, pr["pipeline_wall"])),
                        pr["pipeline_cpu"],
                        pr["pipeline_peak_mb"],
                    ],
                    [
                        "pipeline functions without Prefect (whole process)",
                        " / ".join(map(str, pr["direct_wall"])),
                        pr["direct_cpu"],
                        pr["direct_peak_mb"],
                    ],
                    [
                        "raw script (whole process)",
                        " / ".join(map(str, pr["raw_wall"])),
                        pr["raw_cpu"],
                        pr["raw_peak_mb"],
                    ],
                ],
            ),
            "",
            f"Throughput ratio to raw: `newsl10n translate` **{pr['ratio_wall']}** by wall "
            f"time ({pr['ratio_cpu']} by CPU time); pipeline functions without Prefect "
            f"**{pr['ratio_direct_wall']}** ({pr['ratio_direct_cpu']} by CPU time). Raw: "
            f"{pr['raw_load']} s load, {pr['raw_translate']} s translate; without Prefect: "
            + ", ".join(f"{k} {v} s" for k, v in pr["direct_phases"].items())
            + f". Outputs not equal to input: {pr['wrong_pipeline']} (`newsl10n translate`), "
            f"{pr['wrong_direct']} (functions), {pr['wrong_raw']} (raw).",
            "",
        ]
    if report.scaling:
        out += [
            "### 2. Scaling (pipeline functions in-process, one thread per language)",
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
                    "models loaded",
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
                        r["models_loaded"],
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
                ["run", "wall s", "CPU s", "share of full run (wall)", "models loaded"],
                [
                    ["full run (pipeline functions)", rr["full_wall"], rr["full_cpu"], "1", "-"],
                    [
                        "re-run (pipeline functions)",
                        rr["rerun_wall"],
                        rr["rerun_cpu"],
                        rr["share_wall"],
                        rr["models_loaded"],
                    ],
                    [
                        "re-run (`newsl10n run`, Prefect)",
                        rr["cli_rerun_wall"],
                        rr["cli_rerun_cpu"],
                        rr["cli_share_wall"],
                        "-",
                    ],
                ],
            ),
            "",
        ]
    if report.settings:
        out += [
            "### 4. CTranslate2 settings (raw translator, en→ru)",
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
            f"### 5. Where the pipeline's time goes ({sh['segments']} segments, en→ru, "
            f"glossary of {sh['glossary_terms']} terms; detectors loaded beforehand in "
            f"{sh['detector_load']} s, imports {sh['import']} s)",
            "",
            table(
                ["step", "seconds", "share", "calls"],
                [
                    [k, sh["steps"][k], f"{100 * v:.2f}%", sh["calls"].get(k, "")]
                    for k, v in sorted(sh["shares"].items(), key=lambda kv: -kv[1])
                ],
            ),
            "",
            f"The model was given {sh['model_segments']} segments for {sh['segments']} "
            "(glossary retries: the copy model never writes a term's target form by itself, so "
            "every segment with a term needs a second strategy; a worst case). "
            f"Glossary protection: {sh['glossary']}.",
            "",
        ]
    out.append(f"Whole benchmark: {report.total_seconds:.0f} s.")
    return "\n".join(out)


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
        default="pipeline,scaling,rerun,settings,shares",
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
    warm_up = start_warm_up(work, env, knobs)
    try:
        with stage("model: build (cached) and install en→ru,ko,zh,ja; Prefect warm-up"):
            t0 = time.perf_counter()
            model = realsize_model.build_model()
            built = time.perf_counter() - t0
            realsize_model.install_packages(
                [("en", lang) for lang in LANGUAGES], Path(env["ARGOS_PACKAGES_DIR"])
            )
            report.setup = {
                "model_dir": str(model),
                "build_or_cache_s": round(built, 1),
                "install_s": round(time.perf_counter() - t0 - built, 1),
            }
            report.setup["prefect_warm_up_exit"] = warm_up.wait()
        if only & {"pipeline", "settings", "shares"}:
            with stage("1. pipeline vs raw"):
                profile = args.json.with_name("pipeline-profile.txt") if args.profile else None
                report.pipeline_vs_raw = bench_pipeline_vs_raw(
                    work, env, model, plan, knobs, profile
                )
        if only & {"scaling", "rerun"}:
            with stage("2. scaling"):
                report.scaling, biggest = bench_scaling(work, env, plan, knobs)
            if "rerun" in only:
                with stage("3. no-change re-run"):
                    report.rerun = bench_rerun(env, biggest)
        if "settings" in only:
            with stage("4. settings"):
                report.settings = bench_settings(work, env, model, plan, knobs)
        if "shares" in only:
            with stage("5. shares"):
                report.shares = bench_shares(work, env, plan, knobs)
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
