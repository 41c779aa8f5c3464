"""The UCS Satellite Database: a second, independent view of operational satellites.

The Union of Concerned Scientists' database (final release 2023-05-01, ``ucs/`` in a mirror)
lists operational satellites with their users, purpose, orbit class and launch mass. It is
an ``.xlsx`` workbook, read with python-calamine, and ingested as its own table ``ucs``,
matched to GCAT payloads on the NORAD number.

How the two vocabularies meet (:func:`ucs_sector`, :data:`REGIME_TO_UCS`):

* UCS ``Users``: ``Commercial`` -> commercial, ``Government`` -> civil, ``Military`` ->
  military, ``Civil`` (UCS's word for academic and amateur users) -> academic; two users
  joined with ``/`` -> mixed;
* UCS ``Class of Orbit`` (LEO, MEO, GEO, Elliptical) against Cosmodrome's regimes:
  LEO and SSO -> LEO, MEO -> MEO, GEO -> GEO, GTO and HEO -> Elliptical.

:func:`agreement_rows` counts, in DuckDB, how often the two sources agree for the satellites both know and
lists every disagreement; docs/PAYLOADS.md reports the figures for the frozen mirror.
"""

from __future__ import annotations

import hashlib
import json
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import duckdb

from cosmodrome.catalog.gcat import Issue
from cosmodrome.tables import Rows

if TYPE_CHECKING:
    import pandas as pd

#: UCS column -> catalog column.
UCS_COLUMNS = {
    "Current Official Name of Satellite": "name",
    "Name of Satellite, Alternate Names": "names",
    "Country of Operator/Owner": "operator_country",
    "Operator/Owner": "operator",
    "Users": "users",
    "Purpose": "purpose",
    "Detailed Purpose": "detailed_purpose",
    "Class of Orbit": "orbit_class",
    "Type of Orbit": "orbit_type",
    "Perigee (km)": "perigee_km",
    "Apogee (km)": "apogee_km",
    "Inclination (degrees)": "inc_deg",
    "Launch Mass (kg.)": "launch_mass_kg",
    "Dry Mass (kg.)": "dry_mass_kg",
    "Date of Launch": "launch_date",
    "Launch Site": "launch_site",
    "Launch Vehicle": "launch_vehicle",
    "COSPAR Number": "cospar",
    "NORAD Number": "norad",
}
NUMERIC = ("perigee_km", "apogee_km", "inc_deg", "launch_mass_kg", "dry_mass_kg")
USER_SECTORS = {
    "commercial": "commercial",
    "government": "civil",
    "military": "military",
    "civil": "academic",
}
REGIME_TO_UCS = {
    "LEO": "LEO",
    "SSO": "LEO",
    "MEO": "MEO",
    "GEO": "GEO",
    "GTO": "Elliptical",
    "HEO": "Elliptical",
}


def find_workbook(location: str) -> Path | None:
    """The newest UCS workbook in ``<location>/ucs/`` of a local mirror (None if none).

    UCS publishes its database on a web page rather than at a stable file address, so only a
    local mirror's copy is read."""
    folder = Path(location).expanduser() / "ucs"
    found = sorted(folder.glob("*.xlsx")) if folder.is_dir() else []
    return found[-1] if found else None


def read_ucs_cached(path: Path, cache: Path, issues: list[Issue]) -> pd.DataFrame:
    """:func:`read_ucs`, kept in ``cache`` as Parquet (with its issues) under a hash of the
    workbook's bytes: the final release never changes, and reading it again would cost a
    third of a second of every catalog build. A changed workbook has a new hash."""
    import pandas as pd

    digest = hashlib.sha256(path.read_bytes()).hexdigest()[:16]
    table, notes = cache / f"ucs-{digest}.parquet", cache / f"ucs-{digest}.issues.json"
    if table.is_file() and notes.is_file():
        try:
            frame = pd.read_parquet(table)
            issues.extend(Issue(**item) for item in json.loads(notes.read_text("utf-8")))
            frame["launch_date"] = [
                d if isinstance(d, date) else None for d in frame["launch_date"]
            ]
            return frame
        except (OSError, ValueError, TypeError):
            pass  # an unreadable cache is read again from the workbook
    found: list[Issue] = []
    frame = read_ucs(path, found)
    issues.extend(found)
    try:
        cache.mkdir(parents=True, exist_ok=True)
        frame.to_parquet(table.with_suffix(".tmp"), index=False)
        notes.write_text(json.dumps([vars(i) for i in found]), "utf-8")
        table.with_suffix(".tmp").replace(table)
    except OSError:
        pass  # no cache this time; the table itself is complete
    return frame


