"""The ``qualkit`` command: a thin typer layer over the library (``qualkit.project``).

``app.py`` holds the frame (errors, exit codes, consoles); each module registers one group of
commands on it. Exit codes are documented in ``app.py`` and the README.
"""
from __future__ import annotations

# registering order is the order of --help: project first, coding, analysis, then FOI,
# then exports
from qualkit.cli import project_cmds  # noqa: F401,I001
from qualkit.cli import coding  # noqa: F401,I001
from qualkit.cli import speakers  # noqa: F401,I001
from qualkit.cli import analysis  # noqa: F401,I001
from qualkit.cli import team  # noqa: F401,I001
from qualkit.cli import reconcile  # noqa: F401,I001
from qualkit.cli import foi  # noqa: F401,I001
from qualkit.cli import exchange  # noqa: F401,I001
from qualkit.cli import privacy  # noqa: F401,I001
from qualkit.cli import exports  # noqa: F401,I001
from qualkit.cli.app import (EXIT_CRASH, EXIT_ERROR, EXIT_INTERRUPTED, EXIT_OK, EXIT_PARTIAL,
                             app)

__all__ = ["EXIT_CRASH", "EXIT_ERROR", "EXIT_INTERRUPTED", "EXIT_OK", "EXIT_PARTIAL", "app",
           "main"]


def main() -> None:
    app()


if __name__ == "__main__":
    main()
