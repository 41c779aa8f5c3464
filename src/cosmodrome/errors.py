"""Errors that tell the user what went wrong and how to fix it."""

from __future__ import annotations


class CosmodromeError(Exception):
    """Base class of every error Cosmodrome raises on purpose.

    The message speaks of quantities and fields, so that it reads right in the CLI and on
    the web alike; ``cli_hint`` (commands to run, flags to change) is added by the command
    line only, ``web_hint`` (fields to change) by the web only.
    """

    cli_hint: str = ""
    web_hint: str = ""

    def with_hints(self, cli: str = "", web: str = "") -> CosmodromeError:
        """This error with interface-specific advice; returns itself, for ``raise``."""
        self.cli_hint, self.web_hint = cli, web
        return self


class InputError(CosmodromeError, ValueError):
    """A request that cannot be answered as given (bad date, negative mass, ...)."""


class ThinHistoryError(InputError):
    """A forecast refused: the history it would rest on is too thin to say anything."""


class SourceError(CosmodromeError):
    """A data source could not be read or downloaded."""


class CatalogMissingError(CosmodromeError):
    """No catalog has been built yet in this home folder."""


class UnknownNameError(InputError):
    """A name (site, vehicle, agency, ...) that matches nothing; carries the closest names."""

    def __init__(self, kind: str, name: str, suggestions: list[str]) -> None:
        self.kind = kind
        self.name = name
        self.suggestions = suggestions
        hint = f" Did you mean: {', '.join(suggestions)}?" if suggestions else ""
        super().__init__(f"Unknown {kind} {name!r}.{hint}")
