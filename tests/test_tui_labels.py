"""Document labels in the segment list tell documents of one series apart."""
from __future__ import annotations

from qualkit.tui.labels import short_labels


def test_a_series_shows_the_part_that_differs():
    got = short_labels(["interview-01-northmere.txt", "interview-02-tannerbridge.docx",
                        "interview-05-fenmarsh.vtt", "ashby-vale-council.txt",
                        "harrowdene-metropolitan.txt", "harrowdene-wexcombe-icb.txt"])
    assert got == {"interview-01-northmere.txt": "01-northmere",
                   "interview-02-tannerbridge.docx": "02-tannerbridge",
                   "interview-05-fenmarsh.vtt": "05-fenmarsh",
                   "ashby-vale-council.txt": "ashby-vale-council",  # alone in its series
                   "harrowdene-metropolitan.txt": "metropolitan",
                   "harrowdene-wexcombe-icb.txt": "wexcombe-icb"}


def test_short_names_bare_numbers_and_pseudonyms_are_kept():
    got = short_labels(["icb-north.txt", "icb-south.txt", "Document 1", "Document 12",
                        "session_2024_01.txt", "session_2024_02.txt", "notes"])
    assert got["icb-north.txt"] == "icb-north"  # fits the column as it is
    assert got["Document 12"] == "Document 12"
    assert got["session_2024_01.txt"] == "session_2024_01"  # would shrink to "01"
    assert got["notes"] == "notes"


def test_every_label_is_unique_when_the_names_are():
    names = [f"interview-{i:02d}-{place}.txt" for i, place in
             enumerate(["a", "b", "c", "north", "north-east", "ne"])]
    labels = short_labels(names)
    assert len(set(labels.values())) == len(names)
