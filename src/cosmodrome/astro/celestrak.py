"""CelesTrak GP element sets: OMM first, TLE as the fallback, fetched politely.

CelesTrak ran out of five-digit catalog numbers: objects numbered above 99,999 have no TLE
and come only as OMM. So every query asks for OMM (JSON by default, or CSV) and falls back to
the 3-line TLE format only when the OMM answer is unusable (an unreadable body, or HTTP 400,
404 or 501 for the format); ``fmt="tle"`` asks for TLE outright. A query is a GP group or a
single-object search, as on CelesTrak's ``gp.php``::

    >>> [q.label for q in (group("stations"), catnr(25544), intdes("2023-198"), by_name("ISS"))]
    ['GROUP=stations', 'CATNR=25544', 'INTDES=2023-198', 'NAME=ISS']
    >>> catnr(270000123).relpath("json")
    'gp.php?CATNR=270000123&FORMAT=json'

Polite use, as CelesTrak asks: no retries (the first error stops the update), conditional
requests (``If-None-Match`` / ``If-Modified-Since``) through the project's
:class:`~cosmodrome.sources.loader.Loader`, and no second download of a query within two
hours (:data:`CELESTRAK_MAX_AGE_S`); the cached copy is used instead.

A source may also be a local mirror folder holding ``<group>-<YYYY-MM-DD>.tle``,
``.omm.json`` or ``.omm.csv`` files (``../shared/data/celestrak``): a group reads its newest
file (OMM before TLE of the same date); a single-object query searches the newest file of
every group.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import httpx

from cosmodrome import config
from cosmodrome.astro.elements import ElementSet, ElementSetError, ParseResult, load_elements
from cosmodrome.astro.store import ElementStore, LoadedFile, international_designator
from cosmodrome.errors import InputError, SourceError
from cosmodrome.sources.loader import (
    CachedFile,
    DownloadError,
    Loader,
    Source,
    ends_on_a_line,
)

__all__ = [
    "CELESTRAK_MAX_AGE_S",
    "DEFAULT_GROUPS",
    "FORMATS",
    "GpQuery",
    "by_name",
    "catnr",
    "default_celestrak_source",
    "group",
    "intdes",
    "newest_mirror_file",
    "update_elements",
    "update_groups",
]

#: CelesTrak's published limit: one download of a query per two hours.
CELESTRAK_MAX_AGE_S = 7200.0
DEFAULT_GROUPS = ("stations", "active")
#: ``FORMAT=`` values asked of CelesTrak: OMM JSON (default), OMM CSV, 3-line TLE.
FORMATS = ("json", "csv", "tle")
MAX_CATALOG_NUMBER = 999_999_999
#: HTTP answers that mean "not in this format": worth one TLE request. Others (403, 429,
#: 5xx, no connection) stop the update, as CelesTrak asks.
_FORMAT_REFUSED = {400, 404, 501}
_EXTENSIONS = {"json": "omm.json", "csv": "omm.csv", "tle": "tle"}
_MIRROR_FILE = re.compile(
    r"^(?P<group>[a-z0-9-]+?)-(?P<date>\d{4}-\d{2}-\d{2})\.(?P<ext>tle|omm\.json|omm\.csv)$"
)
_GROUP = re.compile(r"[a-z0-9-]+")
_INTDES = re.compile(r"(?P<launch>\d{4}-\d{3})(?P<piece>[A-Z]{0,3})")


@dataclass(frozen=True)
class GpQuery:
    """One ``gp.php`` query: ``kind`` is GROUP, CATNR, INTDES or NAME."""

    kind: str
    value: str

    @property
    def label(self) -> str:
        return f"{self.kind}={self.value}"

    def relpath(self, fmt: str) -> str:
        """The request below CelesTrak's base URL."""
        return f"gp.php?{self.kind}={quote(self.value, safe='-')}&FORMAT={fmt}"

    def cache_name(self, fmt: str) -> str:
        safe = re.sub(r"[^A-Za-z0-9-]+", "_", self.value)
        stem = safe if self.kind == "GROUP" else f"{self.kind.lower()}-{safe}"
        return f"celestrak/{stem}.{_EXTENSIONS[fmt]}"

    def matches(self, record: ElementSet) -> bool:
        """Whether ``record`` answers this single-object query (mirror searches)."""
        if self.kind == "CATNR":
            return record.norad_id == int(self.value)
        if self.kind == "INTDES":
            designator = international_designator(record) or ""
            return designator == self.value or designator[:8] == self.value
        if self.kind == "NAME":
            return self.value.casefold() in record.name.casefold()
        return True


def group(name: str) -> GpQuery:
    """A CelesTrak GP group (``stations``, ``active``, ``starlink``, ...)."""
    text = name.strip().lower()
    if not _GROUP.fullmatch(text):
        raise InputError(f"{name!r} is not a CelesTrak group name (e.g. stations, active)")
    return GpQuery("GROUP", text)


