"""Element sets: epochs that are not days of their year or years of the space age are
refused; two sets of one object and epoch are resolved by the documented rule, warned."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cosmodrome.astro.elements import parse_omm_records, parse_text, tle_checksum
from cosmodrome.astro.store import DUPLICATE_RULE, ElementStore, load_file_into_store

LINE1 = "1 25544U 98067A   23333.91619101  .00024169  00000+0  43094-3 0  9996"
LINE2 = "2 25544  51.6417 227.6788 0001060 344.9414 118.7978 15.49949661427493"


def fixed(line: str) -> str:
    return line[:68] + str(tle_checksum(line))


def tle(day: str = "333.91619101", inclination: str = " 51.6417") -> str:
    line1 = fixed(LINE1[:20] + day + LINE1[32:])
    line2 = fixed(LINE2[:8] + inclination + LINE2[16:])
    return f"ISS (ZARYA)\n{line1}\n{line2}\n"


@pytest.mark.parametrize("day", ["400.91619101", "000.91619101", "366.50000000"])
def test_an_epoch_day_outside_its_year_is_refused(day: str) -> None:
    parsed = parse_text(tle(day), lenient=True)
    assert parsed.records == []
    assert "is outside 1 to 365 of 2023" in str(parsed.warnings[0])


@pytest.mark.parametrize("epoch", ["9999-12-31T23:59:59", "1900-01-01T00:00:00"])
def test_an_omm_epoch_outside_the_space_age_is_a_problem_not_a_traceback(epoch: str) -> None:
    row = {
        "OBJECT_NAME": "ISS",
        "NORAD_CAT_ID": "25544",
        "EPOCH": epoch,
        "MEAN_MOTION": "15.5",
        "ECCENTRICITY": "0.0001",
        "INCLINATION": "51.6",
        "RA_OF_ASC_NODE": "227",
        "ARG_OF_PERICENTER": "344",
        "MEAN_ANOMALY": "118",
        "BSTAR": "0.0004",
        "MEAN_MOTION_DOT": "0.0002",
        "MEAN_MOTION_DDOT": "0",
    }
    parsed = parse_omm_records([(1, row)], lenient=True)
    assert parsed.records == [] and "is outside 1957 to" in str(parsed.warnings[0])


def test_the_set_read_last_wins_with_a_warning(tmp_path: Path) -> None:
    store_path = tmp_path / "elements.duckdb"
    first, second = tmp_path / "first.tle", tmp_path / "second.tle"
    first.write_text(tle() + tle(inclination=" 51.6418"), encoding="ascii")
    loaded = load_file_into_store(first, store_path=store_path)
    assert loaded.new == 1
    assert any("first.tle:5 replaces" in w and DUPLICATE_RULE in w for w in loaded.warnings), (
        loaded.warnings
    )
    second.write_text(tle(inclination=" 51.6419"), encoding="ascii")
    again = load_file_into_store(second, store_path=store_path)
    assert again.new == 0 and any("second.tle:2 replaces" in w for w in again.warnings), (
        again.warnings
    )
    with ElementStore(store_path) as store:
        assert store.count() == 1
        kept = store.nearest(25544, parse_text(tle()).records[0].epoch_utc)
    assert kept.source.endswith("second.tle") and "51.6419" in (kept.line2 or "")
    same = load_file_into_store(second, store_path=store_path)
    assert same.new == 0 and same.warnings == ()


def test_an_omm_copy_of_a_stored_tle_is_the_same_set(tmp_path: Path) -> None:
    store_path = tmp_path / "elements.duckdb"
    first = tmp_path / "first.tle"
    first.write_text(tle(), encoding="ascii")
    load_file_into_store(first, store_path=store_path)
    record = parse_text(tle()).records[0]
    omm = tmp_path / "iss.json"
    epoch = record.epoch_utc.strftime("%Y-%m-%dT%H:%M:%S.%f")
    omm.write_text(
        json.dumps(
            [
                {
                    "OBJECT_NAME": "ISS (ZARYA)",
                    "OBJECT_ID": "1998-067A",
                    "NORAD_CAT_ID": 25544,
                    "EPOCH": epoch,
                    "MEAN_MOTION": 15.49949661,
                    "ECCENTRICITY": 0.000106,
                    "INCLINATION": 51.6417,
                    "RA_OF_ASC_NODE": 227.6788,
                    "ARG_OF_PERICENTER": 344.9414,
                    "MEAN_ANOMALY": 118.7978,
                    "BSTAR": 0.00043094,
                    "MEAN_MOTION_DOT": 0.00024169,
                    "MEAN_MOTION_DDOT": 0,
                }
            ]
        ),
        encoding="utf-8",
    )
    loaded = load_file_into_store(omm, store_path=store_path)
    assert loaded.new == 0 and loaded.warnings == ()


def test_control_characters_are_stripped_from_satellite_names() -> None:
    line1, line2 = tle().splitlines()[1:]
    parsed = parse_text(f"ISS\x00 (ZA\x07RYA)\n{line1}\n{line2}\n")
    assert parsed.records[0].name == "ISS (ZARYA)"
