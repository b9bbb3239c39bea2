"""The CLI as a user meets it: one-line errors, honest exit codes, readable tables."""
from __future__ import annotations

import subprocess
import sys

from typer.testing import CliRunner

from conftest import write
from qualkit.cli import app

runner = CliRunner()
TALK = ("Interviewer: Do you link health data?\n"
        "P2: Not yet. The ICB will not sign the agreement, honestly.\n")


def run(*args: str):
    return runner.invoke(app, list(args))


def test_init_then_ingest_then_status_and_segments(tmp_path):
    root = tmp_path / "study"
    assert run("init", str(root)).exit_code == 0
    for folder in ("transcripts", "foi", "codeframes", "exports"):
        assert (root / folder).is_dir()
    assert (root / "qualkit.yaml").exists() and (root / "codeframes/data-linkage.yaml").exists()
    write(root / "transcripts" / "one.txt", TALK)
    res = run("-C", str(root), "ingest")
    assert res.exit_code == 0, res.output
    assert "1 added" in res.output
    res = run("-C", str(root), "ingest")
    assert "1 unchanged" in res.output
    res = run("-C", str(root), "status")
    assert res.exit_code == 0 and "documents  1" in res.output
    res = run("-C", str(root), "segments", "--speaker", "P2")
    assert res.exit_code == 0 and "ICB will not sign" in res.output
    assert "Do you link" not in res.output


def test_skipped_file_gives_exit_code_1_and_names_it(tmp_path):
    root = tmp_path / "study"
    run("init", str(root))
    write(root / "transcripts" / "one.txt", TALK)
    write(root / "transcripts" / "empty.txt", "")
    res = run("-C", str(root), "ingest")
    assert res.exit_code == 1
    assert "empty.txt" in res.output and "Traceback" not in res.output


def test_not_a_project_is_one_line_and_exit_2(tmp_path):
    res = run("-C", str(tmp_path), "status")
    assert res.exit_code == 2
    assert "not a qualkit project" in res.output and "Traceback" not in res.output


def test_codeframe_yaml_error_names_file_and_line(tmp_path):
    root = tmp_path / "study"
    run("init", str(root))
    (root / "codeframes" / "data-linkage.yaml").write_text(
        "name: x\ncodes:\n  - id: a\n    name: [unclosed\n", encoding="utf-8")
    res = run("-C", str(root), "codeframe")
    assert res.exit_code == 2 and "Traceback" not in res.output
    assert "data-linkage.yaml:" in res.output


def test_codeframe_prints_the_tree(tmp_path):
    root = tmp_path / "study"
    run("init", str(root))
    res = run("-C", str(root), "codeframe")
    assert res.exit_code == 0
    assert "barrier.health_data.la_knowledge" in res.output


def ingested(tmp_path):
    """A project made and ingested through the CLI; returns (root, id of P2's segment)."""
    import qualkit as qk

    root = tmp_path / "study"
    run("init", str(root))
    write(root / "transcripts" / "one.txt", TALK)
    run("-C", str(root), "ingest")
    with qk.open_project(root) as p:
        return root, p.segments(speaker="P2")["segment_id"].iloc[0]


def test_code_and_uncode_from_the_command_line(tmp_path):
    root, sid = ingested(tmp_path)
    assert "saved" in run("-C", str(root), "code", sid, "barrier.health_data.reluctance",
                          "--coder", "ana").output
    assert "already" in run("-C", str(root), "code", sid, "barrier.health_data.reluctance",
                            "--coder", "ana").output
    res = run("-C", str(root), "code", sid, "no.such.code", "--coder", "ana")
    assert res.exit_code == 2 and "no code" in res.output
    assert "removed" in run("-C", str(root), "uncode", sid, "barrier.health_data.reluctance",
                            "--coder", "ana").output


def test_python_dash_m_qualkit_runs():
    res = subprocess.run([sys.executable, "-m", "qualkit", "--help"], capture_output=True,
                         text=True)
    assert res.returncode == 0 and "ingest" in res.stdout


def test_status_shows_codings_by_coder_and_documents_done(tmp_path):
    import qualkit as qk

    root, sid = ingested(tmp_path)
    with qk.open_project(root) as p:
        p.code(sid, "barrier.health_data.reluctance", coder="ana")
        p.mark_done("one", coder="ana")
    res = run("-C", str(root), "status")
    assert "ana (1)" in res.output and "ana: 1 documents" in res.output


def sample_copy(tmp_path):
    """The bundled sample project, copied, with the fast fake embedder."""
    import shutil
    from pathlib import Path

    repo = Path(__file__).resolve().parents[1]
    root = tmp_path / "sample"
    root.mkdir()
    for folder in ("transcripts", "foi", "codeframes"):
        shutil.copytree(repo / folder, root / folder)
    text = (repo / "qualkit.yaml").read_text(encoding="utf-8")
    (root / "qualkit.yaml").write_text(
        text.replace("backend: onnx-int8", "backend: fake"), encoding="utf-8")
    return root


def test_analyse_runs_every_stage_on_the_sample(tmp_path):
    root = sample_copy(tmp_path)
    res = run("-C", str(root), "analyse")
    assert res.exit_code == 0, res.output
    out = res.output
    assert "6 transcripts, 13 FOI letters" in out
    assert "FOI q1_link_edu_social:" in out and "Embeddings:" in out
    assert "Themes in the interviews:" in out and "Themes in the FOI free text:" in out
    assert "Suggestions: a ranked code for each of" in out and "Traceback" not in out
    again = run("-C", str(root), "analyse")
    assert "0 new texts embedded" in again.output and "19 unchanged" in again.output


def test_embed_themes_and_suggest_commands(tmp_path):
    root = sample_copy(tmp_path)
    run("-C", str(root), "ingest")
    res = run("-C", str(root), "embed")
    assert res.exit_code == 0 and "all 1118 segments have vectors" in " ".join(res.output.split())
    res = run("-C", str(root), "themes", "-m", "5", "--where", "authority_type=unitary")
    assert res.exit_code == 0, res.output
    assert "Candidate themes (run" in res.output
    import qualkit as qk
    from qualkit.themes.select import select_segments

    with qk.open_project(root) as p:  # the run used exactly the unitary authorities' segments
        run_ = p.theme_run()
        unitary = select_segments(p.segments(), p.documents(),
                                  where={"authority_type": "unitary"})
        everyone = select_segments(p.segments(), p.documents())
    assert run_.filters == {"where": {"authority_type": "unitary"}}
    assert 0 < run_.segments == len(unitary) < len(everyone)
    assert f"{len(unitary)} segments" in " ".join(res.output.split())
    res = run("-C", str(root), "themes", "--kind", "foi", "--question", "q2_datasets")
    assert res.exit_code == 0 and "Small corpus" in " ".join(res.output.split())
    res = run("-C", str(root), "themes", "--where", "nonsense")
    assert res.exit_code == 2 and "ATTRIBUTE=VALUE" in res.output
    import qualkit as qk

    p = qk.open_project(root)
    sid = p.segments(document="northmere", speaker="P1")["segment_id"].iloc[3]
    p.close()
    res = run("-C", str(root), "suggest", "--segment", sid, "-k", "2")
    assert res.exit_code == 0 and "1. " in res.output and "2. " in res.output
    res = run("-C", str(root), "foi", "show", "kingsmere")
    assert res.exit_code == 0 and "q1_link_edu_social" in res.output
    res = run("-C", str(root), "foi", "tally")
    assert res.exit_code == 0 and "london borough" in res.output
