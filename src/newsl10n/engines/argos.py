"""Argos Translate packages run directly on CTranslate2 and SentencePiece.

We use argostranslate for what it is good at offline (finding and installing packages)
and call the package's CTranslate2 model ourselves, because Argos' own translate path
splits sentences with a model it downloads on first use, and translates one paragraph per
call. Our segments are already sentences, so one batched call per article and language
is both offline and as fast as the model allows. Each model is loaded once and held until
the engine releases it (a batch does when a language is done).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import stat
import tempfile
import threading
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from newsl10n.config import EngineSettings
from newsl10n.errors import InputError, MissingModelError, TextRefused

PIVOT = "en"
# Inputs longer than this many tokens are cut at word boundaries before translation:
# a model's positions are finite, and a scraped run-on paragraph must not crash it.
MAX_INPUT_TOKENS = 200
# A segment beyond this many tokens (about 80 KB of English, 100 model calls) is refused
# with a message rather than keeping a run busy for an hour: a 1 MB one-line scrape.
MAX_SEGMENT_TOKENS = 20_000


@dataclass(frozen=True)
class PackageInfo:
    """An installed Argos package, as ``newsl10n models list`` shows it."""

    source: str
    target: str
    version: str
    path: Path

    @property
    def name(self) -> str:
        return f"translate-{self.source}_{self.target}"


def packages_dirs() -> list[Path]:
    """Where packages live: ``ARGOS_PACKAGES_DIR`` when set, else Argos' default folder."""
    env = os.environ.get("ARGOS_PACKAGES_DIR")
    if env:
        return [Path(env)]
    from argostranslate import settings

    return [Path(p) for p in settings.package_dirs]


def installed_packages() -> list[PackageInfo]:
    """Installed translation packages, newest version first for each pair."""
    from argostranslate import package

    found: list[PackageInfo] = []
    for folder in packages_dirs():
        if not folder.is_dir():
            continue
        for sub in sorted(folder.iterdir()):
            # A stray folder (no metadata.json) or an install in progress (hidden) is not a
            # package: skipping it keeps every lookup working.
            if sub.name.startswith(".") or not (sub / "metadata.json").is_file():
                continue
            try:
                pkg = package.Package(sub)
            except (OSError, ValueError, KeyError):
                continue
            if pkg.type != "translate" or not pkg.from_code or not pkg.to_code:
                continue
            found.append(
                PackageInfo(pkg.from_code, pkg.to_code, pkg.package_version, pkg.package_path)
            )
    return sorted(found, key=lambda p: (p.source, p.target, _version_key(p.version)), reverse=True)


def _version_key(version: str) -> tuple[int, ...]:
    return tuple(int(x) if x.isdigit() else 0 for x in version.replace("-", ".").split("."))


# A real package is 100-300 MB unpacked from about as much zip (model weights barely
# compress); far more, or a far higher ratio, is a zip bomb.
MAX_PACKAGE_BYTES = 4 * 1024**3
MAX_PACKAGE_RATIO = 50
_SAFE_TOP = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")


def install_package_file(path: Path) -> PackageInfo:
    """Install an ``.argosmodel`` file into the packages folder after checking its shape.

    Everything is checked before anything is written (member names relative and inside one
    top folder, no links, a total size bound, a translation package's metadata), then the
    package is extracted into a hidden temporary folder and renamed into place: a failed
    install leaves nothing behind.
    """
    try:
        with zipfile.ZipFile(path) as archive:
            top = _check_package(path, archive)
            target_dir = packages_dirs()[0]
            target_dir.mkdir(parents=True, exist_ok=True)
            staging = Path(tempfile.mkdtemp(prefix=".install-", dir=target_dir))
            try:
                _extract(path, archive, staging)
                final, old = target_dir / top, staging / ".replaced"
                if final.exists():
                    final.rename(old)  # an older version of the same package
                try:
                    (staging / top).rename(final)
                except OSError:
                    if old.exists():
                        old.rename(final)
                    raise
            finally:
                shutil.rmtree(staging, ignore_errors=True)
    except zipfile.BadZipFile as err:
        raise InputError(
            path, f"not an Argos package (.argosmodel files are zip archives): {err}"
        ) from None
    except OSError as err:
        raise InputError(path, f"cannot install: {err.strerror or err}") from None
    for info in installed_packages():
        if info.path.name == top:
            return info
    raise InputError(path, "installed, but the package is not a translation package")


