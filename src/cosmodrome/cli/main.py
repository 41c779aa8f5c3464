"""Entry point of the ``cosmodrome`` console script.

Each concern keeps its commands in its own module, which registers them on
:data:`cosmodrome.cli.app.app` when imported here.
"""

from __future__ import annotations

import sys

from cosmodrome.cli import capability as _capability  # noqa: F401  (registers commands)
from cosmodrome.cli import catalog as _catalog  # noqa: F401  (registers commands)
from cosmodrome.cli import coverage as _coverage  # noqa: F401  (registers commands)
from cosmodrome.cli import market as _market  # noqa: F401  (registers commands)
from cosmodrome.cli import orbits as _orbits  # noqa: F401  (registers commands)
from cosmodrome.cli import payloads as _payloads  # noqa: F401  (registers commands)
from cosmodrome.cli import schedule as _schedule  # noqa: F401  (registers commands)
from cosmodrome.cli import web as _web  # noqa: F401  (registers commands)
from cosmodrome.cli.app import app
from cosmodrome.cli.output import console
from cosmodrome.errors import CosmodromeError


def main() -> None:
    """Run the command line; known errors print one clear line and exit with status 1.

    Usage errors (unknown option, missing argument) are Typer's own: usage, message, status 2.
    """
    try:
        app()
    except CosmodromeError as error:
        hint = f" {error.cli_hint}" if error.cli_hint else ""
        console(stderr=True).print(
            f"[bold red]error:[/bold red] {error}{hint}", highlight=False, markup=True
        )
        sys.exit(1)
    except KeyboardInterrupt:
        console(stderr=True).print("interrupted")
        sys.exit(130)


if __name__ == "__main__":
    main()
