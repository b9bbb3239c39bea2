"""Zero network (issue #9): the whole pipeline — ingest, embed with a fresh ONNX export and
quantisation, themes, suggestions, then coding and the exports (``LATER_STEPS``) — runs in a
fresh interpreter that refuses every Python-level network call, and, where strace exists,
under strace, which sees what the native libraries do (onnxruntime's telemetry asked DNS for
mobile.events.data.microsoft.com 6-8 times per run before qualkit switched it off). The run
also has its own HOME, where onnxruntime would write its device id.
"""
from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
NET_EVENTS = ("socket.connect", "socket.getaddrinfo", "socket.gethostbyname",
              "socket.gethostbyaddr", "socket.sendto", "socket.sendmsg")
# steps after suggest, as Python run with `p` the project, `root` its folder and `suggestions`;
# add new stages here
LATER_STEPS: list[str] = [
    "for r in suggestions.groupby('segment_id').head(1).head(60).itertuples():\n"
    "    p.code(r.segment_id, r.code_id, coder='ana')",
    "p.export_excel()",
    "p.export_quotes()",
    "p.export_report()",
    "p.export_qdpx(root / 'exports' / 'study.qdpx', coder='ana')",
]
CHILD = """
import json, shutil, socket, sys
from pathlib import Path
seen = []

def hook(event, args):
    if event in {events!r}:
        seen.append([event, repr(args)[:200]])
        raise OSError("network refused in an offline test: " + event)

sys.addaudithook(hook)

def refuse(name):
    def call(*args, **kwargs):
        seen.append([name, repr(args)[:200]])
        raise OSError("network refused in an offline test: " + name)
    return call

for name in ("getaddrinfo", "gethostbyname", "gethostbyname_ex", "create_connection"):
    setattr(socket, name, refuse(name))
socket.socket.connect = refuse("socket.connect")
socket.socket.connect_ex = refuse("socket.connect_ex")

import qualkit as qk
root = Path(sys.argv[1])
p = qk.init_project(root)
for f in Path({repo!r}, "transcripts").iterdir():
    shutil.copy(f, p.root / "transcripts" / f.name)
(p.root / "qualkit.yaml").write_text("sources: [transcripts]\\nembed:\\n  backend: onnx-int8\\n"
                                     "segment:\\n  interviewers: [Joanna Pryce]\\n")
p = qk.open_project(root)
report = p.ingest()
embedded = p.embed()
run = p.run_themes(kind="transcript", min_cluster_size=5)
suggestions = p.suggest(k=3)
for step in {later!r}:
    exec(step)
models = Path.home() / ".cache" / "qualkit" / "models"  # prepared once per user (HOME is ours)
exported = sorted(str(f.relative_to(models)) for f in models.rglob("*.onnx"))
modes = {{str(f.relative_to(root)): oct(f.stat().st_mode & 0o777)
         for f in (root / "exports").rglob("*") if f.is_file() and f.name != ".gitkeep"}}
print("RESULT " + json.dumps({{"seen": seen, "added": len(report.added), "embedded": embedded,
      "themes": len(run.themes), "suggestions": len(suggestions), "onnx": exported,
      "model": p.embedder.model_id, "exports": modes}}))
"""


@pytest.fixture(scope="module")
def offline_run(tmp_path_factory):
    """Run the pipeline once in a clean interpreter; (result, strace log or None, home)."""
    tmp = tmp_path_factory.mktemp("offline")
    home = tmp / "home"
    home.mkdir()
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("HF_", "TRANSFORMERS_", "ORT_")) and k not in ("XDG_CACHE_HOME",)}
    env.update(HOME=str(home), PYTHONPATH=str(REPO))
    # torch asks getpass.getuser() for its cache folder: without USER that is a passwd lookup
    # through the nscd socket, which strace cannot tell from a DNS query; with USER set, any
    # nscd connection left is a host lookup
    env.setdefault("USER", "qualkit")
    code = textwrap.dedent(CHILD.format(events=NET_EVENTS, repo=str(REPO), later=LATER_STEPS))
    cmd = [sys.executable, "-c", code, str(tmp / "study")]
    log = None
    if shutil.which("strace"):
        log = tmp / "strace.log"
        cmd = ["strace", "-f", "--seccomp-bpf", "-e",
               "trace=connect,sendto,sendmsg,sendmmsg", "-o", str(log), *cmd]
    r = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=1200)
    lines = [ln for ln in r.stdout.splitlines() if ln.startswith("RESULT ")]
    assert r.returncode == 0 and lines, r.stderr[-3000:]
    return json.loads(lines[0][7:]), (log.read_text() if log else None), home


@pytest.mark.slow
def test_the_whole_pipeline_makes_no_network_call_and_writes_no_device_id(offline_run):
    result, _, home = offline_run
    assert result["seen"] == []
    assert not (home / ".cache" / "Microsoft").exists()
    assert list(home.rglob("deviceid")) == []
    # it really did the work: a fresh export and quantisation, vectors, themes, suggestions
    assert result["onnx"] and any("int8" in f for f in result["onnx"])
    assert result["added"] == 6 and result["embedded"] > 100
    assert result["themes"] > 0 and result["suggestions"] > 0
    # exports were written too, and only their owner can read them
    assert {Path(f).suffix for f in result["exports"]} >= {".xlsx", ".md", ".qdpx"}
    assert set(result["exports"].values()) == {"0o600"}


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("strace") is None, reason="strace is not installed")
def test_native_libraries_make_no_network_call_either(offline_run):
    _, log, _ = offline_run
    calls = [ln for ln in log.splitlines()
             if re.search(r"\b(connect|sendto|sendmsg|sendmmsg)\(", ln)]
    network = [ln for ln in calls if re.search(r"AF_INET6?|nscd|htons\(53\)", ln)]
    assert network == [], "\n".join(network[:20])
    assert not any("mobile" in ln and "events" in ln for ln in calls)
