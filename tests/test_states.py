"""States by ISO code, GCAT code or English name, and the one way they are shown."""

from __future__ import annotations

import doctest

import pandas as pd
import pycountry
import pytest

import cosmodrome.errors
import cosmodrome.states
from cosmodrome.errors import UnknownNameError
from cosmodrome.naming import closest_names
from cosmodrome.states import (
    all_states,
    codes_within,
    gcat_state,
    iso_state,
    organisation_label,
    resolve_state,
    state_label,
    with_state_names,
)


@pytest.mark.parametrize("module", [cosmodrome.states, cosmodrome.errors])
def test_doctests(module: object) -> None:
    assert doctest.testmod(module).failed == 0  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("typed", "code"),
    [
        ("FR", "F"),
        ("fra", "F"),
        ("France", "F"),
        ("F", "F"),
        ("DE", "D"),
        ("DEU", "D"),
        ("Japan", "J"),
        ("GB", "UK"),
        ("UK", "UK"),
        ("Great Britain", "UK"),
        ("AE", "UAE"),
        ("GF", "GUF"),
        ("French Guiana", "GUF"),
        ("SU", "SU"),
        ("USSR", "SU"),
        ("RU", "RU"),
        ("Russian Federation", "RU"),
        ("US", "US"),
        ("USA", "US"),
        ("South Korea", "KR"),
        ("Côte d'Ivoire", "CI"),
        ("I-ESA", "I-ESA"),
        ("European Space Agency", "I-ESA"),
        ("ESA", "I-ESA"),
        ("ESRO", "I-ESRO"),
        ("EUMETSAT", "I-EUM"),
    ],
)
def test_every_spelling_names_one_state(typed: str, code: str) -> None:
    assert resolve_state(typed).code == code


def test_iso_wins_for_typed_codes_gcat_for_catalog_values() -> None:
    # GCAT writes Northern Ireland as NI, ISO Nicaragua: typed NI is Nicaragua, and
    # Nicaragua never matches the catalog's NI rows.
    nicaragua = resolve_state("NI")
    assert nicaragua.name == "Nicaragua" and nicaragua.code != "NI"
    assert gcat_state("NI").name == "Northern Ireland"
    assert resolve_state("Northern Ireland").code == "NI"


def test_territories_belong_to_their_state_and_organisations_to_nobody() -> None:
    assert "GUF" in codes_within(resolve_state("France"))
    assert "NI" in codes_within(resolve_state("GB"))
    assert codes_within(resolve_state("ESA")) == ["I-ESA"]
    assert "SU" not in codes_within(resolve_state("Russia"))
    assert "DD" not in codes_within(resolve_state("Germany"))


def test_labels() -> None:
    assert state_label("F") == "France (F)"
    # an organisation by the name people use, its short form kept as an alias (issue 21)
    assert state_label("I-ESA") == "European Space Agency"
    assert state_label("US") == "United States (US)"
    assert state_label(None) is None
    assert gcat_state("ZZZ").label == "ZZZ"  # an unknown catalog value is shown as itself
    assert organisation_label("Rocket Lab", "NZ") == "Rocket Lab (New Zealand)"
    assert organisation_label("ESA", "I-ESA") == "ESA"  # the organisation, not its state
    assert organisation_label("European Space Agency", "I-ESA") == "European Space Agency"
    assert iso_state("FR").label == "France (F)"


def test_with_state_names_keeps_codes_and_adds_names() -> None:
    frame = pd.DataFrame({"provider_state": ["F", "UK", None], "states": ["RU, SU", "J", ""]})
    named = with_state_names(frame, "provider_state", "states")
    assert list(named.columns) == ["provider_state", "provider_state_name", "states", "states_name"]
    assert named["provider_state_name"].tolist()[:2] == ["France", "United Kingdom"]
    assert pd.isna(named["provider_state_name"].iloc[2])
    assert named["states_name"].tolist()[:2] == ["Russia, Soviet Union", "Japan"]


def test_unknown_state_suggests_the_closest() -> None:
    with pytest.raises(UnknownNameError) as caught:
        resolve_state("Frnace")
    assert caught.value.suggestions[0] == "France"
    with pytest.raises(UnknownNameError):
        resolve_state("ZZ")


def test_every_iso_country_is_known_with_its_codes() -> None:
    states = {s.iso2: s for s in all_states() if s.iso2}
    for country in pycountry.countries:
        state = states[country.alpha_2]
        assert resolve_state(country.alpha_2) == state
        assert resolve_state(country.alpha_3) == state


def test_suggestions_rank_prefixes_before_edit_distance() -> None:
    names = ["LINUSS2", "LINUSS1", "BIOMASS", "SWAS", "ISS (ZARYA)", "ISS (NAUKA)"]
    assert closest_names("ISS", names)[:2] == ["ISS (NAUKA)", "ISS (ZARYA)"]
    assert closest_names("ISS", names, weight={"ISS (ZARYA)": 1.0})[0] == "ISS (ZARYA)"
    assert closest_names("Roscosmos", ["Roskosmos", "Cosmos"])[0] == "Roskosmos"


def test_spaceport_and_place_suggestions_put_the_spaceport_first() -> None:
    from cosmodrome.astro.gazetteer import resolve_location
    from cosmodrome.spaceports import find_spaceport

    with pytest.raises(UnknownNameError) as caught:
        find_spaceport("Cape")
    assert caught.value.suggestions[0] == "Cape Canaveral"
    with pytest.raises(UnknownNameError) as caught:
        resolve_location("Cape")
    assert caught.value.suggestions[0] == "Cape Canaveral"
