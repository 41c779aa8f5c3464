"""Errors that tell the user what went wrong and how to fix it."""

from __future__ import annotations

import difflib
from collections.abc import Iterable


class CosmodromeError(Exception):
    """Base class of every error Cosmodrome raises on purpose."""


class InputError(CosmodromeError, ValueError):
    """A request that cannot be answered as given (bad date, negative mass, ...)."""


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


def closest_names(name: str, candidates: Iterable[str], n: int = 5) -> list[str]:
    """The candidates that look most like ``name`` (case-insensitive), best first."""
    by_folded: dict[str, str] = {}
    for candidate in candidates:
        by_folded.setdefault(candidate.casefold(), candidate)
    folded = name.casefold()
    matches = difflib.get_close_matches(folded, list(by_folded), n=n, cutoff=0.5)
    prefixed = [key for key in by_folded if key.startswith(folded) and key not in matches]
    return [by_folded[key] for key in (matches + sorted(prefixed))[:n]]
