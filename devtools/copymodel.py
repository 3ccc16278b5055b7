"""Build a tiny *copy model* packaged as a real Argos Translate package.

Why: the test-suite must exercise the real argostranslate + CTranslate2 +
SentencePiece code path (package install, tokenizer, ``Translator``, beam
search, batching) without network access and without a real, large
translation model.  A model whose output is exactly its input makes every
assertion predictable: ``translate(x) == x`` for any script.

How the model works (one layer, one head, hand-set numpy weights):

* SentencePiece is trained in-process on :data:`TRAINING_TEXT` with
  ``byte_fallback=True`` so any Unicode string is encodable, and with the
  ``identity`` normaliser and ``remove_extra_whitespaces=False`` so that
  ``decode(encode(x)) == x`` (only U+2581 "▁", SentencePiece's own space
  marker, comes back as a plain space).
* The residual stream has ``d = TOKEN_DIM + POSITION_DIM`` dimensions:
  ``[token code | position code]``.  Codes are balanced ±1 vectors (zero
  sum, constant norm), so every LayerNorm sees the same mean (0) and the same
  variance at every position and acts as a fixed positive rescaling; with
  gamma=1, beta=0 it never changes which entry wins an argmax.
* Encoder: embedding = ``[code(token) | 0]``, learned position encoding =
  ``[0 | code(position)]``; self-attention and feed-forward weights are zero,
  so the encoder output is just (normalised) token + position codes.  The
  model config sets ``add_source_eos`` so CTranslate2 appends ``</s>`` to the
  source: the source token at position ``n`` is the end marker.
* Decoder: embeddings are zero (the previous output token is irrelevant), the
  position encoding is the same ``[0 | code(step)]``.  Cross-attention
  queries and keys read only the position part, scaled so that decoding step
  ``t`` attends to source position ``t`` with a logit margin of
  :data:`ATTENTION_MARGIN`; values carry the source token code into the token
  part.  Step 0 (input ``<s>``) therefore copies source token 0, and step
  ``n`` copies ``</s>`` which ends the hypothesis.
* The output projection scores every vocabulary entry against the copied
  code with a margin of :data:`LOGIT_MARGIN`, so greedy and beam search agree
  and the copy has log-probability ~0.

Everything is float32 (no quantisation) so the arithmetic is exact enough;
the saved model is ~2.2 MB (zero and duplicate matrices are aliased by
CTranslate2) and builds in ~0.1 s (plus a one-off ~3 s import of torch,
which ``ctranslate2.specs`` pulls in when it is installed).
"""

from __future__ import annotations

import io
import json
import shutil
import zipfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any, Final

import numpy as np
import numpy.typing as npt
import sentencepiece as spm

FloatArray = npt.NDArray[np.float32]

# Dimensions of the two halves of the residual stream.  64-dimensional
# balanced ±1 codes keep the worst cosine between two distinct codes at
# 0.5-0.6 for ~1000 vocabulary entries and up to ~1000 positions.
TOKEN_DIM: Final = 64
POSITION_DIM: Final = 64
# Hidden size of the (all-zero) feed-forward blocks; it only has to exist.
FFN_DIM: Final = 4
# Minimum gap between the winning and the runner-up logit, in nats, for the
# cross-attention (which source position is read) and for the output layer
# (which token is emitted).  exp(-40) ~ 4e-18, i.e. exact in float32.
ATTENTION_MARGIN: Final = 40.0
LOGIT_MARGIN: Final = 40.0
# Refuse code books whose worst cosine is too close to 1 (margins would
# need huge scales); the default seed gives 0.5-0.6.
MAX_CODE_COSINE: Final = 0.8
SEED: Final = 20240521
PACKAGE_VERSION: Final = "0.0.1-copy"
ARGOS_VERSION: Final = "1.11"

