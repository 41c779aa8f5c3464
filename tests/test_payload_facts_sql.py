"""The payload facts' SQL reads and classifies exactly as the Python it stands for: GCAT's
number and date texts as pandas and ``parse_period_bound`` read them, orbits as
``classify_orbit`` and ``payload_regime`` classify them (generated cases, boundaries
included)."""

from __future__ import annotations

import math
import struct
from pathlib import Path

import duckdb
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from cosmodrome.catalog import payload_facts, regimes
from cosmodrome.catalog.build import REQUIRED_FILES, ingest_sources, read_tables
from cosmodrome.text import without_control
from tests.gcat_factory import PSATCAT_COLUMNS, launch_row, tsv, write_mini_gcat

# Values where the classifier's thresholds lie, and odd ones GCAT-like files may hold.
EDGES = [
    0.0,
    -0.0,
    -1.0,
    regimes.LEO_MAX_ALTITUDE_KM,
    regimes.GEO_ALTITUDE_KM - regimes.GEO_BAND_KM,
    regimes.GEO_ALTITUDE_KM + regimes.GEO_BAND_KM,
    regimes.GTO_MIN_APOGEE_KM,
    regimes.GTO_MAX_APOGEE_KM,
    regimes.GTO_MAX_PERIGEE_KM,
    regimes.DEEP_SPACE_APOGEE_KM,
    60.4,
    66.4,
    113.6,
    119.6,
    90.0,
    math.inf,
    -math.inf,
    math.nan,
]
values = st.one_of(
    st.none(),
    st.sampled_from(EDGES),
    st.floats(min_value=-500, max_value=3_000),
    st.floats(min_value=-300_000, max_value=300_000),
    st.floats(),
)
inclinations = st.one_of(values, st.floats(min_value=95, max_value=105))
orbits = st.lists(st.tuples(values, values, inclinations), min_size=1, max_size=60)


def _macros() -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    con.execute(regimes.regime_macros_sql())
    return con


def _classified_in_sql(cases: list[tuple[float | None, ...]]) -> list[str]:
    """The ``classify_orbit`` macro of each (perigee, apogee, inclination) case."""
    pe, ap, inc = (list(column) for column in zip(*cases, strict=True))
    got = (
        _macros()
        .execute(
            "SELECT classify_orbit(p, a, i) FROM (SELECT unnest(?::DOUBLE[]) AS p, "
            "unnest(?::DOUBLE[]) AS a, unnest(?::DOUBLE[]) AS i)",
            [pe, ap, inc],
        )
        .fetchall()
    )
    return [regime for (regime,) in got]


@settings(max_examples=200)
@given(orbits)
def test_classify_orbit_in_sql_is_the_python(cases: list[tuple[float | None, ...]]) -> None:
    assert _classified_in_sql(cases) == [regimes.classify_orbit(*case) for case in cases]


@given(st.lists(st.floats(min_value=150, max_value=1_999), min_size=1, max_size=40), st.data())
def test_the_sun_synchronous_band_edges_in_sql(alts: list[float], data: st.DataObject) -> None:
    # Inclinations right at the band's edges, where one ulp decides.
    cases = []
    for alt in alts:
        target = regimes.sun_synchronous_inclination_deg(alt, alt)
        assert target is not None
        edge = target + data.draw(st.sampled_from([-1.0, 1.0])) * regimes.SSO_TOLERANCE_DEG
        for inc in (edge, math.nextafter(edge, 0), math.nextafter(edge, 200), target):
            cases.append((alt, alt, inc))
    assert _classified_in_sql(cases) == [regimes.classify_orbit(*case) for case in cases]


op_orbits = st.one_of(
    st.none(), st.sampled_from([*regimes.OP_ORBIT_REGIMES, "LLEO/S", "GEO/D", "XX", "leo/s"])
)


