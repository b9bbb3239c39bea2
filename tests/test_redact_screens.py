"""``--redact`` on screens: a shared screen shows no child's name, NHS number, speaker's name
or e-mail address, in the CLI (segments, suggest, themes, foi show, disagreements) and in the
coding app; dates and ordinary numbers survive; without it, ingest warns once per document.
And a redacted REFI-QDA export whose codings still mark the same (redacted) sentences."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

import qualkit as qk
from conftest import write
from qualkit.cli import app

REPO = Path(__file__).resolve().parents[1]
runner = CliRunner()
CHILD, NHS, SPEAKER = "Ellie", "943 476 5919", "Margaret Okafor"
SECRETS = (CHILD, NHS, "9434765919", "5919", SPEAKER, "Okafor", "Margaret",
           "kim.lee@ashbyvale.gov.uk")
TALK = [
    "Interviewer: Can you tell me how the plan for the child was put together?",
    f"{SPEAKER}: {CHILD} started at the school on 3 March 2021. Her NHS number is {NHS} and "
    "the plan gives her 25 hours of support a week.",
    "Interviewer: Who shared the health records with the school?",
    f"{SPEAKER}: The health visitor sent the records about {CHILD} in 2020, after 14 weeks "
    "of waiting for the data sharing agreement.",
    "Interviewer: Did the council link education and social care data?",
    f"{SPEAKER}: Yes, the council linked the school census with social care records for "
    "about 1,200 pupils, and the dashboard shows attendance for children like "
    f"{CHILD}.",
    "Interviewer: What stopped the health data being linked?",
    f"{SPEAKER}: The ICB would not sign the agreement, so health data stayed apart and the "
    "dashboard had no health records at all.",
    "Interviewer: What would help most?",
    f"{SPEAKER}: A shared NHS number on every record would help the linking, and trust "
    "between the teams would help the data sharing agreement.",
]


def run(*args: str):
    return runner.invoke(app, list(args))


def _project(tmp_path: Path) -> Path:
    root = tmp_path / "study"
    assert run("init", str(root)).exit_code == 0
    settings = (root / "qualkit.yaml").read_text(encoding="utf-8")
    settings = settings.replace("backend: onnx-int8", "backend: fake")
    settings = settings.replace("  names: []", f"  names: [{CHILD}]")
    (root / "qualkit.yaml").write_text(settings, encoding="utf-8")
    write(root / "transcripts" / "okafor-interview.txt", "\n".join(TALK) + "\n")
    letter = (REPO / "foi" / "ashby-vale-council.txt").read_text(encoding="utf-8")
    letter = letter.replace("Ashby Vale Council aren't using linked data",
                            "Ashby Vale Council aren't using linked data; ask kim.lee@ashbyvale"
                            ".gov.uk for the 2023 dashboard")
    write(root / "foi" / "ashby-vale-council.txt", letter)
    return root


@pytest.fixture(autouse=True)
def wide(monkeypatch):
    monkeypatch.setenv("COLUMNS", "250")  # no cell wraps a date or a tag


@pytest.fixture
def root(tmp_path):
    root = _project(tmp_path)
    assert run("-C", str(root), "--redact", "ingest").exit_code == 0
    return root


def hidden(output: str) -> bool:
    return not any(s in output for s in SECRETS)


def test_ingest_warns_per_document_with_counts_never_the_values(tmp_path):
    root = _project(tmp_path)
    res = run("-C", str(root), "ingest")
    assert res.exit_code == 0, res.output
    lines = [ln for ln in res.output.splitlines() if ln.startswith("identifiers")]
    assert len(lines) == 1 and "okafor-interview.txt" in lines[0]
    assert "1 NHS number" in lines[0] and "3 listed names" in lines[0]
    assert "--redact" in res.output and "privacy scan" in res.output
    assert NHS not in res.output and CHILD not in res.output
    again = run("-C", str(root), "ingest")  # nothing new: no warning
    assert "identifiers" not in again.output


def test_segments_redacted_keeps_dates_and_numbers(root):
    plain = run("-C", str(root), "segments", "-n", "0")
    assert CHILD in plain.output and SPEAKER in plain.output  # the control
    for args in (["--redact", "segments", "-n", "0"], ["segments", "--redact", "-n", "0"]):
        res = run("-C", str(root), *args)
        assert res.exit_code == 0, res.output
        assert hidden(res.output), res.output
        for kept in ("3 March 2021", "25 hours", "1,200 pupils", "14 weeks", "2020"):
            assert kept in res.output
        assert "[NHS number]" in res.output and "[Person 1]" in res.output
        assert "Participant 1" in res.output and "Document " in res.output
        assert "okafor-interview" not in res.output


def test_setting_redacts_every_command(root):
    path = root / "qualkit.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace(
        "redact_screens: false", "redact_screens: true"), encoding="utf-8")
    res = run("-C", str(root), "segments", "-n", "0")
    assert res.exit_code == 0 and hidden(res.output) and "[NHS number]" in res.output


def test_suggest_and_themes_redacted(root):
    res = run("-C", str(root), "--redact", "suggest", "-n", "0")
    assert res.exit_code == 0, res.output
    assert hidden(res.output) and "[NHS number]" in res.output
    res = run("-C", str(root), "--redact", "themes", "-m", "2")
    assert res.exit_code == 0, res.output
    assert hidden(res.output) and "Candidate themes" in res.output
    plain = run("-C", str(root), "themes", "-m", "2")
    assert plain.exit_code == 0 and not hidden(plain.output)  # the control


def test_foi_show_redacted(root):
    plain = run("-C", str(root), "foi", "show", "ashby")
    assert "kim.lee@ashbyvale.gov.uk" in plain.output  # the control
    res = run("-C", str(root), "foi", "show", "ashby", "--redact")
    assert res.exit_code == 0, res.output
    assert hidden(res.output) and "[email]" in res.output and "2023 dashboard" in res.output
    assert "ashby-vale-council" not in res.output


def test_disagreements_redacted(root):
    with qk.open_project(root) as p:
        sid = p.segments().query("text.str.contains('NHS number is')")["segment_id"].iloc[0]
        p.code(sid, "barrier.culture", coder="ana")
        p.mark_done("okafor-interview.txt", coder="ana")
        p.mark_done("okafor-interview.txt", coder="ben")
    res = run("-C", str(root), "--redact", "disagreements", "--coders", "ana", "--coders", "ben")
    assert res.exit_code == 0, res.output
    assert sid in res.output and "[NHS number]" in res.output and hidden(res.output)


async def test_coding_app_redacted(root):
    from qualkit.tui.app import make_app

    from tui_support import settle

    texts = {}
    for redact in (False, True):
        app = make_app(root, coder="ana", redact=redact)
        async with app.run_test(size=(160, 50)) as pilot:
            await settle(app, pilot)
            texts[redact] = app.export_screenshot()
            s = app.session
            assert any(CHILD in t for t in s.texts) != redact
            assert (SPEAKER in s.speakers) != redact
            shown = s.keywords(["476 5919", "okafor", "data sharing"])  # the themes screen
            assert ("5919" in shown or "okafor" in shown) != redact
            assert "data sharing" in shown
            await pilot.press("d")  # mark the shown document done: the real one is marked
            await settle(app, pilot)
    assert CHILD in texts[False]  # the control: the list and context show the name
    assert "Ellie" not in texts[True] and "5919" not in texts[True]
    assert "Okafor" not in texts[True] and "okafor-interview" not in texts[True]
    assert "[Person" in texts[True]
    with qk.open_project(root) as p:
        assert set(p.done_documents("ana")) == set()  # marked, then unmarked: real names


def test_redacted_qdpx_hides_names_and_keeps_spans(root, tmp_path):
    from qualkit.export.refi import read_qdpx

    with qk.open_project(root) as p:
        segs = p.segments()
        coded = segs[segs["text"].str.contains(CHILD)]
        for sid in coded["segment_id"]:
            p.code(sid, "barrier.culture", coder="ana")
        p.set_memo("segment", coded["segment_id"].iloc[0], f"{CHILD} again", coder="ana")
        red = p.redactor()
        want = sorted(red.text(t) for t in coded["text"])
    out = tmp_path / "redacted.qdpx"
    res = run("-C", str(root), "export", "qdpx", "--redact", "-o", str(out))
    assert res.exit_code == 0, res.output
    assert "Redacted:" in res.output
    project, _ = read_qdpx(out, [])
    assert project.documents and all(d.name.startswith("Document ") for d in project.documents)
    for d in project.documents:
        assert not any(s in d.text for s in SECRETS), d.name
    texts = {d.name: d.text for d in project.documents}
    got = sorted(texts[c.document][c.start:c.end] for c in project.codings)
    assert got == want and len(got) == 3
    assert all("[Person 1]" in g for g in got)
    assert not any(CHILD in (m.text or "") for m in project.memos)
    assert {c.coder for c in project.codings} == {"ana"}  # coders are the team: kept


def test_what_an_export_redacted_is_said_in_words(root, tmp_path):
    # it printed the raw dict: "Redacted: {'email': 1, 'name': 3, ...}"
    res = run("-C", str(root), "export", "qdpx", "--redact", "-o", str(tmp_path / "r.qdpx"))
    line = next(x for x in res.output.splitlines() if x.startswith("Redacted:"))
    assert "{" not in line and "1 NHS number, " in line and " email addresses" in line, line
