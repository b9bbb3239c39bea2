"""The reconcile screen redacted (``qualkit reconcile --redact``, or ``privacy.redact_screens``)
exactly as the coding screen: no child's name, NHS number, speaker's name or document name on
screen, in the segment's context, the coders' memos or the discussion note; coder names stay.
Uses the small project of test_redact_screens (one interview naming a child)."""
from __future__ import annotations

import pytest

import qualkit as qk
from qualkit.tui.app import QualkitApp, make_app
from test_redact_screens import CHILD, NHS, SECRETS, SPEAKER, _project, run
from tui_support import settle

GOV, CULT = "barrier.information_governance", "barrier.culture"


@pytest.fixture
def root(tmp_path):
    """ana and ben disagree on the segment naming the child; ana's memo names her too."""
    root = _project(tmp_path)
    assert run("-C", str(root), "ingest").exit_code == 0
    with qk.open_project(root) as p:
        segs = p.segments()
        sid = segs[segs["text"].str.contains("NHS number is")]["segment_id"].iloc[0]
        p.code(sid, CULT, coder="ana")
        p.code(sid, GOV, coder="ben")
        p.set_memo("segment", sid, f"{CHILD}'s plan, see {NHS}", coder="ana")
        p.set_reconcile_note(sid, f"{SPEAKER} to confirm")
        for coder in ("ana", "ben"):
            p.mark_done("okafor-interview.txt", coder=coder)
    return root


def screen_text(app) -> str:
    """What the reconcile screen shows, as plain text (each box's rendered content)."""
    s = app.screen
    boxes = [s.query_one("#where"), s.query_one("#context"), s.query_one("#decision"),
             *s.query(".coder")]
    titles = [b.border_title or "" for b in boxes]
    return "\n".join([str(b.render()) for b in boxes] + titles)


async def shown(root, redact: bool) -> str:
    app = make_app(root, mode="reconcile", coders=["ana", "ben"], redact=redact)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        assert len(app.screen.work.items) == 1
        return screen_text(app)


async def test_reconcile_screen_redacted(root):
    plain = await shown(root, redact=False)
    for secret in (CHILD, NHS, "Okafor", "okafor-interview"):  # the control
        assert secret in plain
    got = await shown(root, redact=True)
    assert not [s for s in SECRETS if s in got], got
    assert "okafor-interview" not in got and "Document " in got
    assert "[Person" in got and "[NHS number]" in got
    assert "Participant" in got  # the speaker, pseudonymised as on the coding screen
    assert "ana" in got and "ben" in got  # coder names are the team's own: shown


async def test_the_setting_redacts_the_reconcile_screen(root):
    path = root / "qualkit.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace(
        "redact_screens: false", "redact_screens: true"), encoding="utf-8")
    got = await shown(root, redact=False)
    assert not [s for s in SECRETS if s in got] and "okafor-interview" not in got


def test_cli_redact_reaches_the_app(root, monkeypatch):
    opened = []
    monkeypatch.setattr(QualkitApp, "run", lambda self: opened.append(self) or "")
    for args in (["reconcile", "--redact"], ["--redact", "reconcile"], ["reconcile"]):
        res = run("-C", str(root), *args, "--coders", "ana", "--coders", "ben")
        assert res.exit_code == 0, res.output
    assert [a.redact for a in opened] == [True, True, False]
