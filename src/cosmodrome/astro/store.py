"""Element sets kept on disk, with epoch and source, in ``$COSMODROME_HOME/elements.duckdb``.

Every element set ever loaded is kept (one row per catalog number and epoch), so that a
question about 2023 can be answered with 2023 elements: :meth:`ElementStore.nearest` picks
the set whose epoch is nearest the requested time. The file is separate from the catalog,
which is rebuilt from scratch; this one only grows.

Each set carries its object's international designator (``intdes``, e.g. ``2023-198A``:
OMM's ``OBJECT_ID``, or columns 10-17 of TLE line 1), which is GCAT's ``piece``: so a launch
of the catalog can be followed to its payloads' current orbits (:meth:`ElementStore.by_launch`).
Catalog numbers of any size are kept (``BIGINT``; OMM carries nine digits).

CelesTrak downloads live in :mod:`cosmodrome.astro.celestrak`.
"""

from __future__ import annotations

import contextlib
import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any

from cosmodrome import config
from cosmodrome.astro.elements import (
    MAX_CATALOG_NUMBER,
    ElementSet,
    ParseResult,
    load_elements,
    parse_omm_records,
    parse_tle,
)
from cosmodrome.errors import CosmodromeError, InputError, UnknownNameError
from cosmodrome.naming import closest_names, fold
from cosmodrome.stores import StoreKind, connect_read_only, write_store
from cosmodrome.timeutil import require_utc

if TYPE_CHECKING:  # loading element files uses pandas; reading the store does not
    import pandas as pd

__all__ = [
    "ElementStore",
    "LoadedFile",
    "NoElementsError",
    "elements_path",
    "international_designator",
    "load_file_into_store",
]

ELEMENTS_FILENAME = "elements.duckdb"
ELEMENTS = StoreKind("element store", "cosmodrome elements update")

_SCHEMA = """
CREATE TABLE IF NOT EXISTS element_sets (
    norad_id BIGINT NOT NULL,
    name VARCHAR NOT NULL,
    epoch_utc TIMESTAMP NOT NULL,   -- UTC, microseconds
    source VARCHAR NOT NULL,        -- file or URL it was read from
    line_number INTEGER NOT NULL,   -- line of the set in that source
    format VARCHAR NOT NULL,        -- 'tle' or 'omm'
    line1 VARCHAR,
    line2 VARCHAR,
    omm_json VARCHAR,
    loaded_utc TIMESTAMP NOT NULL,
    intdes VARCHAR,                 -- international designator 2023-198A = GCAT piece
    PRIMARY KEY (norad_id, epoch_utc)
)
"""
# Stores written before the designator was kept get the column, filled from what they hold.
_MIGRATIONS = (
    "ALTER TABLE element_sets ADD COLUMN IF NOT EXISTS intdes VARCHAR",
    """UPDATE element_sets SET intdes = CASE
        WHEN format = 'omm' THEN nullif(upper(trim(json_extract_string(omm_json, '$.OBJECT_ID'))), '')
        WHEN regexp_matches(substr(line1, 10, 8), '^[0-9]{5}[A-Z]{1,3} *$') THEN
            CAST(CASE WHEN CAST(substr(line1, 10, 2) AS INTEGER) >= 57 THEN 1900 ELSE 2000 END
                 + CAST(substr(line1, 10, 2) AS INTEGER) AS VARCHAR)
            || '-' || substr(line1, 12, 3) || trim(substr(line1, 15, 3))
        END
       WHERE intdes IS NULL""",
)
_TLE_INTDES = re.compile(r"^(\d{2})(\d{3})([A-Z]{1,3})\s*$")
_FIRST_TLE_YEAR = 57  # two-digit launch years 57-99 are 1957-1999, 00-56 are 2000-2056


