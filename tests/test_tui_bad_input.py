"""Bad input gets a usable screen with a clear message, never a traceback: a project with no
segments, no codeframe, a codeframe broken on disk, a code deleted from the YAML while coded,
an 80×24 terminal; and the coder is asked for once, then remembered."""
from __future__ import annotations

import re

import pytest

import qualkit as qk
from qualkit.tui.app import make_app
from qualkit.tui.screens.coding import CodingScreen
from qualkit.tui.widgets.code_tree import RETIRED, CodeTree
from qualkit.tui.widgets.segment_list import SegmentList

from conftest import write
from tui_support import codings, ingested_sample, settle


def problems_text(app) -> str:
    box = app.screen.query_one("#problems")
    return str(box.render()) if box.display else ""


async def press_everything(pilot) -> None:
    """Every data-changing key on a screen that cannot code: none may crash the app."""
    for key in ("1", "n", "j", "J", "u", "ctrl+r", "d", "escape"):
        await pilot.press(key)
    await pilot.pause()


async def test_a_project_with_no_segments_says_what_to_do(tmp_path):
    p = qk.init_project(tmp_path / "empty")
    app = make_app(p.root, coder="ana")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        assert "no segments yet" in problems_text(app) and "qualkit ingest" in problems_text(app)
        await press_everything(pilot)
        assert isinstance(app.screen, CodingScreen)


@pytest.fixture
def root(tmp_path_factory, tmp_path):
    return ingested_sample(tmp_path_factory, tmp_path)


async def test_no_codeframe_file_shows_the_segments_and_the_reason(root):
    (root / "codeframes" / "data-linkage.yaml").unlink()
    app = make_app(root, coder="ana")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        assert "codeframe" in problems_text(app) and "not found" in problems_text(app)
        assert app.screen.query_one(SegmentList).rows == 1118
        assert "until the codeframe loads" in str(app.screen.query_one("#suggestions").render())
        await press_everything(pilot)
        await pilot.press("c")
        await pilot.pause()
        assert isinstance(app.screen, CodingScreen)  # no picker without codes
    assert codings(root, "ana") == []


async def test_a_broken_codeframe_names_the_file_and_line(root):
    path = root / "codeframes" / "data-linkage.yaml"
    write(path, "name: x\ncodes:\n  - id: a\n    name: [unclosed\n")
    app = make_app(root, coder="ana")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        text = problems_text(app)
        assert "Codeframe problem" in text and re.search(r"data-linkage\.yaml:\d+: YAML", text)
        await press_everything(pilot)


async def test_a_code_deleted_from_the_yaml_while_coded_is_shown_apart_and_kept(root):
    with qk.open_project(root) as p:
        sid = p.segments()["segment_id"].iloc[5]
        p.code(sid, "barrier.culture", coder="ana")
        path = p.codeframe_path
        text = path.read_text(encoding="utf-8")
        start = text.index("  - id: barrier.culture")
        end = text.index("  - id: barrier.resources")
        path.write_text(text[:start] + text[end:], encoding="utf-8")
    app = make_app(root, coder="ana")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        tree = app.screen.query_one(CodeTree)
        node = tree.nodes_by_code["barrier.culture"]
        assert str(node.parent.label) == RETIRED
        assert any("barrier.culture" in n.message for n in app._notifications)
    assert codings(root, "ana") == [(sid, "barrier.culture")]


async def test_80_by_24_is_usable(root):
    app = make_app(root, coder="ana")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        sl = app.screen.query_one(SegmentList)
        assert sl.size.height >= 8 and sl.size.width >= 40
        await pilot.press("1")
        await settle(app, pilot)
    assert len(codings(root, "ana")) == 1


async def test_the_coder_is_asked_once_and_remembered(root):
    app = make_app(root)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        for ch in "ana":
            await pilot.press(ch)
        await pilot.press("enter")
        await settle(app, pilot)
        assert isinstance(app.screen, CodingScreen) and app.coder == "ana"
    assert make_app(root).coder == "ana"
    assert "ana" not in (root / "qualkit.yaml").read_text(encoding="utf-8")
