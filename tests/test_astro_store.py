"""The element store, CelesTrak updates (politeness), and the orbit commands end to end."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest
from sgp4.api import Satrec
from sgp4.exporter import export_omm
from sgp4.io import fix_checksum

from cosmodrome.astro.celestrak import newest_mirror_file, update_groups
from cosmodrome.astro.elements import parse_tle
from cosmodrome.astro.store import ElementStore, NoElementsError
from cosmodrome.errors import SourceError, UnknownNameError
from tests.conftest import SHARED_DATA, CliRunner

ISS_NAME = "ISS (ZARYA)"
ISS_L1 = "1 25544U 98067A   23333.91619101  .00024169  00000+0  43094-3 0  9996"
ISS_L2 = "2 25544  51.6417 227.6788 0001060 344.9414 118.7978 15.49949661427493"
ISS_TEXT = f"{ISS_NAME}\n{ISS_L1}\n{ISS_L2}\n"
ISS_OMM = json.dumps([export_omm(Satrec.twoline2rv(ISS_L1, ISS_L2), ISS_NAME)])


def iss_with_epoch(day_of_year: str) -> str:
    """The 2023 ISS set moved to another epoch (``YYDDD.DDDDDDDD``), checksum fixed."""
    return f"{ISS_NAME}\n{fix_checksum(ISS_L1[:18] + day_of_year + ISS_L1[32:68])}\n{ISS_L2}\n"


def test_nearest_picks_the_closest_epoch(tmp_path: Path) -> None:
    text = iss_with_epoch("23300.00000000") + ISS_TEXT + iss_with_epoch("23360.50000000")
    records = parse_tle(text, source="three.tle").records
    with ElementStore(tmp_path / "e.duckdb", read_only=False) as store:
        assert store.add(records) == 3
        assert store.add(records) == 0  # same object and epoch: kept once
        assert (
            store.nearest(25544, datetime(2023, 11, 1, tzinfo=UTC)).epoch_utc.day == 27
        )  # day 300
        nearest = store.nearest(25544, datetime(2023, 12, 1, tzinfo=UTC))
        assert nearest.epoch_utc == records[1].epoch_utc
        assert (nearest.source, nearest.line_number, nearest.line1) == ("three.tle", 5, ISS_L1)
        assert store.nearest(25544, datetime(2024, 6, 1, tzinfo=UTC)).epoch_utc.month == 12
        assert store.resolve("iss (zarya)") == 25544 and store.resolve("25544") == 25544
        with pytest.raises(UnknownNameError) as caught:
            store.resolve("ISS (ZARIA)")
        assert ISS_NAME in caught.value.suggestions
        with pytest.raises(UnknownNameError, match="no element set stored"):
            store.nearest(99999, datetime(2023, 12, 1, tzinfo=UTC))
        assert list(store.history(25544)["source"]) == ["three.tle"] * 3


def test_group_takes_the_nearest_set_of_each_matching_satellite(tmp_path: Path) -> None:
    text = iss_with_epoch("23300.00000000") + ISS_TEXT
    with ElementStore(tmp_path / "e.duckdb", read_only=False) as store:
        store.add(parse_tle(text, source="two.tle").records)
        chosen = store.group("iss", datetime(2023, 11, 1, tzinfo=UTC))
        assert [(r.norad_id, r.epoch_utc.day) for r in chosen] == [(25544, 27)]
        assert len(store.group(None, datetime(2023, 12, 1, tzinfo=UTC))) == 1
        assert store.group("STARLINK", datetime(2023, 12, 1, tzinfo=UTC)) == []


def test_missing_store_says_how_to_fill_it(tmp_path: Path) -> None:
    with pytest.raises(NoElementsError, match="no element sets") as refusal:
        ElementStore(tmp_path / "none.duckdb")
    # the command line is told the command; the web hears no server path nor CLI advice
    assert "cosmodrome elements update" in refusal.value.cli_hint
    assert str(tmp_path) not in str(refusal.value) + refusal.value.web_hint
    assert "--" not in refusal.value.web_hint


def test_newest_mirror_file_per_group(tmp_path: Path) -> None:
    for name in ("stations-2024-01-01.tle", "stations-2025-05-24.omm.json", "stations-2025-05-24.tle",
                 "active-2026-01-01.tle", "notes.txt"):  # fmt: skip
        (tmp_path / name).write_text(ISS_TEXT)
    assert newest_mirror_file(tmp_path, "stations") == "stations-2025-05-24.omm.json"  # OMM first
    with pytest.raises(SourceError, match="groups there: active, stations"):
        newest_mirror_file(tmp_path, "starlink")


def test_remote_update_is_polite(tmp_path: Path) -> None:
    requests: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        requests.append(str(request.url))
        if "GROUP=broken" in str(request.url):
            return httpx.Response(503)
        return httpx.Response(200, text=ISS_OMM)

    client = httpx.Client(transport=httpx.MockTransport(handler))
    store = tmp_path / "home" / "elements.duckdb"
    base = "https://celestrak.example/NORAD/elements/"
    [first] = update_groups(
        ["stations"], source=base, store_path=store, client=client, progress=False
    )
    assert (first.element_sets, first.new) == (1, 1)
    assert requests == [base + "gp.php?GROUP=stations&FORMAT=json"]
    update_groups(["stations"], source=base, store_path=store, client=client, progress=False)
    assert len(requests) == 1  # no second download of a group within two hours
    with pytest.raises(SourceError, match="1 attempt"):
        update_groups(
            ["broken", "active"], source=base, store_path=store, client=client, progress=False
        )
    assert requests[1:] == [
        base + "gp.php?GROUP=broken&FORMAT=json"
    ]  # stopped: no retry, no TLE fallback after a server error, no next group


# --------------------------------------------------------------------------------- CLI


@pytest.fixture()
def iss_file(tmp_path: Path) -> Path:
    path = tmp_path / "iss.tle"
    path.write_text(ISS_TEXT)
    return path


def test_cli_windows_json(tmp_path: Path, iss_file: Path, cosmodrome: CliRunner) -> None:
    result = cosmodrome(
        tmp_path, "windows", "--site", "Baikonur", "--pad", "Site 31/6", "--tle", str(iss_file),
        "--start", "2023-12-01", "--days", "1", "--max-yaw", "1.5", "--format", "json",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    rows = json.loads(result.stdout)
    assert [row["branch"] for row in rows] == ["northbound", "southbound"]
    assert rows[0]["in_plane_utc"].startswith("2023-12-01T09:25:") and rows[0][
        "in_plane_utc"
    ].endswith("Z")
    assert rows[0]["open_utc"] < "2023-12-01T09:25:12Z" < rows[0]["close_utc"]
    assert rows[1]["flags"] == "southbound, outside corridor"


def test_cli_elements_load_then_passes_and_where(
    tmp_path: Path, iss_file: Path, cosmodrome: CliRunner
) -> None:
    loaded = cosmodrome(tmp_path, "elements", "load", str(iss_file))
    assert loaded.returncode == 0 and "1 element sets" in loaded.stderr
    passes = cosmodrome(
        tmp_path, "passes", "--sat", "25544", "--at", "Almaty", "--start", "2023-12-01",
        "--days", "1", "--min-elevation", "10", "--visible", "--format", "json",
    )  # fmt: skip
    assert passes.returncode == 0, passes.stderr
    rows = json.loads(passes.stdout)
    assert rows and all(row["visible"] for row in rows)
    assert all(row["rise_utc"].endswith("Z") and row["time_zone"] == "Asia/Almaty" for row in rows)
    where = cosmodrome(
        tmp_path, "where", "--sat", "ISS (ZARYA)", "--time", "2023-12-01T12:00Z", "--format", "json"
    )
    assert where.returncode == 0, where.stderr
    [point] = json.loads(where.stdout)
    assert point["time_utc"] == "2023-12-01T12:00:00Z" and 400 < point["altitude_km"] < 440
    csv_out = cosmodrome(
        tmp_path, "where", "--tle", str(iss_file), "--time", "2023-12-01T12:00Z", "--format", "csv"
    )
    assert csv_out.stdout.splitlines()[0].startswith(
        "time_utc,norad_id,name,lat_deg,lon_deg,altitude_km"
    )


def test_cli_bad_inputs_give_one_clear_line(
    tmp_path: Path, iss_file: Path, cosmodrome: CliRunner
) -> None:
    cosmodrome(tmp_path, "elements", "load", str(iss_file))
    unknown = cosmodrome(tmp_path, "where", "--sat", "ISS (ZARIA)", "--time", "2023-12-01")
    assert (
        unknown.returncode == 1
        and "Unknown satellite" in unknown.stderr
        and "ISS (ZARYA)" in unknown.stderr
    )
    far = cosmodrome(
        tmp_path, "passes", "--sat", "25544", "--at", "Almaty", "--start", "2026-01-01"
    )
    assert far.returncode == 1 and "years" in far.stderr
    high = cosmodrome(
        tmp_path, "windows", "--site", "Plesetsk", "--target", "25544", "--start", "2023-12-01"
    )
    # a site farther from the equator than the plane is a valid question answered "never"
    assert high.returncode == 0 and "farther from the equator" in high.stdout
    stale = cosmodrome(tmp_path, "where", "--sat", "25544", "--time", "2023-12-10")
    assert stale.returncode == 0 and "days old" in stale.stderr
    place = cosmodrome(
        tmp_path, "passes", "--sat", "25544", "--at", "Atlantis", "--start", "2023-12-01"
    )
    assert place.returncode == 1 and "Unknown place" in place.stderr


@pytest.mark.integration
def test_update_from_the_frozen_mirror(tmp_path: Path) -> None:
    if not (SHARED_DATA / "celestrak").is_dir():
        pytest.skip(f"frozen mirror not found at {SHARED_DATA}")
    store = tmp_path / "elements.duckdb"
    updates = update_groups(
        ["stations", "active"], source=str(SHARED_DATA), store_path=store, progress=False
    )
    assert [(u.group, u.path.name, u.element_sets) for u in updates] == [
        ("stations", "stations-2025-05-24.omm.json", 13),
        ("active", "active-2025-10-03.tle", 12801),
    ]
    with ElementStore(store) as elements:
        may = elements.nearest(25544, datetime(2025, 5, 24, 12, tzinfo=UTC))
        october = elements.nearest(25544, datetime(2025, 10, 3, tzinfo=UTC))
    assert (may.format, may.epoch_utc.date().isoformat()) == ("omm", "2025-05-24")
    assert (october.format, october.epoch_utc.date().isoformat()) == ("tle", "2025-10-03")
