"""Glossary enforcement that learns: a term a model has failed to write plainly is sent
protected on its first try from then on, per model version, language pair and glossary,
remembered in ``locales/.cache/glossary-terms.json``. Shown through counters: the engine's
own inputs and ``LearnedTerms.skipped``/``tried``."""

from __future__ import annotations

import json
import logging
import shutil
import subprocess
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path

import pytest

from newsl10n.catalog.cachefile import cache_path
from newsl10n.config import EngineSettings, load_settings
from newsl10n.glossary.enforce import INLINE, PLAIN, Outcome, translate_with_glossary
from newsl10n.glossary.learned import CACHE_NAME, LearnedTerms, Scope
from newsl10n.glossary.load import load_glossary
from newsl10n.glossary.model import Glossary
from newsl10n.run import Request, run
from tests.conftest import ROOT

ARRIVAL = "Putin arrived in Pyongyang."
MOSCOW = "Moscow answered on Tuesday."
PLAIN_TEXT = "Nobody is named here."
TEXTS = [ARRIVAL, MOSCOW, PLAIN_TEXT]


class Copying:
    """A model that writes its input back (it knows no German name but "Putin"), with a
    version, recording every input it is sent."""

    name = "copying"

    def __init__(self, version: str = "copy 1", script: Mapping[str, str] | None = None) -> None:
        self.version = version
        self.script = dict(script or {})
        self.sent: list[list[str]] = []

    def model_version(self, source: str, target: str) -> str:
        return self.version

    def translate(self, texts: Sequence[str], source: str, target: str) -> list[str]:
        self.sent.append(list(texts))
        return [self.script.get(t, t) for t in texts]


@pytest.fixture(scope="module")
def names(tmp_path_factory: pytest.TempPathFactory) -> Glossary:
    folder = tmp_path_factory.mktemp("glossary")
    (folder / "names.csv").write_text(
        "en,ru,de,variants:ru\n"
        "Putin,Путин,Putin,Путина|Путину\n"
        "Pyongyang,Пхеньян,Pjöngjang,Пхеньяна|Пхеньяне\n"
        "Moscow,Москва,Moskau,Москвы|Москве\n",
        encoding="utf-8",
    )
    return load_glossary(folder)


def translate(
    engine: Copying, learned: LearnedTerms, glossary: Glossary, target: str = "de",
    texts: Sequence[str] = TEXTS,
) -> list[Outcome]:  # fmt: skip
    return translate_with_glossary(engine, texts, "en", target, glossary, learned=learned)


def plain_tries(engine: Copying, texts: Sequence[str] = (ARRIVAL, MOSCOW)) -> int:
    """How many of ``texts`` the engine was sent as they are."""
    return sum(text in texts for call in engine.sent for text in call)


def test_the_second_run_sends_no_plain_try_for_a_term_that_failed(
    tmp_path: Path, names: Glossary
) -> None:
    first, engine = LearnedTerms.beside(tmp_path, names), Copying()
    before = translate(engine, first, names)
    assert plain_tries(engine) == 2 and (first.tried, first.skipped) == (2, 0)
    assert [o.strategy for o in before] == [INLINE, INLINE, PLAIN]
    assert first.save()

    second, engine = LearnedTerms.beside(tmp_path, names), Copying()  # the next night
    after = translate(engine, second, names)
    assert plain_tries(engine) == 0 and (second.tried, second.skipped) == (0, 2)
    # One call: the named segments protected on their first try, beside the plain one.
    assert engine.sent == [
        ["Putin arrived in Pjöngjang.", "Moskau answered on Tuesday.", PLAIN_TEXT]
    ]
    assert after == before  # same translations, one model pass fewer for named segments
    assert not second.save()  # nothing new learned: the file is not rewritten

    saved = json.loads(cache_path(tmp_path, CACHE_NAME).read_text(encoding="utf-8"))
    scope = saved["data"]["scopes"][Scope("copy 1", "en", "de").name]
    assert scope == {
        "failed": ["Moscow → Moskau", "Pyongyang → Pjöngjang"],
        "written": ["Putin → Putin"],
    }


def test_a_new_model_version_or_glossary_forgets_what_was_learned(
    tmp_path: Path, names: Glossary
) -> None:
    learned = LearnedTerms.beside(tmp_path, names)
    translate(Copying("copy 1"), learned, names)
    learned.save()

    newer, engine = LearnedTerms.beside(tmp_path, names), Copying("copy 2")
    translate(engine, newer, names)
    assert plain_tries(engine) == 2 and newer.skipped == 0
    newer.save()
    again, engine = LearnedTerms.beside(tmp_path, names), Copying("copy 1")
    translate(engine, again, names)
    assert plain_tries(engine) == 0  # each version keeps its own memory

    edited = Glossary(names.terms, names.files, sha256="another glossary")
    fresh, engine = LearnedTerms.beside(tmp_path, edited), Copying("copy 1")
    translate(engine, fresh, edited)
    assert plain_tries(engine) == 2 and fresh.skipped == 0
    assert fresh.save()  # the new glossary's memory replaces the old one
    other = LearnedTerms.beside(tmp_path, names)
    translate(engine := Copying("copy 1"), other, names)
    assert plain_tries(engine) == 2


