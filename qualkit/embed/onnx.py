"""ONNX backends for ``qualkit.embed``: export once with torch, quantise, run with onnxruntime.

Files live in ``<cache_dir>/<name>@<fingerprint12>/``:

- ``model.onnx``       fp32 export (``torch.onnx.export(dynamo=False)``), mean pooling in-graph;
- ``model.int8.onnx``  ``quantize_dynamic(QInt8, per_channel=True)`` of the MatMul weights;
- ``meta.json``        what was measured: mean/min cosine of each file to sentence-transformers
                       fp32 on ``embed_checkset``, the int8 recipe chosen, library versions.

Dynamic int8 quantises each activation per tensor, and a few BERT activations have outlier
channels (|x| ~30 against a median ~1.5): quantising *every* MatMul scores ~0.990 on the check
set, right at the limit. So the export tries a short ladder of recipes, keeping more of the
down-projections (the FFN output MatMuls, whose GELU inputs carry the outliers) in fp32, and
stops at the first that reaches ``TARGET_COSINE``. Int8 is the default only at or above
``MIN_COSINE``; below that ``"onnx-int8"`` falls back to fp32 and says so.

Inference needs only onnxruntime, tokenizers and numpy: torch is imported by ``export`` alone.
Two processes may export at once: each writes temp files and ``os.replace``s them; meta.json is
written last, so a reader never sees a half-written model.
"""
from __future__ import annotations

import json
import logging
import os
import tempfile
import time
import warnings
from pathlib import Path

from qualkit.embed.base import ProgressFn, cpu_threads, ensure_offline, length_batches, model_id
from qualkit.embed.checkset import CHECK_SENTENCES, CHECKSET_VERSION
from qualkit.embed.model import ModelSpec, read_json
from qualkit.models import QualkitError
from qualkit.offline import ort_telemetry_preloaded

RECIPE_VERSION = 1
MIN_COSINE = 0.99  # int8 may be the default only at or above this mean cosine to fp32
TARGET_COSINE = 0.993  # the recipe ladder stops at the first reaching this (margin for real text)
FP32_FILE, INT8_FILE, META_FILE = "model.onnx", "model.int8.onnx", "meta.json"
SUPPORTED_MODULES = ("Transformer", "Pooling", "Normalize")


def model_dir(cache_dir: Path, spec: ModelSpec) -> Path:
    return Path(cache_dir) / spec.identity


def onnx_settings(spec: ModelSpec) -> dict:
    """Tokenizer path, max length and pad id; raises when the ONNX path cannot match the model."""
    tdir = spec.transformer_path
    modules = read_json(spec.path / "modules.json") or []
    for m in modules if isinstance(modules, list) else []:
        kind = str(m.get("type", "")).rsplit(".", 1)[-1]
        if kind not in SUPPORTED_MODULES:
            raise QualkitError(f"The ONNX backends cannot run the {kind} module of {spec.name}; "
                               "set embed.backend: torch-fp32")
        if kind == "Pooling":
            pooling = read_json(spec.path / m.get("path", "") / "config.json") or {}
            modes = {k for k, v in pooling.items() if k.startswith("pooling_mode_") and v is True}
            if modes - {"pooling_mode_mean_tokens"}:
                raise QualkitError(f"The ONNX backends support mean pooling only ({spec.name} "
                                   "pools otherwise); set embed.backend: torch-fp32")
    if not (tdir / "tokenizer.json").is_file():
        raise QualkitError(f"{spec.name} has no tokenizer.json, which the ONNX backends need; "
                           "set embed.backend: torch-fp32")
    st_cfg = read_json(spec.path / "sentence_bert_config.json") or {}
    tok_cfg = read_json(tdir / "tokenizer_config.json") or {}
    cfg = read_json(tdir / "config.json") or {}
    max_len = st_cfg.get("max_seq_length") or tok_cfg.get("model_max_length") or 256
    max_len = min(int(max_len), 100_000, int(cfg.get("max_position_embeddings") or 100_000))
    return {"tokenizer": tdir / "tokenizer.json", "max_seq_length": max_len,
            "pad_id": int(cfg.get("pad_token_id") or 0)}


