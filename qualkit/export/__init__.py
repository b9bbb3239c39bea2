"""Exports: files that carry a qualkit project's work to other people and other tools.

Each module takes plain data (dataclasses, lists) and writes one kind of file; none of them
opens the store or the ``Project`` object, so the CLI and notebooks decide what goes in.
"""
