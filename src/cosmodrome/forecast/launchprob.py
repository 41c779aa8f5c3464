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
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from cosmodrome.errors import ThinHistoryError
from cosmodrome.timeutil import first_moment

if TYPE_CHECKING:
    from pathlib import Path

    import duckdb
    import numpy as np
    import pandas as pd

    from cosmodrome.schedule.service import ScheduleFilter
    from cosmodrome.schedule.store import Matching
    from cosmodrome.tables import Rows

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

#: A schedule entry as :func:`cosmodrome.schedule.history.matched_entries` gives it.
Entry = Mapping[str, Any]


@dataclass(frozen=True)
class Features:
    """Per entry: log days to target, precision group, first flight, provider term."""

    log_lead: Sequence[float]
    group: Sequence[int]
    first: Sequence[float]
    provider: Sequence[int]


@dataclass
class TimeToLaunch:
    """A fitted model and what it rests on. Applying it is plain Python (a schedule has a
    few hundred launches: ``next`` needs neither NumPy nor SciPy); :func:`fit` vectorises."""

    coef: Sequence[float]
    providers: list[str]
    rests_on: dict[str, Any] = field(default_factory=dict)

    def parts(self) -> tuple[float, float, list[float], float, list[float], list[float]]:
        """Intercept, slope, precision terms, first-flight term, provider terms, log sigmas."""
        k = len(GROUPS)
        c = [float(v) for v in self.coef]
        n = len(self.providers)
        prec = [0.0, *c[2 : 2 + k - 1]]
        prov = [*c[2 + k : 2 + k + n], 0.0]
        return c[0], c[1], prec, c[1 + k], prov, c[2 + k + n :]

    def location(self, x: Features) -> tuple[list[float], list[float]]:
        """Mean and standard deviation of log days to launch."""
        b0, b1, prec, first, prov, log_sigma = self.parts()
        mu = [
            b0 + b1 * lead + prec[g] + first * f + prov[p]
            for lead, g, f, p in zip(x.log_lead, x.group, x.first, x.provider, strict=True)
        ]
        return mu, [math.exp(log_sigma[g]) for g in x.group]

    def p_by(self, x: Features, days: Sequence[float]) -> list[float]:
        """P(flown within ``days`` of the snapshot)."""
        mu, sigma = self.location(x)
        return [
            normal_cdf((math.log(max(d, 1e-6)) - m) / s) if d > 0 else 0.0
            for d, m, s in zip(days, mu, sigma, strict=True)
        ]

    def median_days(self, x: Features) -> list[float]:
        return [math.exp(m) for m in self.location(x)[0]]

    def to_json(self) -> dict[str, Any]:
        """What :func:`from_json` reads back: the model as the schedule store keeps it."""
        return {
            "coef": [float(v) for v in self.coef],
            "providers": self.providers,
            "rests_on": self.rests_on,
        }


def from_json(stored: Mapping[str, Any]) -> TimeToLaunch:
    return TimeToLaunch(list(stored["coef"]), list(stored["providers"]), dict(stored["rests_on"]))


def normal_cdf(z: float) -> float:
    """The standard normal distribution function, in the form of Cephes' ``ndtr`` (which
    ``scipy.stats.norm.cdf`` uses): values agree to the last digit or two."""
    x = z * _SQRT_HALF
    if abs(x) < _SQRT_HALF:
        return 0.5 + 0.5 * math.erf(x)
    tail = 0.5 * math.erfc(abs(x))
    return 1.0 - tail if x > 0 else tail


_SQRT_HALF = math.sqrt(0.5)
_LOG_SQRT_2PI = math.log(math.sqrt(2 * math.pi))


def _lead_days(entry: Entry) -> float:
    """Days from the snapshot to the middle of what is left of the target's interval; a
    launch without one (TBD) :data:`TBD_DAYS`."""
    as_of, start, end = entry["as_of"], entry["target_start_utc"], entry["target_end_utc"]
    if end is None:
        return TBD_DAYS
    start = start if start is not None and start > as_of else as_of
    middle = start + (end - start) / 2
    return float((middle - as_of).total_seconds() / 86400.0)


