"""The bad-input corpus (issue #9): every file of ``tests/data/bad`` (see its manifest.yaml)
and the cases that cannot be committed (symlink loops, a huge paragraph, files over a limit,
generated here) go through ONE ingest beside good files. Each case gets its own message,
the good files all go in, the exit code is 1 and the store stays intact."""
from __future__ import annotations

import math
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

import qualkit as qk
from qualkit.codeframe import CodeframeError, load_codeframe

from conftest import write

REPO = Path(__file__).resolve().parents[1]
BAD = REPO / "tests" / "data" / "bad"
MANIFEST = yaml.safe_load((BAD / "manifest.yaml").read_text(encoding="utf-8"))
ENV = {**os.environ, "PYTHONPATH": str(REPO)}
GOOD = "Interviewer: How do you link data?\nP1: We link school census records every term.\n"


def generate(gen: Path, root: Path) -> None:
    """The cases that cannot sensibly be committed."""
    gen.mkdir(parents=True)
    os.symlink("loop-b.txt", gen / "loop-a.txt")
    os.symlink("loop-a.txt", gen / "loop-b.txt")
    os.symlink("nowhere.txt", gen / "dangling.txt")
    os.symlink("../corpus", gen / "linked-folder")
    write(gen / "folder.txt" / "inside.txt", GOOD)
    write(gen / "long-paragraph.txt", "We shared data with the ICB. " * 40000)  # 1,160,000
    write(gen / "no-spaces.txt", "P1: " + "x" * 1_200_000)
    write(gen / "too-big.txt", "P1: " + "word " * 524_288)  # 2.5 MB
    write(gen / "many-turns.txt", "P1: Yes.\nP2: No.\n" * 30_001)
    os.symlink("loop-arg-2", root / "loop-arg-1")
    os.symlink("loop-arg-1", root / "loop-arg-2")


@pytest.fixture(scope="module")
def batch(tmp_path_factory):
    """(project, report, CLI result) after one ingest of the whole corpus."""
    root = tmp_path_factory.mktemp("bad") / "study"
    p = qk.init_project(root)
    (root / "qualkit.yaml").write_text("limits:\n  file_mb: 2\n", encoding="utf-8")
    shutil.copytree(BAD / "transcripts", root / "transcripts" / "corpus")
    shutil.copytree(BAD / "attributes", root / "transcripts" / "attributes")
    generate(root / "transcripts" / "generated", root)
    p = qk.open_project(root)
    paths = [root / "transcripts", root / "loop-arg-1", root / "nowhere"]
    report = p.ingest(paths)
    cli = subprocess.run([sys.executable, "-m", "qualkit", "-C", str(root), "ingest",
                          *map(str, paths)], capture_output=True, text=True, env=ENV, timeout=600)
    yield p, report, cli
    p.close()


def manifest_files(section: str) -> list[str]:
    return sorted(MANIFEST[section])


def test_the_corpus_has_over_40_files_each_in_the_manifest():
    on_disk = {f.relative_to(BAD).as_posix() for f in BAD.rglob("*")
               if f.is_file() and f.parent != BAD}
    listed = ({f"transcripts/{n}" for n in MANIFEST["transcripts"]}
              | {f"attributes/{n}/attributes.csv" for n in MANIFEST["attributes"]}
              | {f"attributes/{n}/{n}.txt" for n in MANIFEST["attributes"]}
              | {f"codeframes/{n}" for n in MANIFEST["codeframes"]})
    assert on_disk == listed
    assert len(on_disk) >= 40


