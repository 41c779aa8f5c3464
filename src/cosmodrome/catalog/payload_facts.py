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

The facts are made in SQL on the building catalog's connection, from the stage tables
(``stage_launches``, ``stage_payloads``) and GCAT's raw tables (``raw_psatcat``,
``raw_auxcat``, ``raw_satcat`` when there is one): whole columns at a time. Python runs only
once per distinct value (a number or date text SQL does not read the way pandas and
:func:`~cosmodrome.catalog.gcat.parse_period_bound` read it, an ``OpOrbit`` code, a class, a
category) and for the few rows that go to the quarantine, so their reasons read as before.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date
from typing import Any

import duckdb
import pandas as pd

from cosmodrome.catalog.gcat import GcatFormatError, parse_period_bound, quoted
from cosmodrome.catalog.regimes import regime_from_op_orbit, regime_macros_sql
from cosmodrome.catalog.sectors import parse_category, sector_of_class
from cosmodrome.catalog.temp_tables import raw_text

#: Where a payload's mass comes from, as outputs label it.
MASS_SOURCES = {"satcat": "GCAT satcat", "auxcat": "GCAT auxcat", "ucs": "UCS"}
RESULTS = {"S": "success", "F": "failure", "U": "unknown", "N": "not applicable"}

#: psatcat's text columns: catalog name -> GCAT name.
PSATCAT_TEXTS = {
    "jcat": "JCAT",
    "psat_name": "Name",
    "program": "Program",
    "gcat_class": "Class",
    "category": "Category",
    "result": "Result",
    "un_state": "UNState",
    "un_registration": "UNReg",
}
PSATCAT_NUMBERS = {
    "un_perigee_km": "UNPerigee",
    "un_apogee_km": "UNApogee",
    "un_inc_deg": "UNInc",
    "disp_perigee_km": "DispPeri",
    "disp_apogee_km": "DispApo",
    "disp_inc_deg": "DispInc",
}
PSATCAT_DAYS = {"disp_epoch": "DispEpoch"}
#: satcat's and auxcat's columns, likewise.
OBJECT_TEXTS = {
    "jcat": "JCAT",
    "mass_flag": "MassFlag",
    "dry_mass_flag": "DryFlag",
    "total_mass_flag": "TotFlag",
    "op_orbit": "OpOrbit",
    "status": "Status",
    "alt_names": "AltNames",
}
OBJECT_NUMBERS = {
    "mass_kg": "Mass",
    "dry_mass_kg": "DryMass",
    "total_mass_kg": "TotMass",
    "cat_perigee_km": "Perigee",
    "cat_apogee_km": "Apogee",
    "cat_inc_deg": "Inc",
}
OBJECT_DAYS = {"decay_date": "DDate"}
#: The masses among them: GCAT writes 0 for an unknown mass.
MASSES = ("mass_kg", "dry_mass_kg", "total_mass_kg")
#: The object catalogs, in the order they win (satcat over auxcat).
OBJECT_FILES = ("satcat", "auxcat")
#: An object row's place in that order: its file's rank times this, plus its line. (The
#: first row of each object is found by this number, not by a window over whole rows:
#: DuckDB's window drops the sign of a -0.0 in the rows it carries.)
RANK_STEP = 1 << 32

#: A number SQL reads exactly as pandas does: at most 15 digits (so both read the nearest
#: double), and not a negative zero (whose sign pandas gives by the column's other texts).
PLAIN_NUMBER = r"^-?[0-9]+(\.[0-9]+)?$"
PLAIN_DAY = (
    r"^([0-9]{4})(?: +([A-Z][a-z]{2})(?: +([0-9]{1,2})"
    r"(?: +([01][0-9]|2[0-3])[0-5][0-9](?::[0-5][0-9](?:\.[0-9]+)?)?h?)?)?)?$"
)
MONTHS_SQL = "['Jan','Feb','Mar','Apr','May','Jun','Jul','Aug','Sep','Oct','Nov','Dec']"

