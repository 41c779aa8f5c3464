"""Launch reliability: a Beta-binomial posterior per vehicle, family or provider.

A raw success rate says a 3-for-3 vehicle is 100 % reliable; no one believes it. Each group
gets a Beta prior and its own record updates it:

* families and providers share one prior, fitted by empirical Bayes (the beta-binomial
  marginal likelihood of every family's, or provider's, record);
* a vehicle borrows from its family: the prior's mean is the family's record *without the
  vehicle's own flights* (under the shared family prior, so a family of one falls back to
  it), and its weight, one number for every vehicle fitted by empirical Bayes, is bounded to
  :data:`WEIGHT_BOUNDS` flights and never more than the family's other flights: a new
  variant borrows strength from its family without drowning in it.

Successes are GCAT's successes, partial successes included (``is_success``); a partial
failure counts as a failure in the posterior but is reported apart. Counts come from DuckDB.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import duckdb
import numpy as np
from scipy import optimize, stats

from cosmodrome.catalog.queries import LaunchFilter, where_launches
from cosmodrome.errors import InputError, ThinHistoryError
from cosmodrome.timeutil import first_moment

#: What ``--by`` groups on: the SQL key of each group and the name shown for it.
LEVELS: dict[str, tuple[str, str]] = {
    "vehicle": ("l.vehicle", "l.vehicle"),
    "family": ("l.vehicle_family", "l.vehicle_family"),
    "provider": ("l.agency", "l.agency_name"),
}
PLURAL = {"vehicle": "vehicles", "family": "families", "provider": "providers"}
#: The prior's weight, in flights: at least 2 (so no record reads 100 %), at most 20 (so a
#: vehicle's own 20 flights outweigh its family's).
WEIGHT_BOUNDS = (2.0, 20.0)
#: Fewer flights than this in the window and there is nothing to fit a prior on.
MIN_FLIGHTS = 20


@dataclass(frozen=True)
class BetaPrior:
    """Beta(``mean * weight``, ``(1 - mean) * weight``): ``weight`` is worth that many flights."""

    mean: float
    weight: float

    @property
    def alpha(self) -> float:
        return self.mean * self.weight

    @property
    def beta(self) -> float:
        return (1.0 - self.mean) * self.weight


@dataclass(frozen=True)
class ReliabilityRequest:
    """Which groups, from which flights: ``start`` and ``as_of`` bound the flights counted
    (``as_of`` excluded: a backtest sees only what had flown before it)."""

    by: str = "vehicle"
    vehicle: str | None = None
    provider: str | None = None
    start: date | None = None
    as_of: date | None = None
    interval: float = 0.9

    def __post_init__(self) -> None:
        if self.by not in LEVELS:
            raise InputError(f"unknown --by {self.by!r}; choose one of {', '.join(LEVELS)}")
        if not 0.5 <= self.interval < 1.0:
            raise InputError(f"interval {self.interval} must be at least 0.5 and below 1")


@dataclass(frozen=True)
class Record:
    """One group's flights, kept apart by outcome."""

    key: str
    name: str
    family: str | None
    flights: int
    successes: int
    failures: int
    partial_failures: int
    since_last_failure: int
    last_failure: date | None
    first_flight: date
    last_flight: date

    @property
    def not_successes(self) -> int:
        return self.flights - self.successes


@dataclass(frozen=True)
class Reliability:
    """A group's record and its posterior success probability with a credible interval."""

    record: Record
    prior: BetaPrior
    prior_from: str
    interval: float

    @property
    def posterior(self) -> Any:
        r = self.record
        return stats.beta(self.prior.alpha + r.successes, self.prior.beta + r.not_successes)

    def row(self) -> dict[str, Any]:
        r = self.record
        low, high = self.posterior.ppf([(1 - self.interval) / 2, (1 + self.interval) / 2])
        return {
            "name": r.name,
            "family": r.family,
            "flights": r.flights,
            "successes": r.successes,
            "failures": r.failures,
            "partial_failures": r.partial_failures,
            "since_last_failure": r.since_last_failure,
            "last_failure": r.last_failure,
            "first_flight": r.first_flight,
            "last_flight": r.last_flight,
            "raw_rate": r.successes / r.flights if r.flights else None,
            "p_success": float(self.posterior.mean()),
            "p_low": float(low),
            "p_high": float(high),
            "interval": self.interval,
            "prior_mean": self.prior.mean,
            "prior_weight": self.prior.weight,
            "prior_from": self.prior_from,
        }


