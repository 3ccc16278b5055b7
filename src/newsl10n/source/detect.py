"""Language detection for whole articles and for their segments (sentences, headings, captions).

How a text is judged (:func:`detect_language`):

1. **Script evidence** (:func:`script_hint`, pure and cheap). The letters of the text are sorted
   into scripts; the dominant one narrows the candidates: Hangul means Korean, kana means
   Japanese (one stray kana in long Han text does not), Arabic letters mean Arabic, Han
   without kana or Hangul is never Korean and is Chinese unless it holds kanji that exist
   only in Japanese; Cyrillic ``і ї є ґ`` (or the apostrophe of п'ять) rule out Russian
   and ``ы э ъ ё`` rule out Ukrainian. When a single candidate is left, that is the answer
   (reason ``"script"``).
2. **Statistics** among the candidates that the script leaves: lingua (high-accuracy n-gram
   models shipped in its wheel) decides short text. From :data:`LONG_TEXT_CHARS` letters on,
   langdetect (seeded, so deterministic) is averaged in and the average decides.

Measured on real human-written text in 10 languages (tests/fixtures/langid, rerun with
``scripts/eval_langid.py``): on 4-40 character segments lingua alone is right 97.5%,
langdetect alone 88.8%, this module 97.6%; on paragraphs all are right (langdetect alone
98.3%: it calls Traditional Chinese Korean, which the script rule forbids).

:func:`detect_segments` adds the inheritance rule: a segment that is too short to judge, or
whose verdict is unsure, takes the article's language, unless its script cannot be the
article's (a Cyrillic quote in an English article keeps its own language). When lingua is
unsure whether a sentence leaves the article's language, langdetect gives a second opinion.

Models are loaded once per process, a script's languages together on the first text in that
script that lingua weighs, in parallel (:func:`_preload`; 260 MB for all 10). Pass
``candidates``: without them every language lingua knows (75) is in play, which is slower to
load (~20 s), needs over 1 GB and is less accurate. Nothing here touches the network: both
detectors ship their models inside their packages.
"""

from __future__ import annotations

import os
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from newsl10n.scripts import ARABIC, CYRILLIC, HAN, HANGUL, KANA, LATIN, OTHER, script_of

if TYPE_CHECKING:
    from lingua import LanguageDetector

__all__ = [
    "CONFIDENT",
    "HAN_ONLY_ZH",
    "LONG_TEXT_CHARS",
    "MIN_CHARS_TO_JUDGE",
    "SECOND_OPINION_CHARS",
    "Detection",
    "detect_language",
    "detect_segments",
    "dominant_script",
    "script_hint",
    "supported_languages",
]

#: A segment with fewer letters (not characters: digits, spaces and punctuation do not count)
#: than this takes the article's language, unless its script alone says otherwise (see
#: :func:`detect_segments`). On the tuning sample, lingua was right on 75% of the texts with
#: under 4 letters and on 94% of those with 4-7.
MIN_CHARS_TO_JUDGE: int = 4

#: A segment whose verdict differs from the article's language keeps its own language only with
#: at least this confidence (again unless its script cannot be the article's). On the tuning
#: sample, lingua's answers at 0.8 or more were right 99.8% of the time.
CONFIDENT: float = 0.8

#: From this many letters on, langdetect's probabilities are averaged with lingua's, and the
#: average decides.
LONG_TEXT_CHARS: int = 100

#: Below :data:`LONG_TEXT_CHARS`, lingua decides. In :func:`detect_segments`, when lingua's
#: answer for a segment of at least this many letters is another language than the article's
#: but unsure (below :data:`CONFIDENT`), langdetect is asked too and the confidence becomes the
#: average of both for lingua's answer. Lingua is under-confident on plain sentences ("What
#: happens when I suspend my computer?" 0.72), and the agreement of two detectors is what
#: lets such a quoted sentence keep its language. Asked only then, it costs next to nothing.
SECOND_OPINION_CHARS: int = 16