def international_designator(record: ElementSet) -> str | None:
    """The COSPAR designator of ``record``'s object (``1998-067A``), ``None`` when unknown.

    >>> from cosmodrome.astro.elements import parse_text
    >>> iss = parse_text('''1 25544U 98067A   23333.91619101  .00024169  00000+0  43094-3 0  9996
    ... 2 25544  51.6417 227.6788 0001060 344.9414 118.7978 15.49949661427493''').records[0]
    >>> international_designator(iss)
    '1998-067A'
    """
    if record.omm is not None:
        return record.omm.get("OBJECT_ID", "").strip().upper() or None
    if record.line1 is None:
        return None
    match = _TLE_INTDES.match(record.line1[9:17])
    if match is None:
        return None
    year = int(match.group(1))
    century = 1900 if year >= _FIRST_TLE_YEAR else 2000
    return f"{century + year}-{match.group(2)}{match.group(3)}"


#: How two sets of one object and epoch are resolved (``elements load``, ``update``).
DUPLICATE_RULE = (
    "the set read last wins: later in a file, or from a later load; a set of the other "
    "format (OMM or TLE of the same fit) is the same set and is not added again"
)


def _conflicts_within(frame: pd.DataFrame) -> list[str]:
    """Warnings for sets of one object and epoch in ``frame`` whose elements differ."""
    keys = ["norad_id", "epoch_utc"]
    repeated = frame[frame.duplicated(keys, keep=False)]
    warnings = []
    for (norad, epoch), group in repeated.groupby(keys, sort=False):
        texts = group[["line1", "line2", "omm_json"]].fillna("").drop_duplicates()
        if len(texts) > 1:
            first, last = group.iloc[0], group.iloc[-1]
            warnings.append(
                f"{last['source']}:{last['line_number']} replaces "
                f"{first['source']}:{first['line_number']}: object {norad} at epoch "
                f"{epoch:%Y-%m-%d %H:%M:%S} with different elements ({DUPLICATE_RULE})"
            )
    return warnings


class NoElementsError(CosmodromeError):
    """The element store is missing or holds nothing for the request."""


def pick_satellite(text: str, known: Sequence[tuple[str, int]]) -> int | None:
    """The NORAD number ``text`` names among ``(name, norad_id)`` pairs, else ``None``.

    The full name in any case (``iss (zarya)``), else the name's main part before its
    bracketed detail (``ISS`` for ``ISS (ZARYA)``); when several satellites share that part,
    the oldest catalog number, the object the name was first given to (ZARYA, 25544).
    """
    wanted = fold(text)
    full = sorted(i for n, i in known if fold(n) == wanted)
    if full:
        return full[0]
    leading = sorted(i for n, i in known if fold(n.split("(")[0]) == wanted)
    return leading[0] if leading else None


def satellite_suggestions(text: str, known: Sequence[tuple[Any, Any]]) -> list[str]:
    """The closest satellite names, older catalog numbers first among equals."""
    weights = {str(name): -float(norad) for name, norad in known}
    return closest_names(text, [str(n) for n, _ in known], weight=weights)


def elements_path(folder: Path | None = None) -> Path:
    """The element-set store inside ``folder`` (default: ``$COSMODROME_HOME``)."""
    return (folder or config.home()) / ELEMENTS_FILENAME


