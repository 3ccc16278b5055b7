"""A copy model with the compute of a real Argos model, packaged as Argos packages.

Real Argos models cannot be downloaded here, so the benchmarks run this one instead: the
copy-model technique of ``devtools/copymodel.py`` (read its docstring first) at the
size Argos ships: a Transformer "base" with d_model 512, 8 heads, 6 encoder and 6 decoder
layers, feed-forward 2048, a vocabulary of 32,000 entries and int8 weights. Its output is
still exactly its input, so the benchmarks can check every translation.

What changes from the one-layer test model:

* **Residual stream** ``[token code (448) | position code (64)]`` = 512. Token codes are
  balanced ±1 vectors as in the test model, but 448 wide, so that 32,000 of them stay far
  apart (worst cosine ~0.3 between an entry the tokenizer can produce and any other).
* **Vocabulary**: SentencePiece (BPE, byte fallback, the test model's trainer options) with
  :data:`SPM_VOCAB` pieces, trained on generated news text so that English news costs about
  as many tokens per word as with a real Argos tokenizer; the CTranslate2 vocabulary is
  padded with never-produced entries to :data:`VOCAB_SIZE`. Every padded entry has its own
  code and its own row in the output projection, so each decoding step scores 32,000
  entries, as a real model does.
* **Copy head**: cross-attention of decoder layer 0. All 8 heads attend by position (queries
  and keys read the 64 position dimensions, scaled for a logit margin of
  ``ATTENTION_MARGIN``); heads 0-6 each carry 64 dimensions of the token code (7 x 64 =
  448) into the token part; head 7 carries nothing.
* **Extra layers**: every other attention and feed-forward block has random (N(0, 0.05))
  input projections and zero output projections (no biases): it is computed in full, costs
  what a trained block costs, and adds exactly zero to the residual stream.
* **int8** (``spec.optimize(quantization="int8")``, as Argos ships): every weight the copy
  depends on has one magnitude per row (a ±1 code times a gain, or one non-zero entry), so
  per-row int8 quantization represents it exactly; the activations the copy path quantizes
  (LayerNormed balanced codes) have one magnitude per row too. Copies stay exact; the
  benchmarks check every output.

The build takes ~30 s and ~90 MB per copy on disk; it is cached (see :func:`build_model`).
"""

from __future__ import annotations

import hashlib
import io
import json
import shutil
import time
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any, Final

import numpy as np
import sentencepiece as spm

from devtools.copymodel import (
    ATTENTION_MARGIN,
    LOGIT_MARGIN,
    SPM_TRAINER_OPTIONS,
    TRAINING_LINES,
    FloatArray,
    _layer_norm_scale,
    balanced_codes,
    build_copy_package,
    finish_copy_spec,
)

D_MODEL: Final = 512
NUM_HEADS: Final = 8
HEAD_DIM: Final = D_MODEL // NUM_HEADS
NUM_LAYERS: Final = 6
FFN_DIM: Final = 2048
VOCAB_SIZE: Final = 32_000
POSITION_DIM: Final = HEAD_DIM  # one head's query/key width
TOKEN_DIM: Final = D_MODEL - POSITION_DIM  # 448 = 7 heads x 64
COPY_HEADS: Final = TOKEN_DIM // HEAD_DIM
# SentencePiece pieces: sized so generated English news takes ~1.3 pieces per word (23 per
# sentence), the order of a real Argos (32k-piece) tokenizer on news text.
SPM_VOCAB: Final = 1800
SPM_TRAINING_SENTENCES: Final = 6000
MAX_LEN: Final = 256  # the engine cuts inputs at 200 pieces
RANDOM_STD: Final = 0.05
MAX_CODE_COSINE: Final = 0.5
SEED: Final = 20250101
QUANTIZATION: Final = "int8"
_BUILD_MARKER: Final = "REALSIZE_MODEL_OK"
PAD_PREFIX: Final = "<bench_pad_"


def describe() -> dict[str, Any]:
    """The model's shape, as the benchmark report prints it."""
    return {
        "d_model": D_MODEL,
        "heads": NUM_HEADS,
        "encoder_layers": NUM_LAYERS,
        "decoder_layers": NUM_LAYERS,
        "ffn": FFN_DIM,
        "vocabulary": VOCAB_SIZE,
        "sentencepiece_pieces": SPM_VOCAB,
        "quantization": QUANTIZATION,
    }


def _build_key(quantization: str) -> str:
    """Changes whenever the model would come out different (constants, this file)."""
    source = Path(__file__).read_bytes()
    blob = json.dumps([describe(), quantization, SEED, RANDOM_STD, MAX_LEN]).encode() + source
    return hashlib.sha256(blob).hexdigest()[:12]