# SentencePiece trainer options.  ``identity`` normalisation and
# ``remove_extra_whitespaces=False`` keep the text byte-for-byte (no NFKC,
# no collapsing of spaces); ``add_dummy_prefix=True`` is SentencePiece's
# default and what real Argos models use (decode strips the dummy prefix
# again, so leading spaces still round-trip); ``byte_fallback`` +
# ``character_coverage=1.0`` make every Unicode character encodable;
# BPE with 1000 entries (3 specials + 256 bytes + ~740 merges) gives denser
# pieces than unigram on this small corpus (unigram stops at ~880);
# ``hard_vocab_limit=False`` keeps training from failing if a corpus edit
# makes ``vocab_size`` unreachable.  Special ids are SentencePiece's defaults and match
# CTranslate2's default ``<unk>``/``<s>``/``</s>`` tokens.
SPM_TRAINER_OPTIONS: Final[dict[str, Any]] = {
    "model_type": "bpe",
    "vocab_size": 1000,
    "hard_vocab_limit": False,
    "byte_fallback": True,
    "character_coverage": 1.0,
    "normalization_rule_name": "identity",
    "remove_extra_whitespaces": False,
    "add_dummy_prefix": True,
    "split_digits": False,
    "unk_id": 0,
    "bos_id": 1,
    "eos_id": 2,
    "pad_id": -1,
    "num_threads": 1,
    "minloglevel": 2,
}

# Varied news-like text (written for this file) so the vocabulary has real
# word pieces for English, accented Latin, Cyrillic, Hangul and CJK; anything
# else falls back to byte pieces.
TRAINING_LINES: Final[tuple[str, ...]] = (
    "The U.S. State Department said on Tuesday that talks with officials in Pyongyang had "
    '"made progress," but it declined to say when the next round would begin.',
    "Thousands of people gathered in Kim Il Sung Square on 15 April 2024 to mark the "
    "anniversary, state media reported.",
    "“We’re not there yet,” the U.N. envoy told reporters in New York, adding that 1,250 "
    "observers had been deployed since March.",
    "The company’s shares fell 3.7% to $42.15 after it cut its forecast for the third "
    "quarter of 2025.",
    "According to the report, 68 percent of respondents said prices had risen over the past "
    "12 months.",
    "Officials at the European Commission in Brussels said the new rules would take effect "
    "on Jan. 1, 2026.",
    "The minister, who spoke on condition of anonymity, said: 'There is no deadline for an "
    "agreement.'",
    "Police said the suspect, 34, was arrested at 9:30 p.m. near the border crossing; no one "
    "was hurt.",
    'In a statement, the White House press secretary described the meeting as "frank and '
    'constructive."',
    "Exports rose 11.2 percent year-on-year in October, the fastest pace since 2021, customs "
    "data showed.",
    "Negotiators from both countries met for six hours in Geneva and agreed to resume the "
    "dialogue next month.",
    "The government announced a new economic plan to support small businesses, farmers and "
    "families with children.",
    "Analysts said the central bank was likely to keep interest rates unchanged at its "
    "meeting on Thursday.",
    "The prime minister told parliament that the country would increase defense spending to "
    "2 percent of GDP.",
    "Rescue workers searched through the night for survivors after the earthquake struck the "
    "northern region.",
    "The foreign ministry spokesman urged all parties to exercise restraint and return to "
    "the negotiating table.",
    "Voters will go to the polls in November to elect a new president and members of the "
    "national assembly.",
    "Oil prices climbed on Monday as investors weighed the impact of new sanctions on global "
    "supply.",
    "The United Nations Security Council held an emergency meeting to discuss the missile launch.",
    "Officials confirmed that the delegation would travel to Seoul, Tokyo and Beijing later "
    "this week.",
    "Human rights groups called for an independent investigation into the deaths of the "
    "protesters.",
    "The agreement, signed by both leaders, includes provisions on trade, energy and climate "
    "change.",
    "«Мы готовы к переговорам», — заявил министр иностранных дел России в понедельник в Москве.",
    "По данным агентства, в столице прошли выборы; явка составила 47,5 процента.",
    "Президент подписал указ о новых мерах поддержки экономики и малого бизнеса.",
    "북한 조선중앙통신은 평양 김일성광장에서 대규모 행사가 열렸다고 보도했다.",
    "한국 정부는 화요일 외교부 대변인을 통해 대화 재개를 촉구했다.",
    "서울의 물가 상승률은 지난달 3.1%를 기록했다고 통계청이 밝혔다.",
    "中国外交部发言人周二在北京表示，双方将继续保持沟通与合作。",
    "据新华社报道，今年前十个月的出口同比增长百分之五。",
    "日本政府は東京で記者会見を開き、新たな経済対策を発表した。",
    "首相は「国民の生活を守る」と述べ、追加の予算案を国会に提出する方針を示した。",
    "Die Bundesregierung prüft größere Maßnahmen für Straßen, Brücken und Schulen in München.",
    "À Paris, le ministre a déclaré que l’élève et le garçon étaient déjà rentrés à la maison.",
    "« C’est une étape importante », a-t-il ajouté vendredi lors d’une conférence de presse.",
    "En España, el niño pidió más información sobre la situación económica de la región.",
    "El presidente mexicano afirmó que la reunión en Washington fue «muy productiva».",
)
TRAINING_TEXT: Final = "\n".join(TRAINING_LINES) + "\n"

