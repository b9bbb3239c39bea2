"""Readers that turn files into documents: transcripts and FOI letters."""
