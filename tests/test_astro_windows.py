"""Launch windows: plane geometry, a historical launch, recurrence, and bad input."""

from __future__ import annotations

import csv
import itertools
from datetime import UTC, datetime, timedelta

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sgp4.api import WGS72, Satrec
from sgp4.exporter import export_tle
from skyfield.api import EarthSatellite, wgs84

from cosmodrome.astro.elements import ElementSet, EpochGapError, parse_tle
from cosmodrome.astro.frames import timescale
from cosmodrome.astro.windows import (
    NoInPlaneTimeError,
    launch_windows,
    out_of_plane_deg,
    plane_target,
)
from cosmodrome.errors import InputError
from cosmodrome.spaceports import find_spaceport
from tests.conftest import SHARED_DATA

IN_PLANE_TOLERANCE_DEG = 0.01  # issue 5: the pad lies in the plane to better than 0.01 deg
SIDEREAL_DAY_S = 86164.0905  # mean sidereal day (IERS conventions)

# ISS set published by CelesTrak on 2023-11-29 (epoch 21:59:18 UTC), typed from that
# publication: the elements a ballistics team would have used for the 2023-12-01 launch.
ISS_2023 = (
    "ISS (ZARYA)",
    "1 25544U 98067A   23333.91619101  .00024169  00000+0  43094-3 0  9996",
    "2 25544  51.6417 227.6788 0001060 344.9414 118.7978 15.49949661427493",
)
# Progress MS-25 lifted off from Baikonur Site 31/6 on 2023-12-01 at 09:25:12 UTC
# (GCAT launch log, launch 2023-184, "2023 Dec  1 0925:12", site GIK-5 LC31).
PROGRESS_MS25_UTC = datetime(2023, 12, 1, 9, 25, 12, tzinfo=UTC)


@pytest.fixture(scope="module")
def iss() -> ElementSet:
    return parse_tle(list(ISS_2023)).records[0]


def skyfield_out_of_plane_deg(
    record: ElementSet, lat: float, lon: float, h: float, moment: datetime
) -> float:
    """The same angle computed independently with Skyfield (GCRS, full Earth rotation model)."""
    ts = timescale()
    t = ts.from_datetime(moment)
    state = EarthSatellite.from_satrec(record.satrec, ts).at(t)
    normal = np.cross(state.position.km, state.velocity.km_per_s)
    pad = wgs84.latlon(lat, lon, elevation_m=h).at(t).position.km
    sine = np.dot(normal, pad) / np.linalg.norm(normal) / np.linalg.norm(pad)
    return float(np.degrees(np.arcsin(sine)))


def test_pad_lies_in_the_plane_at_each_in_plane_time(iss: ElementSet) -> None:
    port = find_spaceport("Baikonur")
    pad = port.pad("Site 31/6")
    result = launch_windows(
        pad.lat_deg, pad.lon_deg, port.height_m, iss, datetime(2023, 12, 1, tzinfo=UTC), 3.0,
        max_yaw_deg=1.5, corridors=port.corridors,
    )  # fmt: skip
    assert len(result.windows) == 6
    for window in result.windows:
        angle = skyfield_out_of_plane_deg(
            iss, pad.lat_deg, pad.lon_deg, port.height_m, window.in_plane_utc
        )
        assert abs(angle) < IN_PLANE_TOLERANCE_DEG
        assert window.open_utc is not None and window.close_utc is not None
        assert window.open_utc < window.in_plane_utc < window.close_utc
        for edge in (window.open_utc, window.close_utc):
            edge_angle = skyfield_out_of_plane_deg(
                iss, pad.lat_deg, pad.lon_deg, port.height_m, edge
            )
            assert abs(edge_angle) == pytest.approx(1.5, abs=IN_PLANE_TOLERANCE_DEG)