class ElementStore:
    """Element sets in a DuckDB file; open with ``read_only=False`` to add sets.

    >>> import tempfile
    >>> from cosmodrome.astro.elements import parse_text
    >>> sets = parse_text('''1 25544U 98067A   23333.91619101  .00024169  00000+0  43094-3 0  9996
    ... 2 25544  51.6417 227.6788 0001060 344.9414 118.7978 15.49949661427493''').records
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     with ElementStore(Path(folder) / "e.duckdb", read_only=False) as store:
    ...         store.add(sets)
    ...         store.nearest(25544, datetime(2023, 12, 1, tzinfo=UTC)).epoch_utc.day
    1
    29
    """

    def __init__(self, path: Path | None = None, *, read_only: bool = True) -> None:
        self.path = path or elements_path()
        if read_only and not self.path.is_file():
            raise NoElementsError("no element sets are stored yet").with_hints(
                cli=f"({self.path} does not exist): run `cosmodrome elements update` or "
                "`cosmodrome elements load FILE`, or pass --tle FILE",
                web="the server's element store is empty; its operator fills it with "
                "`make run` or `cosmodrome elements update`",
            )
        #: What :meth:`add` resolved by :data:`DUPLICATE_RULE`, one line each.
        self.warnings: list[str] = []
        #: A writer works on a copy renamed over the store when it closes (:mod:`.stores`).
        self._writer: contextlib.ExitStack | None = None
        if read_only:
            self.connection = connect_read_only(self.path, ELEMENTS)
            return
        writer = contextlib.ExitStack()
        self.connection = writer.enter_context(write_store(self.path, ELEMENTS))
        self._writer = writer
        try:
            self.connection.execute(_SCHEMA)
            for statement in _MIGRATIONS:
                self.connection.execute(statement)
        except BaseException as error:
            self._finish(error)
            raise

    def __enter__(self) -> ElementStore:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._finish(value)

    def close(self) -> None:
        """Close the store; a writer's sets replace the store now."""
        self._finish(None)

    def _finish(self, error: BaseException | None) -> None:
        """Close; a writer swaps its copy in, or (after ``error``) throws it away."""
        writer, self._writer = self._writer, None
        if writer is None:
            self.connection.close()
        elif error is None:
            writer.close()
        else:
            writer.__exit__(type(error), error, error.__traceback__)

    def add(self, records: Iterable[ElementSet]) -> int:
        """Store ``records``; returns how many were new (same object and epoch: kept once)."""
        now = datetime.now(UTC).replace(tzinfo=None)
        rows = [
            {
                "norad_id": r.norad_id,
                "name": r.name,
                "epoch_utc": r.epoch_utc.astimezone(UTC).replace(tzinfo=None),
                "source": r.source,
                "line_number": r.line_number,
                "format": r.format,
                "line1": r.line1,
                "line2": r.line2,
                "omm_json": json.dumps(dict(r.omm)) if r.omm is not None else None,
                "loaded_utc": now,
                "intdes": international_designator(r),
            }
            for r in records
        ]
        if not rows:
            return 0
        import pandas as pd

        incoming = pd.DataFrame(rows)
        self.warnings += _conflicts_within(incoming)
        frame = incoming.drop_duplicates(["norad_id", "epoch_utc"], keep="last")
        frame["epoch_utc"] = frame["epoch_utc"].astype("datetime64[us]")
        frame["loaded_utc"] = frame["loaded_utc"].astype("datetime64[us]")
        before = self.count()
        self.connection.register("incoming", frame)
        try:
            self._replace_conflicting()
            self.connection.execute(
                "INSERT INTO element_sets SELECT norad_id, name, epoch_utc, source, line_number, "
                "format, line1, line2, omm_json, loaded_utc, intdes FROM incoming "
                "ON CONFLICT DO NOTHING"
            )
        finally:
            self.connection.unregister("incoming")
        return self.count() - before

    def _replace_conflicting(self) -> None:
        """The duplicate rule against the store (see :data:`DUPLICATE_RULE`): a stored set
        of the same object, epoch and format whose elements differ is replaced, with a
        warning naming both."""
        differing = (
            "FROM incoming i JOIN element_sets e USING (norad_id, epoch_utc) "
            "WHERE i.format = e.format AND (coalesce(i.line1, '') <> coalesce(e.line1, '') "
            "OR coalesce(i.line2, '') <> coalesce(e.line2, '') "
            "OR coalesce(i.omm_json, '') <> coalesce(e.omm_json, ''))"
        )
        found = self.connection.execute(
            f"SELECT norad_id, epoch_utc, e.source, e.line_number, i.source, i.line_number "
            f"{differing}"
        ).fetchall()
        for norad, epoch, old, old_line, new, new_line in found:
            self.warnings.append(
                f"{new}:{new_line} replaces {old}:{old_line}: object {norad} at epoch "
                f"{epoch:%Y-%m-%d %H:%M:%S} with different elements ({DUPLICATE_RULE})"
            )
        if found:
            self.connection.execute(
                "DELETE FROM element_sets WHERE (norad_id, epoch_utc) IN "
                f"(SELECT (norad_id, epoch_utc) {differing})"
            )

    def summary(self) -> dict[str, Any]:
        """How much the store holds: element sets, satellites, and the span of their epochs
        (UTC, ISO 8601), so that an interface can default to a time the data covers."""
        row = self.connection.execute(
            "SELECT count(*), count(DISTINCT norad_id), min(epoch_utc), max(epoch_utc), "
            "quantile_disc(epoch_utc, 0.5) FROM element_sets"
        ).fetchone()
        sets, satellites, first, last, median = row or (0, 0, None, None, None)
        # Constellations: name prefixes (STARLINK-1234 -> STARLINK) shared by 20+ satellites.
        prefixes = self.connection.execute(
            "SELECT split_part(split_part(name, '-', 1), ' ', 1) AS prefix, "
            "count(DISTINCT norad_id) AS n FROM element_sets GROUP BY 1 HAVING n >= 20 "
            "ORDER BY n DESC, prefix LIMIT 12"
        ).fetchall()

        def iso(moment: datetime | None) -> str | None:
            if moment is None:
                return None
            return moment.replace(tzinfo=UTC, microsecond=0).isoformat().replace("+00:00", "Z")

        return {
            "element_sets": int(sets),
            "satellites": int(satellites),
            "epoch_from": iso(first),
            "epoch_to": iso(last),
            "epoch_median": iso(median),
            "groups": [{"group": str(p).lower(), "satellites": int(n)} for p, n in prefixes],
        }

    def count(self) -> int:
        rows = self.connection.execute("SELECT count(*) FROM element_sets").fetchall()
        return int(rows[0][0]) if rows else 0

    def resolve(self, name_or_id: str) -> int:
        """The catalog number for ``25544``, ``ISS (ZARYA)`` or ``iss (zarya)``."""
        text = name_or_id.strip()
        if text.isdigit():
            # A number past the catalog's range would overflow DuckDB's BIGINT in a query.
            if not 1 <= int(text) <= MAX_CATALOG_NUMBER:
                raise InputError(
                    f"catalog number {text[:20]}{'...' if len(text) > 20 else ''} must be a "
                    f"whole number from 1 to {MAX_CATALOG_NUMBER:,}"
                )
            return int(text)
        rows = self.connection.execute(
            "SELECT norad_id FROM element_sets WHERE upper(name) = upper(?) "
            "ORDER BY epoch_utc DESC LIMIT 1",
            [text],
        ).fetchall()
        if rows:
            return int(rows[0][0])
        known = self.connection.execute(
            "SELECT name, min(norad_id) FROM element_sets GROUP BY name"
        ).fetchall()
        found = pick_satellite(text, [(str(n), int(i)) for n, i in known])
        if found is not None:
            return found
        raise UnknownNameError("satellite", text, satellite_suggestions(text, known))

    def nearest(self, norad_id: int, when_utc: datetime) -> ElementSet:
        """The stored set of ``norad_id`` whose epoch is nearest ``when_utc``."""
        when = require_utc(when_utc).replace(tzinfo=None)
        rows = self.connection.execute(
            "SELECT name, source, line_number, format, line1, line2, omm_json FROM element_sets "
            "WHERE norad_id = ? ORDER BY abs(date_diff('microsecond', epoch_utc, ?)) LIMIT 1",
            [norad_id, when],
        ).fetchall()
        if not rows:
            raise UnknownNameError(
                "satellite (no element set stored for it)",
                str(norad_id),
                self._similar_ids(norad_id),
            )
        return _record_from_row(norad_id, rows[0])

    def group(self, name_prefix: str | None, when_utc: datetime) -> list[ElementSet]:
        """One set per satellite whose name starts with ``name_prefix`` (all when ``None``):
        the one whose epoch is nearest ``when_utc``; ordered by NORAD number."""
        when = require_utc(when_utc).replace(tzinfo=None)
        prefix = name_prefix.upper() if name_prefix else None
        rows = self.connection.execute(
            "SELECT norad_id, name, source, line_number, format, line1, line2, omm_json "
            "FROM element_sets WHERE (? IS NULL OR upper(name) LIKE ? || '%') "
            "QUALIFY row_number() OVER (PARTITION BY norad_id "
            "ORDER BY abs(date_diff('microsecond', epoch_utc, ?))) = 1 ORDER BY norad_id",
            [prefix, prefix, when],
        ).fetchall()
        return [_record_from_row(row[0], row[1:]) for row in rows]

    def by_designators(
        self, pieces: Sequence[str], norad_ids: Sequence[int], when_utc: datetime | None = None
    ) -> list[ElementSet]:
        """One set per object whose designator is in ``pieces`` or number in ``norad_ids``:
        the newest one, or the one whose epoch is nearest ``when_utc``."""
        if not pieces and not norad_ids:
            return []
        self._require_designators()
        when = require_utc(when_utc).replace(tzinfo=None) if when_utc is not None else None
        order = (
            "abs(date_diff('microsecond', epoch_utc, ?))" if when is not None else "epoch_utc DESC"
        )
        rows = self.connection.execute(
            "SELECT norad_id, name, source, line_number, format, line1, line2, omm_json "
            "FROM element_sets WHERE list_contains(?, intdes) OR list_contains(?, norad_id) "
            f"QUALIFY row_number() OVER (PARTITION BY norad_id ORDER BY {order}) = 1 "
            "ORDER BY norad_id",
            [list(pieces), list(norad_ids), *([when] if when is not None else [])],
        ).fetchall()
        return [_record_from_row(row[0], row[1:]) for row in rows]

    def _require_designators(self) -> None:
        columns = {
            row[0]
            for row in self.connection.execute(
                "SELECT column_name FROM information_schema.columns "
                "WHERE table_name = 'element_sets'"
            ).fetchall()
        }
        if "intdes" not in columns:
            raise NoElementsError(
                f"the element store {self.path} predates international designators; run "
                "`cosmodrome elements update` (or `elements load FILE`) once to upgrade it"
            )

    def history(self, norad_id: int) -> pd.DataFrame:
        """Every stored epoch of ``norad_id`` with its source, oldest first."""
        return self.connection.execute(
            "SELECT norad_id, name, epoch_utc, source, line_number, format FROM element_sets "
            "WHERE norad_id = ? ORDER BY epoch_utc",
            [norad_id],
        ).df()

    def _similar_ids(self, norad_id: int) -> list[str]:
        rows = self.connection.execute(
            "SELECT DISTINCT norad_id, name FROM element_sets ORDER BY abs(norad_id - ?) LIMIT 3",
            [norad_id],
        ).fetchall()
        return [f"{r[0]} ({r[1]})" for r in rows]


