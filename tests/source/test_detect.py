"""Language detection: script rules, inheritance, and accuracy on real human-written text.

The fixture (tests/fixtures/langid/, sources in its README) holds GNOME's human translations
from Debian packages: 150 segments of 4-40 characters and 12 paragraphs per language.
"""

from __future__ import annotations

import csv
import json
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from functools import cache
from typing import Any

import pytest

from newsl10n.source.detect import (
    MIN_CHARS_TO_JUDGE,
    Detection,
    detect_language,
    detect_segments,
    dominant_script,
    script_hint,
)
from tests.helpers import FIXTURES

FIXTURE = FIXTURES / "langid"
CANDIDATES = ("en", "ru", "ko", "zh", "ja", "fr", "es", "de", "uk", "ar")


@cache
def load(name: str) -> tuple[tuple[str, str], ...]:
    """(lang, text) rows of segments.tsv or paragraphs.tsv."""
    with (FIXTURE / f"{name}.tsv").open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh, delimiter="\t", quoting=csv.QUOTE_NONE)
        return tuple((row["lang"], row["text"]) for row in reader)


def texts_of(name: str, lang: str, keep: Callable[[str], bool] = lambda _: True) -> list[str]:
    return [text for code, text in load(name) if code == lang and keep(text)]


def report(title: str, rows: Sequence[tuple[str, str]], got: Sequence[str]) -> float:
    """Print overall and per-language accuracy (visible with pytest -s); return overall."""
    ok: dict[str, int] = {}
    total: dict[str, int] = {}
    for (lang, _), answer in zip(rows, got, strict=True):
        total[lang] = total.get(lang, 0) + 1
        ok[lang] = ok.get(lang, 0) + (answer == lang)
    overall = sum(ok.values()) / len(rows)
    per_lang = " ".join(f"{c}:{ok[c] / total[c]:.0%}" for c in CANDIDATES if c in total)
    print(f"\n{title}: {overall:.1%} of {len(rows)}  [{per_lang}]")
    return overall


# --------------------------------------------------------------------------- the fixture


def test_fixture_shape() -> None:
    segments, paragraphs = load("segments"), load("paragraphs")
    for lang in CANDIDATES:
        segs = [t for c, t in segments if c == lang]
        paras = [t for c, t in paragraphs if c == lang]
        assert len(segs) >= 100, lang
        assert len(paras) >= 10, lang
        assert all(4 <= len(t) <= 40 for t in segs), lang
        assert all(len(t) >= 100 for t in paras), lang
    texts = [t for _, t in segments + paragraphs]
    assert len(texts) == len(set(texts)), "a text appears twice (or in two languages)"
    assert sum(p.stat().st_size for p in FIXTURE.iterdir()) < 1_000_000


# --------------------------------------------------------------------------- script evidence


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("한국", "ko"),
        ("ファイル", "ja"),
        ("東京", "zh"),  # Han alone: normally Chinese, never Korean
        ("聴覚障害", "ja"),  # kanji that exist only in Japanese (聴 覚)
        ("Київ", "uk"),
        ("п'ять", "uk"),  # Ukrainian apostrophe before я/ю
        ("Объём", "ru"),
        ("Москва", None),  # no letter that only one of ru/uk has
        ("О'Нил", None),  # Russian apostrophe in a name is not Ukrainian evidence
        ("مرحبا", "ar"),
        ("Hello", None),
        ("2024", None),
        ("", None),
    ],
)
def test_script_hint(text: str, expected: str | None) -> None:
    assert script_hint(text) == expected


def test_dominant_script() -> None:
    assert dominant_script("VPN 接続をインポートできません") == "kana"
    assert dominant_script("GNOME 계산기") == "hangul"
    assert dominant_script("打开 GNOME") == "han"
    assert dominant_script("Samsung (삼성) reported profits") == "latin"
    assert dominant_script("— 42 —") is None


