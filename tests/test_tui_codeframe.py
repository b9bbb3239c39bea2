"""The codeframe screen: each edit is checked in the YAML file re-read from disk (comments
kept) and in the store; merge and delete ask first, and undo brings codings back."""
from __future__ import annotations

import pytest

import qualkit as qk
from qualkit.codeframe import load_codeframe
from qualkit.tui.app import make_app
from qualkit.tui.dialogs.confirm import Confirm
from qualkit.tui.screens.codeframe import CodeframeScreen
from qualkit.tui.widgets.code_tree import CodeTree

from tui_support import codings, ingested_sample, settle

CULTURE, IG = "barrier.culture", "barrier.information_governance"


@pytest.fixture
def root(tmp_path_factory, tmp_path):
    return ingested_sample(tmp_path_factory, tmp_path)


def frame(root):
    return load_codeframe(root / "codeframes" / "data-linkage.yaml")


def comment_lines(root) -> list[str]:
    text = (root / "codeframes" / "data-linkage.yaml").read_text(encoding="utf-8")
    return [line for line in text.splitlines() if line.lstrip().startswith("#")]


async def typed(pilot, text: str) -> None:
    for ch in text:
        await pilot.press(ch if ch != " " else "space")


async def open_codeframe(app, pilot, code: str):
    await settle(app, pilot)
    await pilot.press("e")
    await settle(app, pilot)
    assert isinstance(app.screen, CodeframeScreen)
    app.screen.query_one(CodeTree).select_code(code)
    await pilot.pause()
    assert app.screen.code_id == code


async def test_add_rename_and_reparent_write_the_yaml_keeping_comments(root):
    comments = comment_lines(root)
    app = make_app(root, coder="ana")
    async with app.run_test(size=(120, 40)) as pilot:
        await open_codeframe(app, pilot, "barrier")
        await pilot.press("a")
        await typed(pilot, "Data not trusted")
        await pilot.press("enter")
        await pilot.pause()
        await pilot.press("enter")  # the proposed id
        await settle(app, pilot)
        assert frame(root).get("barrier.data_not_trusted").parent == "barrier"
        app.screen.query_one(CodeTree).select_code("barrier.data_not_trusted")
        await pilot.pause()
        await pilot.press("r", "ctrl+u")
        await typed(pilot, "Nobody trusts the data")
        await pilot.press("enter")
        await settle(app, pilot)
        await pilot.press("p")
        await typed(pilot, "technical")
        await pilot.press("enter")
        await settle(app, pilot)
        code = frame(root).get("barrier.data_not_trusted")
        assert (code.name, code.parent) == ("Nobody trusts the data", "barrier.data_digital")
        assert comment_lines(root) == comments
        assert "barrier.data_not_trusted" in app.session.frame.ids


async def test_merge_asks_then_moves_codings_and_undo_restores(root):
    with qk.open_project(root) as p:
        ids = list(p.segments()["segment_id"][:3])
        p.code_segments(ids, CULTURE, coder="ana")
        p.code_segments(ids[:1], CULTURE, coder="ben")
    app = make_app(root, coder="ana")
    async with app.run_test(size=(120, 40)) as pilot:
        await open_codeframe(app, pilot, CULTURE)
        await pilot.press("m")
        await typed(pilot, "governance")
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, Confirm)
        assert "4 codings (ana 3, ben 1)" in app.screen.question
        await pilot.press("y")
        await settle(app, pilot)
        assert CULTURE not in frame(root).ids
        assert codings(root, "ana") == sorted((s, IG) for s in ids)
        assert codings(root, "ben") == [(ids[0], IG)]
        await pilot.press("u")
        await settle(app, pilot)
        assert CULTURE in frame(root).ids
        assert codings(root, "ana") == sorted((s, CULTURE) for s in ids)
        assert codings(root, "ben") == [(ids[0], CULTURE)]


async def test_delete_only_after_confirming_and_undo_brings_codings_back(root):
    with qk.open_project(root) as p:
        ids = list(p.segments()["segment_id"][:2])
        p.code_segments(ids, CULTURE, coder="ana")
    app = make_app(root, coder="ana")
    async with app.run_test(size=(120, 40)) as pilot:
        await open_codeframe(app, pilot, CULTURE)
        await pilot.press("x")
        await pilot.pause()
        assert "Its 2 codings (ana 2) are removed too" in app.screen.question
        await pilot.press("n")
        await settle(app, pilot)
        assert CULTURE in frame(root).ids and len(codings(root, "ana")) == 2
        await pilot.press("x")
        await pilot.pause()
        await pilot.press("y")
        await settle(app, pilot)
        assert CULTURE not in frame(root).ids and codings(root, "ana") == []
        await pilot.press("u")
        await settle(app, pilot)
        assert CULTURE in frame(root).ids
        assert codings(root, "ana") == sorted((s, CULTURE) for s in ids)
        await pilot.press("ctrl+r")
        await settle(app, pilot)
        assert CULTURE not in frame(root).ids and codings(root, "ana") == []


async def test_a_refused_edit_is_one_message_and_changes_nothing(root):
    before = (root / "codeframes" / "data-linkage.yaml").read_text(encoding="utf-8")
    app = make_app(root, coder="ana")
    async with app.run_test(size=(80, 24)) as pilot:
        await open_codeframe(app, pilot, "barrier.health_data")
        await pilot.press("x")
        await pilot.pause()
        await pilot.press("y")
        await settle(app, pilot)
        assert any("has sub-codes" in n.message for n in app._notifications)
    assert (root / "codeframes" / "data-linkage.yaml").read_text(encoding="utf-8") == before


async def test_capital_a_adds_a_top_level_code_and_undo_removes_it(root):
    app = make_app(root, coder="ana")
    async with app.run_test(size=(120, 40)) as pilot:
        await open_codeframe(app, pilot, "barrier")
        await pilot.press("A")
        await typed(pilot, "Context")
        await pilot.press("enter")
        await pilot.pause()
        await pilot.press("enter")
        await settle(app, pilot)
        assert frame(root).get("context").parent is None
        assert frame(root).ids[-1] == "context"  # at the end of the file
        await pilot.press("u")
        await settle(app, pilot)
        assert "context" not in frame(root).ids
