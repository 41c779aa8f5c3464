"""Payload facts from GCAT's payload and object catalogs, each with the column it came from.

``psatcat.tsv`` gives a payload's program, ``Class`` (sector), ``Category`` (mission),
``Result``, its **disposition orbit** (``DispEpoch``, ``DispPeri``, ``DispApo``, ``DispInc``,
GCAT's statement of the orbit the payload operated in) and its **UN registration orbit**
(``UNPerigee``, ``UNApogee``, ``UNInc``: what the launching state registered, often the
parking or transfer orbit). ``satcat.tsv`` (upstream GCAT; the frozen mirror has none) and
``auxcat.tsv`` (objects without official catalog numbers) give masses with their flags,
``OpOrbit``, status, decay date, alternative names and a last known orbit.

Where two files disagree, this is what wins, and why:

* **operational orbit** (``perigee_km``, ``apogee_km``, ``inc_deg``): psatcat's disposition
  orbit, because it is the orbit GCAT says the payload operated in; else the satcat orbit,
  then the auxcat orbit (the orbit at their ``ODate``: for a decayed payload its last,
  decaying orbit); else the UN registration orbit (``orbit_source`` says which);
* **mass, OpOrbit, status, decay date**: satcat, else auxcat (psatcat has none); a payload
  still without a mass takes the UCS Satellite Database's launch mass, matched on the NORAD
  number (:func:`add_ucs_masses`); ``mass_source`` says which (``satcat``, ``auxcat``,
  ``ucs``), so every output can label it;
* **regime**: :func:`cosmodrome.catalog.regimes.payload_regime` (``OpOrbit`` first);
* **sector**: the payload's psatcat class, else its owner organisation's class (``orgs.tsv``,
  the record valid at launch).

GCAT writes ``0`` for an unknown mass and ``0 x 0`` for "no orbit": both become NULL, never 0.

A launch's **principal payload** is the payload the launch was for (:func:`_primary_flags`).
GCAT lists it first (piece A of the launch's own designation), so the rule ranks a launch's
payloads by, in turn:

1. a known mission (psatcat ``Category``) before an unknown one: a launch has mission
   "unknown" only when every payload's mission is unknown;
2. a piece of the launch's own designation (``2015-038A``) before one filed under another
   (``1998-067GX``: cubesats carried to the ISS and deployed from it later);
3. the heaviest, but only when every payload of the launch has a mass: one known mass among
   unknown ones says nothing about which payload mattered (on the mirror only auxcat's
   cubesats have masses, and a 1-14 kg cubesat used to beat HTV-5 and Artemis I);
4. GCAT's own order of the launch's payload rows (``list_order``).

The launch takes its sector, mission and regime from it.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable
from datetime import date
from typing import Any

import duckdb
import pandas as pd

from cosmodrome.catalog.gcat import GcatFormatError, Issue, Table, parse_period_bound
from cosmodrome.catalog.regimes import payload_regime
from cosmodrome.catalog.sectors import parse_category, sector_of_class

PSATCAT_COLUMNS = [
    "jcat",
    "psat_name",
    "program",
    "gcat_class",
    "category",
    "result",
    "un_state",
    "un_registration",
    "un_perigee_km",
    "un_apogee_km",
    "un_inc_deg",
    "disp_epoch",
    "disp_perigee_km",
    "disp_apogee_km",
    "disp_inc_deg",
]
OBJECT_FACT_COLUMNS = [
    "jcat",
    "mass_kg",
    "mass_flag",
    "dry_mass_kg",
    "dry_mass_flag",
    "total_mass_kg",
    "total_mass_flag",
    "op_orbit",
    "status",
    "decay_date",
    "alt_names",
    "cat_perigee_km",
    "cat_apogee_km",
    "cat_inc_deg",
    "facts_source",
]
#: Where a payload's mass comes from, as outputs label it.
MASS_SOURCES = {"satcat": "GCAT satcat", "auxcat": "GCAT auxcat", "ucs": "UCS"}
RESULTS = {"S": "success", "F": "failure", "U": "unknown", "N": "not applicable"}


def _raw(row: dict[str, str | None]) -> str:
    return "\t".join(v or "-" for v in row.values())


def _numbers(
    table: Table, columns: Columns, column: str, label: str, issues: list[Issue]
) -> pd.Series:
    """A numeric column, read at once; GCAT's flags around a number (``?``, ``~``, ``<``,
    ``>``, ``*``) are dropped, and an unreadable value is quarantined (file, line, reason)
    and left empty, not guessed. Each distinct text is read once: a column repeats a few
    thousand values over tens of thousands of rows."""
    texts = pd.Series(columns.of(column), dtype="object")
    distinct = pd.Series(texts.dropna().unique(), dtype="object")
    stripped = distinct.astype(str).str.strip().str.strip("?~<>*")
    stripped = stripped.where(~stripped.isin(["", "-"]))
    numbers = pd.to_numeric(stripped, errors="coerce").astype("float64")
    unreadable = set(distinct[numbers.isna() & stripped.notna()])
    for index in texts.index[texts.isin(unreadable)] if unreadable else ():
        line, row = table.rows[index]
        issues.append(Issue(label, line, f"bad number in {column}: {row.get(column)!r}", _raw(row)))
    return texts.map(dict(zip(distinct, numbers, strict=True))).astype("float64")


def _days(
    table: Table, columns: Columns, column: str, label: str, issues: list[Issue]
) -> list[date | None]:
    out: list[date | None] = []
    for (line, row), value in zip(table.rows, columns.of(column), strict=True):
        text = (value or "").strip()
        if not text or text in ("*", "-"):
            out.append(None)
            continue
        try:
            out.append(_read_day(text))
        except GcatFormatError as error:
            issues.append(Issue(label, line, f"bad date in {column}: {error}", _raw(row)))
            out.append(None)
    return out


@functools.lru_cache(maxsize=65536)
def _read_day(text: str) -> date | None:
    """A GCAT date as a day; a period bound also reads GCAT's decades (``1970s?``).
    Cached: the catalogs repeat a few thousand dates over tens of thousands of rows."""
    return parse_period_bound(text, end=False)


class Columns:
    """The columns of a table's rows, made in one pass over them (not one per column)."""

    def __init__(self, table: Table) -> None:
        values = zip(*(row.values() for _, row in table.rows), strict=True)
        self._by_name = dict(zip(table.columns, map(list, values), strict=False))
        self._rows = len(table.rows)

    def of(self, column: str) -> list[str | None]:
        """``column``'s values, each ``None`` where the file has no such column."""
        return self._by_name.get(column) or [None] * self._rows