def catnr(number: int | str) -> GpQuery:
    """One object by catalog number, 1 to 999,999,999 (above 99,999: OMM only)."""
    text = str(number).strip()
    if not text.isdigit() or not 1 <= int(text) <= MAX_CATALOG_NUMBER:
        raise InputError(
            f"catalog number {text!r} must be a whole number from 1 to {MAX_CATALOG_NUMBER:,}"
        )
    return GpQuery("CATNR", str(int(text)))


def intdes(designator: str) -> GpQuery:
    """The objects of a launch (``2023-198``) or one piece (``2023-198A``)."""
    text = designator.strip().upper()
    if not _INTDES.fullmatch(text):
        raise InputError(
            f"international designator {designator!r} must look like 2023-198 (a launch) "
            "or 2023-198A (one piece)"
        )
    return GpQuery("INTDES", text)


def by_name(text: str) -> GpQuery:
    """The objects whose name contains ``text`` (CelesTrak's ``NAME`` search)."""
    cleaned = text.strip()
    if len(cleaned) < 2:
        raise InputError("a NAME search needs at least two characters (e.g. ISS)")
    return GpQuery("NAME", cleaned)


def default_celestrak_source() -> str:
    """A local mirror named by ``$COSMODROME_SOURCE``, else CelesTrak's website."""
    configured = Source(config.default_source())
    if not configured.is_remote:
        return configured.subsource("celestrak").location
    return config.CELESTRAK_URL


def update_groups(
    groups: Sequence[str],
    *,
    source: str | None = None,
    store_path: Path | None = None,
    client: httpx.Client | None = None,
    lenient: bool = False,
    progress: bool = True,
    fmt: str = "json",
) -> list[LoadedFile]:
    """Fetch CelesTrak GP groups (OMM first) and add their element sets to the store."""
    if not groups:
        raise InputError("name at least one CelesTrak group (e.g. stations, active, starlink)")
    return update_elements(
        [group(name) for name in groups],
        source=source,
        store_path=store_path,
        client=client,
        lenient=lenient,
        progress=progress,
        fmt=fmt,
    )


def update_elements(
    queries: Sequence[GpQuery],
    *,
    source: str | None = None,
    store_path: Path | None = None,
    client: httpx.Client | None = None,
    lenient: bool = False,
    progress: bool = True,
    fmt: str = "json",
) -> list[LoadedFile]:
    """Run ``queries`` against CelesTrak (or a mirror) and keep what they return.

    Always ``retries=0``: the first failing query stops the update, as CelesTrak asks; a
    query answered less than :data:`CELESTRAK_MAX_AGE_S` ago is read from the cache.
    """
    if fmt not in FORMATS:
        raise InputError(f"unknown element format {fmt!r}; choose one of {', '.join(FORMATS)}")
    if not queries:
        raise InputError("name at least one group or object to fetch")
    origin = Source(source or default_celestrak_source())
    if not origin.is_remote:
        origin = origin.subsource("celestrak")
    cache = config.cache_dir(store_path.parent if store_path else None)
    fetcher = Loader(cache, client=client, retries=0, progress=progress)
    updates = []
    with ElementStore(store_path, read_only=False) as store:
        for query in queries:
            if origin.is_remote:
                path, used, parsed, notes = _fetch_remote(fetcher, origin, query, fmt, lenient)
            else:
                path, used, parsed = _read_mirror(Path(origin.location), query, lenient)
                notes = []
            resolved = len(store.warnings)
            new = store.add(parsed.records)
            warnings = (*notes, *map(str, parsed.warnings), *store.warnings[resolved:])
            label = query.value if query.kind == "GROUP" else query.label
            updates.append(LoadedFile(label, path, len(parsed.records), new, warnings, used))
    return updates


# ------------------------------------------------------------------------------ remote


def _fetch_remote(
    fetcher: Loader, origin: Source, query: GpQuery, fmt: str, lenient: bool
) -> tuple[Path, str, ParseResult, list[str]]:
    fallback = _recent_fallback(fetcher, origin, query, fmt)
    if fallback is not None:  # OMM was unusable within two hours: do not ask again yet
        parsed = load_elements(fallback.path, lenient=lenient)
        minutes = fallback.age_s / 60
        note = f"{query.label}: the TLE copy of {minutes:.0f} min ago (OMM was unusable then)"
        return fallback.path, "tle", parsed, [note]
    try:
        path, parsed = _fetch_one(fetcher, origin, query, fmt, lenient)
        return path, fmt, parsed, []
    except (DownloadError, _UnusableAnswer, ElementSetError) as error:
        if fmt == "tle" or not _worth_tle(error):
            raise _as_source_error(error, query) from None
        note = f"{query.label}: OMM ({fmt}) unusable ({error}); used TLE instead"
    try:
        path, parsed = _fetch_one(fetcher, origin, query, "tle", lenient)
    except (DownloadError, _UnusableAnswer, ElementSetError) as error:
        raise _as_source_error(error, query) from None
    return path, "tle", parsed, [note]


