"""Launches in a coming year per provider state, provider, site or vehicle family, as a
predictive distribution.

Per group, the yearly counts of the last :data:`WINDOW_YEARS` known years follow a negative
binomial whose log mean is a straight line in time (a trend), the last year counted for
the part of it the catalog covers (its *exposure*). Every group of one question shares the
dispersion (fitted by maximum likelihood over all of them: one group's eight years cannot
pin it down); the trend has a Normal prior around "no change" (sd :data:`TREND_PRIOR_SD`
per year) so that two good years do not extrapolate into a boom. The predictive
distribution for a coming year mixes the negative binomial with the uncertainty of the
line (its Laplace approximation), as a negative binomial with the same mean and variance;
its quantiles give the 80 % and 95 % intervals (SciPy's ``nbinom``).
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any

import duckdb
import numpy as np
from scipy import optimize, special, stats

from cosmodrome.catalog.names import resolve_sites
from cosmodrome.errors import CosmodromeError, InputError, ThinHistoryError
from cosmodrome.states import state_name
from cosmodrome.timeutil import first_moment

if TYPE_CHECKING:
    from pathlib import Path

#: What ``--by`` groups on: SQL key and the name shown.
DIMENSIONS: dict[str, tuple[str, str]] = {
    "provider-state": ("l.provider_state", "l.provider_state"),
    "provider": ("l.agency", "l.agency_name"),
    "site": ("l.site", "l.site_name"),
    "family": ("l.vehicle_family", "l.vehicle_family"),
}
WINDOW_YEARS = 8
TREND_PRIOR_SD = 0.2
#: A group needs launches in at least this many of its window's years.
MIN_ACTIVE_YEARS = 3
LEVELS = (0.8, 0.95)
#: Further ahead than this the trend's extrapolation is all there is: refused.
MAX_HORIZON_YEARS = 5


@dataclass(frozen=True)
class CadenceRequest:
    by: str = "provider-state"
    year: int | None = None
    sites: tuple[str, ...] = ()
    as_of: date | None = None
    #: Add scheduled first flights of new vehicle families (needs the schedule store).
    manifest: bool = True

    def __post_init__(self) -> None:
        if self.by not in DIMENSIONS:
            raise InputError(f"unknown --by {self.by!r}; choose one of {', '.join(DIMENSIONS)}")


@dataclass(frozen=True)
class Series:
    key: str
    name: str
    years: np.ndarray
    counts: np.ndarray
    exposure: np.ndarray


@dataclass
class GroupFit:
    series: Series
    coef: np.ndarray
    cov: np.ndarray


@dataclass
class CadenceAnswer:
    by: str
    year: int
    rows: list[dict[str, Any]]
    rests_on: dict[str, Any] = field(default_factory=dict)


def _known_end(con: duckdb.DuckDBPyConnection, as_of: date | None) -> datetime:
    (end,) = con.execute("SELECT max(time_utc) FROM launches").fetchone() or (None,)
    if end is None:
        raise ThinHistoryError("the catalog holds no launches")
    last: datetime = end.astimezone(UTC)
    return min(last, first_moment(as_of)) if as_of else last


def _exposure(year: int, known: datetime) -> float:
    """The share of ``year`` the catalog covers up to ``known``."""
    start = datetime(year, 1, 1, tzinfo=UTC)
    stop = datetime(year + 1, 1, 1, tzinfo=UTC)
    return max(0.0, min(1.0, (known - start) / (stop - start)))


def yearly_series(
    con: duckdb.DuckDBPyConnection, by: str, known: datetime, first_year: int
) -> list[Series]:
    """Every group's launches per year from ``first_year`` to ``known`` (zeros included)."""
    key, label = DIMENSIONS[by]
    rows = con.execute(
        f"""SELECT {key}, any_value({label}), year, count(*) FROM launches l
            WHERE {key} IS NOT NULL AND l.time_utc < ? AND year >= ?
            GROUP BY {key}, year""",
        [known, first_year],
    ).fetchall()
    last_year = known.year if _exposure(known.year, known) > 0 else known.year - 1
    years = np.arange(first_year, last_year + 1)
    exposure = np.array([_exposure(int(y), known) for y in years])
    counts: dict[str, np.ndarray] = defaultdict(lambda: np.zeros(len(years)))
    names: dict[str, str] = {}
    for k, name, year, n in rows:
        counts[k][year - first_year] = n
        names[k] = name or k
    if by == "provider-state":
        names = {k: state_name(k) or k for k in names}
    return [Series(k, names[k], years, counts[k], exposure) for k in sorted(counts)]