@pytest.mark.parametrize("name", manifest_files("transcripts"))
def test_each_corpus_transcript_gets_its_outcome_and_message(batch, name):
    p, report, _ = batch
    case, shown = MANIFEST["transcripts"][name], f"transcripts/corpus/{name}"
    outcome = ("added" if shown in report.added else
               "ignored" if shown in report.ignored else
               "skipped" if shown in dict(report.skipped) else "lost")
    assert outcome == case["outcome"]
    assert dict(report.skipped).get(shown) == case.get("reason")
    warnings = [w[len(shown) + 2:] for w in report.warnings if w.startswith(shown + ": ")]
    assert warnings == ([case["warning"]] if "warning" in case else [])
    encodings = {r["name"]: r["encoding"] for r in p.store.documents()}
    assert encodings.get(name, "-") == case.get("encoding", encodings.get(name, "-"))


@pytest.mark.parametrize("folder", manifest_files("attributes"))
def test_each_attributes_csv_variant_warns_and_its_file_still_goes_in(batch, folder):
    p, report, _ = batch
    case = MANIFEST["attributes"][folder]
    csv = f"transcripts/attributes/{folder}/attributes.csv"
    assert f"transcripts/attributes/{folder}/{folder}.txt" in report.added
    warnings = [w for w in report.warnings if w.startswith(csv)]
    expected = case.get("warning")
    assert len(warnings) == (expected is not None)
    assert all(expected in w for w in warnings)
    docs = p.documents().set_index("document")
    region = docs.loc[f"{folder}.txt"].get("region")
    assert (None if isinstance(region, float) and math.isnan(region) else region) == \
        case.get("region")


def test_generated_cases(batch):
    _, report, _ = batch
    skipped = dict(report.skipped)
    g = "transcripts/generated"
    assert skipped[f"{g}/loop-a.txt"] == "symlink loop (the link leads back to itself)"
    assert skipped[f"{g}/loop-b.txt"] == "symlink loop (the link leads back to itself)"
    assert skipped["loop-arg-1"] == "symlink loop (the link leads back to itself)"
    assert skipped["nowhere"] == "no such file or folder"
    assert skipped[f"{g}/dangling.txt"] == ("broken link (it points to nowhere.txt, which "
                                            "does not exist)")
    assert skipped[f"{g}/linked-folder"] == ("link to a folder, not followed (give the folder "
                                             "itself)")
    assert skipped[f"{g}/too-big.txt"] == ("file is 2.5 MB, over the limit of 2 MB "
                                           "(limits.file_mb in qualkit.yaml)")
    assert skipped[f"{g}/no-spaces.txt"] == ("line 1: over 100,000 characters with no space or "
                                             "line break (not prose; limits.paragraph_chars in "
                                             "qualkit.yaml)")
    assert skipped[f"{g}/many-turns.txt"].startswith("60,002 speaker turns, over the limit of "
                                                      "50,000 segments per document")
    assert f"{g}/long-paragraph.txt" in report.added
    assert f"{g}/folder.txt/inside.txt" in report.added
    assert f"{g}: a folder named like a file" not in report.warnings
    assert f"{g}/folder.txt: a folder named like a file; its contents are read as a folder" \
        in report.warnings
    assert any(w.startswith(f"{g}/long-paragraph.txt: line 1: 1,159,999 characters without a "
                            "speaker change were cut into 12 parts") for w in report.warnings)


def test_the_batch_goes_on_and_the_store_is_intact(batch):
    p, report, _ = batch
    docs = p.documents()
    assert sorted(docs["path"]) == sorted(report.added)
    assert (docs["n_segments"] > 0).all()
    outcomes = [c["outcome"] for c in MANIFEST["transcripts"].values()]
    generated_added, generated_skipped = 2, 9  # see generate() and test_generated_cases
    assert len(report.added) == outcomes.count("added") + len(MANIFEST["attributes"]) \
        + generated_added
    assert len(report.skipped) == outcomes.count("skipped") + generated_skipped
    assert report.errors == [] and p.store.integrity_ok()
    segs = p.segments()
    texts = {d: p.document_text(d) for d in docs["document"]}
    assert all(texts[r.document][r.start:r.end] == r.text for r in segs.itertuples())


