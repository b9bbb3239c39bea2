"""Pictures of the main screens on the sample project at 120×40 and 80×24
(pytest-textual-snapshot). A change in layout shows up here as an SVG diff; accept a wanted
change with ``--snapshot-update`` after looking at it."""
from __future__ import annotations

import pytest

from qualkit.tui.app import make_app

from tui_support import ingested_sample, settle

SIZES = [(120, 40), (80, 24)]


@pytest.fixture
def root(tmp_path_factory, tmp_path):
    return ingested_sample(tmp_path_factory, tmp_path, themes=True)


def app_on(root, document=None):
    app = make_app(root, coder="ana", document=document)
    run_of = app.project.theme_run

    def fixed_time(run_id=None):  # the stored run's start time would change every day
        run = run_of(run_id)
        run.started = "2026-01-01T09:00:00+00:00"
        return run

    app.project.theme_run = fixed_time
    return app


async def ready(pilot, keys=()):
    await settle(pilot.app, pilot)
    for key in keys:
        await pilot.press(key)
        await settle(pilot.app, pilot)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_coding_screen(snap_compare, root, size):
    async def run_before(pilot):
        await ready(pilot, ["j", "j", "j", "J"])  # a cursor and a selection of two

    assert snap_compare(app_on(root, "northmere"), terminal_size=size, run_before=run_before)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_themes_screen(snap_compare, root, size):
    async def run_before(pilot):
        await ready(pilot, ["t", "down"])

    assert snap_compare(app_on(root), terminal_size=size, run_before=run_before)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_codeframe_screen(snap_compare, root, size):
    async def run_before(pilot):
        await ready(pilot, ["e", "down", "down"])

    assert snap_compare(app_on(root), terminal_size=size, run_before=run_before)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_documents_screen(snap_compare, root, size):
    import qualkit as qk

    with qk.open_project(root) as p:  # some progress to show: a few codings, one done mark
        ids = list(p.segments(document="interview-01-northmere.txt")["segment_id"])[:20]
        p.code_segments(ids, "barrier.culture", coder="ana")
        p.mark_done("ashby-vale-council.txt", coder="ana")

    async def run_before(pilot):
        await ready(pilot, ["g", "down", "down"])

    assert snap_compare(app_on(root), terminal_size=size, run_before=run_before)