class OnnxEmbedder:
    """onnxruntime + tokenizers; sorts by token length, pads per batch, restores input order."""

    def __init__(self, onnx_path: Path, spec: ModelSpec, backend: str,
                 threads: int | None = None, meta: dict | None = None, note: str = ""):
        ort = import_onnxruntime()
        from tokenizers import Tokenizer

        settings = onnx_settings(spec)
        so = ort.SessionOptions()
        so.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        so.intra_op_num_threads = threads or cpu_threads()
        so.inter_op_num_threads = 1
        so.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
        so.log_severity_level = 3
        self.session = ort.InferenceSession(str(onnx_path), so, providers=["CPUExecutionProvider"])
        self.inputs = {i.name for i in self.session.get_inputs()}
        self.tokenizer = Tokenizer.from_file(str(settings["tokenizer"]))
        self.tokenizer.no_padding()
        self.tokenizer.enable_truncation(settings["max_seq_length"])
        self.pad_id = settings["pad_id"]
        self.dim = int(self.session.get_outputs()[0].shape[-1])
        self.spec, self.backend, self.path = spec, backend, Path(onnx_path)
        self.model_id = model_id(spec.identity, backend)
        self.meta, self.note = meta or {}, note

    def encode(self, texts: list[str], progress: ProgressFn | None = None, batch_size: int = 64):
        import numpy as np

        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        if not texts:
            return out
        ids = [e.ids for e in self.tokenizer.encode_batch(list(texts))]
        for idx in length_batches([len(x) for x in ids], batch_size):
            width = len(ids[idx[0]])  # longest first within the batch
            input_ids = np.full((len(idx), width), self.pad_id, dtype=np.int64)
            mask = np.zeros((len(idx), width), dtype=np.int64)
            for row, i in enumerate(idx):
                input_ids[row, :len(ids[i])] = ids[i]
                mask[row, :len(ids[i])] = 1
            feed = {"input_ids": input_ids, "attention_mask": mask}
            if "token_type_ids" in self.inputs:
                feed["token_type_ids"] = np.zeros_like(input_ids)
            out[idx] = self.session.run(None, feed)[0]
            if progress:
                progress(len(idx))
        out /= np.maximum(np.linalg.norm(out, axis=1, keepdims=True), 1e-12)
        return out


def import_onnxruntime():
    """onnxruntime with its telemetry off: ``ORT_DISABLE_TELEMETRY`` is set before it loads
    (``qualkit.offline``); the runtime switch is thrown too, and a warning says when
    onnxruntime was loaded before qualkit and so made its own choice."""
    ensure_offline()
    import onnxruntime as ort

    ort.disable_telemetry_events()
    if ort_telemetry_preloaded() and not _WARNED:
        _WARNED.append(True)
        warnings.warn("onnxruntime was imported before qualkit, so its telemetry could not be "
                      "switched off; set ORT_DISABLE_TELEMETRY=1 before starting Python",
                      RuntimeWarning, stacklevel=3)
    return ort


_WARNED: list[bool] = []


# --- cache --------------------------------------------------------------------------------------

def read_meta(directory: Path, spec: ModelSpec) -> dict | None:
    """meta.json if it describes a complete, current export of this exact model, else None."""
    meta = read_json(directory / META_FILE)
    if not isinstance(meta, dict) or meta.get("recipe_version") != RECIPE_VERSION \
            or meta.get("fingerprint") != spec.fingerprint \
            or meta.get("checkset_version") != CHECKSET_VERSION:
        return None
    files = [meta.get("onnx-fp32", {}).get("file"), meta.get("onnx-int8", {}).get("file")]
    if any(f and not (directory / f).is_file() for f in files) or not files[0]:
        return None
    return meta


def _tmp(directory: Path, suffix: str) -> Path:
    fd, name = tempfile.mkstemp(dir=directory, prefix=".tmp-", suffix=suffix)
    os.close(fd)
    os.chmod(name, 0o644)  # mkstemp makes 0600; the cache is as readable as the project
    return Path(name)


def _place(tmp: Path, final: Path) -> None:
    try:
        os.replace(tmp, final)
    except PermissionError:  # Windows: another process has the same file open; theirs is as good
        if not final.exists():
            raise
        tmp.unlink(missing_ok=True)


def load_embedder(spec: ModelSpec, cache_dir: Path, backend: str,
                  threads: int | None = None) -> OnnxEmbedder:
    directory = model_dir(cache_dir, spec)
    meta = read_meta(directory, spec) or export(spec, directory)
    effective, note = effective_backend(meta, backend)
    if note:
        warnings.warn(note, RuntimeWarning, stacklevel=3)
    return OnnxEmbedder(directory / meta[effective]["file"], spec, effective, threads, meta, note)


