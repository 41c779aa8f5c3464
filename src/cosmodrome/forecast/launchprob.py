"""Launch probability by date: a censored log-normal time-to-launch model fitted on the
project's own schedule history.

Every entry of a kept snapshot is one observation: the days from the snapshot to the
launch that flew it (:mod:`cosmodrome.schedule.history` matches entries to GCAT), or,
where nothing had flown by the end of the follow-up (the earlier of the catalog's last
launch and ``--as-of``), at least that many days (right-censored). The model:

    log(days to launch) = b0 + b1 log(days to target) + precision + first flight
                          + provider + sigma(precision) * e,       e ~ Normal(0, 1)

where *days to target* run from the snapshot to the middle of what is left of the target's
interval (``NET 2024-11`` seen on 18 October: 15 November), *precision* is the target's
(a time, a day, a month, coarser, none), *first flight* says the vehicle had not flown by the
snapshot, and *provider* is the launch provider. Coefficients have Normal priors (b1 around
1, the others around 0) so that a thin history shrinks them to "flies around its target",
and the fit is their posterior mode (``scipy.optimize``). ``P(flown by D)`` is the model's
distribution function at ``D``; the median date is the snapshot plus ``exp(mean)`` days.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING, Any

import numpy as np
from scipy import optimize, stats

from cosmodrome.errors import ThinHistoryError
from cosmodrome.timeutil import first_moment

if TYPE_CHECKING:
    from pathlib import Path

    import duckdb
    import pandas as pd

    from cosmodrome.schedule.service import ScheduleFilter

#: Target precisions, grouped as the model distinguishes them.
PRECISION_GROUPS = {
    "second": "time", "minute": "time", "hour": "time", "day": "day", "week": "day",
    "month": "month", "quarter": "coarse", "half-year": "coarse", "year": "coarse",
    "tbd": "none",
}  # fmt: skip
GROUPS = ("time", "day", "month", "coarse", "none")
#: A launch with no target (TBD) is placed this many days after the snapshot.
TBD_DAYS = 365.0
#: The fit needs at least this many launches that flew within the follow-up.
MIN_FLOWN = 10
#: A provider gets its own term once it has this many entries in the history.
MIN_PROVIDER_ENTRIES = 8
#: Prior standard deviations (log days): terms and the lead's slope.
PRIOR_SD = 0.5
SLOPE_PRIOR = (1.0, 0.5)


@dataclass(frozen=True)
class Features:
    """Per entry: log days to target, precision group, first flight, provider term."""

    log_lead: np.ndarray
    group: np.ndarray
    first: np.ndarray
    provider: np.ndarray


@dataclass
class TimeToLaunch:
    """A fitted model and what it rests on."""

    coef: np.ndarray
    providers: list[str]
    rests_on: dict[str, Any] = field(default_factory=dict)

    def _split(self) -> tuple[float, float, np.ndarray, float, np.ndarray, np.ndarray]:
        k = len(GROUPS)
        c = self.coef
        b0, b1 = c[0], c[1]
        prec = np.concatenate([[0.0], c[2 : 2 + k - 1]])
        first = c[1 + k]
        prov = np.concatenate([c[2 + k : 2 + k + len(self.providers)], [0.0]])
        log_sigma = c[2 + k + len(self.providers) :]
        return b0, b1, prec, first, prov, log_sigma

    def location(self, x: Features) -> tuple[np.ndarray, np.ndarray]:
        """Mean and standard deviation of log days to launch."""
        b0, b1, prec, first, prov, log_sigma = self._split()
        mu = b0 + b1 * x.log_lead + prec[x.group] + first * x.first + prov[x.provider]
        return mu, np.exp(log_sigma[x.group])

    def p_by(self, x: Features, days: np.ndarray) -> np.ndarray:
        """P(flown within ``days`` of the snapshot)."""
        mu, sigma = self.location(x)
        logs = np.log(np.maximum(days, 1e-6))
        p: np.ndarray = np.where(days > 0, stats.norm.cdf((logs - mu) / sigma), 0.0)
        return p

    def median_days(self, x: Features) -> np.ndarray:
        days: np.ndarray = np.exp(self.location(x)[0])
        return days


def _provider_index(frame: pd.DataFrame, providers: list[str]) -> np.ndarray:
    lookup = {p: i for i, p in enumerate(providers)}
    return np.array([lookup.get(p, len(providers)) for p in frame["provider"].fillna("")])


def features(frame: pd.DataFrame, firsts: np.ndarray, providers: list[str]) -> Features:
    """The model's inputs for entries of ``frame`` (``as_of``, target interval, provider)."""
    as_of = frame["as_of"]
    start = frame["target_start_utc"].where(frame["target_start_utc"] > as_of, as_of)
    middle = start + (frame["target_end_utc"] - start) / 2
    lead = ((middle - as_of).dt.total_seconds() / 86400.0).fillna(TBD_DAYS)
    group = [GROUPS.index(PRECISION_GROUPS.get(p, "none")) for p in frame["precision"]]
    return Features(
        np.log(np.maximum(lead.to_numpy(dtype=float), 0.5)),
        np.array(group, dtype=int),
        firsts.astype(float),
        _provider_index(frame, providers),
    )


