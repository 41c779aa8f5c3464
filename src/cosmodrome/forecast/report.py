"""Write ``docs/FORECASTS.md``: the models, and their backtests measured on the catalog and
schedule snapshots of a home folder.

    COSMODROME_HOME=... python -m cosmodrome.forecast.report > docs/FORECASTS.md

``tests/test_forecast_docs.py`` builds a home from the frozen mirror, runs this and
compares the result with the file, so the figures in the document are the code's.
"""

from __future__ import annotations

import sys
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import numpy as np

from cosmodrome.forecast import cadence, launchprob, reliability

#: The snapshot and day the launch-probability score is asked for (issue 23).
SCORED_SNAPSHOT = "upcoming-2024-10-18.csv"
SCORED_BY = datetime(2024, 12, 9, tzinfo=UTC)  # the end of 2024-12-08

INTRO = """# Forecasts

What Cosmodrome says about what comes next, how, and how well it has done. This file is
generated: `python -m cosmodrome.forecast.report > docs/FORECASTS.md` on a home built from
the frozen mirror (`tests/test_forecast_docs.py` regenerates it and compares). Every
forecast says what it rests on (`rests_on` in JSON, the caption of a table) and refuses,
with a message saying what is missing, where the history is too thin.
"""

RELIABILITY = """## Reliability (`cosmodrome reliability`)

A launch's outcome is a Bernoulli trial with an unknown success probability p per vehicle
(or family, or provider). Cosmodrome gives p a Beta prior and updates it with the group's
record: the posterior is Beta(prior successes + successes, prior failures + failures), its
mean is `p_success`, and `p_low`-`p_high` its equal-tailed credible interval (`--interval`,
0.9 by default).

**Why this prior.** A raw rate reads a 3-for-3 vehicle as 100 %; a flat Beta(1, 1) prior
reads it as 80 %, whatever its family. Neither is what an engineer believes of a new Soyuz
variant. So:

- families (and, with `--by provider`, providers) share one Beta prior fitted by empirical
  Bayes: the mean and weight that make all families' records most likely under a
  beta-binomial;
- a vehicle's prior mean is its family's record *without its own flights* (under the shared
  family prior, so a vehicle alone in its family falls back to it);
- its prior weight, one number for all vehicles, is fitted the same way but bounded to
  2-20 flights, and never more than the family's other flights: a new variant borrows
  strength from its family, and 20 flights of its own outweigh the family.

Partial failures (GCAT's `F` with a percentage) count as failures in the posterior and are
reported apart; partial successes count as successes, as everywhere in Cosmodrome.
`since_last_failure` counts flights after the last failure or partial failure. Shown
percentages are rounded down and never read 100.0 %.

**Backtest.** Each year's launches are foreseen from the flights of the ten years before
(`reliability --from` a decade back, `--as-of` the 1st of January): the model's failure
probability per launch against two naive rules, the vehicle's own past failure rate
(everyone's where it never flew) and everyone's past failure rate. Scores per launch,
lower is better: Brier score, and log loss (the vehicle's own rate has none: it gives
probability 0 to the failures of vehicles that never failed before).
"""

LAUNCH = """## Launch probability by date (`cosmodrome next`)

`next` gives each upcoming launch `p_by`, the probability that it has flown by `--by`
(default: the end of the current quarter), and `median_date`. The model is a censored
log-normal time to launch, fitted on the project's own history: every entry of every kept
schedule snapshot, matched to the GCAT launch that flew it (issue 12's matching), censored
where nothing had flown by the end of the follow-up (the catalog's last launch, or
`--as-of`):

    log(days to launch) = b0 + b1 log(days to target) + precision + first flight
                          + provider + sigma(precision) * e,   e ~ Normal(0, 1)

*Days to target* run from the snapshot to the middle of what is left of the target's
interval; *precision* is the target's (a time, a day, a month, coarser, none); *first
flight* marks a vehicle the catalog had not seen fly; *provider* has its own term once it
has 8 entries. Normal priors (sd 0.5, b1 around 1 with sd 0.5) keep a thin history near
"flies around its target"; the fit is the posterior mode (`scipy.optimize`), worked out
once per catalog and set of snapshots (at `schedule update` and `cosmodrome update`) and
kept in the schedule store, so `next` only applies it (plain Python, no SciPy).
`--as-of DAY` uses only the snapshots taken and the flights flown by that day (a fit of
its own, each time).

**Score.** The mirror holds two snapshots: 2024-10-18, whose launches GCAT follows to
2024-12-08, and 2026-03-30, after GCAT's end. As of 2024-10-18 no snapshot had yet been
followed, so `next --as-of 2024-10-18` refuses (0 matched flights). The 2024-10 snapshot is
therefore scored by cross-fitting: each fifth of its launches is predicted by a model
fitted on the other four fifths (followed to 2024-12-08), for `--by 2024-12-08`, against
the two naive rules: "flies on its target date" (probability 1 when the target interval
ends by then, else 0) and a constant rate (one exponential hazard fitted on the same four
fifths). Brier score per launch, lower is better.
"""

