"""Time the payloads query and the analyses by sector, mission and orbit regime, against pandas.

Run with ``.venv/bin/python -m benchmarks payloads``. Uses the catalog in ``$COSMODROME_HOME``;
without one, builds a catalog from ``../shared/data`` in a temporary folder first (and times
that build, issue 11's target: under 3 s). Targets (issue 11): a filtered ``payloads`` query
and any share or cadence by the new groupings under 200 ms once the catalog is open. The
baseline answers the same question with plain pandas on ``launches`` and ``payloads`` frames
already loaded in memory (their loading time reported separately), so the ratio says what
the SQL route (with name resolution) costs or saves. The payload questions are timed as
the CLI and the web ask them: plain rows (``api.payload_rows``), no DataFrame; the web's
page is one query for the page and its total (``api.payload_page``). Each ratio is given in
wall time (median of 5) and in CPU time (50 calls), the steadier on a loaded machine.
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

from benchmarks.bench_analytics import TARGET_S
from benchmarks.bench_catalog import pandas_read_all
from benchmarks.common import SHARED_DATA, cpu_per_call, median_wall
from cosmodrome import api
from cosmodrome.catalog.build import build_catalog

BUILD_TARGET_S = 3.0


def pandas_cases(launches: pd.DataFrame, payloads: pd.DataFrame) -> dict[str, Callable[[], Any]]:
    """The same questions in plain pandas on preloaded frames."""
    joined = payloads.merge(
        launches[["launch_tag", "time_utc", "year", "site", "agency", "orbit_class"]],
        on="launch_tag",
    )
    since_2015 = joined["time_utc"] >= pd.Timestamp("2015-01-01", tz="UTC")

    def search() -> pd.DataFrame:
        return joined[joined["search_text"].str.contains("arktikam", regex=False)]

    def search_page() -> tuple[int, pd.DataFrame]:
        picked = joined[
            joined["search_text"].str.contains("starlink", regex=False)
            & (joined["time_utc"] >= pd.Timestamp("2020-01-01", tz="UTC"))
        ]
        return len(picked), picked.sort_values(["time_utc", "launch_tag", "piece"])[50:100]

    def commercial_geo() -> pd.DataFrame:
        picked = joined[
            (joined["sector"] == "commercial") & (joined["orbit_regime"] == "GEO") & since_2015
        ]
        return picked.sort_values(["time_utc", "launch_tag", "piece"])

    def share_by_sector() -> pd.DataFrame:
        earth = joined[joined["orbit_class"] != "other"]
        counts = earth.groupby(["year", "sector"]).agg(
            launches=("is_primary", "sum"), payloads=("piece", "size")
        )
        return counts / counts.groupby(level=0).transform("sum")

    def cadence_by_regime() -> pd.DataFrame:
        site = joined[(joined["site"] == "GIK-5") & (joined["year"] >= 2010)]
        return site.groupby(["year", "orbit_regime"]).agg(
            launches=("is_primary", "sum"), payloads=("piece", "size")
        )

    def share_commercial_providers() -> pd.DataFrame:
        picked = launches[
            (launches["sector"] == "commercial")
            & (launches["year"] >= 2018)
            & (launches["orbit_class"] != "other")
        ]
        counts = picked.groupby(["year", picked["agency"].str.split("/").str[0]]).size()
        return counts / counts.groupby(level=0).transform("sum")

    def mass_by_state() -> pd.DataFrame:
        done = joined.merge(launches[["launch_tag", "is_success", "provider_state"]])
        done = done[done["is_success"] & since_2015]
        return done.groupby(["year", "provider_state"])["mass_kg"].agg(["sum", "count", "size"])

    return {
        "search": search,
        "search_page": search_page,
        "commercial_geo": commercial_geo,
        "share_by_sector": share_by_sector,
        "cadence_by_regime": cadence_by_regime,
        "share_commercial_providers": share_commercial_providers,
        "mass_by_state": mass_by_state,
    }


def main(argv: list[str] | None = None) -> int:
    home_env = os.environ.get("COSMODROME_HOME")
    failures = 0
    with tempfile.TemporaryDirectory() as scratch:
        home = Path(home_env) if home_env else Path(scratch)
        if not (home / "catalog.duckdb").is_file():
            print(f"building a catalog from {SHARED_DATA} ...", flush=True)
            build_s = median_wall(lambda: build_catalog(str(SHARED_DATA), home), repeat=3)
            read_s = median_wall(lambda: pandas_read_all(SHARED_DATA / "gcat"), repeat=3)
            ok = build_s < BUILD_TARGET_S
            failures += not ok
            print(
                f"catalog build: {build_s:.2f} s, {build_s / read_s:.1f} x pandas reading the "
                f"GCAT files ({read_s:.2f} s) {'ok' if ok else 'SLOW'} (<{BUILD_TARGET_S} s)"
            )
        con = api.open_catalog(home)
        start = time.perf_counter()
        launches = con.execute("SELECT * FROM launches").df()
        payloads = con.execute("SELECT * FROM payloads").df()
        load_s = time.perf_counter() - start
        baseline = pandas_cases(launches, payloads)
        cases: list[tuple[str, Callable[[], Any], Callable[[], Any]]] = [
            (
                "payloads --search Arktika-M",
                lambda: api.payload_rows(con, api.PayloadFilter(search="Arktika-M")),
                baseline["search"],
            ),
            (
                "web page: Starlink 2020-, 2nd 50",
                lambda: api.payload_page(
                    con,
                    api.PayloadFilter(search="Starlink", start=date(2020, 1, 1)),
                    limit=50,
                    offset=50,
                ),
                baseline["search_page"],
            ),
            (
                "payloads commercial GEO 2015-",
                lambda: api.payload_rows(
                    con,
                    api.PayloadFilter(sector="commercial", orbit="GEO", start=date(2015, 1, 1)),
                ),
                baseline["commercial_geo"],
            ),
            (
                "share by owner-sector per year",
                lambda: api.share(con, "owner-sector"),
                baseline["share_by_sector"],
            ),
            (
                "share by mission per quarter",
                lambda: api.share(con, "mission", "quarter"),
                baseline["share_by_sector"],
            ),
            (
                "cadence by orbit-regime, Baikonur",
                lambda: api.cadence(
                    con,
                    "orbit-regime",
                    start=date(2010, 1, 1),
                    where=api.LaunchFilter(site="Baikonur"),
                ),
                baseline["cadence_by_regime"],
            ),
            (
                "share by provider, commercial",
                lambda: api.share(
                    con,
                    "provider",
                    start=date(2018, 1, 1),
                    where=api.LaunchFilter(sector="commercial"),
                    top=5,
                ),
                baseline["share_commercial_providers"],
            ),
            (
                "mass by provider-state 2015-",
                lambda: api.mass_to_orbit(con, "provider-state", start=date(2015, 1, 1)),
                baseline["mass_by_state"],
            ),
        ]
        print(
            f"pandas baseline: loading launches and payloads took {load_s * 1000:.0f} ms "
            "(not counted)"
        )
        print(
            f"{'question':<34} {'ours ms':>8} {'pandas ms':>9} {'ratio':>6} {'CPU ratio':>9}  "
            f"<{TARGET_S * 1000:.0f} ms"
        )
        for name, ours, base in cases:
            ours_s, base_s = median_wall(ours), median_wall(base)
            ok = ours_s < TARGET_S
            failures += not ok
            print(
                f"{name:<34} {ours_s * 1000:8.1f} {base_s * 1000:9.1f} {ours_s / base_s:6.2f} "
                f"{cpu_per_call(ours, 50) / cpu_per_call(base, 50):9.2f}  {'ok' if ok else 'SLOW'}"
            )
        con.close()
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
