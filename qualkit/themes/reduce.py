"""Exact cosine kNN, seeded UMAP reduction, and the array cache that keeps both between runs.

Part of :mod:`qualkit.themes`. Heavy imports (umap, numba) happen inside :func:`umap_reduce`.

Why exact kNN: UMAP's own neighbour search (pynndescent) costs more than the layout on the
corpus sizes qualkit sees, and its result depends on thread scheduling. A brute-force
``vectors @ vectors.T`` in row chunks is exact, deterministic and a few seconds at 20k.
"""
from __future__ import annotations

import hashlib
import os
import time
import warnings
from pathlib import Path
from typing import Protocol, runtime_checkable

import numpy as np

# Bump when the reduction recipe changes so old cache entries are not reused.
REDUCE_VERSION = "umap-exactknn-specinit-v1"
UMAP_MIN_DIST = 0.0  # BERTopic's default for clustering
_CHUNK_BYTES = 64 * 2**20  # similarity block size for the brute-force kNN


@runtime_checkable
class ArrayCache(Protocol):
    """Where reduced vectors (and kNN graphs) are kept between runs. The store implements it."""

    def get(self, key: str) -> np.ndarray | None: ...

    def put(self, key: str, arr: np.ndarray) -> None: ...


class DictArrayCache:
    """In-memory :class:`ArrayCache`; counts hits, misses and puts (handy in tests)."""

    def __init__(self) -> None:
        self.data: dict[str, np.ndarray] = {}
        self.hits = 0
        self.misses = 0
        self.puts = 0

    def get(self, key: str) -> np.ndarray | None:
        arr = self.data.get(key)
        if arr is None:
            self.misses += 1
            return None
        self.hits += 1
        return arr.copy()

    def put(self, key: str, arr: np.ndarray) -> None:
        self.puts += 1
        self.data[key] = np.array(arr, copy=True)

    def __len__(self) -> int:
        return len(self.data)


class NpyDirCache:
    """:class:`ArrayCache` backed by one ``.npy`` file per key in a folder (bench, scripts)."""

    def __init__(self, folder: str | os.PathLike) -> None:
        self.folder = Path(folder)
        self.folder.mkdir(parents=True, exist_ok=True)

    def _path(self, key: str) -> Path:
        return self.folder / (hashlib.sha256(key.encode()).hexdigest()[:32] + ".npy")

    def get(self, key: str) -> np.ndarray | None:
        p = self._path(key)
        try:
            return np.load(p, allow_pickle=False)
        except (OSError, ValueError):
            return None

    def put(self, key: str, arr: np.ndarray) -> None:
        p = self._path(key)
        tmp = p.with_name(p.name + f".{os.getpid()}.tmp")
        with open(tmp, "wb") as fh:
            np.save(fh, np.ascontiguousarray(arr), allow_pickle=False)
        os.replace(tmp, p)


def vectors_hash(vectors: np.ndarray) -> str:
    """sha256 of the raw bytes plus shape and dtype: the identity of the input vectors."""
    arr = np.ascontiguousarray(vectors)
    h = hashlib.sha256()
    h.update(f"{arr.shape}|{arr.dtype.str}|".encode())
    h.update(memoryview(arr).cast("B"))
    return h.hexdigest()


def reduction_cache_key(vhash: str, reduction_key: tuple) -> str:
    return f"themes/reduced/{REDUCE_VERSION}/{vhash}/" + "-".join(map(str, reduction_key))


def knn_cache_key(vhash: str, k: int) -> str:
    return f"themes/knn/{REDUCE_VERSION}/{vhash}/k{k}"


