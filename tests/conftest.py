"""Shared fixtures: small, made by the tests; nothing here needs ../shared."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"

# nothing in the suite may reach a model hub
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")


@pytest.fixture
def shared_dir() -> Path:
    """../shared beside the repo; tests that read it skip cleanly where it is absent."""
    if not SHARED.is_dir():
        pytest.skip("../shared is not present (a fresh clone has none)")
    return SHARED


@pytest.fixture
def store():
    from qualkit.store import Store

    s = Store(":memory:")
    yield s
    s.close()


@pytest.fixture
def project(tmp_path):
    """A fresh project with the default codeframe and no documents."""
    import qualkit as qk

    p = qk.init_project(tmp_path / "study")
    yield p
    p.close()


def write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text.encode(encoding))
    return path
