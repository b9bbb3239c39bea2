"""ONNX backends for ``qualkit.embed``: export once with torch, quantise, run with onnxruntime.

Files live in ``<cache_dir>/<name>@<fingerprint12>/`` -- by default the user's cache
(``~/.cache/qualkit/models``, or under ``$XDG_CACHE_HOME``), so a model is prepared once per
user and machine, never per project; a project keeps only its vectors:

- ``model.onnx``              fp32 export (``torch.onnx.export(dynamo=False)``), mean pooling
                              in-graph; equal to sentence-transformers within ~1e-5;
- ``model.int8.onnx``         static int8 (``onnx-int8``, the default): activation ranges fixed
                              at export, so a vector does not depend on its batch-mates;
- ``model.int8-dynamic.onnx`` dynamic int8 (``onnx-int8-dynamic``: ranges per batch; what
                              ``onnx-int8`` was before version 2 of the recipe);
- ``meta.json``               what was measured: mean/min cosine of each file on the check set,
                              the int8 recipe chosen, library versions.

The int8 files are made on first use of their backend, from the cached fp32 file (no torch
needed then); see ``qualkit.embed.quantise`` for the recipes and why static is the default.
An int8 file is used only at or above ``MIN_COSINE`` mean cosine to fp32 on the check set;
below that its backend falls back to fp32 and says so.

Inference needs only onnxruntime, tokenizers and numpy: torch is imported by ``export`` alone.
Two processes may export at once: each writes temp files and ``os.replace``s them; meta.json is
written last, so a reader never sees a half-written model.
"""
from __future__ import annotations

import json
import os
import tempfile
import time
import warnings
from typing import Any
from pathlib import Path

from qualkit.embed import quantise as Q
from qualkit.embed.base import ProgressFn, cpu_threads, ensure_offline, length_batches, model_id
from qualkit.embed.checkset import CHECK_SENTENCES, CHECKSET_VERSION
from qualkit.embed.model import ModelSpec, read_json
from qualkit.models import QualkitError
from qualkit.offline import ort_telemetry_preloaded

RECIPE_VERSION = 2  # 2: int8 variants made per backend on demand, static int8
MIN_COSINE = 0.99  # int8 may be used only at or above this mean cosine to fp32
TARGET_COSINE = 0.993  # the recipe ladder stops at the first reaching this (margin for real text)
FP32_FILE, META_FILE = "model.onnx", "meta.json"
INT8_FILE = Q.FILES[Q.STATIC]
INT8_BACKENDS = (Q.STATIC, Q.DYNAMIC)
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
    """onnxruntime + tokenizers; sorts by token length, batches, restores input order.

    ``exact`` (every backend but the legacy dynamic int8): texts are batched by exact token
    length, never padded and never a single row, so a text's vector is the same bits
    whatever it is embedded with -- padding moves a vector by up to ~1e-7, and onnxruntime
    takes another path for a batch of one (measured; a lone text is run as two copies).
    Otherwise each batch is padded to its longest text."""

    def __init__(self, onnx_path: Path, spec: ModelSpec, backend: str,
                 threads: int | None = None, meta: dict | None = None, note: str = "",
                 exact: bool = True):
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
        self.meta, self.note, self.exact = meta or {}, note, exact

    def encode(self, texts: list[str], progress: ProgressFn | None = None, batch_size: int = 64):
        import numpy as np

        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        if not texts:
            return out
        ids = [e.ids for e in self.tokenizer.encode_batch(list(texts))]
        lengths = [len(x) for x in ids]
        batches = (same_length_batches(lengths, batch_size) if self.exact
                   else length_batches(lengths, batch_size))
        done = reported = 0
        step = max(1, int(batch_size))
        for idx in batches:
            rows = idx * 2 if self.exact and len(idx) == 1 else idx
            out[idx] = self._run(ids, rows)[:len(idx)]
            done += len(idx)
            while progress and done - reported >= step:  # in steps of batch_size texts
                progress(step)
                reported += step
        if progress and done > reported:
            progress(done - reported)
        out /= np.maximum(np.linalg.norm(out, axis=1, keepdims=True), 1e-12)
        return out

    def _run(self, ids: list[list[int]], rows: list[int]):
        import numpy as np

        width = max(len(ids[i]) for i in rows)
        input_ids = np.full((len(rows), width), self.pad_id, dtype=np.int64)
        mask = np.zeros((len(rows), width), dtype=np.int64)
        for row, i in enumerate(rows):
            input_ids[row, :len(ids[i])] = ids[i]
            mask[row, :len(ids[i])] = 1
        feed = {"input_ids": input_ids, "attention_mask": mask}
        if "token_type_ids" in self.inputs:
            feed["token_type_ids"] = np.zeros_like(input_ids)
        return self.session.run(None, feed)[0]


