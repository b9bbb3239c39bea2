"""qualkit — qualitative thematic analysis in the terminal.

The library API (see README): ``init_project``, ``open_project`` and the ``Project`` they return.
Importing qualkit is cheap: heavy libraries load inside the functions that need them. It
first switches off every network use of the libraries it loads later (``qualkit.offline``).
"""
from . import offline as _offline  # noqa: F401  (first: no network, before anything loads)
from ._version import __version__
from .models import Code, Codeframe, QualkitError, Segment
from .project import Project, init_project, open_project

__all__ = ["__version__", "Code", "Codeframe", "Project", "QualkitError", "Segment", "init_project",
           "open_project"]