@settings(max_examples=200)
@given(
    st.lists(
        st.tuples(
            op_orbits,
            values,
            values,
            inclinations,
            st.sampled_from([None, "deep_space", "orbital", "suborbital"]),
            st.booleans(),
        ),
        min_size=1,
        max_size=60,
    )
)
def test_payload_regime_in_sql_is_the_python(cases: list[tuple[object, ...]]) -> None:
    con = _macros()
    op, pe, ap, inc, launch_class, succeeded = (list(c) for c in zip(*cases, strict=True))
    got = con.execute(
        """SELECT r.regime, r.source FROM (
               SELECT payload_regime(o, classify_orbit(p, a, i), a, i, c, s) AS r FROM (
                   SELECT unnest(?::VARCHAR[]) AS o, unnest(?::DOUBLE[]) AS p,
                          unnest(?::DOUBLE[]) AS a, unnest(?::DOUBLE[]) AS i,
                          unnest(?::VARCHAR[]) AS c, unnest(?::BOOLEAN[]) AS s))""",
        [[regimes.regime_from_op_orbit(code) for code in op], pe, ap, inc, launch_class, succeeded],  # type: ignore[arg-type]
    ).fetchall()
    assert got == [regimes.payload_regime(*case) for case in cases]  # type: ignore[arg-type]


def _raw_table(con: duckdb.DuckDBPyConnection, file: str, column: str, texts: list[str]) -> None:
    con.execute(f'CREATE TEMP TABLE raw_{file} (line INTEGER, "{column}" VARCHAR)')
    if texts:
        con.executemany(f"INSERT INTO raw_{file} VALUES (?, ?)", list(enumerate(texts, start=2)))


def _pandas_numbers(texts: list[str]) -> dict[str, tuple[float | None, bool]]:
    """A column's numbers and whether each is unreadable, as the catalog read them in pandas."""
    distinct = pd.Series(pd.Series(texts, dtype="object").unique(), dtype="object")
    stripped = distinct.astype(str).str.strip().str.strip("?~<>*")
    stripped = stripped.where(~stripped.isin(["", "-"]))
    numbers = pd.to_numeric(stripped, errors="coerce").astype("float64")
    unreadable = numbers.isna() & stripped.notna()
    return {
        text: (None if math.isnan(number) else float(number), bool(bad))
        for text, number, bad in zip(distinct, numbers, unreadable, strict=True)
    }


def _same(a: float | None, b: float | None) -> bool:
    """Equal to the bit: ``-0.0`` is not ``0.0``."""
    if a is None or b is None:
        return a is b
    return struct.pack("<d", a) == struct.pack("<d", b)


number_texts = st.one_of(
    st.from_regex(r"-?[0-9]{1,9}(\.[0-9]{1,9})?", fullmatch=True),
    st.from_regex(r"[?~<>*]{0,2}-?[0-9]{1,20}(\.[0-9]{0,20})?[?~<>*]{0,2}", fullmatch=True),
    st.floats(allow_nan=True).map(repr),
    st.sampled_from(["-0", "-0.0", "-00", "0", "nan", "inf", "-inf", "1e5", "1_0", "?", "-?"]),
    st.sampled_from(["12 ?", "? 12", "+5", ".5", "5.", "0x1", "١٢", "1,5", "--1", "1.2.3"]),
    st.text(max_size=6),
)


@settings(max_examples=200)
@given(st.lists(number_texts, min_size=1, max_size=30))
def test_numbers_read_in_sql_are_pandas_numbers(generated: list[str]) -> None:
    texts = [t for t in map(_cleaned, generated) if t is not None]
    con = duckdb.connect()
    _raw_table(con, "psatcat", "DispPeri", texts)
    payload_facts._read_numbers(con, [("psatcat", "DispPeri")])
    got = {
        text: (number, bad)
        for text, number, bad in con.execute(
            "SELECT text, number, bad FROM number_texts"
        ).fetchall()
    }
    expected = _pandas_numbers(texts)
    assert got.keys() == expected.keys()
    for text, (number, bad) in expected.items():
        assert bad == got[text][1] and _same(number, got[text][0]), (
            text,
            got[text],
            expected[text],
        )