def features(entries: Sequence[Entry], firsts: Sequence[bool], providers: list[str]) -> Features:
    """The model's inputs for ``entries`` (``as_of``, target interval, provider)."""
    lookup = {p: i for i, p in enumerate(providers)}
    return Features(
        [math.log(max(_lead_days(e), 0.5)) for e in entries],
        [GROUPS.index(PRECISION_GROUPS.get(e["precision"], "none")) for e in entries],
        [float(f) for f in firsts],
        [lookup.get(e["provider"] or "", len(providers)) for e in entries],
    )


def first_flights(con: duckdb.DuckDBPyConnection, entries: Sequence[Entry]) -> list[bool]:
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
    for entry in entries:
        vehicle, family = entry["vehicle"], entry["family"]
        if isinstance(vehicle, str):
            flown = firsts.get(vehicle)
        elif isinstance(family, str):
            flown = family_firsts.get(family)
        else:
            flown = None
        out.append(flown is None or flown >= entry["as_of"])
    return out


@dataclass(frozen=True)
class Observed:
    """Entries with their follow-up: days observed and whether the launch flew in them."""

    entries: list[Entry]
    days: list[float]
    flown: list[bool]
    follow_up_end: datetime


def observed(entries: Sequence[Entry], follow_up_end: datetime) -> Observed:
    """Entries seen before ``follow_up_end``: flown within it, or censored at it."""
    seen = [e for e in entries if e["as_of"] < follow_up_end]
    flew = [e["flown_utc"] is not None and e["flown_utc"] <= follow_up_end for e in seen]
    # A launch a day early on its snapshot (time zones, late scraping) counts as flying at once.
    days = [
        max(((e["flown_utc"] if f else follow_up_end) - e["as_of"]).total_seconds() / 86400.0, 0.01)
        for e, f in zip(seen, flew, strict=True)
    ]
    return Observed(seen, days, flew, follow_up_end)


def _snapshot_days(entries: Sequence[Entry]) -> list[str]:
    return sorted({f"{e['as_of']:%Y-%m-%d}" for e in entries})