def normalise(vectors: np.ndarray) -> np.ndarray:
    """float32 rows of unit length (zero rows stay zero)."""
    v = np.asarray(vectors, dtype=np.float32)
    norms = np.linalg.norm(v, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return v / norms


def exact_knn(unit: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """Exact k nearest neighbours by cosine distance, self first (as UMAP expects).

    Returns ``(indices int32 (n, k), distances float32 (n, k))``, rows sorted by distance with
    ties broken by index, so the result is the same on every run.
    """
    n = unit.shape[0]
    k = min(k, n)
    idx_out = np.empty((n, k), dtype=np.int32)
    dist_out = np.empty((n, k), dtype=np.float32)
    rows = max(1, min(n, _CHUNK_BYTES // max(1, 4 * n)))
    for start in range(0, n, rows):
        stop = min(n, start + rows)
        sim = unit[start:stop] @ unit.T  # (b, n)
        b = stop - start
        sim[np.arange(b), np.arange(start, stop)] = np.inf  # self always first
        if k < n:
            part = np.argpartition(-sim, k - 1, axis=1)[:, :k]
        else:
            part = np.broadcast_to(np.arange(n), (b, n)).copy()
        psim = np.take_along_axis(sim, part, axis=1)
        order = np.lexsort((part, -psim), axis=1)  # by similarity desc, then index asc
        idx = np.take_along_axis(part, order, axis=1)
        d = 1.0 - np.take_along_axis(psim, order, axis=1)
        d[:, 0] = 0.0
        idx_out[start:stop] = idx
        dist_out[start:stop] = np.clip(d, 0.0, 2.0)
        del sim, part, psim
    return idx_out, dist_out


# UMAP functions on qualkit's path that numba compiles on every new process (umap-learn does not
# mark them cache=True): 10-50 s of JIT per process. Their compiled code is cached on disk.
_JIT_CACHED = (
    ("umap.umap_", "smooth_knn_dist"),
    ("umap.umap_", "compute_membership_strengths"),
    # only the serial variant: the parallel one shares its py_func, and numba's cache index
    # does not tell the two apart
    ("umap.layouts", "_nb_optimize_layout_euclidean_single_epoch"),
)
_jit_cache_done = False


def jit_cache_dir() -> Path | None:
    """Folder for UMAP's compiled numba code, or None when disabled.

    ``QUALKIT_NUMBA_CACHE_DIR`` (``off`` disables); default ``$XDG_CACHE_HOME/qualkit/numba``
    or ``~/.cache/qualkit/numba``: the JIT is then paid once per machine, not per process.
    """
    env = os.environ.get("QUALKIT_NUMBA_CACHE_DIR")
    if env is not None:
        return None if env.strip().lower() in ("", "0", "off", "no", "false") else Path(env)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "qualkit" / "numba"


def enable_jit_cache() -> bool:
    """Give UMAP's uncached numba functions an on-disk cache in :func:`jit_cache_dir`.

    Only those dispatchers are touched; numba's global settings are restored at once. Any
    failure (a numba API change, a read-only folder) leaves UMAP compiling as usual.
    """
    global _jit_cache_done
    if _jit_cache_done:
        return True
    folder = jit_cache_dir()
    if folder is None:
        return False
    try:
        import importlib

        import numba.core.config as nconfig

        folder.mkdir(parents=True, exist_ok=True)
        saved = nconfig.CACHE_DIR
        nconfig.CACHE_DIR = str(folder)
        try:
            for modname, attr in _JIT_CACHED:
                disp = getattr(importlib.import_module(modname), attr)
                if type(getattr(disp, "_cache", None)).__name__ == "NullCache":
                    disp.enable_caching()
        finally:
            nconfig.CACHE_DIR = saved
    except Exception:  # noqa: BLE001 - caching is an optimisation only
        return False
    _jit_cache_done = True
    return True


def umap_reduce(
    unit: np.ndarray,
    knn: tuple[np.ndarray, np.ndarray],
    n_neighbors: int,
    n_components: int,
    seed: int,
) -> np.ndarray:
    """Seeded UMAP (BERTopic's settings: cosine, min_dist 0) fed the exact kNN graph."""
    import umap  # heavy: numba JIT on first fit in a process (cached on disk, see above)

    from qualkit.themes.spectral import spectral_init, umap_graph

    enable_jit_cache()
    n = unit.shape[0]
    dim = min(n_components, max(1, n - 2))
    with warnings.catch_warnings():
        # "n_jobs overridden by random_state" and "no NNDescent search index": both expected.
        warnings.simplefilter("ignore")
        # umap-learn's spectral init is not reproducible (see themes_spectral): pass our own.
        init = spectral_init(umap_graph(unit, knn[0], knn[1], seed), unit, dim, seed)
        reducer = umap.UMAP(
            n_neighbors=n_neighbors,
            n_components=dim,
            min_dist=UMAP_MIN_DIST,
            metric="cosine",
            init=init,
            random_state=seed,
            low_memory=False,
            precomputed_knn=(knn[0], knn[1]),
            verbose=False,
        )
        reduced = reducer.fit_transform(unit)
    return np.nan_to_num(np.asarray(reduced, dtype=np.float32))


def reduce_cached(
    unit: np.ndarray,
    vhash: str,
    n_neighbors: int,
    n_components: int,
    seed: int,
    reduction_key: tuple,
    cache: ArrayCache | None,
    timings: dict[str, float],
) -> tuple[np.ndarray, bool]:
    """Reduced vectors for ``unit``, from ``cache`` when present. Returns (reduced, was_cached).

    Fills ``timings['knn']`` and ``timings['umap']`` (0.0 for a stage served from the cache).
    """
    timings.setdefault("knn", 0.0)
    timings.setdefault("umap", 0.0)
    rkey = reduction_cache_key(vhash, reduction_key)
    if cache is not None:
        hit = cache.get(rkey)
        if (hit is not None and hit.ndim == 2 and hit.shape[0] == unit.shape[0]
                and np.isfinite(hit).all()):  # anything else (a damaged entry) is recomputed
            return hit.astype(np.float32, copy=False), True

    t = time.perf_counter()
    kkey = knn_cache_key(vhash, n_neighbors)
    idx = dist = None
    if cache is not None:
        packed = cache.get(kkey)
        if packed is not None and packed.shape == (2, unit.shape[0], n_neighbors):
            idx, dist = packed[0].astype(np.int32), packed[1].astype(np.float32)
    if idx is None:
        idx, dist = exact_knn(unit, n_neighbors)
        if cache is not None:
            # indices < 2**24 are exact in float32; the packed form keeps one cache entry
            cache.put(kkey, np.stack([idx.astype(np.float32), dist]))
    timings["knn"] = time.perf_counter() - t

    t = time.perf_counter()
    reduced = umap_reduce(unit, (idx, dist), n_neighbors, n_components, seed)
    timings["umap"] = time.perf_counter() - t
    if cache is not None:
        cache.put(rkey, reduced)
    return reduced, False