def test_a_name_the_model_wrote_once_keeps_its_plain_try(tmp_path: Path, names: Glossary) -> None:
    """Russian: the model inflects "Putin" where it knows the sentence; one such success
    keeps the plain try for the name, although it failed elsewhere."""
    knows = "Putin's plane landed."
    fails = "Putin spoke at length."
    script = {knows: "Самолёт Путина приземлился."}  # the model's own genitive
    learned = LearnedTerms.beside(tmp_path, names)
    first = translate(Copying(script=script), learned, names, "ru", [knows, fails])
    assert first[0] == Outcome("Самолёт Путина приземлился.", (), PLAIN)
    learned.save()

    engine = Copying(script=script)
    second = translate(engine, LearnedTerms.beside(tmp_path, names), names, "ru", [knows, fails])
    assert plain_tries(engine, [knows, fails]) == 2
    assert second == first


def test_a_corrupt_or_foreign_cache_is_ignored_with_a_warning(
    tmp_path: Path, names: Glossary, caplog: pytest.LogCaptureFixture
) -> None:
    file = cache_path(tmp_path, CACHE_NAME)
    file.parent.mkdir(parents=True)
    for junk in (b'{"cache": "glossary terms", "data": {', b"\xff\xfe", b'["a list"]'):
        file.write_bytes(junk)
        caplog.clear()
        with caplog.at_level(logging.WARNING):
            learned = LearnedTerms.beside(tmp_path, names)
        assert str(file) in caplog.text and "ignored" in caplog.text
        engine = Copying()
        translate(engine, learned, names)
        assert plain_tries(engine) == 2
        assert learned.save()  # rewritten whole
        assert LearnedTerms.beside(tmp_path, names).protect_first(
            Scope("copy 1", "en", "de"), ["Moscow → Moskau"]
        )


SAVER = """
import sys
from pathlib import Path
from newsl10n.glossary.learned import LearnedTerms, Scope
from newsl10n.glossary.model import Glossary
learned = LearnedTerms.beside(Path(sys.argv[1]), Glossary(sha256="g"))
for n in range(20):
    learned.learn(Scope("m", "en", "de"), [f"{sys.argv[2]}-{n} → x"], [])
    learned.save()
"""


def test_concurrent_runs_keep_each_others_terms(tmp_path: Path) -> None:
    """Four processes saving at once: every term of each is in the file, which is whole."""
    env_path = [str(ROOT / "src"), str(ROOT)]
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", SAVER, str(tmp_path), name],
            env={"PYTHONPATH": ":".join(env_path), "PATH": "/usr/bin:/bin"},
        )
        for name in "abcd"
    ]
    assert all(p.wait(timeout=120) == 0 for p in procs)
    learned = LearnedTerms.beside(tmp_path, Glossary(sha256="g"))
    scope = Scope("m", "en", "de")
    for name in "abcd":
        for n in range(20):
            assert learned.protect_first(scope, [f"{name}-{n} → x"]), (name, n)
    assert not list(cache_path(tmp_path, "").glob("*.tmp"))


# ---------------------------------------------------------------- the whole run


def test_a_nightly_run_pays_the_plain_try_once_per_term(tmp_path: Path) -> None:
    """Through ``run``: the second night's new article names a term the first night's
    model failed; it goes protected first, and the memory sits beside the catalogs."""
    project = tmp_path / "site"
    (project / "source_articles").mkdir(parents=True)
    shutil.copytree(ROOT / "glossaries", project / "glossaries")
    (project / "pyproject.toml").write_text('[tool.newsl10n]\ntargets = ["de"]\n')
    night = project / "source_articles"
    (night / "one.txt").write_text("Talks in Pyongyang\n\nPutin landed in Pyongyang.\n")
    settings = load_settings(project)
    engine = Copying()

    def engines(name: str, knobs: EngineSettings) -> Copying:
        return engine

    first = run(settings, Request(bundles=False), engines=engines)
    assert first.ok and plain_tries(engine, ["Putin landed in Pyongyang."]) == 1
    assert cache_path(settings.locales, CACHE_NAME).is_file()

    (night / "two.txt").write_text("Pyongyang weather\n\nRain fell on Pyongyang all day.\n")
    engine.sent.clear()
    second = run(settings, Request(bundles=False), engines=engines)
    assert second.ok
    sent = [text for call in engine.sent for text in call]
    assert "Rain fell on Pyongyang all day." not in sent  # no plain try
    assert "Rain fell on Pjöngjang all day." in sent  # protected on its first try
