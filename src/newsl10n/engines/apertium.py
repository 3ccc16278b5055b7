"""Apertium: rule-based machine translation that runs fully offline, as a second opinion.

Apertium covers fewer pairs than Argos (en→es, en→ca, en→gl, es↔ca, …) and reads names
word by word ("Kim Il Sung Square" comes out as "Kim Il Plaza Cantada"), so it is used
with glossary enforcement (``glossary/enforce.py``): its ``glossary_strategies`` name the ones that
work on it.

One ``apertium`` process per batch. The segments go in as one HTML document, a
``<p id="nlN">`` paragraph each, with their text escaped: Apertium's HTML format handler
copies tags byte for byte (they are "superblanks" to it), ends a sentence at every
paragraph and keeps a newline inside one, so nothing is moved from one segment to the
next. The ids are checked on the way back: a lost or merged segment is an error, never a
shifted translation. ``-u`` drops the ``*`` Apertium puts on unknown words (mostly names),
which then pass through as written.

Pairs are the installed modes (``apertium -l``): ``eng-spa`` serves en→es and ``en-gl``
en→gl, with ISO 639-3 codes mapped to ours by CLDR's aliases (babel). A variant mode
(``eng-cat_valencia``) is used only when asked for with ``modes={"en-ca": ...}``. The
model version is the Debian package's (``dpkg-query``). ``datadir`` (or Apertium's own
``APERTIUM_DATADIR``) points at another folder of modes (``DIR/modes/*.mode``), e.g. a
repaired copy of a broken one.

Apertium's shell pipeline can fail without saying so: Debian's apertium-rus-ukr 0.2.1-4
segfaults in its tagger stage, ``apertium`` still exits 0 and hands back the input. So a
crash named on stderr, or a batch whose sentences come back unchanged, is an error naming
the pair, never a translation.
"""

from __future__ import annotations

import html
import re
import shutil
import subprocess
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from newsl10n.config import EngineSettings
from newsl10n.errors import MissingModelError, Newsl10nError

COMMAND = "apertium"
# Strategies of glossary.enforce.translate_with_glossary that suit Apertium, in order: its own
# output first (it inflects names it knows: "Moscú", "de Putin"), then ``{1}``
# placeholders, which it keeps byte for byte in every position tests/engines/test_apertium.py
# tries; ``inline`` is left out (Apertium translates a target form written into the
# English: "plaza Kim Il-sung" becomes "plaza Kim Il-cantado").
GLOSSARY_STRATEGIES: tuple[str, ...] = ("plain", "braces", "letters")
# Seconds allowed for one batch: start-up (about 1 s) plus generous time per segment.
TIMEOUT_BASE = 60.0
TIMEOUT_PER_SEGMENT = 1.0

_ID = "nl"
_PARAGRAPH = re.compile(rf'<p id="{_ID}(\d+)">(.*?)</p>', re.DOTALL)
# Control characters Apertium would drop anyway (\t and \n it keeps).
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f]")
_MODE = re.compile(r"^([a-z]{2,3})-([a-z]{2,3})(?:_(\w[\w-]*))?$")
# Marks Apertium may put on a word: * unknown, @ not in the bilingual dictionary,
# # cannot be inflected. ``-u`` removes the first two; all three are removed defensively
# when the source itself has none of the character.
_MARKS = "*@#"
_SPACES = re.compile(r" {2,}")
# What a crashed stage leaves on stderr (bash, glibc, C++ runtimes).
_CRASH = re.compile(
    r"Segmentation fault|core dumped|Aborted|Bus error|Killed|terminate called|"
    r"Illegal instruction|Floating point exception"
)
# A segment is a sentence for the echo check when it has this many words of two letters
# or more, one of them lowercase (a credit "Gavriil Grigorov / Sputnik" may stay as is).
SENTENCE_WORDS = 3
# Fewer sentences than this prove nothing (close pairs such as es→ca can leave a short
# sentence or two as they are); an article's first batch has many more.
ECHO_MIN_SENTENCES = 3
_LETTER_WORD = re.compile(r"(?<!\w)[^\W\d_]{2,}(?!\w)")


class ApertiumError(Newsl10nError):
    """The apertium command failed, or its output cannot be matched with the input."""