def _check_package(path: Path, archive: zipfile.ZipFile) -> str:
    """The package's one top folder, or an InputError naming the first problem."""
    members = archive.infolist()
    tops: set[str] = set()
    total = 0
    for info in members:
        name = info.filename
        parts = name.split("/")
        if name.startswith("/") or "\\" in name or ":" in parts[0] or ".." in parts or "." in parts:
            raise InputError(path, f"member {name!r} is not a relative path inside the package")
        if stat.S_ISLNK(info.external_attr >> 16):
            raise InputError(path, f"member {name!r} is a link; packages hold plain files")
        tops.add(parts[0])
        total += info.file_size
    if len(tops) != 1 or not _SAFE_TOP.fullmatch(top := next(iter(tops))):
        raise InputError(path, "not an Argos package: expected one folder with metadata.json")
    if f"{top}/metadata.json" not in archive.namelist():
        raise InputError(path, "not an Argos package: expected one folder with metadata.json")
    packed = max(1, sum(info.compress_size for info in members))
    if total > MAX_PACKAGE_BYTES or (total > 10 * 1024**2 and total / packed > MAX_PACKAGE_RATIO):
        raise InputError(
            path, f"unpacks to {total / 1024**2:,.0f} MB from {packed / 1024**2:,.1f} MB: refused"
        )
    try:
        meta = json.loads(archive.read(f"{top}/metadata.json"))
    except ValueError as err:
        raise InputError(path, f"{top}/metadata.json is not valid JSON: {err}") from None
    if not isinstance(meta, dict) or not meta.get("from_code") or not meta.get("to_code"):
        raise InputError(path, "not a translation package: metadata.json has no from_code/to_code")
    if meta.get("type", "translate") != "translate":
        raise InputError(path, f"not a translation package (type {meta.get('type')!r})")
    return top


def _extract(path: Path, archive: zipfile.ZipFile, into: Path) -> None:
    """Members as plain files under ``into``, counting the bytes really written (a header
    may lie about sizes)."""
    written = 0
    for info in archive.infolist():
        target = into / info.filename
        if info.is_dir():
            target.mkdir(parents=True, exist_ok=True)
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        with archive.open(info) as source, target.open("wb") as sink:
            while chunk := source.read(1 << 20):
                written += len(chunk)
                if written > MAX_PACKAGE_BYTES:
                    raise InputError(
                        path, f"unpacks to over {MAX_PACKAGE_BYTES // 1024**2} MB: refused"
                    )
                sink.write(chunk)


