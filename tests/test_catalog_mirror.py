"""Catalog figures on the frozen mirror, checked against counts computed another way."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import duckdb
import pytest

from cosmodrome.catalog.names import resolve_sites
from cosmodrome.catalog.queries import LaunchFilter, launches_per_year, sites

pytestmark = pytest.mark.integration


def raw_launches(shared_data: Path) -> dict[str, list[str]]:
    """First launchlog row per Launch_Tag, read with nothing but str.split."""
    first: dict[str, list[str]] = {}
    with (shared_data / "gcat/tsv/derived/launchlog.tsv").open(encoding="utf-8") as handle:
        for line in handle:
            if not line.startswith("#"):
                fields = line.rstrip("\n").split("\t")
                first.setdefault(fields[0].strip(), fields)
    return first


def test_launch_totals(mirror_con: duckdb.DuckDBPyConnection) -> None:
    # Totals published with the frozen mirror (shared/data/README.md and issue 2).
    assert mirror_con.execute("SELECT count(*) FROM launches").fetchone() == (6828,)
    by_class = dict(
        mirror_con.execute("SELECT orbit_class, count(*) FROM launches GROUP BY 1").fetchall()
    )
    assert by_class == {"orbital": 6598, "deep_space": 219, "other": 11}
    first, last = (
        mirror_con.execute(
            "SELECT min(time_utc)::DATE, max(time_utc)::DATE FROM launches"
        ).fetchone()
        or ()
    )
    assert (str(first), str(last)) == ("1957-10-04", "2024-12-08")
    assert mirror_con.execute("SELECT count(*) FROM payloads").fetchone() == (23433,)


def test_yearly_counts_per_site_match_the_raw_file(
    mirror_con: duckdb.DuckDBPyConnection, shared_data: Path
) -> None:
    expected = Counter(
        (fields[12].strip(), int(fields[1][:4])) for fields in raw_launches(shared_data).values()
    )
    got = Counter(
        {
            (code, year): n
            for code, year, n in mirror_con.execute(
                "SELECT site_code, year, count(*) FROM launches GROUP BY ALL"
            ).fetchall()
        }
    )
    assert got == expected


def test_baikonur_per_year_under_both_codes(mirror_con: duckdb.DuckDBPyConnection) -> None:
    per_year = launches_per_year(mirror_con, LaunchFilter(site="Baikonur")).set_index("year")[
        "launches"
    ]
    # Issue 3's figures for the 2024-12-08 snapshot.
    assert [int(per_year[y]) for y in range(2012, 2025)] == [
        21,
        23,
        21,
        18,
        11,
        13,
        9,
        13,
        7,
        14,
        7,
        9,
        7,
    ]
    codes = dict(
        mirror_con.execute(
            "SELECT site_code, count(*) FROM launches WHERE site = 'GIK-5' GROUP BY 1"
        ).fetchall()
    )
    assert set(codes) == {"NIIP-5", "GIK-5"} and codes["NIIP-5"] > 0 and codes["GIK-5"] > 0
    assert mirror_con.execute(
        "SELECT max(year), min(year) FROM launches WHERE site_code = 'NIIP-5'"
    ).fetchone() == (1988, 1957)


def test_only_genuinely_malformed_rows_are_quarantined(
    mirror_con: duckdb.DuckDBPyConnection,
) -> None:
    every = mirror_con.execute("SELECT file, reason FROM quarantine").fetchall()
    # What catalog/checks.py records: 31 launches name a vehicle lv.tsv lacks ('Titan 401A'
    # is listed only as 'Titan 401A/Centaur'), and one organisation's longitude is -213.25.
    checked = [r for r in every if "is not defined in lv.tsv" in r[1] or "is outside" in r[1]]
    assert len(checked) == 32
    assert sum("Longitude '-213.2500'" in reason for _, reason in checked) == 1
    rows = [r for r in every if r not in checked]
    assert rows, "the mirror's orgs.tsv has one malformed TStart ('2025 Oct    -')"
    # ... auxcat.tsv one decay date spelled '2020 JUl 16 1500', and the UCS workbook a dry
    # mass range '1,500-1,900' kg (Helios 2A and 2B).
    # CSIS's launch-cost table: ten source blocks with no cost and year ('Missing', '#REF!').
    prices = [r for r in rows if r[0] == "csis_launch_costs.csv"]
    assert len(prices) == 10 and all("has no launch cost and year" in r[1] for r in prices)
    rows = [r for r in rows if r not in prices]
    assert all(
        (file == "orgs.tsv" and "2025 Oct" in reason)
        or (file == "auxcat.tsv" and "2020 JUl 16" in reason)
        or (file.startswith("UCS") and "1,500-1,900" in reason)
        for file, reason in rows
    )
    assert len(rows) == 4


def test_sites_in_kazakhstan(mirror_con: duckdb.DuckDBPyConnection) -> None:
    rows = sites(mirror_con, "KZ")
    assert rows.column("site") == ["GIK-5"]
    assert rows.column("launches") == [1546]
    assert list(rows.to_frame()["site_name"]) == ["Baikonur"]


@pytest.mark.parametrize(
    ("name", "site"),
    [
        ("Baikonur", "GIK-5"),
        ("Baykonur", "GIK-5"),
        ("Tyuratam", "GIK-5"),
        ("GIK-5", "GIK-5"),
        ("baikonur", "GIK-5"),
        ("Vostochny", "VOST"),  # kept apart from Svobodny, which GCAT files it under
        ("Svobodny", "SVOB"),
        ("GNIIP", "GIK-1"),  # Plesetsk's code in 1993-1995
        ("Plesetsk", "GIK-1"),
        ("Cape Canaveral", "CC"),
        ("Kennedy", "KSC"),
        ("Kourou", "CSG"),
        ("Jiuquan", "JQ"),
        ("Sriharikota", "SHAR"),
        ("Alcantara", "ALCA"),
    ],
)
def test_names_people_use_on_the_mirror(
    mirror_con: duckdb.DuckDBPyConnection, name: str, site: str
) -> None:
    resolved = resolve_sites(mirror_con, name)
    assert site in resolved
    assert resolved == [site]  # Kennedy is KSC: the curated name wins over Cape Kennedy (CC)


def test_spaceport_regrouping_of_gcat_codes(mirror_con: duckdb.DuckDBPyConnection) -> None:
    # Counted independently from the raw site codes: VOST 19, GIK-2 5, GNIIP 2.
    counts = dict(
        mirror_con.execute("SELECT site, count(*) FROM launches GROUP BY site").fetchall()
    )
    assert (counts["VOST"], counts["SVOB"]) == (19, 5)
    assert counts["GIK-1"] == 1670  # NIIP-53, GNIIPV, GIK-1 and GNIIP
    names = dict(mirror_con.execute("SELECT DISTINCT site, site_name FROM launches").fetchall())
    assert (names["GIK-5"], names["VOST"], names["SVOB"]) == ("Baikonur", "Vostochny", "Svobodny")
