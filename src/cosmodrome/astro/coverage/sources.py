"""Where a constellation's element sets come from: an element file or the element store.

A *group* names a constellation the way CelesTrak's GP groups do (``starlink``, ``oneweb``,
``kuiper``, ``iridium`` ...): the satellites whose names start with the group's name in
capitals (``STARLINK-1007``). ``active`` means every satellite. When an object appears with
several epochs, the set nearest the start of the window is used.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from pathlib import Path

from cosmodrome.astro.coverage.analysis import Constellation
from cosmodrome.astro.elements import ElementSet, load_elements
from cosmodrome.errors import InputError
from cosmodrome.timeutil import require_utc

ALL_GROUPS = ("active", "all")


def group_prefix(group: str) -> str | None:
    """The name prefix of ``group``, or ``None`` for every satellite.

    >>> group_prefix("starlink"), group_prefix("active")
    ('STARLINK', None)
    """
    folded = group.strip().lower()
    if not folded:
        raise InputError("empty group; name a constellation such as starlink")
    return None if folded in ALL_GROUPS else folded.upper()


def select(
    records: Iterable[ElementSet], group: str | None, when_utc: datetime
) -> list[ElementSet]:
    """The records of ``group`` (all when ``None``), one per object: the epoch nearest ``when_utc``."""
    prefix = group_prefix(group) if group is not None else None
    when = require_utc(when_utc)
    best: dict[int, ElementSet] = {}
    for record in records:
        if prefix is not None and not record.name.strip().upper().startswith(prefix):
            continue
        held = best.get(record.norad_id)
        if held is None or abs(record.age_days(when)) < abs(held.age_days(when)):
            best[record.norad_id] = record
    return [best[key] for key in sorted(best)]


def constellation_from_file(path: Path, group: str | None, when_utc: datetime) -> Constellation:
    """The satellites of ``group`` (or all) in a TLE/3LE or OMM file."""
    parsed = load_elements(path, lenient=True)
    chosen = select(parsed.records, group, when_utc)
    if not chosen:
        which = f"of group {group!r} " if group else ""
        raise InputError(f"no element sets {which}in {path}")
    return _constellation(chosen, _label([str(path)]))


def constellation_from_store(
    group: str, when_utc: datetime, store_path: Path | None = None
) -> Constellation:
    """The satellites of ``group`` from the element store, each with its set nearest ``when_utc``."""
    from cosmodrome.astro.store import ElementStore

    with ElementStore(store_path) as store:
        records = store.group(group_prefix(group), when_utc)
    if not records:
        raise InputError(f"the element store holds no satellite of group {group!r}").with_hints(
            cli="run `cosmodrome elements update` (or `cosmodrome elements load FILE`), "
            "or pass --tle FILE"
        )
    return _constellation(records, _label(sorted({r.source for r in records})))


def _constellation(records: list[ElementSet], source: str) -> Constellation:
    return Constellation(
        tuple(r.name for r in records), tuple(r.satrec for r in records), source=source
    )


def _label(sources: list[str]) -> str:
    names = sorted({Path(s).name for s in sources})
    shown = ", ".join(names[:2]) + (f" and {len(names) - 2} more" if len(names) > 2 else "")
    provider = "CelesTrak" if any("celestrak" in s.lower() for s in sources) else "element sets"
    return f"{provider} ({shown})"
