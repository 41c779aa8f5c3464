"""Launch prices and launch value (issue 22): readers, mapping, values, CLI and REST API."""

from __future__ import annotations

import itertools
import json
from collections import Counter
from datetime import date
from pathlib import Path
from typing import Any

import duckdb
import pytest
from hypothesis import given
from hypothesis import strategies as st

from cosmodrome import api
from cosmodrome.catalog.build import build_catalog
from cosmodrome.catalog.db import open_catalog
from cosmodrome.catalog.gcat import Issue
from cosmodrome.catalog.prices import (
    DOLLAR_YEAR,
    name_variants,
    parse_millions,
    price_index,
    read_csis,
    read_nsf,
    to_constant,
)
from cosmodrome.catalog.valuation import KIND_SPREAD, PER_YEAR
from tests.conftest import CliRunner
from tests.gcat_factory import launch_row, write_mini_gcat

NSF_HEADER = "name,image_url,company_name,status,price,payload_to_leo"
CSIS_HEADER = "Vehicle / Vehicle Family,Cost to LEO (FY21$/kg),Max. Payload Mass to LEO (kg)"


def _csis_row(vehicle: str, blocks: list[list[str]]) -> str:
    """A CSIS row: 16 leading cells (name, figures, tags, #REF! columns), then 9-cell blocks."""
    head = [vehicle, "", "", "", "", "", vehicle, "#REF!", "#REF!", "#REF!"] + [""] * 6
    cells = head + [c for block in blocks for c in (block + [""] * (9 - len(block)))]
    return ",".join(f'"{c}"' if "," in c else c for c in cells)


def _write_vehicles(folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "nsf_rocket_configurations_2024-10.csv").write_text(
        "\n".join(
            [
                NSF_HEADER,
                'Soyuz 2.1a,x,RKK Energiya,Active,$17.42 million,"7,500 kg"',
                'Soyuz 2.1a/Fregat,x,RKK Energiya,Active,$23.0 million,"7,020 kg"',
                "Mystery 1,x,Nobody,Active,TBD,",
                "No Price,x,Nobody,Active,,",
            ]
        )
        + "\n",
        encoding="utf-8",
    )
    (folder / "csis_launch_costs.csv").write_text(
        "\n".join(
            [
                CSIS_HEADER,
                _csis_row(
                    "Soyuz",
                    [
                        ["FAA (2018)", "16859", "2018", "FAA (2018)", "50", "80", "2018", "7800"],
                        ["Missing / FAA (2018)", "", "", "Missing", "", "", "", "100"],
                    ],
                ),
            ]
        )
        + "\n",
        encoding="utf-8",
    )


def test_nsf_prices_and_a_price_that_is_not_one(tmp_path: Path) -> None:
    _write_vehicles(tmp_path / "vehicles")
    issues: list[Issue] = []
    points = read_nsf(tmp_path / "vehicles/nsf_rocket_configurations_2024-10.csv", issues)
    assert [(p.vehicle, p.amount, p.year, p.kind) for p in points] == [
        ("Soyuz 2.1a", 17.42, 2024, "list price"),
        ("Soyuz 2.1a/Fregat", 23.0, 2024, "list price"),
    ]
    assert [(i.line, i.reason) for i in issues] == [(4, "price 'TBD' is not '$N million'")]
    assert parse_millions("$3,000.0 million") == 3000.0


def test_csis_blocks_give_dated_sourced_costs_and_missing_ones_are_quarantined(
    tmp_path: Path,
) -> None:
    _write_vehicles(tmp_path / "vehicles")
    issues: list[Issue] = []
    points = read_csis(tmp_path / "vehicles/csis_launch_costs.csv", issues)
    assert [(p.vehicle, p.year, p.amount, p.amount_high, p.kind) for p in points] == [
        ("Soyuz", 2018, 50.0, 80.0, "estimate")
    ]
    assert "FAA (2018)" in points[0].source and points[0].source_line == 2
    assert len(issues) == 1 and issues[0].line == 2 and "no launch cost" in issues[0].reason


