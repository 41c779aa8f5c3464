"""Read orbital element sets: TLE (2- and 3-line) and OMM (CelesTrak JSON, CSV and XML).

Every element set becomes an :class:`ElementSet` that remembers where it came from (file and
line) and carries a ready-to-propagate :class:`sgp4.api.Satrec`, built by python-sgp4's own
``Satrec.twoline2rv`` (TLE) or :func:`sgp4.omm.initialize` (OMM)::

    >>> from cosmodrome.astro.elements import parse_text
    >>> result = parse_text('''ISS (ZARYA)
    ... 1 25544U 98067A   23333.91619101  .00024169  00000+0  43094-3 0  9996
    ... 2 25544  51.6417 227.6788 0001060 344.9414 118.7978 15.49949661427493''')
    >>> iss = result.records[0]
    >>> iss.norad_id, iss.name, iss.epoch_utc.isoformat(timespec="seconds")
    (25544, 'ISS (ZARYA)', '2023-11-29T21:59:18+00:00')

A malformed line raises :class:`ElementSetError`, which names the file, the line number and
the reason, and shows the expected column template above the offending line (as python-sgp4
does). With ``lenient=True`` a bad checksum is kept and unreadable sets are skipped, each with
an entry in :attr:`ParseResult.warnings`.

Catalog numbers: TLEs hold five digits or Alpha-5 (``A0001`` = 100001 ... ``Z9999`` =
339999); larger (9-digit) numbers only fit OMM, whose ``NORAD_CAT_ID`` is kept as given.
"""

from __future__ import annotations

import calendar
import csv
import io
import json
import math
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sgp4 import omm as sgp4_omm
from sgp4.alpha5 import from_alpha5
from sgp4.api import WGS72, Satrec, SatrecArray

from cosmodrome.errors import InputError
from cosmodrome.text import without_control

__all__ = [
    "ELEMENT_RANGES",
    "LINE1_TEMPLATE",
    "LINE2_TEMPLATE",
    "MAX_CATALOG_NUMBER",
    "MAX_EPOCH_GAP_DAYS",
    "STALE_AFTER_DAYS",
    "ElementSet",
    "ElementSetError",
    "EpochGapError",
    "ParseIssue",
    "ParseResult",
    "catalog_number_problem",
    "detect_format",
    "element_value_problem",
    "epoch_warnings",
    "latest_by_norad",
    "load_elements",
    "parse_catalog_number",
    "parse_omm_csv",
    "parse_omm_json",
    "parse_omm_records",
    "parse_omm_xml",
    "parse_text",
    "parse_tle",
    "propagation_failure",
    "satrec_epoch_utc",
    "tle_checksum",
]

#: Column templates of the two TLE lines, as printed by python-sgp4 (``N`` = a digit).
LINE1_TEMPLATE = "1 NNNNNC NNNNNAAA NNNNN.NNNNNNNN +.NNNNNNNN +NNNNN-N +NNNNN-N N NNNNN"
LINE2_TEMPLATE = "2 NNNNN NNN.NNNN NNN.NNNN NNNNNNN NNN.NNNN NNN.NNNN NN.NNNNNNNNNNNNNN"

_J2000_UTC = datetime(2000, 1, 1, 12, tzinfo=UTC)
_DIGITS = frozenset("0123456789")
_ALPHA5_FIRST = set("0123456789ABCDEFGHJKLMNPQRSTUVWXYZ ")
_OMM_REQUIRED = (
    "EPOCH",
    "MEAN_MOTION",
    "ECCENTRICITY",
    "INCLINATION",
    "RA_OF_ASC_NODE",
    "ARG_OF_PERICENTER",
    "MEAN_ANOMALY",
    "NORAD_CAT_ID",
    "BSTAR",
)
_OMM_DEFAULTS = {
    "CLASSIFICATION_TYPE": "U",
    "OBJECT_ID": "",
    "EPHEMERIS_TYPE": "0",
    "ELEMENT_SET_NO": "999",
    "REV_AT_EPOCH": "0",
    "MEAN_MOTION_DOT": "0",
    "MEAN_MOTION_DDOT": "0",
}
_MAX_SGP4_SATNUM = 339999