def same_length_batches(lengths: list[int], batch_size: int) -> list[list[int]]:
    """Indices grouped by exact token length (no padding), longest first, at most
    ``batch_size`` each; equal lengths keep input order."""
    groups: dict[int, list[int]] = {}
    for i, n in enumerate(lengths):
        groups.setdefault(n, []).append(i)
    size = max(1, int(batch_size))
    return [idx[k:k + size] for _, idx in sorted(groups.items(), reverse=True)
            for k in range(0, len(idx), size)]


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
    """meta.json if it describes a complete, current fp32 export of this exact model, else None.

    Int8 entries whose file has gone are dropped (they will be made again when asked for)."""
    meta = read_json(directory / META_FILE)
    if not isinstance(meta, dict) or meta.get("recipe_version") != RECIPE_VERSION \
            or meta.get("fingerprint") != spec.fingerprint \
            or meta.get("checkset_version") != CHECKSET_VERSION:
        return None
    if not meta.get("onnx-fp32", {}).get("file") or not (directory / FP32_FILE).is_file():
        return None
    for backend in INT8_BACKENDS:
        f = (meta.get(backend) or {}).get("file")
        if f and not (directory / f).is_file():
            meta.pop(backend, None)
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


def _write_meta(directory: Path, meta: dict) -> None:
    meta_tmp = _tmp(directory, ".json")
    try:
        meta_tmp.write_text(json.dumps(meta, indent=2), encoding="utf-8")
        _place(meta_tmp, directory / META_FILE)
    finally:
        meta_tmp.unlink(missing_ok=True)


def _ready(spec: ModelSpec, cache_dir: Path, backend: str) -> tuple[dict, Path, bool]:
    """(meta, model folder, whether this call exported or quantised anything)."""
    directory = model_dir(cache_dir, spec)
    meta = read_meta(directory, spec)
    made = meta is None
    if meta is None:
        meta = export(spec, directory)
    if backend in INT8_BACKENDS and backend not in meta:
        meta, made = Q.add_int8(spec, directory, backend), True
    return meta, directory, made


def load_embedder(spec: ModelSpec, cache_dir: Path, backend: str,
                  threads: int | None = None) -> OnnxEmbedder:
    meta, directory, _ = _ready(spec, cache_dir, backend)
    effective, note = effective_backend(meta, backend)
    if note:
        warnings.warn(note, RuntimeWarning, stacklevel=3)
    return OnnxEmbedder(directory / meta[effective]["file"], spec, effective, threads, meta, note,
                        exact=effective != Q.DYNAMIC)


def prepare(spec: ModelSpec, cache_dir: Path, backend: str) -> dict:
    meta, directory, made = _ready(spec, cache_dir, backend)
    effective, note = effective_backend(meta, backend)
    entry = meta[effective]
    return {"backend": effective, "model_id": model_id(spec.identity, effective),
            "path": str(directory / entry["file"]), "mean_cosine": entry["mean_cosine"],
            "min_cosine": entry["min_cosine"], "exported": made, "note": note,
            "recipe": entry.get("recipe", "fp32")}


def known_model_id(spec: ModelSpec, cache_dir: Path, backend: str) -> str | None:
    """The model id an ONNX backend will have, read from the cached export; None before it."""
    meta = read_meta(model_dir(cache_dir, spec), spec)
    if meta is None or (backend in INT8_BACKENDS and backend not in meta):
        return None
    return model_id(spec.identity, effective_backend(meta, backend)[0])


def effective_backend(meta: dict, backend: str) -> tuple[str, str]:
    if backend in INT8_BACKENDS:
        entry = meta.get(backend) or {}
        cos = float(entry.get("mean_cosine") or 0)
        if not entry.get("file") or cos < MIN_COSINE:
            return "onnx-fp32", (f"{backend} embeddings scored {cos:.4f} mean cosine to fp32 on "
                                 f"the check set (< {MIN_COSINE}); using onnx-fp32 instead")
    return backend, ""


# --- int8 ---------------------------------------------------------------------------------------

def _vectors(path: Path, spec: ModelSpec, exact: bool = True):
    return OnnxEmbedder(path, spec, "check", exact=exact).encode(list(CHECK_SENTENCES))


def _cosines(vecs, reference, rows=slice(None)) -> dict:
    cos = (vecs * reference).sum(axis=1)[rows]
    return {"mean_cosine": round(float(cos.mean()), 6), "min_cosine": round(float(cos.min()), 6)}


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