#: Probability given to Chinese for Han-only text (no kana, no Hangul, no Japanese-only kanji)
#: when both zh and ja are candidates. Kept below :data:`CONFIDENT` on purpose: such a text is
#: normally Chinese, but a kana-less heading in a Japanese article (首相官邸) is Japanese.
HAN_ONLY_ZH: float = 0.75

UNDETERMINED = "und"


@dataclass(frozen=True)
class Detection:
    """The language of one text."""

    lang: str  # ISO 639-1 code, or "und" when nothing can be said (empty, only digits/punct)
    confidence: float  # 0..1
    reason: str  # "script", "lingua", "lingua+langdetect", "inherited", "empty", "unknown"


# --------------------------------------------------------------------------- script evidence

# Languages written (mainly) in each script, among those the detectors know.
_LANGS_BY_SCRIPT: dict[str, frozenset[str]] = {
    HANGUL: frozenset({"ko"}),
    KANA: frozenset({"ja"}),
    HAN: frozenset({"zh", "ja"}),
    ARABIC: frozenset({"ar", "fa", "ur"}),
    CYRILLIC: frozenset({"ru", "uk", "be", "bg", "mk", "sr", "kk", "mn"}),
}

_SYLLABLE_WEIGHT = 3
_SHORT_HAN = 40  # Han characters up to which a single kana makes the text Japanese
_KANA_SHARE = 0.05  # of the Han count, in longer text (real Japanese: 0.2 and more)

_UK_ONLY = frozenset("іїєґІЇЄҐ")
_RU_ONLY = frozenset("ыэъёЫЭЪЁ")
_APOSTROPHES = frozenset("'’ʼ")
_IOTATED = frozenset("яюєїЯЮЄЇ")  # Ukrainian writes the apostrophe only before these


def _encodes(ch: str, codec: str) -> bool:
    try:
        ch.encode(codec)
    except UnicodeEncodeError:
        return False
    return True


@cache
def _japanese_only_kanji(ch: str) -> bool:
    """True for a kanji in JIS X 0208 that neither GB 2312 (simplified) nor Big5 (traditional)
    has: Japanese shinjitai forms and kokuji such as 聴 覚 続 拡 込 働."""
    return _encodes(ch, "shift_jis") and not _encodes(ch, "gb2312") and not _encodes(ch, "big5")


@dataclass(frozen=True)
class _Letters:
    """Letter counts of one text by script, plus the language-specific signals."""

    counts: dict[str, int]
    uk_marks: int
    ru_marks: int
    ja_kanji: int

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    def dominant(self) -> str | None:
        """Dominant script. Han and kana count together, and a Hangul, Han or kana character
        weighs as much as :data:`_SYLLABLE_WEIGHT` alphabetic letters (it carries a syllable or
        a word): "GNOME 계산기" is Korean, "Samsung (삼성) reported" English."""
        if not self.total:
            return None
        groups = {s: n for s, n in self.counts.items() if s not in (HAN, KANA)}
        if HANGUL in groups:
            groups[HANGUL] *= _SYLLABLE_WEIGHT
        cjk = (self.counts.get(HAN, 0) + self.counts.get(KANA, 0)) * _SYLLABLE_WEIGHT
        best = max(sorted(groups), key=lambda s: groups[s], default=None)
        if cjk and (best is None or cjk >= groups[best]):
            return KANA if self._kana_decides() else HAN
        return best

    def _kana_decides(self) -> bool:
        """Kana make Han text Japanese: any kana in short text (a headline may hold one
        particle), a share of :data:`_KANA_SHARE` in long text. Real Japanese prose is a
        fifth kana or more; a Chinese page may carry one stray kana in a mis-decoded line,
        which must not make the whole article Japanese."""
        kana, han = self.counts.get(KANA, 0), self.counts.get(HAN, 0)
        return bool(kana) and (han <= _SHORT_HAN or kana >= _KANA_SHARE * han)


