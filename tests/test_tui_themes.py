"""The themes screen: a theme's segments coded one by one, or all at once after a
confirmation that says how many (one undo step)."""
from __future__ import annotations

import pytest

import qualkit as qk
from qualkit.tui.app import make_app
from qualkit.tui.dialogs.confirm import Confirm
from qualkit.tui.screens.coding import CodingScreen
from qualkit.tui.screens.themes import ThemesScreen
from qualkit.tui.widgets.segment_list import SegmentList

from tui_support import codings, ingested_sample, settle

CULTURE = "barrier.culture"


@pytest.fixture
def root(tmp_path_factory, tmp_path):
    return ingested_sample(tmp_path_factory, tmp_path, themes=True)


def theme_members(root, theme_id: int) -> list[str]:
    with qk.open_project(root) as p:
        m = p.theme_members()
        return sorted(m.loc[m["theme_id"] == theme_id, "segment_id"])


async def open_themes(app, pilot):
    await settle(app, pilot)
    await pilot.press("t")
    await settle(app, pilot)
    assert isinstance(app.screen, ThemesScreen)


async def test_apply_a_code_to_a_whole_theme_after_confirming_then_undo(root):
    app = make_app(root, coder="ana")
    async with app.run_test(size=(120, 40)) as pilot:
        await open_themes(app, pilot)
        await pilot.press("down")  # theme #1
        await settle(app, pilot)
        members = theme_members(root, 1)
        await pilot.press("a")
        for ch in "silos":
            await pilot.press(ch)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, Confirm)
        assert f"to {len(members)} segments of theme #1" in app.screen.question
        await pilot.press("y")
        await settle(app, pilot)
        assert codings(root, "ana") == sorted((sid, CULTURE) for sid in members)
        with qk.open_project(root) as p:
            assert set(p.codings("ana")["source"]) == {"theme"}
        await pilot.press("u")
        await settle(app, pilot)
        assert codings(root, "ana") == []
        await pilot.press("escape")
        await settle(app, pilot)
        assert isinstance(app.screen, CodingScreen) and app.session.coded == 0


async def test_declining_the_confirmation_changes_nothing(root):
    app = make_app(root, coder="ana")
    async with app.run_test(size=(120, 40)) as pilot:
        await open_themes(app, pilot)
        await pilot.press("a", "s", "i", "l", "o", "s", "enter")
        await pilot.pause()
        await pilot.press("n")
        await settle(app, pilot)
    assert codings(root, "ana") == []


async def test_step_through_a_theme_coding_each_segment(root):
    app = make_app(root, coder="ana")
    async with app.run_test(size=(120, 40)) as pilot:
        await open_themes(app, pilot)
        sl = app.screen.query_one(SegmentList)
        first, second = (app.session.ids[r] for r in sl.view[:2])
        await pilot.press("tab")
        await pilot.press("c", "s", "i", "l", "o", "s", "enter")
        await settle(app, pilot)
        assert sl.cursor == 1
        await pilot.press("c", "q", "u", "a", "l", "i", "t", "y", "enter")
        await settle(app, pilot)
        assert codings(root, "ana") == sorted([(first, CULTURE),
                                               (second, "barrier.data_digital.quality")])
        await pilot.press("escape")
        await settle(app, pilot)
        assert app.session.coded == 2  # the coding screen sees what the themes screen did


async def test_no_themes_run_says_how_to_get_one(tmp_path_factory, tmp_path):
    root = ingested_sample(tmp_path_factory, tmp_path)
    app = make_app(root, coder="ana")
    async with app.run_test(size=(80, 24)) as pilot:
        await open_themes(app, pilot)
        assert "No candidate themes yet" in str(app.screen.query_one("#run").render())
        await pilot.press("a", "c", "u")
        await pilot.pause()
        assert isinstance(app.screen, ThemesScreen)


async def test_r_fits_a_new_run_in_a_worker_and_shows_it(root):
    with qk.open_project(root) as p:
        before = p.theme_run_ids()
    app = make_app(root, coder="ana")
    async with app.run_test(size=(120, 40)) as pilot:
        await open_themes(app, pilot)
        await pilot.press("r")
        await settle(app, pilot)
        with qk.open_project(root) as p:
            after = p.theme_run_ids()
        assert len(after) == len(before) + 1
        assert app.screen.run.run_id == after[0]
        await pilot.press("left_square_bracket")
        await settle(app, pilot)
        assert app.screen.run.run_id == before[0]