def test_script_hint_on_real_text() -> None:
    for name in ("segments", "paragraphs"):
        for text in texts_of(name, "ko"):
            assert script_hint(text) == "ko", text
        for text in texts_of(name, "ar"):
            assert script_hint(text) == "ar", text
        for text in texts_of(name, "zh"):
            assert script_hint(text) in ("zh", "ja"), text
        for text in texts_of(name, "ja", lambda t: dominant_script(t) == "kana"):
            assert script_hint(text) == "ja", text
        for text in texts_of(name, "uk", lambda t: any(c in "іїєґІЇЄҐ" for c in t)):
            assert script_hint(text) == "uk", text
        for text in texts_of(name, "ru", lambda t: any(c in "ыэъёЫЭЪЁ" for c in t)):
            assert script_hint(text) == "ru", text


def test_a_stray_kana_in_long_chinese_text_does_not_make_it_japanese() -> None:
    """A real Chinese page carried one mis-decoded credit line holding ぃ: the whole article
    was called Japanese (script, 1.00), so every segment would go to a ja model. A stray
    kana in long Han text is noise; in short text (a headline) one kana still decides."""
    chinese = " ".join(text for lang, text in load("paragraphs") if lang == "zh")[:600]
    assert dominant_script(chinese) == "han"
    noisy = chinese + "（记者宋晨、田中全、胡础⒑钗睦ぃ）"
    assert dominant_script(noisy) == "han"
    assert script_hint(noisy) == "zh"
    assert detect_language(noisy, CANDIDATES).lang == "zh"
    headline = "東京都知事選挙投票率過去最低更新日本銀行金融政策決定会合を延期"  # 29 Han, one kana
    assert dominant_script(headline) == "kana"
    for lang, text in load("segments") + load("paragraphs"):
        if lang == "ja" and any("\u3040" <= c <= "\u30ff" for c in text):
            assert dominant_script(text) == "kana", text


def test_han_without_kana_or_hangul_is_never_korean() -> None:
    han_only = [
        text for _, text in load("segments") + load("paragraphs") if dominant_script(text) == "han"
    ]
    assert len(han_only) > 100
    for text in han_only:
        assert detect_language(text, CANDIDATES).lang != "ko", text
        assert detect_language(text, ["ko", "zh"]).lang == "zh", text


def test_script_decides_among_candidates() -> None:
    det = detect_language("Київ", CANDIDATES)
    assert det == Detection("uk", 1.0, "script")
    assert detect_language("한국어 기사", CANDIDATES).lang == "ko"
    assert detect_language("ニュース", CANDIDATES).lang == "ja"
    # the script's language is not a candidate: the candidates are still respected
    assert detect_language("Київ", ["ru", "en"]).lang in ("ru", "en", "und")


# --------------------------------------------------------------------------- API contract


def test_deterministic() -> None:
    texts = [t for _, t in load("paragraphs")[::6]] + [t for _, t in load("segments")[::50]]
    first = [detect_language(t, CANDIDATES) for t in texts]
    second = [detect_language(t, CANDIDATES) for t in texts]
    assert first == second


