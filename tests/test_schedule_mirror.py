"""Schedules from the frozen mirror: matching, slips between the two snapshots, flown
launches per GCAT, the CLI, the calendar feed and the API.

Expected values are read from the files themselves: Tundra n°7L is "NET 2024" in
upcoming-2024-10-18.csv and "No earlier than 2026" in upcoming-2026-03-30.json; Progress
MS-29 is "NET Nov 21, 2024" and GCAT's launchlog has it as 2024-215 from GIK-5 LC31 on
2024-11-21.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from icalendar import Calendar

from cosmodrome import api
from cosmodrome.schedule.matching import Matcher
from cosmodrome.web.app import create_app
from tests.conftest import CliRunner
from tests.probes import modules_loaded_by
from tests.web_support import client_class

TestClient = client_class()

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def schedule_home(shared_data: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A home with the mirror's catalog and both schedule snapshots."""
    from cosmodrome.catalog.build import build_catalog

    home = tmp_path_factory.mktemp("schedule-home")
    build_catalog(str(shared_data), home)
    report = api.update_schedule(str(shared_data), home)
    assert [(k.file, k.entries) for k in report.kept] == [
        ("upcoming-2024-10-18.csv", 450),
        ("upcoming-2026-03-30.json", 156),
    ]
    return home


