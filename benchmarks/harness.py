"""What every benchmark section measures with: a child process timed from outside (wall,
CPU, peak memory), the project it runs on, the ``newsl10n`` command, the worker entry, and
the Markdown table the report prints. The sections (``run``, ``desk``, ``glossary_cost``)
import from here and never from each other's runner.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
LANGUAGES = ("ru", "ko", "zh", "ja")
WORKER = "import sys; from benchmarks.run import worker; sys.exit(worker(sys.argv[1:]))"
NEWSL10N = str(Path(sys.executable).parent / "newsl10n")


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


@dataclass
class Measured:
    """One child process: its JSON answer, wall time, CPU time and peak memory."""

    answer: dict[str, Any]
    wall: float
    cpu: float
    peak_mb: float


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
    from newsl10n.source.article import read_article
    from newsl10n.source.segment import segment_blocks

    texts = [s.text for s in segment_blocks(read_article(article).blocks, "en").segments]
    if any("\n" in t for t in texts):
        raise RuntimeError("a segment holds a line break; the raw script reads lines")
    dest.write_text("\n".join(texts) + "\n", encoding="utf-8")
    return texts


def mismatches_in_catalog(path: Path) -> int:
    """Entries whose machine translation is not the source (the model copies exactly)."""
    import polib

    return sum(1 for e in polib.pofile(str(path)) if not e.obsolete and e.msgstr != e.msgid)


def command(project: Path | str, *args: str) -> list[str]:
    """The ``newsl10n`` command, as a user runs it, on a project."""
    return [NEWSL10N, "--project", str(project), *args]


def table(headers: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    lines = ["| " + " | ".join(headers) + " |", "|" + "|".join(" --- " for _ in headers) + "|"]
    lines += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)