def test_constant_dollars_follow_the_cpi_u_table() -> None:
    index = price_index()
    assert DOLLAR_YEAR == max(index) == 2024
    # BLS annual averages: 2014 236.736, 2024 313.689.
    assert to_constant(100.0, 2014, index) == pytest.approx(100.0 * 313.689 / 236.736)
    assert to_constant(5.0, DOLLAR_YEAR, index) == 5.0
    # 2009 saw deflation: the table is read as published, not smoothed.
    assert index[2009] < index[2008]


def test_name_variants_drop_upper_stage_then_block() -> None:
    assert name_variants("Falcon 9 Block 5") == ["Falcon 9 Block 5", "Falcon 9"]
    assert name_variants("Soyuz 2.1a/Fregat") == ["Soyuz 2.1a/Fregat", "Soyuz 2.1a"]
    assert name_variants("Delta IV Medium+ (4,2)") == ["Delta IV Medium+ (4,2)", "Delta IV Medium+"]


@pytest.fixture()
def mini_home(tmp_path: Path) -> Path:
    """A mini catalog: three Soyuz-2-1A launches (2019, 2024, one captive), one Ariane 5ECA
    launch with no price, and the vehicles tables above."""
    launches = [
        launch_row("2019-003", "2019 Feb 27", "GIK-5", vehicle="Soyuz-2-1A"),
        launch_row("2024-010", "2024 Mar  3", "GIK-5", vehicle="Soyuz-2-1A"),
        launch_row("2024-011", "2024 Mar  9", "GIK-5", vehicle="Soyuz-2-1A", owner="RVSN"),
        launch_row(
            "2024-012", "2024 Apr  9", "CSG", vehicle="Ariane 5ECA", agency="AE", owner="MO"
        ),
    ]
    source = write_mini_gcat(tmp_path / "src", launches)
    _write_vehicles(source / "vehicles")
    build_catalog(str(source), tmp_path / "home")
    return tmp_path / "home"


def test_every_launch_has_a_value_with_its_basis_or_is_unknown(mini_home: Path) -> None:
    with open_catalog(mini_home) as con:
        values = {r["launch_tag"]: r for r in api.launch_values(con).records()}
        prices = api.prices(con, "Soyuz 2.1a").records()
    # CSIS's "Soyuz" covers every Soyuz configuration; NSF's Soyuz 2.1a/Fregat is the
    # configuration the project's vehicle table knows by that name (no GCAT launch has it).
    assert [(p["vehicle"], p["scope"]) for p in prices] == [
        ("Soyuz", "family"),
        ("Soyuz 2.1a", "configuration"),
        ("Soyuz 2.1a/Fregat", "configuration"),
    ]
    same_year = values["2024-010"]
    assert same_year["basis"] == "configuration" and same_year["carried_years"] == 0
    assert same_year["value_musd"] == pytest.approx(17.42)
    spread = KIND_SPREAD["list price"]
    assert same_year["low_musd"] == pytest.approx(17.42 * (1 - spread))
    assert same_year["high_musd"] == pytest.approx(17.42 * (1 + spread))
    # 2019: the configuration's own 2024 list price, carried five years, beats CSIS's 2018
    # estimate for the whole Soyuz family (nearer in time, but a wider set).
    carried = values["2019-003"]
    assert carried["basis"] == "configuration" and carried["carried_years"] == 5
    spread = KIND_SPREAD["list price"] + 5 * PER_YEAR
    assert carried["value_musd"] == pytest.approx(17.42)
    assert carried["high_musd"] == pytest.approx(17.42 * (1 + spread))
    assert carried["low_musd"] == pytest.approx(17.42 * (1 - spread))
    unknown = values["2024-012"]
    assert unknown["basis"] == "unknown" and unknown["value_musd"] is None
    # RVSN launching a payload RVSN owns is captive; MO's payload on RVSN's launch is not.
    assert values["2024-011"]["captive"] and values["2024-011"]["market"] == "captive"
    assert not values["2024-010"]["captive"] and values["2024-010"]["market"] == "government"