@dataclass
class ReliabilityAnswer:
    by: str
    interval: float
    rows: list[dict[str, Any]]
    rests_on: dict[str, Any] = field(default_factory=dict)


def _window(request: ReliabilityRequest) -> tuple[str, list[Any]]:
    clauses, params = [], []
    if request.start is not None:
        clauses.append("l.time_utc >= ?")
        params.append(first_moment(request.start))
    if request.as_of is not None:
        clauses.append("l.time_utc < ?")
        params.append(first_moment(request.as_of))
    return " AND ".join(clauses) or "true", params


def records(con: duckdb.DuckDBPyConnection, request: ReliabilityRequest) -> list[Record]:
    """Every group's record in the request's window (all groups: a vehicle's prior needs
    its family's other vehicles)."""
    key, label = LEVELS[request.by]
    where, params = _window(request)
    rows = con.execute(
        f"""WITH w AS (
              SELECT {key} AS key, coalesce({label}, {key}) AS name, l.vehicle_family AS family, l.time_utc,
                     l.outcome, l.is_success,
                     max(l.time_utc) FILTER (WHERE NOT l.is_success)
                         OVER (PARTITION BY {key}) AS last_failure
              FROM launches l WHERE {key} IS NOT NULL AND {where})
            SELECT key, any_value(name), mode(family), count(*),
                   count(*) FILTER (WHERE is_success),
                   count(*) FILTER (WHERE outcome = 'failure'),
                   count(*) FILTER (WHERE outcome = 'partial_failure'),
                   count(*) FILTER (WHERE last_failure IS NULL OR time_utc > last_failure),
                   any_value(last_failure)::DATE, min(time_utc)::DATE, max(time_utc)::DATE
            FROM w GROUP BY key ORDER BY key""",
        params,
    ).fetchall()
    return [Record(*row) for row in rows]


def chosen_keys(con: duckdb.DuckDBPyConnection, request: ReliabilityRequest) -> set[str] | None:
    """The groups a ``--vehicle``/``--provider`` name picks (resolved by the catalog's one
    resolver; an unknown name raises with the closest), or ``None`` for every group."""
    if request.vehicle is None and request.provider is None:
        return None
    key, _ = LEVELS[request.by]
    where, params = where_launches(
        con, LaunchFilter(vehicle=request.vehicle, agency=request.provider)
    )
    if request.by == "family":
        # A vehicle's name picks its whole family.
        key = "l.vehicle_family"
    found = con.execute(f"SELECT DISTINCT {key} FROM launches l WHERE {where}", params).fetchall()
    return {k for (k,) in found if k is not None}


def _betabinom_loglik(
    successes: np.ndarray, flights: np.ndarray, prior: tuple[np.ndarray, float]
) -> float:
    means, weight = prior
    return float(
        stats.betabinom.logpmf(successes, flights, means * weight, (1 - means) * weight).sum()
    )


def fit_shared_prior(successes: Iterable[int], flights: Iterable[int]) -> BetaPrior:
    """Empirical Bayes: the Beta prior (mean, weight within :data:`WEIGHT_BOUNDS`) that makes
    the groups' records most likely under a beta-binomial."""
    s = np.asarray(list(successes), dtype=float)
    n = np.asarray(list(flights), dtype=float)
    low, high = (math.log(b) for b in WEIGHT_BOUNDS)

    def cost(x: np.ndarray) -> float:
        mean = 1 / (1 + math.exp(-x[0]))
        return -_betabinom_loglik(s, n, (np.full_like(s, mean), math.exp(x[1])))

    rate = (s.sum() + 1) / (n.sum() + 2)
    start = np.array([math.log(rate / (1 - rate)), (low + high) / 2])
    fit = optimize.minimize(cost, start, bounds=[(-10, 10), (low, high)], method="L-BFGS-B")
    return BetaPrior(float(1 / (1 + math.exp(-fit.x[0]))), float(math.exp(fit.x[1])))