def test_the_cli_says_each_skip_on_one_line_and_exits_1(batch):
    _, report, cli = batch
    assert cli.returncode == 1, cli.stderr[-2000:]
    lines = cli.stderr.splitlines()
    for path, reason in report.skipped:
        assert f"skipped {path}: {reason}" in lines
    assert "Traceback" not in cli.stderr
    assert "ignored 2 file(s) of types qualkit does not read (.jpg, .rtf)" in lines


@pytest.mark.parametrize("name", manifest_files("codeframes"))
def test_each_bad_codeframe_names_file_line_and_reason(name):
    case, path = MANIFEST["codeframes"][name], BAD / "codeframes" / name
    try:
        load_codeframe(path)
        message = None
    except CodeframeError as e:
        message = str(e)
    expected = None if case.get("ok") else f"{path}{case['error']}"
    assert (message or "")[:len(expected or "")] == (expected or "")
    assert (message is None) == bool(case.get("ok"))


def test_a_codeframe_setting_that_names_a_folder_is_exit_2(tmp_path):
    root = tmp_path / "study"
    subprocess.run([sys.executable, "-m", "qualkit", "init", str(root)], check=True, env=ENV,
                   capture_output=True)
    (root / "codeframes" / "folder.yaml").mkdir()
    (root / "qualkit.yaml").write_text("codeframe: codeframes/folder.yaml\n")
    r = subprocess.run([sys.executable, "-m", "qualkit", "-C", str(root), "codeframe"],
                       capture_output=True, text=True, env=ENV)
    assert r.returncode == 2
    assert r.stderr.strip() == (f"error: codeframe {root.resolve()}/codeframes/folder.yaml is a "
                                "folder, not a file (set `codeframe:` in qualkit.yaml to the "
                                "codeframe's .yaml file)")


def test_segments_n_0_on_the_sample_prints_speakerless_segments(tmp_path):
    """Found case: `qualkit segments -n 0` crashed on a segment with neither speaker nor
    question (NotRenderableError); the CLI now renders it."""
    root = tmp_path / "sample"
    shutil.copytree(REPO / "transcripts", root / "transcripts")
    shutil.copytree(REPO / "foi", root / "foi")
    shutil.copytree(REPO / "codeframes", root / "codeframes")
    (root / "qualkit.yaml").write_text("embed:\n  backend: fake\n")
    p = qk.open_project(root)
    p.ingest()
    bare = p.segments()
    assert (bare["speaker"].isna() & bare["question"].isna()).any()
    p.close()
    r = subprocess.run([sys.executable, "-m", "qualkit", "-C", str(root), "segments", "-n", "0"],
                       capture_output=True, text=True, env={**ENV, "COLUMNS": "300"})
    assert r.returncode == 0, r.stderr[-1000:]
    assert r.stdout.count("\n") > len(bare)


def test_an_unexpected_error_in_one_file_skips_it_and_the_batch_goes_on(project, monkeypatch):
    """A bug in a reader or a library refusing a text (spaCy's E088 once ended the batch):
    that file is skipped, named with the error, its traceback kept for --debug."""
    from qualkit.ingest import pipeline

    real = pipeline.segment_document

    def fragile(name, text, turns, settings):
        if name == "b.txt":
            raise ValueError("[E088] Text of length 1159999 exceeds maximum of 1000000.")
        return real(name, text, turns, settings)

    monkeypatch.setattr(pipeline, "segment_document", fragile)
    for name in ("a.txt", "b.txt", "c.txt"):
        write(project.root / "transcripts" / name, GOOD)
    report = project.ingest()
    assert report.added == ["transcripts/a.txt", "transcripts/c.txt"]
    assert report.skipped == [("transcripts/b.txt", "qualkit could not process this file "
                               "(ValueError: [E088] Text of length 1159999 exceeds maximum of "
                               "1000000.); please report it")]
    [(path, trace)] = report.errors
    assert path == "transcripts/b.txt" and "Traceback" in trace and "fragile" in trace
    assert project.store.integrity_ok() and project.store.runs()[0]["status"] == "partial"
