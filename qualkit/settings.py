"""Project settings: ``qualkit.yaml`` at the project root, merged over the defaults."""
from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

from .models import QualkitError

SETTINGS_FILE = "qualkit.yaml"
STATE_DIR = ".qualkit"  # the store and caches, beside the settings

DEFAULTS: dict[str, Any] = {
    # folders (or files) that `qualkit ingest` reads when given no path
    "sources": ["transcripts", "foi"],
    "codeframe": "codeframes/data-linkage.yaml",
    "coder": None,  # default coder name for the CLI and TUI
    "segment": {
        "unit": "sentence",  # sentence | turn
        "short_words": 3,  # fragments with fewer words ("Yeah.", "Mm-hm.") are short
        "short_policy": "merge",  # merge (into a neighbour in the same turn) | flag | keep
        "spacy_model": None,  # an installed spaCy pipeline; default: blank English
        "interviewers": [],  # speaker names whose turns are the interviewer's
    },
    "embed": {
        "backend": "onnx-int8",  # onnx-int8 | onnx-fp32 | torch-fp32 (exact) | fake (tests)
        # (onnx-int8-dynamic: the old batch-dependent int8, for comparison)
        "model_path": None,  # a local sentence-transformers model folder
        "batch_size": 64,
    },
    "themes": {
        "min_cluster_size": 10,
        "n_neighbors": 15,
        "n_components": 5,
        "seed": 42,
        # measured against hand-coded segments (bench/README.md, "Theme quality"): finer
        # HDBSCAN leaves, content-free turns left out, outliers joining a theme they resemble
        # (cosine >= 0.3 to its centroid), keywords that tell themes apart
        "cluster_selection": "leaf",
        "min_content_words": 2,
        "reassign_outliers": True,
        "outlier_threshold": 0.3,
        "distinct_keywords": True,
    },
    "suggest": {"k": 3},
    # size guards on ingest (qualkit/ingest/limits.py): a file over a limit is refused and named
    "limits": {
        "file_mb": 100,  # largest file read
        "docx_expansion": 100,  # a .docx may unzip to at most this many times its size
        "paragraph_chars": 100_000,  # longer text without a speaker change is cut (max 1,000,000)
        "segments_per_document": 50_000,
    },
    "privacy": {
        # people to redact in exports besides the speakers (whose names are always redacted
        # with --redact): a name, or a list of one person's names, e.g. [Ellie Hart, Ellie]
        "names": [],
        # redact whatever the CLI prints and the coding app shows (as --redact does), for a
        # screen shared in a meeting
        "redact_screens": False,
    },
}

TEMPLATE = """\
# qualkit project settings. Every key is optional; the defaults are shown.
sources: [transcripts, foi]        # what `qualkit ingest` reads when given no path
codeframe: codeframes/data-linkage.yaml
coder: null                        # your coder name (or pass --coder)
segment:
  unit: sentence                   # sentence | turn
  short_words: 3                   # fragments shorter than this ("Yeah.") are short...
  short_policy: merge              # ...and are merged into a neighbour | flag | keep
  spacy_model: null                # an installed spaCy pipeline; default: blank English
  interviewers: []                 # speakers who are interviewers, e.g. [Joanna Pryce]
                                   # (Interviewer:, I:, Q: and (Researcher) are known already;
                                   # `qualkit speakers --set NAME interviewer` also works)
embed:
  backend: onnx-int8               # onnx-int8 (fast) | onnx-fp32 | torch-fp32 (exact)
                                   # (the model is prepared once, in ~/.cache/qualkit)
  model_path: null                 # a local sentence-transformers model folder
themes:
  min_cluster_size: 10
  seed: 42
  cluster_selection: leaf          # leaf (finer themes) | eom (BERTopic's default)
  reassign_outliers: true          # outliers join the theme they resemble...
  outlier_threshold: 0.3           # ...at this cosine to its centroid or more
limits:                            # ingest refuses a file over a limit, naming it
  file_mb: 100                     # largest file read
  docx_expansion: 100              # a .docx may unzip to this many times its size (zip bombs)
  paragraph_chars: 100000          # longer text without a speaker change is cut (max 1000000)
  segments_per_document: 50000
privacy:
  names: []                        # people to redact in exports (speakers always are), e.g.
                                   # [Ellie Hart, [Sam Jones, Sam]] (a list: one person)
  redact_screens: false            # true: the CLI and the coding app show text redacted,
                                   # as --redact does (for screens shared in meetings)
"""


def _merge(base: dict[str, Any], over: dict[str, Any], where: str) -> dict[str, Any]:
    out = copy.deepcopy(base)
    for key, value in over.items():
        if key not in base:
            raise QualkitError(f"{where}: unknown setting {key!r}")
        if isinstance(base[key], dict):
            if not isinstance(value, dict):
                raise QualkitError(f"{where}: {key!r} must be a mapping")
            out[key] = _merge(base[key], value, f"{where} {key}")
        else:
            out[key] = value
    return out


def load_settings(root: Path) -> dict[str, Any]:
    path = root / SETTINGS_FILE
    if not path.exists():
        return copy.deepcopy(DEFAULTS)
    import yaml

    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        line = f":{mark.line + 1}" if mark is not None else ""
        raise QualkitError(f"{path}{line}: not valid YAML ({getattr(e, 'problem', e)})") from None
    except (OSError, UnicodeDecodeError) as e:
        raise QualkitError(f"{path}: cannot read ({e})") from None
    if not isinstance(data, dict):
        raise QualkitError(f"{path}: expected a mapping of settings")
    settings = _merge(DEFAULTS, data, str(path))
    if isinstance(settings["sources"], str):
        settings["sources"] = [settings["sources"]]
    return settings
