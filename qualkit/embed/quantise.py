"""Int8 versions of the exported fp32 ONNX model: static (``onnx-int8``, the default) and
dynamic (``onnx-int8-dynamic``, what ``onnx-int8`` meant before: kept for comparison).

Why static: dynamic int8 (``quantize_dynamic``) picks each activation's range from the batch in
hand, so a text's vector depended on the texts it was embedded with (cosine ~0.99 between a
text embedded alone and in a batch) and on whether a project was embedded in one pass or in
parts -- which changed the themes. Static int8 fixes every activation range once, at export,
from the check sentences (MinMax calibration, one sentence at a time), so a text's vector is
a function of the text alone. Measured in bench/README.md ("Embedding"): the same speed as
dynamic int8 and mean cosine >= 0.99 to fp32 once the FFN output projections stay in fp32.

Both quantisers keep the weights per channel and skip the word-embedding Gather. Each tries a
short ladder of recipes (``ladder``), keeping more MatMuls in fp32, and stops at the first whose
mean cosine to the fp32 model reaches the target on the check set. Calibration uses the
even-numbered check sentences and the check scores all of them, so half the check is text the
calibration never saw (``meta.json`` records both figures).

Needs ``onnx`` and ``onnxruntime.quantization`` (not torch): an export made for one backend can
be quantised for another later without torch.
"""
from __future__ import annotations

import logging
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterable

from qualkit.embed.checkset import CHECK_SENTENCES
from qualkit.models import QualkitError

if TYPE_CHECKING:  # pragma: no cover
    from qualkit.embed.model import ModelSpec

STATIC, DYNAMIC = "onnx-int8", "onnx-int8-dynamic"
FILES = {STATIC: "model.int8.onnx", DYNAMIC: "model.int8-dynamic.onnx"}


def weight_matmuls(onnx_path: Path) -> list[tuple[str, tuple[int, ...]]]:
    """(node name, weight shape) of MatMuls with a constant 2-D weight, in graph order."""
    import onnx

    graph = onnx.load(str(onnx_path), load_external_data=False).graph
    shapes = {i.name: tuple(i.dims) for i in graph.initializer}
    return [(n.name, shapes[n.input[1]]) for n in graph.node
            if n.op_type == "MatMul" and len(shapes.get(n.input[1], ())) == 2]


