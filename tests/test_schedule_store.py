"""Schedule exports read with their traps, kept in an append-only store, bad input reported."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import duckdb
import pytest

from cosmodrome.errors import SourceError
from cosmodrome.schedule import update_schedule
from cosmodrome.schedule.readers import read_csv_export, read_json_export
from cosmodrome.schedule.store import store_path

CSV_COLUMNS = [
    "mission_status", "title", "launch_time", "description", "location",
    "rocket_data.rocket_name", "mission_data.description",
]  # fmt: skip


def write_csv(path: Path, rows: list[dict[str, str]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS)
        writer.writeheader()
        for row in rows:
            writer.writerow({column: row.get(column, "") for column in CSV_COLUMNS})
    return path


def csv_row(title: str, when: str, site: str, rocket: str, **extra: str) -> dict[str, str]:
    return {
        "title": title,
        "launch_time": when,
        "location": site,
        "rocket_data.rocket_name": rocket,
        **extra,
    }


def json_item(
    description: str, window: str, launch_date: str | None, vehicle: str, site: str
) -> dict[str, object]:
    return {
        "launch_date": launch_date,
        "vehicle": vehicle,
        "launch_site": site,
        "operator": "Roscosmos",
        "payload_description": description,
        "launch_window": window,
        "source_id": "test",
    }


BAIKONUR = "Site 31/6, Baikonur Cosmodrome, Kazakhstan"


def test_csv_lines_count_multiline_fields_and_bad_dates_are_reported(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "upcoming-2024-10-18.csv",
        [
            csv_row("Progress MS-29", "NET Nov 21, 2024", BAIKONUR, "Soyuz 2.1a",
                    **{"mission_data.description": "two\nlines"}),
            csv_row("Mystery", "some day soon", BAIKONUR, "Soyuz 2.1a"),
        ],
    )  # fmt: skip
    snapshot = read_csv_export(path)
    assert [e.line for e in snapshot.entries] == [2, 4]
    assert snapshot.entries[0].target.label == "NET 2024-11-21"
    assert snapshot.entries[1].target.label == "TBD"
    (issue,) = snapshot.issues
    assert (issue.line, issue.field, issue.raw) == (4, "launch_time", "some day soon")
    assert str(snapshot.as_of.date()) == "2024-10-18"  # type: ignore[union-attr]


def test_json_export_lines_and_payload_names(tmp_path: Path) -> None:
    items = [
        json_item("Tundra n°7L (EKS) — early warning", "No earlier than 2026, time TBD",
                  "2026-12-15T00:00:00", "Angara A5/Blok DM-03", "Plesetsk Cosmodrome, Russia"),
        json_item("Starliner-1 — cargo", "TBD", "2026-06-01T00:00:00", "Atlas V N22", "SLC-41"),
        json_item("Oops — no year", "No earlier than April 7, time TBD", None, "Falcon 9", "SLC-40"),
    ]  # fmt: skip
    path = tmp_path / "upcoming-2026-03-30.json"
    path.write_text(json.dumps(items, indent=2, ensure_ascii=False), encoding="utf-8")
    snapshot = read_json_export(path)
    assert [e.payload for e in snapshot.entries] == ["Tundra n°7L (EKS)", "Starliner-1", "Oops"]
    assert snapshot.entries[0].target.label == "NET 2026"
    lines = [e.line for e in snapshot.entries]
    assert lines == [2, 11, 20]
    fields = {(i.line, i.field) for i in snapshot.issues}
    assert fields == {(11, "launch_date"), (20, "launch_window")}


def _folder(tmp_path: Path) -> Path:
    folder = tmp_path / "mirror" / "schedule"
    folder.mkdir(parents=True)
    write_csv(folder / "upcoming-2024-10-18.csv",
              [csv_row("Progress MS-29", "NET Nov 21, 2024", BAIKONUR, "Soyuz 2.1a")])  # fmt: skip
    return folder


def test_update_keeps_every_snapshot_once(tmp_path: Path) -> None:
    home = tmp_path / "home"
    folder = _folder(tmp_path)
    first = update_schedule(str(folder.parent), home)
    assert [k.new for k in first.kept] == [True]
    again = update_schedule(str(folder.parent), home)
    assert [k.new for k in again.kept] == [False]
    write_csv(folder / "upcoming-2024-11-01.csv",
              [csv_row("Progress MS-29", "NET Nov 21, 2024", BAIKONUR, "Soyuz 2.1a")])  # fmt: skip
    third = update_schedule(str(folder), home)
    assert [k.new for k in third.kept] == [False, True]
    con = duckdb.connect(str(store_path(home)), read_only=True)
    assert con.execute("SELECT count(*), count(DISTINCT snapshot_id) FROM entries").fetchone() == (
        2,
        2,
    )
    assert [
        str(d.date()) for (d,) in con.execute("SELECT as_of FROM snapshots ORDER BY 1").fetchall()
    ] == [
        "2024-10-18",
        "2024-11-01",
    ]
    con.close()


def test_a_source_that_fails_leaves_snapshots_and_says_how_old_the_latest_is(
    tmp_path: Path,
) -> None:
    home = tmp_path / "home"
    update_schedule(str(_folder(tmp_path).parent), home)
    before = store_path(home).read_bytes()
    with pytest.raises(
        SourceError, match=r"latest, upcoming-2024-10-18.csv, is as of 2024-10-18 .* days old"
    ):
        update_schedule(str(tmp_path / "missing"), home)
    bad = tmp_path / "bad" / "schedule"
    bad.mkdir(parents=True)
    (bad / "upcoming-2025-01-01.csv").write_text("just,some,columns\n1,2,3\n", encoding="utf-8")
    with pytest.raises(SourceError, match="the header lacks title"):
        update_schedule(str(bad.parent), home)
    assert store_path(home).read_bytes() == before
