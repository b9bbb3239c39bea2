"""attributes.csv (issue #9): every line ending and encoding Excel writes is read; binary
content, missing files, extra fields and duplicated columns are warnings naming the file."""
from __future__ import annotations

import pytest

from qualkit.ingest.attributes import load_attributes

from conftest import write

GOOD = "Interviewer: How do you link data?\nP1: We link school census records every term.\n"


def table_for(tmp_path, data: bytes, files=("a.txt", "b.txt")):
    for f in files:
        write(tmp_path / f, GOOD)
    path = tmp_path / "attributes.csv"
    path.write_bytes(data)
    return load_attributes(path, "t/attributes.csv")


@pytest.mark.parametrize("ending", [b"\n", b"\r\n", b"\r"])
def test_any_line_ending_including_excel_macintosh_cr(tmp_path, ending):
    data = ending.join([b"file,region", b"a.txt,North", b"b.txt,South", b""])
    t = table_for(tmp_path, data)
    assert t.by_file == {"a.txt": {"region": "North"}, "b.txt": {"region": "South"}}
    assert t.problems == []


@pytest.mark.parametrize("data", [
    "file\tregion\na.txt\tNörth\n".encode("utf-16"),  # Excel "Unicode text"
    "file;region\na.txt;Nörth\n".encode("cp1252"),
    b"\xef\xbb\xbf" + "file,region\na.txt,Nörth\n".encode(),
])
def test_excel_encodings_and_delimiters(tmp_path, data):
    t = table_for(tmp_path, data)
    assert t.for_file("a.txt") == {"region": "Nörth"} and t.problems == []


def test_binary_content_is_one_warning_and_no_attributes(tmp_path):
    t = table_for(tmp_path, b"file,region\n\x00\x01\x02a.txt,N\x00orth\n" + bytes(range(256)))
    assert t.by_file == {}
    assert t.problems == ["t/attributes.csv: not a text file (it contains binary data); "
                          "no attributes used"]


@pytest.mark.parametrize("data,line,why", [
    (b'file,region\na.txt,North\nb.txt,"South\n' + b"x" * 200_000 + b"\n", 3, "field larger"),
    (b'file,region\na.txt,"North\nb.txt,South\n', 2, "unexpected end of data"),
    (b'file,region\na.txt,North\nb.txt,"So"uth\n', 3, "',' expected after '\"'"),
])
def test_a_csv_the_parser_rejects_is_one_warning_with_the_line(tmp_path, data, line, why):
    t = table_for(tmp_path, data)
    assert t.by_file == {} and len(t.problems) == 1
    assert t.problems[0].startswith(f"t/attributes.csv:{line}: not a readable CSV file (")
    assert why in t.problems[0] and t.problems[0].endswith("; no attributes used")


def test_rows_naming_missing_files_extra_fields_and_duplicated_columns(tmp_path):
    data = b"file,region,region\na.txt,North,South,extra\nmissing.txt,East,East\nb,West,x\n"
    t = table_for(tmp_path, data)
    assert t.by_file["a.txt"] == {"region": "North"} and t.for_file("b.txt") == {"region": "West"}
    assert t.problems == [
        "t/attributes.csv: column 'region' appears twice in the header; the first is used",
        "t/attributes.csv: line 2 has more fields than the header names (3); the extra fields "
        "were ignored (a comma in a value needs quotes)",
        "t/attributes.csv: names 1 file(s) not in its folder (missing.txt); their attributes "
        "were not used",
    ]


def test_a_file_listed_twice_names_the_line(tmp_path):
    t = table_for(tmp_path, b"file,region\na.txt,North\nb.txt,x\na.txt,South\n")
    assert t.for_file("a.txt") == {"region": "South"}
    assert t.problems == ["t/attributes.csv:4: a.txt is listed twice; the later row wins"]


def test_attribute_warnings_reach_the_ingest_report_and_files_still_go_in(project):
    folder = project.root / "transcripts"
    write(folder / "a.txt", GOOD)
    (folder / "attributes.csv").write_bytes(b"file,region\ra.txt,North\rghost.txt,x\r")
    report = project.ingest()
    assert report.ok and report.added == ["transcripts/a.txt"]
    assert report.warnings == ["transcripts/attributes.csv: names 1 file(s) not in its folder "
                               "(ghost.txt); their attributes were not used"]
    assert project.documents()["region"].tolist() == ["North"]