def test_value_rows_keep_captive_apart_and_count_the_unknown(mini_home: Path) -> None:
    with open_catalog(mini_home) as con:
        rows = api.launch_value(con, "provider-state", start=date(2024, 1, 1)).records()
        market_only = api.launch_value(
            con, "provider-state", start=date(2024, 1, 1), captive=False
        ).records()
    by_kind = {(r["group"], r["captive"]): r for r in rows}
    assert by_kind[("RU", False)]["launches"] == 1
    assert by_kind[("RU", True)]["launches"] == 1
    assert by_kind[("F", False)]["launches_valued"] == 0
    assert by_kind[("F", False)]["value_musd"] is None  # unknown, never 0
    assert all(not r["captive"] for r in market_only)
    for row in rows:
        assert set(row) >= {
            "period",
            "group",
            "launches",
            "launches_valued",
            "value_musd",
            "low_musd",
            "high_musd",
            "dollar_year",
            "captive",
        }
        assert row["dollar_year"] == DOLLAR_YEAR


# ------------------------------------------------------------------------------ the mirror


@pytest.mark.integration
def test_falcon_9_prices_carry_their_sources(mirror_con: duckdb.DuckDBPyConnection) -> None:
    rows = api.prices(mirror_con, "Falcon 9").records()
    years = Counter((r["source_file"], r["year"]) for r in rows)
    # CSIS: Xu et al. 2010, GAO 2017, Jones and FAA 2018; NSF Block 5 (2024); NASA TESS 2014.
    assert years[("csis_launch_costs.csv", 2018)] == 2
    assert years[("csis_launch_costs.csv", 2010)] == 1
    assert years[("nsf_rocket_configurations_2024-10.csv", 2024)] == 1
    assert years[("prices.toml", 2014)] == 1
    assert all(
        r["source"] and r["kind"] in ("list price", "contract value", "estimate") for r in rows
    )


@pytest.mark.integration
def test_mirror_values_add_up_and_unknown_is_never_zero(
    mirror_con: duckdb.DuckDBPyConnection,
) -> None:
    start, end = date(2015, 1, 1), date(2023, 12, 31)
    launches = mirror_con.execute(
        "SELECT count(*) FROM launches WHERE year BETWEEN 2015 AND 2023 AND orbit_class <> 'other'"
    ).fetchone()
    by_state = api.launch_value(mirror_con, "provider-state", start=start, end=end).records()
    by_vehicle = api.launch_value(mirror_con, "vehicle", start=start, end=end).records()
    assert launches is not None and sum(r["launches"] for r in by_state) == launches[0]
    for rows in (by_state, by_vehicle):
        assert all(r["value_musd"] != 0 for r in rows)
        assert all((r["value_musd"] is None) == (r["launches_valued"] == 0) for r in rows)
        assert all(
            r["low_musd"] <= r["value_musd"] <= r["high_musd"]
            for r in rows
            if r["value_musd"] is not None
        )
    total = sum(r["value_musd"] or 0 for r in by_state)
    assert total == pytest.approx(sum(r["value_musd"] or 0 for r in by_vehicle))
    valued = sum(r["launches_valued"] for r in by_state)
    assert valued / launches[0] > 0.9


@pytest.mark.integration
def test_starlink_launches_are_captive(
    mirror_con: duckdb.DuckDBPyConnection, shared_data: Path
) -> None:
    # 2023 launches whose first-listed payload SpaceX (Seattle) owns, read from the raw log.
    starlink = set()
    with (shared_data / "gcat/tsv/derived/launchlog.tsv").open(encoding="utf-8") as handle:
        seen: set[str] = set()
        for line in handle:
            if line.startswith("#"):
                continue
            cells = [c.strip() for c in line.rstrip("\n").split("\t")]
            tag = cells[0]
            if tag in seen:
                continue
            seen.add(tag)
            if cells[1].startswith("2023") and cells[7] == "SPXS" and cells[16] == "SPX":
                starlink.add(tag)
    values = api.launch_values(mirror_con, start=date(2023, 1, 1), end=date(2023, 12, 31))
    captive = {
        r["launch_tag"] for r in values.records() if r["captive"] and r["provider"] == "SpaceX"
    }
    assert len(starlink) > 50 and starlink <= captive