def _letters(text: str) -> _Letters:
    counts: dict[str, int] = {}
    uk_marks = ru_marks = ja_kanji = 0
    prev_cyr = False
    n = len(text)
    for i, ch in enumerate(text):
        if not ch.isalpha():
            # Ukrainian writes an apostrophe inside words (м'ясо, комп'ютер), Russian does not
            # (Russian О'Нил has it before a consonant).
            if ch in _APOSTROPHES and prev_cyr and i + 1 < n and text[i + 1] in _IOTATED:
                uk_marks += 1
            prev_cyr = False
            continue
        script = script_of(ch)
        counts[script] = counts.get(script, 0) + 1
        prev_cyr = script == CYRILLIC
        if prev_cyr:
            if ch in _UK_ONLY:
                uk_marks += 1
            elif ch in _RU_ONLY:
                ru_marks += 1
        elif script == HAN and _japanese_only_kanji(ch):
            ja_kanji += 1
    return _Letters(counts, uk_marks, ru_marks, ja_kanji)


def dominant_script(text: str) -> str | None:
    """The script most of the text's letters are in: "latin", "cyrillic", "arabic", "hangul",
    "kana" (Japanese: kana present among Han/kana), "han" (Han only), "other"; None if the text
    has no letters."""
    return _letters(text).dominant()


def _han_is_japanese(info: _Letters) -> bool:
    """Kana-less Han text that holds kanji existing only in Japanese. A short one is a Japanese
    heading; a long one must be made of them to a good part (real Japanese prose has kana)."""
    han = info.counts.get(HAN, 0)
    return bool(info.ja_kanji) and (han <= 20 or info.ja_kanji * 10 >= han)


def _cyrillic_pick(info: _Letters) -> str | None:
    """ "uk" or "ru" when only one of them has letters in the text that the other lacks."""
    if info.uk_marks and not info.ru_marks:
        return "uk"
    if info.ru_marks and not info.uk_marks:
        return "ru"
    return None


def script_hint(text: str) -> str | None:
    """The language the letters' script alone implies, or None if the script does not decide.

    Judged on the dominant script (:func:`dominant_script`): Hangul → "ko"; kana → "ja"; Han
    without kana or Hangul → "zh", or "ja" if it holds kanji found only in Japanese (JIS X 0208
    characters that are neither in GB 2312 nor in Big5, e.g. 聴 覚 続 拡); Arabic → "ar";
    Cyrillic with і ї є ґ or an apostrophe before я/ю (п'ять) and none of ы э ъ ё → "uk", the
    reverse → "ru"; anything else (Latin, Cyrillic without either, no letters) → None.
    Candidates play no part here; :func:`detect_language` applies the same evidence to them.
    """
    info = _letters(unicodedata.normalize("NFC", text))
    script = info.dominant()
    if script == HANGUL:
        return "ko"
    if script == KANA:
        return "ja"
    if script == HAN:
        return "ja" if _han_is_japanese(info) else "zh"
    if script == ARABIC:
        return "ar"
    if script == CYRILLIC:
        return _cyrillic_pick(info)
    return None


@dataclass(frozen=True)
class _Evidence:
    """What the script says about a text, given the candidates."""

    allowed: frozenset[str]  # candidates still in play
    scores: dict[str, float] | None  # set when the script alone decides