@dataclass(frozen=True)
class Mode:
    """An installed Apertium translation direction, with our language codes."""

    name: str  # as ``apertium -l`` lists it: "eng-spa", "eng-cat_valencia"
    source: str  # "en"
    target: str  # "es"
    variant: str = ""  # "valencia"

    @property
    def pair(self) -> tuple[str, str]:
        """The two language codes of the mode's name, as Apertium writes them."""
        first, second = self.name.split("_", 1)[0].split("-")
        return first, second


def parse_mode(name: str) -> Mode | None:
    """A mode name as ``apertium -l`` prints it, or None for anything else."""
    found = _MODE.match(name.strip())
    if found is None:
        return None
    return Mode(found[0], iso639_1(found[1]), iso639_1(found[2]), found[3] or "")


@lru_cache(maxsize=1)
def _aliases() -> dict[str, str]:
    from babel.core import get_global

    return {str(k): str(v) for k, v in get_global("language_aliases").items()}


def iso639_1(code: str) -> str:
    """Our code for an Apertium one: "eng" → "en", "glg" → "gl" (CLDR's aliases).

    Two-letter codes, and three-letter ones without a plain two-letter alias ("ast"; "hbs",
    whose alias names a script too), stay as they are.
    """
    if len(code) == 3:
        alias = _aliases().get(code, "")
        if alias.isalpha() and alias.islower():
            return alias
    return code


def _iso639_3(code: str) -> str:
    """Best guess at the three-letter code Apertium's package names use, for hints only."""
    if len(code) == 3:
        return code
    try:
        from lingua import IsoCode639_1, Language

        found = Language.from_iso_code_639_1(getattr(IsoCode639_1, code.upper()))
        return str(found.iso_code_639_3.name.lower())
    except (ImportError, AttributeError, ValueError):
        pass
    candidates = sorted(k for k, v in _aliases().items() if v == code and len(k) == 3)
    return candidates[0] if len(candidates) == 1 else code


def installed_modes(command: str = COMMAND, datadir: Path | None = None) -> list[Mode]:
    """The translation directions ``apertium -l`` lists; [] when apertium is not installed."""
    path = shutil.which(command)
    if path is None:
        return []
    args = [path, *(["-d", str(datadir)] if datadir else []), "-l"]
    try:
        proc = subprocess.run(args, capture_output=True, timeout=TIMEOUT_BASE, check=False)
    except (OSError, subprocess.TimeoutExpired) as err:
        raise ApertiumError(f"`{command} -l` failed: {err}") from err
    out = proc.stdout.decode("utf-8", errors="replace")
    if proc.returncode != 0:
        detail = (proc.stderr.decode("utf-8", errors="replace") + out).strip()
        raise ApertiumError(f"`{command} -l` failed (exit {proc.returncode}): {detail}")
    modes = (parse_mode(line) for line in out.splitlines())
    return [mode for mode in modes if mode is not None]


