"""Launch prices as data: dated, sourced price points per vehicle configuration.

Three sources, each row keeping where it came from (``source``, ``source_file``,
``source_line``):

* ``vehicles/nsf_rocket_configurations_2024-10.csv`` (Next Spaceflight, scraped 2024-10):
  one list price per configuration (``$69.75 million``), undated. A price of a vehicle still
  flying is dated 2024 (the snapshot); of a retired one, the last year the configuration
  flew (NSF keeps the last price it knew); of a planned one, 2024.
* ``vehicles/csis_launch_costs.csv`` (CSIS Aerospace Security Project): per vehicle or family
  up to five sourced estimates, each a launch cost in millions of dollars (a low and, for a
  range, a high value) of a stated year, from blocks of nine columns (source, $/kg, year,
  cost source, cost low, cost high, cost year, payload kg, payload source). Cells holding
  ``#REF!`` or ``Missing`` are no price: such blocks are quarantined (file, line, reason),
  never guessed.
* ``data/prices.toml`` (shipped with Cosmodrome): agencies' contract values and makers' prices
  the tables lack, each with its source; a contract value names the launch it paid for and
  values only that launch.

Every amount is converted to millions of constant dollars of :data:`DOLLAR_YEAR` with the
US BLS CPI-U annual averages in ``data/price_index.toml``. All three sources state US
dollars; a row in another currency is refused (there is no cited rate table yet).

A price row names a configuration as its source writes it (``Soyuz 2.1a``, ``Long March
3B``, ``Atlas V``); :func:`map_prices` resolves it through :mod:`cosmodrome.catalog.names`
to the GCAT vehicles it covers: ``configuration`` scope when the name is one GCAT vehicle,
``family`` when it covers several (CSIS's ``Atlas V``), else ``unmatched`` (kept, listed by
``prices``, valuing nothing). A name GCAT does not know as written is tried without its upper
stage (``Soyuz 2.1a/Fregat``) and without a block or bracket (``Falcon 9 Block 5``); such a
row is kept only where no row of its source names that vehicle directly, and of several
such rows only the configuration still flying (GCAT does not tell Falcon 9's blocks apart).
"""

from __future__ import annotations

import csv
import re
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass, replace
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

import duckdb
import pandas as pd

from cosmodrome.catalog.gcat import Issue
from cosmodrome.errors import CosmodromeError, UnknownNameError
from cosmodrome.sources.loader import Loader, Source

if TYPE_CHECKING:
    from cosmodrome.catalog.names import VehicleNames

NSF_FILE = "nsf_rocket_configurations_2024-10.csv"
CSIS_FILE = "csis_launch_costs.csv"
#: The year NSF's scrape was taken: the date of its list prices for vehicles still flying.
NSF_YEAR = 2024
#: Columns of one CSIS source block, and where the first block starts.
CSIS_BLOCK = 9
CSIS_FIRST_BLOCK = 16
KINDS = ("list price", "contract value", "estimate")
PRICE_COLUMNS = [
    "price_id",
    "vehicle",
    "scope",
    "configurations",
    "year",
    "amount",
    "amount_high",
    "currency",
    "kind",
    "musd",
    "musd_high",
    "dollar_year",
    "launch_tag",
    "dated_by",
    "status",
    "source",
    "source_file",
    "source_line",
    "note",
]


class PriceDataError(CosmodromeError):
    """A curated price or index row that cannot be used (a packaging error, not user input)."""


@dataclass(frozen=True)
class PricePoint:
    """One price as its source gives it (millions of ``currency`` of ``year``)."""

    vehicle: str
    year: int | None
    amount: float
    amount_high: float | None
    currency: str
    kind: str
    source: str
    source_file: str
    source_line: int
    status: str | None = None
    launch_tag: str | None = None
    note: str | None = None
    dated_by: str = "source"


def price_index() -> dict[int, float]:
    """CPI-U annual averages by year (``data/price_index.toml``)."""
    text = resources.files("cosmodrome").joinpath("data/price_index.toml").read_text("utf-8")
    return {int(row["year"]): float(row["cpi_u"]) for row in tomllib.loads(text)["year"]}


#: Prices are given in dollars of this year: the latest year of the price index.
DOLLAR_YEAR = max(price_index())


def to_constant(amount: float, year: int, index: dict[int, float]) -> float:
    """``amount`` dollars of ``year`` in dollars of :data:`DOLLAR_YEAR`."""
    if year not in index:
        raise PriceDataError(f"no CPI-U figure for {year} in data/price_index.toml")
    return amount * index[DOLLAR_YEAR] / index[year]


_MILLIONS = re.compile(r"^\$\s*([0-9][0-9,]*(?:\.[0-9]+)?)\s*million$", re.IGNORECASE)


