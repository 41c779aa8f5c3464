"""``cosmodrome coverage`` through the real console entry point, on element sets built in code."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sgp4.exporter import export_tle

from cosmodrome.astro.coverage.analysis import walker_constellation
from tests.conftest import SHARED_DATA, CliResult, CliRunner

START = datetime(2025, 10, 3, tzinfo=UTC)


@pytest.fixture(scope="module")
def tle_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A 3LE file of a small Walker constellation named like Starlink, plus one other satellite."""
    sats = walker_constellation(
        planes=6, per_plane=8, altitude_km=550, inclination_deg=53, epoch_utc=START
    )
    lines = []
    for k, sat in enumerate(sats.satrecs):
        line1, line2 = export_tle(sat)
        lines += [f"STARLINK-{1000 + k}", line1, line2]
    other = walker_constellation(
        planes=1,
        per_plane=1,
        altitude_km=800,
        inclination_deg=98,
        epoch_utc=START,
        first_satnum=80000,
    ).satrecs[0]
    line1, line2 = export_tle(other)
    lines += ["OTHERSAT", line1, line2]
    path = tmp_path_factory.mktemp("coverage") / "walker.tle"
    path.write_text("\n".join(lines) + "\n")
    return path


@pytest.fixture()
def run(cosmodrome: CliRunner, tmp_path: Path) -> Callable[..., CliResult]:
    """``cosmodrome coverage ARGS`` with an empty home folder."""
    return lambda *args: cosmodrome(tmp_path / "home", "coverage", *args)


COMMON = ("--mask", "20", "--start", "2025-10-03", "--hours", "1", "--step", "60")


def test_region_csv_and_outputs(
    run: Callable[..., CliResult], tle_file: Path, tmp_path: Path
) -> None:
    result = run(
        "--tle", str(tle_file), "--group", "starlink", "--region", "40,60,46,70",
        "--resolution", "2", *COMMON, "--format", "csv", "--out", str(tmp_path / "c.geojson"),
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert len(rows) == 15
    assert {"lat_deg", "lon_deg", "mean_visible", "outages", "longest_outage_s"} <= set(rows[0])
    document = json.loads((tmp_path / "c.geojson").read_text())
    assert document["type"] == "FeatureCollection" and len(document["features"]) == 15
    meta = document["properties"]
    assert meta["satellites"] == 48  # the group filter dropped OTHERSAT
    assert meta["elements_epoch_first_utc"] == "2025-10-03T00:00:00Z"
    assert meta["mask_deg"] == 20.0
    ring = document["features"][0]["geometry"]["coordinates"][0]
    assert len(ring) == 5 and ring[0] == ring[-1]


def test_country_png_and_table(
    run: Callable[..., CliResult], tle_file: Path, tmp_path: Path
) -> None:
    png = tmp_path / "kz.png"
    result = run(
        "--tle", str(tle_file), "--region", "KZ", "--resolution", "2", *COMMON, "--out", str(png),
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert "Kazakhstan (KZ)" in result.stdout and "frac ge1" in result.stdout
    csv_path = tmp_path / "kz.csv"
    assert run("--tle", str(tle_file), "--region", "KZ", "--resolution", "2", *COMMON,
               "--out", str(csv_path)).returncode == 0  # fmt: skip
    assert csv_path.read_text().startswith("lat_deg,lon_deg,area_km2")


def test_point_time_series_json(run: Callable[..., CliResult], tle_file: Path) -> None:
    result = run("--tle", str(tle_file), "--point", "43.24,76.95", *COMMON, "--format", "json")
    assert result.returncode == 0, result.stderr
    series = json.loads(result.stdout)
    assert len(series) == 60
    assert series[0]["time_utc"] == "2025-10-03T00:00:00Z"
    assert {"visible", "service"} <= set(series[0])


def test_point_uses_the_height_of_the_place(run: Callable[..., CliResult], tle_file: Path) -> None:
    table = run("--tle", str(tle_file), "--point", "Almaty", *COMMON)
    assert table.returncode == 0, table.stderr
    assert "height (m)" in table.stdout and "800" in table.stdout
    coords = run("--tle", str(tle_file), "--point", "-16.5,-68.15,3640", *COMMON)
    assert coords.returncode == 0, coords.stderr
    assert "3640" in coords.stdout


@pytest.mark.integration
def test_almaty_starlink_counts_match_skyfield_at_800_m(run: Callable[..., CliResult]) -> None:
    """The frozen mirror's Starlink group seen from Almaty (800 m), mask 25 degrees.

    Skyfield's ``(sat - wgs84.latlon(43.24, 76.95, elevation_m=800)).at(t).altaz()`` gives
    65, 61, 81 and 71 satellites at minutes 0, 5, 30 and 59 of 2025-10-03; at sea level the
    counts would be 66, 61, 82 and 72.
    """
    active = SHARED_DATA / "celestrak" / "active-2025-10-03.tle"
    if not active.is_file():
        pytest.skip(f"frozen mirror not found at {active} (place shared/ beside the project)")
    result = run(
        "--tle", str(active), "--group", "starlink", "--point", "Almaty", "--mask", "25",
        "--start", "2025-10-03", "--hours", "1", "--step", "60", "--format", "json",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    series = json.loads(result.stdout)
    assert [series[minute]["visible"] for minute in (0, 5, 30, 59)] == [65, 61, 81, 71]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--region", "KZ", "--mask", "95"), "between 0 and 90"),
        (("--region", "KZ", "--step", "0"), "step must be a positive"),
        (("--region", "Kazakstan"), "Kazakhstan"),
        (("--region", "VA"), "is empty"),
        (("--region", "KZ", "--point", "Almaty"), "exactly one of"),
        (("--region", "KZ", "--engine", "gpu"), "unknown engine"),
        (("--region", "KZ", "--scheduler", "tcp://x:1"), "needs --engine dask"),
        (("--region", "KZ", "--out", "x.txt"), "cannot tell the output format"),
    ],
)
def test_bad_input_gives_one_clear_line(
    run: Callable[..., CliResult], tle_file: Path, args: tuple[str, ...], message: str
) -> None:
    base = ["--tle", str(tle_file), "--start", "2025-10-03", "--hours", "0.1", "--resolution", "2"]
    result = run(*base, *args)
    assert result.returncode == 1
    assert message in result.stderr


def test_group_without_store_explains(run: Callable[..., CliResult]) -> None:
    result = run("--group", "starlink", "--region", "KZ", "--hours", "0.1")
    assert result.returncode == 1
    assert "--tle FILE" in result.stderr
