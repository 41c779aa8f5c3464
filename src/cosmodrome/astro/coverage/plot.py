"""Coverage outputs: PNG heat map over the region's outline, GeoJSON cells, CSV table."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import numpy as np

from cosmodrome.astro.coverage.analysis import CoverageResult
from cosmodrome.errors import InputError
from cosmodrome.tables import json_safe

OUTPUT_SUFFIXES = (".png", ".geojson", ".json", ".csv")
COLUMN_LABELS = {
    "mean_visible": "mean number of satellites above the mask",
    "min_visible": "minimum number of satellites above the mask",
    "max_visible": "maximum number of satellites above the mask",
    "frac_ge1": "fraction of time with at least 1 satellite",
    "frac_ge_n": "fraction of time with at least N satellites",
    "outages": "number of outages",
    "longest_outage_s": "longest outage (s)",
}


def write_output(result: CoverageResult, path: Path, column: str = "mean_visible") -> Path:
    """Write ``result`` to ``path``; the suffix picks PNG, GeoJSON (``.geojson``/``.json``) or CSV."""
    suffix = Path(path).suffix.lower()
    if suffix == ".png":
        write_png(result, path, column)
    elif suffix in (".geojson", ".json"):
        write_geojson(result, path)
    elif suffix == ".csv":
        write_csv(result, path)
    else:
        raise InputError(
            f"cannot tell the output format of {str(path)!r}; use a name ending in "
            + ", ".join(OUTPUT_SUFFIXES)
        )
    return Path(path)


def metadata(result: CoverageResult) -> dict[str, Any]:
    """What the numbers mean and where they come from, for every output format."""
    first, last = result.epoch_range_utc or (None, None)
    return {
        "region": result.region.name,
        "mask_deg": result.mask_deg,
        "min_sats": result.min_sats,
        "resolution_deg": result.resolution_deg,
        "height_m": result.region.height_m,
        "start_utc": _z(result.window.start_utc.isoformat()),
        "end_utc": _z(result.window.end_utc.isoformat()),
        "step_s": result.window.step_s,
        "epochs": result.window.count,
        "satellites": result.satellites,
        "skipped": result.skipped,
        "elements_source": result.source,
        "elements_epoch_first_utc": _z(first.isoformat(timespec="seconds")) if first else None,
        "elements_epoch_last_utc": _z(last.isoformat(timespec="seconds")) if last else None,
        "outlines": "Natural Earth (public domain), via world-atlas",
        "notes": result.notes,
        "summary": result.summary,
    }


def write_csv(result: CoverageResult, path: Path) -> None:
    """One row per cell (centre ``lat_deg``, ``lon_deg``), statistics as columns."""
    result.cells.to_csv(path, index=False, float_format="%.6g")


def write_geojson(result: CoverageResult, path: Path) -> None:
    """A FeatureCollection: one square Polygon per cell (a Point for a single place).

    The run's metadata and the region summary sit in the collection's ``properties``.
    """
    half = result.resolution_deg / 2.0
    features = []
    for row in result.cells.to_dict(orient="records"):
        lat, lon = float(row["lat_deg"]), float(row["lon_deg"])
        geometry: dict[str, Any]
        if half == 0.0:
            geometry = {"type": "Point", "coordinates": [lon, lat]}
        else:
            ring = [
                [lon - half, lat - half],
                [lon + half, lat - half],
                [lon + half, lat + half],
                [lon - half, lat + half],
                [lon - half, lat - half],
            ]
            geometry = {"type": "Polygon", "coordinates": [ring]}
        properties = {key: json_safe(value) for key, value in row.items()}
        features.append({"type": "Feature", "geometry": geometry, "properties": properties})
    document = {"type": "FeatureCollection", "properties": metadata(result), "features": features}
    Path(path).write_text(json.dumps(document, default=json_safe) + "\n", "utf-8")


def write_png(result: CoverageResult, path: Path, column: str = "mean_visible") -> None:
    """A heat map of ``column`` per cell over the region's outline, with title and sources."""
    import matplotlib

    matplotlib.use("Agg", force=False)
    import matplotlib.pyplot as plt

    if column not in COLUMN_LABELS:
        raise InputError(f"unknown column {column!r}; choose one of {', '.join(COLUMN_LABELS)}")
    cells = result.cells
    res = result.resolution_deg
    if res <= 0:
        raise InputError("a single place has no map; write it as CSV or GeoJSON")
    lat_index = np.round((cells["lat_deg"].to_numpy() - res / 2) / res).astype(int)
    lon_index = np.round((cells["lon_deg"].to_numpy() - res / 2) / res).astype(int)
    i0, j0 = lat_index.min(), lon_index.min()
    values = np.full((lat_index.max() - i0 + 1, lon_index.max() - j0 + 1), np.nan)
    values[lat_index - i0, lon_index - j0] = cells[column].to_numpy(dtype=float)
    lat_edges = (np.arange(values.shape[0] + 1) + i0) * res
    lon_edges = (np.arange(values.shape[1] + 1) + j0) * res

    mid_lat = math.radians(float(cells["lat_deg"].mean()))
    fig, ax = plt.subplots(figsize=(10, 6.2), dpi=120, layout="constrained")
    mesh = ax.pcolormesh(lon_edges, lat_edges, np.ma.masked_invalid(values), cmap="viridis")
    for ring in result.region.rings:
        ax.plot(ring[:, 0], ring[:, 1], color="black", linewidth=0.8)
    ax.set_aspect(1.0 / max(math.cos(mid_lat), 0.1))
    ax.set_xlabel("longitude (deg)")
    ax.set_ylabel("latitude (deg)")
    label = COLUMN_LABELS[column].replace("N satellites", f"{result.min_sats} satellites")
    fig.colorbar(mesh, ax=ax, shrink=0.8, label=label)
    start = result.window.start_utc.strftime("%Y-%m-%d %H:%M")
    end = result.window.end_utc.strftime("%Y-%m-%d %H:%M")
    ax.set_title(
        f"{result.region.name}: {label}\nmask {result.mask_deg:g} deg, "
        f"{start} to {end} UTC every {result.window.step_s:g} s, {result.satellites} satellites",
        fontsize=10,
    )
    first, last = result.epoch_range_utc or (None, None)
    epochs = (
        f"element-set epochs {first:%Y-%m-%d %H:%M} to {last:%Y-%m-%d %H:%M} UTC"
        if first and last
        else ""
    )
    fig.text(
        0.01,
        0.005,
        f"Elements: {result.source}; {epochs}. Outlines: Natural Earth. Computed by Cosmodrome.",
        fontsize=7,
        color="dimgray",
    )
    fig.savefig(path)
    plt.close(fig)


def _z(text: str) -> str:
    return text.replace("+00:00", "Z")