def fit_pooled_weight(successes: np.ndarray, flights: np.ndarray, means: np.ndarray) -> float:
    """Empirical Bayes: the one prior weight (in :data:`WEIGHT_BOUNDS`) that makes every
    vehicle's record most likely given its family-based prior mean."""
    low, high = (math.log(b) for b in WEIGHT_BOUNDS)
    fit = optimize.minimize_scalar(
        lambda lw: -_betabinom_loglik(successes, flights, (means, math.exp(lw))),
        bounds=(low, high),
        method="bounded",
    )
    return float(math.exp(fit.x))


#: A group's tally for pooling: key, family, successes, flights.
Tally = tuple[str, str | None, int, int]


def family_priors(tallies: list[Tally], shared: BetaPrior) -> dict[str, tuple[BetaPrior, str]]:
    """Each vehicle's prior from its family's other flights (see the module docstring)."""
    family_s: dict[str | None, int] = defaultdict(int)
    family_n: dict[str | None, int] = defaultdict(int)
    for _, family, s, n in tallies:
        family_s[family] += s
        family_n[family] += n
    other_s = np.array([family_s[f] - s for _, f, s, _ in tallies], dtype=float)
    other_n = np.array([family_n[f] - n for _, f, _, n in tallies], dtype=float)
    means = (shared.alpha + other_s) / (shared.weight + other_n)
    weight = fit_pooled_weight(
        np.array([s for _, _, s, _ in tallies], dtype=float),
        np.array([n for _, _, _, n in tallies], dtype=float),
        means,
    )
    priors = {}
    for (key, family, _, _), mean, others in zip(tallies, means, other_n, strict=True):
        # Never more weight than the family's other flights (plus the shared prior's).
        w = min(weight, shared.weight + others)
        source = (
            f"family {family}: {int(others)} other flights"
            if others
            else "all families (no other vehicle of its family flew)"
        )
        priors[key] = (BetaPrior(float(mean), float(w)), source)
    return priors


def vehicle_priors(tallies: list[Tally]) -> tuple[dict[str, tuple[BetaPrior, str]], BetaPrior]:
    """Every vehicle's family-pooled prior, and the prior families share."""
    by_family: dict[str | None, list[int]] = defaultdict(lambda: [0, 0])
    for _, family, s, n in tallies:
        by_family[family][0] += s
        by_family[family][1] += n
    families = list(by_family.values())
    shared = fit_shared_prior([s for s, _ in families], [n for _, n in families])
    return family_priors(tallies, shared), shared


def priors_for(recs: list[Record], by: str) -> tuple[dict[str, tuple[BetaPrior, str]], BetaPrior]:
    """Every group's prior, and the prior shared by families (or providers)."""
    if by == "vehicle":
        return vehicle_priors([(r.key, r.family, r.successes, r.flights) for r in recs])
    shared = fit_shared_prior([r.successes for r in recs], [r.flights for r in recs])
    return {r.key: (shared, f"all {PLURAL[by]}") for r in recs}, shared


def reliability(con: duckdb.DuckDBPyConnection, request: ReliabilityRequest) -> ReliabilityAnswer:
    """Posterior success probability of each group the request picks, most flights first."""
    recs = records(con, request)
    total = sum(r.flights for r in recs)
    if total < MIN_FLIGHTS:
        raise ThinHistoryError(
            f"only {total} flights in the window asked for; reliability needs at least "
            f"{MIN_FLIGHTS} to fit its prior (widen --from or --as-of)"
        )
    priors, shared = priors_for(recs, request.by)
    wanted = chosen_keys(con, request)
    rows = [
        Reliability(r, *priors[r.key], request.interval).row()
        for r in recs
        if wanted is None or r.key in wanted
    ]
    if wanted is not None and not rows:
        raise ThinHistoryError(
            "the vehicle or provider asked for has no flights in the window asked for"
        )
    rows.sort(key=lambda row: (-row["flights"], row["name"]))
    years = [r.first_flight.year for r in recs] + [r.last_flight.year for r in recs]
    rests_on = {
        "flights": total,
        "groups": len(recs),
        "years": [min(years), max(years)],
        "shared_prior": {"mean": shared.mean, "weight": shared.weight},
        "model": (
            "Beta-binomial; prior pooled within the family (empirical Bayes, weight "
            f"{WEIGHT_BOUNDS[0]:g}-{WEIGHT_BOUNDS[1]:g} flights)"
            if request.by == "vehicle"
            else f"Beta-binomial; one empirical-Bayes prior for all {PLURAL[request.by]}"
        ),
    }
    return ReliabilityAnswer(request.by, request.interval, rows, rests_on)