def first_flights(con: duckdb.DuckDBPyConnection, frame: pd.DataFrame) -> np.ndarray:
    """Whether each entry's vehicle (or, unmatched, family) had not flown by its snapshot;
    a vehicle the catalog does not know is new."""
    firsts = dict(
        con.execute(
            "SELECT vehicle, min(time_utc) FROM launches WHERE vehicle IS NOT NULL GROUP BY 1"
        ).fetchall()
    )
    family_firsts = dict(
        con.execute(
            """SELECT vehicle_family, min(time_utc) FROM launches
               WHERE vehicle_family IS NOT NULL GROUP BY 1"""
        ).fetchall()
    )
    out = []
    for vehicle, family, as_of in zip(
        frame["vehicle"], frame["family"], frame["as_of"], strict=True
    ):
        if isinstance(vehicle, str):
            flown = firsts.get(vehicle)
        elif isinstance(family, str):
            flown = family_firsts.get(family)
        else:
            flown = None
        out.append(flown is None or flown >= as_of)
    return np.array(out, dtype=bool)


@dataclass(frozen=True)
class Observed:
    """Entries with their follow-up: days observed and whether the launch flew in them."""

    frame: pd.DataFrame
    days: np.ndarray
    flown: np.ndarray
    follow_up_end: datetime


def observed(frame: pd.DataFrame, follow_up_end: datetime) -> Observed:
    """Entries seen before ``follow_up_end``: flown within it, or censored at it."""
    import pandas as pd

    end = pd.Timestamp(follow_up_end)
    seen = frame[frame["as_of"] < end].reset_index(drop=True)
    flown_at = seen["flown_utc"]
    flew = flown_at.notna() & (flown_at <= end)
    stop = flown_at.where(flew, end)
    # A launch a day early on its snapshot (time zones, late scraping) counts as flying at once.
    days = ((stop - seen["as_of"]).dt.total_seconds() / 86400.0).clip(lower=0.01)
    return Observed(seen, days.to_numpy(dtype=float), flew.to_numpy(dtype=bool), follow_up_end)


