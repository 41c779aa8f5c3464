"""The coverage engine: how many satellites each cell of a region sees above a mask, over time.

For every epoch ``t`` and every cell ``c`` the engine counts the satellites whose elevation
above the cell's WGS84 horizon is at least the mask. It works in the Earth-fixed frame:

1. **Propagation.** SGP4 (python-sgp4) gives TEME positions; rotating by GMST82 of UT1 gives
   Earth-fixed positions (:mod:`cosmodrome.astro.coverage.frames`).
2. **Pruning.** A satellite at geocentric radius ``r`` can stand above elevation ``e`` only
   for observers within the central angle ``λ = arccos(r_obs cos e / r) - e`` of the point
   beneath it. The engine first propagates every satellite on a coarse sub-grid of epochs
   (every ``coarse_stride`` steps); between two coarse epochs the sub-satellite point moves
   no faster than the satellite's largest angular rate ``w`` (perigee rate plus Earth
   rotation), so ``angle(t) >= max(a0 - w (t - t0), a1 - w (t1 - t))`` bounds its distance
   from the region's enclosing cap. Only (satellite, epoch) pairs whose bound is within the
   cap radius plus ``λ`` are propagated exactly, one ``Satrec.sgp4_array`` call per satellite;
   the bounds are conservative (polar radius for the observer, apogee plus margin for the
   satellite, 0.2 degrees for the geodetic-geocentric vertical), so pruning never drops a
   visible satellite. The region is split into tiles and each tile repeats the test with
   its own smaller cap.
3. **Elevation test, as matrix products.** With ``U`` the cells' unit up-vectors, ``O`` their
   positions (at the grid's height above the ellipsoid, ``Grid.height_m``) and ``P`` the satellites' positions, ``u = U Pᵀ - (U·O)`` is the height of
   each satellite above each cell's horizon plane and ``d² = |P|² - 2 O Pᵀ + |O|²`` its
   squared range; a satellite is at or above mask ``e`` when ``u >= 0`` and
   ``u² >= sin²(e) d²``. No trigonometry per pair.
4. **Counting and statistics** stream over chunks of epochs
   (:class:`cosmodrome.astro.coverage.stats.StatsAccumulator`).

Memory is bounded by two knobs: ``chunk_sat_epochs`` (default 2^21, about 2 million
satellite-epochs per time chunk; at most about 100 bytes each, so ~210 MB) and
``max_kernel_elements`` (default 2^22 cell-satellite pairs per matrix block, with five float64
temporaries about 170 MB), plus the per-cell statistics and one chunk of counts (2 bytes per
cell-epoch). Neither grows with the length of the window.

Propagation failures come back per satellite (SGP4 error codes): a satellite that fails at
the start or the end of the window is skipped and counted by reason (``decayed`` for code 6);
a failure at an epoch in between makes that epoch's position invisible and is counted.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, NamedTuple, Protocol

import numpy as np
import numpy.typing as npt
from sgp4.api import WGS72, Satrec, SatrecArray

from cosmodrome.astro.coverage import frames
from cosmodrome.astro.coverage.regions import Grid
from cosmodrome.errors import InputError
from cosmodrome.timeutil import require_utc

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
CountArray = npt.NDArray[np.uint16]
Progress = Callable[[int], None]

MU_WGS72_KM3_S2 = 398600.8
SGP4_ERRORS = {
    1: "mean eccentricity out of range",
    2: "mean motion below zero",
    3: "perturbed eccentricity out of range",
    4: "semi-latus rectum below zero",
    6: "decayed",
}
_EPOCH_1949_JD = 2433281.5
_VERTICAL_MARGIN_DEG = 0.2  # geodetic vs geocentric vertical differ by at most 0.1924 deg
_RADIUS_MARGIN_KM = 50.0  # short-period SGP4 terms move the radius by ~10 km
_ANGLE_MARGIN_RAD = math.radians(0.1)
_RATE_MARGIN = 1.05


class StaleElementsWarning(UserWarning):
    """Element sets whose epochs lie far from the requested window."""


class ElementParams(NamedTuple):
    """The SGP4 initialisation values of one satellite: a picklable :class:`Satrec`.

    Both engines rebuild their ``Satrec`` objects from these (``Satrec.sgp4init``), so the
    NumPy and the Dask engine propagate bit-identical states.
    """

    satnum: int
    epoch_days_1949: float
    bstar: float
    ndot: float
    nddot: float
    ecco: float
    argpo: float
    inclo: float
    mo: float
    no_kozai: float
    nodeo: float
    opsmode: str

    @classmethod
    def from_satrec(cls, satrec: Satrec) -> ElementParams:
        return cls(
            int(satrec.satnum),
            (satrec.jdsatepoch - _EPOCH_1949_JD) + satrec.jdsatepochF,
            satrec.bstar,
            satrec.ndot,
            satrec.nddot,
            satrec.ecco,
            satrec.argpo,
            satrec.inclo,
            satrec.mo,
            satrec.no_kozai,
            satrec.nodeo,
            str(satrec.operationmode),
        )

    def satrec(self) -> Satrec:
        built = Satrec()
        built.sgp4init(
            WGS72,
            self.opsmode,
            self.satnum,
            self.epoch_days_1949,
            self.bstar,
            self.ndot,
            self.nddot,
            self.ecco,
            self.argpo,
            self.inclo,
            self.mo,
            self.no_kozai,
            self.nodeo,
        )
        return built

    @property
    def epoch_jd(self) -> float:
        return self.epoch_days_1949 + _EPOCH_1949_JD


@dataclass(frozen=True)
class Window:
    """The epochs: ``start_utc + k * step_s`` for ``k = 0 .. count - 1``."""

    start_utc: datetime
    step_s: float
    count: int

    @classmethod
    def from_duration(cls, start_utc: datetime, duration_s: float, step_s: float) -> Window:
        """Epochs from ``start_utc`` every ``step_s`` seconds, the end of ``duration_s`` excluded.

        >>> from datetime import UTC
        >>> Window.from_duration(datetime(2025, 10, 3, tzinfo=UTC), 3600, 30).count
        120
        """
        if not (math.isfinite(step_s) and step_s > 0):
            raise InputError(f"step must be a positive number of seconds, got {step_s}")
        if not (math.isfinite(duration_s) and duration_s > 0):
            raise InputError(f"duration must be positive, got {duration_s} s")
        count = max(1, math.ceil(duration_s / step_s - 1e-9))
        return cls(require_utc(start_utc), float(step_s), count)

    def times_utc(self) -> list[datetime]:
        return [self.start_utc + timedelta(seconds=self.step_s * k) for k in range(self.count)]

    @property
    def end_utc(self) -> datetime:
        return self.start_utc + timedelta(seconds=self.step_s * (self.count - 1))


@dataclass(frozen=True)
class Tile:
    """A group of cells with the cap that encloses them (centre unit vector, radius)."""

    cells: IntArray
    centre: FloatArray
    radius_rad: float


class CoverageProblem:
    """Everything a worker needs to count visible satellites: picklable, no open resources.

    Build it with :func:`build_problem`; the engines call :meth:`count_chunk`.
    """

    def __init__(
        self,
        elements: Sequence[ElementParams],
        grid: Grid,
        window: Window,
        mask_deg: float,
        *,
        tile_deg: float = 3.0,
        coarse_stride: int = 8,
        chunk_sat_epochs: int = 2**21,
        max_kernel_elements: int = 2**22,
    ) -> None:
        if not (math.isfinite(mask_deg) and 0.0 <= mask_deg <= 90.0):
            raise InputError(f"elevation mask must be between 0 and 90 degrees, got {mask_deg}")
        if len(grid) == 0:
            raise InputError("the region has no cells")
        if coarse_stride < 1:
            raise InputError("coarse_stride must be at least 1")
        self.elements = tuple(elements)
        self.grid = grid
        self.window = window
        self.mask_deg = float(mask_deg)
        self.coarse_stride = int(coarse_stride)
        self.max_kernel_elements = int(max_kernel_elements)
        n_sats = max(1, len(self.elements))
        epochs = max(coarse_stride, chunk_sat_epochs // n_sats // coarse_stride * coarse_stride)
        self.chunk_epochs = int(min(window.count, epochs))

        self.jd_whole, self.jd_fraction = frames.julian_dates(
            window.start_utc, window.step_s, window.count
        )
        self.theta_rad = frames.earth_rotation_rad(window.start_utc, window.step_s, window.count)

        self.cell_xyz_km = frames.geodetic_to_ecef_km(grid.lat_deg, grid.lon_deg, grid.height_m)
        self.cell_up = frames.up_vectors(grid.lat_deg, grid.lon_deg)
        self.cell_up_dot_pos = np.einsum("ij,ij->i", self.cell_up, self.cell_xyz_km)
        self.cell_r2 = np.einsum("ij,ij->i", self.cell_xyz_km, self.cell_xyz_km)
        sin2 = math.sin(math.radians(self.mask_deg)) ** 2
        self._horizon_rows = np.column_stack([self.cell_up, -self.cell_up_dot_pos])
        self._range_rows = sin2 * np.column_stack(
            [-2.0 * self.cell_xyz_km, self.cell_r2, np.ones(len(grid))]
        )
        cell_dirs = frames.unit_vectors(grid.lat_deg, grid.lon_deg)
        self.region_centre, self.region_radius_rad = _enclosing_cap(cell_dirs)
        self.tiles = _tiles(grid, cell_dirs, tile_deg)

        observer_km = frames.WGS84_B_KM + min(0.0, grid.height_m / 1000.0)
        self.reach_rad = np.array(
            [visibility_angle_rad(e, self.mask_deg, observer_km) for e in self.elements]
        )
        self.rate_rad_s = np.array([max_angular_rate_rad_s(e) for e in self.elements])
        self._satrecs: list[Satrec] | None = None

    def __getstate__(self) -> dict[str, Any]:
        state = self.__dict__.copy()
        state["_satrecs"] = None
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)

    @property
    def satrecs(self) -> list[Satrec]:
        if self._satrecs is None:
            self._satrecs = [e.satrec() for e in self.elements]
        return self._satrecs

    def chunks(self) -> list[tuple[int, int]]:
        """The ``(first, end)`` epoch indices of each time chunk, in order."""
        n = self.window.count
        return [(i, min(n, i + self.chunk_epochs)) for i in range(0, n, self.chunk_epochs)]

    def count_chunk(self, first: int, end: int, sats: IntArray | None = None) -> ChunkCounts:
        """Visible-satellite counts ``(cells, end - first)`` from the satellites ``sats``."""
        sat_idx = np.arange(len(self.elements)) if sats is None else np.asarray(sats, np.int64)
        n_t = end - first
        counts = np.zeros((len(self.grid), n_t), dtype=np.uint16)
        result = ChunkCounts(first, counts)
        if sat_idx.size == 0 or n_t <= 0:
            return result
        epochs = np.arange(first, end)
        coarse_local = np.unique(np.r_[np.arange(0, n_t, self.coarse_stride), n_t - 1])
        # 1. coarse propagation of every satellite of the block
        array = SatrecArray([self.satrecs[i] for i in sat_idx])
        err, r_teme, _ = array.sgp4(
            self.jd_whole[epochs[coarse_local]], self.jd_fraction[epochs[coarse_local]]
        )
        r_ecef = frames.teme_to_ecef(r_teme, self.theta_rad[epochs[coarse_local]][None, :])
        norms = np.linalg.norm(r_ecef, axis=-1)
        with np.errstate(invalid="ignore", divide="ignore"):
            cosang = np.einsum("stk,k->st", r_ecef, self.region_centre) / norms
        angle = np.arccos(np.clip(np.nan_to_num(cosang, nan=-1.0), -1.0, 1.0))
        failed = (err != 0).any(axis=1)
        for row in np.flatnonzero(failed):
            code = int(err[row][err[row] != 0][0])
            result.failures[int(sat_idx[row])] = code
        # 2. conservative bound on the angle at every fine epoch
        segment = np.searchsorted(coarse_local, np.arange(n_t), side="right") - 1
        segment = np.minimum(segment, len(coarse_local) - 2) if len(coarse_local) > 1 else segment
        t_fine = np.arange(n_t) * self.window.step_s
        t0 = coarse_local[segment] * self.window.step_s
        if len(coarse_local) > 1:
            t1 = coarse_local[segment + 1] * self.window.step_s
            a1 = angle[:, segment + 1]
        else:
            t1 = t0
            a1 = angle[:, segment]
        a0 = angle[:, segment]
        rate = self.rate_rad_s[sat_idx][:, None]
        bound = np.maximum(a0 - rate * (t_fine - t0), a1 - rate * (t1 - t_fine))
        limit = (self.region_radius_rad + self.reach_rad[sat_idx])[:, None]
        candidate = (bound <= limit) & ~failed[:, None]
        # 3. exact propagation of the candidate pairs, one call per satellite
        rows, cols = np.nonzero(candidate)  # satellite-major
        if rows.size == 0:
            return result
        starts = np.searchsorted(rows, np.arange(len(sat_idx) + 1))
        positions = np.empty((rows.size, 3))
        ok = np.ones(rows.size, dtype=bool)
        for row in np.flatnonzero(np.diff(starts)):
            lo, hi = starts[row], starts[row + 1]
            fine = epochs[cols[lo:hi]]
            e, r, _ = self.satrecs[sat_idx[row]].sgp4_array(
                self.jd_whole[fine], self.jd_fraction[fine]
            )
            positions[lo:hi] = r
            if e.any():
                ok[lo:hi] = e == 0
                code = int(e[e != 0][0])
                result.failures.setdefault(int(sat_idx[row]), code)
        order = np.argsort(cols, kind="stable")  # epoch-major for the segment sums
        pair_t = cols[order]
        pair_s = rows[order]
        pos = frames.teme_to_ecef(positions[order], self.theta_rad[epochs[pair_t]])
        keep = ok[order]
        pair_t, pair_s, pos = pair_t[keep], pair_s[keep], pos[keep]
        result.evaluated_pairs = 0
        # 4. per tile: prune with the tile's cap, then the elevation test
        direction = pos / np.linalg.norm(pos, axis=1)[:, None]
        reach = self.reach_rad[sat_idx][pair_s]
        for tile in self.tiles:
            near = direction @ tile.centre >= np.cos(np.minimum(tile.radius_rad + reach, np.pi))
            if not near.any():
                continue
            result.evaluated_pairs += int(near.sum()) * len(tile.cells)
            self._count_tile(tile.cells, pos[near], pair_t[near], counts)
        return result

    def _count_tile(
        self, cells: IntArray, pos: FloatArray, pair_t: IntArray, counts: CountArray
    ) -> None:
        block = max(1, self.max_kernel_elements // len(cells))
        for lo in range(0, len(pos), block):
            p = pos[lo : lo + block]
            t = pair_t[lo : lo + block]
            visible = self.visible(cells, p)
            present = np.flatnonzero(np.bincount(t - t[0], minlength=1)) + t[0]
            group_starts = np.searchsorted(t, present)
            sums = np.add.reduceat(visible, group_starts, axis=1, dtype=np.uint16)
            counts[np.ix_(cells, present)] += sums

    def visible(self, cells: IntArray, pos: FloatArray) -> npt.NDArray[np.bool_]:
        """Whether each satellite position (Earth-fixed km) is at or above the mask from each cell.

        Returns a boolean matrix ``(len(cells), len(pos))`` from two matrix products:
        ``h = [U, -U·O] [P, 1]ᵀ`` (height above the horizon plane) and
        ``q = sin²(mask) [-2 O, |O|², 1] [P, 1, |P|²]ᵀ`` (squared range times sin² of the
        mask); visible where ``h >= 0`` and ``h² >= q``.
        """
        ones = np.ones((len(pos), 1))
        height = self._horizon_rows[cells] @ np.hstack([pos, ones]).T
        above = height >= 0.0
        if self.mask_deg == 0.0:
            return above
        r2 = np.einsum("ij,ij->i", pos, pos)[:, None]
        range2 = self._range_rows[cells] @ np.hstack([pos, ones, r2]).T
        height *= height
        above &= height >= range2
        return above


@dataclass
class ChunkCounts:
    """Counts of one time chunk (epochs ``first ..``), and the satellites that failed in it."""

    first: int
    counts: CountArray
    failures: dict[int, int] = field(default_factory=dict)
    evaluated_pairs: int = 0

    def add(self, other: ChunkCounts) -> None:
        """Add the counts of another satellite block of the same chunk."""
        self.counts += other.counts
        for sat, code in other.failures.items():
            self.failures.setdefault(sat, code)
        self.evaluated_pairs += other.evaluated_pairs


class CountSink(Protocol):
    def add(self, counts: CountArray) -> None: ...


def visibility_angle_rad(
    element: ElementParams, mask_deg: float, observer_radius_km: float = frames.WGS84_B_KM
) -> float:
    """Largest central angle between a satellite and an observer that sees it above the mask.

    Conservative: apogee radius plus 50 km, the WGS84 polar radius for the observer (pass a
    smaller ``observer_radius_km`` for observers below the ellipsoid; a higher observer sees
    less far than this bound), the mask lowered by 0.2 degrees (geodetic against geocentric
    vertical) and 0.1 degree more.
    """
    n_rad_s = element.no_kozai / 60.0
    if n_rad_s <= 0:
        return math.pi
    a_km = (MU_WGS72_KM3_S2 / n_rad_s**2) ** (1.0 / 3.0)
    r_sat = a_km * (1.0 + element.ecco) + _RADIUS_MARGIN_KM
    mask = math.radians(mask_deg - _VERTICAL_MARGIN_DEG)
    ratio = observer_radius_km * math.cos(mask) / r_sat
    if ratio >= 1.0:
        return 0.0
    return min(math.pi, math.acos(ratio) - mask + _ANGLE_MARGIN_RAD)


def max_angular_rate_rad_s(element: ElementParams) -> float:
    """Upper bound on how fast the sub-satellite point moves, radians per second.

    At perigee the orbital angular rate is ``n (1+e)² / (1-e²)^1.5``; Earth rotation adds at
    most its own rate; 5% covers SGP4's perturbations of the mean elements.
    """
    e = min(float(element.ecco), 0.999)
    n_rad_s = abs(float(element.no_kozai)) / 60.0
    orbital = n_rad_s * (1.0 + e) ** 2 / (1.0 - e * e) ** 1.5
    return float(_RATE_MARGIN * (orbital + frames.EARTH_ROTATION_RAD_S))


def _enclosing_cap(directions: FloatArray) -> tuple[FloatArray, float]:
    centre = directions.mean(axis=0)
    norm = float(np.linalg.norm(centre))
    if norm < 1e-9:  # directions all around the globe
        return np.array([0.0, 0.0, 1.0]), math.pi
    centre = centre / norm
    radius = float(np.arccos(np.clip(directions @ centre, -1.0, 1.0)).max())
    return centre, min(math.pi, radius + 1e-9)


def _tiles(grid: Grid, directions: FloatArray, tile_deg: float) -> list[Tile]:
    row = np.floor(grid.lat_deg / tile_deg).astype(np.int64)
    col = np.floor(grid.lon_deg / tile_deg).astype(np.int64)
    key = row * 100_000 + col
    tiles = []
    for value in np.unique(key):
        cells = np.flatnonzero(key == value)
        centre, radius = _enclosing_cap(directions[cells])
        tiles.append(Tile(cells, centre, radius))
    return tiles


def stale_elements(
    elements: Sequence[ElementParams], window: Window, max_age_days: float
) -> tuple[int, float]:
    """How many element sets lie more than ``max_age_days`` from the window, and the worst age."""
    if not elements:
        return 0, 0.0
    start_jd = frames.julian_dates(window.start_utc, window.step_s, 1)
    start = float(start_jd[0][0] + start_jd[1][0])
    end = start + (window.count - 1) * window.step_s / frames.DAY_S
    epochs = np.array([e.epoch_jd for e in elements])
    age = np.maximum(start - epochs, 0.0) + np.maximum(epochs - end, 0.0)
    return int((age > max_age_days).sum()), float(age.max())


def screen_failures(elements: Sequence[ElementParams], window: Window) -> dict[int, int]:
    """SGP4 error codes of the satellites that fail at the first or the last epoch."""
    if not elements:
        return {}
    whole, fraction = frames.julian_dates(window.start_utc, window.step_s, window.count)
    ends = np.array([0, window.count - 1])
    err, _, _ = SatrecArray([e.satrec() for e in elements]).sgp4(whole[ends], fraction[ends])
    failures = {}
    for row in np.flatnonzero((err != 0).any(axis=1)):
        failures[int(row)] = int(err[row][err[row] != 0][0])
    return failures


def describe_failures(failures: dict[int, int]) -> dict[str, int]:
    """Failures counted by reason: ``{"decayed": 3, ...}``."""
    tally: dict[str, int] = {}
    for code in failures.values():
        reason = SGP4_ERRORS.get(code, f"sgp4 error {code}")
        tally[reason] = tally.get(reason, 0) + 1
    return tally