class _Model:
    """A loaded CTranslate2 translator with its SentencePiece processor."""

    def __init__(self, path: Path, settings: EngineSettings, target_prefix: str) -> None:
        import ctranslate2
        import sentencepiece

        self.translator: Any = ctranslate2.Translator(
            str(path / "model"),
            device=settings.device,
            inter_threads=settings.inter_threads,
            intra_threads=settings.intra_threads,
        )
        self.sp: Any = sentencepiece.SentencePieceProcessor(
            model_file=str(path / "sentencepiece.model")
        )
        self.target_prefix = target_prefix
        self.settings = settings

    def translate(self, texts: Sequence[str]) -> list[str]:
        return [options[0] for options in self.hypotheses(texts, 1)]

    def hypotheses(self, texts: Sequence[str], n: int) -> list[list[str]]:
        """Up to ``n`` outputs per text, best first."""
        return [[text for text, _score in options] for options in self.scored(texts, n)]

    def scored(self, texts: Sequence[str], n: int) -> list[list[tuple[str, float]]]:
        """Up to ``n`` (output, score) per text, best first; a text cut into chunks pairs
        the chunks' hypotheses by rank, with the mean of their scores."""
        pieces: list[list[str]] = []
        owners: list[int] = []
        for i, text in enumerate(texts):
            tokens = self.sp.encode(text, out_type=str)
            _check_length(tokens, text)
            for chunk in _chunks(tokens, MAX_INPUT_TOKENS):
                pieces.append(chunk)
                owners.append(i)
        if not pieces:
            return [[("", 0.0)] for _ in texts]
        prefix = [[self.target_prefix]] * len(pieces) if self.target_prefix else None
        results = self.translator.translate_batch(
            pieces,
            target_prefix=prefix,
            beam_size=max(self.settings.beam_size, n),
            num_hypotheses=n,
            return_alternatives=False,
            return_scores=True,
            max_batch_size=self.settings.max_batch_size,
            replace_unknowns=True,
            length_penalty=0.2,
        )
        chunks: list[list[list[tuple[str, float]]]] = [[] for _ in texts]
        for owner, result in zip(owners, results, strict=True):
            decoded = []
            scores = list(result.scores) or [0.0] * len(result.hypotheses)
            for tokens, score in zip(result.hypotheses, scores, strict=False):
                if self.target_prefix and tokens[:1] == [self.target_prefix]:
                    tokens = tokens[1:]
                decoded.append((self.sp.decode_pieces(tokens).strip(), float(score)))
            chunks[owner].append(decoded)
        outputs: list[list[tuple[str, float]]] = []
        for parts in chunks:
            if not parts:
                outputs.append([("", 0.0)])
                continue
            count = max(len(p) for p in parts)
            ranked = ([p[min(j, len(p) - 1)] for p in parts if p] for j in range(count))
            outputs.append(
                [
                    (
                        " ".join(text for text, _ in options if text),
                        sum(score for _, score in options) / len(options),
                    )
                    for options in ranked
                ]
            )
        return outputs


_SENTENCE_END = tuple(".!?。！？…")
_CLAUSE_END = tuple(',;:，；：、—)»”"')


