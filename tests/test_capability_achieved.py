"""Achieved inclinations per site, against a tiny catalog built in the test."""

from __future__ import annotations

import duckdb
import pytest

from cosmodrome.capability.achieved import (
    achieved_inclinations,
    corridor_findings,
    inclination_distribution,
)
from cosmodrome.spaceports import find_spaceport


@pytest.fixture()
def connection() -> duckdb.DuckDBPyConnection:
    con = duckdb.connect(":memory:")
    con.execute(
        "CREATE TABLE launches (launch_tag VARCHAR, year INTEGER, site_code VARCHAR, site VARCHAR)"
    )
    con.execute("CREATE TABLE payloads (piece VARCHAR, launch_tag VARCHAR, inc_deg DOUBLE)")
    con.executemany(
        "INSERT INTO launches VALUES (?, ?, ?, ?)",
        [
            ("1961-001", 1961, "NIIP-5", "GIK-5"),
            ("2020-001", 2020, "GIK-5", "GIK-5"),
            ("2021-001", 2021, "GIK-5", "GIK-5"),
            ("2022-001", 2022, "CC", "CC"),
        ],
    )
    con.executemany(
        "INSERT INTO payloads VALUES (?, ?, ?)",
        [
            ("1961-001A", "1961-001", 64.9),
            ("2020-001A", "2020-001", 51.6),
            ("2020-001B", "2020-001", 51.7),
            ("2021-001A", "2021-001", 0.1),
            ("2021-001B", "2021-001", 145.0),
            ("2022-001A", "2022-001", 28.5),
            ("2020-001C", "2020-001", None),
        ],
    )
    return con


def test_distribution_counts_only_the_sites_payloads(connection: duckdb.DuckDBPyConnection) -> None:
    frame = achieved_inclinations(connection, find_spaceport("Baikonur"))
    assert sorted(frame["piece"]) == [
        "1961-001A",
        "2020-001A",
        "2020-001B",
        "2021-001A",
        "2021-001B",
    ]
    dist = inclination_distribution(connection, find_spaceport("Baikonur"))
    assert int(dist["payloads"].sum()) == 5
    assert int(dist.loc[dist["bin_start_deg"] == 50.0, "payloads"].iloc[0]) == 2


def test_history_that_contradicts_a_corridor_is_flagged(
    connection: duckdb.DuckDBPyConnection,
) -> None:
    frame = achieved_inclinations(connection, find_spaceport("Baikonur"))
    flagged = set(frame.loc[~frame["in_corridor"], "piece"])
    # 145 deg is retrograde: no curated Baikonur corridor allows it. 0.1 deg is below the site's
    # latitude (a later plane change, e.g. a GEO satellite), not a corridor question.
    assert flagged == {"2021-001B"}
    findings = corridor_findings(connection, find_spaceport("Baikonur"))
    assert len(findings) == 1 and "1 of 5" in findings[0]


def test_site_without_history(connection: duckdb.DuckDBPyConnection) -> None:
    assert achieved_inclinations(connection, find_spaceport("SaxaVord")).empty
    assert corridor_findings(connection, find_spaceport("Kourou")) == []