class ElementSetError(InputError):
    """An element set that cannot be read; names the source, the line and the reason."""

    def __init__(
        self,
        source: str,
        line_number: int,
        reason: str,
        line: str | None = None,
        template: str | None = None,
    ) -> None:
        self.source = source
        self.line_number = line_number
        self.reason = reason
        self.line = line
        message = f"{source}, line {line_number}: {reason}"
        if line is not None and template is not None:
            message += (
                "\nThe TLE format is strict about the column of every digit, period and space."
                " Expected (N = digit), then the line given:\n"
                f"{template}\n{line}"
            )
        super().__init__(message)


@dataclass(frozen=True)
class ParseIssue:
    """A problem kept as a warning in lenient mode."""

    source: str
    line_number: int
    reason: str
    kept: bool

    def __str__(self) -> str:
        action = "kept" if self.kept else "skipped"
        return f"{self.source}, line {self.line_number}: {self.reason} ({action})"


@dataclass(frozen=True, eq=False)
class ElementSet:
    """One element set: identity, epoch, provenance and its SGP4 state.

    ``line_number`` is the 1-based line of the set in its source (the TLE line 1, or the
    line/record number of an OMM entry). ``line1``/``line2`` hold the TLE text when the set
    came from a TLE; ``omm`` holds the OMM fields when it came from OMM.
    """

    norad_id: int
    name: str
    epoch_utc: datetime
    source: str
    line_number: int
    satrec: Satrec
    line1: str | None = None
    line2: str | None = None
    omm: Mapping[str, str] | None = None

    @property
    def inclination_deg(self) -> float:
        return float(math.degrees(self.satrec.inclo))

    @property
    def raan_deg(self) -> float:
        """Right ascension of the ascending node at epoch (TEME), degrees."""
        return float(math.degrees(self.satrec.nodeo))

    @property
    def mean_motion_rev_day(self) -> float:
        return float(self.satrec.no_kozai * 1440.0 / (2.0 * math.pi))

    @property
    def format(self) -> str:
        return "tle" if self.line1 is not None else "omm"

    def age_days(self, when_utc: datetime) -> float:
        """Days from the epoch to ``when_utc`` (negative: ``when_utc`` is before the epoch)."""
        return (when_utc - self.epoch_utc).total_seconds() / 86400.0


@dataclass
class ParseResult:
    """The element sets read from one source, and the warnings of lenient mode."""

    records: list[ElementSet] = field(default_factory=list)
    warnings: list[ParseIssue] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.records)

    def __iter__(self) -> Iterator[ElementSet]:
        return iter(self.records)

    def satrecs(self) -> list[Satrec]:
        return [record.satrec for record in self.records]

    def satrec_array(self) -> SatrecArray:
        """All sets as one :class:`sgp4.api.SatrecArray`, for vectorised propagation."""
        return SatrecArray(self.satrecs())

    def extend(self, other: ParseResult) -> None:
        self.records.extend(other.records)
        self.warnings.extend(other.warnings)


def satrec_epoch_utc(satrec: Satrec) -> datetime:
    """The epoch of ``satrec`` as a timezone-aware UTC datetime (microsecond precision)."""
    days = (satrec.jdsatepoch - 2451545.0) + satrec.jdsatepochF
    return _J2000_UTC + timedelta(microseconds=round(days * 86_400_000_000))


# --------------------------------------------------------------------------------- files


def load_elements(path: str | Path, *, lenient: bool = False) -> ParseResult:
    """Read every element set in the file at ``path`` (TLE, 3LE, or OMM JSON/CSV/XML).

    The format is recognised from the content. Reading the 12,800 sets of CelesTrak's
    ``active`` group takes well under a second.
    """
    file = Path(path).expanduser()
    try:
        text = file.read_text("utf-8-sig")
    except FileNotFoundError:
        raise InputError(f"element file {str(file)!r} not found") from None
    except UnicodeDecodeError as error:
        raise InputError(f"{file}: not a text file of element sets ({error.reason})") from None
    return parse_text(text, source=str(file), lenient=lenient)


