"""Launch geometry and delta-v against known facts, plus property tests."""

from __future__ import annotations

import doctest
from types import ModuleType

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cosmodrome.capability import geometry, launch, loo, reach, vehicles
from cosmodrome.capability.geometry import (
    ascent_budget,
    azimuths_for_inclination_deg,
    gto_to_geo_m_s,
    inclination_from_azimuth_deg,
    is_directly_reachable,
    rotation_speed_m_s,
    sso_inclination_deg,
)
from cosmodrome.errors import InputError
from cosmodrome.spaceports import find_spaceport

METRE_PER_SECOND = 1.0


@pytest.mark.parametrize(
    ("site", "expected_m_s"),
    # Issue 4's reference values: Kourou ~463, Cape Canaveral ~408, Baikonur ~323 m/s.
    [("Kourou", 463.0), ("Cape Canaveral", 408.0), ("Baikonur", 323.0)],
)
def test_rotation_speed_within_two_metres_per_second(site: str, expected_m_s: float) -> None:
    port = find_spaceport(site)
    assert rotation_speed_m_s(port.lat_deg, port.height_m) == pytest.approx(
        expected_m_s, abs=2 * METRE_PER_SECOND
    )


def test_iss_inclination_is_direct_from_baikonur_and_zero_is_not() -> None:
    lat = find_spaceport("Baikonur").lat_deg
    assert is_directly_reachable(lat, 51.6)
    assert not is_directly_reachable(lat, 0.0)
    north, _south = azimuths_for_inclination_deg(lat, 51.6)
    assert north == pytest.approx(63.4, abs=0.3)  # Soyuz to the ISS flies about 63 deg
    with pytest.raises(InputError, match="not directly reachable"):
        azimuths_for_inclination_deg(lat, 0.0)
    assert ascent_budget(lat, 200, 200, 0.0).plane_change_m_s > 5000.0


@pytest.mark.parametrize("site", ["Vandenberg", "Vostochny"])
def test_sso_is_direct_from_vandenberg_and_vostochny(site: str) -> None:
    port = find_spaceport(site)
    inc = sso_inclination_deg(550.0)
    assert is_directly_reachable(port.lat_deg, inc)
    assert ascent_budget(port.lat_deg, 550, 550, inc).plane_change_m_s == 0.0


def test_sso_inclination_reference_values() -> None:
    # Vallado, Fundamentals of Astrodynamics, 4th ed., example 9-? tables: ~97.4 at 500 km, ~98.6 at 800 km.
    assert sso_inclination_deg(500.0) == pytest.approx(97.4, abs=0.05)
    assert sso_inclination_deg(800.0) == pytest.approx(98.6, abs=0.05)


def test_gto_to_geo_by_latitude() -> None:
    # Classic figures: ~1.8 km/s from Cape Canaveral, ~1.5 km/s from Kourou.
    assert gto_to_geo_m_s(28.5) == pytest.approx(1837, abs=15)
    assert gto_to_geo_m_s(5.2, perigee_km=250) == pytest.approx(1490, abs=15)
    assert gto_to_geo_m_s(0.0) < gto_to_geo_m_s(10.0) < gto_to_geo_m_s(50.0)


def test_retrograde_launch_loses_rotation() -> None:
    # Palmachim launches west: Earth's rotation costs speed instead of giving it.
    port = find_spaceport("Palmachim")
    west = ascent_budget(port.lat_deg, 400, 400, 143.0)
    east = ascent_budget(port.lat_deg, 400, 400, 35.0)
    assert west.rotation_gain_m_s < -300.0 < 300.0 < east.rotation_gain_m_s
    assert west.total_m_s - east.total_m_s > 700.0


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ((100.0, 51.6, 10.0), "below 150 km"),
        ((400.0, 181.0, 10.0), "0..180"),
        ((400.0, 51.6, -1.0), "zero or more"),
    ],
)
def test_bad_requests_are_clear_errors(args: tuple[float, float, float], message: str) -> None:
    with pytest.raises(InputError, match=message):
        geometry.check_request(*args)


@pytest.mark.parametrize(
    ("module", "examples"),
    [(geometry, 5), (vehicles, 8), (reach, 2), (launch, 1), (loo, 1)],
)
def test_docstring_examples_run(module: ModuleType, examples: int) -> None:
    result = doctest.testmod(module)
    assert result.attempted > examples
    assert result.failed == 0


latitudes = st.floats(min_value=-70.0, max_value=70.0, allow_nan=False)


@given(latitudes, st.floats(min_value=0.0, max_value=1.0))
def test_northbound_and_southbound_azimuths_give_the_same_inclination(
    lat: float, share: float
) -> None:
    low = abs(lat)
    inc = low + share * (180.0 - 2.0 * low)
    north, south = azimuths_for_inclination_deg(lat, inc)
    assert (north + south) % 360.0 == pytest.approx(180.0, abs=1e-6)
    assert inclination_from_azimuth_deg(lat, north) == pytest.approx(inc, abs=1e-6)
    assert inclination_from_azimuth_deg(lat, south) == pytest.approx(inc, abs=1e-6)


@given(latitudes, st.floats(min_value=0.0, max_value=360.0))
def test_azimuth_inclination_round_trip_and_bounds(lat: float, az: float) -> None:
    inc = inclination_from_azimuth_deg(lat, az)
    assert abs(lat) - 1e-9 <= inc <= 180.0 - abs(lat) + 1e-9


@given(
    latitudes, st.floats(min_value=0.0, max_value=180.0), st.floats(min_value=0.0, max_value=180.0)
)
def test_delta_v_grows_with_the_inclination_change(lat: float, a: float, b: float) -> None:
    # From a fixed launch inclination, a larger inclination change never costs less.
    launch = min(max(45.0, abs(lat)), 180.0 - abs(lat))
    near, far = sorted([a, b], key=lambda inc: abs(inc - launch))
    cost_near = ascent_budget(lat, 400, 400, near, launch_inc_deg=launch).total_m_s
    cost_far = ascent_budget(lat, 400, 400, far, launch_inc_deg=launch).total_m_s
    assert cost_near <= cost_far + 1e-6


@given(latitudes, st.floats(min_value=0.0, max_value=1.0), st.floats(min_value=0.0, max_value=1.0))
def test_direct_delta_v_grows_from_east_to_west(lat: float, s1: float, s2: float) -> None:
    low = abs(lat)
    lo_inc, hi_inc = sorted(low + s * (180.0 - 2.0 * low) for s in (s1, s2))
    assert (
        ascent_budget(lat, 300, 300, lo_inc).total_m_s
        <= ascent_budget(lat, 300, 300, hi_inc).total_m_s + 1e-6
    )
