"""The Dask engine gives results identical to the NumPy engine (LocalCluster, two processes)."""

from __future__ import annotations

from datetime import UTC, datetime

import numpy as np
import pandas as pd

from cosmodrome.astro.coverage.analysis import compute_coverage, walker_constellation
from cosmodrome.astro.coverage.regions import bounding_box

START = datetime(2025, 10, 3, tzinfo=UTC)


def test_dask_local_cluster_matches_numpy() -> None:
    sats = walker_constellation(
        planes=6, per_plane=10, altitude_km=550, inclination_deg=53, epoch_utc=START
    )
    common = {
        "resolution_deg": 2.0,
        "start_utc": START,
        "duration_s": 3 * 3600.0,
        "step_s": 60.0,
        "mask_deg": 15.0,
        "min_sats": 2,
        "keep_counts": True,
        "chunk_sat_epochs": 60 * 48,  # several time chunks: 48 epochs each
    }
    region = bounding_box("40,50,54,86")
    local = compute_coverage(sats, region, engine="numpy", **common)  # type: ignore[arg-type]
    done: list[int] = []
    spread = compute_coverage(
        sats,
        region,
        engine="dask",
        progress=done.append,
        **common,  # type: ignore[arg-type]
    )
    assert local.counts is not None and spread.counts is not None
    assert len(done) > 2 and sum(done) == local.window.count
    np.testing.assert_array_equal(spread.counts, local.counts)
    pd.testing.assert_frame_equal(spread.cells, local.cells)
    assert spread.summary == local.summary
    assert local.cells["outages"].sum() > 0  # the case exercises outages, not just full cover