def export(spec: ModelSpec, directory: Path) -> dict:
    """Export the fp32 model and check it against sentence-transformers; returns the meta
    written beside it (int8 files are added by ``add_int8``). Needs torch."""
    started = time.perf_counter()
    ensure_offline()
    settings = onnx_settings(spec)
    torch, AutoModel = _export_libraries()
    from qualkit.embed.torch import TorchEmbedder, quiet_hf

    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise QualkitError(f"Cannot create the model cache {directory}: {e.strerror}") from e
    reference = TorchEmbedder(spec).encode(list(CHECK_SENTENCES), batch_size=64)
    with quiet_hf():
        model = AutoModel.from_pretrained(str(spec.transformer_path), local_files_only=True,
                                          attn_implementation="eager").eval()
    names, dummy, axes = _trace_inputs(torch, model, settings)
    fp32_tmp = _tmp(directory, ".onnx")
    try:
        with torch.no_grad(), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            torch.onnx.export(_pooled_wrapper(torch, model, names),
                              tuple(dummy[n] for n in names), str(fp32_tmp), dynamo=False,
                              input_names=names, output_names=["sentence_embedding"],
                              dynamic_axes=axes, opset_version=17, do_constant_folding=True)
        del model
        fp32 = {"file": FP32_FILE, **_cosines(_vectors(fp32_tmp, spec), reference)}
        if fp32["mean_cosine"] < 0.9999:
            raise QualkitError(f"The ONNX export of {spec.name} does not match "
                               f"sentence-transformers (mean cosine {fp32['mean_cosine']}); "
                               "set embed.backend: torch-fp32")
        _place(fp32_tmp, directory / FP32_FILE)
        meta = _export_meta(spec, settings, names, fp32, started)
        _write_meta(directory, meta)
        return meta
    finally:
        fp32_tmp.unlink(missing_ok=True)


def _export_libraries() -> tuple[Any, Any]:
    """torch and transformers' AutoModel, or one clear error naming what is missing."""
    try:
        import onnx  # noqa: F401 - torch.onnx.export needs it
        import torch
        from transformers import AutoModel
    except ImportError as e:
        raise QualkitError(f"The first use of the ONNX backends exports the model, which needs "
                           f"{e.name or 'torch, transformers and onnx'} (not installed); install "
                           "qualkit's dependencies, or set embed.backend: torch-fp32") from e
    import_onnxruntime()
    return torch, AutoModel


def _trace_inputs(torch: Any, model: Any, settings: dict) -> tuple[list[str], dict, dict]:
    """The model's input names, a padded two-sentence batch to trace with, dynamic axes."""
    import inspect

    from tokenizers import Tokenizer

    names = ["input_ids", "attention_mask"]
    if "token_type_ids" in inspect.signature(model.forward).parameters:
        names.append("token_type_ids")
    tok = Tokenizer.from_file(str(settings["tokenizer"]))
    tok.enable_padding(pad_id=settings["pad_id"])
    sample = tok.encode_batch(["A short one.", "A longer sentence, so the tracer sees padding."])
    dummy = {"input_ids": torch.tensor([e.ids for e in sample]),
             "attention_mask": torch.tensor([e.attention_mask for e in sample]),
             "token_type_ids": torch.zeros(len(sample), len(sample[0].ids), dtype=torch.long)}
    axes = {n: {0: "batch", 1: "sequence"} for n in names}
    axes["sentence_embedding"] = {0: "batch"}
    return names, dummy, axes


def _export_meta(spec: ModelSpec, settings: dict, names: list[str], fp32: dict,
                 started: float) -> dict:
    """What is written beside the model: recipe, source, check results, library versions."""
    import numpy as np
    import onnx
    import torch
    import transformers

    onnxruntime = import_onnxruntime()  # loaded already, telemetry off
    return {
        "recipe_version": RECIPE_VERSION, "model": spec.name, "fingerprint": spec.fingerprint,
        "source": spec.source, "checkset_version": CHECKSET_VERSION,
        "n_check": len(CHECK_SENTENCES), "max_seq_length": settings["max_seq_length"],
        "inputs": names, "default": "onnx-fp32", "min_cosine_for_int8": MIN_COSINE,
        "onnx-fp32": fp32,
        "versions": {"torch": torch.__version__, "transformers": transformers.__version__,
                     "onnx": onnx.__version__, "onnxruntime": onnxruntime.__version__,
                     "numpy": np.__version__},
        "export_seconds": round(time.perf_counter() - started, 1),
        "created": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
    }