def fit(con: duckdb.DuckDBPyConnection, data: Observed) -> TimeToLaunch:
    """The posterior mode of the model on observed entries; refuses a history with fewer
    than :data:`MIN_FLOWN` launches flown within their follow-up."""
    import numpy as np
    from scipy import optimize, special  # not scipy.stats: 0.4 s more to import

    flown = sum(data.flown)
    if flown < MIN_FLOWN:
        raise ThinHistoryError(
            f"too thin a history for launch probabilities: on "
            f"{data.follow_up_end - timedelta(seconds=1):%Y-%m-%d} the kept schedule snapshots "
            f"({', '.join(_snapshot_days(data.entries)) or 'none'}) had {flown} entries matched "
            f"to a flight after them; the model needs at least {MIN_FLOWN}"
        )
    counts: dict[str, int] = {}
    for entry in data.entries:
        counts[entry["provider"] or ""] = counts.get(entry["provider"] or "", 0) + 1
    providers = sorted(p for p, n in counts.items() if p and n >= MIN_PROVIDER_ENTRIES)
    x = features(data.entries, first_flights(con, data.entries), providers)
    lead, group = np.asarray(x.log_lead, dtype=float), np.asarray(x.group, dtype=int)
    first, provider = np.asarray(x.first, dtype=float), np.asarray(x.provider, dtype=int)
    was_flown = np.asarray(data.flown, dtype=bool)
    k = len(GROUPS)
    n_coef = 2 + (k - 1) + 1 + len(providers) + k
    start = np.zeros(n_coef)
    start[1] = 1.0

    n_prov = len(providers)
    log_days = np.log(np.asarray(data.days, dtype=float))

    def cost(c: np.ndarray) -> tuple[float, np.ndarray]:
        """The negative log posterior and its gradient (closed form: a numerical gradient
        over some 25 terms made the fit take seconds)."""
        b0, b1, prec, first_term, prov, log_sigma = TimeToLaunch(list(c), providers).parts()
        mu = b0 + b1 * lead + np.asarray(prec)[group] + first_term * first
        mu = mu + np.asarray(prov)[provider]
        sigma = np.exp(np.asarray(log_sigma)[group])
        z = (log_days - mu) / sigma
        # scipy.stats.norm.logsf and .logpdf, as that module computes them.
        log_sf = special.log_ndtr(-z)
        log_pdf = -(z**2) / 2.0 - _LOG_SQRT_2PI
        loglik = np.where(was_flown, log_pdf - np.log(sigma), log_sf).sum()
        mills = np.exp(log_pdf - log_sf)
        d_mu = np.where(was_flown, z, mills) / sigma
        d_log_sigma = np.where(was_flown, z**2 - 1, mills * z)
        grad = np.zeros_like(c)
        grad[0] = d_mu.sum()
        grad[1] = (d_mu * lead).sum()
        grad[2 : 2 + k - 1] = np.bincount(group, d_mu, minlength=k)[1:]
        grad[1 + k] = (d_mu * first).sum()
        grad[2 + k : 2 + k + n_prov] = np.bincount(provider, d_mu, minlength=n_prov + 1)[:n_prov]
        grad[2 + k + n_prov :] = np.bincount(group, d_log_sigma, minlength=k)
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
    rests_on = {
        "snapshots": _snapshot_days(data.entries),
        "entries": len(data.entries),
        "matched_flights": flown,
        "censored": len(data.entries) - flown,
        "follow_up_to": data.follow_up_end.date().isoformat(),
        "providers_with_own_term": providers,
        "model": "censored log-normal time to launch (docs/FORECASTS.md)",
    }
    return TimeToLaunch([float(v) for v in result.x], providers, rests_on)


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
    entries: Sequence[Entry],
    by: datetime,
) -> tuple[list[float], list[datetime]]:
    """P(flown by ``by``) and the median expected launch date of each of ``entries``."""
    x = features(entries, first_flights(con, entries), model.providers)
    days = [(by - e["as_of"]).total_seconds() / 86400.0 for e in entries]
    medians = model.median_days(x)
    dates = [
        e["as_of"] + timedelta(days=min(m, 36500.0)) for e, m in zip(entries, medians, strict=True)
    ]
    return model.p_by(x, days), dates


