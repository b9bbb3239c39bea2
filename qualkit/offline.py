"""qualkit never talks to the network: the switches other libraries read, set at import.

Interview text about children must not leave the machine, and neither may anything about the
machine. Two kinds of library would otherwise reach out:

- Hugging Face (transformers, sentence-transformers, huggingface_hub) looks for model updates
  unless ``HF_HUB_OFFLINE``/``TRANSFORMERS_OFFLINE`` are set;
- onnxruntime (1.29 and later, official Linux/macOS wheels) sends usage telemetry to
  ``mobile.events.data.microsoft.com`` and writes a device id under
  ``~/.cache/Microsoft/DeveloperTools/.onnxruntime/``. Its Python call
  ``disable_telemetry_events()`` comes too late: the native library decides when it is loaded
  (seen with strace: 6 DNS look-ups per run with the call, none with the variable).
  ``ORT_DISABLE_TELEMETRY=1`` set *before* onnxruntime is imported stops the uploader, the
  events and the device id altogether (onnxruntime PR #27379, checked with strace, issue #9).

``import qualkit`` sets them all, so whatever qualkit imports later is offline. If onnxruntime
was imported before qualkit (a notebook that loaded it first), its choice is already made:
``ort_telemetry_preloaded()`` says so and the ONNX backend warns.
"""
from __future__ import annotations

import os
import sys

OFFLINE_ENV = {"HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1", "HF_DATASETS_OFFLINE": "1",
               "ORT_DISABLE_TELEMETRY": "1"}
_PRELOADED = {"onnxruntime": "onnxruntime" in sys.modules
              and os.environ.get("ORT_DISABLE_TELEMETRY") != "1"}


def go_offline() -> None:
    """Set the offline switches (also when a Hugging Face library was imported before us)."""
    os.environ.update(OFFLINE_ENV)
    hub = sys.modules.get("huggingface_hub.constants")
    if hub is not None and hasattr(hub, "HF_HUB_OFFLINE"):
        hub.HF_HUB_OFFLINE = True


def ort_telemetry_preloaded() -> bool:
    """True when onnxruntime was loaded before qualkit could switch its telemetry off."""
    return _PRELOADED["onnxruntime"]


go_offline()
