"""Short document labels for the segment list, which has 12-16 columns for the document.

Projects name files in series ("interview-01-ashby.txt", "interview-02-fenmarsh.txt"): cut to
the column, every row would read "interview-0…" and documents could not be told apart. A
label drops the extension and the part a document shares with the others of its series (the
names that start with the same word), up to a separator, so the part that differs is what
shows. A name that fits the narrow column (``FITS``), is alone in its series, or would shrink
to a bare number is kept as it is.
"""
from __future__ import annotations

import os
import re
from collections import defaultdict
from collections.abc import Iterable

_SEP = re.compile(r"[-_ .]")
FITS = 12  # the document column at 80 terminal columns


def short_labels(names: Iterable[str]) -> dict[str, str]:
    """Document name -> the label to show."""
    stems = {n: n.rsplit(".", 1)[0] if "." in n.strip(".") else n for n in dict.fromkeys(names)}
    series: dict[str, list[str]] = defaultdict(list)
    for name, stem in stems.items():
        series[_SEP.split(stem, 1)[0].lower()].append(name)
    out = {}
    for members in series.values():
        prefix = os.path.commonprefix([stems[m] for m in members]) if len(members) > 1 else ""
        cut = max((m.end() for m in _SEP.finditer(prefix)), default=0)
        for m in members:
            label = stems[m][cut:]
            keep = len(stems[m]) <= FITS or not label or label.isdigit()
            out[m] = stems[m] if keep else label
    return out
