"""Errors that tell the user what went wrong and how to fix it."""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Iterable, Mapping


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


def fold_name(name: str) -> str:
    """Lower case, no accents, runs of spaces and punctuation as one space."""
    plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return " ".join(re.split(r"[^0-9a-z]+", plain.casefold())).strip()


def closest_names(
    name: str,
    candidates: Iterable[str],
    n: int = 5,
    *,
    weight: Mapping[str, float] | None = None,
) -> list[str]:
    """The candidates that look most like ``name``, best first.

    Ranked the way a person reads a list: a candidate spelled the same (ignoring case,
    accents and punctuation) first, then one that starts with ``name`` (``Cape`` ->
    ``Cape Canaveral``), then one with a later word that starts with it (``Cape`` ->
    ``Narrow Cape``; ``ISS`` -> ``ISS (ZARYA)``), then one that contains it, and only then the
    ones a few letters away (``Roscosmos`` -> ``Roskosmos``). Within a rank, a heavier
    ``weight`` (say, more launches) comes first, then the shorter name.

    >>> closest_names("cape", ["Narrow Cape", "CLA", "Cape Kennedy", "Cape Canaveral"],
    ...               weight={"Cape Canaveral": 900, "Cape Kennedy": 30})
    ['Cape Canaveral', 'Cape Kennedy', 'Narrow Cape']
    """
    by_folded: dict[str, str] = {}
    for candidate in candidates:
        by_folded.setdefault(fold_name(candidate), candidate)
    wanted = fold_name(name)
    if not wanted:
        return []
    squeezed = wanted.replace(" ", "")
    ranked: list[tuple[int, float, float, int, str]] = []
    close = set(difflib.get_close_matches(wanted, list(by_folded), n=max(n, 10), cutoff=0.6))
    for key, candidate in by_folded.items():
        rank = _match_rank(wanted, squeezed, key, key in close)
        if rank is not None:
            # Among names a few letters away, the most alike first.
            unlike = -difflib.SequenceMatcher(None, wanted, key).ratio() if rank == 4 else 0.0
            heavier = -(weight or {}).get(candidate, 0.0)
            ranked.append((rank, unlike, heavier, len(candidate), candidate))
    ranked.sort(key=lambda item: (*item[:4], item[4].casefold()))
    return [candidate for *_, candidate in ranked[:n]]


def _match_rank(wanted: str, squeezed: str, key: str, close: bool) -> int | None:
    """0 same, 1 whole-name prefix, 2 word prefix, 3 contained, 4 close spelling, else None."""
    if key == wanted or key.replace(" ", "") == squeezed:
        return 0
    if key.startswith(wanted) or key.replace(" ", "").startswith(squeezed):
        return 1
    if any(word.startswith(wanted) for word in key.split(" ")[1:]):
        return 2
    if len(squeezed) >= 3 and squeezed in key.replace(" ", ""):
        return 3
    return 4 if close else None