def _nb_logpmf(y: np.ndarray, mu: np.ndarray, r: float) -> np.ndarray:
    out: np.ndarray = (
        special.gammaln(y + r)
        - special.gammaln(r)
        - special.gammaln(y + 1)
        + r * np.log(r / (r + mu))
        + y * np.log(mu / (r + mu))
    )
    return out


def _neg_log_post(c: np.ndarray, s: Series, r: float, origin: int) -> float:
    t = s.years - origin
    mu = np.exp(c[0] + c[1] * t) * s.exposure
    keep = s.exposure > 0
    loglik = _nb_logpmf(s.counts[keep], np.maximum(mu[keep], 1e-9), r).sum()
    return float(-loglik + c[1] ** 2 / (2 * TREND_PRIOR_SD**2))


def _fit_group(s: Series, r: float, origin: int) -> GroupFit:
    """The posterior mode of the line by Newton's method (the negative binomial's gradient
    and Hessian in closed form), and its Laplace covariance."""
    keep = s.exposure > 0
    y, e = s.counts[keep], s.exposure[keep]
    design = np.column_stack([np.ones(len(y)), s.years[keep] - origin])
    level = math.log(max(y[-3:].sum() / max(e[-3:].sum(), 1e-9), 0.3))
    c = np.array([level, 0.0])
    precision = np.diag([0.0, 1 / TREND_PRIOR_SD**2])
    hessian = precision
    for _ in range(50):
        mu = np.exp(np.clip(design @ c, -30, 30)) * e
        score = design.T @ (r * (y - mu) / (r + mu)) - precision @ c
        weight = r * mu * (r + y) / (r + mu) ** 2
        hessian = design.T @ (design * weight[:, None]) + precision
        step = np.linalg.solve(hessian + 1e-9 * np.eye(2), score)
        c = c + np.clip(step, -2, 2)
        if np.abs(step).max() < 1e-8:
            break
    try:
        cov = np.linalg.inv(hessian)
    except np.linalg.LinAlgError:
        cov = np.diag([1.0, TREND_PRIOR_SD**2])
    return GroupFit(s, c, cov)


def fit_all(series: list[Series], origin: int) -> tuple[list[GroupFit], float]:
    """Each group's line with the shared dispersion that makes all of them most likely."""

    def total(log_r: float) -> float:
        r = math.exp(log_r)
        return sum(_neg_log_post(_fit_group(s, r, origin).coef, s, r, origin) for s in series)

    best = optimize.minimize_scalar(
        total, bounds=(math.log(0.5), math.log(500)), method="bounded", options={"xatol": 0.05}
    )
    r = math.exp(best.x)
    return [_fit_group(s, r, origin) for s in series], r


def predictive(fit: GroupFit, r: float, origin: int, year: int) -> Any:
    """The coming year's count as a negative binomial (``scipy.stats.nbinom``)."""
    h = np.array([1.0, year - origin])
    log_mu = float(fit.coef @ h)
    var = float(h @ fit.cov @ h)
    mean = math.exp(log_mu + var / 2)
    cv2 = math.expm1(var)
    size = 1.0 / max((1 + cv2) * (1 + 1 / r) - 1, 1e-9)
    return stats.nbinom(size, size / (size + mean))