def _script_evidence(info: _Letters, candidates: frozenset[str]) -> _Evidence:
    script = info.dominant()

    def pick(*langs: str) -> _Evidence:
        present = [lang for lang in langs if lang in candidates]
        if present:
            return _Evidence(frozenset({present[0]}), {present[0]: 1.0})
        return _Evidence(candidates, None)  # the script fits no candidate: statistics decide

    if script == HANGUL:
        return pick("ko")
    if script == KANA:
        return pick("ja")
    if script == HAN:
        if _han_is_japanese(info):
            return pick("ja", "zh")
        if {"zh", "ja"} <= candidates:
            return _Evidence(
                frozenset({"zh", "ja"}), {"zh": HAN_ONLY_ZH, "ja": round(1 - HAN_ONLY_ZH, 4)}
            )
        return pick("zh", "ja")
    if script in (ARABIC, CYRILLIC):
        langs = set(_LANGS_BY_SCRIPT[script])
        if script == CYRILLIC:
            chosen = _cyrillic_pick(info)
            if chosen is not None:
                langs.discard("ru" if chosen == "uk" else "uk")
        allowed = candidates & langs
        if len(allowed) == 1:
            return pick(next(iter(allowed)))
        return _Evidence(allowed or candidates, None)
    return _Evidence(candidates, None)


# --------------------------------------------------------------------------- detectors


@cache
def _langdetect_factory(langs: frozenset[str]) -> Any:
    """langdetect's profiles of these languages only, loaded once per candidate set (all
    55 take about 65 MB; a run's candidates a few), seeded so the same text always gives
    the same answer. langdetect needs two profiles: a lone candidate gets a second one,
    which the scores then leave out (as lingua's detector does)."""
    from langdetect import DetectorFactory

    DetectorFactory.seed = 0
    files = _langdetect_profiles()
    chosen = sorted(name for name in files if _langdetect_code(name) in langs)
    if len(chosen) < 2:
        chosen.append(next(n for n in ("en", "de") if n not in chosen))
    factory = DetectorFactory()
    factory.load_json_profile([files[name].read_text(encoding="utf-8") for name in chosen])
    return factory


@cache
def _langdetect_profiles() -> dict[str, Path]:
    """langdetect's profile files by code ("en", "zh-cn"), without reading them."""
    from langdetect.detector_factory import PROFILES_DIRECTORY

    folder = Path(PROFILES_DIRECTORY)
    return {p.name: p for p in folder.iterdir() if p.is_file() and not p.name.startswith(".")}


def _langdetect_code(code: str) -> str:
    return code.split("-")[0]


@cache
def _langdetect_languages() -> frozenset[str]:
    return frozenset(_langdetect_code(c) for c in _langdetect_profiles())


@cache
def _lingua_languages() -> frozenset[str]:
    from lingua import Language

    return frozenset(lang.iso_code_639_1.name.lower() for lang in Language.all())


def supported_languages() -> frozenset[str]:
    """ISO 639-1 codes that may be given as candidates (known to lingua)."""
    return _lingua_languages()


@cache
def _lingua_detector(langs: frozenset[str]) -> LanguageDetector:
    """One lingua detector per candidate set (lingua shares the models between them)."""
    from lingua import LanguageDetectorBuilder

    # A lone candidate gets a second language (lingua 1.x refused a detector of one;
    # 2.x builds it): its scores are filtered out afterwards, as langdetect's are.
    if len(langs) == 1:
        langs = langs | {"en" if "en" not in langs else "de"}
    return LanguageDetectorBuilder.from_languages(*_lingua_language_list(langs)).build()


def _lingua_language_list(codes: Iterable[str]) -> list[Any]:
    """lingua's ``Language`` values of these ISO 639-1 codes, in code order."""
    from lingua import IsoCode639_1, Language

    return [Language.from_iso_code_639_1(IsoCode639_1.from_str(c)) for c in sorted(codes)]


@cache
def _script_languages(script: str | None, candidates: frozenset[str]) -> frozenset[str]:
    """The candidates written in ``script``: lingua's Latin-script languages for Latin,
    :data:`_LANGS_BY_SCRIPT` for the others, none for text in no script listed there."""
    if script in (None, OTHER):
        return frozenset()
    if script == LATIN:
        return candidates & _latin_languages()
    return candidates & _LANGS_BY_SCRIPT[script]


@cache
def _latin_languages() -> frozenset[str]:
    from lingua import Language

    return frozenset(lang.iso_code_639_1.name.lower() for lang in Language.all_with_latin_script())


_forked = False


