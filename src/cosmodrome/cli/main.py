"""Entry point of the ``cosmodrome`` console script.

Each concern keeps its commands in its own module, which registers them on
:data:`cosmodrome.cli.app.app` when imported here.
"""

from __future__ import annotations

import copy
import sys

import typer

from cosmodrome.cli import capability as _capability  # noqa: F401  (registers commands)
from cosmodrome.cli import catalog as _catalog  # noqa: F401  (registers commands)
from cosmodrome.cli import coverage as _coverage  # noqa: F401  (registers commands)
from cosmodrome.cli import forecast as _forecast  # noqa: F401  (registers commands)
from cosmodrome.cli import live as _live  # noqa: F401  (registers commands)
from cosmodrome.cli import market as _market  # noqa: F401  (registers commands)
from cosmodrome.cli import orbits as _orbits  # noqa: F401  (registers commands)
from cosmodrome.cli import payloads as _payloads  # noqa: F401  (registers commands)
from cosmodrome.cli import schedule as _schedule  # noqa: F401  (registers commands)
from cosmodrome.cli import value as _value  # noqa: F401  (registers commands)
from cosmodrome.cli import web as _web  # noqa: F401  (registers commands)
from cosmodrome.cli.app import app
from cosmodrome.cli.output import console
from cosmodrome.errors import CosmodromeError


def _command_name(info: typer.models.CommandInfo) -> str:
    """The name a user types for a registered command (Typer's rule: the function's name)."""
    named = info.name or getattr(info.callback, "__name__", None) or ""
    return typer.main.get_command_name(named)


def _lean_app(argv: list[str]) -> typer.Typer:
    """The application with only the command (or group) that ``argv`` invokes.

    Typer turns every registered command's signature into options when it starts, about
    2 ms a command; a run needs only the one it invokes. Anything else (``--help``, a
    misspelt command) gets the whole application, so help lists and suggestions are complete.
    """
    invoked = argv[0] if argv else ""
    commands = [info for info in app.registered_commands if _command_name(info) == invoked]
    groups = [info for info in app.registered_groups if info.name == invoked]
    if not commands and not groups:
        return app
    lean = copy.copy(app)
    lean.registered_commands, lean.registered_groups = commands, groups
    return lean


def main() -> None:
    """Run the command line; known errors print one clear line and exit with status 1.

    Usage errors (unknown option, missing argument) are Typer's own: usage, message, status 2.
    """
    try:
        _lean_app(sys.argv[1:])()
    except CosmodromeError as error:
        hint = f" {error.cli_hint}" if error.cli_hint else ""
        _fail(f"{error}{hint}")
    except KeyboardInterrupt:
        console(stderr=True).print("interrupted")
        sys.exit(130)
    except OSError as error:  # a full disk, a read-only home: the system's words, one line
        where = f": {error.filename}" if error.filename else ""
        _fail(f"{error.strerror or error}{where}")
    except Exception as error:
        if type(error).__module__.partition(".")[0] != "duckdb":
            raise
        _fail(f"a store could not be read or written ({_last_line(error)}).{_damaged_note()}")


def _fail(message: str) -> None:
    """One line on stderr (the terminal wraps it, not Rich), status 1; the message is
    escaped, so brackets from a file (``[...]``) are printed, never read as markup."""
    from rich.markup import escape

    console(stderr=True).print(
        f"[bold red]error:[/bold red] {escape(message)}",
        highlight=False,
        markup=True,
        soft_wrap=True,
    )
    sys.exit(1)


def _last_line(error: BaseException) -> str:
    text = str(error).strip() or type(error).__name__
    return text.splitlines()[-1]


def _damaged_note() -> str:
    """Which stores of the home are damaged and how to rebuild each, for a DuckDB error."""
    from cosmodrome import api, config

    health = api.store_health(config.home())
    notes = [
        f"The {name} store is damaged; rebuild it with `{state['rebuild']}`."
        for name, state in health.items()
        if state["state"] == "damaged"
    ]
    return (" " + " ".join(notes)) if notes else ""


if __name__ == "__main__":
    main()
