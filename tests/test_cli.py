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
    assert "ana (1)" in res.output and "ana: 1 document" in res.output
    # one of a thing is singular ("1 documents" was a bug), zero and many are plural
    assert "1 documents" not in res.output
    assert "(1 transcript, 0 FOI letters)" in res.output


def test_plural_agrees_with_its_count():
    from qualkit.cli.app import plural

    assert [plural(n, "document") for n in (0, 1, 2)] == ["0 documents", "1 document",
                                                          "2 documents"]
    assert plural(1, "category", "categories") == "1 category"
    assert plural(3, "category", "categories") == "3 categories"


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


# --- issue #8: text as written in every command, on a transcript full of bracketed marks ---
MARKED = (
    "Site: Riverside\nDate: 2024-03-01\nMode: Video call\n\n"
    "Interviewer: Tell me about the [LA name] team and [name redacted]. [laughs]\n"
    "P1: We asked [/] we asked the [school] twice about the census. [inaudible 00:03:12] "
    "The [bold]trust[/bold] never replied to the data request.\n"
    "Interviewer: [red]Why[/red] do you think the trust never replied?\n"
    "P1: Honestly [sigh] they said :thumbs_up: about sharing, then nothing [/] at all came. "
    "The [link=https://example.org]form[/link] sits in a folder C:\\data\\[2023] somewhere.\n"
    "[Interruption – fire alarm test]\n"
    "P1: The board meets in [month] and [/] reviews the [name] cases for linkage each term.\n"
    "Interviewer: And the health data from the [ICB name] side?\n"
    "P1: [pause] We get a [redacted] extract [/] monthly, but never the NHS numbers we need.\n"
    "P1: Nobody owns the matching [/] so nothing gets joined up across [council] services.\n"
    "END OF TRANSCRIPT\n"
)
AS_WRITTEN = ["[LA name]", "[name redacted]", "[/]", "[school]", "[inaudible 00:03:12]",
              "[bold]trust[/bold]", ":thumbs_up:", "[link=https://example.org]form[/link]"]
CODEFRAME = """name: "Marks [draft] codeframe"
codes:
  - id: barrier
    name: "Barriers [/] [bold]all[/bold]"
    description: What gets in the way of linking data [sic].
  - id: barrier.trust
    parent: barrier
    name: "Trust [red]low[/red]"
    description: Partners do not reply or will not share data.
  - id: enabler
    name: "Enablers :thumbs_up:"
    description: What helps linking data, such as owners for the matching.
"""


def marked_project(tmp_path):
    root = tmp_path / "marked"
    run("init", str(root))
    write(root / "transcripts" / "marked.txt", MARKED)
    write(root / "codeframes" / "data-linkage.yaml", CODEFRAME)
    write(root / "qualkit.yaml", "embed:\n  backend: fake\ncoder: ana [lead]\n")
    return root


def flat(output: str) -> str:
    """The output with table wrapping undone (rows wrap inside cells)."""
    return " ".join(output.split())


def shown(output: str, text: str) -> bool:
    """``text`` appears as written, allowing for a table cell wrapping it across lines."""
    cells = [line.strip(" │┃|") for line in output.splitlines()]
    joined = " ".join(" ".join(c.split()) for c in cells)
    return text in joined or text in flat(output)


def test_every_command_prints_bracketed_text_as_written(tmp_path, monkeypatch):
    monkeypatch.setenv("COLUMNS", "200")  # wide enough that no cell wraps a mark
    root = marked_project(tmp_path)
    c = ["-C", str(root)]
    res = run(*c, "ingest")
    assert res.exit_code == 0, res.output
    res = run(*c, "segments", "-n", "0")
    assert res.exit_code == 0
    for mark in AS_WRITTEN + ["[Interruption – fire alarm test]", "END OF TRANSCRIPT",
                              "C:\\data\\[2023]"]:
        assert mark in res.output, mark
    assert "Site: Riverside" not in res.output  # the header is not a segment
    res = run(*c, "codeframe")
    assert res.exit_code == 0 and "Marks [draft] codeframe" in res.output
    assert "Barriers [/] [bold]all[/bold]" in res.output and "Enablers :thumbs_up:" in res.output
    import qualkit as qk

    with qk.open_project(root) as p:
        sid = p.segments().query("text.str.contains('never replied to the data')")[
            "segment_id"].iloc[0]
    res = run(*c, "code", sid, "barrier.trust")
    assert res.exit_code == 0 and "saved" in res.output
    res = run(*c, "status")
    assert res.exit_code == 0 and "ana [lead] (1)" in res.output
    res = run(*c, "speakers")
    assert res.exit_code == 0 and "P1" in res.output and "participant" in res.output
    res = run(*c, "embed")
    assert res.exit_code == 0
    res = run(*c, "themes", "-m", "2")
    assert res.exit_code == 0, res.output
    assert "[/]" in res.output and "Traceback" not in res.output
    res = run(*c, "suggest", "--doc", "marked", "-k", "1", "-n", "0")
    assert res.exit_code == 0
    assert all(shown(res.output, m) for m in ("[LA name]", "[bold]trust[/bold]", ":thumbs_up:"))
    assert "[Interruption" not in res.output and "END OF TRANSCRIPT" not in res.output
    assert "Trust [red]low[/red]" in res.output or "barrier.trust" in res.output
    res = run(*c, "uncode", sid, "barrier.trust")
    assert res.exit_code == 0 and "removed" in res.output
    res = run(*c, "analyse")
    assert res.exit_code == 0, res.output
    assert "Marks [draft] codeframe" in res.output


