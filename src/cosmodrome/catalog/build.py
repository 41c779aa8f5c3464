"""Build the catalog: fetch GCAT files, ingest them, write a new DuckDB file, swap it in.

The new catalog is written to ``catalog.duckdb.building`` beside the current one and renamed
over it only when complete, so an interrupted update (Ctrl-C, kill, full disk) leaves the
previous catalog usable. Readers that already hold the old file keep reading it.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pandas as pd

from cosmodrome import config
from cosmodrome.catalog import ingest
from cosmodrome.catalog.gcat import Issue, Table, read_table
from cosmodrome.errors import SourceError
from cosmodrome.sources.loader import Loader, Source

REQUIRED_FILES = {
    "launchlog": "tsv/derived/launchlog.tsv",
    "sites": "tsv/tables/sites.tsv",
    "orgs": "tsv/tables/orgs.tsv",
    "lv": "tsv/tables/lv.tsv",
    "psatcat": "tsv/cat/psatcat.tsv",
    "auxcat": "tsv/cat/auxcat.tsv",
}
OPTIONAL_FILES = {
    "launch": "tsv/launch/launch.tsv",
    "satcat": "tsv/cat/satcat.tsv",
}
SCHEMA_SQL = Path(__file__).with_name("schema.sql")


@dataclass(frozen=True)
class BuildReport:
    """What an update did: where, from what, how many rows, and the quarantined ones."""

    path: Path
    source: str
    counts: dict[str, int]
    quarantined: list[Issue]
    data_date: str


def gcat_source(location: str) -> Source:
    """The GCAT part of a source: a URL, a GCAT-layout folder, or a mirror with ``gcat/``."""
    return Source(location).subsource("gcat")


def fetch_gcat(source: Source, loader: Loader) -> dict[str, Path]:
    """Local paths of every GCAT file the catalog reads (optional ones when available)."""
    paths = {name: loader.fetch(source, rel) for name, rel in REQUIRED_FILES.items()}
    for name, rel in OPTIONAL_FILES.items():
        if source.is_remote:
            try:
                paths[name] = loader.fetch(source, rel)
            except SourceError:
                continue
        elif source.has(rel):
            paths[name] = loader.fetch(source, rel)
    return paths


def build_catalog(
    location: str,
    home: Path | None = None,
    *,
    loader: Loader | None = None,
    before_swap: Callable[[Path], None] | None = None,
) -> BuildReport:
    """Fetch GCAT from ``location`` and (re)build the catalog in ``home``.

    ``before_swap`` is called with the finished temporary file just before it replaces the
    catalog (tests use it to simulate an interruption).
    """
    folder = home or config.home()
    folder.mkdir(parents=True, exist_ok=True)
    source = gcat_source(location)
    loader = loader or Loader(config.cache_dir(folder))
    paths = fetch_gcat(source, loader)
    tables = {
        name: read_table(path, Path(REQUIRED_FILES.get(name) or OPTIONAL_FILES[name]).name)
        for name, path in paths.items()
    }
    result = ingest_tables(tables)
    target = config.catalog_path(folder)
    building = target.with_name(target.name + ".building")
    building.unlink(missing_ok=True)
    try:
        meta = {
            "built_at_utc": datetime.now(UTC).isoformat(),
            "source": source.location,
            "catalog_version": fingerprint(paths),
            "data_date": str(result.frames["launches"]["time_utc"].max().date()),
            **{f"updated:{name}": tables[name].updated or "" for name in tables},
        }
        write_database(building, result, meta)
        if before_swap is not None:
            before_swap(building)
        os.replace(building, target)
    finally:
        building.unlink(missing_ok=True)
        Path(str(building) + ".wal").unlink(missing_ok=True)
    counts = {name: len(frame) for name, frame in result.frames.items()}
    return BuildReport(target, source.location, counts, result.issues, meta["data_date"])


def ingest_tables(tables: dict[str, Table]) -> ingest.Ingested:
    """Normalise the raw GCAT tables into the catalog's frames."""
    issues = [issue for table in tables.values() for issue in table.issues]
    site_records = ingest.periodic_records(tables["sites"], "Site", "sites.tsv", issues)
    org_records = ingest.periodic_records(tables["orgs"], "Code", "orgs.tsv", issues)
    vehicles = ingest.vehicles_frame(tables["lv"], issues)
    resolvers = ingest.Resolvers(
        sites=ingest.index_by_period(site_records),
        orgs=ingest.index_by_period(org_records),
        canonical_site=ingest.canonical_sites(site_records),
        family_of=ingest.by_vehicle_name(vehicles, "family"),
        manufacturer_of=ingest.by_vehicle_name(vehicles, "manufacturer"),
    )
    launches, payloads = ingest.launches_and_payloads(tables["launchlog"], resolvers, issues)
    objects = pd.concat(
        [
            ingest.objects_frame(tables[name], f"{name}.tsv", issues)
            for name in ("satcat", "auxcat", "psatcat")
            if name in tables
        ],
        ignore_index=True,
    )
    payloads = attach_orbits(payloads, objects)
    frames = {
        "launches": launches,
        "payloads": payloads,
        "sites": ingest.sites_frame(site_records),
        "organisations": ingest.orgs_frame(org_records),
        "vehicles": vehicles,
        "objects": objects,
    }
    return ingest.Ingested(frames, issues)


def attach_orbits(payloads: pd.DataFrame, objects: pd.DataFrame) -> pd.DataFrame:
    """Each payload's orbit from the best catalog that has one: satcat, auxcat, psatcat."""
    ranked = (
        objects.dropna(subset=["inc_deg"])
        .assign(
            _rank=lambda f: f["source_file"].map(
                {"satcat.tsv": 0, "auxcat.tsv": 1, "psatcat.tsv": 2}
            )
        )
        .sort_values("_rank")
        .drop_duplicates("jcat")
    )
    orbits = ranked[["jcat", "perigee_km", "apogee_km", "inc_deg", "source_file"]].rename(
        columns={"source_file": "orbit_source"}
    )
    orbits["orbit_source"] = orbits["orbit_source"].str.removesuffix(".tsv")
    return payloads.merge(orbits, on="jcat", how="left")


def write_database(path: Path, result: ingest.Ingested, meta: dict[str, str]) -> None:
    quarantine = pd.DataFrame(
        [(i.file, i.line, i.reason, i.raw) for i in result.issues],
        columns=["file", "line", "reason", "raw"],
    )
    con = duckdb.connect(str(path))
    try:
        con.execute(SCHEMA_SQL.read_text())
        for name, frame in {**result.frames, "quarantine": quarantine}.items():
            con.register("frame", frame)
            columns = ", ".join(f'"{c}"' for c in frame.columns)
            con.execute(f'INSERT INTO "{name}" ({columns}) SELECT {columns} FROM frame')
            con.unregister("frame")
        con.executemany("INSERT INTO meta VALUES (?, ?)", list(meta.items()))
        con.execute("CHECKPOINT")
    finally:
        con.close()


def fingerprint(paths: dict[str, Path]) -> str:
    """A short hash of the input files' contents: the catalog version used by ETags."""
    digest = hashlib.sha256()
    for name in sorted(paths):
        digest.update(name.encode())
        with paths[name].open("rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
    return digest.hexdigest()[:16]
