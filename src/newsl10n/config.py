"""Settings from ``[tool.newsl10n]`` in pyproject.toml, overridable from the command line.

Paths in the file are relative to the folder holding pyproject.toml, so the project works
from wherever it is cloned.
"""

from __future__ import annotations

import os
import re
import tomllib
from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, TypeVar

from babel import Locale, UnknownLocaleError

from newsl10n.errors import ConfigError

T = TypeVar("T")

DEFAULT_TARGETS = ("ru", "ko", "zh", "ja", "de", "fr", "es", "uk")
DEFAULT_CANDIDATES = ("en", "ru", "ko", "zh", "ja", "fr", "es", "de", "uk", "ar")


@dataclass(frozen=True)
class EngineSettings:
    """CTranslate2 knobs; intra_threads 0 ("all cores") is many times slower on 2 cores."""

    device: str = "cpu"
    intra_threads: int = 1
    inter_threads: int = 1
    beam_size: int = 2
    max_batch_size: int = 32  # sentences per CTranslate2 batch


@dataclass(frozen=True)
class Settings:
    root: Path
    source: Path
    locales: Path
    bundles: Path
    glossary: Path
    targets: tuple[str, ...] = DEFAULT_TARGETS
    candidates: tuple[str, ...] = DEFAULT_CANDIDATES
    engine: str = "argos"
    pair_engines: Mapping[str, str] = field(default_factory=dict)  # "en-es" -> "apertium"
    engine_settings: EngineSettings = field(default_factory=EngineSettings)

    def relative(self, path: Path) -> str:
        """``path`` as the project names it (catalog references, reports): relative to the
        project's root when inside it (both resolved), else as given."""
        try:
            return path.resolve().relative_to(self.root.resolve()).as_posix()
        except ValueError:
            return path.as_posix()

    def engine_for(self, source: str, target: str) -> str:
        """The engine for a pair: ``[tool.newsl10n.engines]`` "en-es", else the default."""
        return self.pair_engines.get(f"{source}-{target}", self.engine)

    def with_overrides(self, **changes: Any) -> Settings:
        """Replace fields whose override is not None (CLI options left unset change nothing)."""
        given = {k: v for k, v in changes.items() if v is not None}
        if "engine" in given:
            check_engine(given["engine"])
            given.setdefault("pair_engines", {})  # an engine chosen now applies to every pair
        for key in ("targets", "candidates"):
            if key in given:
                given[key] = parse_languages(given[key], what=key)
        return replace(self, **given)


# The project's folders, each overridable on a worker by ``NEWSL10N_<NAME>``.
FOLDERS = ("source", "locales", "bundles", "glossary")
PROJECT_VARIABLE = "NEWSL10N_PROJECT"


def folder_variable(folder: str) -> str:
    """The environment variable that places ``folder`` on a worker (``NEWSL10N_LOCALES``)."""
    return f"NEWSL10N_{folder.upper()}"


def settings_from_environment() -> Settings:
    """Settings for code started by a scheduler or worker: the project is
    ``$NEWSL10N_PROJECT`` (default: the working directory, i.e. the clone the worker runs in);
    ``$NEWSL10N_SOURCE``/``LOCALES``/``BUNDLES``/``GLOSSARY`` override folders. Parameters
    typed into a UI never choose folders: only the environment of the process does."""
    project = os.environ.get(PROJECT_VARIABLE)
    settings = load_settings(Path(project) if project else None)
    folders = {key: os.environ.get(folder_variable(key)) for key in FOLDERS}
    return settings.with_overrides(**{k: Path(v) for k, v in folders.items() if v})


def settings_elsewhere(settings: Settings, environ: Mapping[str, str]) -> Settings:
    """``settings`` as planned on one machine, with its folders placed for another one (a
    Dask worker) by that machine's environment: ``NEWSL10N_<FOLDER>`` where set, else the
    folder's place relative to the project root under ``NEWSL10N_PROJECT``, else the
    planned path (shared storage mounted at the same path). Only the environment of the
    machine that does the work says where its folders are; nothing is checked here."""
    project = environ.get(PROJECT_VARIABLE)
    root = Path(project) if project else settings.root
    moved: dict[str, Any] = {"root": root}
    for key in FOLDERS:
        planned: Path = getattr(settings, key)
        given = environ.get(folder_variable(key))
        if given:
            moved[key] = Path(given)
        elif project and planned.is_relative_to(settings.root):
            moved[key] = root / planned.relative_to(settings.root)
    return replace(settings, **moved)


def resolve_inside(base: Path, given: str | Path, what: str = "path") -> Path:
    """``given`` (relative to ``base``) as a real path inside ``base``; anything that could
    step outside (absolute paths, ``..``, symlinks pointing out) is refused before any read."""
    text = str(given)
    candidate = Path(text)
    if not text.strip() or "\x00" in text:
        raise ConfigError(f"{what}: empty or invalid path {text!r}")
    if candidate.is_absolute():
        raise ConfigError(f"{what}: {text!r} must be relative to {base}")
    if ".." in candidate.parts:
        raise ConfigError(f"{what}: {text!r} may not contain '..'")
    root = base.resolve()
    resolved = (root / candidate).resolve()
    if not resolved.is_relative_to(root):
        raise ConfigError(f"{what}: {text!r} resolves outside {base} (symlink?)")
    return resolved


def find_pyproject(start: Path) -> Path | None:
    for folder in (start, *start.parents):
        candidate = folder / "pyproject.toml"
        if candidate.is_file():
            return candidate
    return None


