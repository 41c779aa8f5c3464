"""Element-set parsing: TLE/3LE, Alpha-5, OMM JSON/CSV/XML, errors, lenient mode."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from sgp4.api import WGS72, Satrec
from sgp4.exporter import export_omm, export_tle
from sgp4.io import compute_checksum, fix_checksum

from cosmodrome.astro.elements import (
    LINE1_TEMPLATE,
    LINE2_TEMPLATE,
    ElementSetError,
    EpochGapError,
    detect_format,
    epoch_warnings,
    latest_by_norad,
    load_elements,
    parse_omm_csv,
    parse_omm_json,
    parse_omm_xml,
    parse_text,
    parse_tle,
    tle_checksum,
)
from cosmodrome.errors import InputError
from tests.conftest import SHARED_DATA

# ISS element set as published by CelesTrak on 2023-11-29 (epoch 2023-11-29 21:59:18 UTC);
# checksums verified, RAAN consistent with neighbouring published sets of Nov 2023.
ISS_NAME = "ISS (ZARYA)"
ISS_L1 = "1 25544U 98067A   23333.91619101  .00024169  00000+0  43094-3 0  9996"
ISS_L2 = "2 25544  51.6417 227.6788 0001060 344.9414 118.7978 15.49949661427493"
# Vanguard 1, the test set shipped with python-sgp4 and Vallado's verification file.
VANGUARD_L1 = "1 00005U 58002B   00179.78495062  .00000023  00000-0  28098-4 0  4753"
VANGUARD_L2 = "2 00005  34.2682 348.7242 1859667 331.7664  19.3264 10.82419157413667"

MICROSECOND_DAYS = 1e-6 / 86400.0


def test_three_line_set_with_name() -> None:
    result = parse_text(f"{ISS_NAME}\n{ISS_L1}\n{ISS_L2}\n", source="iss.tle")
    [iss] = result.records
    assert (iss.norad_id, iss.name, iss.source, iss.line_number) == (25544, ISS_NAME, "iss.tle", 2)
    assert iss.epoch_utc == datetime(2023, 11, 29, 21, 59, 18, 903264, tzinfo=UTC)
    assert iss.inclination_deg == pytest.approx(51.6417, abs=1e-9)
    assert iss.raan_deg == pytest.approx(227.6788, abs=1e-9)
    assert iss.mean_motion_rev_day == pytest.approx(15.49949661, abs=1e-8)
    assert iss.format == "tle"


def test_two_line_sets_and_space_track_zero_names() -> None:
    text = f"{VANGUARD_L1}\n{VANGUARD_L2}\n\n0 ISS (ZARYA)\n{ISS_L1}\n{ISS_L2}\n"
    result = parse_tle(text)
    assert [(r.norad_id, r.name) for r in result] == [(5, "5"), (25544, ISS_NAME)]
    assert [r.line_number for r in result] == [1, 5]


def test_satrec_is_sgp4s_own() -> None:
    [iss] = parse_tle([ISS_L1, ISS_L2]).records
    reference = Satrec.twoline2rv(ISS_L1, ISS_L2, WGS72)
    e1, r1, v1 = iss.satrec.sgp4(2460280.5, 0.25)
    e2, r2, v2 = reference.sgp4(2460280.5, 0.25)
    assert e1 == e2 == 0
    assert r1 == r2 and v1 == v2  # bit for bit


def test_alpha5_catalog_number() -> None:
    line1 = fix_checksum("1 A0001" + ISS_L1[7:68])
    line2 = fix_checksum("2 A0001" + ISS_L2[7:68])
    [record] = parse_tle([line1, line2]).records
    assert record.norad_id == 100001
    z1 = fix_checksum("1 Z9999" + ISS_L1[7:68])
    z2 = fix_checksum("2 Z9999" + ISS_L2[7:68])
    assert parse_tle([z1, z2]).records[0].norad_id == 339999


def test_alpha5_rejects_i_and_o() -> None:
    line1 = fix_checksum("1 I0001" + ISS_L1[7:68])
    line2 = fix_checksum("2 I0001" + ISS_L2[7:68])
    with pytest.raises(ElementSetError, match="column 3"):
        parse_tle([line1, line2])


def test_bad_checksum_names_file_line_and_shows_template() -> None:
    bad = ISS_L2[:68] + str((int(ISS_L2[68]) + 1) % 10)
    with pytest.raises(ElementSetError) as caught:
        parse_tle(f"{ISS_NAME}\n{ISS_L1}\n{bad}\n", source="stations.tle")
    error = caught.value
    assert (error.source, error.line_number) == ("stations.tle", 3)
    text = str(error)
    assert text.startswith("stations.tle, line 3: checksum")
    assert LINE2_TEMPLATE in text and bad in text
    assert text.index(LINE2_TEMPLATE) < text.index(bad)  # template above the line, as python-sgp4


def test_lenient_keeps_bad_checksum_with_warning() -> None:
    bad = ISS_L1[:68] + str((int(ISS_L1[68]) + 3) % 10)
    result = parse_tle([ISS_NAME, bad, ISS_L2], source="x.tle", lenient=True)
    assert len(result.records) == 1
    [warning] = result.warnings
    assert warning.kept and warning.line_number == 2 and "checksum" in warning.reason
    assert "(kept)" in str(warning)


@pytest.mark.parametrize(
    ("line1", "reason"),
    [
        (ISS_L1[:23] + "x" + ISS_L1[24:], "column 24: expected '.'"),
        (ISS_L1[:-1], "expected 69 columns, found 68"),
        (ISS_L1[:20] + "Q" + ISS_L1[21:], "column 21: expected a digit"),
    ],
)
def test_malformed_line_one(line1: str, reason: str) -> None:
    with pytest.raises(ElementSetError) as caught:
        parse_tle([ISS_NAME, line1, ISS_L2], source="f.tle")
    assert reason in str(caught.value)
    assert LINE1_TEMPLATE in str(caught.value)
    assert caught.value.line_number == 2


def test_structure_errors_and_lenient_skips() -> None:
    with pytest.raises(ElementSetError, match="line 1 is not followed by its line 2"):
        parse_tle([ISS_L1, ISS_NAME])
    with pytest.raises(ElementSetError, match="line 2 without a line 1"):
        parse_tle([ISS_L2])
    mismatch = fix_checksum("2 25545" + ISS_L2[7:68])
    with pytest.raises(ElementSetError, match="catalog number"):
        parse_tle([ISS_L1, mismatch])
    result = parse_tle([ISS_L2, ISS_NAME, ISS_L1, ISS_L2, "DANGLING NAME"], lenient=True)
    assert [r.norad_id for r in result] == [25544]
    assert [w.kept for w in result.warnings] == [False, False]


def test_impossible_elements_are_refused() -> None:
    line2 = fix_checksum(ISS_L2[:26] + "9999999" + ISS_L2[33:68])  # eccentricity 0.9999999
    line2 = fix_checksum(line2[:52] + " 0.10000000" + line2[63:68])  # and a tiny mean motion
    with pytest.raises(ElementSetError, match="SGP4 cannot use"):
        parse_tle([ISS_L1, line2])


def _omm_fields() -> dict[str, object]:
    sat = Satrec.twoline2rv(ISS_L1, ISS_L2, WGS72)
    fields: dict[str, object] = dict(export_omm(sat, ISS_NAME))
    return fields


def test_omm_json_csv_xml_agree_with_tle() -> None:
    [tle] = parse_tle([ISS_NAME, ISS_L1, ISS_L2]).records
    fields = _omm_fields()
    from_json = parse_omm_json(json.dumps([fields], indent=2), source="s.json").records[0]
    header = ",".join(fields)
    row = ",".join(str(v) for v in fields.values())
    from_csv = parse_omm_csv(f"{header}\n{row}\n", source="s.csv").records[0]
    from_xml = parse_omm_xml(_omm_xml(fields), source="s.xml").records[0]
    for record in (from_json, from_csv, from_xml):
        assert record.norad_id == 25544 and record.name == ISS_NAME
        assert abs((record.epoch_utc - tle.epoch_utc).total_seconds()) < 1e-3
        _, r1, _ = record.satrec.sgp4(2460280.5, 0.25)
        _, r2, _ = tle.satrec.sgp4(2460280.5, 0.25)
        assert np.linalg.norm(np.subtract(r1, r2)) < 0.001  # km: agree to a metre
    assert from_json.line_number == 2 and from_csv.line_number == 2
    assert detect_format(json.dumps([fields])) == "json"
    assert detect_format(f"{header}\n{row}") == "csv"
    assert detect_format(_omm_xml(fields)) == "xml"


def _omm_xml(fields: dict[str, object]) -> str:
    meta = (
        "OBJECT_NAME",
        "OBJECT_ID",
        "CENTER_NAME",
        "REF_FRAME",
        "TIME_SYSTEM",
        "MEAN_ELEMENT_THEORY",
    )
    mean = ("EPOCH", "MEAN_MOTION", "ECCENTRICITY", "INCLINATION", "RA_OF_ASC_NODE",
            "ARG_OF_PERICENTER", "MEAN_ANOMALY")  # fmt: skip
    tle = ("EPHEMERIS_TYPE", "CLASSIFICATION_TYPE", "NORAD_CAT_ID", "ELEMENT_SET_NO",
           "REV_AT_EPOCH", "BSTAR", "MEAN_MOTION_DOT", "MEAN_MOTION_DDOT")  # fmt: skip

    def block(names: tuple[str, ...]) -> str:
        return "".join(f"<{n}>{fields.get(n, '')}</{n}>" for n in names)

    return (
        '<?xml version="1.0" encoding="UTF-8"?><ndm><omm><body><segment>'
        f"<metadata>{block(meta)}</metadata><data><meanElements>{block(mean)}</meanElements>"
        f"<tleParameters>{block(tle)}</tleParameters></data></segment></body></omm></ndm>"
    )


def test_nine_digit_catalog_number_via_omm() -> None:
    fields = _omm_fields()
    fields["NORAD_CAT_ID"] = 270000123
    [record] = parse_omm_json(json.dumps(fields)).records
    assert record.norad_id == 270000123
    e, r, _ = record.satrec.sgp4(2460280.5, 0.25)
    assert e == 0 and 6600 < np.linalg.norm(r) < 6900


def test_omm_missing_fields_and_bad_epoch() -> None:
    fields = _omm_fields()
    del fields["MEAN_MOTION"]
    with pytest.raises(ElementSetError, match="lacks MEAN_MOTION"):
        parse_omm_json(json.dumps([fields]), source="g.json")
    fields = _omm_fields()
    fields["EPOCH"] = "yesterday"
    result = parse_omm_json(json.dumps([fields, _omm_fields()]), lenient=True)
    assert len(result.records) == 1 and "EPOCH" in result.warnings[0].reason
    with pytest.raises(ElementSetError, match="not valid JSON"):
        parse_omm_json("[{")
    epochless = _omm_fields()
    epochless["EPOCH"] = "2023-11-29T21:59:18"  # no fraction: accepted
    assert parse_omm_json(json.dumps(epochless)).records[0].epoch_utc.second == 18


def test_latest_by_norad_keeps_newest() -> None:
    older = fix_checksum(ISS_L1[:18] + "23330.00000000" + ISS_L1[32:68])
    records = parse_tle([older, ISS_L2, ISS_L1, ISS_L2]).records
    [latest] = latest_by_norad(records)
    assert latest.epoch_utc.day == 29


def test_epoch_gap_refused_and_stale_warned() -> None:
    [iss] = parse_tle([ISS_NAME, ISS_L1, ISS_L2]).records
    assert epoch_warnings(iss, iss.epoch_utc + timedelta(days=2)) == []
    [warning] = epoch_warnings(iss, iss.epoch_utc + timedelta(days=10))
    assert "10.0 days old" in warning
    with pytest.raises(EpochGapError, match=r"years\)") as caught:
        epoch_warnings(iss, datetime(2025, 6, 1, tzinfo=UTC))
    assert isinstance(caught.value, InputError)
    assert "2023-11-29T21:59:18Z" in str(caught.value)


def test_missing_file_is_clear(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="not found"):
        load_elements(tmp_path / "nothing.tle")


# ----------------------------------------------------------------------- property tests


@given(st.text(alphabet="0123456789 -+.ABCU", min_size=68, max_size=68))
def test_checksum_matches_python_sgp4(body: str) -> None:
    assert tle_checksum(body + "0") == compute_checksum(body)


@given(st.integers(min_value=7, max_value=67), st.integers(min_value=1, max_value=9))
def test_changing_one_digit_breaks_the_checksum(column: int, bump: int) -> None:
    line = ISS_L2
    if not line[column].isdigit():
        return
    changed = line[:column] + str((int(line[column]) + bump) % 10) + line[column + 1 :]
    with pytest.raises(ElementSetError, match="checksum"):
        parse_tle([ISS_L1, changed])


elements = st.fixed_dictionaries(
    {
        # sgp4's exporter writes Alpha-5 numbers 18xxxx and 23xxxx with the letters I and O,
        # which the Alpha-5 scheme excludes (and our parser rightly rejects): skip them.
        "satnum": st.integers(min_value=1, max_value=339999).filter(
            lambda n: n // 10000 not in (18, 23)
        ),
        "epoch_days": st.floats(min_value=18000.0, max_value=27000.0),  # 1999..2023
        "ecco": st.floats(min_value=0.0, max_value=0.7),
        "argpo_deg": st.floats(min_value=0.0, max_value=359.9),
        "inclo_deg": st.floats(min_value=0.0, max_value=179.0),
        "mo_deg": st.floats(min_value=0.0, max_value=359.9),
        "rev_day": st.floats(min_value=1.0, max_value=16.5),
        "nodeo_deg": st.floats(min_value=0.0, max_value=359.9),
        "bstar": st.one_of(
            st.just(0.0),
            st.floats(min_value=1e-7, max_value=1e-3),
            st.floats(min_value=-1e-3, max_value=-1e-7),
        ),
    }
)


@settings(max_examples=60, deadline=None)
@given(elements)
def test_round_trip_export_then_parse(values: dict[str, float]) -> None:
    semi_major_axis_km = (398600.8 / (values["rev_day"] * 2 * np.pi / 86400.0) ** 2) ** (1 / 3)
    assume(semi_major_axis_km * (1.0 - values["ecco"]) > 6378.135 + 150.0)  # perigee in space
    sat = Satrec()
    sat.sgp4init(
        WGS72, "i", int(values["satnum"]), values["epoch_days"], values["bstar"], 0.0, 0.0,
        values["ecco"], np.radians(values["argpo_deg"]), np.radians(values["inclo_deg"]),
        np.radians(values["mo_deg"]), values["rev_day"] * 2 * np.pi / 1440.0,
        np.radians(values["nodeo_deg"]),
    )  # fmt: skip
    line1, line2 = export_tle(sat)
    [record] = parse_tle(["TEST SAT", line1, line2], source="<round trip>").records
    assert record.norad_id == int(values["satnum"])
    assert record.line1 == line1 and record.line2 == line2
    assert record.inclination_deg == pytest.approx(values["inclo_deg"], abs=5e-5)
    assert record.raan_deg == pytest.approx(values["nodeo_deg"], abs=5e-5)
    assert record.satrec.ecco == pytest.approx(values["ecco"], abs=5e-8)
    assert record.mean_motion_rev_day == pytest.approx(values["rev_day"], abs=1e-7)
    epoch_error_days = abs(
        (record.satrec.jdsatepoch + record.satrec.jdsatepochF) - (2433281.5 + values["epoch_days"])
    )
    assert epoch_error_days < 1e-8 + MICROSECOND_DAYS


# ---------------------------------------------------------------------- frozen mirror


@pytest.fixture(scope="module")
def celestrak() -> Path:
    folder = SHARED_DATA / "celestrak"
    if not (folder / "active-2025-10-03.tle").is_file():
        pytest.skip(f"frozen mirror not found at {folder} (place shared/ beside the project)")
    return folder


@pytest.mark.integration
def test_active_group_loads_whole(celestrak: Path) -> None:
    result = load_elements(celestrak / "active-2025-10-03.tle")
    assert len(result) == 12801 and not result.warnings
    iss = [r for r in result if r.norad_id == 25544]
    assert iss and iss[0].name == ISS_NAME
    starlink = [r for r in result if r.name.startswith("STARLINK")]
    assert len(starlink) > 8000
    errors, _, _ = result.satrec_array().sgp4(np.array([2460952.0]), np.array([0.0]))
    assert (errors == 0).mean() > 0.99
    epochs = [r.epoch_utc for r in result]
    assert min(epochs) >= datetime(2025, 9, 1, tzinfo=UTC)
    assert max(epochs) <= datetime(2025, 10, 5, tzinfo=UTC)


@pytest.mark.integration
def test_stations_omm_json(celestrak: Path) -> None:
    result = load_elements(celestrak / "stations-2025-05-24.omm.json")
    assert len(result) == 13
    iss = next(r for r in result if r.norad_id == 25544)
    assert iss.epoch_utc == datetime(2025, 5, 24, 20, 37, 27, 97824, tzinfo=UTC)
    assert iss.inclination_deg == pytest.approx(51.636)
