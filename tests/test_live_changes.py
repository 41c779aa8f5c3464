"""Change records between the mirror's two frozen schedule snapshots, and how they are
served: ``cosmodrome changes``, ``/api/changes``, the Atom feed and the calendar URL.

Expected values come from the files: Tundra n°7L is "NET 2024" in upcoming-2024-10-18.csv
and "No earlier than 2026" in upcoming-2026-03-30.json (730 days between the ends of the
two years); Progress MS-29 ("NET Nov 21, 2024") is not in the 2026 file, and GCAT's
launchlog has it as 2024-215 on 2024-11-21.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import duckdb
import feedparser
import pandas as pd
import pytest
from icalendar import Calendar

from cosmodrome import api
from cosmodrome.errors import InputError
from cosmodrome.web.app import create_app
from tests.conftest import CliRunner
from tests.web_support import client_class

TestClient = client_class()

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def changes_home(
    mirror_home: Path, shared_data: Path, tmp_path_factory: pytest.TempPathFactory
) -> Path:
    home = tmp_path_factory.mktemp("changes-home")
    shutil.copy(mirror_home / "catalog.duckdb", home / "catalog.duckdb")
    report = api.update_schedule(str(shared_data), home)
    assert report.new_snapshots == 2 and report.changes is not None
    return home


@pytest.fixture()
def con(changes_home: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    with api.catalog(changes_home) as connection:
        yield connection


def test_tundra_moved_730_days_and_progress_flown_as_2024_215(
    con: duckdb.DuckDBPyConnection, changes_home: Path
) -> None:
    records = api.changes(con, api.ChangeFilter(), changes_home)
    tundra = records[records["payload"].str.startswith("Tundra") & (records["kind"] == "moved")]
    assert len(tundra) == 1
    moved = tundra.iloc[0]
    assert (moved["old_target"], moved["new_target"], moved["slip_days"]) == (
        "NET 2024",
        "NET 2026",
        730.0,
    )
    assert moved["site"] == "GIK-1" and moved["vehicle"] == "Angara A5"
    progress = records[records["payload"] == "Progress MS-29"]
    assert list(progress["kind"]) == ["flown"]
    assert progress.iloc[0]["flown_tag"] == "2024-215"
    assert progress.iloc[0]["flown_utc"].strftime("%Y-%m-%d") == "2024-11-21"


def test_records_account_for_every_launch_of_both_snapshots(
    con: duckdb.DuckDBPyConnection, changes_home: Path
) -> None:
    """Counted another way, from the matched entries: a launch only in the later snapshot
    is new, one only in the earlier is flown or removed, and nothing else is."""
    entries = api.slips(con, api.ScheduleFilter(), "launch", changes_home)
    only_later = (entries["first_seen"] == entries["last_seen"]) & (
        entries["first_seen"].astype(str).str.startswith("2026")
    )
    records = api.changes(con, api.ChangeFilter(), changes_home)
    counts = records["kind"].value_counts()
    assert counts["new"] == only_later.sum()
    seen_once_early = (entries["snapshots"] == 1) & ~only_later
    assert counts["flown"] + counts["removed"] == seen_once_early.sum()
    flown = records[records["kind"] == "flown"]
    assert flown["flown_tag"].notna().all() and flown["flown_tag"].is_unique
    assert (flown["flown_utc"] <= pd.Timestamp("2026-03-31", tz="UTC")).all()
    assert records["change_key"].is_unique


def test_a_second_update_records_nothing_new_and_keeps_the_keys(
    changes_home: Path, shared_data: Path, con: duckdb.DuckDBPyConnection
) -> None:
    before = set(api.changes(con, api.ChangeFilter(), changes_home)["change_key"])
    report = api.update_schedule(str(shared_data), changes_home)
    assert report.new_snapshots == 0
    assert report.changes is not None and report.changes.empty
    assert set(api.changes(con, api.ChangeFilter(), changes_home)["change_key"]) == before


def test_filters_since_site_and_kind(con: duckdb.DuckDBPyConnection, changes_home: Path) -> None:
    baikonur = api.changes(
        con, api.ChangeFilter(site="Baikonur", kinds=("flown", "moved")), changes_home
    )
    assert set(baikonur["site"]) == {"GIK-5"} and set(baikonur["kind"]) <= {"flown", "moved"}
    assert "Progress MS-29" in set(baikonur["payload"])
    later = api.changes(
        con, api.ChangeFilter(since=pd.Timestamp("2026-04-01").date()), changes_home
    )
    assert later.empty
    with pytest.raises(InputError, match="unknown change kind 'slipped'"):
        api.ChangeFilter(kinds=("slipped",))


def test_cli_changes(changes_home: Path, cosmodrome: CliRunner) -> None:
    result = cosmodrome(
        changes_home, "changes", "--since", "2026", "--site", "Baikonur", "--kind", "flown",
        "--format", "json",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    answer = json.loads(result.stdout)
    assert {row["payload"] for row in answer["changes"]} >= {"Progress MS-29"}
    table = cosmodrome(changes_home, "changes", "--vehicle", "Angara", columns=80)
    assert table.returncode == 0, table.stderr
    assert "NET 2024 to NET 2026" in " ".join(table.stdout.split())
    assert max(len(line) for line in table.stdout.splitlines()) <= 80


def test_api_changes_atom_and_calendar(changes_home: Path, cosmodrome: CliRunner) -> None:
    client = TestClient(create_app(changes_home))
    answer = client.get("/api/changes", params={"site": "Baikonur", "kind": "flown"})
    assert answer.status_code == 200
    rows = answer.json()["data"]
    assert [r["flown_tag"] for r in rows if r["payload"] == "Progress MS-29"] == ["2024-215"]
    again = client.get(
        "/api/changes",
        params={"site": "Baikonur", "kind": "flown"},
        headers={"If-None-Match": answer.headers["etag"]},
    )
    assert again.status_code == 304
    fresh = client.get("/api/schedule", params={"site": "Baikonur", "updated_since": "2026-03"})
    assert fresh.json()["total"] > 0
    stale = client.get("/api/schedule", params={"site": "Baikonur", "updated_since": "2026-04"})
    assert stale.json()["total"] == 0 and stale.json()["snapshot"] == "upcoming-2026-03-30.json"
    bad = client.get("/api/changes", params={"kind": "slipped"})
    assert bad.status_code == 422 and "moved" in bad.json()["error"]["suggestions"]
    assert client.get("/api/changes", params={"since": "2026-13"}).status_code == 400

    feed = feedparser.parse(client.get("/api/changes.atom", params={"vehicle": "Angara"}).content)
    assert not feed.bozo and feed.feed.title.endswith("(Angara)")
    titles = [entry.title for entry in feed.entries]
    assert any(t.startswith("Moved: Tundra") and "(+730 days)" in t for t in titles)
    assert len({entry.id for entry in feed.entries}) == len(feed.entries)

    served = Calendar.from_ical(
        client.get("/api/schedule.ics", params={"site": "Baikonur", "vehicle": "Soyuz-2"}).content
    )
    printed = cosmodrome(
        changes_home, "schedule", "ics", "--site", "Baikonur", "--vehicle", "Soyuz-2"
    )
    assert printed.returncode == 0, printed.stderr
    expected = Calendar.from_ical(printed.stdout)

    def events(calendar: Calendar) -> set[tuple[str, str]]:
        return {(str(e["uid"]), str(e.decoded("dtstart"))) for e in calendar.walk("VEVENT")}

    assert events(served) == events(expected) and len(events(served)) >= 3


def test_feeds_before_any_snapshot_are_empty_and_say_so(mirror_home: Path, tmp_path: Path) -> None:
    home = tmp_path / "home"
    home.mkdir()
    shutil.copy(mirror_home / "catalog.duckdb", home / "catalog.duckdb")
    client = TestClient(create_app(home))
    calendar = Calendar.from_ical(client.get("/api/schedule.ics").content)
    assert calendar.walk("VEVENT") == []
    assert "no schedule snapshot" in str(calendar["x-wr-caldesc"])
    feed = feedparser.parse(client.get("/api/changes.atom").content)
    assert not feed.bozo and feed.entries == []
    answer = client.get("/api/changes").json()
    assert answer["total"] == 0 and "no schedule snapshot" in answer["message"]