LANGUAGE_NAMES: Final[dict[str, str]] = {
    "ar": "Arabic",
    "de": "German",
    "en": "English",
    "es": "Spanish",
    "fr": "French",
    "ja": "Japanese",
    "ko": "Korean",
    "ru": "Russian",
    "uk": "Ukrainian",
    "zh": "Chinese",
}

_BUILD_MARKER: Final = "COPY_MODEL_OK"


def train_sentencepiece(dest: Path) -> Path:
    """Train the byte-fallback SentencePiece model in-process and write it to ``dest``.

    Why in-process: no corpus file and no CLI are needed, and training on
    :data:`TRAINING_TEXT` takes a few milliseconds.
    """
    model = io.BytesIO()
    spm.SentencePieceTrainer.train(
        sentence_iterator=iter(TRAINING_LINES), model_writer=model, **SPM_TRAINER_OPTIONS
    )
    dest.parent.mkdir(parents=True, exist_ok=True)
    dest.write_bytes(model.getvalue())
    return dest


def balanced_codes(count: int, dim: int, rng: np.random.Generator) -> tuple[FloatArray, float]:
    """Return ``count`` distinct balanced ±1 codes of length ``dim`` and their worst cosine.

    Why balanced: each code sums to zero and has squared norm ``dim``, so a
    LayerNorm over a vector made of such codes subtracts nothing and divides
    by the same constant everywhere, i.e. it cannot reorder scores.
    """
    if dim % 2:
        raise ValueError("code dimension must be even")
    base = np.array([1.0] * (dim // 2) + [-1.0] * (dim // 2), dtype=np.float32)
    codes = np.stack([rng.permutation(base) for _ in range(count)]).astype(np.float32)
    gram = codes @ codes.T / dim
    np.fill_diagonal(gram, -np.inf)
    worst = float(gram.max()) if count > 1 else -1.0
    if worst > MAX_CODE_COSINE:
        raise ValueError(f"code book too crowded: worst cosine {worst:.3f} for {count}x{dim}")
    return codes, worst


def _layer_norm_scale(squared_norm: float, dim: int, eps: float = 1e-5) -> float:
    """Factor a zero-mean vector with this squared norm is multiplied by in LayerNorm."""
    return float(1.0 / np.sqrt(squared_norm / dim + eps))


def build_copy_spec(vocabulary: list[str], max_len: int) -> Any:
    """Return a validated ``ctranslate2.specs.TransformerSpec`` implementing the copy model.

    Why a separate function: the weights are the interesting part and can be
    inspected without touching disk.  ``max_len`` is the longest source (in
    SentencePiece tokens, without the appended ``</s>``) the model can copy.
    """
    from ctranslate2.specs import TransformerSpec

    vocab_size = len(vocabulary)
    k, m = TOKEN_DIM, POSITION_DIM
    d = k + m
    rng = np.random.default_rng(SEED)
    token_codes, token_cos = balanced_codes(vocab_size, k, rng)
    # Positions 0..max_len: max_len source tokens plus the appended </s>.
    position_codes, position_cos = balanced_codes(max_len + 1, m, rng)

    token_part = np.zeros((vocab_size, d), dtype=np.float32)
    token_part[:, :k] = token_codes
    positions = np.zeros((max_len + 1, d), dtype=np.float32)
    positions[:, k:] = position_codes

    # Decoder residual before cross-attention is [0 | position]; encoder
    # output is LayerNorm([token | position]).
    dec_scale = _layer_norm_scale(m, d)
    enc_scale = _layer_norm_scale(k + m, d)
    # CTranslate2 divides queries by sqrt(head_dim) (one head => d).
    query_gain = ATTENTION_MARGIN * np.sqrt(d) / (dec_scale * enc_scale * m * (1.0 - position_cos))
    # After cross-attention the decoder residual is ~[token | position],
    # whose LayerNorm factor is enc_scale again; then logits = gain * code.code.
    logit_gain = LOGIT_MARGIN / (enc_scale * enc_scale * k * (1.0 - token_cos))

    def zeros(*shape: int) -> FloatArray:
        return np.zeros(shape, dtype=np.float32)

    def identity_block(dims: slice, gain: float = 1.0) -> FloatArray:
        """A d x d matrix passing through only ``dims`` (times ``gain``)."""
        mat = zeros(d, d)
        idx = np.arange(dims.start, dims.stop)
        mat[idx, idx] = gain
        return mat

    spec = TransformerSpec.from_config(num_layers=1, num_heads=1)
    spec.config.add_source_eos = True

    layer_norms = []
    enc, dec = spec.encoder, spec.decoder
    enc.scale_embeddings = False
    dec.scale_embeddings = False
    enc.embeddings[0].weight = token_part
    enc.position_encodings.encodings = positions
    dec.embeddings.weight = zeros(vocab_size, d)
    dec.position_encodings.encodings = positions.copy()

    for layer in (enc.layer[0], dec.layer[0]):
        # Self-attention: fused QKV then output; all zero => contributes 0.
        layer.self_attention.linear[0].weight = zeros(3 * d, d)
        layer.self_attention.linear[1].weight = zeros(d, d)
        layer.ffn.linear_0.weight = zeros(FFN_DIM, d)
        layer.ffn.linear_1.weight = zeros(d, FFN_DIM)
        layer_norms += [layer.self_attention.layer_norm, layer.ffn.layer_norm]

    cross = dec.layer[0].attention
    pos = slice(k, d)
    tok = slice(0, k)
    cross.linear[0].weight = identity_block(pos, query_gain)  # queries: position part
    keys = identity_block(pos)  # keys: position part of the memory
    values = identity_block(tok)  # values: token part of the memory
    cross.linear[1].weight = np.concatenate([keys, values])  # fused K,V
    cross.linear[2].weight = identity_block(tok)  # head output -> token part
    layer_norms += [cross.layer_norm, enc.layer_norm, dec.layer_norm]

    return finish_copy_spec(spec, layer_norms, token_part * np.float32(logit_gain), vocabulary)


def finish_copy_spec(
    spec: Any, layer_norms: Iterable[Any], projection: FloatArray, vocabulary: list[str]
) -> Any:
    """The part every copy model shares: layer norms that only rescale (gamma 1, beta 0),
    the output projection scoring tokens against the copied code, both vocabularies."""
    d = projection.shape[1]
    for norm in layer_norms:
        norm.gamma = np.ones(d, dtype=np.float32)
        norm.beta = np.zeros(d, dtype=np.float32)
    spec.decoder.projection.weight = projection
    spec.register_source_vocabulary(vocabulary)
    spec.register_target_vocabulary(vocabulary)
    spec.validate()
    return spec


def build_copy_model(workdir: Path, max_len: int = 256) -> Path:
    """Train SPM + build CT2 copy model once into workdir.

    Returns a directory holding ``model/`` (CTranslate2) and
    ``sentencepiece.model``.

    Why once: every language pair reuses the same files, so a test session
    pays the (sub-second) build a single time.  A second call with the same
    ``workdir`` and ``max_len`` returns the existing directory.  Sources
    longer than ``max_len`` SentencePiece tokens are rejected by CTranslate2
    (no position encoding for them).
    """
    if max_len < 1:
        raise ValueError("max_len must be positive")
    out = workdir / f"copy-model-{max_len}"
    if (out / _BUILD_MARKER).exists():
        return out
    staging = workdir / f".copy-model-{max_len}.tmp"
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)

    sp_path = train_sentencepiece(staging / "sentencepiece.model")
    processor = spm.SentencePieceProcessor(model_file=str(sp_path))
    vocabulary = [processor.id_to_piece(i) for i in range(processor.get_piece_size())]

    spec = build_copy_spec(vocabulary, max_len)
    spec.optimize(quantization=None)  # float32: exact scores, ~2.2 MB
    (staging / "model").mkdir()
    spec.save(str(staging / "model"))
    (staging / _BUILD_MARKER).write_text(f"max_len={max_len}\n", encoding="utf-8")

    shutil.rmtree(out, ignore_errors=True)
    staging.rename(out)
    return out


def _language_name(code: str) -> str:
    return LANGUAGE_NAMES.get(code, code)


def build_copy_package(model_dir: Path, from_code: str, to_code: str, dest: Path) -> Path:
    """Zip the built model into ``dest/translate-{from}_{to}.argosmodel``.

    Fast (no rebuild): the same built model is reused for every pair; only
    ``metadata.json`` (codes, names, version, type) differs.

    Why a zip: ``argostranslate.package.install_from_path`` only accepts a zip
    whose single top-level folder (``translate-{from}_{to}-copy/``) holds
    ``metadata.json``, ``model/`` (CTranslate2) and ``sentencepiece.model``.
    """
    folder = f"translate-{from_code}_{to_code}-copy"
    metadata = {
        "package_version": PACKAGE_VERSION,
        "argos_version": ARGOS_VERSION,
        "type": "translate",
        "from_code": from_code,
        "from_name": _language_name(from_code),
        "to_code": to_code,
        "to_name": _language_name(to_code),
        "links": [],
    }
    readme = (
        f"# Copy model {from_code} -> {to_code}\n\n"
        "Test fixture: a one-layer CTranslate2 Transformer whose output equals its "
        "input. Built by devtools/copymodel.py; not a translation model.\n"
    )
    dest.mkdir(parents=True, exist_ok=True)
    archive = dest / f"translate-{from_code}_{to_code}.argosmodel"
    with zipfile.ZipFile(archive, "w", compression=zipfile.ZIP_DEFLATED) as zipf:
        zipf.writestr(f"{folder}/metadata.json", json.dumps(metadata, indent=2) + "\n")
        zipf.writestr(f"{folder}/README.md", readme)
        zipf.write(model_dir / "sentencepiece.model", f"{folder}/sentencepiece.model")
        for path in sorted((model_dir / "model").iterdir()):
            zipf.write(path, f"{folder}/model/{path.name}")
    return archive


def install_copy_packages(
    pairs: Iterable[tuple[str, str]], packages_dir: Path, workdir: Path
) -> None:
    """Build (once) and install a copy package for each pair into ``packages_dir``.

    Uses ``argostranslate.package.install_from_path`` with
    ``argostranslate.settings.package_data_dir`` pointed at ``packages_dir``.

    Why this way: it runs argostranslate's real installer.  argostranslate
    reads ``ARGOS_PACKAGES_DIR`` once, at import time, so the target directory
    is set on ``argostranslate.settings`` for the duration of the install and
    restored afterwards (works whether or not argostranslate was imported
    before).  To find the packages later either import argostranslate with
    ``ARGOS_PACKAGES_DIR=packages_dir`` or pass ``path=[packages_dir]`` to
    ``get_installed_packages``.
    """
    from argostranslate import package as argos_package
    from argostranslate import settings as argos_settings

    model_dir = build_copy_model(workdir)
    archives = workdir / "archives"
    packages_dir.mkdir(parents=True, exist_ok=True)
    saved_data_dir = argos_settings.package_data_dir
    argos_settings.package_data_dir = packages_dir
    try:
        for from_code, to_code in pairs:
            archive = build_copy_package(model_dir, from_code, to_code, archives)
            argos_package.install_from_path(archive)
    finally:
        argos_settings.package_data_dir = saved_data_dir