def test_historical_progress_ms25_launch_falls_in_the_window(iss: ElementSet) -> None:
    port = find_spaceport("Baikonur")
    pad = port.pad("Site 31/6")
    result = launch_windows(
        pad.lat_deg, pad.lon_deg, port.height_m, iss, datetime(2023, 12, 1, tzinfo=UTC), 1.0,
        max_yaw_deg=1.5, corridors=port.corridors,
    )  # fmt: skip
    [window] = [w for w in result.windows if w.branch == "northbound"]
    assert window.open_utc is not None and window.close_utc is not None
    assert window.open_utc <= PROGRESS_MS25_UTC <= window.close_utc
    # Soyuz launches to the ISS lift off within seconds of the in-plane time.
    assert abs((window.in_plane_utc - PROGRESS_MS25_UTC).total_seconds()) < 60.0
    # The ground azimuth of Soyuz flights to the ISS is about 62 deg, inside the corridor.
    assert window.azimuth_deg == pytest.approx(62.0, abs=1.5)
    assert window.corridor_ok is True and window.flags == ""
    # A fast-rendezvous launch: the ISS is only a few degrees ahead at lift-off.
    assert -10.0 < window.phase_deg < 20.0
    southbound = [w for w in result.windows if w.branch == "southbound"]
    assert southbound and all("southbound" in w.flags for w in southbound)
    assert all(w.corridor_ok is False for w in southbound)
    assert any("days old" in warning for warning in result.warnings) is False


@pytest.mark.integration
def test_historical_launch_time_matches_the_catalog() -> None:
    launchlog = SHARED_DATA / "gcat" / "tsv" / "derived" / "launchlog.tsv"
    if not launchlog.is_file():
        pytest.skip(f"frozen mirror not found at {launchlog.parent}")
    with launchlog.open(encoding="utf-8") as handle:
        rows = [
            row
            for row in csv.reader(handle, delimiter="\t")
            if row and row[0].strip() == "2023-184"
        ]
    assert rows, "Progress MS-25 (2023-184) missing from the launch log"
    date_text = rows[0][1].strip()
    assert date_text == "2023 Dec  1 0925:12"
    assert rows[0][4].strip() == "Progress MS-25"
    assert (rows[0][12].strip(), rows[0][13].strip()) == ("GIK-5", "LC31")  # Baikonur Site 31


def test_windows_recur_daily_and_drift_by_the_nodal_regression(iss: ElementSet) -> None:
    port = find_spaceport("Baikonur")
    result = launch_windows(
        port.lat_deg, port.lon_deg, port.height_m, iss, datetime(2023, 11, 30, tzinfo=UTC), 5.0
    )
    for branch in ("northbound", "southbound"):
        windows = [w for w in result.windows if w.branch == branch]
        assert len(windows) == 5  # once per day per branch
        times = [w.in_plane_utc for w in windows]
        raans = np.array([w.target_raan_deg for w in windows])
        gaps_s = np.array([(b - a).total_seconds() for a, b in itertools.pairwise(times)])
        regression_deg = (raans[:-1] - raans[1:]) % 360.0  # westward drift per day, deg
        assert np.all((regression_deg > 4.5) & (regression_deg < 5.5))  # ISS: about 5 deg/day
        # Each day the plane comes back one sidereal day later, minus the time the Earth
        # takes to turn through the day's nodal regression.
        expected_s = SIDEREAL_DAY_S * (1.0 - regression_deg / 360.0)
        assert np.all(np.abs(gaps_s - expected_s) < 90.0)
        assert np.all(gaps_s < 86400.0 - 20 * 60)  # earlier each day by ~24 minutes


def test_plane_target_from_raan_and_inclination(iss: ElementSet) -> None:
    start = datetime(2023, 12, 1, tzinfo=UTC)
    port = find_spaceport("Baikonur")
    from_tle = launch_windows(port.lat_deg, port.lon_deg, port.height_m, iss, start, 1.0)
    first = from_tle.windows[0]
    plane = plane_target(
        first.target_raan_deg, iss.inclination_deg, first.in_plane_utc, altitude_km=420.0
    )
    from_plane = launch_windows(port.lat_deg, port.lon_deg, port.height_m, plane, start, 1.0)
    matched = min(
        from_plane.windows, key=lambda w: abs((w.in_plane_utc - first.in_plane_utc).total_seconds())
    )
    assert matched.branch == first.branch
    assert abs((matched.in_plane_utc - first.in_plane_utc).total_seconds()) < 120.0
    assert np.isnan(matched.phase_deg)