def interval(dist: Any, level: float) -> tuple[int, int]:
    """The counts ``[low, high]`` holding probability nearest ``level``: the central
    quantiles, each end moved in by one where that brings the mass closer. A count is
    whole, so the plain quantiles of a small mean hold far more than asked (a mean of 2:
    0-4 holds 95 %, not 80 %), and intervals would read wider than the evidence."""
    low, high = (int(q) for q in dist.ppf([(1 - level) / 2, (1 + level) / 2]))

    def mass(a: int, b: int) -> float:
        return float(dist.cdf(b) - (dist.cdf(a - 1) if a > 0 else 0.0))

    best = (low, high)
    for a, b in ((low + 1, high), (low, high - 1), (low + 1, high - 1)):
        if a <= b and abs(mass(a, b) - level) < abs(mass(*best) - level):
            best = (a, b)
    return best


def _window(series: list[Series]) -> list[Series]:
    """The last :data:`WINDOW_YEARS` years of each group, groups active in enough of them."""
    kept = []
    for s in series:
        cut = Series(s.key, s.name, s.years[-WINDOW_YEARS:], s.counts[-WINDOW_YEARS:],
                     s.exposure[-WINDOW_YEARS:])  # fmt: skip
        if (cut.counts > 0).sum() >= MIN_ACTIVE_YEARS and cut.counts[-3:].sum() > 0:
            kept.append(cut)
    return kept


def forecast(
    con: duckdb.DuckDBPyConnection, request: CadenceRequest, home: Path | None = None
) -> CadenceAnswer:
    """Each group's launches in ``request.year`` (default: the year after the last known):
    the history's negative binomial, plus, by site or family, the first flights of new
    vehicles on the latest schedule snapshot known then, each weighted by its probability of
    flying in that year (:mod:`.launchprob`): the history cannot know a vehicle that has
    not flown."""
    known = _known_end(con, request.as_of)
    origin = known.year
    year = request.year or origin + 1
    if year < origin:
        raise InputError(
            f"--year {year} is before the last year known ({origin}); a forecast is of a "
            "coming year (use --as-of for a backtest)"
        )
    if year - origin > MAX_HORIZON_YEARS:
        raise ThinHistoryError(
            f"--year {year} is {year - origin} years after the last year known ({origin}); "
            f"the history says nothing that far ahead (at most {MAX_HORIZON_YEARS})"
        )
    series = yearly_series(con, request.by, known, origin - WINDOW_YEARS + 1)
    active = _window(series)
    if len(active) < 2:
        raise ThinHistoryError(
            f"too thin a history: fewer than two {request.by} groups launched in "
            f"{MIN_ACTIVE_YEARS} of the {WINDOW_YEARS} years to {known:%Y-%m-%d}"
        )
    fits, r = fit_all(active, origin)
    wanted = _wanted(con, request, series, active)
    manifest, manifest_note = new_vehicle_manifest(con, request, year, home)
    rows = []
    for fit in fits:
        if wanted is not None and fit.series.key not in wanted:
            continue
        rows.append(_row(fit, r, origin, year, manifest.get(fit.series.key, [])))
    rows.sort(key=lambda row: -row["mean"])
    rests_on = {
        "years": [int(active[0].years[0]), origin],
        "known_to": known.date().isoformat(),
        "groups_fitted": len(active),
        "dispersion": r,
        "model": "negative binomial, log-linear trend over the last "
        f"{WINDOW_YEARS} years, shared dispersion (docs/FORECASTS.md)",
        "manifest": manifest_note,
    }
    return CadenceAnswer(request.by, year, rows, rests_on)


def _wanted(
    con: duckdb.DuckDBPyConnection,
    request: CadenceRequest,
    series: list[Series],
    active: list[Series],
) -> set[str] | None:
    if not request.sites:
        return None
    if request.by != "site":
        raise InputError("--sites goes with --by site")
    typed = {name: set(resolve_sites(con, name)) for name in request.sites}
    keys = set().union(*typed.values())
    fitted = {s.key for s in active}
    names = [name for name, codes in typed.items() if not codes & fitted]
    if names:
        raise ThinHistoryError(
            f"too thin a history for {', '.join(names)}: launches in fewer than "
            f"{MIN_ACTIVE_YEARS} of the last {WINDOW_YEARS} years, or none in the last three"
        )
    return keys