def end_of_quarter(day: date) -> date:
    """The last day of ``day``'s quarter: ``next``'s default ``--by``."""
    month = 3 * ((day.month - 1) // 3) + 3
    following = date(day.year + month // 12, month % 12 + 1, 1)
    return following - timedelta(days=1)


def brier(p: np.ndarray, y: np.ndarray) -> float:
    import numpy as np

    return float(np.mean((p - y) ** 2))


def score_snapshot(
    con: duckdb.DuckDBPyConnection,
    entries: pd.DataFrame | Sequence[Entry],
    by: datetime,
    folds: int = 5,
) -> dict[str, Any]:
    """Cross-fitted Brier scores of one snapshot's P(flown by ``by``) (``by`` no later than
    the catalog's end): each fifth of the launches is predicted by a model fitted on the
    other four fifths, followed to ``by``; against the two naive rules."""
    import numpy as np

    data = observed(_entries_of(entries), by)
    y = np.asarray(data.flown, dtype=float)
    days_seen = np.asarray(data.days, dtype=float)
    rng = np.random.default_rng(23)
    fold_of = rng.permutation(len(y)) % folds
    model_p = np.zeros(len(y))
    constant_p = np.zeros(len(y))
    days = np.array([(by - e["as_of"]).total_seconds() / 86400.0 for e in data.entries])
    for k in range(folds):
        train = fold_of != k
        sub = Observed(
            [e for e, t in zip(data.entries, train, strict=True) if t],
            [float(d) for d in days_seen[train]],
            [bool(f) for f in y[train]],
            by,
        )
        model = fit(con, sub)
        test = [e for e, t in zip(data.entries, train, strict=True) if not t]
        model_p[~train] = predict(con, model, test, by)[0]
        rate = sum(sub.flown) / days_seen[train].sum()
        constant_p[~train] = 1 - np.exp(-rate * days[~train])
    target_p = np.array(
        [e["target_end_utc"] is not None and e["target_end_utc"] <= by for e in data.entries],
        dtype=float,
    )
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


def _entries_of(entries: pd.DataFrame | Sequence[Entry]) -> list[Entry]:
    """Entries as dicts (a Python user's DataFrame of :func:`all_entries` too)."""
    if isinstance(entries, Sequence):
        return list(entries)
    from cosmodrome.schedule.service import records_of

    return list(records_of(entries))


def reliability_diagram(p: np.ndarray, y: np.ndarray, bins: int = 5) -> list[dict[str, Any]]:
    """Forecasts grouped by predicted probability: mean forecast against observed share."""
    import numpy as np

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
    model: TimeToLaunch,
    upcoming: Sequence[Entry],
    by: date,
) -> ByDate:
    """``model`` applied to ``upcoming`` (entries of one snapshot)."""
    moment = first_moment(by + timedelta(days=1))
    if not upcoming:
        return ByDate(by, [], [], model.rests_on)
    p, medians = predict(con, model, upcoming, moment)
    rests_on = {
        **model.rests_on,
        "predicted_from": f"{upcoming[0]['as_of']:%Y-%m-%d}",
        "note": (
            "probabilities run from the snapshot's date; flights after the catalog's last "
            f"launch ({catalog_end(con):%Y-%m-%d}) are not known to it"
        ),
    }
    return ByDate(by, [float(v) for v in p], [d.date() for d in medians], rests_on)


def end_of_day(day: date) -> datetime:
    """The first moment after ``day`` (UTC): what was known on ``day``."""
    return first_moment(day + timedelta(days=1))


def history_model(
    con: duckdb.DuckDBPyConnection, found: Matching, as_of: date | None
) -> TimeToLaunch:
    """The model on every kept entry followed up to ``as_of``; without ``as_of``, to the
    catalog's end: that one is fitted once per catalog and snapshots, at ``schedule
    update``, and kept with the matching (:func:`~cosmodrome.schedule.service.matched`)."""
    if as_of is None:
        if "refused" in found.model:
            raise ThinHistoryError(found.model["refused"])
        return from_json(found.model)
    return fit(con, observed(found.entries, known_at(con, as_of)))


def next_rows(
    con: duckdb.DuckDBPyConnection,
    f: ScheduleFilter,
    by: date | None = None,
    as_of: date | None = None,
    home: Path | None = None,
) -> tuple[Rows, dict[str, Any]]:
    """``cosmodrome next``: the upcoming launches of the latest snapshot known at ``as_of``
    (default: every kept one) with ``p_by`` (flown by ``by``, default the end of the
    quarter) and ``median_date``. Where the history is too thin and no ``by`` was asked
    for, the launches come without probabilities and the note says why."""
    from cosmodrome.schedule.service import NEXT_COLUMNS, matched, upcoming_of
    from cosmodrome.tables import Rows

    known = end_of_day(as_of) if as_of else None
    found = matched(con, home)
    entries, note = upcoming_of(found.entries, con, f, known)
    rows = Rows(list(NEXT_COLUMNS), [tuple(e[c] for c in NEXT_COLUMNS) for e in entries])
    today = as_of or datetime.now(UTC).date()
    when = by or end_of_quarter(today)
    try:
        chances = probabilities(con, history_model(con, found, as_of), entries, when)
    except ThinHistoryError as error:
        if by is not None:
            raise
        return rows, {**note, "p_by": None, "p_by_refused": str(error)}
    rows = Rows(
        [*rows.columns, "p_by", "median_date"],
        [(*r, p, d) for r, p, d in zip(rows.rows, chances.p_by, chances.median_date, strict=True)],
    )
    return rows, {**note, "by": when, "p_by_rests_on": chances.rests_on}


def next_launches(
    con: duckdb.DuckDBPyConnection,
    f: ScheduleFilter,
    by: date | None = None,
    as_of: date | None = None,
    home: Path | None = None,
) -> tuple[pd.DataFrame, dict[str, Any]]:
    """:func:`next_rows` as a DataFrame (for Python users), times as UTC timestamps."""
    from cosmodrome.schedule.service import frame_of

    rows, note = next_rows(con, f, by, as_of, home)
    return frame_of(rows), note
