"""Reconcile mode driven with Textual's pilot: two coders code apart on two copies of the
sample project, one copy is merged into the other, and their disagreements are settled with
the keys; the consensus coder's codings and notes are then checked in the store, and a
restart resumes where it stopped."""
from __future__ import annotations

import shutil

import pytest
from typer.testing import CliRunner

import qualkit as qk
from qualkit.cli import app as cli
from qualkit.tui.app import QualkitApp, make_app
from qualkit.tui.reconcile_work import NOTHING, Reconcile
from qualkit.tui.screens.reconcile import ReconcileScreen

from tui_support import ingested_sample, settle

GOV, CULT = "barrier.information_governance", "barrier.culture"
runner = CliRunner()


def two_coders(tmp_path_factory, tmp_path):
    """ana and ben code one document apart; ben's copy is merged into ana's. Returns ana's
    root, the document and its segment ids. They disagree on segments 3 to 7."""
    root = ingested_sample(tmp_path_factory, tmp_path)
    ben_root = tmp_path / "ben"
    shutil.copytree(root, ben_root)
    with qk.open_project(root) as ana:
        docs = ana.documents()
        doc = docs[docs["kind"] == "transcript"]["document"].iloc[0]
        segs = list(ana.segments(document=doc)["segment_id"])
        for sid in segs[:6]:
            ana.code(sid, GOV, coder="ana")
        ana.set_memo("segment", segs[3], "governance: the lawyers", coder="ana")
        ana.mark_done(doc, coder="ana")
    with qk.open_project(ben_root) as ben:
        for sid in segs[:3]:
            ben.code(sid, GOV, coder="ben")
        for sid in (segs[3], segs[6], segs[7]):
            ben.code(sid, CULT, coder="ben")
        ben.set_memo("segment", segs[3], "this is about trust", coder="ben")
        ben.mark_done(doc, coder="ben")
    with qk.open_project(root) as ana:
        assert ana.merge(ben_root)[0]["codings"] == 6
        row = ana.agreement(["ana", "ben"], codes=[GOV], bootstrap=0).set_index("code_id")
        # GOV: ana and ben differ on segments 3, 4 and 5 of the document only
        assert row.loc[GOV, "n_units"] == len(segs)
        assert row.loc[GOV, "percent_agreement"] == pytest.approx((len(segs) - 3) / len(segs))
    return root, doc, segs


def reconcile_app(root):
    return make_app(root, mode="reconcile", coders=["ana", "ben"])


def parts(app):
    screen = app.screen
    assert isinstance(screen, ReconcileScreen)
    return screen, screen.work


async def type_text(pilot, text: str) -> None:
    for ch in text:
        await pilot.press(ch if ch != " " else "space")


async def test_settle_with_the_keys_then_resume(tmp_path_factory, tmp_path):
    root, doc, segs = two_coders(tmp_path_factory, tmp_path)
    app = reconcile_app(root)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        screen, work = parts(app)
        assert [i.segment_id for i in work.items] == segs[3:8]
        assert work.items[0].codes == {"ana": [GOV], "ben": [CULT]}
        assert work.items[0].memos == {"ana": "governance: the lawyers",
                                       "ben": "this is about trust"}
        assert "0 of 5 settled, 5 remain" in str(screen.query_one("#status").render())
        await pilot.press("a")  # segment 3: ana's
        await pilot.press("b")  # segment 4: ben's (none)
        await pilot.press("x")  # segment 5: neither
        assert screen.pos == 3
        await pilot.press("m")  # a note before the decision: kept, saved with it
        await settle(app, pilot)
        await type_text(pilot, "both named")
        await pilot.press("ctrl+s")
        await pilot.press("e")  # segment 6: edit, toggling two codes in
        await settle(app, pilot)
        await type_text(pilot, "culture")
        await pilot.press("enter")
        await settle(app, pilot)
        await type_text(pilot, "information governance")
        await pilot.press("enter")
        await settle(app, pilot)
        await pilot.press("escape")
        await settle(app, pilot)
        await pilot.press("y")
        await settle(app, pilot)
        assert screen.pos == 4  # moved on to the last undecided one
        await pilot.press("k", "k", "u")  # segment 5: its decision undone
        await settle(app, pilot)
        assert "3 of 5 settled, 2 remain" in str(screen.query_one("#status").render())
        await pilot.press("ctrl+q")
    with qk.open_project(root) as p:
        got = p.codings(coder="consensus")
        assert sorted(zip(got["segment_id"], got["code_id"])) == sorted(
            [(segs[3], GOV), (segs[6], CULT), (segs[6], GOV)])
        queue = p.reconcile_queue(["ana", "ben"]).set_index("segment_id")
        assert list(queue["decided"]) == [True, True, False, True, False]
        assert list(queue["choice"]) == ["ana", "ben", "", "edit", ""]
        assert queue.loc[segs[6], "note"] == "both named"
    app = reconcile_app(root)  # a restart resumes at the first undecided segment
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        screen, work = parts(app)
        assert screen.pos == 2 and work.items[2].segment_id == segs[5]
        assert "3 of 5 settled, 2 remain" in str(screen.query_one("#status").render())
        await pilot.press("n")
        assert work.items[screen.pos].segment_id == segs[7]
        await pilot.press("o")  # both: the union (ben's only code here)
        await settle(app, pilot)
        assert work.items[4].settled == [CULT] and work.items[4].choice == "both"


