"""The project store: one SQLite database, the single source of truth.

This package is the only code that runs SQL. ``Store`` gathers one mixin per area (documents
and segments, coding, coding actions with undo, memos, runs and themes, caches) over one
``Connection`` (WAL, foreign keys, a connection per thread, one transaction per user action). Schema changes go in
``migrations.MIGRATIONS``: append, never edit a released step.
"""
from __future__ import annotations

from qualkit.store.actions import ActionsMixin
from qualkit.store.caches import CachesMixin
from qualkit.store.connection import Connection, StoreError, now
from qualkit.store.documents import DocumentsMixin, SegmentChange
from qualkit.store.memos import MemosMixin
from qualkit.store.runs import RunsMixin

__all__ = ["Store", "StoreError", "SegmentChange", "now"]


class Store(DocumentsMixin, ActionsMixin, MemosMixin, RunsMixin, CachesMixin, Connection):
    """The project store; see the package docstring and each mixin."""
