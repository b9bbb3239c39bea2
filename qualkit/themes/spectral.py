"""A reproducible spectral initialisation for UMAP.

Part of :mod:`qualkit.themes`. umap-learn's own ``init="spectral"`` calls ARPACK (``eigsh``)
once per connected component of the neighbour graph. ARPACK keeps a random-number state between
calls inside the process, and on components with (near-)duplicate segments — common in
interviews ("Yeah.", repeated questions) — it restarts from that state, so a seeded UMAP gave
different layouts from the same input. Here the same embedding (eigenvectors of the normalised
graph Laplacian, components laid out as umap-learn does) is computed with dense ``eigh`` for
small components and seeded LOBPCG for large ones, with a fixed sign per eigenvector.
"""
from __future__ import annotations

import math
import warnings

import numpy as np

DENSE_MAX = 1500  # components up to this size: exact dense eigendecomposition


def umap_graph(unit: np.ndarray, knn_idx: np.ndarray, knn_dist: np.ndarray, seed: int):
    """The fuzzy neighbour graph UMAP builds from the same kNN, pruned as UMAP prunes it
    before its initialisation (edges below max/n_epochs are dropped)."""
    from umap.umap_ import fuzzy_simplicial_set

    graph, _, _ = fuzzy_simplicial_set(
        unit, knn_idx.shape[1], np.random.RandomState(seed), "cosine",
        knn_indices=knn_idx, knn_dists=knn_dist,
    )
    graph = graph.tocoo()
    graph.sum_duplicates()
    default_epochs = 500 if graph.shape[0] <= 10000 else 200
    graph.data[graph.data < graph.data.max() / float(default_epochs)] = 0.0
    graph.eliminate_zeros()
    return graph.tocsr()


def spectral_init(graph, unit: np.ndarray, dim: int, seed: int) -> np.ndarray:
    """Initial UMAP coordinates (n, dim) float32, scaled to +-10 with 1e-4 seeded noise
    (what umap-learn does with its own spectral layout)."""
    from scipy.sparse.csgraph import connected_components

    rng = np.random.default_rng(seed)
    n = graph.shape[0]
    n_comp, labels = connected_components(graph, directed=False)
    if n_comp == 1:
        coords = _eigenmap(graph, dim, rng)
    else:
        coords = np.empty((n, dim), dtype=np.float64)
        meta = _meta_layout(unit, labels, n_comp, dim)
        for label in range(n_comp):
            members = np.flatnonzero(labels == label)
            others = np.delete(meta, label, axis=0)
            gaps = np.linalg.norm(others - meta[label], axis=1)
            gaps = gaps[gaps > 0]
            half = gaps.min() / 2.0 if gaps.size else 1.0
            if members.size < 2 * dim or members.size <= dim + 1:
                emb = rng.uniform(-half, half, size=(members.size, dim))
            else:
                emb = _eigenmap(graph[members][:, members], dim, rng)
                emb *= half / max(np.abs(emb).max(), 1e-12)
            coords[members] = emb + meta[label]
    coords = (coords * (10.0 / max(np.abs(coords).max(), 1e-12))).astype(np.float32)
    return coords + rng.normal(scale=0.0001, size=coords.shape).astype(np.float32)


def _eigenmap(adj, dim: int, rng: np.random.Generator) -> np.ndarray:
    """Eigenvectors 2..dim+1 of the normalised Laplacian of one connected graph, i.e. the
    leading non-trivial eigenvectors of D^-1/2 A D^-1/2; sign fixed (largest entry positive)."""
    import scipy.sparse as sp

    n = adj.shape[0]
    k = dim + 1
    deg = np.asarray(adj.sum(axis=0), dtype=np.float64).ravel()
    deg[deg <= 0] = 1.0
    inv = sp.diags(1.0 / np.sqrt(deg))
    norm_adj = (inv @ adj @ inv).astype(np.float64)
    try:
        if n <= DENSE_MAX or k >= n // 5:
            vals, vecs = np.linalg.eigh(norm_adj.toarray())
        else:
            from scipy.sparse.linalg import lobpcg

            x0 = rng.normal(size=(n, k))
            x0[:, 0] = np.sqrt(deg) / np.linalg.norm(np.sqrt(deg))
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # "not reaching the requested tolerance"
                vals, vecs = lobpcg(norm_adj.tocsr(), x0, largest=True, tol=1e-5,
                                    maxiter=max(200, int(5 * math.sqrt(n))))
    except (np.linalg.LinAlgError, ValueError, ArithmeticError):
        return rng.uniform(-1.0, 1.0, size=(n, dim))
    order = np.argsort(-vals, kind="stable")[1:k]
    emb = np.asarray(vecs[:, order], dtype=np.float64)
    if emb.shape[1] < dim:  # tiny graph: pad with noise
        emb = np.hstack([emb, rng.uniform(-1e-3, 1e-3, size=(n, dim - emb.shape[1]))])
    peak = np.argmax(np.abs(emb), axis=0)
    emb *= np.where(emb[peak, np.arange(emb.shape[1])] < 0, -1.0, 1.0)
    return emb


def _meta_layout(unit: np.ndarray, labels: np.ndarray, n_comp: int, dim: int) -> np.ndarray:
    """Positions of the components relative to each other (umap-learn's scheme): the corners
    of a simplex for a few components, else a spectral embedding of their centroids."""
    if n_comp <= 2 * dim:
        k = int(math.ceil(n_comp / 2.0))
        base = np.hstack([np.eye(k), np.zeros((k, dim - k))])
        return np.vstack([base, -base])[:n_comp]
    cents = np.stack([unit[labels == i].mean(axis=0) for i in range(n_comp)]).astype(np.float64)
    norms = np.linalg.norm(cents, axis=1, keepdims=True)
    cents /= np.where(norms == 0, 1.0, norms)
    dist = np.clip(1.0 - cents @ cents.T, 0.0, 2.0)  # cosine distance, as UMAP's metric
    aff = np.exp(-(dist**2))
    deg = aff.sum(axis=1)
    norm_aff = aff / np.sqrt(np.outer(deg, deg))
    vals, vecs = np.linalg.eigh(norm_aff)
    order = np.argsort(-vals, kind="stable")[1 : dim + 1]
    emb = vecs[:, order]
    if emb.shape[1] < dim:
        emb = np.hstack([emb, np.zeros((n_comp, dim - emb.shape[1]))])
    peak = np.argmax(np.abs(emb), axis=0)
    emb = emb * np.where(emb[peak, np.arange(dim)] < 0, -1.0, 1.0)
    return emb / max(np.abs(emb).max(), 1e-12)