def _note_fork() -> None:
    global _forked
    _forked = True


os.register_at_fork(after_in_child=_note_fork)


@cache
def _preload(langs: frozenset[str]) -> None:
    """Load these languages' lingua models now, all orders, in parallel.

    Why: lingua loads a language's models lazily, one after another, on the first short
    text that needs them: about 1.0 s for the four Latin-script product languages, before
    the engine can start on an article's first batch. Built with preloading, a detector
    loads them on the machine's cores at once, and lingua keeps models in one store that
    every detector shares, so the detector that scores (over all the candidates) finds
    them loaded. Only a script's languages are loaded, and only once a text in that script
    needs lingua: a Korean article loads no Latin models. (Text of 120 characters or more
    alone would need only the trigram models; an article's segments need every order.)

    Not in a forked child: lingua loads in parallel on a thread pool, which a fork does
    not copy, and the child would wait for it for ever. There it loads lazily."""
    from lingua import LanguageDetectorBuilder

    if len(langs) >= 2 and not _forked:  # one language gains nothing from a parallel load
        builder = LanguageDetectorBuilder.from_languages(*_lingua_language_list(langs))
        builder.with_preloaded_language_models().build()


def _lingua_scores(
    text: str, info: _Letters, allowed: frozenset[str], candidates: frozenset[str]
) -> dict[str, float]:
    _preload(_script_languages(info.dominant(), candidates))
    detector = _lingua_detector(candidates)
    values = detector.compute_language_confidence_values(text)
    scores = {}
    for value in values:
        code = value.language.iso_code_639_1.name.lower()
        if code in allowed:
            scores[code] = value.value
    return _normalised(scores, allowed)


def _langdetect_scores(
    text: str, allowed: frozenset[str], candidates: frozenset[str]
) -> dict[str, float]:
    from langdetect.lang_detect_exception import LangDetectException

    factory = _langdetect_factory(candidates & _langdetect_languages())
    codes = [c for c in factory.get_lang_list() if _langdetect_code(c) in allowed]
    if not codes:
        return {}
    # one language may have several profiles (zh-cn, zh-tw): they share its prior
    variants: dict[str, int] = {}
    for c in codes:
        variants[_langdetect_code(c)] = variants.get(_langdetect_code(c), 0) + 1
    prior = {c: 1.0 / variants[_langdetect_code(c)] for c in codes}
    detector = factory.create()
    detector.set_prior_map(prior)
    detector.append(text)
    try:
        probs = detector.get_probabilities()
    except LangDetectException:
        return {}
    scores: dict[str, float] = {}
    for p in probs:
        code = _langdetect_code(p.lang)
        scores[code] = scores.get(code, 0.0) + p.prob
    return _normalised(scores, allowed)


def _normalised(scores: Mapping[str, float], allowed: Iterable[str]) -> dict[str, float]:
    total = sum(scores.values())
    if total <= 0:
        return {}
    return {c: scores.get(c, 0.0) / total for c in allowed}


# --------------------------------------------------------------------------- public API


def _check_candidates(candidates: Sequence[str] | None) -> frozenset[str]:
    known = _lingua_languages()
    if candidates is None:
        return known
    if isinstance(candidates, str):
        raise TypeError("candidates must be a sequence of language codes, not one string")
    out = set()
    for code in candidates:
        norm = code.strip().lower()
        if norm not in known:
            raise ValueError(f"unknown candidate language {code!r} (not known to the detectors)")
        out.add(norm)
    if not out:
        raise ValueError("candidates must not be empty")
    return frozenset(out)