CADENCE = """## Cadence forecasts (`cosmodrome forecast`)

Launches in a coming year per provider state, provider, site or vehicle family, as a
predictive distribution: per group, the yearly counts of the last 8 known years follow a
negative binomial whose log mean is a straight line in time; the last year counts for the
part of it the catalog covers. The groups of one question share the dispersion (maximum
likelihood over all of them); the trend has a Normal prior around "no change" (sd 0.2 per
year). The forecast mixes the negative binomial with the line's uncertainty (Laplace), as
a negative binomial with the same mean and variance. Its 80 % and 95 % intervals are the
whole counts holding the probability nearest the level (plain quantiles of a small count
hold far more than asked). By site or family, scheduled flights of vehicle families that
have not flown are added (the history cannot know them), each with its probability of
flying in that year from the launch-probability model, where a snapshot exists and the
model has enough history. A group needs launches in 3 of its 8 years and one in the last
three, or the forecast refuses.

**Backtest.** Rolling origin: each year from 2010 to 2024 foreseen from the years before
it (2024 for the part GCAT covers, to 2024-12-08), every group active enough at the origin.
Coverage is the share of actual counts inside the intervals (asked: 70-90 % for 80 %,
88-99 % for 95 %); MAE is the mean absolute error of the median, beside "same as last
year". No snapshot precedes 2024-10, so the backtest is of the history model alone.
"""

DEPENDENCIES = """## Libraries

SciPy's distributions (`beta`, `betabinom`, `nbinom`, `norm`) and optimisers fit and state
every model here. lifelines or statsmodels were not needed: the censored log-normal and the
negative binomial fits are short on SciPy, and the two libraries would bring formula
parsing and pandas pins for no model SciPy cannot state (docs/DEPENDENCIES.md).
"""


def _reliability_section(con: duckdb.DuckDBPyConnection) -> list[str]:
    scores = reliability.backtest(con, 2000, 2024)
    lines = [
        "| year | launches | failures | expected (model) | expected (own rate) | Brier model | "
        "Brier own rate | Brier everyone |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for s in scores:
        lines.append(
            f"| {s.year} | {s.launches} | {s.failures} | {s.expected_model:.1f} | "
            f"{s.expected_naive:.1f} | {s.brier_model:.4f} | {s.brier_naive:.4f} | "
            f"{s.brier_everyone:.4f} |"
        )
    n = np.array([s.launches for s in scores])

    def mean(field: str) -> float:
        return float((np.array([getattr(s, field) for s in scores]) * n).sum() / n.sum())

    impossible = sum(s.naive_impossible for s in scores)
    lines += [
        "",
        f"Over {int(n.sum()):,} launches of 2000-2024 ({sum(s.failures for s in scores)} "
        f"failures; the model expected {sum(s.expected_model for s in scores):.0f}): Brier "
        f"score **{mean('brier_model'):.4f}** for the model, {mean('brier_naive'):.4f} for the "
        f"vehicle's own rate, {mean('brier_everyone'):.4f} for everyone's rate; log loss "
        f"**{mean('log_model'):.4f}** against {mean('log_everyone'):.4f} for everyone's rate "
        f"(the vehicle's own rate gave {impossible} launches probability 0 for what happened).",
    ]
    return lines


def _launch_section(con: duckdb.DuckDBPyConnection, home: Path | None) -> list[str]:
    from cosmodrome.schedule.service import entry_rows

    snapshot = [e for e in entry_rows(con, home) if e["file"] == SCORED_SNAPSHOT]
    score = launchprob.score_snapshot(con, snapshot, SCORED_BY)
    lines = [
        f"{score['launches']} launches on the snapshot, {score['flown']} matched to a flight "
        f"by 2024-12-08; {score['folds']} folds.",
        "",
        "| rule | Brier score |",
        "|---|---:|",
        f"| the model (cross-fitted) | **{score['brier_model']:.4f}** |",
        f"| flies on its target date | {score['brier_target_date']:.4f} |",
        f"| constant rate | {score['brier_constant_rate']:.4f} |",
        "",
        "Reliability diagram (launches grouped by forecast probability; a calibrated "
        "forecast has observed near forecast):",
        "",
        "| forecast | launches | mean forecast | observed | |",
        "|---|---:|---:|---:|---|",
    ]
    for row in launchprob.reliability_diagram(score["p_model"], score["outcome"]):
        bar = "#" * round(20 * row["observed"])
        mark = "." * round(20 * row["mean_forecast"])
        lines.append(
            f"| {row['bin']} | {row['launches']} | {row['mean_forecast']:.3f} | "
            f"{row['observed']:.3f} | `{bar:<20}` observed, `{mark:<20}` forecast |"
        )
    lines += [
        "",
        f"Limits: the matching links {score['flown']} of the snapshot's {score['launches']} "
        "entries to a flight by 2024-12-08 (many Starlink and Chinese launches are listed "
        "without a name GCAT "
        "shares), so unmatched entries read as not flown for every rule alike; with 51 days "
        "of follow-up, probabilities many months out rest on the model's form and priors "
        "more than on data.",
    ]
    return lines


def _cadence_section(con: duckdb.DuckDBPyConnection) -> list[str]:
    lines = [
        "| by | forecasts | in 80 % interval | in 95 % interval | MAE model | "
        "MAE same as last year |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for by in cadence.DIMENSIONS:
        s = cadence.backtest(con, by, 2010, 2024)
        lines.append(
            f"| {by} | {s['forecasts']} | {100 * s['coverage_80']:.1f} % | "
            f"{100 * s['coverage_95']:.1f} % | {s['mae_model']:.2f} | "
            f"{s['mae_same_as_last_year']:.2f} |"
        )
    return lines


def render(con: duckdb.DuckDBPyConnection, home: Path | None = None) -> str:
    parts = [
        INTRO,
        RELIABILITY,
        "\n".join(_reliability_section(con)) + "\n",
        LAUNCH,
        "\n".join(_launch_section(con, home)) + "\n",
        CADENCE,
        "\n".join(_cadence_section(con)) + "\n",
        DEPENDENCIES,
    ]
    return "\n".join(parts)


def main() -> None:
    from cosmodrome import api

    home = Path(sys.argv[1]) if len(sys.argv) > 1 else None
    with api.catalog(home) as con:
        sys.stdout.write(render(con, home))


if __name__ == "__main__":
    main()
