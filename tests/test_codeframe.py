"""Codeframe loading, validation, saving and the tree shown by `qualkit codeframe`."""
from __future__ import annotations

import dataclasses
import textwrap
from pathlib import Path

import pytest

from qualkit.codeframe import (
    CodeframeError,
    bundled_codeframe_path,
    code_tree_lines,
    default_codeframe_path,
    dump_codeframe,
    load_codeframe,
    validate,
)
from qualkit.models import Code, Codeframe, QualkitError

SHIPPED = Path(__file__).resolve().parents[1] / "codeframes" / "data-linkage.yaml"

# The ids are a public contract (docs, evaluations and users' codings refer to them).
EXPECTED_IDS = [
    "barrier",
    "barrier.health_data",
    "barrier.health_data.la_knowledge",
    "barrier.health_data.reluctance",
    "barrier.health_data.many_partners",
    "barrier.health_data.no_leverage",
    "barrier.health_data.mismatched_scope",
    "barrier.information_governance",
    "barrier.data_digital",
    "barrier.data_digital.identifier",
    "barrier.data_digital.quality",
    "barrier.data_digital.systems",
    "barrier.data_digital.maturity",
    "barrier.culture",
    "barrier.resources",
    "enabler",
    "enabler.senior_commitment",
    "enabler.integrated_working",
    "enabler.health_expertise",
    "enabler.linkage_experience",
    "use",
    "use.strategic_planning",
    "use.service_patterns",
    "use.early_intervention",
    "use.targeted_response",
    "use.impact_outcomes",
    "use.shared_understanding",
    "suggestion",
    "suggestion.national_indicators",
    "suggestion.national_mandate",
    "suggestion.model_agreements",
    "suggestion.funding",
    "suggestion.shared_learning",
    "suggestion.joined_up_government",
]


def write(tmp_path: Path, body: str, name: str = "x.yaml") -> Path:
    path = tmp_path / name
    path.write_text(textwrap.dedent(body).lstrip("\n"), encoding="utf-8")
    return path


def problems_of(path: Path) -> list[str]:
    with pytest.raises(CodeframeError) as info:
        load_codeframe(path)
    assert str(info.value) == "\n".join(info.value.problems)
    return info.value.problems


# --------------------------------------------------------------------------- the shipped file
def test_shipped_codeframe_has_every_contract_id_in_order():
    cf = load_codeframe(SHIPPED)
    assert cf.ids == EXPECTED_IDS
    assert cf.version == "1"
    assert "SEND" in cf.name


def test_shipped_codes_are_documented():
    cf = load_codeframe(SHIPPED)
    for code in cf.codes:
        assert code.name and code.description, code.id
        assert code.examples, code.id
        assert code.line is not None
        if cf.depth(code.id):
            assert code.parent == code.id.rsplit(".", 1)[0]
            assert code.exclude, code.id  # says which code to use instead
        else:
            assert code.parent is None


def test_shipped_exclude_notes_point_at_real_codes():
    import re

    cf = load_codeframe(SHIPPED)
    ids = set(cf.ids)
    for code in cf.codes:
        for ref in re.findall(r"`([a-z_.]+)`", code.exclude + code.include):
            assert ref in ids, f"{code.id} refers to unknown code {ref}"


def test_bundled_path_is_the_shipped_file():
    assert bundled_codeframe_path().read_bytes() == SHIPPED.read_bytes()


def test_default_codeframe_path(tmp_path):
    assert default_codeframe_path(tmp_path) == tmp_path / "codeframes" / "data-linkage.yaml"


def test_tree_lines_of_shipped_file():
    cf = load_codeframe(SHIPPED)
    lines = code_tree_lines(cf)
    assert [c.id for _, c in lines] == EXPECTED_IDS
    assert all(depth == cf.depth(code.id) for depth, code in lines)


# --------------------------------------------------------------------------- good files
def test_parent_defined_after_child_and_order_kept(tmp_path):
    path = write(tmp_path, """
        name: Small
        codes:
          - id: b.x
            parent: b
            name: X
          - id: a
            name: A
          - id: b
            name: B
            examples: ["one", "two"]
    """)
    cf = load_codeframe(path)
    assert cf.ids == ["b.x", "a", "b"]
    assert cf.get("b").examples == ("one", "two")
    assert [(d, c.id) for d, c in code_tree_lines(cf)] == [(0, "a"), (0, "b"), (1, "b.x")]
    assert cf.get("b.x").line == 3


def test_missing_name_falls_back_to_file_stem_and_empty_codes(tmp_path):
    cf = load_codeframe(write(tmp_path, "codes: []\n", name="mine.yaml"))
    assert cf.name == "mine" and cf.codes == []