def prepare(spec: ModelSpec, cache_dir: Path, backend: str) -> dict:
    directory = model_dir(cache_dir, spec)
    meta = read_meta(directory, spec)
    exported = meta is None
    if meta is None:
        meta = export(spec, directory)
    effective, note = effective_backend(meta, backend)
    entry = meta[effective]
    return {"backend": effective, "model_id": model_id(spec.identity, effective),
            "path": str(directory / entry["file"]), "mean_cosine": entry["mean_cosine"],
            "min_cosine": entry["min_cosine"], "exported": exported, "note": note,
            "recipe": entry.get("recipe", "fp32")}


def known_model_id(spec: ModelSpec, cache_dir: Path, backend: str) -> str | None:
    """The model id an ONNX backend will have, read from the cached export; None before it."""
    meta = read_meta(model_dir(cache_dir, spec), spec)
    return None if meta is None else model_id(spec.identity, effective_backend(meta, backend)[0])


def effective_backend(meta: dict, backend: str) -> tuple[str, str]:
    if backend == "onnx-int8" and meta.get("default") != "onnx-int8":
        int8 = meta.get("onnx-int8", {})
        return "onnx-fp32", (f"int8 embeddings scored {int8.get('mean_cosine', 0):.4f} mean cosine "
                             f"to fp32 on the check set (< {MIN_COSINE}); using onnx-fp32 instead")
    return backend, ""


# --- export -------------------------------------------------------------------------------------

def _pooled_wrapper(torch, model, names: list[str]):
    class Pooled(torch.nn.Module):
        """Calls the model with keyword arguments (transformers 5) and mean-pools over the mask."""

        def __init__(self):
            super().__init__()
            self.model = model

        def forward(self, *args):
            kwargs = dict(zip(names, args))
            out = self.model(**kwargs)
            hidden = out.last_hidden_state if hasattr(out, "last_hidden_state") else out[0]
            mask = kwargs["attention_mask"].unsqueeze(-1).to(hidden.dtype)
            return (hidden * mask).sum(1) / mask.sum(1).clamp(min=1e-9)

    return Pooled().eval()


def _weight_matmuls(onnx_path: Path) -> list[tuple[str, tuple[int, ...]]]:
    """(node name, weight shape) of MatMuls with a constant 2-D weight, in graph order."""
    import onnx

    graph = onnx.load(str(onnx_path), load_external_data=False).graph
    shapes = {i.name: tuple(i.dims) for i in graph.initializer}
    return [(n.name, shapes[n.input[1]]) for n in graph.node
            if n.op_type == "MatMul" and len(shapes.get(n.input[1], ())) == 2]


