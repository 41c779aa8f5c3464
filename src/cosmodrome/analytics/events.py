"""Events that may have moved the market, and the launch rate before and after each.

A comparison counts the launches in a window of ``window_years`` before the event and one
after it (the after-window ends at the catalog's data date if that comes first) and turns
each count into a mean yearly cadence with an exact Poisson confidence interval. The ratio
of the two rates gets an exact interval too, from the binomial split of the launches
between the windows given their total (the conditional method).

The Poisson model takes the launch rate as constant within each window; year-to-year
swings beyond that (overdispersion) make the real uncertainty larger than these intervals.

>>> poisson_interval(9, 5.0)        # 9 launches in 5 years: 1.8 per year, 95 % CI
(1.8, 0.823..., 3.416...)
"""

from __future__ import annotations

import bisect
import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from statistics import NormalDist
from typing import Any

from cosmodrome.errors import InputError
from cosmodrome.tables import Rows
from cosmodrome.timeutil import parse_day

DAYS_PER_YEAR = 365.25


@dataclass(frozen=True)
class Event:
    """A dated event to mark on charts and compare the launch rate around.

    ``states`` are the launch-provider states the event concerns (GCAT codes); a site is
    profiled against it only when its launches were provided by one of them. An event
    without states (a user's ``--event``) applies everywhere.
    """

    day: date
    label: str
    states: tuple[str, ...] = ()

    def concerns(self, provider_states: Iterable[str]) -> bool:
        """Whether this event is about a site whose launches these states provided."""
        return not self.states or bool(set(self.states) & set(provider_states))


#: Built-in events: turning points of the Soviet and Russian launch industry, and the return
#: of US crew launches (which ended the Soyuz monopoly on crew flights to the ISS).
DEFAULT_EVENTS: tuple[Event, ...] = (
    Event(date(1991, 12, 26), "USSR dissolved", ("SU", "RU")),
    Event(date(2014, 3, 17), "Crimea sanctions", ("SU", "RU")),
    Event(date(2020, 5, 30), "Crew Dragon Demo-2: US crew launches resume", ("SU", "RU", "US")),
    Event(date(2022, 2, 24), "Russian invasion of Ukraine", ("SU", "RU")),
)


def parse_event(text: str) -> Event:
    """Read ``2019-01-01=Label`` (or a bare date) into an :class:`Event`.

    >>> parse_event("2014-03=Crimea sanctions")
    Event(day=datetime.date(2014, 3, 1), label='Crimea sanctions', states=())
    """
    day_text, _, label = text.partition("=")
    day_text = day_text.strip()
    if len(day_text) == 7 and day_text[4] == "-":  # a month: 2014-03
        day_text += "-01"
    try:
        day = parse_day(day_text)
    except InputError:
        raise InputError(
            f"cannot read event {text!r}; write DATE=LABEL, e.g. '2022-02-24=Invasion of Ukraine'"
        ) from None
    return Event(day, label.strip() or day.isoformat())


def events_from(texts: Iterable[str] | None, *, defaults: bool = True) -> list[Event]:
    """The default events (unless ``defaults`` is false) plus the user's, in date order."""
    chosen = list(DEFAULT_EVENTS) if defaults else []
    chosen += [parse_event(t) for t in texts or ()]
    return sorted(chosen, key=lambda e: e.day)


def poisson_interval(
    count: int, exposure_years: float, confidence: float = 0.95
) -> tuple[float, float, float]:
    """Rate per year and its exact (Garwood) confidence interval for ``count`` events.

    The bounds are the rates whose Poisson distribution puts ``(1 - confidence) / 2`` of its
    probability at or beyond the observed count on each side.
    """
    if count < 0 or exposure_years <= 0:
        raise InputError("need a count of zero or more and a positive exposure in years")
    tail = (1.0 - confidence) / 2.0
    # P(X >= count | mu) = P(count, mu) and P(X <= count | mu) = 1 - P(count + 1, mu), with P
    # the regularized lower incomplete gamma.
    lower = 0.0 if count == 0 else _gamma_p_root(count, tail)
    upper = _gamma_p_root(count + 1.0, 1.0 - tail)
    return count / exposure_years, lower / exposure_years, upper / exposure_years


