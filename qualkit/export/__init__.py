"""Exports: what a research team takes away from a qualkit project, and what it brings in.

Each module holds one kind of export or one piece of the machinery they share: ``matrices`` and
``tables`` compute plain frames from codings, segments, documents and the codeframe;
``workbook`` gathers them into a ``WorkbookData``; ``excel`` writes that as a formatted .xlsx;
``quotes*`` choose and write illustrative quotes; ``report*`` build the draft report;
``refi*`` write and read REFI-QDA for NVivo, ATLAS.ti, MAXQDA and QualCoder; ``redaction``
applies ``qualkit.privacy`` to what is written. Every file is written whole or not at all,
mode 0600 (``qualkit.files``). Nothing here is imported when ``qualkit``
starts, and nothing here runs SQL or opens the ``Project``: the front passes plain data in.
"""
