"""Tests of the copy-model builder (devtools/copymodel.py).

Why: every engine test relies on "translation == input" through the real
argostranslate + CTranslate2 + SentencePiece stack; these tests pin that
property for all scripts the project handles, for greedy and beam search, for
padded batches and at the length limit.  They never call argostranslate's
high-level translate(): its sentence splitter downloads a model.
"""

from __future__ import annotations

import json
import zipfile
from collections.abc import Sequence
from pathlib import Path

import ctranslate2
import pytest
import sentencepiece as spm

from devtools.copymodel import (
    PACKAGE_VERSION,
    TRAINING_TEXT,
    build_copy_model,
    build_copy_package,
    install_copy_packages,
)

MAX_LEN = 256

NEWS_EN = (
    "The U.S. State Department said on Tuesday that “talks near Kim Il Sung Square "
    "went well,” while the U.N. counted 1,250 observers, 3.7% growth and $42.15 shares "
    "in 2024 — ‘a first’, «officials» said."
)
TEXTS: dict[str, str] = {
    "english-news": NEWS_EN,
    "russian": "«Мы готовы к переговорам», — заявил министр в понедельник, 15 апреля 2024 года.",
    "korean": "외무성 대변인은 평양에서 담화를 발표하고 미국의 군사 연습을 비난했다.",
    "chinese": "中国外交部发言人汪文斌在例行记者会上表示，中方欢迎这一决定。",
    "japanese": "岸田首相は記者団に対し「丁寧に説明したい」と語った。",
    "placeholders": 'Press ⟦T0⟧ or __T0__ to open {{g2}}, then <g id="3">close</g> and %(name)s.',
    "other-scripts": "Ωμέγα עברית العربية हिन्दी ไทย 😀👍🏽 ﬁ e\u0301 \u00a0 \u200b",
    "whitespace-shape": "  Line one\n\tLine two  with  double spaces ",
}


def _copy(
    translator: ctranslate2.Translator,
    sp: spm.SentencePieceProcessor,
    texts: Sequence[str],
    beam_size: int,
    **options: object,
) -> list[str]:
    batch = [sp.encode(text, out_type=str) for text in texts]
    results = translator.translate_batch(
        batch, beam_size=beam_size, max_batch_size=64, batch_type="tokens", **options
    )
    return [sp.decode_pieces(result.hypotheses[0]) for result in results]


@pytest.fixture(scope="session")
def copy_workdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("copymodel")


@pytest.fixture(scope="session")
def copy_model_dir(copy_workdir: Path) -> Path:
    return build_copy_model(copy_workdir, max_len=MAX_LEN)


@pytest.fixture(scope="session")
def sp(copy_model_dir: Path) -> spm.SentencePieceProcessor:
    return spm.SentencePieceProcessor(model_file=str(copy_model_dir / "sentencepiece.model"))


@pytest.fixture(scope="session")
def translator(copy_model_dir: Path) -> ctranslate2.Translator:
    return ctranslate2.Translator(
        str(copy_model_dir / "model"), device="cpu", intra_threads=1, inter_threads=1
    )


@pytest.fixture(scope="session")
def packages_dir(
    copy_workdir: Path, copy_model_dir: Path, tmp_path_factory: pytest.TempPathFactory
) -> Path:
    target = tmp_path_factory.mktemp("argos-packages")
    install_copy_packages([("en", "ru"), ("en", "ko")], target, copy_workdir)
    return target


def test_build_is_small_and_reused(copy_workdir: Path, copy_model_dir: Path) -> None:
    assert (copy_model_dir / "sentencepiece.model").is_file()
    assert (copy_model_dir / "model" / "model.bin").is_file()
    size = sum(p.stat().st_size for p in copy_model_dir.rglob("*") if p.is_file())
    assert size < 4_000_000
    assert build_copy_model(copy_workdir, max_len=MAX_LEN) == copy_model_dir


def test_package_archive_layout(copy_model_dir: Path, tmp_path: Path) -> None:
    archive = build_copy_package(copy_model_dir, "en", "ja", tmp_path)
    assert archive == tmp_path / "translate-en_ja.argosmodel"
    with zipfile.ZipFile(archive) as zipf:
        names = zipf.namelist()
        assert {name.split("/")[0] for name in names} == {"translate-en_ja-copy"}
        assert "translate-en_ja-copy/sentencepiece.model" in names
        assert "translate-en_ja-copy/model/model.bin" in names
        metadata = json.loads(zipf.read("translate-en_ja-copy/metadata.json"))
    assert metadata["from_code"] == "en"
    assert metadata["to_code"] == "ja"
    assert metadata["package_version"] == PACKAGE_VERSION
    assert metadata["argos_version"] == "1.11"
    assert metadata["type"] == "translate"
    assert (metadata["from_name"], metadata["to_name"]) == ("English", "Japanese")


