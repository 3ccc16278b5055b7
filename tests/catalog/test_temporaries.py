"""Nothing left behind: temporary files of writes killed with ``kill -9`` are removed by the
next run, under the catalog's lock; a file another live process is still writing is never
touched.

The writers are real processes writing through ``store.atomic_write_bytes``; ``os.fsync``
is replaced in them by a pause, so each is stopped at the same point every time: its bytes
are in ``.NAME.po.XXXXXXXX.tmp``, the rename has not happened (no timing guesses).
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import polib
import pytest

from newsl10n.catalog import store
from tests.conftest import SEED
from tests.helpers import msgfmt_check, po_path, run_echo, settings_for

WRITER = textwrap.dedent("""
    import os, sys
    from pathlib import Path
    from newsl10n.catalog import store

    path, mode = Path(sys.argv[1]), sys.argv[2]
    real_fsync = os.fsync

    def pause(fd):  # the bytes are written, the rename is still to come
        print("writing", flush=True)
        sys.stdin.readline()  # a killed writer never gets past this
        real_fsync(fd)

    os.fsync = pause
    data = path.read_bytes().replace(b"Putin", b"PUTIN", 1)
    if mode == "locked":  # as a run commits, or the desk saves
        with store.locked(path):
            store.atomic_write_bytes(path, data)
    else:  # a writer that ignores the catalog's lock (another tool, another path)
        store.atomic_write_bytes(path, data)
    print("done", flush=True)
""")


def start_writer(tmp_path: Path, path: Path, mode: str) -> subprocess.Popen[str]:
    script = tmp_path / "writer.py"
    script.write_text(WRITER, encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    proc = subprocess.Popen(
        [sys.executable, str(script), str(path), mode],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        env=env,
    )
    assert proc.stdout is not None and proc.stdout.readline() == "writing\n"
    return proc


def kill_mid_write(tmp_path: Path, path: Path, mode: str) -> None:
    writer = start_writer(tmp_path, path, mode)
    writer.send_signal(signal.SIGKILL)
    writer.wait()


def temporaries(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp"))


def test_killed_writes_leave_nothing_after_one_complete_run(project: Path, tmp_path: Path) -> None:
    settings = settings_for(project)
    run_echo(settings, bundles=False)
    path = po_path(project, "ru")
    before = path.read_bytes()
    for _ in range(3):  # kill -9 in the middle of writes that ignore the lock
        kill_mid_write(tmp_path, path, "unlocked")
    assert len(temporaries(path.parent)) == 3
    kill_mid_write(tmp_path, path, "locked")  # its lock swept the three dead files first
    (left,) = temporaries(path.parent)
    assert left.startswith(f".{path.name}.")
    assert path.read_bytes() == before  # old or new, never half: here still the old
    report = run_echo(settings, bundles=False)  # unchanged article: skipped, and swept
    assert report.ok
    assert temporaries(path.parent) == [] and temporaries(settings.locales) == []
    assert path.read_bytes() == before
    msgfmt_check(path)


def test_a_live_writer_keeps_its_temporary_file_through_a_run(
    project: Path, tmp_path: Path
) -> None:
    """A process that writes the catalog without its lock, paused mid-write while a run
    sweeps: its temporary file stays, and its rename succeeds afterwards."""
    settings = settings_for(project)
    run_echo(settings, bundles=False)
    path = po_path(project, "ru")
    writer = start_writer(tmp_path, path, "unlocked")
    try:
        (name,) = temporaries(path.parent)
        store.sweep_temporaries(settings.locales)
        with store.locked(path):  # a desk save takes the lock and sweeps
            pass
        assert temporaries(path.parent) == [name]
    finally:
        assert writer.stdin is not None and writer.stdout is not None
        writer.stdin.write("\n")
        writer.stdin.flush()
        done = writer.stdout.readline()
        writer.wait(timeout=60)
    assert done == "done\n" and writer.returncode == 0
    assert temporaries(path.parent) == []
    assert any("PUTIN" in e.msgid for e in polib.pofile(str(path)))


def test_only_dead_temporaries_of_that_file_are_removed(tmp_path: Path) -> None:
    folder = tmp_path / "ru" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    path = folder / "story.po"
    path.write_text('msgid ""\nmsgstr ""\n', encoding="utf-8")
    dead = [folder / ".story.po.k3j2_9ab.tmp", folder / ".story.mo.zz81mq0x.tmp"]
    kept = [
        folder / ".other.po.k3j2_9ab.tmp",  # another catalog's: its own lock sweeps it
        folder / ".story.po.tmp",  # not our naming pattern
        folder / "story.po.k3j2_9ab.tmp",
    ]
    for file in [*dead, *kept]:
        file.write_bytes(b"partial")
    young = folder / ".story.po.newer123.tmp"
    young.write_bytes(b"written after the lock was taken")
    os.utime(young, (time.time() + 60, time.time() + 60))
    link = folder / ".story.po.linked12.tmp"
    link.symlink_to(path)  # never followed, never removed
    removed = store.remove_stale_temporaries(path, since=time.time())
    assert sorted(removed) == sorted(dead)
    assert all(f.exists() for f in [*kept, young]) and link.is_symlink() and path.exists()


@pytest.mark.parametrize("kind", ["po", "pot"])
def test_a_run_sweeps_templates_and_catalogs_of_every_article(project: Path, kind: str) -> None:
    settings = settings_for(project)
    run_echo(settings, bundles=False)
    slug = SEED.stem
    folder = settings.locales if kind == "pot" else po_path(project, "ru").parent
    left = folder / f".{slug}.{kind}.a1b2c3d4.tmp"
    left.write_bytes(b"half a catalog")
    os.utime(left, (time.time() - 3600, time.time() - 3600))
    assert run_echo(settings, bundles=False).ok
    assert not left.exists()


def test_a_batch_lists_each_folder_once_not_once_per_catalog(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The run sweeps every folder once at its start; its own commits and templates then
    take their locks without listing the folder again (a listing per catalog made the
    nightly batch quadratic: 0.3 ms per lock with 500 catalogs in a folder, 3 ms with
    5,000)."""
    for n in range(4):
        shutil.copy(SEED, project / "source_articles" / f"story-{n}.txt")
    settings = settings_for(project, ["ru", "de"])
    sweeps: list[Path] = []
    real = store.remove_stale_temporaries

    def counted(path: Path, since: float) -> list[Path]:
        sweeps.append(path)
        return real(path, since)

    monkeypatch.setattr(store, "remove_stale_temporaries", counted)
    report = run_echo(settings)
    assert report.ok and sum(bool(r.written) for r in report.results) == 10
    assert sweeps == []
    left = po_path(project, "ru").parent / f".{SEED.stem}.po.a1b2c3d4.tmp"
    left.write_bytes(b"half a catalog")  # litter of a killed write: the next run sweeps it
    os.utime(left, (time.time() - 3600, time.time() - 3600))
    assert run_echo(settings).ok and not left.exists() and len(sweeps) == 1