@settings(max_examples=12, deadline=None)
@given(
    lat=st.floats(min_value=-60.0, max_value=60.0),
    lon=st.floats(min_value=-180.0, max_value=180.0),
    raan=st.floats(min_value=0.0, max_value=359.0),
    margin=st.floats(min_value=1.0, max_value=40.0),
    retrograde=st.booleans(),
)
def test_property_every_window_is_in_plane(
    lat: float, lon: float, raan: float, margin: float, retrograde: bool
) -> None:
    inclination = min(abs(lat) + margin, 89.0)
    if retrograde:
        inclination = 180.0 - inclination
    start = datetime(2025, 6, 1, tzinfo=UTC)
    plane = plane_target(raan, inclination, start)
    result = launch_windows(lat, lon, 0.0, plane, start, 1.5, max_yaw_deg=0.5)
    assert 2 <= len(result.windows) <= 4
    offsets = np.array([(w.in_plane_utc - start).total_seconds() for w in result.windows])
    residual = out_of_plane_deg(lat, lon, 0.0, plane.satrec, offsets, start)
    assert np.all(np.abs(residual) < 1e-4)
    assert {w.branch for w in result.windows} == {"northbound", "southbound"}
    for window in result.windows:
        north = window.inertial_azimuth_deg < 90.0 or window.inertial_azimuth_deg > 270.0
        assert north == (window.branch == "northbound")


def test_site_above_the_inclination_has_no_in_plane_time(iss: ElementSet) -> None:
    port = find_spaceport("Plesetsk")
    with pytest.raises(NoInPlaneTimeError) as caught:
        launch_windows(port.lat_deg, port.lon_deg, 0.0, iss, datetime(2023, 12, 1, tzinfo=UTC), 2.0)
    message = str(caught.value)
    assert "62.9" in message and "51.64" in message and "never lies in that plane" in message


def test_epoch_years_away_is_refused(iss: ElementSet) -> None:
    with pytest.raises(EpochGapError, match="years"):
        launch_windows(45.9, 63.3, 0.0, iss, datetime(2026, 1, 1, tzinfo=UTC), 1.0)


def test_decayed_object_is_reported() -> None:
    sat = Satrec()
    mean_motion = np.sqrt(398600.8 / (6378.135 + 180.0) ** 3) * 60.0  # rad/min at 180 km
    sat.sgp4init(
        WGS72,
        "i",
        99999,
        23000.0,
        0.05,
        0.0,
        0.0,
        0.001,
        0.0,
        np.radians(51.6),
        0.0,
        mean_motion,
        1.0,
    )
    record = parse_tle(["DECAYING", *export_tle(sat)]).records[0]
    with pytest.raises(InputError, match="decayed"):
        launch_windows(45.9, 63.3, 0.0, record, record.epoch_utc + timedelta(days=2), 1.0)


def test_stale_elements_warn_with_their_age(iss: ElementSet) -> None:
    result = launch_windows(45.9, 63.3, 0.0, iss, datetime(2023, 12, 8, tzinfo=UTC), 1.0)
    [warning] = result.warnings
    assert "9.1 days old" in warning


def test_rejects_bad_arguments(iss: ElementSet) -> None:
    start = datetime(2023, 12, 1, tzinfo=UTC)
    with pytest.raises(InputError, match="days must be"):
        launch_windows(45.9, 63.3, 0.0, iss, start, 0.0)
    with pytest.raises(InputError, match="max yaw"):
        launch_windows(45.9, 63.3, 0.0, iss, start, 1.0, max_yaw_deg=-1.0)
    with pytest.raises(InputError, match="time zone"):
        launch_windows(45.9, 63.3, 0.0, iss, datetime(2023, 12, 1), 1.0)
    with pytest.raises(InputError, match="inclination"):
        plane_target(10.0, 190.0, start)
