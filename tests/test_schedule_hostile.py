"""Hostile schedule files: every one is a one-line error naming file and line, or a kept
snapshot with its issues; the store is never touched by a refused file, and no reader
raises anything but the project's own errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cosmodrome.errors import CosmodromeError, SourceError
from cosmodrome.schedule.ll2 import read_ll2_pages
from cosmodrome.schedule.readers import json_array_items, read_file
from cosmodrome.schedule.service import update_schedule
from cosmodrome.schedule.store import store_path
from tests.conftest import CliRunner

HEADER = "title,launch_time,location,rocket_data.rocket_name\n"
GOOD_CSV = HEADER + 'OneWeb #20,"Sun Oct 20, 2024 05:13 UTC","SLC-4E, Vandenberg",Falcon 9\n'
GOOD_ITEM = {
    "launch_date": "2026-03-30T21:15:00",
    "vehicle": "Falcon 9",
    "launch_site": "SLC-40, Cape Canaveral",
    "operator": "SpaceX",
    "payload_description": "Starlink 10-44",
    "launch_window": "Window opens at 2115 UTC",
    "source_id": "x",
}

#: (file name, content, what the one-line error says)
REFUSED: list[tuple[str, bytes, str]] = [
    ("upcoming-2025-01-01.csv", b"just,some,columns\n1,2,3\n", "line 1: not a schedule CSV"),
    ("upcoming-2025-01-01.csv", b"", "line 1: not a schedule CSV"),
    ("upcoming-2025-01-01.csv", HEADER.encode() + b"\xff\xfe,bad,x,y\n", "line 2: not UTF-8"),
    (
        "upcoming-2025-01-01.csv",
        (HEADER + 'A,"NET 2025,Here,Falcon 9\nB,NET 2026,There,Soyuz\n').encode(),
        "not readable as CSV",
    ),
    (
        "upcoming-2025-01-01.csv",
        (HEADER + "A," + "x" * 200_000 + ",Here,Falcon 9\n").encode(),
        "line 2: not readable as CSV",
    ),
    ("upcoming-2025-01-01.json", b"", "line 1: the file is empty"),
    ("upcoming-2025-01-01.json", b'"a string"', "expected a JSON array"),
    ("upcoming-2025-01-01.json", b"[\n" + b"[" * 100_000, "nested too deeply"),
    ("upcoming-2025-01-01.json", b'[\n{"vehicle": "Falcon 9"}', "never closed"),
    ("upcoming-2025-01-01.json", b'[\n{"vehicle": "Falcon 9"} {"a": 1}]', "line 2: expected ','"),
    ("upcoming-2025-01-01.json", b'[\n{"vehicle": "Falc', "line 2: not JSON"),
    ("upcoming-2025-01-01.json", b'[{"name": 1}, {"other": 2}]', "none of its 2 items"),
    ("upcoming-2025-01-01.json", b'{"results": "x"}', "not a Launch Library 2 page"),
    ("upcoming-2025-01-01.json", b'{"results": [1, 2', "not JSON"),
    ("upcoming-2025-01-01.txt", b"hello\n", "expected a .csv or .json file"),
]


@pytest.mark.parametrize(("name", "content", "says"), REFUSED)
def test_a_refused_file_is_one_line_naming_file_and_line_and_the_store_is_untouched(
    tmp_path: Path, name: str, content: bytes, says: str
) -> None:
    home = tmp_path / "home"
    good = tmp_path / "upcoming-2024-10-18.csv"
    good.write_text(GOOD_CSV, encoding="utf-8")
    update_schedule(str(good), home)
    before = store_path(home).read_bytes()
    hostile = tmp_path / name
    hostile.write_bytes(content)
    with pytest.raises(SourceError) as caught:
        update_schedule(str(hostile), home)
    message = str(caught.value)
    assert message.startswith(f"{name}, line ") and says in message, message
    assert "\n" not in message
    assert store_path(home).read_bytes() == before


def test_the_command_line_answers_one_line_and_status_1(
    cosmodrome: CliRunner, tmp_path: Path
) -> None:
    hostile = tmp_path / "upcoming-2025-01-01.json"
    hostile.write_text("[" * 50_000, encoding="utf-8")
    result = cosmodrome(tmp_path / "home", "schedule", "update", "--source", str(hostile))
    assert result.returncode == 1
    assert "Traceback" not in result.stderr and "error:" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr


@pytest.mark.parametrize(
    ("row", "reason"),
    [
        ('"A","Sun Dec 31, 9999 23:59 UTC",Here,Falcon 9', "year 9999 is outside"),
        ('"A","NET 9999",Here,Falcon 9', "year 9999 is outside"),
        ('"A","NET 1850",Here,Falcon 9', "year 1850 is outside"),
        ('"A","NET 2025",Here', "expected 4 fields, found 3"),
        ('"A","NET 2025",Here,Falcon 9,extra', "expected 4 fields, found 5"),
    ],
)
def test_a_bad_csv_row_is_an_issue_and_the_rest_is_kept(
    tmp_path: Path, row: str, reason: str
) -> None:
    path = tmp_path / "upcoming-2025-01-01.csv"
    path.write_text(GOOD_CSV + row + "\n" + GOOD_CSV.splitlines()[1] + "\n", encoding="utf-8")
    snapshot = read_file(path)
    assert [issue.line for issue in snapshot.issues] == [3]
    assert reason in snapshot.issues[0].reason
    assert [entry.line for entry in snapshot.entries if entry.target.start] == [2, 4]


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"launch_window": "Window opens at 2561 UTC"}, "2561 is not a time of day"),
        ({"launch_date": "9999-12-31T23:59:00", "launch_window": "TBD"}, ""),
        ({"launch_window": "No earlier than 9999"}, "year 9999 is outside"),
        ({"vehicle": {"name": "Falcon 9"}}, "vehicle is a JSON dict"),
    ],
)
def test_a_bad_json_item_is_an_issue_never_a_wrong_entry(
    tmp_path: Path, change: dict[str, object], reason: str
) -> None:
    path = tmp_path / "upcoming-2025-01-01.json"
    items = [GOOD_ITEM, {**GOOD_ITEM, **change}, {"unrelated": "keys"}]
    path.write_text(json.dumps(items, indent=1), encoding="utf-8")
    snapshot = read_file(path)
    assert snapshot.issues and reason in " ".join(issue.reason for issue in snapshot.issues)
    for entry in snapshot.entries:
        assert entry.target.start is None or 1900 <= entry.target.start.year <= 2200
        if entry.window_start is not None:
            assert entry.window_start.date() == entry.target.start.date()  # type: ignore[union-attr]
    assert all(entry.vehicle != "" for entry in snapshot.entries)


def test_json_items_know_their_lines_across_a_long_file() -> None:
    items = [{"vehicle": f"V{i}"} for i in range(5_000)]
    text = json.dumps(items, indent=1)
    lines = [line for line, _ in json_array_items(text)]
    assert lines == [2 + 3 * i for i in range(5_000)]


def test_a_hundred_thousand_rows_are_read_and_kept(tmp_path: Path) -> None:
    row = 'Starlink,"NET Nov 21, 2026",SLC-40,Falcon 9\n'
    path = tmp_path / "upcoming-2026-01-01.csv"
    path.write_text(HEADER + row * 100_000, encoding="utf-8")
    report = update_schedule(str(path), tmp_path / "home")
    assert report.kept[0].entries == 100_000


def test_an_ll2_result_that_is_not_an_object_is_an_issue() -> None:
    page = json.dumps({"results": [1, {"net": "9999-12-31T23:59:59Z", "net_precision": None}]})
    snapshot = read_ll2_pages([page], "launch/upcoming/", None)
    assert len(snapshot.issues) == 2 and not any(e.target.start for e in snapshot.entries)


@settings(max_examples=150, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    content=st.one_of(
        st.binary(max_size=300),
        st.text(max_size=300).map(str.encode),
        st.lists(
            st.dictionaries(
                st.sampled_from([*GOOD_ITEM, "x"]),
                st.one_of(st.none(), st.text(max_size=30), st.integers(), st.lists(st.none())),
            ),
            max_size=4,
        ).map(lambda items: json.dumps(items).encode()),
        st.lists(st.text(max_size=40), max_size=6).map(
            lambda rows: (HEADER + "\n".join(rows)).encode()
        ),
    ),
    suffix=st.sampled_from([".csv", ".json"]),
)
def test_no_reader_raises_anything_but_the_projects_own_errors(
    tmp_path: Path, content: bytes, suffix: str
) -> None:
    path = tmp_path / f"upcoming-2025-01-01{suffix}"
    path.write_bytes(content)
    try:
        snapshot = read_file(path)
    except SourceError as error:
        assert isinstance(error, CosmodromeError) and "\n" not in str(error)
        return
    for entry in snapshot.entries:
        assert entry.target.start is None or 1900 <= entry.target.start.year <= 2201


def test_control_characters_are_stripped_from_schedule_names(tmp_path: Path) -> None:
    path = tmp_path / "upcoming-2025-01-01.json"
    path.write_text(json.dumps([{**GOOD_ITEM, "vehicle": "Falcon\u0000 9\u001b"}]), "utf-8")
    (entry,) = read_file(path).entries
    assert entry.vehicle == "Falcon 9"
