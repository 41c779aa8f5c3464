"""The coverage engine: how many satellites each cell of a region sees above a mask, over time.

For every epoch ``t`` and every cell ``c`` the engine counts the satellites whose elevation
above the cell's WGS84 horizon is at least the mask. Its cost grows with the latitude rows a
satellite can reach, not with satellites × cells. It works in the Earth-fixed frame:

1. **Propagation.** SGP4 (python-sgp4) gives TEME positions; rotating by GMST82 of UT1 gives
   Earth-fixed positions (:mod:`cosmodrome.astro.coverage.frames`). For a large region
   (the region's enclosing cap plus a footprint covers more than a hemisphere) every
   satellite is propagated once per epoch by one ``SatrecArray`` call per time chunk.
2. **Pruning, for smaller regions.** A satellite at geocentric radius ``r`` can stand above
   elevation ``e`` only for observers within the central angle
   ``λ = arccos(r_obs cos e / r) - e`` of the point beneath it. The engine first propagates
   every satellite on a coarse sub-grid of epochs (every ``coarse_stride`` steps); between
   two coarse epochs the sub-satellite point moves no faster than the satellite's largest
   angular rate ``w`` (perigee rate plus Earth rotation), so
   ``angle(t) >= max(a0 - w (t - t0), a1 - w (t1 - t))`` bounds its distance from the
   region's enclosing cap. Only (satellite, epoch) pairs whose bound is within the cap
   radius plus ``λ`` are propagated exactly, one ``Satrec.sgp4_array`` call per satellite.
   The bounds are conservative (polar radius for the observer, apogee plus margin for the
   satellite, 0.2 degrees for the geodetic-geocentric vertical): pruning never drops a
   visible satellite.
3. **Elevation test, solved per latitude row.** The cells lie on rows of equal latitude
   (:class:`Lattice`). With ``U`` a cell's up-vector, ``O`` its position and ``P`` the
   satellite's, the satellite is at or above mask ``e`` when ``u = U·(P - O) >= 0`` and
   ``u² >= sin²(e) |P - O|²``. Along one row both ``u`` and ``|P - O|²`` are affine in the
   cosine of the longitude difference, so the cells that pass form one run of longitudes
   centred under the satellite, whose half-width is closed-form (:func:`_half_width_impl`).
   Only the rows within ``λ`` of the sub-satellite latitude are solved; each run adds +1
   and -1 at its ends in a difference array, and a cumulative sum along each row gives the
   counts. Compiled with numba: about 18 rows per satellite and epoch over the world at 1
   degree, each a few dozen floating-point operations and one ``arccos``.
4. **Counting and statistics** stream over chunks of epochs
   (:class:`cosmodrome.astro.coverage.stats.StatsAccumulator`).

Memory is bounded by two knobs: ``chunk_sat_epochs`` (default 2^21, about 2 million
satellite-epochs per time chunk, at most about 100 bytes each, so ~210 MB) and
``chunk_lattice_elements`` (default 2^22: rows × columns × epochs of one chunk's difference
array, 4 bytes each, ~17 MB), plus the per-cell statistics and one chunk of counts (2 bytes
per cell-epoch). Neither grows with the length of the window.

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

import numba
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
class Lattice:
    """The cells as rows of equal latitude and columns on a regular longitude step.

    Column ``j`` of every row lies at longitude ``origin_deg + j * step_deg``; the region's
    columns run from ``first_col`` for ``width`` columns. Each row carries what the
    closed-form elevation test needs of its cells (all share latitude and height): the
    up-vector's ``cos`` and ``sin`` of latitude, the distance of the cells from the polar axis
    (``radius_km``) and from the equatorial plane (``z_km``), ``U·O`` and ``|O|²``.
    """

    row_lat_deg: FloatArray
    cos_lat: FloatArray
    sin_lat: FloatArray
    radius_km: FloatArray
    z_km: FloatArray
    up_dot_pos: FloatArray
    pos2: FloatArray
    origin_deg: float
    step_deg: float
    first_col: int
    width: int
    cell_row: IntArray
    cell_col: IntArray  # counted from first_col

    @classmethod
    def from_grid(cls, grid: Grid) -> Lattice:
        rows, cell_row = np.unique(grid.lat_deg, return_inverse=True)
        step = grid.resolution_deg if grid.resolution_deg > 0 else 1.0
        origin = 0.5 * step if grid.resolution_deg > 0 else float(grid.lon_deg[0])
        cols = np.rint((grid.lon_deg - origin) / step).astype(np.int64)
        if not np.allclose(origin + cols * step, grid.lon_deg, rtol=0.0, atol=1e-9):
            raise ValueError("the grid's cells are not on a regular longitude step")
        xyz = frames.geodetic_to_ecef_km(rows, np.zeros_like(rows), grid.height_m)
        up = frames.up_vectors(rows, np.zeros_like(rows))
        first = int(cols.min())
        return cls(
            row_lat_deg=rows,
            cos_lat=up[:, 0],
            sin_lat=up[:, 2],
            radius_km=xyz[:, 0],
            z_km=xyz[:, 2],
            up_dot_pos=np.einsum("ij,ij->i", up, xyz),
            pos2=np.einsum("ij,ij->i", xyz, xyz),
            origin_deg=origin,
            step_deg=step,
            first_col=first,
            width=int(cols.max()) - first + 1,
            cell_row=cell_row.astype(np.int64),
            cell_col=cols - first,
        )

    @property
    def plane(self) -> int:
        """Elements of one epoch's difference array: rows by (width + 1) columns."""
        return len(self.row_lat_deg) * (self.width + 1)


