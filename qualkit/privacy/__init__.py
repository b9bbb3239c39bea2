"""Pseudonymisation and redaction of interview and FOI text about children.

A pure layer: text and plain data in, text and plain data out. The store persists the
``PseudonymMap``; exporters and ``--redact`` call ``find_identifiers`` then ``redact`` and move
segment offsets with ``map_offset``/``map_span``.
"""
from __future__ import annotations

from qualkit.privacy.checks import (is_valid_nhs_number, is_valid_upn, nhs_check_digit,
                                    upn_check_letter)
from qualkit.privacy.detect import KINDS, Finding, find_identifiers, resolve_overlaps
from qualkit.privacy.pseudonyms import PseudonymMap, name_key, pseudonymise_speaker
from qualkit.privacy.redact import TAGS, Redaction, Replacement, map_offset, map_span, redact
from qualkit.privacy.report import SCAN_COLUMNS, RedactionReport, scan

__all__ = ["KINDS", "SCAN_COLUMNS", "TAGS", "Finding", "PseudonymMap", "Redaction",
           "RedactionReport", "Replacement", "find_identifiers", "is_valid_nhs_number",
           "is_valid_upn", "map_offset", "map_span", "name_key", "nhs_check_digit",
           "pseudonymise_speaker", "redact", "resolve_overlaps", "scan", "upn_check_letter"]
