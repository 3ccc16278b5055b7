"""Small JSON caches beside the catalogs (``locales/.cache/``): safe to share, safe to lose.

What a run or the desk learned once and can reuse (a catalog's counts and QA figures, the
glossary terms a model does not write by itself) is kept here rather than in the user's
cache folder, because the project folder is what every process working on the catalogs
shares: the CLI, the desk and Prefect workers on other machines (the catalogs' locks in
``locales/.locks/`` assume the same), and deleting ``locales/`` forgets it all at once.

Every cache is a hint, never a source of truth: a missing, foreign or corrupt file is
ignored (with a warning for a corrupt one) and rewritten; a file written by other code
(another newsl10n, edited sources) is ignored silently, since what it says was computed by
other rules. Updates read the file again under its lock, merge and replace it atomically,
so concurrent runs each add what they learned and no reader ever sees half a file; a
cache that cannot be written (a read-only folder, a lock held too long) is skipped with a
warning, never an error.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any

from newsl10n import __version__
from newsl10n.catalog.store import atomic_write_bytes, lock_file

CACHE_DIR = ".cache"
LOCK_SECONDS = 10.0  # a cache update is a read, a merge and a write: never long
FORMAT = 1

log = logging.getLogger(__name__)

Data = dict[str, Any]


def cache_path(locales: Path, name: str) -> Path:
    """``locales/.cache/<name>``."""
    return locales / CACHE_DIR / name


@cache
def code_version() -> str:
    """The package version and a digest of its Python sources: a cache written by other
    code (another release, or sources edited since) is not trusted, whatever it says."""
    digest = hashlib.sha256(__version__.encode())
    package = Path(__file__).resolve().parents[1]
    for path in sorted(package.rglob("*.py")):
        digest.update(path.relative_to(package).as_posix().encode())
        digest.update(path.read_bytes())
    return f"{__version__}+{digest.hexdigest()[:16]}"


def read_cache(path: Path, kind: str) -> Data:
    """The data of the cache at ``path`` ({} when there is none, or it is not usable)."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return {}
    except OSError as err:
        log.warning("%s: cannot read the cache (%s); ignored", path, err.strerror or err)
        return {}
    try:
        document = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as err:
        log.warning("%s: not a readable cache (%s); ignored, it will be rewritten", path, err)
        return {}
    if not isinstance(document, dict) or document.get("cache") != kind:
        log.warning("%s: not a %s cache; ignored, it will be rewritten", path, kind)
        return {}
    data = document.get("data")
    fresh = document.get("format") == FORMAT and document.get("code") == code_version()
    return data if fresh and isinstance(data, dict) else {}


def update_cache(path: Path, kind: str, merge: Callable[[Data], Data]) -> bool:
    """Under the cache's lock: read it again, ``merge`` what this process learned into
    it, write it atomically. Returns whether it was written."""
    try:
        with lock_file(path.with_name(f".{path.name}.lock"), LOCK_SECONDS):
            data = merge(read_cache(path, kind))
            document = {"cache": kind, "format": FORMAT, "code": code_version(), "data": data}
            text = json.dumps(document, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
            atomic_write_bytes(path, (text + "\n").encode("utf-8"))
    except TimeoutError:
        log.warning("%s: locked for over %.0f s; not updated", path, LOCK_SECONDS)
        return False
    except OSError as err:
        log.warning("%s: cannot write the cache (%s); not updated", path, err.strerror or err)
        return False
    return True
