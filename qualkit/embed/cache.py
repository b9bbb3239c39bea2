"""Vectors through a cache: the store keeps them by (model id, hash of the text).

An unchanged project makes zero model calls, an edit re-embeds only the changed texts, and
re-segmenting reuses every sentence that is still there. New vectors are committed in batches,
so a run that is killed keeps its progress. These functions take a cache (anything with
``get_vectors``/``put_vectors``, i.e. the store) and an embedder; never the Project.
"""
from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from qualkit.models import Code, Progress, Step

if TYPE_CHECKING:
    import numpy as np

BATCH_COMMIT = 512


class VectorCache(Protocol):
    def get_vectors(self, model_id: str, text_hashes: list[str]) -> dict[str, Any]: ...

    def put_vectors(self, model_id: str, vectors: dict[str, Any]) -> None: ...


class LazyEmbedder:
    """Knows its ``model_id`` without loading the model, and loads it on the first encode.

    A project whose vectors are all cached then never imports torch or onnxruntime. When the
    id cannot be known without exporting the model (first run), the model is loaded at once.
    """

    def __init__(self, backend: str, model_path: str | None, cache_dir: Path):
        from qualkit.embed import known_model_id, resolve_model

        self.backend, self.model_path, self.cache_dir = backend, model_path, cache_dir
        self._inner: Any = None
        self.model_id = known_model_id(backend, resolve_model(model_path), cache_dir)
        if self.model_id is None:
            self.model_id = self.inner.model_id

    @property
    def inner(self) -> Any:
        if self._inner is None:
            from qualkit.embed import get_embedder

            self._inner = get_embedder(backend=self.backend, model_path=self.model_path,
                                       cache_dir=self.cache_dir)
        return self._inner

    @property
    def dim(self) -> int:
        return self.inner.dim

    def encode(self, texts: list[str], progress: Any = None, batch_size: int = 64) -> Any:
        return self.inner.encode(texts, progress=progress, batch_size=batch_size)


def embedder_from_settings(embed_settings: dict[str, Any], root: Path, cache_dir: Path) -> Any:
    """The embedder a project's ``embed:`` settings ask for (resolved offline)."""
    model_path = embed_settings.get("model_path")
    if model_path:
        model_path = str((Path(root) / str(model_path)).expanduser())
    if embed_settings["backend"] == "fake":
        from qualkit.embed import FakeEmbedder

        return FakeEmbedder()
    return LazyEmbedder(embed_settings["backend"], model_path, Path(cache_dir))


def vectors_for(cache: VectorCache, embedder: Any, texts: Sequence[str],
                progress: Progress | None = None,
                batch_size: int = 64) -> tuple["np.ndarray", int]:
    """Vectors for ``texts`` (in order) and how many were computed now (the rest cached)."""
    import numpy as np

    from qualkit.embed import text_hash

    hashes = [text_hash(t) for t in texts]
    found = cache.get_vectors(embedder.model_id, hashes)
    todo: dict[str, str] = {}
    for h, t in zip(hashes, texts):
        if h not in found and h not in todo:
            todo[h] = t
    total = len(todo)
    report = progress or (lambda _step: None)
    report(Step("embed", 0, total))
    items = list(todo.items())
    for start in range(0, len(items), BATCH_COMMIT):
        chunk = items[start : start + BATCH_COMMIT]
        tick = _ticker(report, start, total)
        vecs = embedder.encode([t for _, t in chunk], progress=tick, batch_size=batch_size)
        fresh = {h: np.asarray(v, dtype=np.float32) for (h, _), v in zip(chunk, vecs)}
        cache.put_vectors(embedder.model_id, fresh)
        found.update(fresh)
    if not texts:
        return np.zeros((0, getattr(embedder, "dim", 0)), dtype=np.float32), 0
    return np.vstack([found[h] for h in hashes]), total


def _ticker(report: Progress, base: int, total: int) -> Callable[[int], None]:
    """A backend's per-batch increment turned into ``Step`` reports."""
    seen = 0

    def tick(n: int) -> None:
        nonlocal seen
        seen += n
        report(Step("embed", min(total, base + seen), total))

    return tick


def code_vectors(cache: VectorCache, embedder: Any, codes: Sequence[Code],
                 batch_size: int = 64) -> tuple[list[str], "np.ndarray"]:
    """One vector per code: the mean of its name+description, include note and examples
    (measured better than one joined text: bench/README.md, Suggestions)."""
    from qualkit.suggest import embed_codes

    vecs = embed_codes(list(codes), lambda texts: vectors_for(cache, embedder, texts,
                                                             batch_size=batch_size)[0])
    return [c.id for c in codes], vecs
