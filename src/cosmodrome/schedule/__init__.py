"""Launch schedules: snapshots kept over time, matched to the catalog, and their slips.

``readers`` (CSV/JSON exports), ``ll2`` (Launch Library 2), ``precision`` (target dates as
intervals), ``store`` (``schedule.duckdb``, append-only), ``matching`` (names to catalog
codes), ``history`` (entries linked across snapshots and to GCAT), ``changes`` (what differs
between consecutive snapshots), ``slips``, ``ical``
(iCalendar feeds) and ``service`` (what the interfaces call). See ``docs/SCHEDULE.md``.
"""

from cosmodrome.schedule.precision import Precision, TargetDate
from cosmodrome.schedule.service import (
    ChangeFilter,
    ScheduleFilter,
    UpdateReport,
    change_rows,
    changes,
    ics,
    input_report,
    record_changes,
    rematch,
    report_rows,
    slip_history,
    slip_rows,
    slips,
    snapshot_rows,
    snapshots,
    upcoming,
    update_schedule,
)
from cosmodrome.schedule.slips import SLIP_RULE

__all__ = [
    "SLIP_RULE",
    "ChangeFilter",
    "Precision",
    "ScheduleFilter",
    "TargetDate",
    "UpdateReport",
    "change_rows",
    "changes",
    "ics",
    "input_report",
    "record_changes",
    "rematch",
    "report_rows",
    "slip_history",
    "slip_rows",
    "slips",
    "snapshot_rows",
    "snapshots",
    "upcoming",
    "update_schedule",
]