def psatcat_facts(table: Table, issues: list[Issue]) -> pd.DataFrame:
    """One row per psatcat payload (``jcat``): program, class, category, result, orbits."""
    label = "psatcat.tsv"
    columns = Columns(table)
    frame = pd.DataFrame(
        {
            "jcat": columns.of("JCAT"),
            "psat_name": columns.of("Name"),
            "program": columns.of("Program"),
            "gcat_class": columns.of("Class"),
            "category": columns.of("Category"),
            "result": columns.of("Result"),
            "un_state": columns.of("UNState"),
            "un_registration": columns.of("UNReg"),
            "disp_epoch": _days(table, columns, "DispEpoch", label, issues),
        }
    )
    for key, column in (
        ("un_perigee_km", "UNPerigee"),
        ("un_apogee_km", "UNApogee"),
        ("un_inc_deg", "UNInc"),
        ("disp_perigee_km", "DispPeri"),
        ("disp_apogee_km", "DispApo"),
        ("disp_inc_deg", "DispInc"),
    ):
        frame[key] = _numbers(table, columns, column, label, issues)
    _no_orbit_as_null(frame, "un_")
    _no_orbit_as_null(frame, "disp_")
    return frame[PSATCAT_COLUMNS].drop_duplicates("jcat")


def _no_orbit_as_null(frame: pd.DataFrame, prefix: str) -> None:
    """GCAT's ``0 x 0`` (with any inclination) means no orbit is recorded."""
    none = (frame[f"{prefix}apogee_km"].fillna(0) == 0) & (
        frame[f"{prefix}perigee_km"].fillna(0) == 0
    )
    for key in ("perigee_km", "apogee_km", "inc_deg"):
        frame.loc[none, f"{prefix}{key}"] = math.nan


def object_facts(table: Table, label: str, issues: list[Issue]) -> pd.DataFrame:
    """Masses, OpOrbit, status, decay date, alternative names and orbit of satcat/auxcat rows."""
    columns = Columns(table)
    frame = pd.DataFrame(
        {
            "jcat": columns.of("JCAT"),
            "mass_flag": columns.of("MassFlag"),
            "dry_mass_flag": columns.of("DryFlag"),
            "total_mass_flag": columns.of("TotFlag"),
            "op_orbit": columns.of("OpOrbit"),
            "status": columns.of("Status"),
            "decay_date": _days(table, columns, "DDate", label, issues),
            "alt_names": columns.of("AltNames"),
        }
    )
    for key, column in (
        ("mass_kg", "Mass"),
        ("dry_mass_kg", "DryMass"),
        ("total_mass_kg", "TotMass"),
    ):
        masses = _numbers(table, columns, column, label, issues)
        frame[key] = masses.where(masses != 0)  # GCAT writes 0 for an unknown mass
    for key, column in (
        ("cat_perigee_km", "Perigee"),
        ("cat_apogee_km", "Apogee"),
        ("cat_inc_deg", "Inc"),
    ):
        frame[key] = _numbers(table, columns, column, label, issues)
    _no_orbit_as_null(frame, "cat_")
    frame["facts_source"] = label.removesuffix(".tsv")
    return frame[OBJECT_FACT_COLUMNS]