def load_settings(start: Path | None = None) -> Settings:
    """Settings for the project containing ``start`` (default: the working directory)."""
    start = (start or Path.cwd()).resolve()
    pyproject = find_pyproject(start)
    table: Mapping[str, Any] = {}
    root = start
    if pyproject is not None:
        try:
            data = tomllib.loads(pyproject.read_text(encoding="utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as err:
            raise ConfigError(f"{pyproject}: {err}") from None
        table = data.get("tool", {}).get("newsl10n", {})
        root = pyproject.parent
    return settings_from_table(table, root, where=str(pyproject or start))


def load_settings_file(pyproject: Path) -> Settings:
    """Settings from a given pyproject.toml (``--config``); its folder is the project root."""
    path = pyproject.resolve()
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as err:
        raise ConfigError(f"{path}: cannot read: {err.strerror or err}") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as err:
        raise ConfigError(f"{path}: {err}") from None
    return settings_from_table(data.get("tool", {}).get("newsl10n", {}), path.parent, str(path))


def settings_from_table(table: Mapping[str, Any], root: Path, where: str = "settings") -> Settings:
    known = {
        "source", "locales", "bundles", "glossary", "targets", "candidates", "engine",
        "engines", "device", "intra_threads", "inter_threads", "beam_size", "max_batch_size",
    }  # fmt: skip
    unknown = sorted(set(table) - known)
    if unknown:
        raise ConfigError(f"{where}: unknown [tool.newsl10n] keys: {', '.join(unknown)}")

    def folder(key: str, default: str) -> Path:
        value = table.get(key, default)
        if not isinstance(value, str) or not value:
            raise ConfigError(f"{where}: {key} must be a folder path, not {value!r}")
        return root / value

    def number(key: str, default: int) -> int:
        value = table.get(key, default)
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise ConfigError(f"{where}: {key} must be a non-negative integer, not {value!r}")
        return value

    def named(check: Callable[[], T]) -> T:
        """A check's error with the file it came from in front."""
        try:
            return check()
        except ConfigError as err:
            raise ConfigError(f"{where}: {err}") from None

    device = table.get("device", "cpu")
    if device not in DEVICES:
        raise ConfigError(f"{where}: device must be one of {', '.join(DEVICES)}, not {device!r}")
    engine = EngineSettings(
        device=str(device),
        intra_threads=number("intra_threads", 1),
        inter_threads=number("inter_threads", 1),
        beam_size=max(1, number("beam_size", 2)),
        max_batch_size=max(1, number("max_batch_size", 32)),
    )
    pair_engines = table.get("engines", {})
    if not isinstance(pair_engines, dict) or not all(
        isinstance(k, str) and isinstance(v, str) and k.count("-") == 1
        for k, v in pair_engines.items()
    ):
        raise ConfigError(f'{where}: [tool.newsl10n.engines] maps "en-es" = "apertium"')
    return Settings(
        root=root,
        source=folder("source", "source_articles"),
        locales=folder("locales", "locales"),
        bundles=folder("bundles", "bundles"),
        glossary=folder("glossary", "glossaries"),
        targets=named(lambda: parse_languages(table.get("targets", DEFAULT_TARGETS), "targets")),
        candidates=named(
            lambda: parse_languages(table.get("candidates", DEFAULT_CANDIDATES), "candidates")
        ),
        engine=named(lambda: check_engine(str(table.get("engine", "argos")))),
        pair_engines=named(lambda: {k: check_engine(v) for k, v in pair_engines.items()}),
        engine_settings=engine,
    )


ENGINE_NAMES = ("argos", "apertium")
DEVICES = ("cpu", "cuda", "auto")  # what CTranslate2 accepts
# Where a Prefect run executes its per-language tasks (flows read NEWSL10N_TASK_RUNNER).
RUNNER_NAMES = ("threads", "processes", "dask")


def check_engine(name: str) -> str:
    if name not in ENGINE_NAMES:
        raise ConfigError(f"unknown engine {name!r} (available: {', '.join(ENGINE_NAMES)})")
    return name


def parse_languages(value: str | Iterable[str], what: str = "languages") -> tuple[str, ...]:
    """Comma-separated or listed language codes, validated against CLDR; order kept, no repeats."""
    items = value.split(",") if isinstance(value, str) else list(value)
    codes: list[str] = []
    for item in items:
        code = str(item).strip()
        if not code:
            continue
        check_language(code, what)
        if code not in codes:
            codes.append(code)
    if not codes:
        raise ConfigError(f"{what}: no language codes given")
    return tuple(codes)


_TAG = re.compile(r"([A-Za-z]{2,3})(?:[-_][A-Za-z0-9]{1,8})*")


def language_from_tag(tag: str, known: Collection[str] | None = None) -> str:
    """A language tag as written in front matter or a file (``en-US``, ``pt_BR``,
    ``zh-Hant``, ``EN``) as the bare code the project uses (``en``, ``pt``, ``zh``); it must
    be one of ``known`` when given. Anything else is a ConfigError naming the tag."""
    text = tag.strip()
    match = _TAG.fullmatch(text)
    if match is None:
        raise ConfigError(f"{text!r} is not a language tag (use e.g. en, pt-BR, zh-Hant)")
    code = check_language(match.group(1).lower(), what=repr(text))
    if known is not None and code not in known:
        raise ConfigError(
            f"{text!r}: language {code!r} is not configured (candidates: {', '.join(known)})"
        )
    return code


def check_language(code: str, what: str = "language") -> str:
    """A bare ISO 639 code that CLDR knows ("pt", "zh"); anything else is refused by name."""
    if not code.isascii() or not code.isalpha() or not 2 <= len(code) <= 3 or code != code.lower():
        raise ConfigError(f"{what}: {code!r} is not a language code (use e.g. ru, zh, es)")
    try:
        Locale.parse(code)
    except (UnknownLocaleError, ValueError):
        raise ConfigError(f"{what}: unknown language code {code!r}") from None
    return code
