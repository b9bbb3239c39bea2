"""The documents screen (``g``): every document with this coder's progress, checked against the
store (read by a separate Project); ``d`` marks done in the store at once; Enter comes back to
the coding screen filtered to the document, on its first uncoded segment; Escape changes
nothing; a redacted session shows no real document name."""
from __future__ import annotations

from collections import Counter

import pytest
from textual.widgets import DataTable

import qualkit as qk
from qualkit.tui.app import make_app
from qualkit.tui.doc_table import attribute_columns, natural_key
from qualkit.tui.screens.coding import CodingScreen
from qualkit.tui.screens.documents import DocumentsScreen
from qualkit.tui.widgets.segment_list import SegmentList

from tui_support import ingested_sample, settle

CULTURE = "barrier.culture"
TANNER = "interview-02-tannerbridge.txt"
ASHBY = "ashby-vale-council.txt"


@pytest.fixture
def root(tmp_path_factory, tmp_path):
    """The sample with ana's codings on the first three segments of Tannerbridge and on the
    fifth (so its first uncoded segment is the fourth), and on every segment of Ashby Vale."""
    root = ingested_sample(tmp_path_factory, tmp_path)
    with qk.open_project(root) as p:
        tanner = list(p.segments(document=TANNER)["segment_id"])
        ashby = list(p.segments(document=ASHBY)["segment_id"])
        p.code_segments(tanner[:3] + [tanner[4]] + ashby, CULTURE, coder="ana")
    return root


def store_counts(root):
    """Per document (stored name): segments, segments ana coded, done by ana; kinds."""
    with qk.open_project(root) as p:
        segs = p.segments()
        docs = p.documents()
        coded = p.codings("ana").drop_duplicates("segment_id")
        done = set(p.done_documents("ana"))
    total = Counter(segs["document"])
    n_coded = Counter(coded["document"])
    return {d: (total.get(d, 0), n_coded.get(d, 0), d in done, k)
            for d, k in zip(docs["document"], docs["kind"])}


async def open_documents(app, pilot):
    await settle(app, pilot)
    await pilot.press("g")
    await settle(app, pilot)
    assert isinstance(app.screen, DocumentsScreen)
    return app.screen, app.screen.query_one(DataTable)


async def go_to(pilot, table, label):
    table.move_cursor(row=table.get_row_index(label), animate=False)
    await pilot.pause()


async def test_rows_and_counts_match_the_store(root):
    want = store_counts(root)
    app = make_app(root, coder="ana")
    async with app.run_test(size=(120, 40)) as pilot:
        screen, table = await open_documents(app, pilot)
        got = {r.label: (r.segments, r.coded, r.done, r.kind) for r in screen.rows}
        assert got == want
        assert [r.label for r in screen.rows] == sorted(want, key=natural_key)
        assert table.row_count == len(want)
        row = [str(c).strip() for c in table.get_row(TANNER)]
        assert row[:5] == [TANNER, "transcript", str(want[TANNER][0]),
                           f"4 {4 / want[TANNER][0]:4.0%}", ""]
        total, coded = sum(v[0] for v in want.values()), 4 + want[ASHBY][0]
        assert 0 < coded / total < 0.01  # shown as "<1%", not "0%"
        assert str(screen.query_one("#summary").render()) == (
            f"ana: 0/{len(want)} documents done │ {coded}/{total} segments coded (<1%)")


async def test_d_marks_done_in_the_store_and_back(root):
    app = make_app(root, coder="ana")
    async with app.run_test(size=(120, 40)) as pilot:
        screen, table = await open_documents(app, pilot)
        await go_to(pilot, table, TANNER)
        await pilot.press("d")
        await pilot.pause()
        with qk.open_project(root) as p:
            assert p.done_documents("ana") == [TANNER]
        assert str(table.get_row(TANNER)[4]).strip() == "✓"
        assert "1/19 documents done" in str(screen.query_one("#summary").render())
        await pilot.press("d")
        await pilot.pause()
        with qk.open_project(root) as p:
            assert p.done_documents("ana") == []


async def test_enter_filters_the_coding_screen_to_the_document_on_its_first_uncoded(root):
    app = make_app(root, coder="ana")
    async with app.run_test(size=(120, 40)) as pilot:
        screen, table = await open_documents(app, pilot)
        await go_to(pilot, table, TANNER)
        await pilot.press("enter")
        await settle(app, pilot)
        coding, s = app.screen, app.session
        assert isinstance(coding, CodingScreen)
        assert coding.filter.terms == [("doc", TANNER)]
        with qk.open_project(root) as p:
            tanner = list(p.segments(document=TANNER)["segment_id"])
        assert [s.ids[r] for r in s.view] == tanner
        assert s.ids[coding.current_row] == tanner[3]  # 0-2 and 4 are coded


async def test_a_whole_name_picks_that_document_alone(root):
    """Redacted names are "Document 1", "Document 10"...: Enter on "Document 1" must not
    also show Document 10 to 19 (``doc:`` matches part of a name otherwise)."""
    app = make_app(root, coder="ana", redact=True)
    async with app.run_test(size=(120, 40)) as pilot:
        screen, table = await open_documents(app, pilot)
        assert {"Document 1", "Document 10"} <= {r.label for r in screen.rows}
        await go_to(pilot, table, "Document 1")
        await pilot.press("enter")
        await settle(app, pilot)
        s = app.session
        assert isinstance(app.screen, CodingScreen)
        assert {s.docs[r] for r in s.view} == {"Document 1"}


