"""Resolve GCAT codes to the record valid at a given date (codes change meaning over time)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Generic, TypeVar

T = TypeVar("T")


@dataclass(frozen=True)
class Period(Generic[T]):
    valid_from: date | None
    valid_to: date | None
    record: T

    def contains(self, day: date) -> bool:
        return (self.valid_from is None or self.valid_from <= day) and (
            self.valid_to is None or day <= self.valid_to
        )

    def distance_days(self, day: date) -> int:
        if self.valid_from is not None and day < self.valid_from:
            return (self.valid_from - day).days
        if self.valid_to is not None and day > self.valid_to:
            return (day - self.valid_to).days
        return 0


class PeriodIndex(Generic[T]):
    """Records keyed by code, each valid over a period; look one up by code and date."""

    def __init__(self, entries: Iterable[tuple[str, Period[T]]]) -> None:
        self._by_code: dict[str, list[Period[T]]] = defaultdict(list)
        for code, period in entries:
            self._by_code[code].append(period)

    def __contains__(self, code: object) -> bool:
        return code in self._by_code

    def at(self, code: str, day: date) -> T | None:
        """The record of ``code`` valid on ``day``; outside every period, the nearest one.

        Where periods overlap (GCAT's year-only bounds make the switch year ambiguous), the
        period that started last wins.
        """
        periods = self._by_code.get(code)
        if not periods:
            return None
        if len(periods) == 1:  # most codes: valid or not, it is the nearest
            return periods[0].record
        valid = [p for p in periods if p.contains(day)]
        if valid:
            return max(valid, key=lambda p: p.valid_from or date.min).record
        return min(periods, key=lambda p: p.distance_days(day)).record

    def latest(self, code: str) -> T | None:
        periods = self._by_code.get(code)
        if not periods:
            return None
        return max(periods, key=lambda p: (p.valid_to or date.max, p.valid_from or date.min)).record