@pytest.mark.integration
def test_value_commands_and_share_by_value(cosmodrome: CliRunner, mirror_home: Path) -> None:
    result = cosmodrome(
        mirror_home, "value", "--by", "provider", "--from", "2015", "--to", "2023", "-f", "json"
    )
    assert result.returncode == 0, result.stderr
    rows = json.loads(result.stdout)
    assert {
        "period",
        "group",
        "launches",
        "launches_valued",
        "value_musd",
        "low_musd",
        "high_musd",
        "dollar_year",
        "captive",
    } <= set(rows[0])
    table = cosmodrome(
        mirror_home,
        "value",
        "--by",
        "provider-state",
        "--sector",
        "commercial",
        "--from",
        "2020",
        columns=80,
    )
    assert table.returncode == 0 and "unknown" not in table.stdout.split("\n")[0]
    assert all(len(line) <= 80 for line in table.stdout.splitlines())
    per_kg = cosmodrome(
        mirror_home, "value", "--per-kg", "--orbit", "leo", "--from", "2023", "-f", "json"
    )
    kg = {r["group"]: r for r in json.loads(per_kg.stdout)}
    assert kg["Falcon 9"]["usd_per_kg_capacity"] > 1000
    share = cosmodrome(
        mirror_home,
        "share",
        "--by",
        "provider-state",
        "--measure",
        "value",
        "--from",
        "2020",
        "--to",
        "2020",
        "-f",
        "json",
    )
    shares = json.loads(share.stdout)
    assert sum(r["launch_share"] for r in shares) == pytest.approx(1.0)
    assert sum(r["value_share"] or 0 for r in shares) == pytest.approx(1.0)
    prices = cosmodrome(mirror_home, "prices", "--vehicle", "Falcn 9")
    assert prices.returncode != 0 and "Falcon 9" in prices.stderr


@pytest.mark.integration
def test_rest_value_and_prices(mirror_home: Path) -> None:
    from cosmodrome.web.app import create_app
    from tests.web_support import client_class

    client: Any
    with client_class()(create_app(mirror_home)) as client:
        value = client.get("/api/value", params={"by": "provider", "from": "2022"})
        prices = client.get("/api/prices", params={"vehicle": "Atlas V 541"})
        csv = client.get("/api/value", params={"by": "market", "format": "csv"})
    assert value.status_code == 200 and value.json()["data"][0]["dollar_year"] == DOLLAR_YEAR
    sources = {r["source_file"] for r in prices.json()["data"]}
    assert {"prices.toml", "nsf_rocket_configurations_2024-10.csv"} <= sources
    assert csv.status_code == 200 and csv.text.startswith("period,")


@pytest.mark.integration
def test_site_report_says_what_the_sites_launches_were_worth(
    mirror_con: duckdb.DuckDBPyConnection,
) -> None:
    html = api.site_report(mirror_con, "Baikonur")
    assert 'id="value"' in html and "Launch value per year" in html
    # The paragraph's total: the site's non-captive launch values of 2015-2024, summed here
    # launch by launch.
    launches = api.launch_values(
        mirror_con, api.LaunchFilter(site="Baikonur"), start=date(2015, 1, 1)
    ).records()
    total = sum(r["value_musd"] or 0 for r in launches if not r["captive"])
    assert f"US$ {total:,.0f} million of {DOLLAR_YEAR}" in html


@given(st.floats(min_value=0.01, max_value=99_999, allow_nan=False).map(lambda v: round(v, 2)))
def test_parse_millions_reads_what_nsf_writes(amount: float) -> None:
    assert parse_millions(f"${amount:,.2f} million") == pytest.approx(amount)
    assert parse_millions(f"{amount:,.2f}") is None  # no dollar sign, no "million": no price


@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=40))
def test_name_variants_start_with_the_name_and_only_shorten(name: str) -> None:
    variants = name_variants(name)
    assert variants[0] == name
    assert len(set(variants)) == len(variants)
    assert all(len(later) < len(earlier) for earlier, later in itertools.pairwise(variants))
