"""The coding screen driven with Textual's pilot: every binding that changes data, checked in
the store afterwards (read by a separate Project, as another process would)."""
from __future__ import annotations

import pytest

import qualkit as qk
from qualkit.tui.app import make_app
from qualkit.tui.screens.coding import CodingScreen
from qualkit.tui.widgets.segment_list import SegmentList

from tui_support import codings, ingested_sample, settle

CULTURE = "barrier.culture"


@pytest.fixture
def root(tmp_path_factory, tmp_path):
    return ingested_sample(tmp_path_factory, tmp_path)


def parts(app):
    screen = app.screen
    assert isinstance(screen, CodingScreen)
    return screen, screen.query_one(SegmentList), app.session


async def type_text(pilot, text: str) -> None:
    for ch in text:
        await pilot.press(ch if ch != " " else "space")


async def test_opens_on_the_first_uncoded_segment_and_1_applies_the_top_suggestion(root):
    app = make_app(root, coder="ana")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        screen, sl, s = parts(app)
        assert len(s.ids) == 1118 and sl.rows == 1118
        first = s.view[sl.cursor]
        top = screen.current_suggestions()[0].code_id
        await pilot.press("1")
        await settle(app, pilot)
        assert codings(root, "ana") == [(s.ids[first], top)]
        assert s.view[sl.cursor] != first and not s.applied[s.view[sl.cursor]]
    with qk.open_project(root) as p:
        assert list(p.codings("ana")["source"]) == ["suggestion"]


async def test_arrows_j_k_and_n_move(root):
    app = make_app(root, coder="ana")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        _, sl, s = parts(app)
        await pilot.press("j", "j", "down", "k")
        assert sl.cursor == 2
        s.applied[s.view[3]] = frozenset({"x"})  # pretend row 3 is coded: n skips it
        await pilot.press("n")
        assert sl.cursor == 4


async def test_a_selected_range_is_coded_together_and_undone_in_one_step(root):
    app = make_app(root, coder="ana")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        _, sl, s = parts(app)
        start = next(p for p in range(sl.rows - 2) if s.turn[s.view[p]] == s.turn[s.view[p + 2]])
        sl.go(start)
        await pilot.press("J", "J", "c")
        await type_text(pilot, "silos")
        await pilot.press("enter")
        await settle(app, pilot)
        rows = [s.ids[s.view[p]] for p in range(start, start + 3)]
        assert codings(root, "ana") == sorted((r, CULTURE) for r in rows)
        await pilot.press("u")
        await settle(app, pilot)
        assert codings(root, "ana") == []
        await pilot.press("ctrl+r")
        await settle(app, pilot)
        assert codings(root, "ana") == sorted((r, CULTURE) for r in rows)


async def test_dot_repeats_the_last_code_and_moves_on(root):
    app = make_app(root, coder="ana")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        _, sl, s = parts(app)
        first = s.ids[s.view[sl.cursor]]
        await pilot.press("c")
        await type_text(pilot, "qualty")  # a typo still finds data quality
        await pilot.press("enter", "j", "full_stop")
        await settle(app, pilot)
        second = s.ids[s.view[sl.cursor - 1]]
        assert codings(root, "ana") == sorted([(first, "barrier.data_digital.quality"),
                                               (second, "barrier.data_digital.quality")])
        assert not s.applied[s.view[sl.cursor]]  # moved on to the next uncoded


async def test_2_applies_the_second_suggestion_and_K_extends_upwards(root):
    app = make_app(root, coder="ana")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        screen, sl, s = parts(app)
        row = s.view[sl.cursor]
        second = screen.current_suggestions()[1].code_id
        await pilot.press("2")
        await settle(app, pilot)
        assert codings(root, "ana") == [(s.ids[row], second)]
        end = next(p for p in range(2, sl.rows) if s.turn[s.view[p]] == s.turn[s.view[p - 1]]
                   and not s.applied[s.view[p]] and not s.applied[s.view[p - 1]])
        sl.go(end)
        await pilot.press("K", "c")
        await type_text(pilot, "silos")
        await pilot.press("enter")
        await settle(app, pilot)
        assert (s.ids[s.view[end - 1]], CULTURE) in codings(root, "ana")
        assert (s.ids[s.view[end]], CULTURE) in codings(root, "ana")


async def test_a_selection_stays_in_one_turn(root):
    app = make_app(root, coder="ana")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        _, sl, s = parts(app)
        end = next(p for p in range(sl.rows - 1) if s.turn[s.view[p]] != s.turn[s.view[p + 1]])
        sl.go(end)
        await pilot.press("J")
        assert sl.cursor == end and sl.anchor is None


async def test_undo_and_redo_survive_a_restart(root):
    app = make_app(root, coder="ana")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("1")
        await settle(app, pilot)
        await pilot.press("1")
        await settle(app, pilot)
    assert len(codings(root, "ana")) == 2
    app = make_app(root, coder="ana")  # a new session on the same store
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("u")
        await settle(app, pilot)
        assert len(codings(root, "ana")) == 1
        assert app.session.coded == 1
    app = make_app(root, coder="ana")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("ctrl+r")
        await settle(app, pilot)
        assert len(codings(root, "ana")) == 2


