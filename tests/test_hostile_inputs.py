"""Hostile inputs get the project's own one-line errors, never a traceback.

Element sets: impossible values (NaN, infinite, negative mean motion, out-of-range catalog
numbers) are refused before they reach SGP4; structurally hostile files (a non-ASCII digit,
JSON nested 200,000 deep, a CSV field longer than the csv module allows) are errors with the
file and line. The GCAT, TLE and OMM readers are fuzzed: nothing but
:class:`~cosmodrome.errors.CosmodromeError` may come out of them.
"""

from __future__ import annotations

import contextlib
import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cosmodrome.astro.elements import (
    ElementSetError,
    element_value_problem,
    parse_catalog_number,
    parse_omm_csv,
    parse_omm_json,
    parse_omm_xml,
    parse_text,
    parse_tle,
)
from cosmodrome.catalog.gcat import GcatFileError, read_table
from cosmodrome.errors import CosmodromeError
from tests.conftest import CliRunner
from tests.gcat_factory import LAUNCHLOG_COLUMNS, rows_of

# ISS, from python-sgp4's documentation (also in the elements module's doctest).
LINE1 = "1 25544U 98067A   23333.91619101  .00024169  00000+0  43094-3 0  9996"
LINE2 = "2 25544  51.6417 227.6788 0001060 344.9414 118.7978 15.49949661427493"
OMM = {
    "OBJECT_NAME": "ISS (ZARYA)",
    "OBJECT_ID": "1998-067A",
    "EPOCH": "2023-11-29T21:59:18.903264",
    "MEAN_MOTION": "15.49949661",
    "ECCENTRICITY": "0.000106",
    "INCLINATION": "51.6417",
    "RA_OF_ASC_NODE": "227.6788",
    "ARG_OF_PERICENTER": "344.9414",
    "MEAN_ANOMALY": "118.7978",
    "NORAD_CAT_ID": "25544",
    "BSTAR": "0.00043094",
    "MEAN_MOTION_DOT": "0.00024169",
    "MEAN_MOTION_DDOT": "0",
}


def omm_with(**changes: str) -> str:
    return json.dumps([{**OMM, **changes}])


@pytest.mark.parametrize(
    ("field", "value", "reason"),
    [
        ("MEAN_MOTION", "nan", "MEAN_MOTION is nan"),
        ("MEAN_MOTION", "inf", "MEAN_MOTION is inf"),
        ("MEAN_MOTION", "-15.5", "MEAN_MOTION -15.5 is outside"),
        ("MEAN_MOTION", "0", "MEAN_MOTION 0 is outside"),
        ("ECCENTRICITY", "nan", "ECCENTRICITY is nan"),
        ("ECCENTRICITY", "1.0", "ECCENTRICITY 1 is outside"),
        ("INCLINATION", "181", "INCLINATION 181 is outside"),
        ("BSTAR", "1e400", "BSTAR is inf"),
        ("BSTAR", "seven", "BSTAR 'seven' is not a number"),
        ("NORAD_CAT_ID", "-1", "NORAD_CAT_ID '-1' is not a catalog number"),
        ("NORAD_CAT_ID", "0", "catalog number 0 is outside"),
        ("NORAD_CAT_ID", str(10**26), "is not a catalog number"),
        ("NORAD_CAT_ID", "1000000000", "is not a catalog number"),
    ],
)
def test_impossible_omm_values_are_refused_with_line_and_reason(
    field: str, value: str, reason: str
) -> None:
    with pytest.raises(ElementSetError, match=r"^f\.json, line 1: OMM entry: ") as caught:
        parse_omm_json(omm_with(**{field: value}), source="f.json")
    assert reason in str(caught.value)


@pytest.mark.parametrize(
    ("text", "number"),
    [("25544", 25544), ("A0001", 100001), ("Z9999", 339999), ("999999999", 999_999_999)],
)
def test_alpha5_and_nine_digit_catalog_numbers_are_accepted(text: str, number: int) -> None:
    assert parse_catalog_number(text) == number
    assert parse_omm_json(omm_with(NORAD_CAT_ID=text)).records[0].norad_id == number


def test_a_tle_with_catalog_number_zero_is_refused() -> None:
    line1 = LINE1.replace("25544U", "00000U")
    line2 = LINE2.replace("2 25544", "2 00000")
    with pytest.raises(ElementSetError, match="catalog number 0 is outside"):
        parse_tle(f"{line1}\n{line2}")


def test_a_superscript_two_as_checksum_is_a_column_error() -> None:
    with pytest.raises(ElementSetError, match="line 1: column 69: expected a digit, found '²'"):
        parse_tle(f"{LINE1[:68]}²\n{LINE2}", source="t.tle")


def test_json_nested_200000_deep_is_an_error() -> None:
    with pytest.raises(ElementSetError, match="line 1: JSON nested too deeply"):
        parse_text("[" * 200_000 + "]" * 200_000)


def test_a_csv_field_beyond_the_csv_limit_is_an_error_with_its_line() -> None:
    text = "NORAD_CAT_ID,EPOCH\n25544," + "x" * 140_000 + "\n"
    with pytest.raises(ElementSetError, match=r"c\.csv, line 2: not valid OMM CSV: field larger"):
        parse_omm_csv(text, source="c.csv")


def test_every_value_of_real_sets_passes_validation() -> None:
    """The bounds are loose enough for real sets (ISS) and tight enough for garbage."""
    assert element_value_problem({"MEAN_MOTION": 15.5, "BSTAR": 4.3e-4}) is None


