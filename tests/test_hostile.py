"""Hostile inputs and faults: a clear message naming file and problem, the other items still
processed, and nothing a translator touched overwritten."""

from __future__ import annotations

import errno
import random
import signal
import subprocess
import sys
import textwrap
import time
from collections.abc import Sequence
from pathlib import Path

import polib
import pytest
from click.testing import CliRunner

from newsl10n.catalog import store
from newsl10n.cli import main
from newsl10n.config import Settings, load_settings
from newsl10n.engines.argos import ArgosEngine
from newsl10n.pipeline import PairResult, prepare_article, translate_pair
from tests.conftest import SEED
from tests.helpers import msgfmt_check, po_in, po_path

TWICE = '\nmsgctxt "x"\nmsgid "A"\nmsgstr "B"\n\nmsgctxt "x"\nmsgid "A"\nmsgstr "C"\n'


def translate(project: Path, lang: str, article: Path | None = None) -> PairResult:
    settings: Settings = load_settings(project)
    prepared = prepare_article(article or project / "source_articles" / SEED.name, settings)
    return translate_pair(prepared, lang, ArgosEngine(), settings)


@pytest.mark.parametrize(
    ("damage", "problem"),
    [
        (lambda t: t.replace('msgstr "Strategic Implications"', 'msgstr "Strategic'), "string"),
        (lambda t: t + TWICE, "duplicate"),
        (lambda t: t.replace("charset=UTF-8", "charset=KLINGON-8"), "charset"),
        (lambda t: t.replace("nplurals=3;", "nplurals=x;"), "Plural-Forms"),
    ],
)  # fmt: skip
def test_a_catalog_a_translator_broke_stops_that_catalog_only(
    project: Path, copy_models: Path, damage: object, problem: str
) -> None:
    assert not translate(project, "ru").error and not translate(project, "de").error
    broken = po_path(project, "ru")
    broken.write_text(damage(broken.read_text(encoding="utf-8")), encoding="utf-8")  # type: ignore[operator]
    before = broken.read_bytes()
    article = project / "source_articles" / SEED.name
    article.write_text(article.read_text().replace("COMMENTS", "A closing line."))
    failed = translate(project, "ru")
    assert str(broken) in failed.error and problem.lower() in failed.error.lower()
    assert broken.read_bytes() == before
    ok = translate(project, "de")
    assert not ok.error and ok.translated == 1


