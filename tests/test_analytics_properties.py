"""Property tests of cadence and share on small catalogs built in code (hypothesis)."""

from __future__ import annotations

import math
from datetime import UTC, date, datetime

import duckdb
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from cosmodrome.analytics import cadence, share
from cosmodrome.analytics.common import DIMENSIONS
from cosmodrome.catalog.build import SCHEMA_SQL
from cosmodrome.catalog.queries import LaunchFilter
from cosmodrome.errors import InputError

SITES = ("S1", "S2", "S3")
STATES = ("US", "RU", "CN")

launch = st.fixed_dictionaries(
    {
        "day": st.dates(date(2000, 1, 1), date(2003, 12, 31)),
        "site": st.sampled_from(SITES),
        "provider_state": st.sampled_from(STATES),
        "family": st.sampled_from(("Alpha", "Beta")),
        "success": st.booleans(),
        "owners": st.lists(st.sampled_from(STATES), min_size=1, max_size=4),
    }
)


def small_catalog(launches: list[dict[str, object]]) -> duckdb.DuckDBPyConnection:
    """An in-memory catalog with the real schema and the given launches."""
    con = duckdb.connect()
    con.execute("SET TimeZone = 'UTC'")
    con.execute(SCHEMA_SQL.read_text(encoding="utf-8"))
    for code in SITES:
        con.execute(
            "INSERT INTO sites (code, ucode, short_name, state_code) VALUES (?, ?, ?, 'XX')",
            [code, code, f"Site {code}"],
        )
    launch_rows, payload_rows = [], []
    for i, row in enumerate(launches):
        day = row["day"]
        assert isinstance(day, date)
        owners = row["owners"]
        assert isinstance(owners, list)
        tag = f"{day.year}-{i:03d}"
        launch_rows.append(
            [
                tag,
                datetime(day.year, day.month, day.day, 12, tzinfo=UTC),
                day.year,
                f"{row['family']}-1",
                row["family"],
                row["site"],
                f"Site {row['site']}",
                f"AG{row['provider_state']}",
                f"Agency {row['provider_state']}",
                row["provider_state"],
                "OS" if row["success"] else "OF",
                "success" if row["success"] else "failure",
                row["success"],
                len(owners),
            ]
        )
        payload_rows += [
            # The first payload is the launch's primary (for the sector, mission, regime groupings).
            [f"{tag} {j}", tag, f"OWN{state}", state, j == 0]
            for j, state in enumerate(owners)
        ]
    con.executemany(
        """INSERT INTO launches (launch_tag, time_utc, time_precision, time_uncertain, year, vehicle,
               vehicle_family, site, site_name, agency, agency_name, provider_state, launch_code,
               orbit_class, outcome, is_success, payload_count)
           VALUES (?, ?, 'day', false, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'orbital', ?, ?, ?)""",
        launch_rows,
    )
    con.executemany(
        "INSERT INTO payloads (piece, launch_tag, owner, owner_state, is_primary) "
        "VALUES (?, ?, ?, ?, ?)",
        payload_rows,
    )
    con.execute("INSERT INTO meta VALUES ('data_date', '2003-12-31')")
    return con


catalogs = st.lists(launch, min_size=1, max_size=25)
quick = settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@quick
@given(catalogs, st.sampled_from(sorted(DIMENSIONS)), st.sampled_from(("year", "quarter", "month")))
def test_shares_sum_to_one_and_counts_are_never_negative(
    launches: list[dict[str, object]],
    by: str,
    period: str,
) -> None:
    con = small_catalog(launches)
    frame = share(con, by, period).to_frame()
    assert (frame["launches"] >= 0).all() and (frame["payloads"] >= 0).all()
    assert ((frame["launch_share"] >= 0) | frame["launch_share"].isna()).all()
    for _, chunk in frame.groupby("period_start"):
        world = int(chunk["world_launches"].iloc[0])
        assert math.isclose(chunk["launches"].sum(), world, abs_tol=1e-9)
        assert int(chunk["payloads"].sum()) == int(chunk["world_payloads"].iloc[0])
        if world:
            assert math.isclose(chunk["launch_share"].sum(), 1.0, abs_tol=1e-9)
            assert math.isclose(chunk["payload_share"].sum(), 1.0, abs_tol=1e-9)
        else:
            assert chunk["launch_share"].isna().all()
    assert int(frame["world_launches"].groupby(frame["period_start"]).first().sum()) == len(
        launches
    )


