"""What tripped a new user walking the whole workflow on the sample project (issue: the
walk): typos that were taken as new coders or answered "was not coded", code ids cut to
"use.service_…" in the team tables, merge messages that pointed the wrong way, a bundle that
was not JSON, and small wrong words and counts."""
from __future__ import annotations

import json

from typer.testing import CliRunner

import qualkit as qk
from conftest import write
from qualkit.cli import app

runner = CliRunner()
TALK = ("Interviewer: Do you link health data?\n"
        "P2: Not yet. The ICB will not sign the agreement, honestly.\n"
        "P2: Our systems cannot talk to each other at all.\n")
SYSTEMS, LONG = "barrier.data_digital.systems", "barrier.health_data.mismatched_scope"


def run(*args: str):
    return runner.invoke(app, list(args))


def coded(tmp_path, name: str = "study"):
    """A project whose two participant segments ana and ben coded differently."""
    root = tmp_path / name
    run("init", str(root))
    write(root / "transcripts" / "one.txt", TALK)
    run("-C", str(root), "ingest")
    with qk.open_project(root) as p:
        a, b = p.segments(speaker="P2")["segment_id"].iloc[:2]
        p.code(a, SYSTEMS, coder="ana")
        p.code(a, LONG, coder="ben")
        p.code(b, SYSTEMS, coder="ana", memo=None)
        p.code(b, SYSTEMS, coder="ben", memo="both agree")
        for coder in ("ana", "ben"):
            p.mark_done("one", coder=coder)
    return root, a, b


def test_done_with_a_mistyped_coder_is_refused_not_a_new_coder(tmp_path):
    root, _, _ = coded(tmp_path)
    res = run("-C", str(root), "done", "one", "--coder", "bne")
    assert res.exit_code == 2 and "no coder 'bne'" in res.output and "ana, ben" in res.output
    with qk.open_project(root) as p:
        assert "bne" not in p.coders()  # agreement does not gain a coder who coded nothing
    res = run("-C", str(root), "done", "one", "--coder", "cy", "--new-coder")
    assert res.exit_code == 0 and "marked done for cy" in res.output
    res = run("-C", str(root), "done", "one", "--coder", "ana")
    assert "was already marked done for ana" in res.output


def test_uncode_says_which_name_is_wrong(tmp_path):
    root, a, _ = coded(tmp_path)
    for args, said in [((a, "barrier.data_digital.system", "--coder", "ana"),
                        "did you mean barrier.data_digital.systems"),
                       (("nosuchsegment", SYSTEMS, "--coder", "ana"), "no segment"),
                       ((a, SYSTEMS, "--coder", "anna"), "no coder 'anna'")]:
        res = run("-C", str(root), "uncode", *args)
        assert res.exit_code == 2 and said in res.output, res.output
    with qk.open_project(root) as p:
        assert "anna" not in p.coders()
    assert "was not coded" in run("-C", str(root), "uncode", a, "barrier",
                                  "--coder", "ana").output
    assert "removed" in run("-C", str(root), "uncode", a, SYSTEMS, "--coder", "ana").output


def column(output: str, index: int) -> str:
    """The text of one column of a boxed table, its folded lines joined."""
    cells = [line.split("│")[index + 1] for line in output.splitlines()
             if line.startswith("│")]
    return "".join(c.strip() for c in cells)


def test_team_tables_show_whole_code_ids_at_80_columns(tmp_path, monkeypatch):
    monkeypatch.setenv("COLUMNS", "80")
    root, _, _ = coded(tmp_path)
    res = run("-C", str(root), "disagreements")
    # folded over lines, never cut to "barrier.he…"
    assert column(res.output, 3) == SYSTEMS and column(res.output, 4) == LONG
    assert "1 segment where the coders differ." in res.output
    res = run("-C", str(root), "agree")
    assert LONG in column(res.output, 0) and "…" not in column(res.output, 0)
    assert "-0.00" not in res.output


def test_merge_messages_point_the_right_way_and_count_what_is_new(tmp_path):
    root, _, _ = coded(tmp_path)
    other, _, _ = coded(tmp_path, "other")
    res = run("-C", str(other), "export", "codings", "--coder", "ben")
    bundle = other / "exports" / "codings-ben.json"
    assert f"qualkit merge {bundle.resolve()}" in "".join(res.output.split("\n"))
    data = json.loads(bundle.read_text(encoding="utf-8"), parse_constant=lambda c: 1 / 0)
    assert [c["memo"] for c in data["codings"]].count(None) == 1  # null, not NaN
    first = run("-C", str(root), "merge", str(bundle)).output
    again = run("-C", str(root), "merge", str(bundle)).output
    assert "0 done marks" in first and "0 done marks" in again  # ben had marked it already
    res = run("-C", str(root), "merge", str(tmp_path))
    assert res.exit_code == 2 and "neither a codings bundle nor a qualkit project" in res.output
    assert "qualkit init" not in res.output


def test_analyse_points_to_the_themes_command_that_gives_the_same_run(capsys):
    # it said "qualkit themes shows them all", which fits transcripts and FOI text together:
    # other themes than the ones listed
    import pandas as pd

    from qualkit.analyse import AnalysisSummary, ThemesOutcome
    from qualkit.cli.analysis import print_summary
    from qualkit.models import ThemeRun

    themes = pd.DataFrame({"theme_id": range(9), "size": 5, "keywords": [["w"]] * 9,
                           "resembles_code": None})
    run_ = ThemeRun(run_id=3, started="", status="ok", params={}, filters={}, model_id="m",
                    segments=45, method="bertopic", messages=[], outliers=[], themes=themes)
    summary = AnalysisSummary(1, 0, 45, "frame", 3,
                              themes=[ThemesOutcome("transcript", "interviews", run=run_)])
    print_summary(summary)
    assert "`qualkit themes --kind transcript` shows them all" in capsys.readouterr().out


def test_segments_of_an_foi_letter_are_headed_question(tmp_path):
    from pathlib import Path

    root = tmp_path / "study"
    run("init", str(root))
    letter = Path(__file__).resolve().parents[1] / "foi" / "ashby-vale-council.txt"
    write(root / "foi" / letter.name, letter.read_text(encoding="utf-8"))
    write(root / "transcripts" / "one.txt", TALK)
    run("-C", str(root), "ingest")
    res = run("-C", str(root), "segments", "--doc", "ashby")
    assert res.exit_code == 0 and " question " in res.output and " speaker " not in res.output
    res = run("-C", str(root), "segments", "--doc", "one")
    assert " speaker " in res.output


def test_inside_a_project_folder_the_error_names_the_project_not_init(tmp_path):
    root = tmp_path / "study"
    run("init", str(root))
    res = run("-C", str(root / "transcripts"), "status")
    assert res.exit_code == 2 and f"the project is {root.resolve()}" in "".join(
        res.output.split("\n"))
    assert "qualkit init" not in res.output