def test_foi_commands_print_letters_as_written(tmp_path, monkeypatch):
    monkeypatch.setenv("COLUMNS", "200")
    import shutil
    from pathlib import Path

    root = tmp_path / "f"
    run("init", str(root))
    repo = Path(__file__).resolve().parents[1]
    text = (repo / "foi" / "kingsmere-london-borough.txt").read_text(encoding="utf-8")
    marked = text.replace("weekly, through the council's data warehouse",
                          "weekly [/], through the [bold]council's[/bold] data warehouse")
    assert marked != text
    write(root / "foi" / "kingsmere-london-borough.txt", marked)
    shutil.copy(repo / "foi" / "fenwick-county-council.txt", root / "foi")
    res = run("-C", str(root), "ingest")
    assert res.exit_code == 0, res.output
    res = run("-C", str(root), "foi", "show", "kingsmere")
    assert res.exit_code == 0
    assert "weekly [/], through the [bold]council's[/bold] data warehouse" in flat(res.output)
    res = run("-C", str(root), "foi", "tally", "--by", "none")
    assert res.exit_code == 0 and "refused" in res.output


def test_an_attribute_named_role_is_no_traceback(tmp_path):
    root = marked_project(tmp_path)
    write(root / "transcripts" / "attributes.csv", "file,site,role\nmarked.txt,Riverside,lead\n")
    res = run("-C", str(root), "ingest")
    assert res.exit_code == 0
    assert "column 'role' is also a built-in column" in flat(res.output)
    assert "attr_role" in res.output
    for args in (["themes", "-m", "2"], ["themes", "-m", "2", "--where", "role=lead"],
                 ["themes", "-m", "2", "--where", "attr_role=lead"]):
        res = run("-C", str(root), *args)
        assert res.exit_code == 0, (args, res.output)
        assert "Traceback" not in res.output and "KeyError" not in res.output
    res = run("-C", str(root), "themes", "--where", "sit=Riverside")
    assert res.exit_code == 2
    assert "did you mean 'site'?" in res.output and "attr_role" in res.output


def test_segments_text_stays_readable_at_80_columns(tmp_path, monkeypatch):
    monkeypatch.setenv("COLUMNS", "80")
    root = marked_project(tmp_path)
    run("-C", str(root), "ingest")
    res = run("-C", str(root), "segments")
    assert res.exit_code == 0
    assert max(len(line) for line in res.output.splitlines()) <= 80
    # the text column is wide: a 40-character stretch of a segment sits on one line
    assert "We asked [/] we asked the [school] twice" in res.output


def test_smaller_cli_fixes(tmp_path):
    root = marked_project(tmp_path)
    (root / "qualkit.yaml").write_text("embed:\n  backend: fake\n", encoding="utf-8")
    run("-C", str(root), "ingest")
    res = run("-C", str(root), "status")  # before `qualkit codeframe` has ever run
    assert "codes      3" in res.output
    import qualkit as qk

    with qk.open_project(root) as p:
        sid = p.speech()["segment_id"].iloc[1]
        n = len(p.segments())
    res = run("-C", str(root), "code", sid, "barrier.trust")
    assert res.exit_code == 2 and "--coder" in res.output and "coder=" not in res.output
    res = run("-C", str(root), "code", sid, "barrier.trusts", "--coder", "ana")
    assert res.exit_code == 2 and "did you mean barrier.trust" in res.output
    run("-C", str(root), "embed")
    res = run("-C", str(root), "status")
    assert f"{n} of {n} distinct segment texts have vectors" in flat(res.output)
    res = run("-C", str(root), "status", "--stage", "embed")
    assert "Last embed runs" in res.output and "ingest" not in res.output.split("Last")[1]
    res = run("-C", str(root), "suggest", "--doc", "marked", "-n", "2")
    assert "2 of" in res.output and "segments shown" in res.output