def rate_ratio_interval(
    count_after: int,
    years_after: float,
    count_before: int,
    years_before: float,
    confidence: float = 0.95,
) -> tuple[float, float, float]:
    """Ratio of the after-rate to the before-rate with an exact conditional interval.

    Given ``n = count_after + count_before``, ``count_after`` is binomial with
    ``p = r T_a / (r T_a + T_b)`` where ``r`` is the rate ratio; a Clopper-Pearson interval
    for ``p`` maps to one for ``r``. NaN where the ratio is undefined (no launch before).
    """
    n = count_after + count_before
    if n == 0 or count_before == 0:
        return math.nan, math.nan, math.nan
    tail = (1.0 - confidence) / 2.0
    k = count_after
    # P(X >= k | p) = I_p(k, n - k + 1) and P(X <= k | p) = 1 - I_p(k + 1, n - k), with I the
    # regularized incomplete beta.
    p_low = 0.0 if k == 0 else _beta_i_root(k, n - k + 1.0, tail)
    p_high = 1.0 if k == n else _beta_i_root(k + 1.0, n - k, 1.0 - tail)
    scale = years_before / years_after

    def ratio(p: float) -> float:
        return math.inf if p >= 1.0 else p / (1.0 - p) * scale

    return (k / years_after) / (count_before / years_before), ratio(p_low), ratio(p_high)


#: The columns of :func:`compare_around`.
EFFECT_COLUMNS = [
    "event_date",
    "event",
    "before_from",
    "after_to",
    "years_before",
    "years_after",
    "launches_before",
    "launches_after",
    "rate_before_per_yr",
    "rate_before_low",
    "rate_before_high",
    "rate_after_per_yr",
    "rate_after_low",
    "rate_after_high",
    "rate_ratio",
    "rate_ratio_low",
    "rate_ratio_high",
    "confidence",
]


def compare_around(
    launch_days: Iterable[date],
    events: Iterable[Event],
    *,
    data_end: date,
    window_years: int = 5,
    confidence: float = 0.95,
) -> Rows:
    """Mean yearly cadence in the ``window_years`` before and after each event.

    ``launch_days`` holds the UTC day of every launch counted; events before the first
    launch or after ``data_end`` are skipped. Returns one row per event (:data:`EFFECT_COLUMNS`):
    ``event_date``, ``event``, the windows, ``launches_before``/``_after``,
    ``rate_before_per_yr``/``_after_per_yr`` with ``_low``/``_high`` bounds, ``rate_ratio``
    with bounds, and ``confidence``.
    """
    days = sorted(launch_days)
    first_day = days[0] if days else data_end
    rows: list[tuple[Any, ...]] = []
    for event in events:
        if event.day <= first_day or event.day > data_end:
            continue
        before_start = max(years_before(event.day, window_years), first_day)
        after_end = min(years_before(event.day, -window_years), data_end + timedelta(days=1))
        span_before = (event.day - before_start).days / DAYS_PER_YEAR
        span_after = (after_end - event.day).days / DAYS_PER_YEAR
        if span_before <= 0 or span_after <= 0:
            continue
        at_event = bisect.bisect_left(days, event.day)
        n_before = at_event - bisect.bisect_left(days, before_start)
        n_after = bisect.bisect_left(days, after_end) - at_event
        rb = poisson_interval(n_before, span_before, confidence)
        ra = poisson_interval(n_after, span_after, confidence)
        rr = rate_ratio_interval(n_after, span_after, n_before, span_before, confidence)
        rows.append(
            (
                event.day,
                event.label,
                before_start,
                after_end - timedelta(days=1),
                round(span_before, 3),
                round(span_after, 3),
                n_before,
                n_after,
                *rb,
                *ra,
                *rr,
                confidence,
            )
        )
    return Rows(EFFECT_COLUMNS, rows)


