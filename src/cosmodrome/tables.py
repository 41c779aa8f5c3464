"""Tables as JSON: one conversion for the CLI, the REST API, analyses and GeoJSON.

NaN and NaT become ``None``; times become ISO 8601 with ``Z``; a DATE column that pandas
widened to midnight timestamps comes back as dates; NumPy scalars become Python ones.
:func:`as_dates` turns such widened columns back into dates in the frame itself.
"""

from __future__ import annotations

import math
import sys
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import duckdb
    import pandas as pd


@dataclass(frozen=True)
class Rows:
    """A table without pandas: column names and rows of plain Python values (as DuckDB's
    ``fetchall`` gives them)."""

    columns: list[str]
    rows: list[tuple[Any, ...]]

    @classmethod
    def fetched(cls, cursor: duckdb.DuckDBPyConnection) -> Rows:
        """Every row of the result on ``cursor`` (a DuckDB query just executed)."""
        return cls([d[0] for d in cursor.description or []], cursor.fetchall())

    def __len__(self) -> int:
        return len(self.rows)

    def with_column(self, name: str, position: int, values: list[Any]) -> Rows:
        """These rows with column ``name`` (one value per row) inserted at ``position``."""
        columns = [*self.columns[:position], name, *self.columns[position:]]
        rows = [
            (*row[:position], value, *row[position:])
            for row, value in zip(self.rows, values, strict=True)
        ]
        return Rows(columns, rows)

    def column(self, name: str) -> list[Any]:
        """The values of column ``name``, one per row."""
        at = self.columns.index(name)
        return [row[at] for row in self.rows]

    def to_frame(self) -> pd.DataFrame:
        """These rows as a pandas DataFrame (for analyses; loads pandas)."""
        import pandas as pd

        return pd.DataFrame.from_records(self.rows, columns=self.columns)

    def without(self, name: str) -> Rows:
        """These rows without column ``name``."""
        drop = self.columns.index(name)
        return Rows(
            [c for i, c in enumerate(self.columns) if i != drop],
            [row[:drop] + row[drop + 1 :] for row in self.rows],
        )

    def records(self) -> list[dict[str, Any]]:
        """Rows as JSON-safe dicts, as :func:`json_records` gives them for a DataFrame."""
        # A column of plain values (text, whole numbers, booleans) is JSON as it stands;
        # only the others go through json_safe value by value.
        plain = [
            {type(row[i]) for row in self.rows} <= _PLAIN_TYPES for i in range(len(self.columns))
        ]
        columns = [
            [row[i] for row in self.rows] if keep else [json_safe(row[i]) for row in self.rows]
            for i, keep in enumerate(plain)
        ]
        return [
            dict(zip(self.columns, values, strict=True)) for values in zip(*columns, strict=True)
        ]


_PLAIN_TYPES = {str, int, bool, type(None)}


def json_safe(value: Any) -> Any:
    """A JSON-safe value: NaN/NaT become ``None``, times become ISO 8601 with ``Z``.

    Works without pandas or NumPy loaded (the CLI's quick commands never load them): their
    values can only exist once they are imported, so they are looked for only then.
    """
    if value is None:
        return None
    pandas = sys.modules.get("pandas")
    if pandas is not None and (value is pandas.NaT or value is pandas.NA):
        return None
    if isinstance(value, float):
        return None if math.isnan(value) or math.isinf(value) else value
    if isinstance(value, datetime):
        if value.tzinfo is None and value.time() == time(0):
            return value.date().isoformat()  # a DATE column that pandas widened
        return value.isoformat().replace("+00:00", "Z")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return [json_safe(v) for v in value]
    if isinstance(value, dict):
        return {str(k): json_safe(v) for k, v in value.items()}
    numpy = sys.modules.get("numpy")
    if numpy is not None:
        if isinstance(value, numpy.ndarray):
            return [json_safe(v) for v in value.tolist()]
        if isinstance(value, numpy.generic):
            return json_safe(value.item())
    return value


def as_dates(frame: pd.DataFrame, *columns: str) -> pd.DataFrame:
    """``frame`` with each of ``columns`` (a DATE that pandas widened to timestamps) as
    :class:`datetime.date` values, missing ones ``None``; changed in place and returned."""
    import pandas as pd

    for column in columns:
        frame[column] = pd.Series(
            [None if pd.isna(v) else pd.Timestamp(v).date() for v in frame[column]],
            index=frame.index,
            dtype="object",
        )
    return frame


def _column(series: pd.Series) -> list[Any]:
    """One column as JSON-safe values, converted column-wise (the same values as
    :func:`json_safe` gives cell by cell, about ten times faster on a page of launches)."""
    import numpy as np
    import pandas as pd

    dtype = series.dtype
    if isinstance(dtype, pd.DatetimeTZDtype):
        utc = series if str(dtype.tz) == "UTC" else series.dt.tz_convert("UTC")
        return [
            None if value is pd.NaT else value.isoformat().replace("+00:00", "Z")
            for value in utc.array
        ]
    if pd.api.types.is_bool_dtype(dtype) and not series.hasnans:
        return [bool(v) for v in series.to_numpy()]
    if pd.api.types.is_integer_dtype(dtype) and not series.hasnans:
        return [int(v) for v in series.to_numpy()]
    if pd.api.types.is_float_dtype(dtype):
        floats = series.to_numpy(dtype="float64", na_value=np.nan)
        return [v if math.isfinite(v) else None for v in floats.tolist()]
    if pd.api.types.is_string_dtype(dtype) and not pd.api.types.is_object_dtype(dtype):
        strings = series.astype(object).to_numpy()
        return [None if v is None or v is pd.NA or v != v else v for v in strings.tolist()]
    return [json_safe(v) for v in series.tolist()]


def json_records(frame: pd.DataFrame | Rows) -> list[dict[str, Any]]:
    """Rows of ``frame`` as JSON-safe dicts (NaN and NaT become ``None``, times ISO 8601
    with ``Z``)."""
    if isinstance(frame, Rows):
        return frame.records()
    names = [str(k) for k in frame.columns]
    columns = [_column(series) for _, series in frame.items()]
    return [dict(zip(names, row, strict=True)) for row in zip(*columns, strict=True)]


def csv_cell(value: Any) -> Any:
    """A value as a CSV cell: a list (a launch's payload names) is every item joined by
    ``"; "`` (a table abbreviates it, a data format never does); anything else as it is."""
    if isinstance(value, list | tuple):
        return "; ".join("" if v is None else str(v) for v in value)
    numpy = sys.modules.get("numpy")
    if numpy is not None and isinstance(value, numpy.ndarray):
        return csv_cell(value.tolist())
    return value


def csv_ready(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with its list columns joined as :func:`csv_cell` joins them."""
    listed = [c for c in frame.columns if frame[c].dtype == object and frame[c].map(_is_list).any()]
    if not listed:
        return frame
    out = frame.copy()
    for column in listed:
        out[column] = out[column].map(csv_cell)
    return out


def _is_list(value: Any) -> bool:
    return isinstance(value, list | tuple) or type(value).__name__ == "ndarray"