@lru_cache(maxsize=1 << 16)
def _detect(
    text: str, candidates: frozenset[str], article: str | None = None
) -> tuple[Detection, dict[str, float], _Letters]:
    """Detection plus the probability of each candidate still in play, and the letter info.

    With ``article`` (from :func:`detect_segments`), an unsure short verdict that would take
    the segment out of the article's language gets langdetect's second opinion.
    """
    text = unicodedata.normalize("NFC", text)
    info = _letters(text)
    if not info.total:
        return Detection(UNDETERMINED, 0.0, "empty"), {}, info
    evidence = _script_evidence(info, candidates)
    if evidence.scores is not None:
        scores, reason = evidence.scores, "script"
    else:
        allowed = evidence.allowed
        scores, reason = _lingua_scores(text, info, allowed, candidates), "lingua"
        if not scores:  # letters, but in no script any candidate is written in
            return Detection(UNDETERMINED, 0.0, "unknown"), {}, info
        lang = _best(scores)
        long_text = info.total >= LONG_TEXT_CHARS
        unsure = (
            article is not None
            and lang != article
            and scores[lang] < CONFIDENT
            and info.total >= SECOND_OPINION_CHARS
        )
        if (long_text or unsure) and allowed <= _langdetect_languages():
            extra = _langdetect_scores(text, allowed, candidates)
            if extra:
                scores = {c: (scores.get(c, 0.0) + extra[c]) / 2 for c in allowed}
                reason = "lingua+langdetect"
                if long_text:  # on long text the average decides; on short text lingua
                    lang = _best(scores)
        return Detection(lang, round(scores[lang], 4), reason), scores, info
    lang = _best(scores)
    return Detection(lang, round(scores[lang], 4), reason), scores, info


def _best(scores: Mapping[str, float]) -> str:
    return max(sorted(scores), key=lambda c: scores[c])


def detect_language(text: str, candidates: Sequence[str] | None = None) -> Detection:
    """Detect one text (a whole article or one segment).

    ``candidates`` restricts the answer to these ISO 639-1 codes (a ValueError names any code
    the detectors do not know). Returns ``Detection("und", 0.0, "empty")`` for text without
    letters.
    """
    return _detect(text, _check_candidates(candidates))[0]


def _script_fits(info: _Letters, lang: str) -> bool:
    """Could text whose letters are ``info`` be written in ``lang``?"""
    script = info.dominant()
    if script in (None, LATIN, OTHER):
        return not any(lang in langs for langs in _LANGS_BY_SCRIPT.values())
    return lang in _LANGS_BY_SCRIPT[script]


def detect_segments(
    texts: Sequence[str], article_lang: str, candidates: Sequence[str] | None = None
) -> list[Detection]:
    """Per-segment detection with the inheritance rule.

    A segment takes ``article_lang`` (reason "inherited") when

    * it has no letters ("2024", "—"), or
    * it has fewer than :data:`MIN_CHARS_TO_JUDGE` letters ("OK"), unless the script alone
      says it is another language (Hangul 한국 in an English article), or
    * it is detected as another language with a confidence below :data:`CONFIDENT` while its
      script could be the article's (unsure: "Options" in an English article).

    Otherwise it keeps its own detection: the article's language, a confident other language
    (a quoted Russian sentence in an English article), or a language whose script the
    article's language is not written in (a Cyrillic quote in an English article). An
    inherited detection carries, as confidence, the probability the detectors gave the
    article's language for that text (0.0 when the text has no letters).
    """
    allowed = _check_candidates(candidates)
    article = article_lang.strip().lower()
    if article != UNDETERMINED and article not in _lingua_languages():
        raise ValueError(f"unknown article language {article_lang!r}")
    out: list[Detection] = []
    for text in texts:
        det, scores, info = _detect(text, allowed, article)
        fits = _script_fits(info, article)
        if det.lang == UNDETERMINED:
            keep = False
        elif det.reason == "script" and not fits:
            keep = True  # 한국, Москва in an English article: the script alone says so
        elif info.total < MIN_CHARS_TO_JUDGE:
            keep = False  # too short to judge, even when it agrees with the article
        else:
            keep = det.lang == article or not fits or det.confidence >= CONFIDENT
        if keep:
            out.append(det)
        else:
            out.append(Detection(article, round(scores.get(article, 0.0), 4), "inherited"))
    return out
