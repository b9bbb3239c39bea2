"""Reconcile mode: redo of an undone decision and the discussion note kept before a decision,
both driven with the keys and checked in the store, across a restart of the app.

Uses ``two_coders`` from test_tui_reconcile: ana and ben disagree on segments 3 to 7 of one
document (queue positions 0 to 4)."""
from __future__ import annotations

import qualkit as qk

from test_tui_reconcile import CULT, GOV, parts, reconcile_app, two_coders, type_text
from tui_support import settle


def state(root, sid):
    """The store's view of one segment: decided, choice, note, draft, undone (0/1), and the
    consensus coder's codes on it, read by a separate Project as another process would."""
    with qk.open_project(root) as p:
        q = p.reconcile_queue(["ana", "ben"]).set_index("segment_id").loc[sid]
        got = p.codings(coder="consensus")
        codes = sorted(got[got["segment_id"] == sid]["code_id"])
        return (bool(q["decided"]), q["choice"], q["note"], q["draft"], int(q["undone"] > 0),
                codes)


def decision_text(app) -> str:
    return str(app.screen.query_one("#decision").render())


async def test_undo_then_redo_a_decision_across_a_restart(tmp_path_factory, tmp_path):
    root, doc, segs = two_coders(tmp_path_factory, tmp_path)
    app = reconcile_app(root)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        screen, work = parts(app)
        await pilot.press("m")
        await settle(app, pilot)
        await type_text(pilot, "lawyers named")
        await pilot.press("ctrl+s", "a")  # segment 3 settled: ana's, with the note
        await settle(app, pilot)
        assert state(root, segs[3]) == (True, "ana", "lawyers named", "", 0, [GOV])
        await pilot.press("k", "u")  # undone by mistake
        await settle(app, pilot)
        assert state(root, segs[3]) == (False, "", "", "lawyers named", 1, [])
        assert "ctrl+r redoes: ana" in decision_text(app)
        await pilot.press("ctrl+q")
    app = reconcile_app(root)  # a restart: the undone decision can still be redone
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        screen, work = parts(app)
        assert screen.pos == 0 and work.items[0].segment_id == segs[3]
        assert "ctrl+r redoes: ana" in decision_text(app)
        await pilot.press("j")  # from another segment, ctrl+r goes back to the undone one
        await pilot.press("ctrl+r")
        await settle(app, pilot)
        assert screen.pos == 0
        assert state(root, segs[3]) == (True, "ana", "lawyers named", "", 0, [GOV])
        assert "settled (ana)" in decision_text(app)
        assert "0 of 5" not in str(screen.query_one("#status").render())
        await pilot.press("ctrl+r")  # nothing left to redo: nothing changes
        await settle(app, pilot)
        assert state(root, segs[3]) == (True, "ana", "lawyers named", "", 0, [GOV])
        await pilot.press("u", "b")  # undone, then decided again: the old one is gone
        await settle(app, pilot)
        await pilot.press("k", "ctrl+r")
        await settle(app, pilot)
        await pilot.press("ctrl+q")
    assert state(root, segs[3]) == (True, "ben", "lawyers named", "", 0, [CULT])


async def test_undo_twice_redo_newest_first(tmp_path_factory, tmp_path):
    root, doc, segs = two_coders(tmp_path_factory, tmp_path)
    app = reconcile_app(root)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        screen, work = parts(app)
        await pilot.press("a", "x")  # segments 3 and 4 settled
        await pilot.press("k", "u", "k", "u")  # 4 undone, then 3
        await pilot.press("j", "j", "j")  # away from both: redo takes the newest undo (3)
        await pilot.press("ctrl+r")
        await settle(app, pilot)
        assert work.items[screen.pos].segment_id == segs[3]
        assert state(root, segs[3])[:2] == (True, "ana")
        assert state(root, segs[4])[:2] == (False, "")
        await pilot.press("ctrl+r")
        await settle(app, pilot)
        assert work.items[screen.pos].segment_id == segs[4]
        assert state(root, segs[4])[:2] == (True, "neither")


async def test_a_note_typed_before_deciding_survives_quitting(tmp_path_factory, tmp_path):
    root, doc, segs = two_coders(tmp_path_factory, tmp_path)
    app = reconcile_app(root)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await pilot.press("m")
        await settle(app, pilot)
        await type_text(pilot, "ask the DPO")
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        await pilot.press("j", "m")  # the next one: quit with the dialog still open
        await settle(app, pilot)
        await type_text(pilot, "half a thought")
        await pilot.press("ctrl+q")
    assert state(root, segs[3]) == (False, "", "", "ask the DPO", 0, [])
    assert state(root, segs[4]) == (False, "", "", "half a thought", 0, [])
    app = reconcile_app(root)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        screen, work = parts(app)
        assert screen.pos == 0 and "ask the DPO" in decision_text(app)
        await pilot.press("m")  # escape puts back what the dialog opened with
        await settle(app, pilot)
        await type_text(pilot, " and the lawyers")
        await pilot.press("escape")
        await settle(app, pilot)
        assert state(root, segs[3])[3] == "ask the DPO"
        await pilot.press("o")  # the decision takes the draft as its note
        await settle(app, pilot)
        await pilot.press("m")  # the next segment's draft is in its dialog
        await settle(app, pilot)
        assert "half a thought" in app.screen.query_one("#memo").text
        await pilot.press("ctrl+s")
    assert state(root, segs[3]) == (True, "both", "ask the DPO", "", 0, [CULT, GOV])


def test_project_redo_and_drafts(tmp_path_factory, tmp_path):
    root, doc, segs = two_coders(tmp_path_factory, tmp_path)
    with qk.open_project(root) as p:
        assert p.set_reconcile_note(segs[5], "draft one") is False
        p.reconcile(segs[5], [GOV], choice="ana", note="draft one")
        assert p.set_reconcile_note(segs[5], "decided note") is True
        assert p.redo_reconcile(segs[5]) is False  # nothing undone
        assert p.undo_reconcile(segs[5]) and p.redo_reconcile(segs[5])
        assert not p.undo_reconcile(segs[6])
        assert p.set_reconcile_note(segs[6], "   ") is False  # an empty draft is none
        assert p.store.integrity_ok()
    assert state(root, segs[5]) == (True, "ana", "decided note", "", 0, [GOV])
    assert state(root, segs[6]) == (False, "", "", "", 0, [])
