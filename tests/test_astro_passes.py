"""Positions against Skyfield and sgp4 directly; passes; visibility; places for --at."""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from skyfield.api import EarthSatellite, load_file, wgs84
from skyfield.framelib import true_equator_and_equinox_of_date

from cosmodrome.astro import frames
from cosmodrome.astro.elements import ElementSet, parse_tle
from cosmodrome.astro.gazetteer import (
    find_city,
    load_gazetteer,
    parse_coordinates,
    resolve_location,
)
from cosmodrome.astro.passes import Observer, find_passes, local_time_zone
from cosmodrome.astro.where import where, where_frame
from cosmodrome.errors import InputError, UnknownNameError

METRE_KM = 0.001
ISS_2023 = (
    "ISS (ZARYA)",
    "1 25544U 98067A   23333.91619101  .00024169  00000+0  43094-3 0  9996",
    "2 25544  51.6417 227.6788 0001060 344.9414 118.7978 15.49949661427493",
)
ALMATY = Observer("Almaty", 43.24, 76.95, 800.0)


@pytest.fixture(scope="module")
def iss() -> ElementSet:
    return parse_tle(list(ISS_2023)).records[0]


def test_teme_positions_equal_sgp4(iss: ElementSet) -> None:
    start = datetime(2023, 12, 1, tzinfo=UTC)
    t = frames.utc_offsets(start, np.arange(0.0, 86400.0, 3600.0))
    r, _v, errors = frames.teme_state(iss.satrec, t)
    assert not errors.any()
    for i, moment in enumerate(frames.to_datetimes(t)):
        days = (moment - datetime(2000, 1, 1, 12, tzinfo=UTC)).total_seconds() / 86400.0
        _, r_ref, _ = iss.satrec.sgp4(2451545.0, days)
        assert np.linalg.norm(r[i] - r_ref) < METRE_KM


def test_where_agrees_with_skyfield_to_metres(iss: ElementSet) -> None:
    moments = [datetime(2023, 11, 30, tzinfo=UTC) + timedelta(minutes=37 * k) for k in range(40)]
    points = where(iss, moments)
    ts = frames.timescale()
    satellite = EarthSatellite.from_satrec(iss.satrec, ts)
    for point, moment in zip(points, moments, strict=True):
        reference = wgs84.geographic_position_of(satellite.at(ts.from_datetime(moment)))
        mine = wgs84.latlon(point.lat_deg, point.lon_deg, elevation_m=point.altitude_km * 1000.0)
        ref = wgs84.latlon(
            reference.latitude.degrees, reference.longitude.degrees, reference.elevation.m
        )
        gap_km = np.linalg.norm(mine.itrs_xyz.km - ref.itrs_xyz.km)
        assert gap_km < 5 * METRE_KM
        assert point.time_utc == moment


def test_where_frame_and_decay(iss: ElementSet) -> None:
    frame = where_frame(iss, [datetime(2023, 12, 1, 12, tzinfo=UTC)])
    assert list(frame.columns[:4]) == ["time_utc", "norad_id", "name", "lat_deg"]
    row = frame.iloc[0]
    assert 400.0 < float(row["altitude_km"]) < 440.0
    assert 7.6 < float(row["speed_km_s"]) < 7.7
    with pytest.raises(InputError, match="at least one"):
        where(iss, [])


def test_sun_direction_matches_skyfield_with_de441() -> None:
    """Reference: Skyfield with the JPL DE441 excerpt shipped in Skyfield's own test data."""
    import skyfield

    path = Path(skyfield.__file__).parent / "tests" / "data" / "de441-1969.bsp"
    if not path.is_file():
        pytest.skip("Skyfield's DE441 test excerpt is not installed")
    eph = load_file(str(path))
    ts = frames.timescale()
    t = ts.utc(1969, 7, 26, np.arange(0, 144, 3))
    try:
        apparent = eph["earth"].at(t).observe(eph["sun"]).apparent()
    finally:
        eph.close()
    xyz = apparent.frame_xyz(true_equator_and_equinox_of_date).au
    reference = (xyz / np.linalg.norm(xyz, axis=0)).T
    angle = np.degrees(
        np.arccos(np.clip(np.sum(reference * frames.sun_direction_teme(t), -1), -1, 1))
    )
    assert angle.max() < 0.01


def test_passes_match_skyfield_geometry(iss: ElementSet) -> None:
    result = find_passes(
        iss, ALMATY, datetime(2023, 12, 1, tzinfo=UTC), 1.0, min_elevation_deg=10.0
    )
    assert 4 <= len(result.passes) <= 7
    ts = frames.timescale()
    satellite = EarthSatellite.from_satrec(iss.satrec, ts)
    topos = wgs84.latlon(ALMATY.lat_deg, ALMATY.lon_deg, elevation_m=ALMATY.height_m)
    for p in result.passes:
        assert p.rise_utc is not None and p.set_utc is not None
        assert p.rise_utc < p.culmination_utc < p.set_utc
        assert 60.0 < (p.set_utc - p.rise_utc).total_seconds() < 800.0
        alt, _, distance = (satellite - topos).at(ts.from_datetime(p.rise_utc)).altaz()
        # Skyfield's event finder resolves times to about half a second: ~0.02 deg at rise.
        assert alt.degrees == pytest.approx(10.0, abs=0.03)
        alt, _, distance = (satellite - topos).at(ts.from_datetime(p.culmination_utc)).altaz()
        assert alt.degrees == pytest.approx(p.max_elevation_deg, abs=1e-6)
        assert distance.km == pytest.approx(p.culmination_range_km, abs=METRE_KM)
        before, _, _ = (
            (satellite - topos)
            .at(ts.from_datetime(p.culmination_utc - timedelta(seconds=5)))
            .altaz()
        )
        assert before.degrees < p.max_elevation_deg
    assert {p.time_zone for p in result.passes} == {"Asia/Almaty"}