def parse_text(text: str, *, source: str = "<text>", lenient: bool = False) -> ParseResult:
    """Parse ``text`` in whichever element-set format it is written."""
    kind = detect_format(text)
    if kind == "json":
        return parse_omm_json(text, source=source, lenient=lenient)
    if kind == "xml":
        return parse_omm_xml(text, source=source, lenient=lenient)
    if kind == "csv":
        return parse_omm_csv(text, source=source, lenient=lenient)
    return parse_tle(text, source=source, lenient=lenient)


def detect_format(text: str) -> str:
    """``json``, ``xml``, ``csv`` (OMM) or ``tle``, from the first non-blank characters."""
    head = text.lstrip()[:2000]
    if head.startswith(("[", "{")):
        return "json"
    if head.startswith("<"):
        return "xml"
    first_line = head.split("\n", 1)[0]
    if "NORAD_CAT_ID" in first_line and "," in first_line:
        return "csv"
    return "tle"


# ----------------------------------------------------------------------------------- TLE


def parse_tle(
    text: str | Iterable[str], *, source: str = "<text>", lenient: bool = False
) -> ParseResult:
    """Parse 2-line or 3-line element sets (names optional, ``0 NAME`` accepted)."""
    lines = text.splitlines() if isinstance(text, str) else [line.rstrip("\r\n") for line in text]
    result = ParseResult()
    name = ""
    index = 0
    count = len(lines)
    while index < count:
        raw = lines[index].rstrip()
        number = index + 1
        index += 1
        if not raw.strip():
            continue
        if raw.startswith("1 ") and len(raw) > 60:
            line2 = lines[index].rstrip() if index < count else ""
            if not line2.startswith("2 "):
                _problem(
                    result,
                    lenient,
                    source,
                    number,
                    "TLE line 1 is not followed by its line 2",
                    raw,
                    None,
                )
                name = ""
                continue
            index += 1
            record = _tle_record(result, lenient, name, raw, line2, source, number)
            if record is not None:
                result.records.append(record)
            name = ""
        elif raw.startswith("2 ") and len(raw) > 60:
            _problem(
                result, lenient, source, number, "TLE line 2 without a line 1 before it", raw, None
            )
            name = ""
        else:
            if name:
                _problem(
                    result,
                    lenient,
                    source,
                    number - 1,
                    f"name {name!r} is not followed by a TLE",
                    None,
                    None,
                )
            name = without_control(raw[2:] if raw.startswith("0 ") else raw)
    if name:
        _problem(
            result, lenient, source, count, f"name {name!r} is not followed by a TLE", None, None
        )
    return result


def _tle_record(
    result: ParseResult, lenient: bool, name: str, line1: str, line2: str, source: str, number: int
) -> ElementSet | None:
    for offset, line, template in ((0, line1, LINE1_TEMPLATE), (1, line2, LINE2_TEMPLATE)):
        reason = _template_mismatch(line, template)
        if reason is not None:
            _problem(result, lenient, source, number + offset, reason, line, template)
            return None
    if line1[2:7] != line2[2:7]:
        reason = f"line 1 is for catalog number {line1[2:7]!r} but line 2 for {line2[2:7]!r}"
        _problem(result, lenient, source, number + 1, reason, line2, LINE2_TEMPLATE)
        return None
    for offset, line, template in ((0, line1, LINE1_TEMPLATE), (1, line2, LINE2_TEMPLATE)):
        computed = tle_checksum(line)
        if int(line[68]) != computed:
            reason = f"checksum: the line gives {line[68]} but its digits tally to {computed}"
            _problem(result, lenient, source, number + offset, reason, line, template, keep=True)
    day_problem = tle_epoch_day_problem(line1)
    if day_problem is not None:
        _problem(result, lenient, source, number, day_problem, line1, LINE1_TEMPLATE)
        return None
    satrec = Satrec.twoline2rv(line1, line2, WGS72)
    if satrec.error:
        _problem(
            result,
            lenient,
            source,
            number,
            f"SGP4 cannot use these elements: {_sgp4_error(satrec.error)}",
            line1,
            None,
        )
        return None
    norad_id = from_alpha5(line1[2:7].strip().zfill(5))
    problem = catalog_number_problem(norad_id) or element_value_problem(satrec_values(satrec))
    if problem is not None:
        _problem(result, lenient, source, number, problem, line1, None)
        return None
    return ElementSet(
        norad_id=norad_id,
        name=name or str(norad_id),
        epoch_utc=satrec_epoch_utc(satrec),
        source=source,
        line_number=number,
        satrec=satrec,
        line1=line1,
        line2=line2,
    )