def package_version(mode: Mode) -> tuple[str, str] | None:
    """(package, version) of the installed Debian package that provides a mode, if any.

    Apertium packages name a pair in one order for both directions (spa-eng is in
    apertium-eng-spa), so both orders are asked for.
    """
    dpkg = shutil.which("dpkg-query")
    if dpkg is None:
        return None
    first, second = mode.pair
    names = [f"apertium-{first}-{second}", f"apertium-{second}-{first}"]
    try:
        proc = subprocess.run(
            [dpkg, "-W", "-f=${Package}\t${db:Status-Status}\t${Version}\n", *names],
            capture_output=True,
            timeout=TIMEOUT_BASE,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    found: dict[str, str] = {}
    for line in proc.stdout.decode("utf-8", errors="replace").splitlines():
        parts = line.split("\t")
        if len(parts) == 3 and parts[1] == "installed" and parts[2]:
            found[parts[0]] = parts[2]
    return next(((name, found[name]) for name in names if name in found), None)


@lru_cache(maxsize=4)
def _listed_packages(apt_cache: str) -> tuple[str, ...]:
    """Package names starting "apertium-" in the local lists (seconds without apt's cache)."""
    try:
        proc = subprocess.run(
            [apt_cache, "pkgnames", "apertium-"],
            capture_output=True,
            timeout=TIMEOUT_BASE,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired):
        return ()
    return tuple(proc.stdout.decode("utf-8", errors="replace").split())


def package_for(source: str, target: str) -> tuple[str | None, bool]:
    """The Debian package with the pair, and whether the local package lists said so.

    Asks ``apt-cache`` (offline: it reads the lists ``apt-get update`` left). Without
    lists, guesses from the usual naming (apertium-eng-spa); with lists that have no
    package for the pair, (None, True): Debian does not have it.
    """
    apt_cache = shutil.which("apt-cache")
    names = _listed_packages(apt_cache) if apt_cache else ()
    if not names:
        return f"apertium-{_iso639_3(source)}-{_iso639_3(target)}", False
    matching = []
    for name in names:
        mode = parse_mode(name.removeprefix("apertium-"))
        if mode is not None and not mode.variant and {mode.source, mode.target} == {source, target}:
            matching.append(name)
    # Current packages use three-letter codes; the two-letter ones are transitional dummies.
    return (max(matching, key=lambda n: (len(n), n)) if matching else None), True


def install_hint(source: str, target: str, with_apertium: bool) -> str:
    """What to run to get a pair: the exact ``apt-get install`` line when there is one."""
    package, listed = package_for(source, target)
    base = "apertium " if with_apertium else ""
    if package is None:
        if with_apertium:
            return (
                "Apertium is not installed (`apt-get install apertium`), and the package "
                f"lists have no Apertium pair for {source}→{target} "
                "(`apt-cache search apertium` lists the pairs)"
            )
        return (
            f"the package lists have no Apertium pair for {source}→{target} "
            "(`apt-cache search apertium` lists the pairs)"
        )
    line = f"`apt-get install {base}{package}`"
    if not listed:
        line += " (package name guessed; `apt-cache search apertium` lists the pairs)"
    if with_apertium:
        return f"Apertium is not installed: {line}"
    return f"install the Apertium pair with {line}"


class ApertiumEngine:
    """Installed Apertium modes, one ``apertium`` process per batch; no pivoting."""

    name = "apertium"
    glossary_strategies = GLOSSARY_STRATEGIES

    def __init__(
        self,
        settings: EngineSettings | None = None,
        *,
        modes: Mapping[str, str] | None = None,
        command: str = COMMAND,
        timeout: float | None = None,
        datadir: str | Path | None = None,
    ) -> None:
        """``modes`` picks a mode for a pair ("en-ca": "eng-cat_valencia"); ``timeout`` is
        seconds per batch (default: 60 plus 1 per segment); ``datadir`` is a folder whose
        ``modes/`` replaces the installed ones (``apertium -d``)."""
        self.settings = settings or EngineSettings()  # accepted for get_engine; unused
        self.overrides = dict(modes or {})
        self.command = command
        self.timeout = timeout
        self.datadir = Path(datadir) if datadir else None
        self._modes: list[Mode] | None = None
        self._versions: dict[str, str] = {}
        self._lock = threading.Lock()

    # ------------------------------------------------------------ pairs and versions

    def modes(self) -> list[Mode]:
        """Installed modes, listed once per engine."""
        with self._lock:
            if self._modes is None:
                self._modes = installed_modes(self.command, self.datadir)
            return list(self._modes)

    def mode(self, source: str, target: str) -> Mode:
        """The mode for a pair; raises MissingModelError with the apt-get line to run."""
        modes = self.modes()
        wanted = self.overrides.get(f"{source}-{target}")
        if wanted is not None:
            for mode in modes:
                if mode.name == wanted:
                    return mode
        else:
            for mode in modes:
                if (mode.source, mode.target) == (source, target) and not mode.variant:
                    return mode
        raise MissingModelError(source, target, self._hint(source, target, modes, wanted))

    def _hint(self, source: str, target: str, modes: list[Mode], wanted: str | None) -> str:
        if shutil.which(self.command) is None:
            return install_hint(source, target, with_apertium=True)
        variants = [m.name for m in modes if (m.source, m.target) == (source, target)]
        if wanted is not None:
            return (
                f"Apertium mode {wanted} is not installed (installed for the pair: "
                f"{', '.join(variants) or 'none'}; `{self.command} -l` lists the modes)"
            )
        hint = install_hint(source, target, with_apertium=False)
        if variants:
            hint += f"; only variant modes are installed: {', '.join(variants)} (choose one)"
        return hint

    def model_version(self, source: str, target: str) -> str:
        """The mode and its package's version, e.g. "apertium eng-spa 0.8.1-2"."""
        if source == target:
            return "identity"
        mode = self.mode(source, target)
        with self._lock:
            version = self._versions.get(mode.name)
        if version is None:
            found = package_version(mode)
            version = found[1] if found else "(version unknown)"
            with self._lock:
                self._versions[mode.name] = version
        return f"apertium {mode.name} {version}"

    # ------------------------------------------------------------ translation

    def translate(self, texts: Sequence[str], source: str, target: str) -> list[str]:
        """One output per input, in order; empty or blank inputs come back unchanged."""
        if source == target:
            return list(texts)
        mode = self.mode(source, target)
        outputs = list(texts)
        jobs: list[tuple[int, str, str, str]] = []  # index, leading space, text, trailing
        for i, text in enumerate(texts):
            clean = _CONTROL.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))
            core = clean.strip()
            if not core:
                continue
            lead = clean[: len(clean) - len(clean.lstrip())]
            trail = clean[len(clean.rstrip()) :]
            jobs.append((i, lead, core, trail))
        if not jobs:
            return outputs
        cores = [core for _, _, core, _ in jobs]
        tidied = [_tidy(out, core) for out, core in zip(self.run(mode, cores), cores, strict=True)]
        check_not_echoed(mode, cores, tidied)
        for (i, lead, _, trail), out in zip(jobs, tidied, strict=True):
            outputs[i] = lead + out + trail
        return outputs

    def run(self, mode: Mode, texts: Sequence[str]) -> list[str]:
        """Raw translations of non-empty texts by one ``apertium`` process."""
        document = "".join(
            f'<p id="{_ID}{n}">{html.escape(text, quote=False)}</p>\n'
            for n, text in enumerate(texts)
        )
        timeout = self.timeout or TIMEOUT_BASE + TIMEOUT_PER_SEGMENT * len(texts)
        datadir = ["-d", str(self.datadir)] if self.datadir else []
        args = [self.command, *datadir, "-u", "-f", "html", mode.name]
        try:
            proc = subprocess.run(
                args,
                input=document.encode("utf-8"),
                capture_output=True,
                timeout=timeout,
                check=False,
            )
        except subprocess.TimeoutExpired as err:
            raise ApertiumError(
                f"apertium {mode.name}: no answer in {timeout:.0f} s for {len(texts)} segments"
            ) from err
        except OSError as err:
            raise ApertiumError(f"apertium {mode.name}: cannot run {self.command}: {err}") from err
        out = proc.stdout.decode("utf-8", errors="replace")
        stderr = proc.stderr.decode("utf-8", errors="replace")
        if proc.returncode != 0:
            detail = (stderr + out).strip()[-500:]
            raise ApertiumError(f"apertium {mode.name} failed (exit {proc.returncode}): {detail}")
        crash = _CRASH.search(stderr)
        if crash is not None:
            line = next(ln for ln in stderr.splitlines() if crash.group() in ln).strip()[-300:]
            raise ApertiumError(
                f"apertium {mode.name}: a stage crashed ({line}) although apertium exited 0: "
                "is the pair installed correctly?"
            )
        found = _PARAGRAPH.findall(out)
        if [int(n) for n, _ in found] != list(range(len(texts))):
            detail = proc.stderr.decode("utf-8", errors="replace").strip()[-500:]
            raise ApertiumError(
                f"apertium {mode.name} returned {len(found)} of {len(texts)} segments"
                + (f": {detail}" if detail else "")
            )
        return [html.unescape(body) for _, body in found]