def train_sentencepiece(dest: Path) -> Path:
    """SentencePiece with the test model's options, :data:`SPM_VOCAB` pieces, trained on the
    test model's lines plus generated news sentences (a seed apart from the benchmark's)."""
    from benchmarks.corpus import training_lines

    lines = list(TRAINING_LINES) + training_lines(SPM_TRAINING_SENTENCES)
    model = io.BytesIO()
    options = {**SPM_TRAINER_OPTIONS, "vocab_size": SPM_VOCAB, "num_threads": 2}
    spm.SentencePieceTrainer.train(sentence_iterator=iter(lines), model_writer=model, **options)
    dest.parent.mkdir(parents=True, exist_ok=True)
    dest.write_bytes(model.getvalue())
    return dest


def token_codes(
    count: int, dim: int, produced: int, rng: np.random.Generator
) -> tuple[FloatArray, float]:
    """``count`` balanced ±1 codes and the worst cosine between one of the first ``produced``
    (the entries the tokenizer can emit) and any other entry.

    Why not ``balanced_codes``: its full Gram matrix would take 4 GB at 32,000 entries; only
    the rows the copy can ever need have to be far from everything else.
    """
    base = np.array([1.0] * (dim // 2) + [-1.0] * (dim // 2), dtype=np.float32)
    codes = rng.permuted(np.tile(base, (count, 1)), axis=1).astype(np.float32)
    worst = -1.0
    for start in range(0, produced, 1024):
        block = codes[start : min(start + 1024, produced)]
        gram = block @ codes.T / dim
        rows = np.arange(block.shape[0])
        gram[rows, start + rows] = -np.inf
        worst = max(worst, float(gram.max()))
    if worst > MAX_CODE_COSINE:
        raise ValueError(f"code book too crowded: worst cosine {worst:.3f}")
    return codes, worst


def padded_vocabulary(pieces: Sequence[str]) -> list[str]:
    """The tokenizer's pieces, then never-produced entries up to :data:`VOCAB_SIZE`."""
    extra = [f"{PAD_PREFIX}{i:05d}>" for i in range(VOCAB_SIZE - len(pieces))]
    return [*pieces, *extra]


def build_spec(vocabulary: list[str], produced: int, max_len: int = MAX_LEN) -> Any:
    """A validated ``TransformerSpec``: 6+6 layers of Transformer base that copies its input."""
    from ctranslate2.specs import TransformerSpec

    d, k, m = D_MODEL, TOKEN_DIM, POSITION_DIM
    vocab_size = len(vocabulary)
    rng = np.random.default_rng(SEED)
    codes, token_cos = token_codes(vocab_size, k, produced, rng)
    position_codes, position_cos = balanced_codes(max_len + 1, m, rng)

    token_part = np.zeros((vocab_size, d), dtype=np.float32)
    token_part[:, :k] = codes
    positions = np.zeros((max_len + 1, d), dtype=np.float32)
    positions[:, k:] = position_codes

    dec_scale = _layer_norm_scale(m, d)  # LayerNorm of [0 | position]
    enc_scale = _layer_norm_scale(k + m, d)  # LayerNorm of [token | position]
    # CTranslate2 divides queries by sqrt(head_dim); every head reads the 64 position dims.
    query_gain = (
        ATTENTION_MARGIN * np.sqrt(HEAD_DIM) / (dec_scale * enc_scale * m * (1.0 - position_cos))
    )
    logit_gain = LOGIT_MARGIN / (enc_scale * enc_scale * k * (1.0 - token_cos))

    def zeros(*shape: int) -> FloatArray:
        return np.zeros(shape, dtype=np.float32)

    def random(*shape: int) -> FloatArray:
        return rng.normal(0.0, RANDOM_STD, size=shape).astype(np.float32)

    spec = TransformerSpec.from_config(num_layers=NUM_LAYERS, num_heads=NUM_HEADS)
    spec.config.add_source_eos = True
    enc, dec = spec.encoder, spec.decoder
    enc.scale_embeddings = False
    dec.scale_embeddings = False
    enc.embeddings[0].weight = token_part
    enc.position_encodings.encodings = positions
    dec.embeddings.weight = zeros(vocab_size, d)
    dec.position_encodings.encodings = positions.copy()

    norms = [enc.layer_norm, dec.layer_norm]
    for layer in (*enc.layer, *dec.layer):
        # Computed in full, adds nothing: random inputs, zero outputs.
        layer.self_attention.linear[0].weight = random(3 * d, d)
        layer.self_attention.linear[1].weight = zeros(d, d)
        layer.ffn.linear_0.weight = random(FFN_DIM, d)
        layer.ffn.linear_1.weight = zeros(d, FFN_DIM)
        norms += [layer.self_attention.layer_norm, layer.ffn.layer_norm]
    for index, layer in enumerate(dec.layer):
        cross = layer.attention
        norms.append(cross.layer_norm)
        if index:
            cross.linear[0].weight = random(d, d)
            cross.linear[1].weight = random(2 * d, d)
            cross.linear[2].weight = zeros(d, d)
            continue
        queries, keys, values, out = zeros(d, d), zeros(d, d), zeros(d, d), zeros(d, d)
        j = np.arange(HEAD_DIM)
        for head in range(NUM_HEADS):
            rows = head * HEAD_DIM + j
            queries[rows, k + j] = query_gain  # every head: where am I?
            keys[rows, k + j] = 1.0  # ... against where each source token is
            if head < COPY_HEADS:
                values[rows, rows] = 1.0  # this head's 64 dims of the token code
                out[rows, rows] = 1.0
        cross.linear[0].weight = queries
        cross.linear[1].weight = np.concatenate([keys, values])
        cross.linear[2].weight = out

    return finish_copy_spec(spec, norms, token_part * np.float32(logit_gain), vocabulary)


def default_cache() -> Path:
    import tempfile

    return Path(tempfile.gettempdir()) / "newsl10n-bench-cache"


def build_model(cache: Path | None = None, quantization: str = QUANTIZATION) -> Path:
    """Train SentencePiece and build the CTranslate2 model once; returns a directory with
    ``model/`` and ``sentencepiece.model`` (the layout ``build_copy_package`` zips).

    Cached under ``cache`` (default: ``$TMPDIR/newsl10n-bench-cache``) by a key of this
    file's text and the model's constants, so a changed builder builds anew.
    """
    cache = cache or default_cache()
    out = cache / f"realsize-{quantization}-{_build_key(quantization)}"
    if (out / _BUILD_MARKER).exists():
        return out
    started = time.perf_counter()
    staging = cache / f".{out.name}.tmp"
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    sp_path = train_sentencepiece(staging / "sentencepiece.model")
    processor = spm.SentencePieceProcessor(model_file=str(sp_path))
    pieces = [processor.id_to_piece(i) for i in range(processor.get_piece_size())]
    spec = build_spec(padded_vocabulary(pieces), produced=len(pieces))
    spec.optimize(quantization=quantization)
    (staging / "model").mkdir()
    spec.save(str(staging / "model"))
    seconds = time.perf_counter() - started
    (staging / _BUILD_MARKER).write_text(
        json.dumps({**describe(), "quantization": quantization, "build_seconds": seconds}) + "\n",
        encoding="utf-8",
    )
    shutil.rmtree(out, ignore_errors=True)
    staging.rename(out)
    for stale in cache.glob(f"realsize-{quantization}-*"):  # older builds and their archives
        if stale.name not in (out.name, f"{out.name}-archives"):
            shutil.rmtree(stale, ignore_errors=True)
    return out


def install_packages(
    pairs: Iterable[tuple[str, str]], packages_dir: Path, cache: Path | None = None
) -> Path:
    """Build (once) and install the model as an Argos package per pair into ``packages_dir``,
    through newsl10n's own installer (``newsl10n models install``'s code path).

    ``ARGOS_PACKAGES_DIR`` must name ``packages_dir`` (set it before argostranslate is
    imported); returns ``packages_dir``.
    """
    import os

    from newsl10n.engines.argos import install_package_file

    if Path(os.environ.get("ARGOS_PACKAGES_DIR", "")) != packages_dir:
        raise RuntimeError("set ARGOS_PACKAGES_DIR to packages_dir before installing")
    model_dir = build_model(cache)
    archives = model_dir.parent / f"{model_dir.name}-archives"
    for source, target in pairs:
        archive = archives / f"translate-{source}_{target}.argosmodel"
        if not archive.exists():
            build_copy_package(model_dir, source, target, archives)
        install_package_file(archive)
    return packages_dir


def check_copy(model_dir: Path, texts: Sequence[str], beam_size: int = 2) -> list[str]:
    """Texts the model does not copy exactly (an empty list when all is well)."""
    import ctranslate2

    translator = ctranslate2.Translator(str(model_dir / "model"), intra_threads=2)
    sp = spm.SentencePieceProcessor(model_file=str(model_dir / "sentencepiece.model"))
    batch = [sp.encode(t, out_type=str) for t in texts]
    results = translator.translate_batch(batch, beam_size=beam_size, max_batch_size=32)
    outputs = [sp.decode_pieces(r.hypotheses[0]) for r in results]
    return [t for t, o in zip(texts, outputs, strict=True) if t != o]
