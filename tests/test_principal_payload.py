"""The principal payload of a launch, and masses from a second source (issue 22, items 5-6)."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pandas as pd
import pytest

from cosmodrome.catalog.build import build_catalog, ingest_sources, read_tables
from cosmodrome.catalog.db import open_catalog
from tests.gcat_factory import AUXCAT_COLUMNS, launch_row, tsv, write_mini_gcat


def _ucs(rows: list[tuple[int, float]]) -> pd.DataFrame:
    """A UCS table as catalog.ucs reads it: only the columns the masses need."""
    return pd.DataFrame(
        {
            "norad": pd.array([n for n, _ in rows], dtype="Int64"),
            "launch_mass_kg": [m for _, m in rows],
            "line": list(range(2, len(rows) + 2)),
        }
    )


def _mini_with_satcat(root: Path) -> Path:
    launches = [
        launch_row("2020-001", "2020 Jan  7", "GIK-5", piece="2020-001A", jcat="S50001"),
        launch_row("2020-001", "2020 Jan  7", "GIK-5", piece="2020-001B", jcat="S50002"),
        launch_row("2020-001", "2020 Jan  7", "GIK-5", piece="1998-067ZZ", jcat="S50003"),
    ]
    source = write_mini_gcat(root, launches)
    satcat = [
        {"JCAT": "S50001", "Satcat": "50001", "Piece": "2020-001A", "Name": "Cargo"},
        {"JCAT": "S50002", "Satcat": "50002", "Piece": "2020-001B", "Name": "Cube", "Mass": "4"},
        {"JCAT": "S50003", "Satcat": "50003", "Piece": "1998-067ZZ", "Name": "Deployed"},
    ]
    (source / "tsv/cat/satcat.tsv").write_text(tsv(AUXCAT_COLUMNS, satcat), encoding="utf-8")
    return source


def _paths(source: Path) -> dict[str, Path]:
    return {
        "launchlog": source / "tsv/derived/launchlog.tsv",
        "sites": source / "tsv/tables/sites.tsv",
        "orgs": source / "tsv/tables/orgs.tsv",
        "lv": source / "tsv/tables/lv.tsv",
        "psatcat": source / "tsv/cat/psatcat.tsv",
        "auxcat": source / "tsv/cat/auxcat.tsv",
        "satcat": source / "tsv/cat/satcat.tsv",
    }


def test_one_known_mass_does_not_make_a_cubesat_the_principal_payload(tmp_path: Path) -> None:
    # HTV-5's case: only the cubesat has a mass; the first listed payload of the launch's
    # own designation is the principal one, not the only one with a known mass.
    source = _mini_with_satcat(tmp_path / "src")
    build_catalog(str(source), tmp_path / "home")
    with open_catalog(tmp_path / "home") as con:
        primary = con.execute("SELECT primary_piece FROM launches").fetchone()
        orders = con.execute("SELECT piece, list_order FROM payloads ORDER BY 2").fetchall()
    assert primary == ("2020-001A",)
    assert orders == [("2020-001A", 1), ("2020-001B", 2), ("1998-067ZZ", 3)]


def test_ucs_masses_fill_gaps_and_satcat_masses_win(tmp_path: Path) -> None:
    source = _mini_with_satcat(tmp_path / "src")
    tables = read_tables(_paths(source))
    # UCS knows all three: satcat's 4 kg stays, the two GCAT lacks come from UCS; with a
    # mass for every payload the heaviest is the principal one (still own designation first).
    ucs = _ucs([(50001, 16500.0), (50002, 99.0), (50003, 20000.0)])
    with duckdb.connect() as con:
        ingest_sources(con, tables, ucs_frame=ucs)
        payloads = con.execute("SELECT * FROM built_payloads").df().set_index("piece")
    assert payloads.loc["2020-001A", "mass_kg"] == 16500.0
    assert payloads.loc["2020-001A", "mass_source"] == "ucs"
    assert payloads.loc["2020-001B", "mass_kg"] == 4.0
    assert payloads.loc["2020-001B", "mass_source"] == "satcat"
    assert payloads.loc["1998-067ZZ", "mass_source"] == "ucs"
    assert payloads["is_primary"].to_dict() == {
        "2020-001A": True,
        "2020-001B": False,
        "1998-067ZZ": False,
    }


def test_without_ucs_masses_keep_their_gcat_source(tmp_path: Path) -> None:
    tables = read_tables(_paths(_mini_with_satcat(tmp_path / "src")))
    with duckdb.connect() as con:
        ingest_sources(con, tables)
        payloads = con.execute("SELECT * FROM built_payloads").df().set_index("piece")
    sources = payloads["mass_source"].astype(object)
    assert sources.where(sources.notna(), None).to_dict() == {
        "2020-001A": None,
        "2020-001B": "satcat",
        "1998-067ZZ": None,
    }


# The launches the issue names, with the payload each was for (GCAT piece A).
NAMED = {
    "2015-038": ("2015-038A", "SS", "civil"),  # HTV-5, not Flock 2b-11
    "2018-004": ("2018-004A", "IMG", None),  # PSLV C40: Cartosat-2ER, not JERRY
    "2018-101": ("2018-101A", "SS", None),  # Dragon CRS-16, orbit LEO, not SSO
    "2022-156": ("2022-156A", "SS", "civil"),  # Artemis I, not Lunar IceCube
}


@pytest.mark.integration
def test_the_named_launches_have_their_principal_payload(
    mirror_con: duckdb.DuckDBPyConnection,
) -> None:
    for tag, (piece, mission, sector) in NAMED.items():
        row = mirror_con.execute(
            "SELECT primary_piece, mission, sector, orbit_regime FROM launches "
            "WHERE launch_tag = ?",
            [tag],
        ).fetchone()
        assert row is not None and row[0] == piece and row[1] == mission, (tag, row)
        assert sector is None or row[2] == sector
    regime = mirror_con.execute(
        "SELECT orbit_regime FROM launches WHERE launch_tag = '2018-101'"
    ).fetchone()
    assert regime == ("LEO",)


@pytest.mark.integration
def test_no_launch_since_2000_is_unknown_while_a_payload_mission_is_known(
    mirror_con: duckdb.DuckDBPyConnection,
) -> None:
    wrong = mirror_con.execute(
        """SELECT l.launch_tag FROM launches l WHERE l.year >= 2000 AND l.mission = 'unknown'
           AND EXISTS (SELECT 1 FROM payloads p WHERE p.launch_tag = l.launch_tag
                       AND p.mission <> 'unknown')"""
    ).fetchall()
    assert wrong == []


@pytest.mark.integration
def test_the_launches_a_cubesat_mass_decided_now_follow_gcat_order(
    mirror_con: duckdb.DuckDBPyConnection,
) -> None:
    # The launches (2015-2024) where the old rule, heaviest known mass, picked an auxcat
    # cubesat listed after the first payload while other payloads had no mass: 85 on the
    # mirror (the issue counted 81 among those left "unknown"). Each now takes the first
    # listed payload of its own designation whose mission is known.
    rows = mirror_con.execute(
        """WITH h AS (
               SELECT launch_tag, count(*) AS n, count(mass_kg) FILTER (
                   WHERE mass_source = 'auxcat') AS m,
                   arg_max(list_order, mass_kg) FILTER (WHERE mass_source = 'auxcat') AS heavy
               FROM payloads GROUP BY 1),
           best AS (
               SELECT launch_tag, min(list_order) AS first_known FROM payloads
               WHERE mission <> 'unknown' AND starts_with(piece, trim(launch_tag))
               GROUP BY 1)
           SELECT l.launch_tag, p.list_order, b.first_known
           FROM h JOIN launches l USING (launch_tag)
           JOIN payloads p ON p.launch_tag = l.launch_tag AND p.is_primary
           LEFT JOIN best b ON b.launch_tag = l.launch_tag
           WHERE l.year BETWEEN 2015 AND 2024 AND h.heavy > 1 AND h.m < h.n"""
    ).fetchall()
    assert len(rows) == 85
    assert all(order == first for _, order, first in rows if first is not None)


@pytest.mark.integration
def test_ucs_gives_most_masses_of_2019_to_2023(mirror_con: duckdb.DuckDBPyConnection) -> None:
    # The issue counted 196 known masses among the 9,072 payloads of 2019-2023 before UCS.
    row = mirror_con.execute(
        """SELECT count(*), count(p.mass_kg), count(*) FILTER (WHERE p.mass_source = 'ucs')
           FROM payloads p JOIN launches l USING (launch_tag)
           WHERE l.year BETWEEN 2019 AND 2023"""
    ).fetchone()
    assert row is not None
    payloads, known, from_ucs = row
    assert known > payloads / 2 and from_ucs > 5000


def test_a_launch_lists_its_first_payload_names_and_how_many_more(tmp_path: Path) -> None:
    names = ["Cargo", "-", "Cube", "Deployed"]  # GCAT's '-': a payload without a name
    launches = [
        {**launch_row("2020-001", "2020 Jan  7", "GIK-5", piece=f"2020-001{p}"), "Name": name}
        for p, name in zip("ABCD", names, strict=True)
    ]
    build_catalog(str(write_mini_gcat(tmp_path / "src", launches)), tmp_path / "home")
    with open_catalog(tmp_path / "home") as con:
        listed = con.execute("SELECT payload_names FROM launches").fetchone()
    assert listed == ("Cargo, (unnamed), Cube and 1 more",)
