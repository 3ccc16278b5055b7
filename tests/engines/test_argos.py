"""The Argos engine on copy models: the real argostranslate + CTranslate2 + SentencePiece path."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from newsl10n.config import EngineSettings
from newsl10n.engines import argos
from newsl10n.engines.argos import ArgosEngine, install_package_file, installed_packages
from newsl10n.errors import InputError, MissingModelError

SENTENCES = [
    "A U.S. State Department spokesperson noted that the pact is a “breakthrough.”",
    "Kim Il Sung Square was full on June 19, 2024, at 3 a.m.",
    "Путин прибыл в Пхеньян.",
    "",
    "金日成广场",
]


def test_batch_translation_copies_every_segment_exactly(copy_models: Path) -> None:
    engine = ArgosEngine(EngineSettings(intra_threads=1, beam_size=2))
    assert engine.translate(SENTENCES, "en", "ru") == SENTENCES


def test_pivot_through_english_when_no_direct_package(copy_models: Path) -> None:
    engine = ArgosEngine()
    assert engine.model_version("ru", "ko").count("argos translate-") == 2
    assert engine.translate(["Путин прибыл в Пхеньян."], "ru", "ko") == ["Путин прибыл в Пхеньян."]


def test_overlong_input_is_cut_safely_and_comes_back_whole(copy_models: Path) -> None:
    words = " ".join(f"word{i}" for i in range(3000))  # ~20,000 characters, no punctuation
    assert ArgosEngine().translate([words], "en", "de") == [words]


def test_each_model_is_loaded_once_per_process(copy_models: Path) -> None:
    engine = ArgosEngine()
    engine.translate(["One."], "en", "fr")
    loaded = argos.loaded_model_count()
    for _ in range(3):
        ArgosEngine().translate(["Two."], "en", "fr")
    assert argos.loaded_model_count() == loaded


def test_a_released_engine_holds_no_model(copy_models: Path) -> None:
    """What a batch does when a language is done (``run.release_engines``)."""
    engine = ArgosEngine(EngineSettings(beam_size=3))  # settings of its own: its own models
    held = argos.held_model_count()
    engine.translate(["One."], "en", "uk")
    engine.translate(["Путин прибыл в Пхеньян."], "ru", "uk")  # a pivot: ru→en, en→uk
    assert argos.held_model_count() == held + 2
    engine.release()
    assert argos.held_model_count() == held
    loaded = argos.loaded_model_count()
    assert engine.translate(["Again."], "en", "uk") == ["Again."]  # loaded again on use
    assert argos.loaded_model_count() == loaded + 1
    engine.release()


def test_argos_sentence_splitter_is_never_imported(copy_models: Path) -> None:
    """Argos' translate module pulls in stanza and torch (seconds) and a downloading splitter."""
    code = (
        "import sys\n"
        "from newsl10n.engines.argos import ArgosEngine\n"
        "texts = ['Hello there. Bye.']\n"
        "assert ArgosEngine().translate(texts, 'en', 'es') == texts\n"
        "heavy = ('argostranslate.translate', 'stanza', 'torch')\n"
        "print(sorted(m for m in heavy if m in sys.modules))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


def test_missing_pair_names_the_install_command(no_models: Path) -> None:
    with pytest.raises(MissingModelError) as err:
        ArgosEngine().translate(["Hello."], "en", "ko")
    assert "newsl10n models download en-ko" in str(err.value)
    with pytest.raises(MissingModelError, match="ru-en en-ko"):
        ArgosEngine().model_version("ru", "ko")


def test_same_language_needs_no_model(no_models: Path) -> None:
    assert ArgosEngine().translate(["Привет."], "ru", "ru") == ["Привет."]


def test_install_package_file_into_packages_dir(no_models: Path, tmp_path: Path) -> None:
    from devtools.copymodel import build_copy_model, build_copy_package

    model = build_copy_model(tmp_path / "build")
    package = build_copy_package(model, "en", "it", tmp_path)
    info = install_package_file(package)
    assert (info.source, info.target) == ("en", "it")
    assert info.path.parent == no_models
    assert [(p.source, p.target) for p in installed_packages()] == [("en", "it")]


def test_install_refuses_a_file_that_is_not_a_package(no_models: Path, tmp_path: Path) -> None:
    bogus = tmp_path / "model.argosmodel"
    bogus.write_bytes(b"not a zip")
    with pytest.raises(InputError, match="not an Argos package"):
        install_package_file(bogus)


def test_long_input_is_cut_at_sentence_then_clause_boundaries() -> None:
    sentence = ["▁One", "▁two", "▁three", "."] * 30  # 120 tokens of four-token sentences
    chunks = argos._chunks(sentence, 50)
    assert all(len(c) <= 50 and c[-1] == "." for c in chunks)
    assert sum(map(len, chunks)) == len(sentence)
    clauses = (["▁a", "▁b", ","] + ["▁w"] * 7) * 20
    assert all(c[-1] == "," for c in argos._chunks(clauses, 40)[:-1])