# --- backtest ---------------------------------------------------------------------------


@dataclass(frozen=True)
class YearScore:
    """One year's launches, their failures, and how well each rule foresaw them (Brier
    score and log loss per launch: lower is better)."""

    year: int
    launches: int
    failures: int
    expected_model: float
    expected_naive: float
    brier_model: float
    brier_naive: float
    brier_everyone: float
    log_model: float
    log_everyone: float
    naive_impossible: int


def _yearly_tallies(con: duckdb.DuckDBPyConnection) -> list[tuple[int, str, str | None, int, int]]:
    return con.execute(
        """SELECT year, vehicle, mode(vehicle_family), count(*) FILTER (WHERE is_success),
                  count(*)
           FROM launches WHERE vehicle IS NOT NULL GROUP BY year, vehicle ORDER BY year, vehicle"""
    ).fetchall()


def _log_loss(p_fail: np.ndarray, failed: np.ndarray) -> float:
    """Mean negative log probability of what happened (clipped away from 0)."""
    p = np.clip(np.where(failed == 1, p_fail, 1 - p_fail), 1e-12, 1.0)
    return float(-np.mean(np.log(p)))


#: The backtest's window: what ``reliability --from`` a decade back would count. Launches
#: got more reliable; with every flight since 1957 the model expects a third more failures
#: than happened in 2000-2024 (docs/FORECASTS.md), with the last ten years a fifth more.
BACKTEST_WINDOW_YEARS = 10


def backtest(
    con: duckdb.DuckDBPyConnection,
    first_year: int,
    last_year: int,
    window_years: int = BACKTEST_WINDOW_YEARS,
) -> list[YearScore]:
    """Each year's launches foreseen from the flights of the ``window_years`` before: the
    model's failure probability per vehicle (family-pooled posterior) against the naive
    rates (the vehicle's own past failure rate, or everyone's where the vehicle never flew;
    and everyone's past failure rate for every launch)."""
    rows = _yearly_tallies(con)
    scores = []
    for year in range(first_year, last_year + 1):
        past: dict[str, list[Any]] = {}
        for y, vehicle, family, s, n in rows:
            if year - window_years <= y < year:
                entry = past.setdefault(vehicle, [family, 0, 0])
                entry[1] += s
                entry[2] += n
        now = [(vehicle, family, s, n) for y, vehicle, family, s, n in rows if y == year]
        if not now:
            continue
        tallies: list[Tally] = [(v, f, s, n) for v, (f, s, n) in past.items()]
        known = set(past)
        tallies += [(v, f, 0, 0) for v, f, _, _ in now if v not in known]
        priors, _ = vehicle_priors(tallies)
        everyone = 1 - sum(s for _, _, s, _ in tallies) / sum(n for _, _, _, n in tallies)
        scores.append(_score_year(year, now, past, priors, everyone))
    return scores


def _score_year(
    year: int,
    now: list[tuple[str, str | None, int, int]],
    past: dict[str, list[Any]],
    priors: dict[str, tuple[BetaPrior, str]],
    everyone: float,
) -> YearScore:
    model, naive, failed = [], [], []
    for vehicle, _, s, n in now:
        prior = priors[vehicle][0]
        ps, pn = (past[vehicle][1], past[vehicle][2]) if vehicle in past else (0, 0)
        p_fail = 1 - (prior.alpha + ps) / (prior.weight + pn)
        raw = 1 - ps / pn if pn else everyone
        model += [p_fail] * n
        naive += [raw] * n
        failed += [1.0] * (n - s) + [0.0] * s
    p, q, y = np.array(model), np.array(naive), np.array(failed)
    e = np.full_like(p, everyone)
    hit = (q == 0) & (y == 1) | (q == 1) & (y == 0)
    return YearScore(
        year=year,
        launches=len(y),
        failures=int(y.sum()),
        expected_model=float(p.sum()),
        expected_naive=float(q.sum()),
        brier_model=float(np.mean((p - y) ** 2)),
        brier_naive=float(np.mean((q - y) ** 2)),
        brier_everyone=float(np.mean((e - y) ** 2)),
        log_model=_log_loss(p, y),
        log_everyone=_log_loss(e, y),
        naive_impossible=int(hit.sum()),
    )