def test_installed_packages_are_found(packages_dir: Path) -> None:
    from argostranslate import package, settings
    from argostranslate.tokenizer import SentencePieceTokenizer

    installed = package.get_installed_packages(path=[packages_dir])
    by_pair = {(pkg.from_code, pkg.to_code): pkg for pkg in installed}
    assert set(by_pair) == {("en", "ru"), ("en", "ko")}
    pkg = by_pair["en", "ru"]
    assert pkg.type == "translate"
    assert pkg.package_version == PACKAGE_VERSION
    assert (pkg.from_name, pkg.to_name) == ("English", "Russian")
    assert isinstance(pkg.tokenizer, SentencePieceTokenizer)
    assert (pkg.package_path / "model" / "model.bin").is_file()
    # install_copy_packages must not leave argostranslate pointed elsewhere.
    assert settings.package_data_dir != packages_dir


@pytest.mark.parametrize("beam_size", [1, 2])
@pytest.mark.parametrize("name", sorted(TEXTS))
def test_copies_exactly(
    translator: ctranslate2.Translator,
    sp: spm.SentencePieceProcessor,
    name: str,
    beam_size: int,
) -> None:
    text = TEXTS[name]
    assert _copy(translator, sp, [text], beam_size) == [text]


@pytest.mark.parametrize("beam_size", [1, 2])
def test_copies_padded_batches(
    translator: ctranslate2.Translator, sp: spm.SentencePieceProcessor, beam_size: int
) -> None:
    texts = [*TEXTS.values(), "a", NEWS_EN * 2]
    # max_batch_size=64 tokens forces several sub-batches of mixed lengths.
    assert _copy(translator, sp, texts, beam_size) == texts


def _text_of_tokens(sp: spm.SentencePieceProcessor, count: int) -> str:
    pieces = sp.encode(TRAINING_TEXT.replace("\n", " ") * 4, out_type=str)[:count]
    text = str(sp.decode_pieces(pieces))
    assert len(sp.encode(text)) == count
    return text


@pytest.mark.parametrize("beam_size", [1, 2])
def test_copies_long_text(
    translator: ctranslate2.Translator, sp: spm.SentencePieceProcessor, beam_size: int
) -> None:
    text = _text_of_tokens(sp, 250)
    assert _copy(translator, sp, [text], beam_size) == [text]


def test_copies_up_to_max_len(
    translator: ctranslate2.Translator, sp: spm.SentencePieceProcessor
) -> None:
    # 255 tokens + </s> fit CTranslate2's default max_decoding_length (256);
    # 256 tokens are still copied in full (decoding stops at the limit).
    for count in (MAX_LEN - 1, MAX_LEN):
        text = _text_of_tokens(sp, count)
        assert _copy(translator, sp, [text], 2) == [text]
        assert _copy(translator, sp, [text], 1, max_decoding_length=count + 1) == [text]


def test_rejects_sources_longer_than_max_len(
    translator: ctranslate2.Translator, sp: spm.SentencePieceProcessor
) -> None:
    text = _text_of_tokens(sp, MAX_LEN + 1)
    with pytest.raises(RuntimeError, match="position"):
        _copy(translator, sp, [text], 1)


def test_sentencepiece_round_trip(sp: spm.SentencePieceProcessor) -> None:
    for text in [*TEXTS.values(), "", " ", "x ", "\r\n", "<s></s><unk>", "back\\slash"]:
        assert sp.decode_pieces(sp.encode(text, out_type=str)) == text
    # Caveat: U+2581 is SentencePiece's own space marker and decodes to " ".
    assert sp.decode_pieces(sp.encode("a\u2581b", out_type=str)) == "a b"


class _WholeText:
    """Sentencizer stand-in: argostranslate's real ones download models."""

    def split_sentences(self, text: str) -> list[str]:
        return [text]


def test_argos_package_translation_path(
    packages_dir: Path, translator: ctranslate2.Translator
) -> None:
    """Argos's own tokenizer + translate_batch options (beam 4, length penalty,
    replace_unknowns) also copy exactly -- except that Argos's decode turns
    every "_" into a space, a quirk placeholder designs must avoid."""
    from argostranslate import package
    from argostranslate.translate import apply_packaged_translation

    (pkg,) = [p for p in package.get_installed_packages(path=[packages_dir]) if p.to_code == "ru"]
    for text in (NEWS_EN, TEXTS["korean"], '⟦T0⟧ {{g2}} <g id="3">'):
        hypotheses = apply_packaged_translation(pkg, text, translator, _WholeText(), 1)
        assert hypotheses[0].value == text
    hypotheses = apply_packaged_translation(pkg, "Open __T0__ now", translator, _WholeText(), 1)
    assert hypotheses[0].value == "Open   T0   now"