def enrich(
    payloads: pd.DataFrame,
    launches: pd.DataFrame,
    tables: dict[str, Table],
    issues: list[Issue],
    ucs: pd.DataFrame | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Payloads with their facts, regime, sector and primary flag; launches with the primary's
    sector, mission and regime and a short list of payload names. ``ucs`` (the UCS table)
    fills the masses GCAT lacks."""
    psat = psatcat_facts(tables["psatcat"], issues)
    facts = pd.concat(
        [object_facts(tables[n], f"{n}.tsv", issues) for n in ("satcat", "auxcat") if n in tables],
        ignore_index=True,
    ).drop_duplicates("jcat")  # satcat first: it wins over auxcat
    frame = payloads.merge(psat, on="jcat", how="left").merge(facts, on="jcat", how="left")
    frame["list_order"] = frame.groupby("launch_tag", sort=False).cumcount() + 1
    frame["mass_source"] = frame["facts_source"].where(frame["mass_kg"].notna())
    if ucs is not None:
        add_ucs_masses(frame, ucs)
    _operational_orbit(frame)
    launch_class = dict(zip(launches["launch_tag"], launches["orbit_class"], strict=True))
    succeeded = dict(zip(launches["launch_tag"], launches["is_success"], strict=True))
    regimes = [
        payload_regime(
            op if isinstance(op, str) else None,
            pe,
            ap,
            inc,
            launch_class.get(tag),
            bool(succeeded.get(tag, True)),
        )
        for op, pe, ap, inc, tag in zip(
            *_lists(frame, "op_orbit", "perigee_km", "apogee_km", "inc_deg", "launch_tag"),
            strict=True,
        )
    ]
    frame["orbit_regime"] = [r for r, _ in regimes]
    frame["regime_source"] = [s for _, s in regimes]
    _sectors(frame)
    _missions(frame)
    frame["search_text"] = search_text(frame)
    frame["is_primary"] = _primary_flags(frame)
    frame = frame.drop(columns=["cat_perigee_km", "cat_apogee_km", "cat_inc_deg", "owner_class"])
    return frame, _launch_payload_columns(launches, frame)


def _lists(frame: pd.DataFrame, *columns: str) -> list[list[Any]]:
    """Columns as Python lists: iterating a pandas string column calls Python per value."""
    return [frame[column].tolist() for column in columns]


def search_text(frame: pd.DataFrame) -> pd.Series:
    """Every name GCAT records for each payload (``Name``, ``PLName``, psatcat ``Name``,
    ``AltNames``), folded as :func:`cosmodrome.naming.plain` folds a query (lower case,
    no accents, spaces or punctuation) and joined with ``|``; DuckDB does it in ~20 ms."""
    names = frame[["name", "pl_name", "psat_name", "alt_names"]]
    con = duckdb.connect()
    try:
        con.register("names", names)
        folded = con.execute(
            "SELECT regexp_replace(lower(strip_accents(concat_ws('|', name, pl_name, psat_name, "
            "alt_names))), '[^0-9a-z|]', '', 'g') AS search_text FROM names"
        ).df()["search_text"]
    finally:
        con.close()
    return folded.set_axis(frame.index)


def _operational_orbit(frame: pd.DataFrame) -> None:
    """Disposition orbit, else the satcat/auxcat orbit, else the UN registration orbit."""
    sources = (
        ("disp_", "psatcat-disposition"),
        ("cat_", None),
        ("un_", "un-registration"),
    )
    for key in ("perigee_km", "apogee_km", "inc_deg", "orbit_source"):
        frame[key] = None
    for prefix, name in sources:
        missing = frame["apogee_km"].isna() & frame[f"{prefix}apogee_km"].notna()
        for key in ("perigee_km", "apogee_km", "inc_deg"):
            frame.loc[missing, key] = frame.loc[missing, f"{prefix}{key}"]
        frame.loc[missing, "orbit_source"] = (
            name if name is not None else frame.loc[missing, "facts_source"]
        )
    for key in ("perigee_km", "apogee_km", "inc_deg"):
        frame[key] = pd.to_numeric(frame[key]).astype("float64")


def _by_distinct(values: pd.Series, function: Callable[[str | None], Any]) -> list[Any]:
    """``function`` of every value, computed once per distinct value (NaN read as None)."""
    memo: dict[Any, Any] = {}
    out = []
    for value in values.tolist():
        key = value if isinstance(value, str) else None
        if key not in memo:
            memo[key] = function(key)
        out.append(memo[key])
    return out


def _sectors(frame: pd.DataFrame) -> None:
    own = _by_distinct(frame["gcat_class"], sector_of_class)
    owner = _by_distinct(frame["owner_class"], sector_of_class)
    frame["sector"] = [a or b or "unknown" for a, b in zip(own, owner, strict=True)]
    frame["sector_source"] = [
        "psatcat Class" if a else ("owner class" if b else "none")
        for a, b in zip(own, owner, strict=True)
    ]


def _missions(frame: pd.DataFrame) -> None:
    parsed = _by_distinct(frame["category"], parse_category)
    # GCAT's codes without their qualifiers, joined with '/' (a plain string loads fast).
    frame["missions"] = ["/".join(p.codes) if p.codes else None for p in parsed]
    frame["mission"] = [p.codes[0] if p.codes else "unknown" for p in parsed]
    frame["mission_uncertain"] = [p.uncertain for p in parsed]
    frame["mission_inferred"] = [p.inferred for p in parsed]


def add_ucs_masses(frame: pd.DataFrame, ucs: pd.DataFrame) -> None:
    """Fill the masses GCAT lacks with UCS launch masses, matched on the NORAD number (the
    first UCS row of a number that UCS repeats), and label them ``ucs`` in ``mass_source``."""
    known = ucs[ucs["norad"].notna() & ucs["launch_mass_kg"].notna()]
    known = known[known["launch_mass_kg"] > 0].sort_values("line").drop_duplicates("norad")
    masses = dict(zip(known["norad"].astype(int), known["launch_mass_kg"], strict=True))
    satcat = pd.to_numeric(frame["satcat"], errors="coerce")
    filled = frame["mass_kg"].isna() & satcat.isin(masses.keys())
    frame.loc[filled, "mass_kg"] = satcat[filled].map(masses)
    frame.loc[filled, "mass_source"] = "ucs"


def _primary_flags(frame: pd.DataFrame) -> list[bool]:
    """The principal payload of each launch (the ranking of the module docstring)."""
    tags = frame["launch_tag"]
    own = [
        isinstance(piece, str) and piece.startswith(str(tag).strip())
        for piece, tag in zip(*_lists(frame, "piece", "launch_tag"), strict=True)
    ]
    every_mass = frame["mass_kg"].notna().groupby(tags).transform("all")
    order = pd.DataFrame(
        {
            "tag": tags,
            "unknown_mission": frame["mission"].eq("unknown"),
            "foreign": [not o for o in own],
            "mass": frame["mass_kg"].where(every_mass, 0.0).fillna(0.0),
            "listed": frame["list_order"],
            "row": range(len(frame)),
        }
    ).sort_values(
        ["tag", "unknown_mission", "foreign", "mass", "listed"],
        ascending=[True, True, True, False, True],
        kind="stable",
    )
    first = set(order.drop_duplicates("tag")["row"])
    return [i in first for i in range(len(frame))]


#: How many payload names ``launches.payload_names`` lists before saying how many more.
NAMES_SHOWN = 3


def _launch_payload_columns(launches: pd.DataFrame, payloads: pd.DataFrame) -> pd.DataFrame:
    primary = payloads[payloads["is_primary"]].set_index("launch_tag")
    out = launches.copy()
    for column in ("sector", "mission", "orbit_regime"):
        out[column] = out["launch_tag"].map(primary[column]).fillna("unknown")
    out["primary_piece"] = out["launch_tag"].map(primary["piece"])
    names: dict[str, list[str]] = {}
    for tag, name in zip(*_lists(payloads, "launch_tag", "name"), strict=True):
        names.setdefault(tag, []).append(name if isinstance(name, str) else "(unnamed)")
    out["payload_names"] = [
        summarise_names(names.get(tag, [])) for tag in out["launch_tag"].tolist()
    ]
    return out


def summarise_names(names: list[str], shown: int = NAMES_SHOWN) -> str:
    """The first few names and how many more: ``A, B, C and 20 more``.

    >>> summarise_names(["Starlink 1", "Starlink 2"]), summarise_names(list("abcde"))
    ('Starlink 1, Starlink 2', 'a, b, c and 2 more')
    """
    head = ", ".join(names[:shown])
    return head if len(names) <= shown else f"{head} and {len(names) - shown} more"
