"""The orbit operations of the façade (:mod:`cosmodrome.api`): each takes one request type.

The CLI and the web both answer "launch windows from a site into a satellite's plane",
"passes of a satellite over a place" and "where is it", and both take the satellite from
the element store or the plane from RAAN and inclination. That choice is made here, once
(:func:`target_of`), so both interfaces accept and refuse the same things; they only turn
their flags or query fields into :class:`TargetSpec` and friends.

Importing this module is cheap (dataclasses only): Skyfield, SGP4 and pandas load when an
operation runs.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cosmodrome.errors import InputError, SourceError, UnknownNameError

if TYPE_CHECKING:
    import pandas as pd

    from cosmodrome.astro.celestrak import GpQuery
    from cosmodrome.astro.elements import ElementSet
    from cosmodrome.astro.gazetteer import LaunchPoint, Place
    from cosmodrome.astro.passes import PassesResult
    from cosmodrome.astro.store import LoadedFile
    from cosmodrome.astro.windows import PlaneTarget, WindowsResult
    from cosmodrome.tables import Rows


@dataclass(frozen=True)
class TargetSpec:
    """What to aim at: a satellite of the element store (NORAD number or name), a
    satellite of an element file (``tle``, with ``satellite`` to pick one of several), or a
    bare plane (``raan_deg`` and ``inclination_deg`` at ``epoch_utc``, default the start)."""

    satellite: str | None = None
    tle: Path | None = None
    raan_deg: float | None = None
    inclination_deg: float | None = None
    epoch_utc: datetime | None = None

    @property
    def is_plane(self) -> bool:
        return self.raan_deg is not None or self.inclination_deg is not None


@dataclass(frozen=True)
class WindowsRequest:
    """Launch windows from ``site`` (a spaceport or ``lat,lon[,height_m]``; ``pad``
    optional) into the plane of ``target`` over ``days`` from ``start_utc`` (default now)."""

    site: str
    target: TargetSpec
    pad: str | None = None
    start_utc: datetime | None = None
    days: float = 1.0
    max_yaw_deg: float = 1.0


@dataclass(frozen=True)
class PassesRequest:
    """Passes of ``satellite`` over the place ``at`` (spaceport, city or coordinates)."""

    at: str
    satellite: TargetSpec
    start_utc: datetime | None = None
    days: float = 1.0
    min_elevation_deg: float = 10.0
    visible_only: bool = False


@dataclass(frozen=True)
class WhereRequest:
    """The sub-satellite point of ``satellite`` at ``times_utc`` (default: now)."""

    satellite: TargetSpec
    times_utc: tuple[datetime, ...] = ()


@dataclass(frozen=True)
class ElementsUpdateRequest:
    """CelesTrak element sets to download: groups, catalog numbers, designators, names
    (the default groups when none of them is given)."""

    groups: tuple[str, ...] = ()
    catnrs: tuple[int | str, ...] = ()
    designators: tuple[str, ...] = ()
    names: tuple[str, ...] = ()
    fmt: str = "json"
    source: str | None = None
    fallback_source: Path | None = None
    lenient: bool = False


@dataclass(frozen=True)
class WindowsAnswer:
    point: LaunchPoint
    target: ElementSet | PlaneTarget
    start_utc: datetime
    result: WindowsResult
    #: Why there is no window at all, when that is the answer (the site never lies in the
    #: plane); ``None`` otherwise.
    none: str | None = None

    @property
    def norad_id(self) -> int | None:
        return getattr(self.target, "norad_id", None)

    @property
    def source(self) -> str:
        if self.norad_id is None:
            return "A circular plane given by RAAN and inclination"
        return element_source(self.target)  # type: ignore[arg-type]


@dataclass(frozen=True)
class PassesAnswer:
    place: Place
    target: ElementSet
    start_utc: datetime
    result: PassesResult

    @property
    def source(self) -> str:
        return element_source(self.target)

    @property
    def time_zone(self) -> str | None:
        return self.result.passes[0].time_zone if self.result.passes else None


@dataclass(frozen=True)
class WhereAnswer:
    target: ElementSet
    rows: Rows
    warnings: list[str] = field(default_factory=list)

    @property
    def frame(self) -> pd.DataFrame:
        """The rows as a DataFrame, for Python users (loads pandas)."""
        return self.rows.to_frame()


@dataclass(frozen=True)
class ElementsUpdateAnswer:
    files: list[LoadedFile]
    #: The mirror used because CelesTrak could not be reached (``None`` when it could).
    fell_back_to: Path | None = None


def now_utc() -> datetime:
    return datetime.now(UTC)


def element_source(elements: ElementSet) -> str:
    """Where an element set came from, for a ``source`` line (file name only)."""
    from cosmodrome.timeutil import isoformat_z

    return (
        f"Element set {Path(elements.source).name}, epoch {isoformat_z(elements.epoch_utc)} "
        "(CelesTrak GP data, 18th Space Defense Squadron)"
    )


def target_of(
    spec: TargetSpec, when_utc: datetime, home: Path | None = None
) -> ElementSet | PlaneTarget:
    """The satellite's element set nearest ``when_utc``, or the bare plane: the one place
    that decides between a stored satellite, a file and a plane."""
    if spec.is_plane:
        if spec.raan_deg is None or spec.inclination_deg is None:
            raise InputError(
                "a bare target plane needs both its RAAN and its inclination"
            ).with_hints(cli="(--raan and --inclination)", web="(raan_deg and inc_deg)")
        from cosmodrome.astro.windows import plane_target

        return plane_target(spec.raan_deg, spec.inclination_deg, spec.epoch_utc or when_utc)
    return satellite_of(spec, when_utc, home)


def satellite_of(spec: TargetSpec, when_utc: datetime, home: Path | None = None) -> ElementSet:
    """The element set nearest ``when_utc`` of the satellite ``spec`` names (a plane is
    refused: passes and positions need a satellite)."""
    if spec.is_plane:
        raise InputError("a bare plane has no position: name a satellite")
    if spec.tle is not None:
        return _from_file(spec.tle, spec.satellite, when_utc)
    if spec.satellite is None or not spec.satellite.strip():
        raise InputError(
            "name a satellite (NORAD number or name) or give an element file"
        ).with_hints(cli="--sat/--target NORAD_ID_OR_NAME, or --tle FILE", web="e.g. sat=25544")
    from cosmodrome.astro.store import ElementStore, NoElementsError, elements_path

    with ElementStore(elements_path(home)) as store:
        if store.count() == 0:
            raise NoElementsError("the element store is empty").with_hints(
                cli="run `cosmodrome elements update` or `cosmodrome elements load FILE`",
                web="Its operator fills it with `make run` or `cosmodrome elements update`.",
            )
        return store.nearest(store.resolve(spec.satellite), when_utc)


def _from_file(path: Path, satellite: str | None, when_utc: datetime) -> ElementSet:
    from cosmodrome.astro.elements import load_elements
    from cosmodrome.astro.store import pick_satellite, satellite_suggestions

    records = load_elements(path).records
    if not records:
        raise InputError(f"{path} holds no element sets")
    if satellite is not None:
        wanted = satellite.strip()
        known = sorted({(r.name, r.norad_id) for r in records})
        chosen = int(wanted) if wanted.isdigit() else pick_satellite(wanted, known)
        records = [r for r in records if r.norad_id == chosen]
        if not records:
            raise UnknownNameError(
                f"satellite in {path}", satellite, satellite_suggestions(satellite, known)
            )
    ids = {r.norad_id for r in records}
    if len(ids) > 1:
        examples = ", ".join(sorted({f"{r.norad_id} ({r.name})" for r in records})[:5])
        raise InputError(f"{path} holds {len(ids)} satellites; name one (e.g. {examples})")
    return min(records, key=lambda r: abs(r.age_days(when_utc)))


def windows(request: WindowsRequest, home: Path | None = None) -> WindowsAnswer:
    """Launch windows: times the launch point passes through the target's orbital plane."""
    from cosmodrome.astro.gazetteer import resolve_launch_point
    from cosmodrome.astro.windows import NoInPlaneTimeError, WindowsResult, windows_from

    start = request.start_utc or now_utc()
    point = resolve_launch_point(request.site, request.pad)
    named = (request.target.satellite or "").strip() or request.target.tle
    if not request.target.is_plane and not named:
        raise InputError(
            "name a target satellite (NORAD number or name) or a plane (RAAN, inclination)"
        ).with_hints(
            cli="(--target, or --raan and --inclination)",
            web="(target=25544, or raan_deg and inc_deg)",
        )
    goal = target_of(request.target, start, home)
    try:
        result = windows_from(point, goal, start, request.days, max_yaw_deg=request.max_yaw_deg)
    except NoInPlaneTimeError as never:
        name = getattr(goal, "name", "the plane")
        norad = getattr(goal, "norad_id", None)
        label = f"{name} ({norad})" if norad is not None else name
        empty = WindowsResult([], request.max_yaw_deg, label)
        return WindowsAnswer(point, goal, start, empty, none=str(never))
    return WindowsAnswer(point, goal, start, result)