#: How many payload names ``launches.payload_names`` lists before saying how many more.
NAMES_SHOWN = 3


def enrich(con: duckdb.DuckDBPyConnection, ucs: pd.DataFrame | None = None) -> None:
    """``built_payloads``: the stage payloads with their facts, regime, sector and primary
    flag; ``built_launches``: the stage launches with the primary's sector, mission and
    regime and a short list of payload names. ``ucs`` (the UCS table) fills the masses GCAT
    lacks. Unreadable numbers and dates go to ``issues``."""
    files = _object_files(con)
    sources = {"psatcat": _columns(con, "raw_psatcat")} | {
        name: _columns(con, f"raw_{name}") for name in files
    }
    fields = [
        (file, column)
        for file, present in sources.items()
        for column in (PSATCAT_NUMBERS if file == "psatcat" else OBJECT_NUMBERS).values()
        if column in present
    ]
    days = [
        (file, column)
        for file, present in sources.items()
        for column in (PSATCAT_DAYS if file == "psatcat" else OBJECT_DAYS).values()
        if column in present
    ]
    _read_numbers(con, fields)
    _read_days(con, days)
    _quarantine_unreadable(con, sources, fields, days)
    _psatcat_facts(con, sources["psatcat"])
    _object_facts(con, {name: sources[name] for name in files})
    _ucs_masses(con, ucs)
    _lookups(con)
    con.execute(regime_macros_sql())
    con.execute(PAYLOADS_SQL)
    con.execute(LAUNCHES_SQL.format(shown=NAMES_SHOWN))
    con.execute(
        "DROP TABLE number_texts; DROP TABLE day_texts; DROP TABLE psat_facts; "
        "DROP TABLE object_facts; DROP TABLE ucs_masses; DROP TABLE op_orbit_regimes; "
        "DROP TABLE class_sectors; DROP TABLE category_missions"
    )


def _object_files(con: duckdb.DuckDBPyConnection) -> list[str]:
    """The object catalogs this build has (the mirror has no satcat), satcat first."""
    present = {
        name
        for (name,) in con.execute(
            "SELECT table_name FROM duckdb_tables() WHERE temporary"
        ).fetchall()
    }
    return [name for name in OBJECT_FILES if f"raw_{name}" in present]


def _columns(con: duckdb.DuckDBPyConnection, table: str) -> list[str]:
    """A raw table's GCAT columns, in file order (``line`` left out)."""
    names = [d[0] for d in con.execute(f"SELECT * FROM {table} LIMIT 0").description]
    return [name for name in names if name != "line"]


def _union(
    fields: Iterable[tuple[str, str]], select: str, raw: dict[str, str] | None = None
) -> str:
    """``select`` over each field, as one UNION ALL: ``{file}`` is the raw table's file,
    ``{column}`` the quoted column, ``{name}`` its name, ``{raw}`` the file's raw row."""
    return " UNION ALL ".join(
        select.format(file=file, column=quoted(column), name=column, raw=(raw or {}).get(file))
        for file, column in fields
    )


