"""The catalog commands, run through the real console entry point."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from cosmodrome.catalog.build import build_catalog
from tests.conftest import CliRunner
from tests.gcat_factory import launch_row, write_mini_gcat


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("cli")
    source = write_mini_gcat(
        root / "src",
        [
            launch_row("2022-001", "2022 Jan 10 1000:00", "GIK-5"),
            launch_row("2023-002", "2023 Mar  1 0500:00", "GIK-5", code="OF"),
            launch_row(
                "2023-003", "2023 Apr  1 0500:00", "CSG", vehicle="Ariane 5ECA", agency="AE"
            ),
        ],
    )
    build_catalog(str(source), root / "home")
    return root / "home"


def test_launches_json_has_the_documented_fields(home: Path, cosmodrome: CliRunner) -> None:
    result = cosmodrome(
        home,
        "launches",
        "--site",
        "Baikonur",
        "--from",
        "2022-01-01",
        "--to",
        "2024-12-31",
        "--format",
        "json",
    )
    assert result.returncode == 0, result.stderr
    rows = json.loads(result.stdout)
    assert [r["launch_tag"] for r in rows] == ["2022-001", "2023-002"]
    first = rows[0]
    assert first["time_utc"] == "2022-01-10T10:00:00Z"
    assert (first["site"], first["site_name"], first["outcome"], first["payload_count"]) == (
        "GIK-5",
        "Baikonur",
        "success",
        1,
    )
    assert {"vehicle", "pad", "agency"} <= set(first)


def test_launches_csv_filters_failures(home: Path, cosmodrome: CliRunner) -> None:
    result = cosmodrome(
        home, "launches", "--vehicle", "Soyuz-2", "--outcome", "failure", "--format", "csv"
    )
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert [r["launch_tag"] for r in rows] == ["2023-002"]


def test_unknown_site_lists_closest_names(home: Path, cosmodrome: CliRunner) -> None:
    result = cosmodrome(home, "launches", "--site", "Kouru")
    assert result.returncode == 1
    assert "Unknown site 'Kouru'" in result.stderr and "Kourou" in result.stderr


def test_sql_refuses_writes(home: Path, cosmodrome: CliRunner) -> None:
    result = cosmodrome(home, "sql", "DROP TABLE launches")
    assert result.returncode == 1 and "read-only" in result.stderr
    ok = cosmodrome(home, "sql", "SELECT count(*) AS n FROM launches", "--format", "json")
    assert json.loads(ok.stdout) == [{"n": 3}]


def test_site_and_sites(home: Path, cosmodrome: CliRunner) -> None:
    detail = json.loads(cosmodrome(home, "site", "Tyuratam", "--format", "json").stdout)
    assert detail["sites"] == ["GIK-5"] and detail["totals"]["launches"] == 2
    listed = json.loads(cosmodrome(home, "sites", "--country", "KZ", "--format", "json").stdout)
    assert [s["site"] for s in listed] == ["GIK-5"]


def test_export_parquet(home: Path, tmp_path: Path, cosmodrome: CliRunner) -> None:
    import pyarrow.parquet as pq

    result = cosmodrome(home, "export", "--format", "parquet", "--out", str(tmp_path / "out"))
    assert result.returncode == 0, result.stderr
    assert pq.read_table(tmp_path / "out" / "launches.parquet").num_rows == 3


def test_missing_catalog_says_how_to_build(tmp_path: Path, cosmodrome: CliRunner) -> None:
    result = cosmodrome(tmp_path, "launches")
    assert result.returncode == 1 and "cosmodrome update" in result.stderr


def test_usage_errors_are_typers_own(home: Path, cosmodrome: CliRunner) -> None:
    result = cosmodrome(home, "launches", "--bogus")
    assert result.returncode == 2
    assert "No such option" in result.stderr and "Traceback" not in result.stderr


@pytest.mark.parametrize(
    "option", ["--time-limit-s", "--max-rows", "--max-output-mb", "--memory-limit-mb"]
)
def test_sql_refuses_limits_that_would_switch_it_off(
    option: str, tmp_path: Path, cosmodrome: CliRunner
) -> None:
    result = cosmodrome(tmp_path, "sql", "SELECT 1", option, "-1")
    assert result.returncode == 1
    assert "must be positive" in result.stderr and "Traceback" not in result.stderr