def parse_millions(text: str) -> float | None:
    """NSF's ``$69.75 million`` as 69.75; None for anything else.

    >>> parse_millions("$3,000.0 million"), parse_millions("TBD")
    (3000.0, None)
    """
    match = _MILLIONS.match(text.strip())
    return float(match.group(1).replace(",", "")) if match else None


def read_nsf(path: Path, issues: list[Issue]) -> list[PricePoint]:
    """The list prices of NSF's configurations table (undated: see the module docstring)."""
    points = []
    with path.open(encoding="utf-8", newline="") as handle:
        for line, row in enumerate(csv.DictReader(handle), start=2):
            text = (row.get("price") or "").strip()
            if not text:
                continue  # no price for this configuration: nothing to keep
            amount = parse_millions(text)
            name = (row.get("name") or "").strip()
            if amount is None or not name:
                why = "no name" if not name else f"price {text!r} is not '$N million'"
                issues.append(Issue(path.name, line, why, ",".join(row.values())))
                continue
            status = (row.get("status") or "").strip() or None
            points.append(
                PricePoint(
                    vehicle=name,
                    year=None if status == "Retired" else NSF_YEAR,
                    amount=amount,
                    amount_high=None,
                    currency="USD",
                    kind="list price",
                    source=f"Next Spaceflight rocket configurations ({row.get('company_name')})"
                    ", scraped 2024-10",
                    source_file=path.name,
                    source_line=line,
                    status=status,
                    dated_by="last launch" if status == "Retired" else "snapshot 2024-10",
                )
            )
    return points


def _number(text: str) -> float | None:
    try:
        return float(text.replace(",", "").strip())
    except ValueError:
        return None


def read_csis(path: Path, issues: list[Issue]) -> list[PricePoint]:
    """Every dated launch cost of CSIS's table, one point per source block."""
    points = []
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    for line, row in enumerate(rows[1:], start=2):
        vehicle = row[0].strip() if row else ""
        for start in range(CSIS_FIRST_BLOCK, len(row), CSIS_BLOCK):
            block = [cell.strip() for cell in row[start : start + CSIS_BLOCK]]
            if not any(block):
                continue
            point = _csis_point(vehicle, block, path.name, line)
            if point is None:
                reason = f"{vehicle}: source block {block[0]!r} has no launch cost and year"
                issues.append(Issue(path.name, line, reason, ",".join(block)))
            else:
                points.append(point)
    return points


def _csis_point(vehicle: str, block: list[str], file: str, line: int) -> PricePoint | None:
    block = block + [""] * (CSIS_BLOCK - len(block))
    low, high, year = _number(block[4]), _number(block[5]), _number(block[6])
    if not vehicle or low is None or year is None or not 1950 <= year <= 2100:
        return None
    return PricePoint(
        vehicle=vehicle,
        year=int(year),
        amount=low,
        amount_high=high if high is not None and high > low else None,
        currency="USD",
        kind="estimate",
        source=f"CSIS Aerospace Security Project, cost to LEO: {block[3] or block[0]}",
        source_file=file,
        source_line=line,
    )


def read_curated() -> list[PricePoint]:
    """The cited prices shipped with Cosmodrome (``data/prices.toml``)."""
    text = resources.files("cosmodrome").joinpath("data/prices.toml").read_text("utf-8")
    points = []
    for number, row in enumerate(tomllib.loads(text)["price"], start=1):
        if row.get("kind") not in KINDS or not row.get("source"):
            raise PriceDataError(f"data/prices.toml price {number}: needs a kind and a source")
        points.append(
            PricePoint(
                vehicle=str(row["vehicle"]),
                year=int(row["year"]),
                amount=float(row["amount"]),
                amount_high=float(row["amount_high"]) if "amount_high" in row else None,
                currency=str(row["currency"]),
                kind=str(row["kind"]),
                source=str(row["source"]),
                source_file="prices.toml",
                source_line=number,
                launch_tag=row.get("launch"),
                note=row.get("note"),
            )
        )
    return points


def read_price_points(location: str, loader: Loader, issues: list[Issue]) -> list[PricePoint]:
    """The curated prices, and the mirrored tables where ``location`` has ``vehicles/``.

    NSF and CSIS publish these tables on web pages, not at stable file addresses, so only a
    local mirror's copies are read (through the loader, like every source file)."""
    points = read_curated()
    source = Source(location).subsource("vehicles")
    if source.is_remote or Path(source.location).name != "vehicles":
        return points
    if source.has(NSF_FILE):
        points += read_nsf(loader.fetch(source, NSF_FILE), issues)
    if source.has(CSIS_FILE):
        points += read_csis(loader.fetch(source, CSIS_FILE), issues)
    return points


# --- mapping to GCAT vehicles (at build time, once the names are stored) -------------------

_UPPER_STAGE = re.compile(r"\s*/.*$")
_QUALIFIER = re.compile(r"\s*(\(.*\)|\bblock\s*\w+.*)$", re.IGNORECASE)