def _read_numbers(con: duckdb.DuckDBPyConnection, fields: list[tuple[str, str]]) -> None:
    """``number_texts(field, text, number, bad)``: every distinct number text of each field,
    read as pandas reads it (GCAT's flags ``?~<>*`` around it dropped; ``-`` or nothing left
    is no number). SQL reads the plain ones; a field with any other text is read by pandas
    as a whole, as the catalog always read a column (so a ``-0`` takes the sign the
    column's other texts give it)."""
    con.execute(
        "CREATE TEMP TABLE number_texts AS WITH texts AS ("
        + _union(
            fields,
            "SELECT DISTINCT '{file}.{name}' AS field, {column} AS text "
            "FROM raw_{file} WHERE {column} IS NOT NULL",
        )
        + f"""), stripped AS (
            SELECT field, text, trim(text, '?~<>*') AS s FROM texts)
        SELECT field, text,
            CASE WHEN s IN ('', '-') THEN 'none'
                 WHEN regexp_matches(s, '{PLAIN_NUMBER}') AND length(s) <= 16
                      AND NOT regexp_matches(s, '^-0+(\\.0+)?$') THEN 'plain'
                 ELSE 'odd' END AS kind,
            CASE WHEN kind = 'plain' THEN CAST(s AS DOUBLE) END AS number,
            false AS bad
        FROM stripped"""
        if fields
        else "CREATE TEMP TABLE number_texts (field VARCHAR, text VARCHAR, kind VARCHAR, "
        "number DOUBLE, bad BOOLEAN)"
    )
    odd = con.execute(
        """SELECT field, list(text) FROM number_texts
           GROUP BY field HAVING bool_or(kind = 'odd')"""
    ).fetchall()
    answers = [
        (field, text, number) for field, texts in odd for text, number in _pandas_numbers(texts)
    ]
    if answers:
        frame = pd.DataFrame(answers, columns=["field", "text", "number"])
        con.register("odd_numbers", frame)
        con.execute(
            """UPDATE number_texts n SET number = o.number, bad = o.number IS NULL
               FROM odd_numbers o WHERE n.field = o.field AND n.text = o.text"""
        )
        con.unregister("odd_numbers")


def _pandas_numbers(texts: list[str]) -> list[tuple[str, float | None]]:
    """A column's distinct ``texts`` read as the catalog always read them, with pandas
    (None: unreadable); texts that hold no number are left out."""
    stripped = pd.Series(texts, dtype="object").astype(str).str.strip().str.strip("?~<>*")
    stripped = stripped.where(~stripped.isin(["", "-"]))
    numbers = pd.to_numeric(stripped, errors="coerce").astype("float64")
    return [
        (text, None if pd.isna(number) else float(number))
        for text, number, blank in zip(texts, numbers, stripped.isna(), strict=True)
        if not blank
    ]


def _read_days(con: duckdb.DuckDBPyConnection, fields: list[tuple[str, str]]) -> None:
    """``day_texts(text, day, error)``: every distinct date text of these fields as the day
    :func:`~cosmodrome.catalog.gcat.parse_period_bound` reads (``1958 Dec  7 1952?``, a
    decade, ``*``), or why it cannot. SQL reads the plain ones, Python the rest."""
    if not fields:
        con.execute("CREATE TEMP TABLE day_texts (text VARCHAR, day DATE, error VARCHAR)")
        return
    con.execute(
        "CREATE TEMP TABLE day_texts AS WITH texts AS ("
        + _union(fields, "SELECT {column} AS text FROM raw_{file} WHERE {column} IS NOT NULL")
        + f"""), parts AS (
            SELECT text, regexp_extract(trim(rtrim(trim(text), '?')), '{PLAIN_DAY}',
                                        ['year', 'month', 'day']) AS p
            FROM (SELECT DISTINCT text FROM texts))
        SELECT text,
            CASE WHEN p.year <> '' AND p.year <> '0000'
                      AND (p.month = '' OR list_contains({MONTHS_SQL}, p.month)) THEN
                TRY_CAST(p.year || '-' || CASE WHEN p.month = '' THEN '01' ELSE lpad(
                    list_position({MONTHS_SQL}, p.month)::VARCHAR, 2, '0') END
                    || '-' || CASE WHEN p.day = '' THEN '01' ELSE lpad(p.day, 2, '0') END
                    AS DATE) END AS day,
            NULL::VARCHAR AS error
        FROM parts"""
    )
    odd = [
        text for (text,) in con.execute("SELECT text FROM day_texts WHERE day IS NULL").fetchall()
    ]
    answers = [(text, *_python_day(text)) for text in odd]
    if answers:
        frame = pd.DataFrame(answers, columns=["text", "day", "error"], dtype="object")
        con.register("odd_days", frame)
        con.execute(
            """UPDATE day_texts d SET day = o.day::DATE, error = o.error
               FROM odd_days o WHERE d.text = o.text"""
        )
        con.unregister("odd_days")


