"""The project store: one SQLite database, the single source of truth.

This package is the only code that runs SQL. ``Store`` gathers one mixin per area (documents
and segments, coding actions with undo, memos, team exchange and reconcile, runs and
themes, caches, speakers, GUIDs kept from REFI-QDA imports) over one ``Connection`` (WAL, foreign keys, a connection per
thread, one transaction per user action). Schema changes go in
``migrations.MIGRATIONS``: append, never edit a released step.
"""
from __future__ import annotations

from qualkit.store.actions import ActionsMixin
from qualkit.store.caches import CachesMixin
from qualkit.store.connection import Connection, StoreError, now
from qualkit.store.documents import DocumentsMixin, SegmentChange
from qualkit.store.exchange import ExchangeMixin
from qualkit.store.guids import GuidsMixin
from qualkit.store.memos import MemosMixin
from qualkit.store.runs import RunsMixin
from qualkit.store.speakers import SpeakersMixin

__all__ = ["Store", "StoreError", "SegmentChange", "now"]


class Store(DocumentsMixin, ActionsMixin, MemosMixin, ExchangeMixin, RunsMixin, CachesMixin,
            SpeakersMixin, GuidsMixin, Connection):
    """The project store; see the package docstring and each mixin."""