def _recipes(onnx_path: Path) -> list[tuple[str, list[str]]]:
    """(recipe, MatMuls kept fp32), cheapest first."""
    mm = _weight_matmuls(onnx_path)
    down = [n for n, (rows, cols) in mm if rows > cols]  # FFN output projections
    up = [n for n, (rows, cols) in mm if cols > rows]  # FFN input projections
    half = down[:(len(down) + 1) // 2]
    ladder = [("int8-all", []), ("int8-fp32-ffn-out-first-half", half),
              ("int8-fp32-ffn-out", down), ("int8-fp32-ffn", down + up)]
    seen, out = set(), []
    for name, keep in ladder:
        if tuple(keep) not in seen:
            seen.add(tuple(keep))
            out.append((name, keep))
    return out


def _cosines(path: Path, spec: ModelSpec, reference) -> dict:
    vecs = OnnxEmbedder(path, spec, "check").encode(list(CHECK_SENTENCES), batch_size=64)
    cos = (vecs * reference).sum(axis=1)
    return {"mean_cosine": round(float(cos.mean()), 6), "min_cosine": round(float(cos.min()), 6)}


def _quantize(src: Path, dst: Path, keep_fp32: list[str]) -> None:
    from onnxruntime.quantization import QuantType, quantize_dynamic

    previous = logging.root.manager.disable
    logging.disable(logging.WARNING)  # "consider pre-processing" goes to the root logger
    try:
        quantize_dynamic(str(src), str(dst), weight_type=QuantType.QInt8, per_channel=True,
                         op_types_to_quantize=["MatMul"], nodes_to_exclude=list(keep_fp32),
                         extra_options={"MatMulConstBOnly": True})
    finally:
        logging.disable(previous)


def export(spec: ModelSpec, directory: Path) -> dict:
    """Export, check and quantise; returns the meta written beside the files. Needs torch."""
    started = time.perf_counter()
    ensure_offline()
    settings = onnx_settings(spec)
    try:
        import numpy as np
        import onnx
        import torch
        import transformers
        from transformers import AutoModel
    except ImportError as e:
        raise QualkitError(f"The first use of the ONNX backends exports the model, which needs "
                           f"{e.name or 'torch, transformers and onnx'} (not installed); install "
                           "qualkit's dependencies, or set embed.backend: torch-fp32") from e
    onnxruntime = import_onnxruntime()
    from qualkit.embed.torch import TorchEmbedder, quiet_hf

    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise QualkitError(f"Cannot create the model cache {directory}: {e.strerror}") from e
    reference = TorchEmbedder(spec).encode(list(CHECK_SENTENCES), batch_size=64)
    with quiet_hf():
        model = AutoModel.from_pretrained(str(spec.transformer_path), local_files_only=True,
                                          attn_implementation="eager").eval()
    import inspect

    names = ["input_ids", "attention_mask"]
    if "token_type_ids" in inspect.signature(model.forward).parameters:
        names.append("token_type_ids")
    from tokenizers import Tokenizer

    tok = Tokenizer.from_file(str(settings["tokenizer"]))
    tok.enable_padding(pad_id=settings["pad_id"])
    sample = tok.encode_batch(["A short one.", "A longer sentence, so the tracer sees padding."])
    dummy = {"input_ids": torch.tensor([e.ids for e in sample]),
             "attention_mask": torch.tensor([e.attention_mask for e in sample]),
             "token_type_ids": torch.zeros(len(sample), len(sample[0].ids), dtype=torch.long)}
    axes = {n: {0: "batch", 1: "sequence"} for n in names}
    axes["sentence_embedding"] = {0: "batch"}
    tmp_files: list[Path] = []
    try:
        fp32_tmp = _tmp(directory, ".onnx")
        tmp_files.append(fp32_tmp)
        with torch.no_grad(), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            torch.onnx.export(_pooled_wrapper(torch, model, names),
                              tuple(dummy[n] for n in names), str(fp32_tmp), dynamo=False,
                              input_names=names, output_names=["sentence_embedding"],
                              dynamic_axes=axes, opset_version=17, do_constant_folding=True)
        del model
        fp32 = {"file": FP32_FILE, **_cosines(fp32_tmp, spec, reference)}
        if fp32["mean_cosine"] < 0.9999:
            raise QualkitError(f"The ONNX export of {spec.name} does not match "
                               f"sentence-transformers (mean cosine {fp32['mean_cosine']}); "
                               "set embed.backend: torch-fp32")
        tried, chosen = [], None
        for recipe, keep in _recipes(fp32_tmp):
            q_tmp = _tmp(directory, ".onnx")
            tmp_files.append(q_tmp)
            _quantize(fp32_tmp, q_tmp, keep)
            result = {"recipe": recipe, "fp32_nodes": keep, **_cosines(q_tmp, spec, reference),
                      "_tmp": q_tmp}
            tried.append(result)
            if result["mean_cosine"] >= TARGET_COSINE:
                chosen = result
                break
        if chosen is None:
            best = max(tried, key=lambda r: r["mean_cosine"])
            chosen = best if best["mean_cosine"] >= MIN_COSINE else None
        _place(fp32_tmp, directory / FP32_FILE)
        int8 = {"file": None, "mean_cosine": max(r["mean_cosine"] for r in tried)}
        if chosen is not None:
            _place(chosen["_tmp"], directory / INT8_FILE)
            int8 = {"file": INT8_FILE, **{k: v for k, v in chosen.items() if k != "_tmp"}}
        int8["tried"] = [{k: r[k] for k in ("recipe", "mean_cosine", "min_cosine")} for r in tried]
        meta = {
            "recipe_version": RECIPE_VERSION, "model": spec.name, "fingerprint": spec.fingerprint,
            "source": spec.source, "checkset_version": CHECKSET_VERSION,
            "n_check": len(CHECK_SENTENCES), "max_seq_length": settings["max_seq_length"],
            "inputs": names, "default": "onnx-int8" if chosen is not None else "onnx-fp32",
            "min_cosine_for_int8": MIN_COSINE, "onnx-fp32": fp32, "onnx-int8": int8,
            "versions": {"torch": torch.__version__, "transformers": transformers.__version__,
                         "onnx": onnx.__version__, "onnxruntime": onnxruntime.__version__,
                         "numpy": np.__version__},
            "export_seconds": round(time.perf_counter() - started, 1),
            "created": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        }
        meta_tmp = _tmp(directory, ".json")
        tmp_files.append(meta_tmp)
        meta_tmp.write_text(json.dumps(meta, indent=2), encoding="utf-8")
        _place(meta_tmp, directory / META_FILE)
        return meta
    finally:
        for f in tmp_files:
            f.unlink(missing_ok=True)