def name_variants(name: str) -> list[str]:
    """The name as written, then without its upper stage, then without a block or bracket.

    >>> name_variants("Falcon 9 Block 5"), name_variants("Soyuz 2.1a/Fregat")
    (['Falcon 9 Block 5', 'Falcon 9'], ['Soyuz 2.1a/Fregat', 'Soyuz 2.1a'])
    """
    out = [name]
    for pattern in (_UPPER_STAGE, _QUALIFIER):
        shorter = pattern.sub("", out[-1]).strip()
        if shorter and shorter not in out:
            out.append(shorter)
    return out


def resolve_price_name(vehicles: VehicleNames, name: str) -> tuple[list[str], bool]:
    """The GCAT vehicles a price row's name covers, and whether the name needed shortening:
    the one configuration it (or a shortened variant) spells exactly, else every
    configuration the name covers (:func:`cosmodrome.catalog.names.resolve_vehicles`)."""
    variants = name_variants(name)
    for shortened, variant in enumerate(variants):
        exact = vehicles.configuration(variant)
        if exact is not None:
            return [exact], shortened > 0
    for shortened, variant in enumerate(variants):
        try:
            return vehicles.resolve(variant, suggest=False), shortened > 0
        except UnknownNameError:
            continue
    return [], False


def map_prices(con: duckdb.DuckDBPyConnection, points: Iterable[PricePoint]) -> pd.DataFrame:
    """The ``prices`` table: every point with the GCAT vehicles it covers and its amount in
    constant dollars (module docstring)."""
    from cosmodrome.catalog.names import VehicleNames

    index = price_index()
    last_flown = dict(
        con.execute("SELECT vehicle, max(year) FROM launches GROUP BY vehicle").fetchall()
    )
    points = list(points)
    vehicle_names = VehicleNames(con)
    # Each name once: the sources give many prices for one vehicle.
    covered = {
        name: resolve_price_name(vehicle_names, name) for name in {p.vehicle for p in points}
    }
    resolved = [(p, list(covered[p.vehicle][0]), covered[p.vehicle][1]) for p in points]
    kept = _shortened_rows_kept(resolved)
    records = []
    for number, (point, vehicles, shortened) in enumerate(resolved):
        note = point.note
        if shortened and vehicles and number not in kept:
            note = f"GCAT does not tell it apart from {', '.join(vehicles)}"
            vehicles = []
        records.append(_record(number + 1, point, vehicles, note, last_flown, index))
    return pd.DataFrame.from_records(records, columns=PRICE_COLUMNS)


def _shortened_rows_kept(resolved: list[tuple[PricePoint, list[str], bool]]) -> set[int]:
    """The rows matched by a shortened name that value launches: none where a row of the same
    source names the vehicle as written; else one per vehicle, a configuration still flying
    before a retired one."""
    direct = {(p.source_file, v) for p, vehicles, short in resolved if not short for v in vehicles}
    claims: dict[tuple[str, tuple[str, ...]], int] = {}
    for number, (point, vehicles, short) in enumerate(resolved):
        if not short or not vehicles or any((point.source_file, v) in direct for v in vehicles):
            continue
        key = (point.source_file, tuple(vehicles))
        best = claims.get(key)
        if best is None or (resolved[best][0].status != "Active" and point.status == "Active"):
            claims[key] = number
    return set(claims.values())


def _record(
    price_id: int,
    point: PricePoint,
    vehicles: list[str],
    note: str | None,
    last_flown: dict[str, int],
    index: dict[int, float],
) -> dict[str, object]:
    if point.currency != "USD":
        raise PriceDataError(
            f"{point.source_file}:{point.source_line}: prices in {point.currency} need a cited "
            "exchange-rate table, which Cosmodrome does not ship yet"
        )
    year = point.year
    if year is None:  # a retired configuration's last price: dated at its last flight
        flown = [last_flown[v] for v in vehicles if v in last_flown]
        year = max(flown) if flown else None
        point = replace(point, dated_by="last launch" if flown else "undated")
    scope = "unmatched" if not vehicles else "configuration" if len(vehicles) == 1 else "family"
    return {
        "price_id": price_id,
        "vehicle": point.vehicle,
        "scope": scope,
        "configurations": vehicles,
        "year": year,
        "amount": point.amount,
        "amount_high": point.amount_high,
        "currency": point.currency,
        "kind": point.kind,
        "musd": to_constant(point.amount, year, index) if year else None,
        "musd_high": to_constant(point.amount_high, year, index)
        if year and point.amount_high is not None
        else None,
        "dollar_year": DOLLAR_YEAR,
        "launch_tag": point.launch_tag,
        "dated_by": point.dated_by,
        "status": point.status,
        "source": point.source,
        "source_file": point.source_file,
        "source_line": point.source_line,
        "note": note,
    }
