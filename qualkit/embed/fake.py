"""A deterministic stand-in embedder for tests: no model, no torch, instant."""
from __future__ import annotations

import hashlib
import re

from qualkit.embed.base import ProgressFn


class FakeEmbedder:
    """Deterministic, fast, no model: hashed bag of words and char trigrams, L2-normalised.

    For unit tests of other modules: texts sharing words have higher cosine than unrelated ones.
    """

    _token = re.compile(r"\w+", re.UNICODE)

    def __init__(self, dim: int = 64):
        self.dim = dim
        self.model_id = f"fake-{dim}"
        self.backend = "fake"
        self._memo: dict[str, tuple[int, float]] = {}

    def _slot(self, feature: str) -> tuple[int, float]:
        if feature not in self._memo:
            h = int.from_bytes(hashlib.blake2b(feature.encode("utf-8", "surrogatepass"),
                                               digest_size=8).digest(), "big")
            self._memo[feature] = (h % self.dim, 1.0 if (h >> 32) & 1 else -1.0)
        return self._memo[feature]

    def _vector(self, text: str, np):
        v = np.zeros(self.dim, dtype=np.float64)
        words = self._token.findall(text.lower())
        for w in words:
            i, s = self._slot("w:" + w)
            v[i] += 2.0 * s
            padded = f" {w} "
            for k in range(len(padded) - 2):
                i, s = self._slot("c:" + padded[k:k + 3])
                v[i] += 0.5 * s
        n = np.linalg.norm(v)
        if n == 0.0:  # no words at all: one fixed unit vector rather than zeros
            v[self._slot("<empty>")[0]] = n = 1.0
        return v / n

    def encode(self, texts: list[str], progress: ProgressFn | None = None, batch_size: int = 64):
        import numpy as np

        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        batch_size = max(1, int(batch_size))
        for start in range(0, len(texts), batch_size):
            chunk = texts[start:start + batch_size]
            for j, t in enumerate(chunk):
                out[start + j] = self._vector(t, np)
            if progress:
                progress(len(chunk))
        return out
