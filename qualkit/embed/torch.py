"""The ``torch-fp32`` backend: sentence-transformers itself, the exact reference vectors.

Imported only when that backend is asked for (or by the ONNX export, which compares against it).
"""
from __future__ import annotations

import warnings

from qualkit.embed.base import ProgressFn, cpu_threads, ensure_offline, length_batches, model_id
from qualkit.embed.model import ModelSpec


class TorchEmbedder:
    """sentence-transformers fp32 on CPU: the exact reference vectors."""

    backend = "torch-fp32"

    def __init__(self, spec: ModelSpec, threads: int | None = None):
        ensure_offline()
        import torch
        from sentence_transformers import SentenceTransformer

        n = threads or cpu_threads()
        if threads or torch.get_num_threads() > n:
            torch.set_num_threads(n)
        with quiet_hf():
            self.model = SentenceTransformer(str(spec.path), device="cpu", local_files_only=True)
        self.model.eval()
        get_dim = (getattr(self.model, "get_embedding_dimension", None)
                   or self.model.get_sentence_embedding_dimension)
        self.dim = int(get_dim())
        self.spec = spec
        self.model_id = model_id(spec.identity, self.backend)

    def encode(self, texts: list[str], progress: ProgressFn | None = None, batch_size: int = 64):
        import numpy as np

        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for idx in length_batches([len(t) for t in texts], batch_size):
            vecs = self.model.encode([texts[i] for i in idx], batch_size=len(idx),
                                     normalize_embeddings=True, convert_to_numpy=True,
                                     show_progress_bar=False)
            out[idx] = vecs
            if progress:
                progress(len(idx))
        return out


class quiet_hf:
    """Silence transformers' progress bars and warnings while loading (the TUI owns stderr)."""

    def __enter__(self):
        from transformers.utils import logging as tlog

        self._bar = tlog.is_progress_bar_enabled()
        self._level = tlog.get_verbosity()
        tlog.disable_progress_bar()
        tlog.set_verbosity_error()
        self._warn = warnings.catch_warnings()
        self._warn.__enter__()
        warnings.simplefilter("ignore")
        return self

    def __exit__(self, *exc):
        from transformers.utils import logging as tlog

        self._warn.__exit__(*exc)
        tlog.set_verbosity(self._level)
        if self._bar:
            tlog.enable_progress_bar()
        return False