def read_ucs(path: Path, issues: list[Issue]) -> pd.DataFrame:
    """The first sheet of a UCS workbook as the ``ucs`` table; bad cells are quarantined."""
    import pandas as pd
    from python_calamine import CalamineWorkbook

    label = path.name
    try:
        rows = CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).to_python()
    except Exception as error:  # calamine raises its own error types for every bad file
        issues.append(Issue(label, 0, f"cannot read the workbook: {error}", ""))
        return pd.DataFrame(columns=[*UCS_COLUMNS.values(), "sector", "line"])
    if not rows:
        issues.append(Issue(label, 1, "empty workbook", ""))
        return pd.DataFrame(columns=[*UCS_COLUMNS.values(), "sector", "line"])
    header = [str(h).strip() for h in rows[0]]
    missing = [c for c in UCS_COLUMNS if c not in header]
    if missing:
        issues.append(Issue(label, 1, f"missing columns: {', '.join(missing)}", "\t".join(header)))
        return pd.DataFrame(columns=[*UCS_COLUMNS.values(), "sector", "line"])
    at = [header.index(source) for source in UCS_COLUMNS]
    width = max(at) + 1
    picked = [
        (line, [row[i] if i < len(row) else "" for i in at])
        for line, row in enumerate(rows[1:], start=2)
        if any(str(v).strip() for v in row[:width])  # blank lines
    ]
    frame = pd.DataFrame([cells for _, cells in picked], columns=list(UCS_COLUMNS.values()))
    frame["line"] = [line for line, _ in picked]
    for column in (
        "name",
        "names",
        "operator_country",
        "operator",
        "users",
        "purpose",
        "detailed_purpose",
        "orbit_class",
        "orbit_type",
        "launch_site",
        "launch_vehicle",
        "cospar",
    ):
        cleaned = frame[column].astype(str).str.strip()
        frame[column] = cleaned.where(cleaned != "", None)
    for column in (*NUMERIC, "norad"):
        raw = frame[column].astype(str).str.replace(",", "", regex=False).str.strip()
        numbers = pd.to_numeric(raw.where(raw != ""), errors="coerce")
        unreadable = numbers.isna() & (raw != "")
        for line, value, cells in zip(
            frame["line"][unreadable],
            frame[column][unreadable],
            frame[unreadable].astype(str).to_numpy().tolist(),
            strict=True,
        ):
            reason = f"not a number in {column}: {value!r} (left empty; the row is kept)"
            issues.append(Issue(label, int(line), reason, "\t".join(cells)))
        frame[column] = numbers  # the row stays, with this one value left empty
    frame["norad"] = frame["norad"].astype("Int64")
    frame["launch_date"] = [
        d.date() if isinstance(d, datetime) else d if isinstance(d, date) else None
        for d in frame["launch_date"]
    ]
    frame["orbit_class"] = [
        _orbit_class_spelling(c) if isinstance(c, str) else None for c in frame["orbit_class"]
    ]
    frame["sector"] = [ucs_sector(u) for u in frame["users"]]
    return frame[[*UCS_COLUMNS.values(), "sector", "line"]].reset_index(drop=True)


def _orbit_class_spelling(text: str) -> str:
    """UCS's orbit classes with their stray spellings mended (``LEo`` is LEO)."""
    folded = text.strip().casefold()
    return {"leo": "LEO", "meo": "MEO", "geo": "GEO", "elliptical": "Elliptical"}.get(
        folded, text.strip()
    )


def ucs_sector(users: str | None) -> str | None:
    """Cosmodrome's sector of a UCS ``Users`` entry (module docstring).

    >>> ucs_sector("Government"), ucs_sector("Military/Commercial"), ucs_sector("Civil")
    ('civil', 'mixed', 'academic')
    """
    if not users:
        return None
    sectors = {USER_SECTORS.get(part.strip().casefold()) for part in users.split("/")}
    if None in sectors:
        return None
    return "mixed" if len(sectors) > 1 else sectors.pop()


def _orbit_class_sql(regime: str) -> str:
    """SQL of UCS's ``Class of Orbit`` for the Cosmodrome regime in column ``regime`` (NULL
    where UCS has no counterpart)."""
    cases = " ".join(f"WHEN '{ours}' THEN '{theirs}'" for ours, theirs in REGIME_TO_UCS.items())
    return f"(CASE {regime} {cases} END)"