day_texts = st.one_of(
    st.builds(
        lambda year, month, day, time, doubt: f"{year}{month}{day}{time}{doubt}",
        st.one_of(st.integers(0, 2100).map(lambda y: f"{y:04d}"), st.integers(1, 999).map(str)),
        st.sampled_from(["", " Jan", " Feb", " Dec", "  Sep", " Foo", " jan", " May "]),
        st.sampled_from(["", " 1", "  7", " 29", " 30", " 31", " 00", " 32", " 7 ", " 1?"]),
        st.sampled_from(
            [
                "",
                " 1952",
                " 2359",
                " 2400",
                " 1260",
                " 0000:59",
                " 1230:60",
                " 0446:03.5",
                " 1200h",
                " 12",
                " 1952?",
            ]
        ),
        st.sampled_from(["", "?", " ?", "??"]),
    ),
    st.integers(1, 209).map(lambda d: f"{d * 10}s"),
    st.sampled_from(["*", "-", "?", "*?", "1970s?", "1957 Oct  4 1928:34", "2020-01-01"]),
    st.text(max_size=8),
)


@settings(max_examples=200)
@given(st.lists(day_texts, min_size=1, max_size=30))
def test_days_read_in_sql_are_the_python_days(generated: list[str]) -> None:
    texts = [t for t in map(_cleaned, generated) if t is not None]
    con = duckdb.connect()
    _raw_table(con, "auxcat", "DDate", texts)
    payload_facts._read_days(con, [("auxcat", "DDate")])
    got = dict(
        (text, (day, error))
        for text, day, error in con.execute("SELECT text, day, error FROM day_texts").fetchall()
    )
    # the catalog's Python reading, what SQL leaves to it: parse_period_bound of the stripped text
    assert got == {text: payload_facts._python_day(text) for text in texts}


def test_a_payload_takes_its_first_psatcat_row_and_keeps_a_negative_zero(tmp_path: Path) -> None:
    # DuckDB's window functions drop the sign of a -0.0 in the rows they carry: the first
    # row of each object is found without one, so values stay as GCAT wrote them.
    source = write_mini_gcat(
        tmp_path, [launch_row("2020-001", "2020 Jan  7", "GIK-5", jcat="S50001")]
    )
    rows = [
        {"JCAT": "S50001", "Name": "First", "DispPeri": "400", "DispApo": "410", "DispInc": "-0.0"},
        {"JCAT": "S50001", "Name": "Second", "DispPeri": "500", "DispApo": "510", "DispInc": "9"},
    ]
    (source / "tsv/cat/psatcat.tsv").write_text(tsv(PSATCAT_COLUMNS, rows), encoding="utf-8")
    paths = {name: source / rel for name, rel in REQUIRED_FILES.items()}
    with duckdb.connect() as con:
        ingest_sources(con, read_tables(paths))
        payload = con.execute("SELECT * FROM built_payloads").df().iloc[0]
    assert payload["psat_name"] == "First" and payload["perigee_km"] == 400.0
    assert payload["disp_inc_deg"] == 0.0 and math.copysign(1.0, payload["disp_inc_deg"]) == -1.0


def _cleaned(field: str) -> str | None:
    """A field as the reader gives it: control characters out, stripped, ``-`` none."""
    value = without_control(field)
    return None if value in ("", "-") else value


def test_unreadable_numbers_and_dates_of_the_facts_are_quarantined_with_their_field(
    tmp_path: Path,
) -> None:
    source = write_mini_gcat(
        tmp_path, [launch_row("2020-001", "2020 Jan  7", "GIK-5", jcat="S50001")]
    )
    rows = [{"JCAT": "S50001", "Name": "First", "DispPeri": "low", "DispEpoch": "2020 Foo"}]
    (source / "tsv/cat/psatcat.tsv").write_text(tsv(PSATCAT_COLUMNS, rows), encoding="utf-8")
    with duckdb.connect() as con:
        ingest_sources(con, read_tables({n: source / rel for n, rel in REQUIRED_FILES.items()}))
        found = con.execute(
            "SELECT file, line, reason FROM issues WHERE file = 'psatcat.tsv' ORDER BY reason"
        ).fetchall()
        payload = con.execute("SELECT disp_perigee_km, disp_epoch FROM built_payloads").fetchone()
    assert found == [
        ("psatcat.tsv", 3, "bad date in DispEpoch: cannot read date '2020 Foo': expected a GCAT "
         "date such as '1957 Oct  4 1928:34', '1957 Oct  4' or '1957 Oct'"),
        ("psatcat.tsv", 3, "bad number in DispPeri: 'low'"),
    ]  # fmt: skip
    assert payload == (None, None)