def _row(
    fit: GroupFit, r: float, origin: int, year: int, new_flights: list[float]
) -> dict[str, Any]:
    dist = predictive(fit, r, origin, year)
    if new_flights:
        dist = Counts(dist, new_flights)
    s = fit.series
    row: dict[str, Any] = {
        "name": s.name,
        "year": year,
        "mean": float(dist.mean()),
        "median": int(dist.median()),
    }
    for level in LEVELS:
        tag = round(level * 100)
        row[f"low_{tag}"], row[f"high_{tag}"] = interval(dist, level)
    row["manifest_new_vehicles"] = len(new_flights)
    row["manifest_expected"] = float(sum(new_flights))
    row["last_year"] = int(s.years[-1])
    row["last_count"] = int(s.counts[-1])
    row["last_year_share"] = float(s.exposure[-1])
    row["history"] = [
        {"year": int(y), "launches": int(n), "share_of_year": float(e)}
        for y, n, e in zip(s.years, s.counts, s.exposure, strict=True)
    ]
    return row


# --- backtest ---------------------------------------------------------------------------


def backtest(
    con: duckdb.DuckDBPyConnection, by: str, first_year: int = 2010, last_year: int = 2024
) -> dict[str, Any]:
    """Rolling origin: each year from ``first_year`` to ``last_year`` foreseen from the
    years before it; coverage of the 80 % and 95 % intervals and the mean absolute error
    beside "same as last year". A year the catalog covers in part is foreseen for that
    part (its exposure)."""
    known_all = _known_end(con, None)
    inside = {0.8: 0, 0.95: 0}
    errors_model, errors_naive, n = [], [], 0
    for year in range(first_year, last_year + 1):
        known = datetime(year, 1, 1, tzinfo=UTC)
        series = _window(yearly_series(con, by, known, year - WINDOW_YEARS))
        if len(series) < 2:
            continue
        fits, r = fit_all(series, year - 1)
        actual = _actuals(con, by, year, known_all)
        share = _exposure(year, known_all)
        for fit in fits:
            y = actual.get(fit.series.key, 0)
            dist = predictive(fit, r, year - 1, year)
            if share < 1:
                dist = _scaled(dist, share)
            for level in inside:
                low, high = interval(dist, level)
                inside[level] += int(low <= y <= high)
            errors_model.append(abs(float(dist.median()) - y))
            errors_naive.append(abs(fit.series.counts[-1] * share - y))
            n += 1
    return {
        "by": by,
        "years": [first_year, last_year],
        "forecasts": n,
        "coverage_80": inside[0.8] / n,
        "coverage_95": inside[0.95] / n,
        "mae_model": float(np.mean(errors_model)),
        "mae_same_as_last_year": float(np.mean(errors_naive)),
    }


def _scaled(dist: Any, share: float) -> Any:
    """The same negative binomial for ``share`` of the year (the mean scaled, the size kept
    in proportion, as for a gamma-Poisson process)."""
    size, p = dist.args
    mean = size * (1 - p) / p * share
    size = size * share
    return stats.nbinom(size, size / (size + mean))


def _actuals(con: duckdb.DuckDBPyConnection, by: str, year: int, known: datetime) -> dict[str, int]:
    key, _ = DIMENSIONS[by]
    return dict(
        con.execute(
            f"SELECT {key}, count(*) FROM launches l WHERE year = ? AND l.time_utc < ? "
            f"AND {key} IS NOT NULL GROUP BY 1",
            [year, known],
        ).fetchall()
    )


# --- the manifest ----------------------------------------------------------------------