def test_visible_passes_are_at_dusk_or_dawn(iss: ElementSet) -> None:
    start = datetime(2023, 12, 1, tzinfo=UTC)
    everything = find_passes(iss, ALMATY, start, 2.0, min_elevation_deg=10.0)
    visible = find_passes(iss, ALMATY, start, 2.0, min_elevation_deg=10.0, visible_only=True)
    assert 0 < len(visible.passes) < len(everything.passes)
    assert all(p.visible for p in visible.passes)
    for p in visible.passes:
        t = frames.timescale().from_datetime(p.culmination_utc)
        sun = frames.sun_direction_teme(t)
        up = frames.up_vector_teme(ALMATY.lat_deg, ALMATY.lon_deg, t)
        sun_altitude = np.degrees(np.arcsin(np.sum(sun * up)))
        assert -40.0 < sun_altitude < 0.0  # a sunlit ISS over a dark site: twilight hours
    frame = visible.to_frame()
    # Almaty kept UTC+6 until 2024-03-01 (UTC+5 since): local times follow the date's rules.
    assert frame["rise_local"].str.endswith("+06:00").all()
    assert frame["time_zone"].eq("Asia/Almaty").all()


def test_passes_bad_input(iss: ElementSet) -> None:
    with pytest.raises(InputError, match="days must be"):
        find_passes(iss, ALMATY, datetime(2023, 12, 1, tzinfo=UTC), 60.0)
    with pytest.raises(InputError, match="years"):
        find_passes(iss, ALMATY, datetime(2025, 12, 1, tzinfo=UTC), 1.0)
    with pytest.raises(InputError, match="latitude"):
        Observer("nowhere", 95.0, 0.0)


def test_stale_passes_warn(iss: ElementSet) -> None:
    result = find_passes(iss, ALMATY, datetime(2023, 12, 6, tzinfo=UTC), 0.5)
    assert len(result.warnings) == 1 and "days old" in result.warnings[0]


# --------------------------------------------------------------------------- places


def test_gazetteer_contents() -> None:
    cities = load_gazetteer()
    assert len(cities) >= 220
    kazakh = {c.name for c in cities if c.country == "KZ"}
    required = {"Astana", "Almaty", "Shymkent", "Aktobe", "Karaganda", "Oral", "Kyzylorda", "Konaev",
                "Taldykorgan", "Semey", "Zhezkazgan", "Turkistan", "Petropavl", "Pavlodar", "Oskemen",
                "Kostanay", "Kokshetau", "Atyrau", "Aktau", "Taraz"}  # fmt: skip
    assert required <= kazakh
    assert len({(c.name, c.country) for c in cities}) == len(cities)
    for city in cities:
        assert -90 <= city.lat_deg <= 90 and -180 <= city.lon_deg <= 180
        assert -100 <= city.elevation_m <= 4500
    tokyo = find_city("tokyo")
    assert (tokyo.country, tokyo.lat_deg, tokyo.lon_deg) == ("JP", 35.68, 139.69)
    assert find_city("Sao Paulo").name == "São Paulo"
    assert find_city("Hyderabad, PK").country == "PK"


def test_resolve_location_kinds() -> None:
    assert resolve_location("Baikonur").kind == "spaceport"
    almaty = resolve_location("almaty")
    assert (almaty.kind, almaty.lat_deg, almaty.lon_deg, almaty.height_m) == (
        "city",
        43.24,
        76.95,
        800.0,
    )
    point = resolve_location(" 43.24, 76.95 ,800")
    assert (point.kind, point.lat_deg, point.lon_deg, point.height_m) == (
        "coordinates",
        43.24,
        76.95,
        800.0,
    )
    assert resolve_location("-33.9,200").lon_deg == pytest.approx(-160.0)
    with pytest.raises(UnknownNameError) as caught:
        resolve_location("Almatyy")
    assert "Almaty" in caught.value.suggestions
    with pytest.raises(InputError, match="latitude"):
        resolve_location("91,10")


@settings(max_examples=50)
@given(
    lat=st.floats(min_value=-90, max_value=90, allow_nan=False),
    lon=st.floats(min_value=-180, max_value=180, allow_nan=False),
    height=st.one_of(st.none(), st.floats(min_value=-400, max_value=9000, allow_nan=False)),
)
def test_coordinates_round_trip(lat: float, lon: float, height: float | None) -> None:
    text = f"{lat!r},{lon!r}" + ("" if height is None else f",{height!r}")
    place = parse_coordinates(text)
    assert place is not None
    assert place.lat_deg == lat and place.height_m == (height or 0.0)
    assert place.lon_deg == (lon if lon != 180.0 else -180.0)


def test_local_time_zone_at_sea_and_on_land() -> None:
    assert local_time_zone(51.17, 71.45) == "Asia/Almaty"
    assert local_time_zone(35.68, 139.69) == "Asia/Tokyo"
    assert local_time_zone(-40.0, -140.0).startswith("Etc/GMT")


def test_time_zones_are_found_without_numba() -> None:
    """timezonefinder's C extension answers a pass's time zone in a fresh process; numba's
    compiler (a quarter of a second to load) is left to the coverage kernels."""
    code = (
        "import sys\nfrom cosmodrome.astro.passes import local_time_zone as zone\n"
        "print(zone(43.24, 76.95), zone(40.71, -74.01), zone(0.0, -30.0), 'numba' in sys.modules)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.split() == ["Asia/Almaty", "America/New_York", "Etc/GMT+2", "False"]
