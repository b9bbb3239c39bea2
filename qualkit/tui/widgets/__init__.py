"""Reusable widgets of the coding app (each with its own DEFAULT_CSS)."""