def fit(con: duckdb.DuckDBPyConnection, data: Observed) -> TimeToLaunch:
    """The posterior mode of the model on observed entries; refuses a history with fewer
    than :data:`MIN_FLOWN` launches flown within their follow-up."""
    flown = int(data.flown.sum())
    if flown < MIN_FLOWN:
        snapshots = sorted({f"{t:%Y-%m-%d}" for t in data.frame["as_of"]})
        raise ThinHistoryError(
            f"too thin a history for launch probabilities: on "
            f"{data.follow_up_end - timedelta(seconds=1):%Y-%m-%d} the kept schedule snapshots "
            f"({', '.join(snapshots) or 'none'}) had {flown} entries matched to a flight "
            f"after them; the model needs at least {MIN_FLOWN}"
        )
    counts = data.frame["provider"].fillna("").value_counts()
    providers = sorted(str(p) for p, n in counts.items() if p and n >= MIN_PROVIDER_ENTRIES)
    x = features(data.frame, first_flights(con, data.frame), providers)
    k = len(GROUPS)
    n_coef = 2 + (k - 1) + 1 + len(providers) + k
    start = np.zeros(n_coef)
    start[1] = 1.0

    n_prov = len(providers)
    log_days = np.log(data.days)

    def cost(c: np.ndarray) -> tuple[float, np.ndarray]:
        """The negative log posterior and its gradient (closed form: a numerical gradient
        over some 25 terms made the fit take seconds)."""
        model = TimeToLaunch(c, providers)
        mu, sigma = model.location(x)
        z = (log_days - mu) / sigma
        log_sf = stats.norm.logsf(z)
        log_pdf = stats.norm.logpdf(z)
        loglik = np.where(data.flown, log_pdf - np.log(sigma), log_sf).sum()
        mills = np.exp(log_pdf - log_sf)
        d_mu = np.where(data.flown, z, mills) / sigma
        d_log_sigma = np.where(data.flown, z**2 - 1, mills * z)
        grad = np.zeros_like(c)
        grad[0] = d_mu.sum()
        grad[1] = (d_mu * x.log_lead).sum()
        grad[2 : 2 + k - 1] = np.bincount(x.group, d_mu, minlength=k)[1:]
        grad[1 + k] = (d_mu * x.first).sum()
        grad[2 + k : 2 + k + n_prov] = np.bincount(x.provider, d_mu, minlength=n_prov + 1)[:n_prov]
        grad[2 + k + n_prov :] = np.bincount(x.group, d_log_sigma, minlength=k)
        grad = -grad
        terms = np.concatenate([[c[0]], c[2 : 2 + k + n_prov]])
        prior = (terms**2).sum() / (2 * PRIOR_SD**2)
        prior += (c[1] - SLOPE_PRIOR[0]) ** 2 / (2 * SLOPE_PRIOR[1] ** 2)
        prior += (c[-k:] ** 2).sum() / (2 * PRIOR_SD**2)
        grad[0] += c[0] / PRIOR_SD**2
        grad[2 : 2 + k + n_prov] += c[2 : 2 + k + n_prov] / PRIOR_SD**2
        grad[1] += (c[1] - SLOPE_PRIOR[0]) / SLOPE_PRIOR[1] ** 2
        grad[-k:] += c[-k:] / PRIOR_SD**2
        return float(prior - loglik), grad

    result = optimize.minimize(cost, start, jac=True, method="L-BFGS-B")
    snapshots = sorted({f"{t:%Y-%m-%d}" for t in data.frame["as_of"]})
    rests_on = {
        "snapshots": snapshots,
        "entries": len(data.frame),
        "matched_flights": flown,
        "censored": len(data.frame) - flown,
        "follow_up_to": data.follow_up_end.date().isoformat(),
        "providers_with_own_term": providers,
        "model": "censored log-normal time to launch (docs/FORECASTS.md)",
    }
    return TimeToLaunch(result.x, providers, rests_on)


def catalog_end(con: duckdb.DuckDBPyConnection) -> datetime:
    (end,) = con.execute("SELECT max(time_utc) FROM launches").fetchone() or (None,)
    if end is None:
        raise ThinHistoryError("the catalog holds no launches")
    moment: datetime = end.astimezone(UTC)
    return moment


def known_at(con: duckdb.DuckDBPyConnection, as_of: date | None) -> datetime:
    """Where the follow-up ends: the catalog's last launch, or the end of ``as_of`` if
    earlier."""
    end = catalog_end(con) + timedelta(seconds=1)
    return min(end, end_of_day(as_of)) if as_of else end


def predict(
    con: duckdb.DuckDBPyConnection,
    model: TimeToLaunch,
    frame: pd.DataFrame,
    by: datetime,
) -> tuple[np.ndarray, list[datetime]]:
    """P(flown by ``by``) and the median expected launch date of each entry of ``frame``."""
    x = features(frame, first_flights(con, frame), model.providers)
    days = (by - frame["as_of"]).dt.total_seconds().to_numpy(dtype=float) / 86400.0
    medians = model.median_days(x)
    dates = [
        (a + timedelta(days=float(m))).to_pydatetime()
        for a, m in zip(frame["as_of"], np.minimum(medians, 36500.0), strict=True)
    ]
    return model.p_by(x, days), dates