async def test_note_on_a_settled_segment_and_help(tmp_path_factory, tmp_path):
    root, doc, segs = two_coders(tmp_path_factory, tmp_path)
    app = reconcile_app(root)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        screen, work = parts(app)
        await pilot.press("a", "k", "m")
        await settle(app, pilot)
        await type_text(pilot, "agreed at the meeting")
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        await pilot.press("question_mark")
        await settle(app, pilot)
        titles = [t for t, _ in app.screen.sources]  # the help lists this screen's keys
        keys = {b.key for b in app.screen.sources[0][1]}
        assert titles == ["Reconcile screen", "Everywhere"] and {"a", "e", "u"} <= keys
    with qk.open_project(root) as p:
        queue = p.reconcile_queue(["ana", "ben"]).set_index("segment_id")
        assert queue.loc[segs[3], "note"] == "agreed at the meeting"
        assert queue.loc[segs[3], "choice"] == "ana"


def test_clear_messages_before_the_app_opens(tmp_path_factory, tmp_path, monkeypatch):
    root, doc, segs = two_coders(tmp_path_factory, tmp_path)
    opened = []
    monkeypatch.setattr(QualkitApp, "run", lambda self: opened.append(self) or "")
    for args, message in [(["--coders", "ana"], "two coders or more"),
                          (["--coders", "ana", "--coders", "zed"], "unknown coder 'zed'"),
                          (["--coders", "ana", "--coders", "ben", "--into", "ben"],
                           "is one of the coders")]:
        res = runner.invoke(cli, ["-C", str(root), "reconcile", *args])
        assert res.exit_code == 2 and message in " ".join(res.output.split()), res.output
    with qk.open_project(root) as p:
        p.code(segs[0], CULT, coder="cat")  # cat finished nothing
    res = runner.invoke(cli, ["-C", str(root), "reconcile", "--coders", "ana",
                              "--coders", "cat"])
    assert res.exit_code == 2 and "no document marked done by all of" in res.output
    assert opened == []
    res = runner.invoke(cli, ["-C", str(root), "reconcile", "--coders", "ana",
                              "--coders", "ben"])
    assert res.exit_code == 0 and "0 of 5 disagreements settled" in res.output, res.output
    assert opened[0].reconcile["coders"] == ["ana", "ben"]


def test_nothing_to_reconcile(tmp_path_factory, tmp_path):
    root = ingested_sample(tmp_path_factory, tmp_path)
    with qk.open_project(root) as p:
        doc = p.documents()["document"].iloc[0]
        sid = p.segments(document=doc)["segment_id"].iloc[0]
        for coder in ("ana", "ben"):
            p.code(sid, GOV, coder=coder)
            p.mark_done(doc, coder=coder)
        assert Reconcile(p, ["ana", "ben"]).load().items == []
    res = runner.invoke(cli, ["-C", str(root), "reconcile", "--coders", "ana",
                              "--coders", "ben"])
    assert res.exit_code == 0 and NOTHING in " ".join(res.output.split())


async def test_three_coders_take_the_first_two_by_letter(tmp_path_factory, tmp_path):
    root, doc, segs = two_coders(tmp_path_factory, tmp_path)
    with qk.open_project(root) as p:
        for sid in segs[:3]:  # cat agrees with both on segments 0-2
            p.code(sid, GOV, coder="cat")
        p.code(segs[3], CULT, coder="cat")
        p.mark_done(doc, coder="cat")
    app = make_app(root, mode="reconcile", coders=["ana", "ben", "cat"], into="team")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        screen, work = parts(app)
        assert work.items[0].segment_id == segs[3] and len(screen.query(".coder")) == 3
        await pilot.press("b")
        await settle(app, pilot)
    with qk.open_project(root) as p:
        assert list(p.codings(coder="team")["code_id"]) == [CULT]


SIZES = [(120, 40), (80, 24)]


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_reconcile_screen(snap_compare, tmp_path_factory, tmp_path, size):
    root, doc, segs = two_coders(tmp_path_factory, tmp_path)

    async def run_before(pilot):
        await settle(pilot.app, pilot)
        await pilot.press("a")
        await settle(pilot.app, pilot)
        await pilot.press("k")
        await settle(pilot.app, pilot)

    assert snap_compare(reconcile_app(root), terminal_size=size, run_before=run_before)


async def test_edit_lists_the_coders_codes_first_saying_who_applied_them(tmp_path_factory,
                                                                        tmp_path):
    from textual.widgets import OptionList

    root, doc, segs = two_coders(tmp_path_factory, tmp_path)
    app = reconcile_app(root)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("e")  # segment 3: ana applied GOV, ben CULT
        await settle(app, pilot)
        options = app.screen.query_one(OptionList)
        first = [str(options.get_option_at_index(i).prompt) for i in range(2)]
        assert any("(ana)" in o for o in first) and any("(ben)" in o for o in first)
        await pilot.press("escape")
        await pilot.press("ctrl+q")