def _python_day(text: str) -> tuple[date | None, str | None]:
    """A date text's day as the catalog always read it, or the reason it cannot be read."""
    stripped = text.strip()
    if not stripped or stripped in ("*", "-"):
        return None, None
    try:
        return parse_period_bound(stripped, end=False), None
    except GcatFormatError as error:
        return None, str(error)


def _quarantine_unreadable(
    con: duckdb.DuckDBPyConnection,
    sources: dict[str, list[str]],
    numbers: list[tuple[str, str]],
    days: list[tuple[str, str]],
) -> None:
    """An issue for each row with an unreadable number or date, its reason as before (only
    the fields that have one are searched)."""
    bad_numbers = {
        field
        for (field,) in con.execute("SELECT DISTINCT field FROM number_texts WHERE bad").fetchall()
    }
    numbers = [(file, column) for file, column in numbers if f"{file}.{column}" in bad_numbers]
    if con.execute("SELECT count(error) FROM day_texts").fetchone() == (0,):
        days = []
    raw = {file: raw_text(columns, "r") for file, columns in sources.items()}
    # Per kind: the fields to search, the rows with their column and what was wrong, and
    # the reason's wording.
    searches: list[tuple[list[tuple[str, str]], str, Callable[[str, object], str]]] = [
        (
            numbers,
            "SELECT '{file}.tsv', r.line, '{name}', r.{column}, {raw} FROM raw_{file} r "
            "JOIN number_texts n ON n.field = '{file}.{name}' AND n.text = r.{column} "
            "WHERE n.bad",
            lambda column, text: f"bad number in {column}: {text!r}",
        ),
        (
            days,
            "SELECT '{file}.tsv', r.line, '{name}', d.error, {raw} FROM raw_{file} r "
            "JOIN day_texts d ON d.text = r.{column} WHERE d.error IS NOT NULL",
            lambda column, error: f"bad date in {column}: {error}",
        ),
    ]
    found = [
        (label, line, reason(column, detail), row)
        for fields, select, reason in searches
        if fields
        for label, line, column, detail, row in con.execute(_union(fields, select, raw)).fetchall()
    ]
    if found:
        con.executemany("INSERT INTO issues VALUES (?, ?, ?, ?)", found)


def _facts_select(
    file: str,
    present: list[str],
    texts: dict[str, str],
    numbers: dict[str, str],
    day: dict[str, str],
) -> str:
    """One raw table's facts: its text columns, its numbers and day read through
    ``number_texts`` and ``day_texts`` (NULL where the file has no such column)."""
    columns = [
        f"r.{quoted(source)} AS {key}" if source in present else f"NULL::VARCHAR AS {key}"
        for key, source in texts.items()
    ]
    joins = []
    for key, source in numbers.items():
        if source not in present:
            columns.append(f"NULL::DOUBLE AS {key}")
            continue
        columns.append(f"{key}.number AS {key}")
        joins.append(
            f"LEFT JOIN number_texts {key} ON {key}.field = '{file}.{source}' "
            f"AND {key}.text = r.{quoted(source)}"
        )
    for key, source in day.items():
        if source not in present:
            columns.append(f"NULL::DATE AS {key}")
            continue
        columns.append(f"{key}.day AS {key}")
        joins.append(f"LEFT JOIN day_texts {key} ON {key}.text = r.{quoted(source)}")
    return f"SELECT r.line, {', '.join(columns)} FROM raw_{file} r {' '.join(joins)}"


def _no_orbit_as_null(prefix: str) -> str:
    """GCAT's ``0 x 0`` (with any inclination) means no orbit is recorded."""
    none = f"coalesce({prefix}apogee_km, 0) = 0 AND coalesce({prefix}perigee_km, 0) = 0"
    return ", ".join(
        f"CASE WHEN NOT ({none}) THEN {prefix}{key} END AS {prefix}{key}"
        for key in ("perigee_km", "apogee_km", "inc_deg")
    )