def test_round_trip_dump_then_load_is_equal(tmp_path):
    cf = load_codeframe(SHIPPED)
    out = dump_codeframe(cf, tmp_path / "sub" / "copy.yaml")
    again = load_codeframe(out)
    strip = lambda c: dataclasses.replace(c, line=None)  # noqa: E731
    assert [strip(c) for c in again.codes] == [strip(c) for c in cf.codes]
    assert (again.name, again.version) == (cf.name, cf.version)
    # and once more: a dump of the dump is byte-identical
    assert dump_codeframe(again, tmp_path / "copy2.yaml").read_text() == out.read_text()


def test_round_trip_of_awkward_text(tmp_path):
    cf = Codeframe(name="Odd: names", version="v2", codes=[
        Code(id="a", name="yes", description="colon: quote ' \" # hash\nsecond line"),
        Code(id="a.b", name="123", parent="a", examples=("- dash", "ünïcode — dash"), color="#fff"),
    ])
    again = load_codeframe(dump_codeframe(cf, tmp_path / "odd.yaml"))
    assert [dataclasses.replace(c, line=None) for c in again.codes] == cf.codes
    assert again.version == "v2"


# --------------------------------------------------------------------------- errors
def test_yaml_syntax_error_names_file_and_line(tmp_path):
    path = write(tmp_path, """
        name: Broken
        codes:
          - id: a
            name: A
          - id: b
            name: [unclosed
    """)
    (msg,) = problems_of(path)
    assert msg.startswith(f"{path}:")
    assert "YAML syntax error" in msg
    line = int(msg.split(":")[1])
    assert line in (6, 7)  # the flow sequence opened on line 6 runs off the end of the file


def test_an_unclosed_quote_that_swallows_the_next_fields_is_reported(tmp_path):
    # valid YAML: the quoted name runs on and takes "color:" and the next code into its text
    path = write(tmp_path, """
        name: Quotes
        codes:
          - id: a
            name: "Barriers to data linkage
            color: "#aa0000"
          - id: b
            name: "A name that is fine"
            description: "A description
              over two lines is fine too."
    """)
    (msg,) = problems_of(path)
    assert msg.startswith(f"{path}:4: ")  # the line the name starts on
    assert "the quoted name runs on to line 5 and swallows 'color:'" in msg
    assert "closing quote missing" in msg


def test_tab_indentation_is_a_syntax_error_with_line(tmp_path):
    path = tmp_path / "tabs.yaml"
    path.write_text("name: T\ncodes:\n  - id: a\n\tname: A\n")
    (msg,) = problems_of(path)
    assert msg.startswith(f"{path}:4: YAML syntax error")


def test_duplicate_id_names_both_lines(tmp_path):
    path = write(tmp_path, """
        name: Dup
        codes:
          - id: a
            name: A
          - id: barrier.culture
            name: Culture
          - id: b
            name: B
          - id: barrier.culture
            name: Culture again
    """)
    assert problems_of(path) == [
        f"{path}:9: duplicate code id 'barrier.culture' (first defined on line 5)"
    ]


def test_unknown_parent_with_hint(tmp_path):
    path = write(tmp_path, """
        name: P
        codes:
          - id: barrier
            name: Barriers
          - id: barrier.x
            parent: barriers
            name: X
    """)
    assert problems_of(path) == [
        f"{path}:5: code 'barrier.x' has unknown parent 'barriers' (did you mean 'barrier'?)"
    ]


def test_cycle_reported_once(tmp_path):
    path = write(tmp_path, """
        name: Cycle
        codes:
          - id: a
            parent: b
            name: A
          - id: b
            parent: a
            name: B
          - id: c
            parent: a
            name: C
          - id: d
            parent: d
            name: D
    """)
    assert problems_of(path) == [
        f"{path}:3: parent cycle: a → b → a",
        f"{path}:12: parent cycle: d → d",
    ]


def test_missing_and_empty_names_and_ids(tmp_path):
    path = write(tmp_path, """
        name: Names
        codes:
          - id: a
          - id: b
            name: "  "
          - name: No id here
          - id: ""
            name: Empty id
          - id: has space
            name: Spaced
          - id: 7
            name: Number id
    """)
    assert problems_of(path) == [
        f"{path}:3: code 'a' has no name",
        f"{path}:5: code 'b' has no name",
        f"{path}:6: code entry 3 has no id",
        f"{path}:7: code entry 4 has an empty id",
        f"{path}:9: code id 'has space' contains spaces",
        f"{path}:11: code id 7 must be text (put it in quotes)",
    ]


