"""The list's star marks a confident suggestion on what a participant said, not on the
interviewer's questions (rarely coded; on a real interview half the stars they got were noise)."""
from __future__ import annotations

import qualkit as qk
from conftest import write
from qualkit.tui.session import STRONG, Session, Suggestion

TALK = ("Interviewer: Do you link health data with the schools census?\n"
        "P2: Not yet, we have tried for years. The ICB will not sign the data sharing "
        "agreement with us.\n")


def test_the_star_needs_a_confident_suggestion_on_a_participants_words(tmp_path):
    p = qk.init_project(tmp_path / "study")
    write(p.root / "transcripts" / "one.txt", TALK)
    p.ingest()
    s = Session(p, "ana").load()
    assert s.parties == ["interviewer", "participant", "participant"]
    sure = [Suggestion("barrier.information_governance", STRONG + 0.1, "")]
    unsure = [Suggestion("barrier.information_governance", STRONG - 0.1, "")]
    s.suggestions = {s.ids[0]: sure, s.ids[1]: unsure, s.ids[2]: sure}
    assert s.strong(0) is None  # the interviewer's question
    assert s.strong(1) is None  # not confident
    assert s.strong(2) == sure[0]
    p.close()