@quick
@given(catalogs, st.sampled_from(SITES), st.sampled_from(STATES))
def test_filters_commute(launches: list[dict[str, object]], site: str, state: str) -> None:
    """Launches from a site by a state's providers, counted both ways round, agree."""
    assume(
        any(row["site"] == site for row in launches)
    )  # names resolve only for sites with launches
    con = small_catalog(launches)
    by_site = cadence(con, "site", where=LaunchFilter(provider_state=state)).to_frame()
    by_state = cadence(con, "provider-state", where=LaunchFilter(site=site)).to_frame()
    one = by_site[by_site["group"] == site].set_index("period")["launches"]
    other = by_state[by_state["group"] == state].set_index("period")["launches"]
    expected = sum(1 for row in launches if row["site"] == site and row["provider_state"] == state)
    assert int(one.sum()) == int(other.sum()) == expected
    both = one.reindex(other.index.union(one.index), fill_value=0)
    assert (both == other.reindex(both.index, fill_value=0)).all()


@quick
@given(catalogs, st.integers(2000, 2003), st.integers(0, 3))
def test_date_window_then_group_equals_group_then_window(
    launches: list[dict[str, object]],
    first: int,
    span: int,
) -> None:
    con = small_catalog(launches)
    last = min(first + span, 2003)
    windowed = cadence(con, "site", start=date(first, 1, 1), end=date(last, 12, 31)).to_frame()
    everything = cadence(con, "site").to_frame()
    cut = everything[everything["period"].astype(int).between(first, last)]

    def nonzero(frame: object) -> set[tuple[str, str, int]]:
        assert hasattr(frame, "itertuples")
        return {(r.period, r.group, int(r.launches)) for r in frame.itertuples() if r.launches}

    assert nonzero(windowed) == nonzero(cut)
    assert int(windowed["launches"].sum()) == sum(
        1 for r in launches if first <= r["day"].year <= last
    )  # type: ignore[union-attr]


def test_owner_state_shares_split_a_rideshare_by_payloads() -> None:
    con = small_catalog(
        [
            {
                "day": date(2001, 5, 1),
                "site": "S1",
                "provider_state": "US",
                "family": "Alpha",
                "success": True,
                "owners": ["US", "US", "US", "RU"],
            }
        ]
    )
    frame = share(con, "owner-state", "year").to_frame()
    row = frame[frame["period"] == "2001"].set_index("group")
    assert row.loc["US", "launches"] == pytest.approx(0.75)
    assert row.loc["RU", "launches"] == pytest.approx(0.25)
    assert row.loc["US", "payloads"] == 3


def test_unknown_dimension_period_and_group_are_explained() -> None:
    con = small_catalog(
        [
            {
                "day": date(2001, 5, 1),
                "site": "S1",
                "provider_state": "US",
                "family": "Alpha",
                "success": True,
                "owners": ["US"],
            }
        ]
    )
    with pytest.raises(InputError, match="cannot group by"):
        cadence(con, "planet")
    with pytest.raises(InputError, match="unknown period"):
        cadence(con, "site", "week")
    with pytest.raises(InputError, match="Did you mean: United States"):
        cadence(con, "provider-state", only=["United Statse"])
    # A real state without launches is no error: its periods count zero.
    assert (
        sum(cadence(con, "provider-state", only=["UZ"], start=date(2001, 1, 1)).column("launches"))
        == 0
    )
    quiet = cadence(con, "provider-state", only=["us"], start=date(2000, 1, 1))
    assert quiet.column("launches") == [
        0,
        1,
        0,
        0,
    ]  # zeros for quiet years, through the data date