def _template_regex(template: str) -> re.Pattern[str]:
    classes = {"N": "[0-9 ]", "A": "[A-Za-z0-9 ]", "C": "[A-Za-z ]", "+": "[ +-]", "-": "[+-]"}
    parts = [classes.get(char, re.escape(char)) for char in template]
    parts[2] = "[0-9A-HJ-NP-Z ]"  # Alpha-5: the first character of the catalog number
    parts[-1] = "[0-9]"  # the checksum
    if template.startswith("1"):
        parts[34] = "[. ]"
    return re.compile("".join(parts))


_LINE_REGEX = {
    LINE1_TEMPLATE: _template_regex(LINE1_TEMPLATE),
    LINE2_TEMPLATE: _template_regex(LINE2_TEMPLATE),
}
_CHECKSUM_VALUES = bytes(
    (ord(c) - 48 if c.isdigit() else 1 if c == "-" else 0) if c.isascii() else 0
    for c in map(chr, range(256))
)


def tle_checksum(line: str) -> int:
    """The checksum of a TLE line: digits of columns 1-68 summed, ``-`` counting 1, mod 10.

    >>> tle_checksum("1 00005U 58002B   00179.78495062  .00000023  00000-0  28098-4 0  4753")
    3
    """
    return sum(line[:68].encode("latin-1", "replace").translate(_CHECKSUM_VALUES)) % 10


def _template_mismatch(line: str, template: str) -> str | None:
    """Why ``line`` does not fit the column ``template``, or ``None`` when it does."""
    if _LINE_REGEX[template].fullmatch(line):
        return None
    if len(line) != len(template):
        return f"expected {len(template)} columns, found {len(line)}"
    for column, (char, expected) in enumerate(zip(line, template, strict=True), start=1):
        if expected == "N":
            ok = char in _DIGITS or (char == " " and column != len(template))
            if column == 3:  # first character of the catalog number may be an Alpha-5 letter
                ok = char in _ALPHA5_FIRST
            what = "a digit"
        elif expected == "A":
            ok = char.isascii() and (char.isalnum() or char == " ")
            what = "a letter, digit or space"
        elif expected == "C":
            ok = char.isascii() and (char.isalpha() or char == " ")
            what = "a classification letter (U, C or S)"
        elif expected == "+":
            ok = char in " +-"
            what = "a sign or a space"
        elif expected == "-":
            ok = char in "+-"
            what = "an exponent sign"
        elif expected == ".":
            ok = char == "." or (char == " " and template is LINE1_TEMPLATE and column == 35)
            what = "'.'"
        else:
            ok = char == expected
            what = repr(expected)
        if not ok:
            return f"column {column}: expected {what}, found {char!r}"
    return None


_SGP4_ERRORS = {
    1: "mean eccentricity is out of range 0 <= e < 1",
    2: "mean motion has fallen below zero",
    3: "perturbed eccentricity is out of range",
    4: "semi-latus rectum is below zero",
    6: "the orbit has decayed",
}


def _sgp4_error(code: int) -> str:
    return f"error {code} ({_SGP4_ERRORS.get(int(code), 'unknown')})"


def propagation_failure(code: int) -> str:
    """Plain words for an SGP4 error code met while propagating (1, 3, 4 and 6 mean decay).

    >>> propagation_failure(6)
    'the object has decayed (SGP4 error 6: the orbit has decayed)'
    """
    reason = _SGP4_ERRORS.get(int(code), "unknown")
    if int(code) in (1, 3, 4, 6):
        return f"the object has decayed (SGP4 error {int(code)}: {reason})"
    return f"SGP4 error {int(code)}: {reason}"