def _psatcat_facts(con: duckdb.DuckDBPyConnection, present: list[str]) -> None:
    """``psat_facts``: one row per psatcat payload (``jcat``, its first row, found by its
    line: see :data:`RANK_STEP`): program, class, category, result, orbits."""
    read = _facts_select("psatcat", present, PSATCAT_TEXTS, PSATCAT_NUMBERS, PSATCAT_DAYS)
    orbits = [f"{p}{k}" for p in ("un_", "disp_") for k in ("perigee_km", "apogee_km", "inc_deg")]
    con.execute(
        f"""CREATE TEMP TABLE psat_facts AS
            SELECT * EXCLUDE ({", ".join(orbits)}), {_no_orbit_as_null("un_")},
                   {_no_orbit_as_null("disp_")}
            FROM ({read})
            WHERE line IN (SELECT min(line) FROM raw_psatcat GROUP BY "JCAT")"""
    )


def _object_facts(con: duckdb.DuckDBPyConnection, files: dict[str, list[str]]) -> None:
    """``object_facts``: masses, OpOrbit, status, decay date, alternative names and orbit
    of each object (``jcat``), from satcat before auxcat, the first row of each file."""
    reads = " UNION ALL ".join(
        f"SELECT {rank} * {RANK_STEP} + line AS row, '{file}' AS facts_source, * FROM ("
        + _facts_select(file, present, OBJECT_TEXTS, OBJECT_NUMBERS, OBJECT_DAYS)
        + ")"
        for rank, (file, present) in enumerate(files.items())
    )
    rows = " UNION ALL ".join(
        f'SELECT {rank} * {RANK_STEP} + line AS row, "JCAT" AS jcat FROM raw_{file}'
        for rank, file in enumerate(files)
    )
    orbits = ", ".join(f"cat_{k}" for k in ("perigee_km", "apogee_km", "inc_deg"))
    masses = ", ".join(f"nullif({m}, 0) AS {m}" for m in MASSES)  # 0: an unknown mass
    con.execute(
        f"""CREATE TEMP TABLE object_facts AS
            SELECT * EXCLUDE (row, line, {", ".join(MASSES)}, {orbits}), {masses},
                   {_no_orbit_as_null("cat_")}
            FROM ({reads})
            WHERE row IN (SELECT min(row) FROM ({rows}) GROUP BY jcat)"""
    )


def _ucs_masses(con: duckdb.DuckDBPyConnection, ucs: pd.DataFrame | None) -> None:
    """``ucs_masses(norad, mass_kg)``: the UCS launch mass of each NORAD number (its first
    UCS row with a mass), for the payloads GCAT gives none."""
    if ucs is None:
        con.execute("CREATE TEMP TABLE ucs_masses (norad BIGINT, mass_kg DOUBLE)")
        return
    con.register("ucs_frame", ucs[["norad", "launch_mass_kg", "line"]])
    con.execute(
        """CREATE TEMP TABLE ucs_masses AS
           SELECT norad::BIGINT AS norad, launch_mass_kg::DOUBLE AS mass_kg FROM ucs_frame
           WHERE norad IS NOT NULL AND launch_mass_kg > 0
           QUALIFY row_number() OVER (PARTITION BY norad ORDER BY line) = 1"""
    )
    con.unregister("ucs_frame")


def _lookups(con: duckdb.DuckDBPyConnection) -> None:
    """The answers of the vocabularies' Python functions, once per distinct value:
    ``op_orbit_regimes``, ``class_sectors`` and ``category_missions``."""
    _answer(
        con,
        "op_orbit_regimes",
        "SELECT DISTINCT op_orbit FROM object_facts WHERE op_orbit IS NOT NULL",
        lambda code: (code, regime_from_op_orbit(code)),
        ["op_orbit", "regime"],
    )
    _answer(
        con,
        "class_sectors",
        """SELECT gcat_class FROM psat_facts WHERE gcat_class IS NOT NULL
           UNION SELECT owner_class FROM stage_payloads WHERE owner_class IS NOT NULL""",
        lambda gcat_class: (gcat_class, sector_of_class(gcat_class)),
        ["gcat_class", "sector"],
    )

    def missions(category: str) -> tuple[Any, ...]:
        parsed = parse_category(category)
        # GCAT's codes without their qualifiers, joined with '/' (a plain string loads fast).
        codes = "/".join(parsed.codes) if parsed.codes else None
        main = parsed.codes[0] if parsed.codes else "unknown"
        return category, codes, main, parsed.uncertain, parsed.inferred

    _answer(
        con,
        "category_missions",
        "SELECT DISTINCT category FROM psat_facts WHERE category IS NOT NULL",
        missions,
        ["category", "missions", "mission", "uncertain", "inferred"],
    )