class CoverageProblem:
    """Everything a worker needs to count visible satellites: picklable, no open resources.

    :func:`~cosmodrome.astro.coverage.analysis.compute_coverage` builds it; the engines call
    :meth:`count_chunk`.
    """

    def __init__(
        self,
        elements: Sequence[ElementParams],
        grid: Grid,
        window: Window,
        mask_deg: float,
        *,
        coarse_stride: int = 8,
        chunk_sat_epochs: int = 2**21,
        chunk_lattice_elements: int = 2**22,
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
        self.sin2_mask = math.sin(math.radians(self.mask_deg)) ** 2
        self.coarse_stride = int(coarse_stride)
        self.lattice = Lattice.from_grid(grid)
        n_sats = max(1, len(self.elements))
        epochs = min(chunk_sat_epochs // n_sats, chunk_lattice_elements // self.lattice.plane)
        self.chunk_epochs = int(min(window.count, max(1, epochs)))

        self.jd_whole, self.jd_fraction = frames.julian_dates(
            window.start_utc, window.step_s, window.count
        )
        self.theta_rad = frames.earth_rotation_rad(window.start_utc, window.step_s, window.count)

        cell_dirs = frames.unit_vectors(grid.lat_deg, grid.lon_deg)
        self.region_centre, self.region_radius_rad = _enclosing_cap(cell_dirs)
        observer_km = frames.WGS84_B_KM + min(0.0, grid.height_m / 1000.0)
        self.reach_rad = np.array(
            [visibility_angle_rad(e, self.mask_deg, observer_km) for e in self.elements]
        )
        # Latitude rows a satellite may reach: its reach, plus the geodetic-geocentric gap.
        self.reach_lat_deg = np.degrees(self.reach_rad) + _VERTICAL_MARGIN_DEG
        self.rate_rad_s = np.array([max_angular_rate_rad_s(e) for e in self.elements])
        # Pruning pays when the region and a footprint cover less than half the sphere;
        # beyond that nearly every pair is a candidate and one SatrecArray call is cheaper.
        typical_reach = float(np.median(self.reach_rad)) if self.elements else 0.0
        self.prune = self.region_radius_rad + typical_reach < math.pi / 2
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
        result = ChunkCounts(first, np.zeros((len(self.grid), max(n_t, 0)), dtype=np.uint16))
        if sat_idx.size == 0 or n_t <= 0:
            return result
        if self.prune:
            pairs = self._candidate_positions(first, end, sat_idx, result.failures)
        else:
            pairs = self._all_positions(first, end, sat_idx, result.failures)
        pos, pair_t, pair_s, result.propagated = pairs
        result.evaluated_rows = self._count_pairs(pos, pair_t, self.reach_lat_deg[pair_s], result)
        return result

    def _all_positions(
        self, first: int, end: int, sat_idx: IntArray, failures: dict[int, int]
    ) -> tuple[FloatArray, IntArray, IntArray, int]:
        """Every satellite at every epoch of the chunk: one SatrecArray call, no pruning;
        with the satellite-epochs propagated."""
        epochs = np.arange(first, end)
        array = SatrecArray([self.satrecs[i] for i in sat_idx])
        err, r_teme, _ = array.sgp4(self.jd_whole[epochs], self.jd_fraction[epochs])
        _note_failures(err, sat_idx, failures)
        # epoch-major, so that the kernel's writes stay within one epoch's plane at a time
        pair_t, pair_s = np.nonzero(err.T == 0)
        pos = frames.teme_to_ecef(r_teme[pair_s, pair_t], self.theta_rad[epochs[pair_t]])
        return pos, pair_t, sat_idx[pair_s], err.size

    def _candidate_positions(
        self, first: int, end: int, sat_idx: IntArray, failures: dict[int, int]
    ) -> tuple[FloatArray, IntArray, IntArray, int]:
        """Positions of the (satellite, epoch) pairs that may see the region, after pruning;
        with the satellite-epochs propagated (coarse, then the candidates)."""
        n_t = end - first
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
        _note_failures(err, sat_idx, failures)
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
                failures.setdefault(int(sat_idx[row]), int(e[e != 0][0]))
        pos = frames.teme_to_ecef(positions[ok], self.theta_rad[epochs[cols[ok]]])
        return pos, cols[ok], sat_idx[rows[ok]], err.size + rows.size

    def _count_pairs(
        self, pos: FloatArray, pair_t: IntArray, reach_deg: FloatArray, result: ChunkCounts
    ) -> int:
        """Add each position's visible cells to ``result.counts``; returns the rows solved.

        Per latitude row the cells that see a satellite form one run of longitudes (see
        :func:`_half_width_deg`), so a satellite adds +1 at the start of its run and -1 past
        its end in a difference array (epochs, rows, columns); a cumulative sum along the
        columns turns the differences into counts.
        """
        lat = self.lattice
        n_t = result.counts.shape[1]
        diff = np.zeros((n_t, len(lat.row_lat_deg), lat.width + 1), dtype=np.int32)
        solved = _count_runs(
            np.ascontiguousarray(pos),
            np.ascontiguousarray(pair_t, dtype=np.int64),
            np.ascontiguousarray(reach_deg),
            lat.row_lat_deg,
            lat.cos_lat,
            lat.sin_lat,
            lat.radius_km,
            lat.z_km,
            lat.up_dot_pos,
            lat.pos2,
            lat.origin_deg,
            lat.step_deg,
            lat.first_col,
            self.sin2_mask,
            diff,
        )
        grid_counts = np.cumsum(diff, axis=2, dtype=np.int32)
        result.counts += grid_counts[:, lat.cell_row, lat.cell_col].T.astype(np.uint16)
        return int(solved)


@dataclass
class ChunkCounts:
    """Counts of one time chunk (epochs ``first ..``), and the satellites that failed in it."""

    first: int
    counts: CountArray
    failures: dict[int, int] = field(default_factory=dict)
    evaluated_rows: int = 0
    #: Satellite-epochs propagated: the work :mod:`~cosmodrome.astro.coverage.estimate`
    #: estimates, counted.
    propagated: int = 0

    def add(self, other: ChunkCounts) -> None:
        """Add the counts of another satellite block of the same chunk."""
        self.counts += other.counts
        for sat, code in other.failures.items():
            self.failures.setdefault(sat, code)
        self.evaluated_rows += other.evaluated_rows
        self.propagated += other.propagated


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


def _half_width_impl(
    rho: float,
    z: float,
    r2: float,
    cos_lat: float,
    sin_lat: float,
    row_radius: float,
    row_z: float,
    row_up_dot_pos: float,
    row_pos2: float,
    sin2_mask: float,
) -> float:
    """Half the run of longitudes (degrees) from which a satellite stands at or above the mask.

    For the cells of one latitude row (geodetic latitude ``φ`` and height fixed: distance
    ``R`` from the polar axis, ``Z`` from the equatorial plane) and a satellite at distance
    ``rho`` from the axis and ``z`` from the plane, the height above a cell's horizon
    ``u = a c + b`` and the squared range ``d² = f - g c`` are both affine in ``c``, the cosine
    of the longitude difference: ``a = rho cos φ``, ``b = z sin φ - U·O``,
    ``f = |P|² + |O|² - 2 z Z``, ``g = 2 rho R``. The engine's test ``u >= 0`` and
    ``u² >= sin²(e) d²`` therefore holds exactly for ``c >= c*``, the larger root of
    ``(a c + b)² = sin²(e) (f - g c)`` (at ``u = 0`` the left side is below the right, and it
    grows faster beyond): the visible cells are those within ``arccos(c*)`` of the
    satellite's longitude. Dividing by ``2 rho``, the discriminant is
    ``sin²(e) (cos φ (2 R b + cos φ f) + sin²(e) R²)`` (the large ``a² b²`` terms cancel
    exactly, so they are never formed) and the root takes the cancellation-free form.

    Returns ``-1`` where no cell of the row sees the satellite and ``180`` where all do.
    """
    b = z * sin_lat - row_up_dot_pos
    f = r2 + row_pos2 - 2.0 * row_z * z
    quad_c = b * b - sin2_mask * f
    if rho * cos_lat == 0.0:  # above a pole, or a row at a pole: longitude does not matter
        return 180.0 if (b >= 0.0 and quad_c >= 0.0) else -1.0
    half_b = cos_lat * b + sin2_mask * row_radius
    inner = cos_lat * (2.0 * row_radius * b + cos_lat * f) + sin2_mask * row_radius * row_radius
    half_root = math.sqrt(sin2_mask * max(inner, 0.0))
    if half_b > 0.0:
        c = -quad_c / (rho * (half_b + half_root))
    else:
        c = (half_root - half_b) / (rho * cos_lat * cos_lat)
    if c > 1.0:
        return -1.0
    if c <= -1.0:
        return 180.0
    return math.degrees(math.acos(c))


def _add_run_impl(
    diff: npt.NDArray[np.int32],
    t: int,
    row: int,
    low_deg: float,
    high_deg: float,
    origin_deg: float,
    step_deg: float,
    first_col: int,
) -> None:
    """+1 at the first column at or east of ``low_deg``, -1 past the last at or west of ``high_deg``."""
    width = diff.shape[2] - 1
    start = max(math.ceil((low_deg - origin_deg) / step_deg) - first_col, 0)
    stop = min(math.floor((high_deg - origin_deg) / step_deg) - first_col + 1, width)
    if stop > start:
        diff[t, row, start] += 1
        diff[t, row, stop] -= 1


def _count_runs_impl(
    pos: FloatArray,
    pair_t: IntArray,
    reach_deg: FloatArray,
    row_lat: FloatArray,
    cos_lat: FloatArray,
    sin_lat: FloatArray,
    row_radius: FloatArray,
    row_z: FloatArray,
    row_up_dot_pos: FloatArray,
    row_pos2: FloatArray,
    origin_deg: float,
    step_deg: float,
    first_col: int,
    sin2_mask: float,
    diff: npt.NDArray[np.int32],
) -> int:
    """Fill the difference array with each position's runs; returns the rows solved.

    Only the rows within ``reach_deg`` of the satellite's geocentric sub-latitude are solved;
    a run that crosses the antimeridian is added in two parts.
    """
    width = diff.shape[2] - 1
    solved = 0
    for p in range(pos.shape[0]):
        x, y, z = pos[p, 0], pos[p, 1], pos[p, 2]
        rho = math.hypot(x, y)
        r2 = x * x + y * y + z * z
        sub_lat = math.degrees(math.atan2(z, rho))
        centre = math.degrees(math.atan2(y, x))
        first = np.searchsorted(row_lat, sub_lat - reach_deg[p], side="left")
        end = np.searchsorted(row_lat, sub_lat + reach_deg[p], side="right")
        t = pair_t[p]
        for row in range(first, end):
            solved += 1
            half = _half_width_deg(
                rho,
                z,
                r2,
                cos_lat[row],
                sin_lat[row],
                row_radius[row],
                row_z[row],
                row_up_dot_pos[row],
                row_pos2[row],
                sin2_mask,
            )
            if half < 0.0:
                continue
            if half >= 180.0:
                diff[t, row, 0] += 1
                diff[t, row, width] -= 1
                continue
            low, high = centre - half, centre + half
            _add_run(diff, t, row, low, high, origin_deg, step_deg, first_col)
            if high > 180.0:
                _add_run(diff, t, row, low - 360.0, high - 360.0, origin_deg, step_deg, first_col)
            if low < -180.0:
                _add_run(diff, t, row, low + 360.0, high + 360.0, origin_deg, step_deg, first_col)
    return solved


# Compiled once and cached beside the module (numba); the kernels call each other by these names.
_half_width_deg: Callable[..., float] = numba.njit(cache=True)(_half_width_impl)
_add_run: Callable[..., None] = numba.njit(cache=True)(_add_run_impl)
_count_runs: Callable[..., int] = numba.njit(cache=True, nogil=True)(_count_runs_impl)


def _note_failures(
    err: npt.NDArray[np.integer], sat_idx: IntArray, failures: dict[int, int]
) -> None:
    """Record the first SGP4 error code of each satellite that failed at some epoch."""
    for row in np.flatnonzero((err != 0).any(axis=1)):
        failures.setdefault(int(sat_idx[row]), int(err[row][err[row] != 0][0]))


def _enclosing_cap(directions: FloatArray) -> tuple[FloatArray, float]:
    centre = directions.mean(axis=0)
    norm = float(np.linalg.norm(centre))
    if norm < 1e-9:  # directions all around the globe
        return np.array([0.0, 0.0, 1.0]), math.pi
    centre = centre / norm
    radius = float(np.arccos(np.clip(directions @ centre, -1.0, 1.0)).max())
    return centre, min(math.pi, radius + 1e-9)


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
