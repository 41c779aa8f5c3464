"""ISO 3166-1 countries with the numeric ids Natural Earth keys its outlines by.

The ISO table is :mod:`pycountry`'s (maintained upstream, not copied here); a country is
named as everywhere else in Cosmodrome (:func:`cosmodrome.states.resolve_state`): ISO
alpha-2 or alpha-3, GCAT code or English name. Numeric codes are accepted too.

>>> lookup_country("kz")
Country(alpha2='KZ', alpha3='KAZ', numeric='398', name='Kazakhstan')
>>> lookup_country("USA").numeric, lookup_country("F").alpha2, lookup_country("uk").alpha3
('840', 'FR', 'GBR')
"""

from __future__ import annotations

from functools import cache
from typing import NamedTuple

from cosmodrome.errors import UnknownNameError
from cosmodrome.states import iso_state, resolve_state


class Country(NamedTuple):
    alpha2: str
    alpha3: str
    numeric: str
    name: str


@cache
def countries() -> tuple[Country, ...]:
    """Every current ISO 3166-1 country, in numeric order."""
    import pycountry

    rows = [
        Country(str(c.alpha_2), str(c.alpha_3), str(c.numeric), iso_state(str(c.alpha_2)).name)
        for c in pycountry.countries
    ]
    return tuple(sorted(rows, key=lambda c: c.numeric))


def lookup_country(code: str) -> Country:
    """The country with alpha-2, alpha-3 or numeric ``code``, GCAT code or English name.

    Raises :class:`~cosmodrome.errors.UnknownNameError` with the closest names; a state that
    ISO does not code as a current country (ESA, the Soviet Union) is refused by name.
    """
    text = code.strip()
    if text.isdigit():
        for country in countries():
            if country.numeric == text.zfill(3):
                return country
        raise UnknownNameError("ISO 3166 numeric country code", code, [])
    state = resolve_state(text)
    for country in countries():
        if state.iso2 == country.alpha2:
            return country
    raise UnknownNameError(
        f"country with an outline ({state.label} is not a current ISO 3166 country)",
        code,
        [],
    )