def test_disk_full_is_reported_and_leaves_no_partial_file(
    project: Path, copy_models: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert not translate(project, "fr").error
    path = po_path(project, "fr")
    before = path.read_bytes()
    article = project / "source_articles" / SEED.name
    article.write_text(article.read_text().replace("COMMENTS", "A closing line."))

    def full(*_: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(store.os, "replace", full)
    result = translate(project, "fr")
    assert "No space left on device" in result.error and str(path) in result.error
    assert path.read_bytes() == before
    assert [p.name for p in path.parent.iterdir()] == [path.name]


def test_killed_while_writing_every_catalog_is_old_or_new(project: Path, tmp_path: Path) -> None:
    """A process rewriting catalogs in a loop is killed at random moments; each catalog is
    always complete (msgfmt accepts it) and its reviewed entry is intact."""
    path = po_in(tmp_path, "ru", "story")
    writer = tmp_path / "writer.py"
    writer.write_text(
        textwrap.dedent(f"""
        import polib
        from pathlib import Path
        from newsl10n.catalog.store import atomic_write
        path = Path({str(path)!r})
        po = polib.POFile(wrapwidth=0)
        po.metadata = {{"Content-Type": "text/plain; charset=UTF-8", "Language": "ru"}}
        po.append(polib.POEntry(msgctxt="t:1", msgid="Reviewed.", msgstr="Проверено."))
        for i in range(3000):
            po.append(polib.POEntry(msgctxt=f"p:{{i}}", msgid=f"Sentence {{i}}.",
                                    msgstr=f"Предложение {{i}}.", flags=["fuzzy"]))
        n = 0
        while True:
            n += 1
            po[1].msgstr = f"Предложение 0, version {{n}}."
            atomic_write(path, str(po))
    """)
    )
    rng = random.Random(7)
    for _ in range(6):
        before = path.stat().st_ino if path.exists() else None
        proc = subprocess.Popen([sys.executable, str(writer)])
        # Kill it inside its write loop: after its first write (a loaded machine may take
        # seconds to start Python), at a random moment.
        while (path.stat().st_ino if path.exists() else None) == before and proc.poll() is None:
            time.sleep(0.05)
        time.sleep(rng.random())
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        msgfmt_check(path)
        reviewed = polib.pofile(str(path))[0]
        assert (reviewed.msgid, reviewed.msgstr, reviewed.fuzzy) == ("Reviewed.", "Проверено.", 0)
        assert len(polib.pofile(str(path))) == 3001
    leftovers = [p.name for p in path.parent.iterdir() if p.name != path.name]
    assert all(name.startswith(".story.po.") for name in leftovers)  # only a killed temp


def test_a_20000_character_paragraph_without_punctuation(project: Path, copy_models: Path) -> None:
    words = " ".join(f"word{i}" for i in range(2900))
    article = project / "source_articles" / "run-on.txt"
    article.write_text(f"A Run-On Story\n\n{words}\n", encoding="utf-8")
    result = translate(project, "de", article)
    assert not result.error and result.translated == 2
    entry = polib.pofile(str(po_path(project, "de", "run-on")))[1]
    assert len(entry.msgid) > 20_000 and entry.msgstr == entry.msgid
    msgfmt_check(po_path(project, "de", "run-on"))


def test_an_article_in_a_language_without_a_model_names_what_to_install(
    project: Path, copy_models: Path
) -> None:
    article = project / "source_articles" / "korean.txt"
    article.write_text(
        "푸틴 대통령 평양 도착\n\n블라디미르 푸틴 러시아 대통령이 19일 평양에 도착했다. "
        "김정은 국무위원장이 공항에서 그를 맞이했다.\n",
        encoding="utf-8",
    )
    result = translate(project, "de", article)
    assert "ko→de" in result.error and "newsl10n models download ko-en" in result.error
    assert not po_path(project, "de", "korean").exists()


def test_mixed_scripts_keep_their_own_languages(project: Path, copy_models: Path) -> None:
    article = project / "source_articles" / "mixed.txt"
    article.write_text(
        "Quotes From Pyongyang\n\n"
        "The Russian leader spoke briefly to reporters at the airport on Wednesday. "
        "«Мы высоко ценим вашу неизменную поддержку политики России», — сказал Путин. "
        "Crowds waved flags along the road into the city.\n",
        encoding="utf-8",
    )
    settings = load_settings(project)
    prepared = prepare_article(article, settings)
    langs = [s.lang for s in prepared.segments]
    assert prepared.language.lang == "en" and langs.count("ru") == 1
    result = translate_pair(prepared, "de", ArgosEngine(), settings)
    assert result.failed == 0 and not result.error  # the quote pivots ru→en→de


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["run", "--to", "de,xx"], "xx"),
        (["run", "--frobnicate"], "--frobnicate"),
        (["run", "--source", "nowhere"], "nowhere"),
        (["translate", "missing.txt"], "missing.txt"),
    ],
)
def test_bad_settings_and_options_are_usage_errors(
    project: Path, args: Sequence[str], message: str
) -> None:
    result = CliRunner().invoke(main, ["--project", str(project), *args])
    assert result.exit_code == 2 and message in result.output


def test_unknown_settings_in_pyproject_stop_every_command(project: Path) -> None:
    (project / "pyproject.toml").write_text('[tool.newsl10n]\ntargets = ["ru", "xx"]\n')
    result = CliRunner().invoke(main, ["--project", str(project), "status"])
    assert result.exit_code == 2 and "xx" in result.output


def test_model_crashing_mid_batch_fails_that_pair_only(
    project: Path, copy_models: Path, prefect_server: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NEWSL10N_PROJECT", str(project))

    class Crashing(ArgosEngine):
        calls = 0

        def translate(self, texts: Sequence[str], source: str, target: str) -> list[str]:
            if target == "ko":
                Crashing.calls += 1
                raise RuntimeError("CTranslate2: out of memory")
            return super().translate(texts, source, target)

    import flows.translate as flow_module
    import newsl10n.run

    monkeypatch.setattr(newsl10n.run, "get_engine", lambda name, settings: Crashing(settings))
    state = flow_module.translate_batch(targets=["ko", "ja"], return_state=True)
    assert state.is_failed() and "→ ko" in (state.message or "")
    assert Crashing.calls == 3  # the first attempt and two retries
    assert po_path(project, "ja").is_file() and not po_path(project, "ko").exists()


class EchoEngine:
    """Instant stand-in engine: input handling is under test here, not the model."""

    name = "echo"

    def model_version(self, source: str, target: str) -> str:
        return "echo 1"

    def translate(self, texts: Sequence[str], source: str, target: str) -> list[str]:
        return list(texts)


def test_a_5_mb_article_is_read_segmented_and_catalogued(project: Path) -> None:
    seed = SEED.read_text(encoding="utf-8")
    head, title, body = seed.split("\n\n", 2)
    body = body.replace("COMMENTS", "")
    article = project / "source_articles" / "huge.txt"
    article.write_text("\n\n".join([head, title, *[body] * 1600]), encoding="utf-8")
    assert article.stat().st_size > 5_000_000
    settings = load_settings(project)
    prepared = prepare_article(article, settings)
    assert len(prepared.segments) > 45_000
    assert len({s.id for s in prepared.segments}) == len(prepared.segments)
    result = translate_pair(prepared, "de", EchoEngine(), settings)
    assert not result.error and result.translated == len(prepared.segments)
    msgfmt_check(po_path(project, "de", "huge"))
