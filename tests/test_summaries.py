"""The site and pad totals the build stores answer as the launch log itself does."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pytest

from cosmodrome.catalog import names, queries, summaries
from cosmodrome.catalog.db import open_catalog
from cosmodrome.tables import json_records

pytestmark = pytest.mark.integration


def _answers(con: duckdb.DuckDBPyConnection) -> list[object]:
    sites = [s for (s,) in con.execute("SELECT DISTINCT site FROM launches ORDER BY 1").fetchall()]
    found: list[object] = [json_records(queries.sites(con, c)) for c in (None, "KZ", "FR", "US")]
    found += [queries.vehicle_totals(con, v).records() for v in (None, ["Soyuz-2-1A"])]
    for site in sites:
        detail = queries.site_detail(con, site)
        detail["history"] = json_records(detail["history"])
        pads = json_records(detail.pop("pads"))
        detail["pads"] = sorted(pads, key=lambda r: (-r["launches"], str(r["pad"])))
        found.append(detail)
    return found


def test_stored_totals_answer_as_the_subquery_does(
    mirror_con: duckdb.DuckDBPyConnection, monkeypatch: pytest.MonkeyPatch
) -> None:
    stored = _answers(mirror_con)
    assert summaries.summary(mirror_con, "site_totals") == "site_totals"
    monkeypatch.setattr(names, "_PER_CATALOG", {})
    made = summaries.groups()["summaries_key"]
    monkeypatch.setattr(summaries, "summary", lambda con, name: f"({made[name]})")
    monkeypatch.setattr(queries, "summary", summaries.summary)
    assert _answers(mirror_con) == stored


def test_totals_add_up_to_the_launch_log(mirror_con: duckdb.DuckDBPyConnection) -> None:
    def one(sql: str) -> object:
        row = mirror_con.execute(sql).fetchone()
        assert row is not None
        return row[0]

    launches = one("SELECT count(*) FROM launches")
    assert one("SELECT sum(launches) FROM site_totals") == launches
    assert one("SELECT sum(launches) FROM pad_totals") == launches
    assert one("SELECT sum(launches) FROM site_totals WHERE site = 'GIK-5'") == one(
        "SELECT count(*) FROM launches WHERE site = 'GIK-5'"
    )
    assert one("SELECT sum(launches) FROM vehicle_totals") == one(
        "SELECT count(*) FROM launches WHERE vehicle IS NOT NULL"
    )
    earth = json_records(queries.sites(mirror_con))
    assert sum(r["launches"] for r in earth) == one(
        "SELECT count(*) FROM launches WHERE orbit_class <> 'other'"
    )


def test_tables_made_by_other_sql_are_not_read(
    mirror_home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    home = tmp_path / "home"
    home.mkdir()
    shutil.copy(mirror_home / "catalog.duckdb", home / "catalog.duckdb")
    with duckdb.connect(str(home / "catalog.duckdb")) as con:
        con.execute("UPDATE meta SET value = 'older' WHERE key = 'summaries_key'")
        con.execute("DELETE FROM site_totals")  # what older SQL made is never read
    monkeypatch.setattr(names, "_PER_CATALOG", {})
    con = open_catalog(home)
    try:
        assert summaries.summary(con, "site_totals").startswith("(")
        assert queries.sites(con, "KZ").column("site") == ["GIK-5"]
    finally:
        con.close()


def test_stored_launch_values_are_the_valuation_of_every_launch(
    mirror_con: duckdb.DuckDBPyConnection,
) -> None:
    """The build values each launch once; the table equals the valuation run now, and a
    value analysis over the stored table equals one over the valuation as a subquery."""
    assert summaries.summary(mirror_con, "launch_values") == "launch_values"
    order = " ORDER BY launch_tag"
    stored = mirror_con.execute("SELECT * FROM launch_values" + order).fetchall()
    values_sql = summaries.groups()["priced_key"]["launch_values"]
    fresh = mirror_con.execute(f"SELECT * FROM ({values_sql})" + order)
    assert fresh.fetchall() == stored
    launches = mirror_con.execute("SELECT count(*) FROM launches").fetchone()
    assert launches is not None and len(stored) == launches[0]
    bases = {row[4] for row in stored}
    assert bases == {"contract", "configuration", "family", "related", "unknown"}


def test_a_value_table_made_by_other_sql_is_not_read(
    mirror_home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from datetime import date

    from cosmodrome.analytics.value import launch_value

    home = tmp_path / "home"
    home.mkdir()
    shutil.copy(mirror_home / "catalog.duckdb", home / "catalog.duckdb")
    monkeypatch.setattr(names, "_PER_CATALOG", {})
    con = open_catalog(home)
    try:
        before = launch_value(con, "provider", start=date(2015, 1, 1))
    finally:
        con.close()
    with duckdb.connect(str(home / "catalog.duckdb")) as con:
        con.execute("UPDATE meta SET value = 'older' WHERE key = 'priced_key'")
        con.execute("UPDATE launch_values SET value_musd = 0")  # never read
    monkeypatch.setattr(names, "_PER_CATALOG", {})
    con = open_catalog(home)
    try:
        assert summaries.summary(con, "launch_values").startswith("(")
        assert summaries.summary(con, "site_totals") == "site_totals"
        after = launch_value(con, "provider", start=date(2015, 1, 1))
        assert after.columns == before.columns and len(after) == len(before)
        for old, new in zip(before.rows, after.rows, strict=True):  # sums in any order
            for a, b in zip(old, new, strict=True):
                assert b == (pytest.approx(a, rel=1e-12) if isinstance(a, float) else a)
    finally:
        con.close()
