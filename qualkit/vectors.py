"""Segment and code vectors through the store's cache.

Vectors are cached by (model id, hash of the text), so an unchanged project makes zero model
calls, an edit re-embeds only the changed texts, and re-segmenting reuses every sentence that
is still there. New vectors are committed in batches: a run that is killed keeps its progress.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import numpy as np

    from .project import Project

BATCH_COMMIT = 512
Progress = Callable[[int, int], None]  # (done, total)


class LazyEmbedder:
    """Knows its ``model_id`` without loading the model, and loads it on the first encode.

    A project whose vectors are all cached then never imports torch or onnxruntime. When the
    id cannot be known without exporting the model (first run), the model is loaded at once.
    """

    def __init__(self, backend: str, model_path: str | None, cache_dir: Any):
        from .embed import resolve_model

        self.backend, self.model_path, self.cache_dir = backend, model_path, cache_dir
        self._inner: Any = None
        self.model_id = self._known_id(resolve_model(model_path)) if backend != "fake" else None
        if self.model_id is None:
            self.model_id = self.inner.model_id

    def _known_id(self, spec: Any) -> str | None:
        if self.backend == "torch-fp32":
            return f"{spec.identity}/torch-fp32"
        from .embed_onnx import effective_backend, model_dir, read_meta

        meta = read_meta(model_dir(self.cache_dir, spec), spec)
        return None if meta is None else f"{spec.identity}/{effective_backend(meta, self.backend)[0]}"

    @property
    def inner(self) -> Any:
        if self._inner is None:
            from .embed import get_embedder

            self._inner = get_embedder(backend=self.backend, model_path=self.model_path,
                                       cache_dir=self.cache_dir)
        return self._inner

    @property
    def dim(self) -> int:
        return self.inner.dim

    def encode(self, texts: list[str], progress: Any = None, batch_size: int = 64) -> Any:
        return self.inner.encode(texts, progress=progress, batch_size=batch_size)


def get_project_embedder(p: "Project") -> Any:
    """The embedder the project's settings ask for (resolved offline; see embed.py)."""
    override = getattr(p, "_embedder_override", None)
    if override is not None:
        return override
    opts = p.settings["embed"]
    model_path = opts["model_path"]
    if model_path:
        model_path = str((p.root / str(model_path)).expanduser())
    if opts["backend"] == "fake":
        from .embed import FakeEmbedder

        return FakeEmbedder()
    return LazyEmbedder(opts["backend"], model_path, p.cache_dir / "models")


def vectors_for(p: "Project", texts: list[str], progress: Progress | None = None,
                embedder: Any = None) -> tuple["np.ndarray", int]:
    """Vectors for ``texts`` (in order) and how many were computed now (the rest cached)."""
    import numpy as np

    from .embed import text_hash

    embedder = embedder or get_project_embedder(p)
    hashes = [text_hash(t) for t in texts]
    found = p.store.get_vectors(embedder.model_id, hashes)
    todo: dict[str, str] = {}
    for h, t in zip(hashes, texts):
        if h not in found and h not in todo:
            todo[h] = t
    total = len(todo)
    if progress:
        progress(0, total)
    items = list(todo.items())
    batch_size = int(p.settings["embed"].get("batch_size") or 64)
    for start in range(0, len(items), BATCH_COMMIT):
        chunk = items[start : start + BATCH_COMMIT]
        seen = 0

        def tick(n: int, base: int = start) -> None:
            nonlocal seen
            seen += n
            if progress:
                progress(min(total, base + seen), total)

        vecs = embedder.encode([t for _, t in chunk], progress=tick, batch_size=batch_size)
        fresh = {h: np.asarray(v, dtype=np.float32) for (h, _), v in zip(chunk, vecs)}
        p.store.put_vectors(embedder.model_id, fresh)
        found.update(fresh)
    if not texts:
        return np.zeros((0, getattr(embedder, "dim", 0)), dtype=np.float32), 0
    return np.vstack([found[h] for h in hashes]), total


def code_vectors(p: "Project", embedder: Any = None) -> tuple[list[str], "np.ndarray"]:
    """One vector per code: the mean of its name+description, include note and examples
    (measured better than one joined text: bench/README.md, Suggestions)."""
    from .suggest import embed_codes

    frame = p.codeframe()
    embedder = embedder or get_project_embedder(p)
    vecs = embed_codes(frame.codes, lambda texts: vectors_for(p, texts, embedder=embedder)[0])
    return [c.id for c in frame.codes], vecs