def ladder(onnx_path: Path, kind: str) -> list[tuple[str, list[str]]]:
    """(recipe, MatMuls kept in fp32), cheapest first, without repeats.

    Dynamic: every MatMul, then the FFN output projections of the first half of the layers in
    fp32, then all of them, then the whole FFN. Static: per-tensor ranges fixed in advance
    cannot follow the outlier channels at the FFN output projections' inputs (0.943 mean
    cosine with every MatMul quantised), so its ladder starts with those in fp32."""
    mm = weight_matmuls(onnx_path)
    down = [n for n, (rows, cols) in mm if rows > cols]  # FFN output projections
    up = [n for n, (rows, cols) in mm if cols > rows]  # FFN input projections
    half = down[:(len(down) + 1) // 2]
    if kind == STATIC:
        rungs = [("static-fp32-ffn-out", down), ("static-fp32-ffn", down + up)]
    else:
        rungs = [("int8-all", []), ("int8-fp32-ffn-out-first-half", half),
                 ("int8-fp32-ffn-out", down), ("int8-fp32-ffn", down + up)]
    seen, out = set(), []
    for name, keep in rungs:
        if tuple(keep) not in seen:
            seen.add(tuple(keep))
            out.append((name, keep))
    return out


class _quiet:
    """onnxruntime's quantisers log "consider pre-processing" hints to the root logger."""

    def __enter__(self):
        self.previous = logging.root.manager.disable
        logging.disable(logging.WARNING)

    def __exit__(self, *exc):
        logging.disable(self.previous)
        return False


def quantise_dynamic(src: Path, dst: Path, keep_fp32: list[str]) -> None:
    from onnxruntime.quantization import QuantType, quantize_dynamic

    with _quiet():
        quantize_dynamic(str(src), str(dst), weight_type=QuantType.QInt8, per_channel=True,
                         op_types_to_quantize=["MatMul"], nodes_to_exclude=list(keep_fp32),
                         extra_options={"MatMulConstBOnly": True})


def quantise_static(src: Path, dst: Path, keep_fp32: list[str],
                    calibration: Iterable[dict[str, Any]]) -> None:
    """Static int8 (QOperator: QLinearMatMul) with MinMax ranges from ``calibration`` feeds."""
    from onnxruntime.quantization import (CalibrationDataReader, CalibrationMethod, QuantFormat,
                                          QuantType, quantize_static)

    class Reader(CalibrationDataReader):
        def __init__(self, feeds):
            self.feeds = iter(feeds)

        def get_next(self):
            return next(self.feeds, None)

    with _quiet():
        quantize_static(str(src), str(dst), Reader(list(calibration)),
                        quant_format=QuantFormat.QOperator, op_types_to_quantize=["MatMul"],
                        per_channel=True, activation_type=QuantType.QUInt8,
                        weight_type=QuantType.QInt8, calibrate_method=CalibrationMethod.MinMax,
                        nodes_to_exclude=list(keep_fp32),
                        extra_options={"MatMulConstBOnly": True})


def calibration_feeds(token_ids: list[list[int]], inputs: list[str]) -> list[dict[str, Any]]:
    """One feed per sentence (no padding: ranges come from real tokens only)."""
    import numpy as np

    feeds = []
    for ids in token_ids:
        a = np.asarray([ids], dtype=np.int64)
        feed = {"input_ids": a, "attention_mask": np.ones_like(a)}
        if "token_type_ids" in inputs:
            feed["token_type_ids"] = np.zeros_like(a)
        feeds.append(feed)
    return feeds


def add_int8(spec: "ModelSpec", directory: Path, backend: str) -> dict:
    """Quantise the cached fp32 model for ``backend``, check it, record it in meta.json."""
    from qualkit.embed.onnx import (FP32_FILE, INT8_BACKENDS, MIN_COSINE, TARGET_COSINE,
                                    _cosines, _place, _tmp, _vectors, _write_meta, onnx_settings,
                                    read_meta)

    started = time.perf_counter()
    reference = _vectors(directory / FP32_FILE, spec)
    feeds = None
    if backend == STATIC:
        from tokenizers import Tokenizer

        tok = Tokenizer.from_file(str(onnx_settings(spec)["tokenizer"]))
        tok.enable_truncation(onnx_settings(spec)["max_seq_length"])
        meta0 = read_meta(directory, spec) or {}
        ids = [e.ids for e in tok.encode_batch(list(CHECK_SENTENCES[::2]))]
        feeds = calibration_feeds(ids, meta0.get("inputs", ["input_ids", "attention_mask"]))
    tried, chosen, tmp_files = [], None, []
    try:
        for recipe, keep in ladder(directory / FP32_FILE, backend):
            q_tmp = _tmp(directory, ".onnx")
            tmp_files.append(q_tmp)
            if backend == STATIC:
                quantise_static(directory / FP32_FILE, q_tmp, keep, feeds)
            else:
                quantise_dynamic(directory / FP32_FILE, q_tmp, keep)
            vecs = _vectors(q_tmp, spec, exact=backend != DYNAMIC)
            result = {"recipe": recipe, "fp32_nodes": keep, **_cosines(vecs, reference),
                      "_tmp": q_tmp}
            if backend == STATIC:  # the odd half: sentences the calibration never saw
                held = _cosines(vecs, reference, slice(1, None, 2))
                result["unseen_mean_cosine"] = held["mean_cosine"]
            tried.append(result)
            if result["mean_cosine"] >= TARGET_COSINE:
                chosen = result
                break
        if chosen is None:
            best = max(tried, key=lambda r: r["mean_cosine"])
            chosen = best if best["mean_cosine"] >= MIN_COSINE else None
        entry = {"file": None, "mean_cosine": max(r["mean_cosine"] for r in tried),
                 "min_cosine": max(r["min_cosine"] for r in tried)}
        if chosen is not None:
            _place(chosen["_tmp"], directory / FILES[backend])
            entry = {"file": FILES[backend], **{k: v for k, v in chosen.items() if k != "_tmp"}}
        entry["tried"] = [{k: r[k] for k in ("recipe", "mean_cosine", "min_cosine")}
                          for r in tried]
        entry["seconds"] = round(time.perf_counter() - started, 1)
        meta = read_meta(directory, spec)  # re-read: another process may have added a variant
        if meta is None:
            raise QualkitError(f"The model cache {directory} changed while quantising; run again")
        meta[backend] = entry
        meta["default"] = next((b for b in INT8_BACKENDS if (meta.get(b) or {}).get("file")
                                and meta[b]["mean_cosine"] >= MIN_COSINE), "onnx-fp32")
        _write_meta(directory, meta)
        return meta
    finally:
        for f in tmp_files:
            f.unlink(missing_ok=True)