def passes(request: PassesRequest, home: Path | None = None) -> PassesAnswer:
    """Passes of a satellite over a place: rise, culmination, set (UTC and local time)."""
    from cosmodrome.astro.gazetteer import resolve_location
    from cosmodrome.astro.passes import Observer, find_passes

    start = request.start_utc or now_utc()
    place = resolve_location(request.at)
    target = satellite_of(request.satellite, start, home)
    observer = Observer(place.name, place.lat_deg, place.lon_deg, place.height_m)
    result = find_passes(
        target,
        observer,
        start,
        request.days,
        min_elevation_deg=request.min_elevation_deg,
        visible_only=request.visible_only,
    )
    return PassesAnswer(place, target, start, result)


def where(request: WhereRequest, home: Path | None = None) -> WhereAnswer:
    """Sub-satellite point and altitude of a satellite at given times."""
    from cosmodrome.astro.elements import epoch_warnings
    from cosmodrome.astro.where import where_rows

    moments = request.times_utc or (now_utc(),)
    target = satellite_of(request.satellite, moments[0], home)
    rows = where_rows(target, list(moments))
    return WhereAnswer(target, rows, list(epoch_warnings(target, min(moments), max(moments))))


def update_elements(
    request: ElementsUpdateRequest, home: Path | None = None
) -> ElementsUpdateAnswer:
    """Download CelesTrak element sets (OMM first) into the store; from the mirror
    ``fallback_source`` when CelesTrak cannot be reached and no ``source`` was named."""
    from cosmodrome.astro import celestrak
    from cosmodrome.astro.store import elements_path

    if request.fmt not in celestrak.FORMATS:
        raise InputError(f"format {request.fmt!r}: choose one of {', '.join(celestrak.FORMATS)}")
    queries: list[GpQuery] = [
        *(celestrak.catnr(n) for n in request.catnrs),
        *(celestrak.intdes(d) for d in request.designators),
        *(celestrak.by_name(n) for n in request.names),
    ]
    if request.groups or not queries:
        groups = request.groups or celestrak.DEFAULT_GROUPS
        queries = [celestrak.group(g) for g in groups] + queries
    store = elements_path(home)

    def fetch(source: str | None) -> list[LoadedFile]:
        return celestrak.update_elements(
            queries, source=source, store_path=store, lenient=request.lenient, fmt=request.fmt
        )

    try:
        return ElementsUpdateAnswer(fetch(request.source))
    except SourceError as error:
        mirror = request.fallback_source
        if mirror is None or request.source is not None:
            raise
        if not (mirror / "celestrak").is_dir():
            raise SourceError(
                f"{error}\nNo mirror at {mirror} either (no celestrak/ folder)."
            ) from None
        return ElementsUpdateAnswer(fetch(str(mirror)), fell_back_to=mirror)


def load_elements_file(
    path: Path, *, lenient: bool = False, home: Path | None = None
) -> LoadedFile:
    """Read an element file (TLE/3LE or OMM JSON/CSV/XML) from disk into the store."""
    from cosmodrome.astro.store import elements_path, load_file_into_store

    return load_file_into_store(path, store_path=elements_path(home), lenient=lenient)


def element_store_summary(home: Path | None = None) -> dict[str, Any] | None:
    """What the element store holds (``None`` when there is none, or it is being rewritten)."""
    from cosmodrome.astro.store import ElementStore, elements_path

    path = elements_path(home)
    if not path.is_file():
        return None
    try:
        with ElementStore(path) as store:
            return store.summary()
    except Exception:  # a store being rewritten: callers fall back to today
        return None