def test_non_mapping_entries_and_bad_types(tmp_path):
    path = write(tmp_path, """
        name: Types
        codes:
          - just a string
          - id: a
            name: A
            examples: "one phrase, not a list"
          - id: b
            name: B
            description: [not, text]
            examples:
              - fine
              - {not: text}
          - id: c
            name: C
            exlude: typo
    """)
    assert problems_of(path) == [
        f"{path}:3: code entry 1 is not a mapping (expected 'id:', 'name:' ... under '- ')",
        f"{path}:6: code 'a': examples must be a list (one '- \"phrase\"' per line)",
        f"{path}:9: code 'b': description must be text, not a list",
        f"{path}:12: code 'b': every example must be text",
        f"{path}:15: code entry 4: unknown field 'exlude' (did you mean 'exclude'?)",
    ]


def test_all_problems_reported_together(tmp_path):
    path = write(tmp_path, """
        name: Many
        codes:
          - id: a
            name: A
          - id: a
            name: A2
          - id: b
            parent: nowhere
            name: B
          - id: c
    """)
    problems = problems_of(path)
    assert problems == [
        f"{path}:5: duplicate code id 'a' (first defined on line 3)",
        f"{path}:7: code 'b' has unknown parent 'nowhere'",
        f"{path}:10: code 'c' has no name",
    ]


def test_entry_with_other_errors_still_checked_for_duplicates_and_parents(tmp_path):
    path = write(tmp_path, """
        name: x
        codes:
          - id: a
            examples: not a list
          - id: a
            name: A
            parent: zz
    """)
    assert problems_of(path) == [
        f"{path}:3: code 'a' has no name",
        f"{path}:4: code 'a': examples must be a list (one '- \"phrase\"' per line)",
        f"{path}:5: duplicate code id 'a' (first defined on line 3)",
        f"{path}:5: code 'a' has unknown parent 'zz'",
    ]


def test_top_level_problems(tmp_path):
    path = write(tmp_path, """
        name: ""
        version: [1]
        cods: []
    """)
    assert problems_of(path) == [
        f"{path}:1: the codeframe name must be non-empty text",
        f"{path}:1: no 'codes:' list",
        f"{path}:2: version must be a number or text",
        f"{path}:3: unknown top-level field 'cods' (did you mean 'codes'?)",
    ]


def test_codes_not_a_list_and_duplicate_field(tmp_path):
    path = write(tmp_path, "name: X\ncodes:\n  id: a\n")
    assert problems_of(path) == [
        f"{path}:3: 'codes' must be a list of codes (each starting '- id:')"
    ]
    path = write(tmp_path, "name: X\ncodes:\n  - id: a\n    name: A\n    name: B\n", "y.yaml")
    assert problems_of(path) == [f"{path}:5: code entry 1: field 'name' given twice (first on line 4)"]


@pytest.mark.parametrize("body", ["", "- a\n- b\n", "just text\n"])
def test_empty_or_wrong_shape_file(tmp_path, body):
    path = tmp_path / "w.yaml"
    path.write_text(body)
    (msg,) = problems_of(path)
    assert msg.startswith(f"{path}:1: ")


def test_missing_file_is_a_qualkit_error(tmp_path):
    with pytest.raises(QualkitError, match="no such codeframe file"):
        load_codeframe(tmp_path / "nope.yaml")


def test_validate_in_memory_codeframe():
    good = Codeframe(name="m", codes=[Code("a", "A"), Code("a.b", "B", parent="a")])
    assert validate(good) is good
    bad = Codeframe(name="m", codes=[Code("a", "A", parent="b"), Code("b", "B", parent="a"),
                                     Code("a", "again")])
    with pytest.raises(CodeframeError) as info:
        validate(bad)
    assert info.value.problems == [
        "<codeframe>: duplicate code id 'a'",
        "<codeframe>: parent cycle: a → b → a",
    ]


def test_dump_refuses_invalid_codeframe(tmp_path):
    bad = Codeframe(name="m", codes=[Code("a", "A", parent="zzz")])
    with pytest.raises(CodeframeError):
        dump_codeframe(bad, tmp_path / "bad.yaml")
    assert not (tmp_path / "bad.yaml").exists()


def test_tree_lines_survive_a_cycle():
    cf = Codeframe(name="m", codes=[Code("r", "R"), Code("a", "A", parent="b"),
                                    Code("b", "B", parent="a")])
    assert [(d, c.id) for d, c in code_tree_lines(cf)] == [(0, "r"), (0, "a"), (1, "b")]