def years_before(day: date, years: int) -> date:
    """The same calendar day ``years`` earlier (28 February for 29 February)."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


#: Relative precision of the incomplete gamma and beta functions, and their tiniest value.
_EPS = 1e-15
_TINY = 1e-300


def _gamma_p(a: float, x: float) -> float:
    """The regularized lower incomplete gamma P(a, x), by its series below ``a + 1`` and its
    continued fraction (modified Lentz) above (Press et al., Numerical Recipes, 6.2)."""
    log_front = a * math.log(x) - x - math.lgamma(a)
    if x < a + 1.0:
        term = total = 1.0 / a
        ap = a
        while abs(term) > abs(total) * _EPS:
            ap += 1.0
            term *= x / ap
            total += term
        return min(1.0, total * math.exp(log_front))
    b = x + 1.0 - a
    c = 1.0 / _TINY
    d = 1.0 / b
    h = d
    i = 0
    while True:
        i += 1
        an = -i * (i - a)
        b += 2.0
        d = an * d + b
        d = d if abs(d) > _TINY else _TINY
        c = b + an / c
        c = c if abs(c) > _TINY else _TINY
        d = 1.0 / d
        delta = d * c
        h *= delta
        if abs(delta - 1.0) < _EPS:
            return max(0.0, 1.0 - math.exp(log_front) * h)


def _beta_i(a: float, b: float, x: float) -> float:
    """The regularized incomplete beta I_x(a, b) (Numerical Recipes, 6.4)."""
    if x <= 0.0:
        return 0.0
    if x >= 1.0:
        return 1.0
    log_front = (
        math.lgamma(a + b) - math.lgamma(a) - math.lgamma(b) + a * math.log(x) + b * math.log1p(-x)
    )
    if x < (a + 1.0) / (a + b + 2.0):
        return min(1.0, math.exp(log_front) * _beta_fraction(a, b, x) / a)
    return max(0.0, 1.0 - math.exp(log_front) * _beta_fraction(b, a, 1.0 - x) / b)


def _beta_fraction(a: float, b: float, x: float) -> float:
    """The continued fraction of the incomplete beta function (modified Lentz)."""
    c = 1.0
    d = 1.0 - (a + b) * x / (a + 1.0)
    d = 1.0 / (d if abs(d) > _TINY else _TINY)
    h = d
    m = 0
    while True:
        m += 1
        for aa in (
            m * (b - m) * x / ((a + 2 * m - 1) * (a + 2 * m)),
            -(a + m) * (a + b + m) * x / ((a + 2 * m) * (a + 2 * m + 1)),
        ):
            d = 1.0 + aa * d
            d = 1.0 / (d if abs(d) > _TINY else _TINY)
            c = 1.0 + aa / c
            c = c if abs(c) > _TINY else _TINY
            delta = d * c
            h *= delta
        if abs(delta - 1.0) < _EPS:
            return h


def _gamma_p_root(a: float, target: float) -> float:
    """The ``x > 0`` where P(a, x) reaches ``target`` (0 < target < 1), starting from the
    Wilson-Hilferty approximation of the gamma quantile."""
    h = 1.0 / (9.0 * a)
    base = 1.0 - h + NormalDist().inv_cdf(target) * math.sqrt(h)
    start = a * base**3 if base > 0.1 else a * 1e-3

    def slope(x: float) -> float:
        return math.exp((a - 1.0) * math.log(x) - x - math.lgamma(a))

    return _newton_root(lambda x: _gamma_p(a, x), slope, target, start, 0.0, math.inf)


def _beta_i_root(a: float, b: float, target: float) -> float:
    """The ``x`` in (0, 1) where I_x(a, b) reaches ``target`` (0 < target < 1)."""
    if a > b:  # solved as 1 - x, so a root near 1 keeps its precision in 1 - x
        return 1.0 - _beta_i_root(b, a, 1.0 - target)
    log_beta = math.lgamma(a) + math.lgamma(b) - math.lgamma(a + b)
    if target < 0.5:  # the first term of I's series: x^a / (a B(a, b))
        start = math.exp((math.log(target) + math.log(a) + log_beta) / a)
    else:  # the normal approximation of the beta quantile
        mean = a / (a + b)
        spread = math.sqrt(mean * (1.0 - mean) / (a + b + 1.0))
        start = mean + NormalDist().inv_cdf(target) * spread
    start = min(max(start, 1e-12), 1.0 - 1e-12)

    def slope(x: float) -> float:
        return math.exp((a - 1.0) * math.log(x) + (b - 1.0) * math.log1p(-x) - log_beta)

    return _newton_root(lambda x: _beta_i(a, b, x), slope, target, start, 0.0, 1.0)


def _newton_root(
    f: Callable[[float], float],
    slope: Callable[[float], float],
    target: float,
    x: float,
    low: float,
    high: float,
) -> float:
    """Where the increasing ``f`` (derivative ``slope``) reaches ``target`` between ``low``
    and ``high``: Newton's method from ``x``, each step inside the bracket the earlier steps
    left (where Newton would leave it, a halving, geometric while the bracket spans orders of
    magnitude, or a doubling while ``high`` is infinite), to 1e-13 relative: 3 to 14
    evaluations where a bracketing search over the whole range took 20 to 250."""
    for _ in range(200):
        excess = f(x) - target
        if excess < 0:
            low = x
        else:
            high = x
        gradient = slope(x)
        following = x - excess / gradient if gradient > 0 else math.inf
        # Near the root the step is the functions' own rounding over the slope.
        if abs(following - x) <= 1e-13 * x:
            return following
        if not low < following < high:
            if high == math.inf:
                following = 2.0 * x
            elif low > 0.0 and high > 4.0 * low:  # a bracket over orders of magnitude
                following = math.sqrt(low * high)
            else:
                following = (low + high) / 2.0
        if high - low <= 1e-13 * following:
            return following
        x = following
    return x