@pytest.mark.parametrize("command", ["where", "passes"])
def test_cli_with_an_impossible_element_file_exits_1_with_one_line(
    command: str, tmp_path: Path, cosmodrome: CliRunner
) -> None:
    path = tmp_path / "nan.json"
    path.write_text(omm_with(MEAN_MOTION="nan"))
    args = {
        "where": ["where", "--tle", str(path), "--time", "2023-11-30T00:00Z"],
        "passes": ["passes", "--tle", str(path), "--at", "Almaty", "--start", "2023-11-30"],
    }[command]
    result = cosmodrome(tmp_path / "home", *args)
    assert result.returncode == 1, result.stdout
    assert "Traceback" not in result.stderr
    assert "MEAN_MOTION is nan" in " ".join(result.stderr.split())


# ----------------------------------------------------------------------------- fuzzing

FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
tle_like = st.text(alphabet=st.sampled_from("0123456789 .+-ABCUZ²\n12"), max_size=300)


@FUZZ
@given(tle_like)
def test_tle_reader_raises_only_its_own_errors(text: str) -> None:
    with contextlib.suppress(CosmodromeError):
        parse_tle(text)


@FUZZ
@given(st.integers(0, 68), st.characters())
def test_one_character_changed_in_a_tle_is_read_or_refused(column: int, char: str) -> None:
    line1 = LINE1[:column] + char + LINE1[column + 1 :]
    try:
        result = parse_tle(f"{line1}\n{LINE2}", lenient=True)
    except CosmodromeError:
        return
    for record in result:
        assert element_value_problem({"MEAN_MOTION": record.mean_motion_rev_day}) is None


json_values = st.recursive(
    st.none() | st.booleans() | st.floats() | st.text(max_size=20) | st.integers(),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=4)
    ),
    max_leaves=20,
)


@FUZZ
@given(st.dictionaries(st.sampled_from(list(OMM)), json_values, max_size=len(OMM)))
def test_omm_json_reader_raises_only_its_own_errors(changes: dict[str, object]) -> None:
    try:
        result = parse_omm_json(json.dumps([{**OMM, **changes}]))
    except CosmodromeError:
        return
    for record in result:
        assert record.satrec.error == 0


@FUZZ
@given(st.text(max_size=400))
def test_omm_text_readers_raise_only_their_own_errors(text: str) -> None:
    for parse in (parse_omm_json, parse_omm_csv, parse_omm_xml, parse_text):
        with contextlib.suppress(CosmodromeError):
            parse(text)


@FUZZ
@given(
    st.lists(st.text(alphabet=st.characters(blacklist_characters="\r\n"), max_size=60), max_size=6),
    st.booleans(),
    st.booleans(),
)
def test_gcat_reader_raises_only_its_own_errors(
    lines: list[str], with_header: bool, final_newline: bool
) -> None:
    header = ["#" + "\t".join(LAUNCHLOG_COLUMNS)] if with_header else []
    text = "\n".join(header + lines) + ("\n" if final_newline else "")
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "launchlog.tsv"
        path.write_text(text, encoding="utf-8", errors="surrogatepass")
        try:
            table = read_table(path, required=LAUNCHLOG_COLUMNS)
        except GcatFileError:
            return
        rows = rows_of(table)
    assert len(rows) == table.rows
    assert all(list(row) == LAUNCHLOG_COLUMNS for _line, row in rows)


#: What a GCAT field may be turned into: numbers and dates half-written, flags, scripts
#: whose digits int() reads or refuses, padding str.strip() removes and DuckDB keeps.
HOSTILE_FIELD = st.text(
    alphabet=st.sampled_from("0123456789²٣-?~*<>. eE+infaNOct/#\"'\\\u00a0\u2028\x85\x00é"),
    max_size=14,
)
GCAT_FILES = (
    "tsv/derived/launchlog.tsv",
    "tsv/tables/sites.tsv",
    "tsv/tables/orgs.tsv",
    "tsv/tables/lv.tsv",
    "tsv/cat/psatcat.tsv",
    "tsv/cat/auxcat.tsv",
)


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.sampled_from(GCAT_FILES),
    st.integers(0, 1_000),
    st.integers(0, 1_000),
    HOSTILE_FIELD,
)
def test_any_one_field_changed_installs_or_refuses_with_an_explanation(
    file: str, row: int, column: int, value: str
) -> None:
    """Whatever one field of a source says, an update installs a catalog (the field
    quarantined where it cannot be read) or refuses with its own one-line error: it never
    stops on an exception the user cannot read."""
    import tempfile

    from cosmodrome.catalog.build import build_catalog
    from tests.gcat_factory import launch_row, write_mini_gcat

    with tempfile.TemporaryDirectory() as folder:
        launches = [launch_row(f"1990-{i:03d}", f"1990 Jan {i:2d}", "GIK-5") for i in range(1, 9)]
        source = write_mini_gcat(Path(folder) / "src", launches)
        path = source / file
        lines = path.read_text(encoding="utf-8").split("\n")
        data = [i for i, line in enumerate(lines) if line and not line.startswith("#")]
        index = data[row % len(data)]
        fields = lines[index].split("\t")
        fields[column % len(fields)] = value
        lines[index] = "\t".join(fields)
        path.write_text("\n".join(lines), encoding="utf-8")
        with contextlib.suppress(CosmodromeError):
            build_catalog(str(source), Path(folder) / "home")