class Counts:
    """A count distribution on 0..N as an array (``pmf``): the history's negative binomial
    plus independent first flights, each with its probability (a Poisson-binomial)."""

    def __init__(self, history: Any, flights: list[float]) -> None:
        top = int(history.ppf(0.99999)) + len(flights) + 1
        pmf = history.pmf(np.arange(top + 1))
        for p in flights:
            pmf = (
                np.concatenate([pmf * (1 - p), [0.0]])[: top + 1]
                + np.concatenate([[0.0], pmf * p])[: top + 1]
            )
        self.pmf = pmf / pmf.sum()
        self._cdf = np.cumsum(self.pmf)

    def mean(self) -> float:
        return float((np.arange(len(self.pmf)) * self.pmf).sum())

    def cdf(self, k: int) -> float:
        return float(self._cdf[min(max(k, 0), len(self._cdf) - 1)]) if k >= 0 else 0.0

    def ppf(self, qs: list[float]) -> np.ndarray:
        return np.array([int(np.searchsorted(self._cdf, q - 1e-12)) for q in qs])

    def median(self) -> int:
        return int(self.ppf([0.5])[0])


#: Dimensions whose groups a schedule entry names by catalog code.
MANIFEST_KEYS = {"site": "site", "family": "family"}


def new_vehicle_manifest(
    con: duckdb.DuckDBPyConnection, request: CadenceRequest, year: int, home: Path | None
) -> tuple[dict[str, list[float]], str]:
    """Per group, the probability of each scheduled flight of a new vehicle family (one the
    catalog has not seen fly by then) falling in ``year``; and a note saying what was
    used. New configurations of a flown family (Vulcan VC6L) are the history's business."""
    from cosmodrome.forecast import launchprob
    from cosmodrome.schedule.service import entry_rows

    column = MANIFEST_KEYS.get(request.by)
    if not request.manifest:
        return {}, "not used (history only)"
    if column is None:
        return {}, f"not used: schedule entries do not name a {request.by} by catalog code"
    try:
        entries = entry_rows(con, home)
    except CosmodromeError as error:
        return {}, f"not used: {error}"
    known = launchprob.known_at(con, request.as_of)
    cutoff = launchprob.end_of_day(request.as_of) if request.as_of else None
    seen = [
        e
        for e in entries
        if e["file"] != "launch/previous/" and (cutoff is None or e["as_of"] < cutoff)
    ]
    if not seen:
        return {}, "not used: no schedule snapshot known then"
    newest = max(e["as_of"] for e in seen)
    latest = [e for e in seen if e["as_of"] == newest]
    firsts = new_families(con, latest)
    new = [
        e
        for e, first in zip(latest, firsts, strict=True)
        if first
        and not (e["flown_utc"] is not None and e["flown_utc"] < known)
        and e[column] is not None
    ]
    try:
        model = launchprob.fit(con, launchprob.observed(entries, known))
    except ThinHistoryError as error:
        return {}, f"not used: {error}"
    start = first_moment(date(year, 1, 1))
    end = first_moment(date(year + 1, 1, 1))
    p_end = launchprob.predict(con, model, new, end)[0]
    p_start = launchprob.predict(con, model, new, start)[0]
    found: dict[str, list[float]] = defaultdict(list)
    for entry, p_in, p_before in zip(new, p_end, p_start, strict=True):
        found[str(entry[column]).split("/")[0]].append(min(max(p_in - p_before, 0.0), 1.0))
    snapshot = f"{latest[0]['as_of']:%Y-%m-%d}"
    return found, (
        f"{len(new)} scheduled flights of vehicle families not flown before, on the "
        f"{snapshot} snapshot, "
        f"each weighted by its probability of flying in {year} "
        f"({model.rests_on['matched_flights']} matched flights)"
    )


def new_families(
    con: duckdb.DuckDBPyConnection, entries: Sequence[Mapping[str, Any]]
) -> list[bool]:
    """Whether each entry's vehicle family had not flown by its snapshot (the family from
    the match, else the catalog vehicle's own); a vehicle the catalog knows nothing of is
    new."""
    family_of = dict(
        con.execute("SELECT lv_name, any_value(family) FROM vehicles GROUP BY 1").fetchall()
    )
    firsts = dict(
        con.execute("SELECT vehicle_family, min(time_utc) FROM launches GROUP BY 1").fetchall()
    )
    out = []
    for entry in entries:
        family = entry["family"]
        name = family if isinstance(family, str) else family_of.get(entry["vehicle"])
        flown = firsts.get(name) if name else None
        out.append(flown is None or flown >= entry["as_of"])
    return out
