"""What every embedding backend shares: the protocol, offline guard, batching and ids.

Backends (``onnx``, ``torch``, ``fake``) import from here and from ``model``; nothing here
imports a backend, so there is no import circle. Importing this module sets the offline
variables (``qualkit.offline``: Hugging Face hub, onnxruntime telemetry), so nothing imported
later in the process can reach the network.
"""
from __future__ import annotations

import hashlib
import os
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Protocol, Sequence, runtime_checkable

from qualkit.models import QualkitError
from qualkit.offline import OFFLINE_ENV, go_offline

if TYPE_CHECKING:  # pragma: no cover
    import numpy as np

BACKENDS = ("onnx-int8", "onnx-fp32", "torch-fp32", "onnx-int8-dynamic")
DEFAULT_BACKEND = "onnx-int8"

ProgressFn = Callable[[int], None]


def ensure_offline() -> None:
    """Force Hugging Face offline and onnxruntime's telemetry off (``qualkit.offline``)."""
    go_offline()


ensure_offline()


def text_hash(text: str) -> str:
    """sha256 hex of the text: with ``model_id``, the key of a cached vector."""
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def cpu_threads() -> int:
    """CPU threads this process may use (affinity-aware; ``QUALKIT_THREADS`` overrides)."""
    env = os.environ.get("QUALKIT_THREADS", "").strip()
    if env.isdigit() and int(env) > 0:
        return int(env)
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):
        return max(1, os.cpu_count() or 1)



def model_id(identity: str, backend: str) -> str:
    """The cache key of a model and backend: ``all-MiniLM-L6-v2@<fingerprint12>/onnx-int8``."""
    return f"{identity}/{backend}"


@runtime_checkable
class Embedder(Protocol):
    model_id: str
    dim: int

    def encode(self, texts: list[str], progress: ProgressFn | None = None,
               batch_size: int = 64) -> "np.ndarray": ...


def length_batches(lengths: Sequence[int], batch_size: int) -> list[list[int]]:
    """Indices grouped into batches of similar length, longest first (less padding)."""
    order = sorted(range(len(lengths)), key=lambda i: -lengths[i])
    batch_size = max(1, int(batch_size))
    return [order[i:i + batch_size] for i in range(0, len(order), batch_size)]



def default_cache_dir() -> Path:
    """Where prepared ONNX models live: one per user and machine, shared by every project
    (``$XDG_CACHE_HOME/qualkit/models``, else ``~/.cache/qualkit/models``)."""
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "qualkit" / "models"


def check_backend(backend: str) -> None:
    if backend not in BACKENDS and backend != "fake":
        raise QualkitError(f"Unknown embedding backend {backend!r}: use one of "
                           f"{', '.join(BACKENDS)}")