async def test_enter_in_the_tree_toggles_a_code_with_counts(root):
    app = make_app(root, coder="ana")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        screen, sl, s = parts(app)
        row = s.view[sl.cursor]
        await pilot.press("tab")  # to the tree: first node is the top "barrier" code
        await pilot.press("enter")
        await settle(app, pilot)
        assert codings(root, "ana") == [(s.ids[row], "barrier")]
        assert s.counts["barrier"] == 1
        await pilot.press("enter")  # again: takes it off
        await settle(app, pilot)
        assert codings(root, "ana") == [] and s.counts["barrier"] == 0


async def test_memos_on_a_segment_and_on_a_code(root):
    app = make_app(root, coder="ana")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        _, sl, s = parts(app)
        sid = s.ids[s.view[sl.cursor]]
        await pilot.press("m")
        await type_text(pilot, "check [this] later")
        await pilot.press("ctrl+s")
        await pilot.press("M")
        await type_text(pilot, "silos")
        await pilot.press("enter")
        await type_text(pilot, "too broad")
        await pilot.press("ctrl+s")
        await settle(app, pilot)
    with qk.open_project(root) as p:
        assert p.memo("segment", sid, coder="ana") == "check [this] later"
        assert p.memo("code", CULTURE, coder="ana") == "too broad"


async def test_a_memo_is_saved_as_it_is_typed_and_escape_puts_the_old_text_back(root):
    from textual.widgets import Static

    app = make_app(root, coder="ana")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        _, sl, s = parts(app)
        row = s.view[sl.cursor]
        sid = s.ids[row]
        await pilot.press("m")
        shown = str(app.screen.query_one("#about", Static).render())
        assert " ".join(s.texts[row].split())[:40] in shown  # what the memo is about
        await type_text(pilot, "first")
        await pilot.press("ctrl+s")
        await pilot.press("m")
        await type_text(pilot, " draft")
        with qk.open_project(root) as p:  # saved before any ctrl+s: the app may die now
            assert p.memo("segment", sid, coder="ana") == "first draft"
        await pilot.press("escape")
        await settle(app, pilot)
        with qk.open_project(root) as p:
            assert p.memo("segment", sid, coder="ana") == "first"
        await pilot.press("m")
        await type_text(pilot, " kept")
        app.exit()  # quit with the dialog open
    with qk.open_project(root) as p:
        assert p.memo("segment", sid, coder="ana") == "first kept"


async def test_search_filter_and_escape(root):
    app = make_app(root, coder="ana")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        _, sl, s = parts(app)
        await pilot.press("slash")
        await type_text(pilot, "dashboard")
        await pilot.press("enter")
        await settle(app, pilot)
        assert 0 < sl.rows < 1118
        assert all("dashboard" in s.texts[r].lower() for r in s.view)
        await pilot.press("escape")
        assert sl.rows == 1118
        await pilot.press("f")
        await type_text(pilot, "speaker:P1 uncoded")
        await pilot.press("enter")
        await settle(app, pilot)
        assert sl.rows and all(s.speakers[r] == "P1" and not s.applied[r] for r in s.view)
        await pilot.press("f", "ctrl+u")  # clear the line: a bad term is refused in place
        await type_text(pilot, "nonsense")
        await pilot.press("enter")
        await settle(app, pilot)
        assert "not a filter term" in str(app.screen.query_one("#error").render())


async def test_filter_by_suggested_score_runs_in_a_worker(root):
    app = make_app(root, coder="ana")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        _, sl, s = parts(app)
        await pilot.press("f")
        await type_text(pilot, "suggested:barrier.information_governance>0.4")
        await pilot.press("enter")
        await settle(app, pilot)
        screen = app.screen
        assert 0 < sl.rows < 1118
        assert all(screen.filter.scores[s.ids[r]] >= 0.4 for r in s.view)


async def test_d_marks_the_document_done_and_back(root):
    app = make_app(root, coder="ana")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        _, sl, s = parts(app)
        doc = s.docs[s.view[sl.cursor]]
        await pilot.press("d")
        with qk.open_project(root) as p:
            assert p.done_documents("ana") == [doc]
        await pilot.press("d")
        with qk.open_project(root) as p:
            assert p.done_documents("ana") == []


async def test_help_lists_every_binding(root):
    import io

    from rich.console import Console

    from qualkit.tui.screens.help import HelpScreen, bindings_table

    app = make_app(root, coder="ana")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        console = Console(file=io.StringIO(), width=120)
        console.print(bindings_table(app.screen.sources))
        text = console.file.getvalue()
        for b in CodingScreen.BINDINGS + SegmentList.BINDINGS:
            assert b.description in text
        for key in ("ctrl+r", "J, shift+down", "/", "?"):
            assert key in text
        await pilot.press("escape")
        assert isinstance(app.screen, CodingScreen)


async def test_transcript_text_is_shown_as_written_not_as_markup(root):
    app = make_app(root, coder="ana", document="northmere")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        _, sl, s = parts(app)
        row = next(r for r in s.view if "[laughs]" in s.texts[r])
        sl.go(s.view.index(row))
        await settle(app, pilot)
        assert "[laughs]" in app.export_screenshot()


async def test_doc_option_filters_to_one_document(root):
    app = make_app(root, coder="ana", document="northmere")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        _, sl, s = parts(app)
        assert {s.docs[r] for r in s.view} == {"interview-01-northmere.txt"}