def _problem(
    result: ParseResult,
    lenient: bool,
    source: str,
    line_number: int,
    reason: str,
    line: str | None,
    template: str | None,
    *,
    keep: bool = False,
) -> None:
    if not lenient:
        raise ElementSetError(source, line_number, reason, line, template)
    result.warnings.append(ParseIssue(source, line_number, reason, kept=keep))


# ----------------------------------------------------------------------------------- OMM


def parse_omm_json(text: str, *, source: str = "<text>", lenient: bool = False) -> ParseResult:
    """Parse CelesTrak's OMM JSON (an array of objects, or one object)."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise ElementSetError(source, error.lineno, f"not valid JSON: {error.msg}") from None
    except RecursionError:
        raise ElementSetError(
            source, 1, "JSON nested too deeply to be OMM (OMM is an array of flat objects)"
        ) from None
    if isinstance(data, dict):
        data = [data]
    if not isinstance(data, list):
        raise ElementSetError(source, 1, "OMM JSON must be an array of objects")
    line_numbers = _json_object_lines(text, len(data))
    rows = ((line_numbers[i], row) for i, row in enumerate(data))
    return parse_omm_records(rows, source=source, lenient=lenient)


def _json_object_lines(text: str, count: int) -> list[int]:
    """The line on which each object of a pretty-printed JSON array starts.

    CelesTrak writes one ``{`` per line per object; for other layouts the record number
    stands in for the line number.
    """
    starts = [
        number
        for number, line in enumerate(text.splitlines(), start=1)
        if line.lstrip().startswith("{")
    ]
    return starts if len(starts) == count else list(range(1, count + 1))


def parse_omm_csv(text: str, *, source: str = "<text>", lenient: bool = False) -> ParseResult:
    """Parse OMM CSV (CelesTrak ``FORMAT=csv``: a header row of OMM field names)."""
    reader = csv.DictReader(io.StringIO(text))
    try:
        rows = [(reader.line_num, dict(row)) for row in reader]
    except csv.Error as error:
        raise ElementSetError(source, reader.line_num + 1, f"not valid OMM CSV: {error}") from None
    return parse_omm_records(rows, source=source, lenient=lenient)


def parse_omm_xml(text: str, *, source: str = "<text>", lenient: bool = False) -> ParseResult:
    """Parse CCSDS OMM XML (the ``<ndm><omm>...`` document CelesTrak serves)."""
    try:
        rows = list(sgp4_omm.parse_xml(io.StringIO(text)))
    except ET.ParseError as error:
        raise ElementSetError(source, error.position[0], f"not valid XML: {error}") from None
    except (AttributeError, TypeError):
        raise ElementSetError(
            source, 1, "XML is not an OMM document (segment/metadata/data missing)"
        ) from None
    except RecursionError:
        raise ElementSetError(source, 1, "XML nested too deeply to be an OMM document") from None
    return parse_omm_records(
        ((i + 1, row) for i, row in enumerate(rows)), source=source, lenient=lenient
    )


def parse_omm_records(
    rows: Iterable[tuple[int, Mapping[str, Any]]],
    *,
    source: str = "<records>",
    lenient: bool = False,
) -> ParseResult:
    """Build element sets from ``(line_number, OMM fields)`` pairs."""
    result = ParseResult()
    for number, row in rows:
        record = _omm_record(result, lenient, row, source, number)
        if record is not None:
            result.records.append(record)
    return result


def _omm_record(
    result: ParseResult, lenient: bool, row: Mapping[str, Any], source: str, number: int
) -> ElementSet | None:
    if not isinstance(row, Mapping):
        _problem(result, lenient, source, number, "OMM entry is not an object", None, None)
        return None
    fields = {str(k).strip(): ("" if v is None else str(v).strip()) for k, v in row.items()}
    missing = [name for name in _OMM_REQUIRED if not fields.get(name)]
    if missing:
        _problem(
            result, lenient, source, number, f"OMM entry lacks {', '.join(missing)}", None, None
        )
        return None
    for key, default in _OMM_DEFAULTS.items():
        if not fields.get(key):
            fields[key] = default
    try:
        norad_id = parse_catalog_number(fields["NORAD_CAT_ID"])
        epoch = _omm_epoch(fields["EPOCH"])
        problem = epoch_problem(epoch) or element_value_problem(omm_values(fields))
    except ValueError as error:
        _problem(result, lenient, source, number, f"OMM entry: {error}", None, None)
        return None
    if problem is not None:
        _problem(result, lenient, source, number, f"OMM entry: {problem}", None, None)
        return None
    init_fields = dict(fields)
    init_fields["EPOCH"] = epoch.strftime("%Y-%m-%dT%H:%M:%S.%f")
    # SGP4 keeps at most Alpha-5; the number does not enter the math.
    init_fields["NORAD_CAT_ID"] = str(norad_id) if norad_id <= _MAX_SGP4_SATNUM else "0"
    satrec = Satrec()
    try:
        sgp4_omm.initialize(satrec, init_fields)
    except (ValueError, KeyError) as error:
        _problem(result, lenient, source, number, f"OMM entry has a bad value: {error}", None, None)
        return None
    if satrec.error:
        _problem(
            result,
            lenient,
            source,
            number,
            f"SGP4 cannot use these elements: {_sgp4_error(satrec.error)}",
            None,
            None,
        )
        return None
    return ElementSet(
        norad_id=norad_id,
        name=without_control(fields.get("OBJECT_NAME") or "") or str(norad_id),
        epoch_utc=satrec_epoch_utc(satrec),
        source=source,
        line_number=number,
        satrec=satrec,
        omm=fields,
    )


_EPOCH_RE = re.compile(r"^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2}:\d{2})(\.\d+)?(Z|[+-]00:?00)?$")


def _omm_epoch(text: str) -> datetime:
    match = _EPOCH_RE.match(text.strip())
    if match is None:
        raise ValueError(
            f"EPOCH {text!r} is not an ISO 8601 UTC time like 2025-05-24T20:37:27.097824"
        )
    fraction = (match.group(3) or ".0")[1:][:6].ljust(6, "0")
    try:
        moment = datetime.fromisoformat(f"{match.group(1)}T{match.group(2)}.{fraction}")
    except ValueError as error:
        raise ValueError(f"EPOCH {text!r} is not a date: {error}") from None
    return moment.replace(tzinfo=UTC)


# ---------------------------------------------------------------------------- validation

#: The largest catalog number accepted: nine digits, as the 18th SDS assigns beyond Alpha-5.
MAX_CATALOG_NUMBER = 999_999_999
#: Physical ranges of the mean elements, checked before a set reaches SGP4 (inclusive
#: bounds; mean motion and eccentricity exclude their lower/upper end as written). 17.1
#: rev/day is a circular orbit at the Earth's surface; 20 leaves room for the mean motions of
#: re-entering objects. |B*| of real sets stays below 0.25 per Earth radius (CelesTrak's
#: active group, 2025); 1 still admits every fitted value while refusing garbage.
ELEMENT_RANGES: dict[str, tuple[float, float]] = {
    "MEAN_MOTION": (0.0, 20.0),
    "ECCENTRICITY": (0.0, 1.0),
    "INCLINATION": (0.0, 180.0),
    "RA_OF_ASC_NODE": (-360.0, 360.0),
    "ARG_OF_PERICENTER": (-360.0, 360.0),
    "MEAN_ANOMALY": (-360.0, 360.0),
    "BSTAR": (-1.0, 1.0),
    "MEAN_MOTION_DOT": (-1.0, 1.0),
    "MEAN_MOTION_DDOT": (-1.0, 1.0),
}
_EXCLUSIVE = {"MEAN_MOTION": "low", "ECCENTRICITY": "high"}
_UNITS = {
    "MEAN_MOTION": " rev/day",
    "INCLINATION": " deg",
    "RA_OF_ASC_NODE": " deg",
    "ARG_OF_PERICENTER": " deg",
    "MEAN_ANOMALY": " deg",
    "BSTAR": " per Earth radius",
    "MEAN_MOTION_DOT": " rev/day^2",
    "MEAN_MOTION_DDOT": " rev/day^3",
}


def parse_catalog_number(text: str) -> int:
    """A catalog number from OMM's ``NORAD_CAT_ID``: 1 to 999,999,999, or Alpha-5.

    >>> parse_catalog_number("25544"), parse_catalog_number("A0001")
    (25544, 100001)
    """
    value = text.strip()
    if len(value) == 5 and value[0] in _ALPHA5_FIRST and value[0].isalpha():
        digits = value[1:]
        if all(char in _DIGITS for char in digits):
            return int(from_alpha5(value))
    if not value or not all(char in _DIGITS for char in value) or len(value) > 9:
        raise ValueError(
            f"NORAD_CAT_ID {text!r} is not a catalog number (1 to {MAX_CATALOG_NUMBER:,}, "
            "or Alpha-5 such as A0001)"
        )
    number = int(value)
    problem = catalog_number_problem(number)
    if problem is not None:
        raise ValueError(problem)
    return number


#: The first artificial satellite; an epoch before it, or more than a year from now, is wrong.
FIRST_EPOCH_YEAR = 1957
EPOCH_FUTURE_ALLOWANCE = timedelta(days=366)


def epoch_problem(epoch: datetime) -> str | None:
    """Why ``epoch`` cannot be an element set's (before 1957 or over a year ahead)."""
    latest = datetime.now(UTC) + EPOCH_FUTURE_ALLOWANCE
    if epoch.year < FIRST_EPOCH_YEAR or epoch > latest:
        return f"epoch {epoch:%Y-%m-%d} is outside {FIRST_EPOCH_YEAR} to {latest:%Y-%m-%d}"
    return None


def tle_epoch_day_problem(line1: str) -> str | None:
    """Why TLE line 1's epoch day (columns 21-32) is not a day of its year: SGP4 would roll
    day 400 into the next year and day 000 back into the last without a word."""
    try:
        year, day = int(line1[18:20]), float(line1[20:32])
    except ValueError:
        return f"epoch {line1[18:32].strip()!r} is not a year and day of year"
    full_year = year + (1900 if year >= 57 else 2000)
    days = 366 if calendar.isleap(full_year) else 365
    if not 1.0 <= day < days + 1:
        return f"epoch day {line1[20:32].strip()} is outside 1 to {days} of {full_year}"
    return None


def catalog_number_problem(number: int) -> str | None:
    """Why ``number`` is not a catalog number, or ``None``."""
    if 1 <= number <= MAX_CATALOG_NUMBER:
        return None
    return f"catalog number {number} is outside 1 to {MAX_CATALOG_NUMBER:,}"


def omm_values(fields: Mapping[str, str]) -> dict[str, float]:
    """The numeric OMM fields as floats (``nan``, ``inf`` and overflow included, to refuse)."""
    values = {}
    for name in ELEMENT_RANGES:
        text = fields.get(name)
        if text is None or text == "":
            continue
        try:
            values[name] = float(text)
        except ValueError:
            raise ValueError(f"{name} {text[:40]!r} is not a number") from None
    return values


def satrec_values(satrec: Satrec) -> dict[str, float]:
    """The elements SGP4 read from a TLE, in OMM's names and units."""
    per_day = 1440.0 / (2.0 * math.pi)
    return {
        "MEAN_MOTION": satrec.no_kozai * per_day,
        "ECCENTRICITY": satrec.ecco,
        "INCLINATION": float(math.degrees(satrec.inclo)),
        "RA_OF_ASC_NODE": float(math.degrees(satrec.nodeo)),
        "ARG_OF_PERICENTER": float(math.degrees(satrec.argpo)),
        "MEAN_ANOMALY": float(math.degrees(satrec.mo)),
        "BSTAR": satrec.bstar,
        "MEAN_MOTION_DOT": satrec.ndot * per_day * 1440.0,
        "MEAN_MOTION_DDOT": satrec.nddot * per_day * 1440.0**2,
    }


def element_value_problem(values: Mapping[str, float]) -> str | None:
    """Why a set's element values cannot be propagated (not finite, out of range), or ``None``.

    >>> element_value_problem({"MEAN_MOTION": float("nan")})
    'MEAN_MOTION is nan; it must be a finite number'
    >>> element_value_problem({"ECCENTRICITY": 1.2})
    'ECCENTRICITY 1.2 is outside its physical range 0 <= e < 1'
    """
    for name, value in values.items():
        if not math.isfinite(value):
            return f"{name} is {value}; it must be a finite number"
        low, high = ELEMENT_RANGES[name]
        exclusive = _EXCLUSIVE.get(name)
        below = value <= low if exclusive == "low" else value < low
        above = value >= high if exclusive == "high" else value > high
        if below or above:
            return f"{name} {value:g} is outside its physical range {_range_text(name)}"
    return None


def _range_text(name: str) -> str:
    low, high = ELEMENT_RANGES[name]
    if name == "ECCENTRICITY":
        return "0 <= e < 1"
    low_sign = "<" if _EXCLUSIVE.get(name) == "low" else "<="
    return f"{low:g} {low_sign} value <= {high:g}{_UNITS.get(name, '')}"


# ------------------------------------------------------------------------------- helpers


def latest_by_norad(records: Iterable[ElementSet]) -> list[ElementSet]:
    """One set per catalog number, the one with the latest epoch, in first-seen order.

    TLE files can hold duplicate or stale sets for one object; this keeps the newest.
    """
    best: dict[int, ElementSet] = {}
    for record in records:
        current = best.get(record.norad_id)
        if current is None or record.epoch_utc > current.epoch_utc:
            best[record.norad_id] = record
    return list(best.values())


# --------------------------------------------------------------------------- epoch age

#: Element sets older (or younger) than this many days from the requested time get a warning.
STALE_AFTER_DAYS = 3.0
#: Beyond this many days from its epoch an element set is refused: SGP4 is not meant for it.
MAX_EPOCH_GAP_DAYS = 30.0


class EpochGapError(InputError):
    """The requested time is too far from the element set's epoch for SGP4 to mean anything."""


def epoch_warnings(
    record: ElementSet,
    start_utc: datetime,
    end_utc: datetime | None = None,
    *,
    max_gap_days: float = MAX_EPOCH_GAP_DAYS,
) -> list[str]:
    """Warnings about the age of ``record`` over ``[start_utc, end_utc]``; refuse huge gaps.

    Raises :class:`EpochGapError` when the period lies more than ``max_gap_days`` from the
    epoch (e.g. a 2023 element set asked about 2025), and returns a warning naming the age
    when it lies more than :data:`STALE_AFTER_DAYS` away.

    >>> from datetime import timedelta
    >>> iss = parse_text('''1 25544U 98067A   23333.91619101  .00024169  00000+0  43094-3 0  9996
    ... 2 25544  51.6417 227.6788 0001060 344.9414 118.7978 15.49949661427493''').records[0]
    >>> epoch_warnings(iss, iss.epoch_utc + timedelta(days=1))
    []
    >>> epoch_warnings(iss, iss.epoch_utc + timedelta(days=5))[0][:44]
    'element set of 25544 (25544) is 5.0 days old'
    """
    end = end_utc or start_utc
    ages = (record.age_days(start_utc), record.age_days(end))
    worst = max(ages, key=abs)
    epoch = record.epoch_utc.isoformat(timespec="seconds").replace("+00:00", "Z")
    if abs(worst) > max_gap_days:
        years = f" ({abs(worst) / 365.25:.1f} years)" if abs(worst) > 365 else ""
        raise EpochGapError(
            f"element set of {record.name} ({record.norad_id}) has epoch {epoch}, "
            f"{abs(worst):.0f} days{years} from the requested time; SGP4 predictions are "
            f"meaningless that far out (limit {max_gap_days:.0f} days)."
        ).with_hints(
            cli="Load element sets of the right era (cosmodrome elements load FILE) or "
            "change --start.",
            web=f"Choose a start near the element set's epoch ({epoch[:10]}).",
        )
    if abs(worst) > STALE_AFTER_DAYS:
        when = "old" if worst > 0 else "in the future"
        return [
            f"element set of {record.name} ({record.norad_id}) is {abs(worst):.1f} days {when} "
            f"at the requested time (epoch {epoch}); expect errors of kilometres or more"
        ]
    return []