def _answer(
    con: duckdb.DuckDBPyConnection,
    table: str,
    distinct: str,
    function: Callable[[str], tuple[Any, ...]],
    columns: list[str],
) -> None:
    """A TEMP ``table`` of ``function`` of each value ``distinct`` selects."""
    rows = [function(value) for (value,) in con.execute(distinct).fetchall()]
    con.register("answers", pd.DataFrame(rows, columns=columns, dtype="object"))
    casts = ", ".join(
        f"{c}::{'BOOLEAN' if c in ('uncertain', 'inferred') else 'VARCHAR'} AS {c}" for c in columns
    )
    con.execute(f"CREATE TEMP TABLE {table} AS SELECT {casts} FROM answers")
    con.unregister("answers")


PAYLOADS_SQL = """
CREATE TEMP TABLE built_payloads AS
WITH listed AS (
    SELECT line, row_number() OVER (PARTITION BY launch_tag ORDER BY line) AS list_order
    FROM stage_payloads
), joined AS (
    SELECT s.*, ps.* EXCLUDE (line, jcat), f.* EXCLUDE (jcat, mass_kg), o.list_order,
        coalesce(f.mass_kg, u.mass_kg) AS mass_kg,
        CASE WHEN f.mass_kg IS NOT NULL THEN f.facts_source
             WHEN u.mass_kg IS NOT NULL THEN 'ucs' END AS mass_source,
        CASE WHEN ps.disp_apogee_km IS NOT NULL THEN 'disp_'
             WHEN f.cat_apogee_km IS NOT NULL THEN 'cat_'
             WHEN ps.un_apogee_km IS NOT NULL THEN 'un_' END AS orbit_from,
        l.orbit_class AS launch_orbit_class,
        CASE WHEN l.launch_tag IS NULL THEN true ELSE coalesce(l.is_success, false) END
            AS launch_succeeded
    FROM stage_payloads s
    JOIN listed o ON o.line = s.line
    LEFT JOIN psat_facts ps ON ps.jcat IS NOT DISTINCT FROM s.jcat
    LEFT JOIN object_facts f ON f.jcat IS NOT DISTINCT FROM s.jcat
    LEFT JOIN ucs_masses u ON f.mass_kg IS NULL AND u.norad = s.satcat
    LEFT JOIN stage_launches l ON l.launch_tag = s.launch_tag
), orbits AS (
    -- the disposition orbit, else the satcat/auxcat orbit, else the UN registration orbit
    SELECT *,
        CASE orbit_from WHEN 'disp_' THEN disp_perigee_km WHEN 'cat_' THEN cat_perigee_km
             WHEN 'un_' THEN un_perigee_km END AS perigee_km,
        CASE orbit_from WHEN 'disp_' THEN disp_apogee_km WHEN 'cat_' THEN cat_apogee_km
             WHEN 'un_' THEN un_apogee_km END AS apogee_km,
        CASE orbit_from WHEN 'disp_' THEN disp_inc_deg WHEN 'cat_' THEN cat_inc_deg
             WHEN 'un_' THEN un_inc_deg END AS inc_deg,
        CASE orbit_from WHEN 'disp_' THEN 'psatcat-disposition' WHEN 'cat_' THEN facts_source
             WHEN 'un_' THEN 'un-registration' END AS orbit_source
    FROM joined
), classified AS (
    SELECT *, classify_orbit(perigee_km, apogee_km, inc_deg) AS orbit_class_regime FROM orbits
), facts AS (
    SELECT o.*,
        payload_regime(r.regime, orbit_class_regime, apogee_km, inc_deg, launch_orbit_class,
                       launch_succeeded) AS regime,
        coalesce(own.sector, owner.sector, 'unknown') AS sector,
        CASE WHEN own.sector IS NOT NULL THEN 'psatcat Class'
             WHEN owner.sector IS NOT NULL THEN 'owner class' ELSE 'none' END AS sector_source,
        m.missions, coalesce(m.mission, 'unknown') AS mission,
        coalesce(m.uncertain, false) AS mission_uncertain,
        coalesce(m.inferred, false) AS mission_inferred,
        regexp_replace(lower(strip_accents(concat_ws('|', name, pl_name, psat_name,
            alt_names))), '[^0-9a-z|]', '', 'g') AS search_text
    FROM classified o
    LEFT JOIN op_orbit_regimes r ON r.op_orbit = o.op_orbit
    LEFT JOIN class_sectors own ON own.gcat_class = o.gcat_class
    LEFT JOIN class_sectors owner ON owner.gcat_class = o.owner_class
    LEFT JOIN category_missions m ON m.category = o.category
), ranked AS (
    -- the principal payload of each launch: the ranking of the module docstring (its
    -- masses count only where every payload of the launch has one)
    SELECT launch_tag, CASE WHEN bool_and(mass_kg IS NOT NULL)
        THEN arg_min(line, (mission = 'unknown', NOT own_designation, -mass_kg, list_order))
        ELSE arg_min(line, (mission = 'unknown', NOT own_designation, list_order)) END AS line
    FROM (SELECT launch_tag, line, mission, mass_kg, list_order,
                 coalesce(starts_with(piece, trim(launch_tag)), false) AS own_designation
          FROM facts)
    GROUP BY launch_tag
)
SELECT piece, f.launch_tag, name, pl_name, jcat, satcat, type, owner, owner_uncertain,
    owner_name, owner_state, perigee_km, apogee_km, inc_deg, orbit_source, psat_name, program,
    gcat_class, sector, sector_source, category, mission, missions, mission_uncertain,
    mission_inferred, result, regime.regime AS orbit_regime, regime.source AS regime_source,
    op_orbit, disp_epoch, disp_perigee_km, disp_apogee_km, disp_inc_deg, un_state,
    un_registration, un_perigee_km, un_apogee_km, un_inc_deg, mass_kg, mass_flag, dry_mass_kg,
    dry_mass_flag, total_mass_kg, total_mass_flag, facts_source, mass_source, status,
    decay_date, alt_names, search_text, list_order, r.line IS NOT NULL AS is_primary, f.line
FROM facts f LEFT JOIN ranked r ON r.line = f.line
"""

LAUNCHES_SQL = """
CREATE TEMP TABLE built_launches AS
WITH names AS (
    SELECT launch_tag, count(*) AS payloads,
        string_agg(coalesce(name, '(unnamed)'), ', ' ORDER BY list_order)
            FILTER (WHERE list_order <= {shown}) AS shown
    FROM built_payloads GROUP BY launch_tag
)
SELECT l.* EXCLUDE (line),
    coalesce(p.sector, 'unknown') AS sector, coalesce(p.mission, 'unknown') AS mission,
    coalesce(p.orbit_regime, 'unknown') AS orbit_regime, p.piece AS primary_piece,
    -- the first few names and how many more: 'A, B, C and 20 more'
    coalesce(n.shown || CASE WHEN n.payloads > {shown}
        THEN ' and ' || (n.payloads - {shown}) || ' more' ELSE '' END, '') AS payload_names,
    l.line
FROM stage_launches l
LEFT JOIN built_payloads p ON p.launch_tag = l.launch_tag AND p.is_primary
LEFT JOIN names n ON n.launch_tag = l.launch_tag
"""
