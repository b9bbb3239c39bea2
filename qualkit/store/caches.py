"""Caches: vectors keyed by (model id, text hash) and derived arrays keyed by their inputs.

Corrupt rows are dropped and recomputed rather than poisoning a run."""
from __future__ import annotations

import json
from typing import Any

from qualkit.store.connection import Connection, now


class CachesMixin(Connection):
    # -- vectors and cached arrays ------------------------------------------------------
    def get_vectors(self, model_id: str, text_hashes: list[str]) -> dict[str, Any]:
        """Cached vectors for these text hashes (missing ones absent). Corrupt rows are
        skipped and deleted, so they get re-embedded rather than poisoning a run."""
        import numpy as np

        found: dict[str, Any] = {}
        bad: list[str] = []
        unique = list(dict.fromkeys(text_hashes))
        for i in range(0, len(unique), 900):
            chunk = unique[i : i + 900]
            marks = ",".join("?" * len(chunk))
            for h, dim, blob in self.conn.execute(
                f"SELECT text_hash, dim, vector FROM embeddings WHERE model_id = ? "
                f"AND text_hash IN ({marks})",
                (model_id, *chunk),
            ):
                ok = isinstance(blob, bytes) and len(blob) == 4 * dim
                vec = np.frombuffer(blob, dtype=np.float32) if ok else None
                if vec is None or not np.isfinite(vec).all():
                    bad.append(h)
                    continue
                found[h] = vec
        if bad:
            with self.transaction() as c:
                c.executemany(
                    "DELETE FROM embeddings WHERE model_id = ? AND text_hash = ?",
                    [(model_id, h) for h in bad],
                )
        return found

    def put_vectors(self, model_id: str, vectors: dict[str, Any]) -> None:
        import numpy as np

        with self.transaction() as c:
            c.executemany(
                "INSERT OR REPLACE INTO embeddings(model_id, text_hash, dim, vector) "
                "VALUES (?, ?, ?, ?)",
                [
                    (model_id, h, int(v.shape[-1]), np.asarray(v, dtype=np.float32).tobytes())
                    for h, v in vectors.items()
                ],
            )

    def vector_models(self) -> dict[str, int]:
        """How many cached vectors each model id (model and backend) made."""
        rows = self.conn.execute(
            "SELECT model_id, count(*) FROM embeddings GROUP BY model_id ORDER BY model_id")
        return {m: int(n) for m, n in rows}

    def get_array(self, key: str) -> Any | None:
        import numpy as np

        row = self.conn.execute(
            "SELECT dtype, shape, data FROM array_cache WHERE key = ?", (key,)
        ).fetchone()
        if row is None:
            return None
        shape = tuple(json.loads(row["shape"]))
        try:
            return np.frombuffer(row["data"], dtype=row["dtype"]).reshape(shape)
        except (ValueError, TypeError):
            with self.transaction() as c:
                c.execute("DELETE FROM array_cache WHERE key = ?", (key,))
            return None

    def put_array(self, key: str, arr: Any) -> None:
        import numpy as np

        arr = np.ascontiguousarray(arr)
        with self.transaction() as c:
            c.execute(
                "INSERT OR REPLACE INTO array_cache(key, dtype, shape, data, created) "
                "VALUES (?, ?, ?, ?, ?)",
                (key, arr.dtype.str, json.dumps(list(arr.shape)), arr.tobytes(), now()),
            )


    def vector_coverage(self, text_hashes: list[str]) -> dict[str, int]:
        """For each model id: how many of these (distinct) texts have a cached vector."""
        out: dict[str, int] = {}
        unique = list(dict.fromkeys(text_hashes))
        for i in range(0, len(unique), 900):
            chunk = unique[i: i + 900]
            marks = ",".join("?" * len(chunk))
            for model_id, n in self.conn.execute(
                    f"SELECT model_id, count(*) FROM embeddings WHERE text_hash IN ({marks}) "
                    "GROUP BY model_id", chunk):
                out[model_id] = out.get(model_id, 0) + n
        return out
