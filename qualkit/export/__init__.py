"""Exports: what a research team takes away from a qualkit project.

Each module holds one kind of export or one piece of the machinery they share: ``matrices`` and
``tables`` compute plain frames from codings, segments, documents and the codeframe;
``workbook`` gathers them into a ``WorkbookData``; ``excel`` writes that as a formatted .xlsx;
``safe_write`` makes every export file appear whole or not at all. Nothing here is imported
when ``qualkit`` starts, and nothing here runs SQL: the Project reads the store and passes
plain frames in.
"""
