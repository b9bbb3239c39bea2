"""The coding TUI (Textual): screens over the library API, never over the store directly.

``make_app`` (in ``app.py``) builds the app for the CLI and for the tests."""
from __future__ import annotations


def make_app(*args, **kwargs):
    from qualkit.tui.app import make_app as _make

    return _make(*args, **kwargs)