def check_not_echoed(mode: Mode, sources: Sequence[str], outputs: Sequence[str]) -> None:
    """Raise when most sentences of a batch came back as they went in (at least
    ``ECHO_MIN_SENTENCES`` of them).

    A rule-based engine translates the words it knows even in a sentence full of names; a
    batch returned unchanged is a broken pipeline (a stage that died and let the input
    through), never a translation.
    """
    sentences = [(src, out) for src, out in zip(sources, outputs, strict=True) if _is_sentence(src)]
    echoed = sum(" ".join(src.split()) == " ".join(out.split()) for src, out in sentences)
    if len(sentences) >= ECHO_MIN_SENTENCES and echoed * 2 > len(sentences):
        raise ApertiumError(
            f"apertium {mode.name} returned its input for {echoed} of {len(sentences)} "
            "segments: is the pair installed correctly?"
        )


def _is_sentence(text: str) -> bool:
    words = _LETTER_WORD.findall(text)
    return len(words) >= SENTENCE_WORDS and any(w[0].islower() for w in words)


def _tidy(output: str, source: str) -> str:
    """Apertium's output as a segment: no word marks, single spaces, no outer spaces."""
    for mark in _MARKS:
        if mark not in source:
            output = re.sub(rf"{re.escape(mark)}(?=\w)", "", output)
    if "  " not in source:
        output = _SPACES.sub(" ", output)
    return output.strip()