async def test_escape_returns_unchanged(root):
    app = make_app(root, coder="ana", document="northmere")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        coding, sl = app.screen, app.screen.query_one(SegmentList)
        await pilot.press("j", "j")
        await settle(app, pilot)
        before = (coding.filter.terms, list(app.session.view), sl.cursor)
        await open_documents(app, pilot)
        await pilot.press("down", "down", "escape")
        await settle(app, pilot)
        assert app.screen is coding
        assert (coding.filter.terms, list(app.session.view), sl.cursor) == before


async def test_s_cycles_least_coded_then_not_done_first(root):
    app = make_app(root, coder="ana")
    async with app.run_test(size=(120, 40)) as pilot:
        screen, table = await open_documents(app, pilot)
        await go_to(pilot, table, ASHBY)
        await pilot.press("d")  # Ashby Vale: done, and every segment coded
        await pilot.press("s")
        await pilot.pause()
        labels = [r.label for r in screen.rows]
        shares = [r.coded / r.segments for r in screen.rows if r.segments]
        assert shares == sorted(shares) and labels[len(shares) - 1] == ASHBY
        assert all(r.segments == 0 for r in screen.rows[len(shares):])
        assert table.coordinate_to_cell_key((0, 0)).row_key.value == labels[0]
        await pilot.press("s")
        await pilot.pause()
        assert screen.rows[-1].label == ASHBY and not any(r.done for r in screen.rows[:-1])
        await pilot.press("s")
        await pilot.pause()
        assert [r.label for r in screen.rows] == sorted(labels, key=natural_key)


async def test_redacted_session_shows_no_real_document_name(root):
    with qk.open_project(root) as p:
        real = list(p.documents()["document"])
    app = make_app(root, coder="ana", redact=True)
    async with app.run_test(size=(120, 40)) as pilot:
        screen, _ = await open_documents(app, pilot)
        shown = app.export_screenshot()
        assert sorted(r.label for r in screen.rows) == sorted(
            f"Document {i}" for i in range(1, len(real) + 1))
    for name in real:
        assert name.rsplit(".", 1)[0] not in shown


async def test_opening_reads_nothing_from_the_project(root):
    """Everything comes from the loaded session: the project is not asked for anything."""
    app = make_app(root, coder="ana")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        asked: list[str] = []
        real = app.project

        class Spy:
            def __getattr__(self, name):
                asked.append(name)
                return getattr(real, name)

        app.project = app.session.project = Spy()
        await pilot.press("g")
        await settle(app, pilot)
        await pilot.press("s", "s", "down", "up")
        await settle(app, pilot)
        assert isinstance(app.screen, DocumentsScreen) and asked == []
        app.project = app.session.project = real


def test_attribute_columns_group_documents():
    attrs = {"a.txt": {"region": "North", "type": "unitary", "date": "2023-01-01"},
             "b.txt": {"region": "North", "type": "county", "date": "2023-01-02"},
             "c.txt": {"region": "South", "type": "unitary", "date": "2023-01-03"},
             "d.txt": {"region": "East", "type": "county"},
             "e.txt": {"lead": "X", "region": "East"}}
    # region is set on five documents, type on four; a date per document groups nothing
    assert attribute_columns(attrs) == ["region", "type"]
    assert attribute_columns(attrs, limit=1) == ["region"]


async def test_sample_attribute_columns_are_authority_type_and_region(root):
    app = make_app(root, coder="ana")
    async with app.run_test(size=(120, 40)) as pilot:
        screen, table = await open_documents(app, pilot)
        assert screen.columns == ["authority_type", "region"]
        assert [str(c) for c in table.get_row(TANNER)[-2:]] == ["metropolitan district",
                                                               "North West"]


async def test_help_lists_the_documents_screen(root):
    from qualkit.tui.screens.help import HelpScreen

    app = make_app(root, coder="ana")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        assert ("Documents screen", DocumentsScreen.BINDINGS) in app.screen.sources


async def test_opens_on_the_coding_screens_document_and_keeps_the_chosen_sort(root):
    app = make_app(root, coder="ana", document="tannerbridge")
    async with app.run_test(size=(120, 40)) as pilot:
        screen, table = await open_documents(app, pilot)
        assert table.coordinate_to_cell_key((table.cursor_row, 0)).row_key.value == TANNER
        await pilot.press("s", "escape")
        await settle(app, pilot)
        screen, _ = await open_documents(app, pilot)
        assert screen.sort == "least coded first"


def test_percent_says_less_than_one_rather_than_zero():
    from qualkit.tui.doc_table import percent

    assert [percent(0, 1118), percent(2, 1118), percent(12, 1118), percent(5, 5)] == \
        ["0%", "<1%", "1%", "100%"]


@pytest.mark.parametrize("redact", [False, True], ids=["names", "redacted"])
@pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=lambda s: f"{s[0]}x{s[1]}")
async def test_the_table_fits_the_screen_without_scrolling_sideways(root, size, redact):
    app = make_app(root, coder="ana", redact=redact)
    async with app.run_test(size=size) as pilot:
        screen, table = await open_documents(app, pilot)
        assert table.virtual_size.width <= table.scrollable_content_region.width
        assert not table.show_horizontal_scrollbar