#: UCS satellites matched to GCAT payloads on the NORAD number, with both views (the first
#: UCS row of a repeated NORAD number, the first GCAT piece of a repeated one).
MATCHED_SQL = f"""
    WITH u AS (
        SELECT * FROM ucs WHERE norad IS NOT NULL
        QUALIFY row_number() OVER (PARTITION BY norad ORDER BY line) = 1
    ), g AS (
        SELECT * FROM payloads WHERE satcat IS NOT NULL
        QUALIFY row_number() OVER (PARTITION BY satcat ORDER BY piece) = 1
    )
    SELECT u.norad, g.piece, g.name, u.name AS ucs_name, g.owner, u.operator AS ucs_operator,
           g.gcat_class, g.sector, u.users AS ucs_users, u.sector AS ucs_sector,
           g.orbit_regime, g.regime_source, u.orbit_class AS ucs_orbit_class,
           g.perigee_km, g.apogee_km, g.inc_deg,
           u.perigee_km AS ucs_perigee_km, u.apogee_km AS ucs_apogee_km, u.inc_deg AS ucs_inc_deg,
           g.mass_kg, u.launch_mass_kg AS ucs_launch_mass_kg,
           {_orbit_class_sql("g.orbit_regime")} AS orbit_class
    FROM u JOIN g ON g.satcat = u.norad
"""

#: What is compared: Cosmodrome's column and UCS's, both in :data:`MATCHED_SQL`.
COMPARED = {"sector": ("sector", "ucs_sector"), "orbit_class": ("orbit_class", "ucs_orbit_class")}


def _known(ours: str, theirs: str) -> str:
    """SQL true where both sides say something (Cosmodrome's ``unknown`` says nothing)."""
    return f"{ours} IS NOT NULL AND {theirs} IS NOT NULL AND {ours} <> 'unknown'"


def agreement_rows(con: duckdb.DuckDBPyConnection) -> dict[str, Any]:
    """How often GCAT (as Cosmodrome reads it) and UCS agree, and every disagreement.

    Returns ``ucs_rows``, ``ucs_duplicate_norad`` (UCS rows repeating a NORAD number; the
    first is compared), ``matched``, and for ``sector`` and ``orbit_class`` the satellites
    compared (both sides known), how many agree, the fraction, a cross table (rows:
    Cosmodrome's values, first column; columns: UCS's) and the disagreeing satellites by
    NORAD number, as plain rows computed in DuckDB.
    """
    counts = con.execute(
        "SELECT count(*), count(norad) - count(DISTINCT norad) FROM ucs"
    ).fetchone() or (0, 0)
    pairs = " UNION ALL ".join(
        f"SELECT '{name}' AS what, {ours} AS ours, {theirs} AS theirs, count(*) AS n "
        f"FROM m WHERE {_known(ours, theirs)} GROUP BY ALL"
        for name, (ours, theirs) in COMPARED.items()
    )
    tallies = con.execute(
        f"WITH m AS MATERIALIZED ({MATCHED_SQL}) {pairs} "
        "UNION ALL SELECT 'matched', NULL, NULL, count(*) FROM m"
    ).fetchall()
    flags = ", ".join(
        f"coalesce({_known(ours, theirs)} AND {ours} <> {theirs}, false) AS {name}_differs"
        for name, (ours, theirs) in COMPARED.items()
    )
    cursor = con.execute(
        f"SELECT *, {flags} FROM ({MATCHED_SQL}) WHERE "
        + " OR ".join(f"{name}_differs" for name in COMPARED)
        + " ORDER BY norad"
    )
    columns = [d[0] for d in cursor.description or []]
    differing = cursor.fetchall()
    width = len(columns) - len(COMPARED)
    out: dict[str, Any] = {
        "ucs_rows": int(counts[0]),
        "ucs_duplicate_norad": int(counts[1]),
        "matched": next(int(n) for what, _, _, n in tallies if what == "matched"),
    }
    for at, name in enumerate(COMPARED):
        cells = {(ours, theirs): int(n) for what, ours, theirs, n in tallies if what == name}
        compared = sum(cells.values())
        agree = sum(n for (ours, theirs), n in cells.items() if ours == theirs)
        out[name] = {
            "compared": compared,
            "agree": agree,
            "agreement": agree / compared if compared else None,
            "crosstab": _cross_table(name, cells),
            "disagreements": Rows(
                columns[:width], [row[:width] for row in differing if row[width + at]]
            ),
        }
    return out


def _cross_table(name: str, cells: dict[tuple[str, str], int]) -> Rows:
    """Counts by Cosmodrome's value (rows, first column ``name``) and UCS's (columns), both
    sorted, zeros where a pair never occurs."""
    ours = sorted({o for o, _ in cells})
    theirs = sorted({t for _, t in cells})
    return Rows([name, *theirs], [(o, *(cells.get((o, t), 0) for t in theirs)) for o in ours])


def agreement(con: duckdb.DuckDBPyConnection) -> dict[str, Any]:
    """:func:`agreement_rows` with its tables as pandas DataFrames (the cross table indexed
    by Cosmodrome's values, its columns UCS's), for Python users."""
    out = agreement_rows(con)
    for name in COMPARED:
        part = out[name]
        crosstab = part["crosstab"].to_frame().set_index(name)
        crosstab.columns.name = COMPARED[name][1]
        part["crosstab"] = crosstab
        part["disagreements"] = part["disagreements"].to_frame()
    return out
