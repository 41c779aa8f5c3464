"""Time each market analysis on the full catalog, and the HTML report, against pandas.

Run with ``.venv/bin/python -m benchmarks.bench_analytics`` (or call :func:`main`). Uses the
catalog in ``$COSMODROME_HOME``; without one, builds a catalog from ``../shared/data`` in a
temporary folder first. Targets (issue 3): each analysis under 200 ms once the catalog is
open, the report under 10 s; issue 25: each analysis within 3x its baseline, judged in CPU
seconds (every thread), steadier than wall time on a shared machine. The baseline
is the same question answered by plain pandas groupbys on tables already loaded in memory
(its loading time reported separately): the share baselines give the same table as
``api.share`` (every period and group, zeros included, world totals and both shares; the
owner-state one splits a rideshare between its owner states), less the names. So the
ratio says what the SQL route, names and all, costs or saves.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd

from benchmarks.common import SHARED_DATA, cpu_per_call, median_wall
from cosmodrome import api
from cosmodrome.catalog.build import build_catalog

TARGET_S = 0.200
TARGET_RATIO = 3.0
REPORT_TARGET_S = 10.0


def main(argv: list[str] | None = None) -> int:
    home_env = os.environ.get("COSMODROME_HOME")
    with tempfile.TemporaryDirectory() as scratch:
        home = Path(home_env) if home_env else Path(scratch)
        if not (home / "catalog.duckdb").is_file():
            print(f"building a catalog from {SHARED_DATA} ...", flush=True)
            build_catalog(str(SHARED_DATA), home)
        con = api.open_catalog(home)
        start = time.perf_counter()
        launches = con.execute("SELECT * FROM launches").df()
        payloads = con.execute("SELECT * FROM payloads").df()
        prices = con.execute(
            "SELECT price_id, unnest(configurations) AS vehicle, year AS price_year, musd "
            "FROM prices WHERE musd IS NOT NULL AND launch_tag IS NULL"
        ).df()
        load_s = time.perf_counter() - start
        cutoff = date(2022, 2, 24)

        def pandas_site_cadence() -> pd.DataFrame:
            picked = launches[
                launches["site"].isin(["GIK-5", "GIK-1", "SVOB"]) & (launches["year"] >= 2010)
            ]
            return picked.groupby(["year", "site"]).size().unstack(fill_value=0)

        earth = launches[launches["orbit_class"] != "other"]

        def share_table(counts: pd.DataFrame, world: pd.DataFrame) -> pd.DataFrame:
            """The share question's answer: every period x group (zeros included), world
            totals of the period and the two shares, as api.share gives it (less names)."""
            grid = pd.MultiIndex.from_product(
                [world.index, counts.index.get_level_values(1).unique()]
            )
            table = counts.reindex(grid, fill_value=0).reset_index(level=1)
            table = table.join(world)
            table["launch_share"] = table["launches"] / table["world_launches"]
            table["payload_share"] = table["payloads"] / table["world_payloads"]
            return table

        def pandas_share() -> pd.DataFrame:
            # share by provider state per year
            counts = earth.groupby(["year", "provider_state"]).agg(
                launches=("launch_tag", "size"), payloads=("payload_count", "sum")
            )
            world = earth.groupby("year").agg(
                world_launches=("launch_tag", "size"), world_payloads=("payload_count", "sum")
            )
            return share_table(counts, world)

        def pandas_owner_share() -> pd.DataFrame:
            # share by owner state per quarter: a rideshare split between its owner states
            quarter = earth["time_utc"].dt.tz_convert("UTC").dt.tz_localize(None)
            quarters = earth.assign(quarter=quarter.dt.to_period("Q").dt.start_time)
            joined = payloads.merge(
                quarters[["launch_tag", "quarter", "payload_count"]], on="launch_tag"
            )
            joined["weight"] = 1.0 / joined["payload_count"]
            counts = joined.groupby(["quarter", "owner_state"]).agg(
                launches=("weight", "sum"), payloads=("launch_tag", "size")
            )
            world = quarters.groupby("quarter").agg(
                world_launches=("launch_tag", "size"), world_payloads=("payload_count", "sum")
            )
            return share_table(counts, world)

        def pandas_profile() -> pd.DataFrame:
            site = launches[launches["site"] == "GIK-5"]
            merged = payloads.merge(site[["launch_tag", "year", "provider_state"]], on="launch_tag")
            merged["domestic"] = merged["owner_state"] == merged["provider_state"]
            yearly = site.groupby("year").agg(
                launches=("launch_tag", "size"), successes=("is_success", "sum")
            )
            return yearly.join(merged.groupby("year")["domestic"].agg(["sum", "size"]))

        def pandas_migration() -> pd.DataFrame:
            joined = payloads.merge(
                launches[["launch_tag", "time_utc", "agency", "provider_state"]], on="launch_tag"
            )
            day = joined["time_utc"].dt.date
            before = joined[
                (joined["provider_state"] == "RU") & (day < cutoff) & (day >= date(2017, 2, 24))
            ]
            after = joined[(day >= cutoff) & joined["owner"].isin(set(before["owner"]))]
            return after.groupby(["owner", "agency"]).agg(
                payloads=("launch_tag", "size"), first=("time_utc", "min")
            )

        def pandas_value() -> pd.DataFrame:
            # Only the configuration tier of analytics/value.py: the nearest dated price of the
            # launch's own vehicle, summed per provider and year.
            recent = launches[launches["year"] >= 2015][["launch_tag", "year", "vehicle", "agency"]]
            pairs = recent.merge(prices, on="vehicle")
            pairs["distance"] = (pairs["year"] - pairs["price_year"]).abs()
            nearest = pairs[
                pairs["distance"] == pairs.groupby("launch_tag")["distance"].transform("min")
            ]
            value = nearest.groupby(["launch_tag", "year", "agency"], as_index=False)["musd"].mean()
            return value.groupby(["year", "agency"])["musd"].sum()

        cases: list[tuple[str, Callable[[], Any], Callable[[], Any]]] = [
            (
                "cadence by site (3 sites, 2010-)",
                lambda: api.cadence(
                    con, "site", only=["Baikonur", "Plesetsk", "Vostochny"], start=date(2010, 1, 1)
                ),
                pandas_site_cadence,
            ),
            (
                "share by provider state per year",
                lambda: api.share(con, "provider-state"),
                pandas_share,
            ),
            (
                "share by owner state per quarter",
                lambda: api.share(con, "owner-state", "quarter"),
                pandas_owner_share,
            ),
            ("site profile (Baikonur)", lambda: api.site_profile(con, "Baikonur"), pandas_profile),
            (
                "migration (provider state RU)",
                lambda: api.customer_migration(con, cutoff, provider_states=["RU"]),
                pandas_migration,
            ),
            (
                "migration (vehicle Soyuz)",
                lambda: api.customer_migration(con, cutoff, vehicles=["Soyuz"]),
                pandas_migration,
            ),
            (
                "launch value by provider (2015-)",
                lambda: api.launch_value(con, "provider", start=date(2015, 1, 1)),
                pandas_value,
            ),
        ]
        print(
            f"pandas baseline: loading launches and payloads took {load_s * 1000:.0f} ms (not counted)"
        )
        print(
            f"{'analysis':<34} {'ours ms':>8} {'pandas ms':>9} {'ratio':>6} {'CPU ratio':>9}  "
            f"target: <{TARGET_S * 1000:.0f} ms, CPU ratio <={TARGET_RATIO:.0f}x"
        )
        failures = 0
        for name, ours, baseline in cases:
            ours_s, base_s = median_wall(ours), median_wall(baseline)
            cpu_ratio = cpu_per_call(ours) / cpu_per_call(baseline)
            ok = ours_s < TARGET_S and cpu_ratio <= TARGET_RATIO
            failures += not ok
            print(
                f"{name:<34} {ours_s * 1000:8.1f} {base_s * 1000:9.1f} {ours_s / base_s:6.2f} "
                f"{cpu_ratio:9.2f}  {'ok' if ok else 'SLOW'}"
            )
        report_s = median_wall(lambda: api.site_report(con, "Baikonur"), repeat=2)
        ok = report_s < REPORT_TARGET_S
        failures += not ok
        print(
            f"{'report (Baikonur, HTML)':<36} {report_s * 1000:9.1f} {'':>10} {'':>7}  "
            f"{'ok' if ok else 'SLOW'} (<{REPORT_TARGET_S:.0f} s)"
        )
        con.close()
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