def _chunks(tokens: list[str], limit: int) -> list[list[str]]:
    """Cut a long token list into pieces of at most ``limit``: after a sentence end if the
    second half of the window has one, else after a clause mark, else at a word start."""
    chunks: list[list[str]] = []
    start = 0
    while len(tokens) - start > limit:
        window = range(start + limit // 2, start + limit)
        cut = next(
            (
                i
                for ends in (_SENTENCE_END, _CLAUSE_END)
                for i in reversed(window)
                if tokens[i - 1].endswith(ends) and tokens[i].startswith("▁")
            ),
            max((i for i in window if tokens[i].startswith("▁")), default=start + limit),
        )
        chunks.append(tokens[start:cut])
        start = cut
    if start < len(tokens):
        chunks.append(tokens[start:])
    return chunks


def _check_length(tokens: list[str], text: str) -> None:
    if len(tokens) > MAX_SEGMENT_TOKENS:
        raise TextRefused(
            f"a segment of {len(tokens):,} tokens ({text[:40]!r}...) is over the "
            f"{MAX_SEGMENT_TOKENS:,}-token limit for one segment: split that paragraph"
        )


_MAX_SCORES = 100_000
_ModelKey = tuple[Path, EngineSettings]
_MODELS: dict[_ModelKey, _Model] = {}
_MODELS_LOCK = threading.Lock()
_LOADS = [0]  # models this process has loaded


def _load(path: Path, settings: EngineSettings, target_prefix: str) -> _Model:
    """One model object per package and settings, held until released (``release``)."""
    key = (path, settings)
    with _MODELS_LOCK:
        model = _MODELS.get(key)
        if model is None:
            model = _MODELS[key] = _Model(path, settings, target_prefix)
            _LOADS[0] += 1
        return model


def loaded_model_count() -> int:
    """Models this process has loaded (one released and loaded again counts twice)."""
    return _LOADS[0]


def held_model_count() -> int:
    """Models loaded and not released: what the process holds in memory now."""
    with _MODELS_LOCK:
        return len(_MODELS)


class ArgosEngine:
    """The default engine: installed Argos packages, pivoting through English if needed."""

    name = "argos"

    def __init__(self, settings: EngineSettings | None = None) -> None:
        self.settings = settings or EngineSettings()
        self._scores: dict[tuple[str, str, str], float] = {}
        self._scores_lock = threading.Lock()
        self._used: set[_ModelKey] = set()

    def _model(self, info: PackageInfo) -> _Model:
        self._used.add((info.path, self.settings))
        return _load(info.path, self.settings, _target_prefix(info.path))

    def release(self) -> None:
        """Let go of the models this engine used: a batch calls it when a language is done,
        so a run into four languages holds at most as many models as it runs at once (an
        Argos-size model with its translation buffers is about 190 MB). A later use loads
        the model again."""
        with _MODELS_LOCK:
            for key in self._used:
                _MODELS.pop(key, None)
        self._used.clear()

    def score(self, text: str, source: str, target: str) -> float | None:
        """The model's score of its latest translation of ``text`` (source → target; the
        least confident leg of a pivot), or None when it has not translated it."""
        with self._scores_lock:
            return self._scores.get((source, target, text))

    def _record(
        self, texts: Sequence[str], source: str, target: str, legs: list[list[float]]
    ) -> None:
        with self._scores_lock:
            if len(self._scores) > _MAX_SCORES:  # a long-lived process: forget old ones
                self._scores.clear()
            for i, text in enumerate(texts):
                self._scores[(source, target, text)] = min(leg[i] for leg in legs)

    def route(self, source: str, target: str) -> list[PackageInfo]:
        """Packages to chain for the pair: direct, else source→en→target."""
        by_pair: dict[tuple[str, str], PackageInfo] = {}
        for info in installed_packages():
            by_pair.setdefault((info.source, info.target), info)
        if (source, target) in by_pair:
            return [by_pair[(source, target)]]
        if PIVOT not in (source, target) and {(source, PIVOT), (PIVOT, target)} <= by_pair.keys():
            return [by_pair[(source, PIVOT)], by_pair[(PIVOT, target)]]
        missing = [
            f"{a}-{b}"
            for a, b in (
                [(source, target)]
                if PIVOT in (source, target)
                else [(source, PIVOT), (PIVOT, target)]
            )
            if (a, b) not in by_pair
        ]
        hint = (
            f"install it with `newsl10n models download {' '.join(missing)}` "
            "or `newsl10n models install FILE.argosmodel`"
        )
        raise MissingModelError(source, target, hint)

    def model_version(self, source: str, target: str) -> str:
        if source == target:
            return "identity"
        return " + ".join(f"argos {p.name} {p.version}" for p in self.route(source, target))

    def translate(self, texts: Sequence[str], source: str, target: str) -> list[str]:
        if source == target:
            return list(texts)
        outputs = list(texts)
        legs: list[list[float]] = []
        for info in self.route(source, target):
            model = self._model(info)
            best = [options[0] for options in model.scored(outputs, 1)]
            outputs = [text for text, _score in best]
            legs.append([score for _text, score in best])
        self._record(texts, source, target, legs)
        return outputs

    def hypotheses(self, texts: Sequence[str], source: str, target: str, n: int) -> list[list[str]]:
        """Up to ``n`` translations per text, best first (glossary enforcement picks one
        that keeps every protected term); a pivot varies only the last leg."""
        if source == target:
            return [[text] for text in texts]
        route = self.route(source, target)
        outputs = list(texts)
        for info in route[:-1]:
            outputs = self._model(info).translate(outputs)
        last = route[-1]
        return self._model(last).hypotheses(outputs, n)


def _target_prefix(path: Path) -> str:
    try:
        meta = json.loads((path / "metadata.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return ""
    return str(meta.get("target_prefix", ""))