def _recent_fallback(
    fetcher: Loader, origin: Source, query: GpQuery, fmt: str
) -> CachedFile | None:
    """A TLE copy younger than two hours while no fresh OMM copy exists, else ``None``."""
    if fmt == "tle":
        return None
    omm = fetcher.cached_copy(origin, query.cache_name(fmt))
    tle = fetcher.cached_copy(origin, query.cache_name("tle"))
    if tle is None or tle.age_s >= CELESTRAK_MAX_AGE_S:
        return None
    if omm is not None and omm.fetched_at >= tle.fetched_at:
        return None
    return tle


def _fetch_one(
    fetcher: Loader, origin: Source, query: GpQuery, fmt: str, lenient: bool
) -> tuple[Path, ParseResult]:
    path = fetcher.fetch(
        origin,
        query.relpath(fmt),
        max_age_s=CELESTRAK_MAX_AGE_S,
        cache_name=query.cache_name(fmt),
        complete=answer_is_whole,
    )
    _check_answer(path, query)
    parsed = load_elements(path, lenient=lenient)
    if fmt == "tle" and not parsed.records:
        raise _UnusableAnswer("the TLE answer holds no element sets")
    return path, parsed


def answer_is_whole(path: Path) -> str | None:
    """Why an answer sent without ``Content-Length`` is cut short (``None``: it is whole).

    OMM JSON must parse (CelesTrak's arrays need not end with a newline); a short notice
    ("No GP data found") is whole; TLE and CSV must end on a complete line.
    """
    text = path.read_text("utf-8", errors="replace")
    stripped = text.strip()
    if stripped.startswith(("[", "{")):
        try:
            json.loads(stripped)
        except json.JSONDecodeError as error:
            return f"the JSON answer is cut after {len(text):,} characters ({error.msg})"
        return None
    if stripped and "\n" not in stripped and len(stripped) < 200:
        return None
    return ends_on_a_line(path)


class _UnusableAnswer(Exception):
    """CelesTrak answered 200 with something that is not element sets of the format asked."""


class _NoData(SourceError):
    """CelesTrak has no element sets for the query (in any format)."""


def _check_answer(path: Path, query: GpQuery) -> None:
    head = path.read_text("utf-8", errors="replace")[:200].strip()
    lowered = head.lower()
    if lowered.startswith("no gp data") or head in ("", "[]"):
        raise _NoData(
            f"CelesTrak has no element sets for {query.label}"
            + (" (check the group's name on celestrak.org)" if query.kind == "GROUP" else "")
        )
    if lowered.startswith(("invalid", "<!doctype", "<html")):
        raise _UnusableAnswer(f"CelesTrak answered {head[:80]!r}")


def _worth_tle(error: Exception) -> bool:
    if isinstance(error, DownloadError):
        return error.status_code in _FORMAT_REFUSED
    return True


def _as_source_error(error: Exception, query: GpQuery) -> Exception:
    if isinstance(error, SourceError | ElementSetError):
        return error
    return SourceError(f"CelesTrak's answer to {query.label} is unusable: {error}")


# ------------------------------------------------------------------------------ mirror


def newest_mirror_file(folder: Path, group_name: str) -> str:
    """The newest ``<group>-<date>`` file of a mirror folder (OMM before TLE on one date)."""
    candidates = [
        (match.group("date"), match.group("ext") != "tle", path.name)
        for path in (folder.iterdir() if folder.is_dir() else ())
        if (match := _MIRROR_FILE.match(path.name)) and match.group("group") == group_name
    ]
    if not candidates:
        groups = ", ".join(_mirror_groups(folder)) or "none"
        raise SourceError(
            f"the mirror {folder} has no file for group {group_name!r} (expected "
            f"{group_name}-YYYY-MM-DD.tle, .omm.json or .omm.csv; groups there: {groups})"
        )
    return max(candidates)[2]


def _mirror_groups(folder: Path) -> list[str]:
    names = folder.iterdir() if folder.is_dir() else ()
    return sorted({m.group("group") for p in names if (m := _MIRROR_FILE.match(p.name))})


def _read_mirror(folder: Path, query: GpQuery, lenient: bool) -> tuple[Path, str, ParseResult]:
    if query.kind == "GROUP":
        path = folder / newest_mirror_file(folder, query.value)
        return path, _format_of(path), load_elements(path, lenient=lenient)
    found = ParseResult()
    paths = [folder / newest_mirror_file(folder, name) for name in _mirror_groups(folder)]
    for path in paths:
        parsed = load_elements(path, lenient=lenient)
        found.records.extend(r for r in parsed.records if query.matches(r))
        found.warnings.extend(parsed.warnings)
    if not found.records:
        searched = ", ".join(p.name for p in paths) or "no files"
        raise SourceError(f"the mirror {folder} has no element sets for {query.label} ({searched})")
    return folder, "mirror", found


def _format_of(path: Path) -> str:
    return {"tle": "tle", "json": "json", "csv": "csv"}[path.name.rsplit(".", 1)[-1]]