@pytest.fixture()
def con(schedule_home: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    with api.catalog(schedule_home) as connection:
        yield connection


def test_sites_pads_and_vehicles_resolve_to_catalog_names(con: duckdb.DuckDBPyConnection) -> None:
    matcher = Matcher(con)
    progress = matcher.site("Site 31/6, Baikonur Cosmodrome, Kazakhstan")
    assert (progress.sites, progress.pad) == (("GIK-5",), "LC31")
    assert matcher.site("Baikonur").sites == ("GIK-5",)
    baiterek = matcher.site("Site 45/1, Baikonur Cosmodrome, Kazakhstan")
    assert (baiterek.pad, baiterek.pad_name) == ("LC45/1", "Site 45/1 (Baiterek, LC45/1)")
    assert matcher.site("Site 1S, Vostochny Cosmodrome, Russia").pad == "PU1S"
    assert matcher.site("SLC-40, Cape Canaveral SFS, Florida, USA").sites == ("CC",)
    assert matcher.site("SLC-40 or LC-39A, Florida, USA").sites == ("CC", "KSC")
    for name in ("Soyuz 2.1a", "Soyuz-2-1A", "Soyuz 2.1a/Fregat-M"):
        assert matcher.vehicle(name).vehicles == ("Soyuz-2-1A",), name
    assert matcher.vehicle("Long March 2F/G").vehicles == ("Chang Zheng 2F",)
    # Not flown, but known (capability data, the maker's configurations): not any Soyuz.
    assert matcher.vehicle("Soyuz 5").vehicles == ("Soyuz-5",)
    assert matcher.vehicle("Vulcan VC6L").vehicles == ("Vulcan Centaur VC6L",)


def test_tundra_moved_from_net_2024_to_net_2026(
    con: duckdb.DuckDBPyConnection, schedule_home: Path
) -> None:
    launches = api.slips(con, api.ScheduleFilter(vehicle="Angara"), "launch", schedule_home)
    tundra = launches[launches["payload"].str.startswith("Tundra")].iloc[0]
    assert tundra["snapshots"] == 2
    assert (tundra["first_target"], tundra["last_target"]) == ("NET 2024", "NET 2026")
    assert tundra["slip_days"] == 730.0
    assert tundra["site"] == "GIK-1" and tundra["vehicle"] == "Angara A5"


def test_launches_of_october_2024_flown_by_the_end_of_gcat(
    con: duckdb.DuckDBPyConnection, schedule_home: Path
) -> None:
    launches = api.slips(con, api.ScheduleFilter(), "launch", schedule_home)
    flown = launches[launches["flown_tag"].notna()]
    progress = flown[flown["payload"] == "Progress MS-29"].iloc[0]
    assert progress["flown_tag"] == "2024-215"
    assert progress["flown_utc"].strftime("%Y-%m-%d") == "2024-11-21"
    assert (progress["site"], progress["pad"], progress["slip_to_launch_days"]) == (
        "GIK-5",
        "LC31",
        0.0,
    )
    # Counted another way: GCAT launches after the snapshot whose payload names the entry.
    entries = api.slips(con, api.ScheduleFilter(), "launch", schedule_home)
    assert set(flown["flown_tag"]) <= set(
        r[0]
        for r in con.execute(
            "SELECT launch_tag FROM launches WHERE time_utc >= '2024-10-17'"
        ).fetchall()
    )
    assert flown["flown_utc"].max() <= pd.Timestamp("2024-12-09", tz="UTC")
    assert len(flown) == len(set(flown["flown_tag"]))  # one GCAT launch flies one entry
    assert {"Kondor-FKA n°2", "GSAT-20 (GSAT-N2)", "Shenzhou 19"} <= set(flown["payload"])
    assert len(entries) == len(launches)


def test_slips_by_provider_count_launches_seen_twice(
    con: duckdb.DuckDBPyConnection, schedule_home: Path
) -> None:
    launches = api.slips(con, api.ScheduleFilter(), "launch", schedule_home)
    summary = api.slips(con, api.ScheduleFilter(), "provider", schedule_home)
    assert summary["seen_2plus"].sum() == (launches["snapshots"] >= 2).sum()
    assert summary["launches"].sum() == len(launches)
    repeated = launches[launches["snapshots"] >= 2]
    assert summary["moved"].sum() == repeated["moved"].sum()


def test_next_from_baikonur_shows_the_source_precision(
    con: duckdb.DuckDBPyConnection, schedule_home: Path
) -> None:
    frame, note = api.upcoming(con, api.ScheduleFilter(site="Baikonur"), schedule_home)
    assert note["snapshot"] == "upcoming-2026-03-30.json"
    assert set(frame["site"]) == {"GIK-5"}
    assert "NET 2026-12" in set(frame["target"])  # Ekspress-AMU4: month, not 2026-12-15
    assert list(frame["target_end_utc"]) == sorted(frame["target_end_utc"])
    soyuz5, _ = api.upcoming(con, api.ScheduleFilter(vehicle="Soyuz-5"), schedule_home)
    assert list(soyuz5["pad_name"]) == ["Site 45/1 (Baiterek, LC45/1)"]


def test_report_lists_unmatched_names_with_raw_value_and_line(
    con: duckdb.DuckDBPyConnection, schedule_home: Path
) -> None:
    report = api.schedule_report(con, schedule_home)
    canso = report[report["raw"].fillna("").str.startswith("Tsyklon Pad, Canso")]
    assert not canso.empty and set(canso["field"]) == {"site"}
    assert (canso["line"] > 1).all()
    # Known to the project, though not flown: never unmatched.
    assert report[report["raw"].fillna("").str.startswith("SaxaVord")].empty
    tbd = report[
        (report["file"] == "upcoming-2026-03-30.json") & (report["field"] == "launch_date")
    ]
    assert list(tbd["raw"]) == ["2026-06-01T00:00:00"]
    vehicles = set(report.loc[report["field"] == "vehicle", "raw"])
    assert "RFA One" in vehicles and "Soyuz 5" not in vehicles


def test_cli_next_slips_and_calendar(schedule_home: Path, cosmodrome: CliRunner) -> None:
    result = cosmodrome(schedule_home, "next", "--vehicle", "Soyuz-5", "--format", "json")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["launches"][0]["pad"] == "LC45/1"
    result = cosmodrome(schedule_home, "slips", "--by", "provider", "--from", "2024")
    assert result.returncode == 0 and "SpaceX" in result.stdout
    result = cosmodrome(schedule_home, "next", "--site", "Baikonr")
    assert result.returncode == 1 and "Baikonur" in result.stderr
    result = cosmodrome(schedule_home, "schedule", "ics", "--site", "Baikonur")
    assert result.returncode == 0, result.stderr
    calendar = Calendar.from_ical(result.stdout)
    events = {str(e["summary"]): e for e in calendar.walk("VEVENT")}
    ekspress = events["Proton-M/Briz-M | Ekspress-AMU4"]
    assert str(ekspress.decoded("dtstart")) == "2026-12-01"  # a month-long all-day event
    assert str(ekspress.decoded("dtend")) == "2027-01-01"
    latitude, longitude = events["Soyuz 2.1a | Progress MS-34"].decoded("geo")
    assert abs(latitude - 45.9) < 0.2 and abs(longitude - 63.5) < 0.2


def test_api_schedule_and_slips(schedule_home: Path) -> None:
    client = TestClient(create_app(schedule_home))
    answer = client.get("/api/schedule", params={"site": "Baikonur"})
    assert answer.status_code == 200
    assert {row["site"] for row in answer.json()["data"]} == {"GIK-5"}
    again = client.get(
        "/api/schedule",
        params={"site": "Baikonur"},
        headers={"If-None-Match": answer.headers["etag"]},
    )
    assert again.status_code == 304
    slips = client.get("/api/slips", params={"vehicle": "Angara", "history": "true"}).json()
    assert slips["rule"].startswith("slip = change of the end")
    assert any(row["last_target"] == "NET 2026" for row in slips["data"])
    assert {h["target"] for h in slips["history"] if h["payload"].startswith("Tundra")} == {
        "NET 2024",
        "NET 2026",
    }
    unknown = client.get("/api/slips", params={"vehicle": "Sojuz-9"})
    assert unknown.status_code == 404 and unknown.json()["error"]["suggestions"]


def test_api_without_snapshots_answers_empty_and_says_so(
    shared_data: Path, tmp_path: Path, schedule_home: Path
) -> None:
    home = tmp_path / "home"
    home.mkdir()
    shutil.copy(schedule_home / "catalog.duckdb", home / "catalog.duckdb")
    client = TestClient(create_app(home))
    answer = client.get("/api/schedule", params={"site": "Baikonur"})
    assert answer.status_code == 200
    message = answer.json()["message"]
    assert answer.json()["data"] == [] and "no schedule snapshot" in message
    # the web speaks to a dashboard user: no server paths, no command-line advice
    assert str(home) not in message and "cosmodrome" not in message
    assert client.get("/api/slips", params={"site": "Baikonr"}).status_code == 404


def test_matching_and_model_are_stored_at_update_and_equal_a_direct_computation(
    schedule_home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from cosmodrome.forecast import launchprob
    from cosmodrome.schedule import history, service
    from cosmodrome.schedule.history import matched_entries
    from cosmodrome.schedule.store import open_store
    from tests.test_schedule_store import BAIKONUR, csv_row, write_csv

    home = tmp_path / "home"
    shutil.copytree(schedule_home, home)
    calls = {"matched": 0}

    def counted(*args: object) -> list[dict[str, object]]:
        calls["matched"] += 1
        return matched_entries(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(history, "matched_entries", counted)
    angara = api.ScheduleFilter(vehicle="Angara")
    with api.catalog(home) as con:
        first = api.slips(con, api.ScheduleFilter(), "launch", home)
        again = api.slips(con, angara, "vehicle", home)
        api.next_rows(con, angara, date(2026, 12, 31), None, home)
        assert calls == {"matched": 0}  # read from the store, as `schedule update` left it
        assert set(again["vehicle"]) >= {"Angara A5"}
        # What the store holds is what matching and fitting give now.
        with open_store(home) as store:
            direct = matched_entries(store, con)
        assert service.entry_rows(con, home) == direct
        known = launchprob.known_at(con, None)
        fitted = launchprob.fit(con, launchprob.observed(direct, known))
        assert service.matched(con, home).model == fitted.to_json()
        # A new snapshot: matched afresh at its update, and its launch is there.
        folder = tmp_path / "new"
        folder.mkdir()
        write_csv(folder / "upcoming-2026-06-01.csv",
                  [csv_row("Progress MS-99", "NET Jul 1, 2026", BAIKONUR, "Soyuz 2.1a")])  # fmt: skip
        api.update_schedule(str(folder), home)
        calls["matched"] = 0
        newer = api.slips(con, api.ScheduleFilter(), "launch", home)
        assert calls == {"matched": 0}
        assert "Progress MS-99" in set(newer["payload"]) and len(newer) == len(first) + 1
        # Another catalog than the stored matching's: matched (and fitted) afresh, the same.
        stored = api.next_rows(con, angara, date(2026, 12, 31), None, home)[0]
        monkeypatch.setattr(service, "catalog_generation", lambda con: "another-catalog")
        computed = api.next_rows(con, angara, date(2026, 12, 31), None, home)[0]
        assert calls == {"matched": 1}
        assert computed == stored


#: The README's schedule commands, and ``next``'s probability forms (docs/FORECASTS.md).
QUICK_COMMANDS = [
    ("next", "--site", "Baikonur"),
    ("next", "--vehicle", "Soyuz-5", "--format", "json"),
    ("next", "--site", "Baikonur", "--by", "2026-12-31", "--format", "csv"),
    ("slips", "--vehicle", "Angara"),
    ("slips", "--by", "provider", "--from", "2024"),
    ("schedule", "ics", "--site", "Baikonur"),
    ("schedule", "report"),
    ("schedule", "snapshots"),
    ("changes", "--site", "Baikonur", "--kind", "moved,flown"),
]


@pytest.mark.parametrize("args", QUICK_COMMANDS, ids=" ".join)
def test_schedule_commands_load_neither_pandas_nor_scipy(
    schedule_home: Path, args: tuple[str, ...]
) -> None:
    """Matching and the model are read from the store: a schedule command loads neither
    pandas (rows straight from DuckDB) nor SciPy (the model is applied, not fitted)."""
    assert modules_loaded_by(args, ("pandas", "scipy", "matplotlib"), schedule_home) == set()


def test_a_new_catalog_rematches_the_kept_snapshots(schedule_home: Path, tmp_path: Path) -> None:
    """After ``cosmodrome update`` (and a refresh) the store holds the matching of the new
    catalog, and the change records stay those of the last schedule update."""
    import duckdb as db

    from cosmodrome.schedule import service
    from cosmodrome.schedule.store import store_path

    home = tmp_path / "home"
    shutil.copytree(schedule_home, home)
    with db.connect(str(store_path(home))) as store:
        store.execute("UPDATE matching SET catalog_version = 'an older catalog'")
        store.execute("DELETE FROM matched_entries")
        changes = store.execute("SELECT * FROM changes ORDER BY change_key").fetchall()
    service.rematch(home)
    with api.catalog(home) as con, db.connect(str(store_path(home)), read_only=True) as store:
        version = service.catalog_generation(con)
        assert store.execute("SELECT catalog_version FROM matching").fetchall() == [(version,)]
        assert store.execute("SELECT * FROM changes ORDER BY change_key").fetchall() == changes
        assert len(service.entry_rows(con, home)) == 450 + 156
    # A damaged store does not fail the catalog update it follows; it is left as it is.
    store_path(home).write_bytes(b"not a database")
    service.rematch(home)
    assert store_path(home).read_bytes() == b"not a database"


def test_a_store_from_before_matchings_were_kept_is_matched_when_read(
    schedule_home: Path, tmp_path: Path
) -> None:
    import duckdb as db

    from cosmodrome.schedule import service
    from cosmodrome.schedule.store import store_path

    home = tmp_path / "home"
    shutil.copytree(schedule_home, home)
    with api.catalog(schedule_home) as con:
        stored = api.next_rows(con, api.ScheduleFilter(site="Baikonur"), None, None, schedule_home)
    with db.connect(str(store_path(home))) as store:
        store.execute("DROP TABLE matching")
        store.execute("DROP TABLE matched_entries")
    with api.catalog(home) as con:
        computed = api.next_rows(con, api.ScheduleFilter(site="Baikonur"), None, None, home)
        assert len(service.entry_rows(con, home)) == 450 + 156
    assert computed[0] == stored[0]
    assert computed[1]["p_by_rests_on"] == stored[1]["p_by_rests_on"]