def test_deterministic_across_processes() -> None:
    """langdetect is random unless seeded; a fresh process must give the same answers."""
    texts = [t for _, t in load("paragraphs")[::5]]
    here = [
        [d.lang, d.confidence, d.reason] for d in (detect_language(t, CANDIDATES) for t in texts)
    ]
    code = (
        "import json, sys\n"
        "from newsl10n.source.detect import detect_language\n"
        f"candidates = {list(CANDIDATES)!r}\n"
        "texts = json.load(sys.stdin)\n"
        "print(json.dumps([[d.lang, d.confidence, d.reason]"
        " for d in (detect_language(t, candidates) for t in texts)]))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        input=json.dumps(texts),
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    assert json.loads(out.stdout) == here


@pytest.mark.parametrize("candidates", [("en", "de"), ("ru", "uk"), ("zh", "ja"), ("fr",)])
def test_never_returns_a_non_candidate(candidates: tuple[str, ...]) -> None:
    rows = load("segments")[::7] + load("paragraphs")[::3]
    for _, text in rows:
        det = detect_language(text, candidates)
        assert det.lang in (*candidates, "und"), (text, det)
        assert 0.0 <= det.confidence <= 1.0
    for det in detect_segments([t for _, t in rows], "en", candidates):
        assert det.lang in (*candidates, "en")


def test_unknown_candidate_raises_naming_it() -> None:
    with pytest.raises(ValueError, match="xx"):
        detect_language("Hello world", ["en", "xx"])
    with pytest.raises(ValueError, match="zh-cn"):
        detect_segments(["Hello world"], "en", ["en", "zh-cn"])
    with pytest.raises(ValueError, match="english"):
        detect_segments(["Hello world"], "english", ["en", "de"])


def test_nothing_to_judge() -> None:
    for text in ("", "   ", "2024", "12:30 — 15%", "!!!"):
        assert detect_language(text, CANDIDATES) == Detection("und", 0.0, "empty")


# --------------------------------------------------------------------------- inheritance


def test_short_segments_inherit_the_article_language() -> None:
    results = detect_segments(["OK", "2024", "", "A"], "en", CANDIDATES)
    assert [d.lang for d in results] == ["en"] * 4
    assert {d.reason for d in results} == {"inherited"}
    assert len("OK") < MIN_CHARS_TO_JUDGE


def test_quoted_foreign_sentence_keeps_its_language() -> None:
    russian = next(t for t in texts_of("segments", "ru") if len(t) >= 30)
    korean = texts_of("segments", "ko")[0]
    english = texts_of("segments", "en", lambda t: len(t) >= 25)[:3]
    results = detect_segments([*english, russian, korean], "en", CANDIDATES)
    assert [d.lang for d in results] == ["en", "en", "en", "ru", "ko"], results
    # every Russian sentence of the fixture, quoted in an English article
    sentences = texts_of("segments", "ru", lambda t: sum(c.isalpha() for c in t) >= 20)
    assert len(sentences) > 50
    quoted = detect_segments(sentences, "en", CANDIDATES)
    assert [d.lang for d in quoted] == ["ru"] * len(sentences)


def test_kana_less_heading_in_japanese_article_stays_japanese() -> None:
    # Han-only text is normally Chinese, but not confidently enough to leave a Japanese article
    heading = texts_of("segments", "ja", lambda t: dominant_script(t) == "han")
    assert heading, "the fixture has kana-less Japanese segments"
    for text in heading:
        assert detect_segments([text], "ja", CANDIDATES)[0].lang == "ja", text
    chinese = texts_of("segments", "zh")[:20]
    assert all(d.lang == "zh" for d in detect_segments(chinese, "zh", CANDIDATES))
    assert all(d.lang == "zh" for d in detect_segments(chinese, "en", CANDIDATES))


def test_unsure_segment_inherits() -> None:
    # English labels that alone read as French or Spanish stay English in an English article
    rows = [(c, t) for c, t in load("segments") if c == "en"]
    alone = [detect_language(t, CANDIDATES).lang for _, t in rows]
    in_article = [d.lang for d in detect_segments([t for _, t in rows], "en", CANDIDATES)]
    assert sum(a == "en" for a in in_article) > sum(a == "en" for a in alone)
    assert sum(a == "en" for a in in_article) / len(rows) >= 0.99


# --------------------------------------------------------------------------- accuracy


def test_accuracy_on_real_paragraphs() -> None:
    rows = load("paragraphs")
    got = [detect_language(text, CANDIDATES) for _, text in rows]
    report("paragraphs, 10 candidates", rows, [d.lang for d in got])
    wrong = [(lang, d.lang, text[:60]) for (lang, text), d in zip(rows, got, strict=True)]
    assert [w for w in wrong if w[0] != w[1]] == []


def test_accuracy_on_real_short_segments() -> None:
    rows = load("segments")
    detect_language(rows[0][1], CANDIDATES)  # load the models outside the timing
    start = time.perf_counter()
    got = [detect_language(text, CANDIDATES).lang for _, text in rows]
    per_segment = (time.perf_counter() - start) / len(rows) * 1000
    overall = report("segments of 4-40 chars, 10 candidates", rows, got)
    print(f"  {per_segment:.3f} ms per segment")
    assert overall >= 0.95


def test_segments_in_an_article() -> None:
    """Every segment in an article of its own language, and quoted in an English article (an
    English one in a German article)."""
    rows = load("segments")
    same = [detect_segments([t], lang, CANDIDATES)[0].lang for lang, t in rows]
    hosts = ["de" if lang == "en" else "en" for lang, _ in rows]
    quoted = [
        detect_segments([t], h, CANDIDATES)[0].lang for (_, t), h in zip(rows, hosts, strict=True)
    ]
    assert report("segments in an article of their own language", rows, same) >= 0.99
    report("segments quoted in an article of another language", rows, quoted)
    # A quote whose script the article's language is not written in keeps its language.
    other_script = [i for i, (lang, _) in enumerate(rows) if lang not in ("en", "de", "fr", "es")]
    kept = sum(quoted[i] == rows[i][0] for i in other_script) / len(other_script)
    # Same script (a French label in an English article): kept only when confidently French.
    latin_sentences = [
        i
        for i, (lang, t) in enumerate(rows)
        if lang in ("en", "de", "fr", "es") and sum(c.isalpha() for c in t) >= 20
    ]
    kept_latin = sum(quoted[i] == rows[i][0] for i in latin_sentences) / len(latin_sentences)
    print(f"  kept: other script {kept:.1%}, Latin in Latin, 20+ letters {kept_latin:.1%}")
    assert kept >= 0.98
    assert kept_latin >= 0.8


def test_the_models_preloaded_are_those_of_the_text_s_script() -> None:
    """lingua loads a script's models on the first short text in it; newsl10n has the
    candidates written in that script loaded all at once (in parallel), and no others."""
    from newsl10n.scripts import CYRILLIC, HANGUL, LATIN, OTHER
    from newsl10n.source.detect import _script_languages

    cands = frozenset(CANDIDATES)
    assert _script_languages(LATIN, cands) == {"en", "de", "fr", "es"}
    assert _script_languages(CYRILLIC, cands) == {"ru", "uk"}
    assert _script_languages(HANGUL, frozenset({"en", "ru"})) == frozenset()
    assert _script_languages(OTHER, cands) == frozenset()  # a script no candidate list has
    assert _script_languages(None, cands) == frozenset()
    # Greek, Hebrew, Hindi and Thai are in no list of newsl10n's scripts, nor in Latin
    others = frozenset({"en", "de", "el", "he", "hi", "th"})
    assert _script_languages(LATIN, others) == {"en", "de"}


def _detect_in_child(queue: Any) -> None:
    queue.put(detect_segments(["Привет, мир, как дела?", "Talks stall."], "en", CANDIDATES))


def test_a_forked_child_detects_after_its_parent_preloaded() -> None:
    """lingua's parallel load runs on a thread pool that a fork does not copy: a child
    forked after its parent preloaded would wait for those threads for ever. A forked
    child loads lazily, as before the preloading."""
    import multiprocessing

    detect_segments(["Talks in Kyiv stall over energy prices."], "en", CANDIDATES)
    context = multiprocessing.get_context("fork")
    queue = context.Queue()
    child = context.Process(target=_detect_in_child, args=(queue,))
    child.start()
    child.join(timeout=60)
    if child.is_alive():
        child.kill()
        child.join()
    assert child.exitcode == 0
    assert [d.lang for d in queue.get(timeout=5)] == ["ru", "en"]
