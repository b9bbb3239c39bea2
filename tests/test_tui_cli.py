"""`qualkit code` opens the coding app (scripts keep `qualkit code SEGMENT CODE`), and
`qualkit analyse` ends by printing the command that opens it."""
from __future__ import annotations

from typer.testing import CliRunner

from qualkit.cli import app
from qualkit.tui.app import QualkitApp

from tui_support import ingested_sample, sample_root

runner = CliRunner()


def test_code_with_no_segment_opens_the_app_with_coder_and_doc(tmp_path_factory, tmp_path,
                                                                monkeypatch):
    root = ingested_sample(tmp_path_factory, tmp_path)
    opened = []
    monkeypatch.setattr(QualkitApp, "run", lambda self: opened.append(self) or "bye")
    res = runner.invoke(app, ["-C", str(root), "code", "--coder", "ana", "--doc", "northmere"])
    assert res.exit_code == 0, res.output
    assert (opened[0].coder, opened[0].document) == ("ana", "northmere")
    assert "bye" in res.output


def test_code_arguments_are_both_or_neither_and_a_wrong_doc_is_one_line(tmp_path_factory,
                                                                        tmp_path):
    root = ingested_sample(tmp_path_factory, tmp_path)
    res = runner.invoke(app, ["-C", str(root), "code", "abc123"])
    assert res.exit_code == 2 and "or neither to open the app" in res.output
    res = runner.invoke(app, ["-C", str(root), "code", "--coder", "ana", "--doc", "nosuch"])
    assert res.exit_code == 2 and "no document matches 'nosuch'" in res.output


def test_analyse_ends_with_the_command_that_opens_the_app(tmp_path):
    root = sample_root(tmp_path)
    res = runner.invoke(app, ["-C", str(root), "analyse"])
    assert res.exit_code == 0, res.output
    assert f"qualkit -C {root} code" in " ".join(res.output.split())