def _record_from_row(norad_id: int, row: Sequence[Any]) -> ElementSet:
    name, source, line_number, kind, line1, line2, omm_json = row
    if kind == "tle":
        parsed: ParseResult = parse_tle([name, line1, line2], source=source)
    else:
        parsed = parse_omm_records([(line_number, json.loads(omm_json))], source=source)
    record = parsed.records[0]
    return ElementSet(
        norad_id=norad_id,
        name=name,
        epoch_utc=record.epoch_utc,
        source=source,
        line_number=line_number,
        satrec=record.satrec,
        line1=record.line1,
        line2=record.line2,
        omm=record.omm,
    )


# ------------------------------------------------------------------------------- files


@dataclass(frozen=True)
class LoadedFile:
    """What reading one element file (or answering one query) added to the store."""

    group: str
    path: Path
    element_sets: int
    new: int
    warnings: tuple[str, ...]
    format: str


def load_file_into_store(
    path: Path, *, store_path: Path | None = None, lenient: bool = False
) -> LoadedFile:
    """Read an element file from disk and keep its sets (``cosmodrome elements load``)."""
    parsed = load_elements(path, lenient=lenient)
    with ElementStore(store_path, read_only=False) as store:
        new = store.add(parsed.records)
    kinds = "+".join(sorted({r.format for r in parsed.records})) or "none"
    warnings = (*map(str, parsed.warnings), *store.warnings)
    return LoadedFile(path.name, path, len(parsed.records), new, warnings, kinds)