def end_of_quarter(day: date) -> date:
    """The last day of ``day``'s quarter: ``next``'s default ``--by``."""
    month = 3 * ((day.month - 1) // 3) + 3
    following = date(day.year + month // 12, month % 12 + 1, 1)
    return following - timedelta(days=1)


def brier(p: np.ndarray, y: np.ndarray) -> float:
    return float(np.mean((p - y) ** 2))


def score_snapshot(
    con: duckdb.DuckDBPyConnection, frame: pd.DataFrame, by: datetime, folds: int = 5
) -> dict[str, Any]:
    """Cross-fitted Brier scores of one snapshot's P(flown by ``by``) (``by`` no later than
    the catalog's end): each fifth of the launches is predicted by a model fitted on the
    other four fifths, followed to ``by``; against the two naive rules."""
    data = observed(frame, by)
    y = data.flown.astype(float)
    rng = np.random.default_rng(23)
    fold_of = rng.permutation(len(y)) % folds
    model_p = np.zeros(len(y))
    constant_p = np.zeros(len(y))
    days = (by - data.frame["as_of"]).dt.total_seconds().to_numpy(dtype=float) / 86400.0
    for k in range(folds):
        train = fold_of != k
        sub = Observed(
            data.frame[train].reset_index(drop=True), data.days[train], data.flown[train], by
        )
        model = fit(con, sub)
        test = data.frame[~train].reset_index(drop=True)
        model_p[~train] = predict(con, model, test, by)[0]
        rate = sub.flown.sum() / sub.days.sum()
        constant_p[~train] = 1 - np.exp(-rate * days[~train])
    ends = data.frame["target_end_utc"]
    target_p = (ends.notna() & (ends <= by)).to_numpy(dtype=float)
    return {
        "by": by.date().isoformat(),
        "launches": len(y),
        "flown": int(y.sum()),
        "folds": folds,
        "brier_model": brier(model_p, y),
        "brier_target_date": brier(target_p, y),
        "brier_constant_rate": brier(constant_p, y),
        "p_model": model_p,
        "outcome": y,
    }


def reliability_diagram(p: np.ndarray, y: np.ndarray, bins: int = 5) -> list[dict[str, Any]]:
    """Forecasts grouped by predicted probability: mean forecast against observed share."""
    edges = np.linspace(0.0, 1.0, bins + 1)
    rows = []
    for low, high in itertools.pairwise(edges):
        inside = (p >= low) & ((p < high) if high < 1 else (p <= high))
        if inside.any():
            rows.append({
                "bin": f"{low:.1f}-{high:.1f}",
                "launches": int(inside.sum()),
                "mean_forecast": float(p[inside].mean()),
                "observed": float(y[inside].mean()),
            })  # fmt: skip
    return rows


@dataclass
class ByDate:
    """P(flown by ``by``) and the median date for each upcoming launch, and what the model
    rests on."""

    by: date
    p_by: list[float]
    median_date: list[date]
    rests_on: dict[str, Any]


def probabilities(
    con: duckdb.DuckDBPyConnection,
    entries: pd.DataFrame,
    upcoming: pd.DataFrame,
    by: date,
    as_of: date | None = None,
) -> ByDate:
    """The model fitted on every kept entry followed up to ``as_of`` (or the catalog's end),
    applied to ``upcoming`` (rows of one snapshot, with ``as_of``)."""
    import pandas as pd

    model = fit(con, observed(entries, known_at(con, as_of)))
    moment = first_moment(by + timedelta(days=1))
    if upcoming.empty:
        return ByDate(by, [], [], model.rests_on)
    p, medians = predict(con, model, upcoming, moment)
    taken = pd.Timestamp(upcoming["as_of"].iloc[0])
    rests_on = {
        **model.rests_on,
        "predicted_from": f"{taken:%Y-%m-%d}",
        "note": (
            "probabilities run from the snapshot's date; flights after the catalog's last "
            f"launch ({catalog_end(con):%Y-%m-%d}) are not known to it"
        ),
    }
    return ByDate(by, [float(v) for v in p], [d.date() for d in medians], rests_on)


def end_of_day(day: date) -> datetime:
    """The first moment after ``day`` (UTC): what was known on ``day``."""
    return first_moment(day + timedelta(days=1))


def next_launches(
    con: duckdb.DuckDBPyConnection,
    f: ScheduleFilter,
    by: date | None = None,
    as_of: date | None = None,
    home: Path | None = None,
) -> tuple[pd.DataFrame, dict[str, Any]]:
    """``cosmodrome next``: the upcoming launches of the latest snapshot known at ``as_of``
    (default: every kept one) with ``p_by`` (flown by ``by``, default the end of the
    quarter) and ``median_date``. Where the history is too thin and no ``by`` was asked
    for, the launches come without probabilities and the note says why."""
    from cosmodrome.schedule.service import all_entries, upcoming

    known = end_of_day(as_of) if as_of else None
    frame, note = upcoming(con, f, home, known)
    today = as_of or datetime.now(UTC).date()
    when = by or end_of_quarter(today)
    entries = all_entries(con, home)
    try:
        found = probabilities(con, entries, frame, when, as_of)
    except ThinHistoryError as error:
        if by is not None:
            raise
        return frame, {**note, "p_by": None, "p_by_refused": str(error)}
    frame = frame.assign(p_by=found.p_by, median_date=found.median_date)
    return frame, {**note, "by": when, "p_by_rests_on": found.rests_on}
