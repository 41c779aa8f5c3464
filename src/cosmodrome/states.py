"""States people name, and the GCAT codes the catalog stores for them.

GCAT writes most countries with their ISO 3166-1 alpha-2 code (``KZ``, ``US``, ``CN``) but
keeps codes of its own for some (``F`` France, ``D`` Germany, ``J`` Japan, ``UK``, ``SU`` the
Soviet Union) and for bodies that are not countries (``I-ESA``, ``I-EUM``). Those codes are
mapped once, in ``data/gcat_states.toml`` (with its source and the rule for organisations);
every other country comes from the ISO table of :mod:`pycountry`.

A state is accepted as its ISO alpha-2 or alpha-3 code, its GCAT code or its English name
(any case, accents and punctuation ignored), and shown as ``France (F)``:

>>> resolve_state("FR").code, resolve_state("fra").code, resolve_state("france").label
('F', 'F', 'France (F)')
>>> resolve_state("GB").label, resolve_state("ESA").label, resolve_state("Russia").code
('United Kingdom (UK)', 'European Space Agency', 'RU')

Where an ISO code and a GCAT code are spelled the same but mean different places, typed input
reads the ISO meaning (``NI`` is Nicaragua; GCAT's Northern Ireland is ``Northern Ireland``),
and catalog values read GCAT's (:func:`gcat_state`). An unknown state raises
:class:`~cosmodrome.errors.UnknownNameError` with the closest names.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import TYPE_CHECKING, TypeVar

from cosmodrome.errors import UnknownNameError
from cosmodrome.naming import NameIndex, fold
from cosmodrome.tables import Rows

if TYPE_CHECKING:
    import pandas as pd

#: A table of states: a DataFrame or plain rows.
Table = TypeVar("Table", "pd.DataFrame", Rows)

#: Shorter English names for countries whose ISO name is formal (pycountry's
#: ``common_name`` covers Iran, South Korea, Taiwan, ...; these it lacks).
_SHORT_NAMES = {
    "BQ": "Caribbean Netherlands",
    "CD": "DR Congo",
    "FM": "Micronesia",
    "PS": "Palestine",
    "SH": "Saint Helena",
    "VG": "British Virgin Islands",
    "VI": "US Virgin Islands",
    "US": "United States",
}
#: Further English names people type for ISO countries.
_EXTRA_NAMES = {"US": ("USA", "America", "United States of America"), "CN": ("PRC",)}


@dataclass(frozen=True)
class State:
    """A state as the catalog stores it (``code``, GCAT's) and as people name it."""

    code: str
    name: str
    kind: str  # country, former, territory, organisation, unknown
    iso2: str | None = None
    iso3: str | None = None
    part_of: str | None = None
    long_name: str | None = None
    aliases: tuple[str, ...] = field(default=(), compare=False)

    @property
    def label(self) -> str:
        """``France (F)``; an organisation by its name (``European Space Agency``); an unknown code bare."""
        if self.kind == "organisation" or self.name == self.code:
            return self.name
        return f"{self.name} ({self.code})"


@cache
def _gcat_table() -> dict[str, State]:
    text = resources.files("cosmodrome").joinpath("data/gcat_states.toml").read_text("utf-8")
    table: dict[str, State] = {}
    for code, entry in tomllib.loads(text)["state"].items():
        iso2 = entry.get("iso")
        country = _iso_country(iso2) if iso2 else None
        iso_names = [
            str(n)
            for n in (
                getattr(country, "name", None),
                getattr(country, "official_name", None),
                getattr(country, "common_name", None),
            )
            if n
        ]
        table[code] = State(
            code=code,
            name=str(entry["name"]),
            kind=str(entry["kind"]),
            iso2=iso2,
            iso3=getattr(country, "alpha_3", None) if country else None,
            part_of=entry.get("part_of"),
            long_name=entry.get("long_name"),
            aliases=(*entry.get("aliases", ()), *iso_names),
        )
    return table


def _iso_country(alpha2: str) -> object | None:
    import pycountry

    return pycountry.countries.get(alpha_2=alpha2) or pycountry.historic_countries.get(
        alpha_2=alpha2
    )


@cache
def _iso_states() -> dict[str, State]:
    """ISO countries by alpha-2, as GCAT codes them (France is ``F``, Kazakhstan ``KZ``)."""
    import pycountry

    gcat = _gcat_table()
    gcat_of_iso = {s.iso2: s for s in gcat.values() if s.iso2}
    states: dict[str, State] = {}
    for country in pycountry.countries:
        alpha2 = str(country.alpha_2)
        mapped = gcat_of_iso.get(alpha2)
        if mapped is not None:
            states[alpha2] = mapped
            continue
        name = _SHORT_NAMES.get(alpha2) or getattr(country, "common_name", None) or country.name
        aliases = {str(country.name), *_EXTRA_NAMES.get(alpha2, ())}
        if official := getattr(country, "official_name", None):
            aliases.add(str(official))
        # Where GCAT uses this ISO code for another place (NI, Northern Ireland), the country
        # is keyed by its alpha-3 code, which no catalog value uses.
        code = str(country.alpha_3) if alpha2 in gcat else alpha2
        states[alpha2] = State(
            code=code,
            name=str(name),
            kind="country",
            iso2=alpha2,
            iso3=str(country.alpha_3),
            aliases=tuple(sorted(aliases - {name})),
        )
    return states


def gcat_state(code: str) -> State:
    """The state a catalog value (a GCAT state code) stands for; never raises.

    A code that neither GCAT's table nor ISO knows comes back as itself, kind ``unknown``.
    """
    key = code.strip()
    found = _gcat_table().get(key) or _iso_states().get(key) or _by_code().get(key)
    return found if found is not None else State(key, key, "unknown")


@cache
def _by_code() -> dict[str, State]:
    return {s.code: s for s in _iso_states().values()}


def state_label(code: str | None) -> str | None:
    """``France (F)`` for GCAT's ``F``; ``None`` stays ``None``."""
    if code is None or code != code:  # NaN from a pandas column
        return None
    return gcat_state(str(code)).label


def iso_state(alpha2: str) -> State:
    """The state with ISO alpha-2 ``alpha2`` (the curated facts' vocabulary: ``GF``, ``FR``)."""
    return _iso_states().get(alpha2.strip().upper()) or resolve_state(alpha2)


@cache
def _spellings() -> tuple[dict[str, State], NameIndex, dict[str, State]]:
    """Codes (exact, upper case) -> state; the states' names in a :class:`NameIndex` (codes:
    state codes); and each state by its code."""
    codes: dict[str, State] = {}
    names = NameIndex(
        "state (an ISO code such as FR or FRA, a GCAT code such as F, or an English name)"
    )
    by_code: dict[str, State] = {}
    # ISO codes first so that they win where GCAT spells another place the same (NI).
    for state in _iso_states().values():
        for code in (state.iso2, state.iso3):
            if code:
                codes.setdefault(code.upper(), state)
    for state in (*_gcat_table().values(), *_iso_states().values()):
        codes.setdefault(state.code.upper(), state)
        by_code.setdefault(state.code, state)
        if state.iso3:
            codes.setdefault(state.iso3.upper(), state)
        for spelling in (state.name, state.long_name, *state.aliases):
            # The first state spelled so keeps the name (GCAT's table before ISO's).
            if spelling and not names.knows(spelling):
                names.add(spelling, {state.code}, display=spelling == state.name)
    return codes, names, by_code


def resolve_state(text: str) -> State:
    """The state named by ``text``: ISO alpha-2/alpha-3, GCAT code or English name.

    A unique start of a name also resolves (``Kazakh`` -> Kazakhstan). Anything else
    raises :class:`~cosmodrome.errors.UnknownNameError` listing the closest names.
    """
    codes, names, by_code = _spellings()
    wanted = text.strip()
    found = codes.get(wanted.upper())
    if found is not None:
        return found
    matched = names.lookup(wanted) or (names.prefixed(wanted) if len(fold(wanted)) >= 4 else set())
    if len(matched) == 1:
        return by_code[matched.pop()]
    raise UnknownNameError(names.kind, text, names.suggest(wanted))


def resolve_states(texts: Iterable[str]) -> list[State]:
    """Each of ``texts`` resolved (blank entries skipped), in order, without repeats."""
    found = [resolve_state(t) for t in texts if t.strip()]
    return list(dict.fromkeys(found))


def codes_within(state: State) -> list[str]:
    """GCAT codes a filter by ``state`` matches: the state and its territories (France and
    French Guiana; the United Kingdom and Scotland), never its former or later selves."""
    inside = [s.code for s in _gcat_table().values() if s.part_of == state.code]
    return [state.code, *inside]


def within(state: State, other: State) -> bool:
    """True when ``state`` is ``other`` or one of its territories."""
    return state.code in codes_within(other)


def all_states() -> list[State]:
    """Every state known: GCAT's own codes, then the ISO countries."""
    return list(dict.fromkeys((*_gcat_table().values(), *_iso_states().values())))


def state_name(code: str | None) -> str | None:
    """``France`` for GCAT's ``F``, ``European Space Agency`` for ``I-ESA``; ``None`` stays ``None``."""
    if code is None or code != code:  # NaN from a pandas column
        return None
    return gcat_state(str(code)).name


def with_state_names(frame: Table, *columns: str) -> Table:
    """``frame`` with a ``<column>_name`` column after each state-code column: the one
    labelling step every table of states goes through (codes kept, names added).

    A cell listing several codes (``RU, SU``) gets their names in the same order.
    """
    if isinstance(frame, Rows):
        for column in (c for c in columns if c in frame.columns):
            at = frame.columns.index(column)
            names = [_names_of_cell(row[at]) for row in frame.rows]
            frame = frame.with_column(f"{column}_name", at + 1, names)
        return frame
    for column in columns:
        if column not in frame.columns:
            continue
        names = [_names_of_cell(v) for v in frame[column]]
        position = list(frame.columns).index(column) + 1
        target = f"{column}_name"
        if target in frame.columns:
            frame = frame.drop(columns=target)
        frame.insert(position, target, names)
    return frame


def _names_of_cell(value: object) -> str | None:
    if value is None or value != value:
        return None
    text = str(value)
    if ", " in text:
        return ", ".join(state_name(part) or part for part in text.split(", "))
    return state_name(text)


def organisation_label(name: str | None, state: str | None) -> str | None:
    """An organisation with its state's name: ``Rocket Lab (New Zealand)``; an organisation
    that is itself the state (``European Space Agency``) or has none stays bare."""
    if name is None or name != name:
        return None
    country = state_name(state)
    if not country or country == name or gcat_state(str(state)).kind == "organisation":
        return str(name)
    return f"{name} ({country})"
