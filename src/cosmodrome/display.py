"""Display precision: how each quantity is written for a person (terminal, dashboard, report).

One table of rules, :data:`QUANTITIES`, decides by a column's name what it measures and so
how precisely it is shown: angles to 0.1 deg, site coordinates as their source gives them
(to at most 0.001 deg, about 100 m),
times to the second, masses to the kg, shares to 0.1 %. The CLI formats its tables with
:func:`format_value`, the HTML report through the same function, and the dashboard asks
``/api/display`` for :func:`rules_json` so that it rounds alike. JSON and CSV outputs are
data, not display: they keep full precision and never pass through here.

>>> format_value("launch_azimuth_deg", 118.339), format_value("lat_deg", 45.96503)
('118.3', '45.965')
>>> format_value("lat_deg", 46.0), format_value("year", 1957), format_value("launches", 1546)
('46', '1957', '1,546')
>>> format_value("norad", 54033), format_value("year(time_utc)", 2019), format_value("x", -0.0)
('54033', '2019', '0')

>>> format_value("capacity_kg", 1234.56), format_value("launch_share", 0.12345)
('1,235', '12.3 %')
>>> format_value("in_plane_utc", "2025-10-01T08:06:45.637740Z")
'2025-10-01 08:06:45'
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from datetime import date, datetime
from typing import Any


@dataclass(frozen=True)
class Quantity:
    """A kind of value, recognised by its column names, and how it is written.

    ``names`` match a column exactly, ``suffixes`` its ending, ``prefixes`` its start; the
    first quantity of :data:`QUANTITIES` that matches wins. ``scale`` multiplies before
    rounding (a share held as a fraction is shown in percent); ``unit`` follows the number
    (``"%"``) and is empty where the header already names it.
    """

    name: str
    decimals: int
    names: tuple[str, ...] = ()
    suffixes: tuple[str, ...] = ()
    prefixes: tuple[str, ...] = ()
    scale: float = 1.0
    unit: str = ""
    #: Drop trailing zeros: the value carries the precision its source gave (GCAT writes
    #: Baikonur at 46, 63; the curated file at 45.965, 63.305), at most ``decimals``.
    trim: bool = False

    def matches(self, column: str) -> bool:
        # column[1:] ends with a suffix only where the column is longer than it: a bare
        # "_kg" is no mass. Tuples test every suffix and prefix in one call (every table
        # cell asks).
        return (
            column in self.names
            or column[1:].endswith(self.suffixes)
            or column.startswith(self.prefixes)
        )


#: The rules, most specific first.
QUANTITIES: tuple[Quantity, ...] = (
    # Labels that are numbers: written as they are, no thousands separator (1957, 25544).
    Quantity(
        "identifier",
        0,
        names=(
            "year",
            "norad",
            "norad_id",
            "norad_cat_id",
            "satnum",
            "catnr",
            "period",
            "flight",
            "catalog_number",
            "tag",
        ),
        suffixes=("_id", "_year", "_norad", "_tag", "_catnr"),
        # a year however SQL names it: year(time_utc), year_of_launch
        prefixes=("year(", "year_", "extract(year"),
    ),
    Quantity(
        "coordinate",
        3,
        names=("lat_deg", "lon_deg", "latitude_deg", "longitude_deg"),
        trim=True,
    ),
    Quantity("angle", 1, suffixes=("_deg",)),
    Quantity(
        "share",
        1,
        names=("share",),
        suffixes=("_share", "_fraction", "_frac"),
        prefixes=("frac_", "area_frac_"),
        scale=100.0,
        unit=" %",
    ),
    Quantity("percent", 1, suffixes=("_pct",), unit=" %"),
    Quantity("mass", 0, suffixes=("_kg",)),
    Quantity("speed", 0, suffixes=("_m_s",)),
    Quantity("orbital speed", 2, suffixes=("_km_s",)),
    Quantity("energy", 1, suffixes=("_km2_s2",)),
    Quantity("height", 0, suffixes=("_m",)),
    Quantity("distance", 0, suffixes=("_km",)),
    Quantity("ratio", 2, suffixes=("_ratio",), names=("ratio",)),
    Quantity(
        "rate",
        1,
        suffixes=("_per_yr", "_per_year", "_low", "_high"),
        prefixes=("rate_", "mean_"),
    ),
    # A slip between two schedule targets: the schedules give days at best.
    Quantity("slip", 0, names=("slip_days",), suffixes=("_slip_days",)),
    Quantity("duration", 1, suffixes=("_s", "_minutes", "_min", "_hours", "_days")),
    Quantity(
        "time",
        0,
        names=("as_of", "retrieved_at", "first_seen", "last_seen"),
        suffixes=("_utc", "_local", "_time"),
    ),
)

#: Floats of a column no rule names: at most this many decimals, trailing zeros dropped.
DEFAULT_DECIMALS = 3


def quantity_of(column: str) -> Quantity | None:
    """The quantity a column measures, from its name; ``None`` for names no rule covers.

    >>> quantity_of("margin_kg").name, quantity_of("rate_before_low").name, quantity_of("site")
    ('mass', 'rate', None)
    """
    for quantity in QUANTITIES:
        if quantity.matches(column):
            return quantity
    return None


def format_number(value: float, quantity: Quantity | None) -> str:
    """A number at its quantity's precision, with thousands separators.

    A non-zero value that rounds to zero says so (``< 0.1``) rather than printing a zero
    it is not.

    >>> format_number(0.04, quantity_of("elapsed_s")), format_number(-44.649, quantity_of("phase_deg"))
    ('< 0.1', '-44.6')
    """
    if isinstance(value, float) and (math.isnan(value) or math.isinf(value)):
        return ""
    if quantity is None:
        if isinstance(value, int):
            return f"{value:,}"
        if abs(value) >= 1e6:
            return _unsigned_zero(f"{value:,.0f}")
        return _unsigned_zero(f"{value:,.{DEFAULT_DECIMALS}f}".rstrip("0").rstrip("."))
    if quantity.name == "identifier":
        return str(int(value)) if float(value).is_integer() else str(value)
    scaled = value * quantity.scale
    text = f"{scaled:,.{quantity.decimals}f}"
    if quantity.trim and "." in text:
        text = text.rstrip("0").rstrip(".")
    if scaled != 0 and float(text.replace(",", "")) == 0:
        smallest = 10.0**-quantity.decimals
        text = f"< {smallest:g}" if scaled > 0 else f"> -{smallest:g}"
    return _unsigned_zero(text) + quantity.unit


def _unsigned_zero(text: str) -> str:
    """A zero written without a sign: ``-0.0`` (a negative zero, or rounding) is ``0.0``.

    >>> _unsigned_zero("-0.0"), _unsigned_zero("-0"), _unsigned_zero("-0.5")
    ('0.0', '0', '-0.5')
    """
    if text.startswith("-") and not text.strip("-0.,"):
        return text[1:]
    return text


def format_time(value: str | datetime | date) -> str:
    """A time to the second as ``YYYY-MM-DD HH:MM:SS`` (its zone is the header's); a date
    stays a date.

    >>> format_time("2024-12-08T00:00:00Z"), format_time(date(2024, 12, 8))
    ('2024-12-08 00:00:00', '2024-12-08')
    """
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, date):
        return value.isoformat()
    text = value.strip()
    if len(text) <= 10 or ("T" not in text and " " not in text):
        return text
    day, _, clock = text.replace("T", " ", 1).partition(" ")
    clock = clock.removesuffix("Z").split("+")[0]
    clock = clock.split(".")[0]
    return f"{day} {clock}" if clock else day


def format_value(column: str, value: Any) -> str:
    """``value`` of ``column`` as a person reads it; ``""`` for a missing value."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list | tuple):
        return ", ".join(format_value(column, v) for v in value)
    quantity = quantity_of(column)
    if isinstance(value, int | float):
        return format_number(value, quantity)
    if quantity is not None and quantity.name == "time" and isinstance(value, str | datetime):
        return format_time(value)
    if isinstance(value, datetime | date):
        return format_time(value)
    return str(value)


def plural(count: int, singular: str, many: str | None = None) -> str:
    """A count with its noun in agreement, thousands separated: ``1 launch``, ``2,019
    launches``. ``many`` is the plural where adding ``s`` (``es`` after s, x, ch, sh) is wrong.

    >>> plural(1, "launch"), plural(2019, "launch"), plural(0, "satellite"), plural(2, "entry", "entries")
    ('1 launch', '2,019 launches', '0 satellites', '2 entries')
    """
    if count == 1:
        return f"1 {singular}"
    if many is None:
        many = singular + ("es" if singular.endswith(("s", "x", "ch", "sh")) else "s")
    return f"{count:,} {many}"


def rules_json() -> dict[str, Any]:
    """The rules for the dashboard (served at ``/api/display``): the same table, as JSON."""
    return {
        "quantities": [asdict(q) for q in QUANTITIES],
        "default_decimals": DEFAULT_DECIMALS,
    }


#: What a column is called where people read it (menus, headers): "Date", never
#: ``time_utc``. Columns without an entry read as their words (``site_name``: "Site name").
COLUMN_LABELS = {
    "time_utc": "Date",
    "launch_time_utc": "Launch date",
    "launch_tag": "Launch (GCAT tag)",
    "agency": "Provider",
    "payload_count": "Payloads",
    "mass_kg": "Mass (kg)",
    "perigee_km": "Perigee (km)",
    "apogee_km": "Apogee (km)",
    "piece": "Piece (international designator)",
}


def column_label(column: str) -> str:
    """A column's name for people.

    >>> column_label("time_utc"), column_label("vehicle"), column_label("site_name")
    ('Date', 'Vehicle', 'Site name')
    """
    return COLUMN_LABELS.get(column) or column.replace("_", " ").capitalize()
