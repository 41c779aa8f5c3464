"""How far to trust the vehicle model: leave-one-out error per vehicle, and its report.

Every published capacity point (not the flown masses) is held out in turn: the model is
rebuilt from the vehicle's other points (or, for a vehicle with one point, the bare curve
with the median loss of the other vehicles) and asked for the held-out orbit
(:func:`cosmodrome.capability.vehicles.model_errors`). A vehicle's worst held-out error
is the uncertainty ``reach`` attaches to every capacity of it the model computes
(:func:`vehicle_accuracy`): "6,534 kg ± 18 %".

``python -m cosmodrome.capability.loo`` prints the tables of docs/CAPABILITY.md;
``--write docs/CAPABILITY.md`` puts them there, ``--check docs/CAPABILITY.md`` fails when the
document is out of date (``tests/test_capability_loo.py`` runs it). ``--gcat HOME`` prints the
cross-check against GCAT ``lv.tsv`` from the catalog in ``HOME`` instead.

>>> accuracy = vehicle_accuracy("falcon_9")
>>> accuracy.points, accuracy.worst_pct < 10
(3, True)
"""

from __future__ import annotations

import argparse
import math
import statistics
import sys
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from cosmodrome.capability.vehicles import gcat_capacity_comparison, model_errors
from cosmodrome.spaceports import find_spaceport

#: The targets of issue 17: the overall median held-out error, and every vehicle's worst.
MEDIAN_TARGET_PCT = 10.0
WORST_TARGET_PCT = 35.0
#: Markers around the generated parts of docs/CAPABILITY.md.
LOO_BEGIN, LOO_END = "<!-- leave-one-out:begin -->", "<!-- leave-one-out:end -->"
GCAT_BEGIN, GCAT_END = "<!-- gcat-check:begin -->", "<!-- gcat-check:end -->"


@dataclass(frozen=True)
class Accuracy:
    """A vehicle's leave-one-out error over its published points (absolute percent)."""

    key: str
    vehicle: str
    points: int
    median_pct: float
    worst_pct: float
    pooled: bool  # one point only: held out against the curve with the pooled median loss
    #: For a one-point vehicle, the worst pooled-curve error over *all* one-point vehicles:
    #: one held-out point says little, so its uncertainty is never below theirs.
    pooled_worst_pct: float = 0.0
    #: The farthest (delta-v, m/s) one of its held-out points was predicted from the others.
    tested_gap_m_s: float = 0.0

    @property
    def uncertainty_pct(self) -> int:
        """The worst held-out error (for a one-point vehicle, at least the worst of the
        one-point vehicles), rounded up to a whole percent: the ``±`` of a capacity."""
        worst = max(self.worst_pct, self.pooled_worst_pct if self.pooled else 0.0)
        return max(1, math.ceil(worst - 1e-9))

    @property
    def meets_target(self) -> bool:
        return self.worst_pct <= WORST_TARGET_PCT

    def reaches(self, gap_m_s: float) -> bool:
        """Whether the vehicle's own held-out points tested predictions this far (delta-v
        from the nearest published figure, m/s). A one-point vehicle's held-out error is that
        of the bare pooled curve, which knows no point at all, so it stands for any distance
        (its :attr:`uncertainty_pct` is floored by the other one-point vehicles instead)."""
        return self.pooled or gap_m_s <= self.tested_gap_m_s

    def uncertainty_at_pct(self, gap_m_s: float) -> int:
        """The ``±`` of a capacity ``gap_m_s`` beyond the configuration's published figures:
        :attr:`uncertainty_pct` where the vehicle's own held-out points reached that far,
        else at least the worst held-out error of *any* vehicle's points predicted from at
        least that far (:func:`worst_beyond_pct`)."""
        if self.reaches(gap_m_s):
            return self.uncertainty_pct
        return max(self.uncertainty_pct, math.ceil(worst_beyond_pct(gap_m_s) - 1e-9))

    def text(self, gap_m_s: float = 0.0) -> str:
        """``± 18 %``, and why to trust it less where it is thin, beyond what its points
        tested (``gap_m_s`` beyond its published figures) or beyond the target."""
        if not self.reaches(gap_m_s):
            return (
                f"± {self.uncertainty_at_pct(gap_m_s)} % (beyond what its own points test: "
                "the worst held-out error of all vehicles at that distance)"
            )
        caveats = []
        if self.pooled:
            caveats.append("one published point: the worst error of such vehicles")
        if not self.meets_target:
            caveats.append(f"beyond the {WORST_TARGET_PCT:g} % target")
        suffix = f" ({'; '.join(caveats)})" if caveats else ""
        return f"± {self.uncertainty_pct} %{suffix}"

    def basis_text(self) -> str:
        """``leave-one-out over 4 published points: median 6.2 %, worst 17.9 %``."""
        noun = "point" if self.points == 1 else "points"
        return (
            f"leave-one-out over {self.points} published {noun}: median "
            f"{self.median_pct:.1f} %, worst {self.worst_pct:.1f} %"
        )


#: A record of :func:`cosmodrome.capability.vehicles.model_errors`.
Record = dict[str, Any]


@cache
def held_out_points() -> tuple[Record, ...]:
    """The published points (flown masses left out) of
    :func:`~cosmodrome.capability.vehicles.model_errors`."""
    return tuple(row for row in model_errors() if not row["lower_bound"])


@cache
def accuracies() -> dict[str, Accuracy]:
    """:class:`Accuracy` of every vehicle, by key."""
    table = held_out_points()
    pooled_worst = max(
        abs(row["holdout_error_pct"]) for row in table if row["holdout_basis"] == "pooled median"
    )
    by_key: dict[str, list[Record]] = {}
    for row in table:
        by_key.setdefault(str(row["key"]), []).append(row)
    out: dict[str, Accuracy] = {}
    for key, rows in by_key.items():
        errors = [abs(row["holdout_error_pct"]) for row in rows]
        gaps = [row["holdout_gap_m_s"] for row in rows]
        out[key] = Accuracy(
            key,
            str(rows[0]["vehicle"]),
            len(rows),
            float(statistics.median(errors)),
            float(max(errors)),
            all(row["holdout_basis"] == "pooled median" for row in rows),
            float(pooled_worst),
            float(max(0.0 if math.isnan(gap) else gap for gap in gaps)),
        )
    return out


def worst_beyond_pct(gap_m_s: float) -> float:
    """The worst held-out error over every vehicle's points that were predicted from at least
    ``gap_m_s`` away (delta-v to the nearest remaining point); beyond the farthest tested,
    the worst of all."""
    table = held_out_points()
    far = [abs(row["holdout_error_pct"]) for row in table if row["holdout_gap_m_s"] >= gap_m_s]
    return float(max(far or [abs(row["holdout_error_pct"]) for row in table]))


def vehicle_accuracy(key: str) -> Accuracy:
    """The leave-one-out :class:`Accuracy` of the vehicle with this key."""
    return accuracies()[key]


def overall() -> dict[str, Any]:
    """Median and worst held-out error over every published point, and whether the targets
    hold (overall median, every vehicle's worst)."""
    table = held_out_points()
    errors = [abs(row["holdout_error_pct"]) for row in table]
    worst = table[errors.index(max(errors))]
    beyond = [a.vehicle for a in accuracies().values() if not a.meets_target]
    median = statistics.median(errors)
    return {
        "points": len(table),
        "vehicles": len(accuracies()),
        "within_10_pct": sum(error <= 10.0 for error in errors),
        "median_pct": float(median),
        "worst_pct": float(max(errors)),
        "worst_point": f"{worst['vehicle']}, {worst['orbit']}",
        "median_met": bool(median <= MEDIAN_TARGET_PCT),
        "vehicles_beyond_worst_target": beyond,
    }


def loo_markdown() -> str:
    """The leave-one-out section of docs/CAPABILITY.md (between :data:`LOO_BEGIN` and
    :data:`LOO_END`): the overall figures, one row per vehicle, one row per point."""
    summary = overall()
    beyond = summary["vehicles_beyond_worst_target"]
    lines = [
        "Generated by `python -m cosmodrome.capability.loo --write docs/CAPABILITY.md`; "
        "`tests/test_capability_loo.py` fails when it is out of date.",
        "",
        f"**Overall: {summary['points']} published points of {summary['vehicles']} vehicles, "
        f"{summary['within_10_pct']} within 10 %; median |error| {summary['median_pct']:.1f} % "
        f"(target {MEDIAN_TARGET_PCT:g} %: {'met' if summary['median_met'] else 'not met'}), "
        f"worst {summary['worst_pct']:.1f} % ({summary['worst_point']}).** "
        + (
            f"Vehicles whose worst point is beyond {WORST_TARGET_PCT:g} %: {', '.join(beyond)}."
            if beyond
            else f"Every vehicle's worst point is within {WORST_TARGET_PCT:g} %."
        ),
        "",
        "| vehicle | points | median (%) | worst (%) | reach shows | held out from | "
        "tested to (m/s) |",
        "|---|---:|---:|---:|---|---|---:|",
    ]
    for accuracy in accuracies().values():
        lines.append(
            f"| {accuracy.vehicle} | {accuracy.points} | {accuracy.median_pct:.1f} | "
            f"{accuracy.worst_pct:.1f} | {accuracy.text()} | "
            f"{'pooled curve' if accuracy.pooled else 'other points'} | "
            f"{accuracy.tested_gap_m_s:,.0f} |"
        )
    lines += [
        "",
        "| vehicle | site | orbit | configuration | published (kg) | held out (kg) | error (%) "
        "| from (m/s) |",
        "|---|---|---|---|---:|---:|---:|---:|",
    ]
    for row in held_out_points():
        gap = float(row["holdout_gap_m_s"])
        lines.append(
            f"| {row['vehicle']} | {find_spaceport(str(row['site'])).name} | {row['orbit']} | "
            f"{row['configuration']} | {row['published_kg']:,.0f} | {row['holdout_kg']:,.0f} | "
            f"{row['holdout_error_pct']:+.1f} | {'' if math.isnan(gap) else f'{gap:,.0f}'} |"
        )
    lines += ["", *flown_mass_lines()]
    return "\n".join(lines) + "\n"


def flown_mass_lines() -> list[str]:
    """The flown masses against the model: a flown mass is a lower bound on capacity, so the
    model contradicts it only where it falls below (``reach`` then answers the flown mass)."""
    flown = [row for row in model_errors() if row["lower_bound"]]
    below = sum(row["model_kg"] < row["published_kg"] for row in flown)
    lines = [
        f"Flown masses (lower bounds, not fitted): the model is below {below} of {len(flown)}.",
        "",
        "| vehicle | orbit | flown (kg) | model (kg) | model vs flown |",
        "|---|---|---:|---:|---:|",
    ]
    for row in flown:
        lines.append(
            f"| {row['vehicle']} | {row['orbit']} | {row['published_kg']:,.0f} | "
            f"{row['model_kg']:,.0f} | {row['fit_error_pct']:+.1f} % |"
        )
    return lines


def gcat_markdown(connection: Any) -> str:
    """The GCAT cross-check section (between :data:`GCAT_BEGIN` and :data:`GCAT_END`):
    GCAT ``lv.tsv`` LEO and GTO capacities against our published ones, agreement or not."""
    frame = gcat_capacity_comparison(connection)
    compared = frame[frame["published_kg"].notna()]
    agree = int((~compared["disagrees"]).sum())
    lines = [
        "Generated by `python -m cosmodrome.capability.loo --gcat HOME --write "
        "docs/CAPABILITY.md` from a catalog built from the frozen mirror; checked by "
        "`tests/test_capability_loo.py` (integration).",
        "",
        f"{agree} of {len(compared)} GCAT figures agree within 10 % with our largest published "
        f"figure of the same kind and {len(compared) - agree} disagree; "
        f"{len(frame) - len(compared)} have no published figure of that kind here to compare. "
        "GCAT is a cross-check, never a source: it states no orbit and copies one figure "
        "across variants.",
        "",
        "| vehicle | GCAT lv_name | kind | GCAT (kg) | published (kg) | GCAT vs published | |",
        "|---|---|---|---:|---:|---:|---|",
    ]
    for row in frame.itertuples():
        ours, gcat_vs_ours = float(str(row.published_kg)), float(str(row.gcat_vs_published_pct))
        published = "" if math.isnan(ours) else f"{ours:,.0f}"
        diff = "" if math.isnan(gcat_vs_ours) else f"{gcat_vs_ours:+.1f} %"
        verdict = "disagrees" if row.disagrees else "agrees"
        if not published:
            verdict = "nothing to compare"
        lines.append(
            f"| {row.vehicle} | {row.gcat_lv_name} | {str(row.kind).upper()} | "
            f"{row.gcat_kg:,.0f} | {published} | {diff} | {verdict} |"
        )
    return "\n".join(lines) + "\n"


def replace_section(text: str, begin: str, end: str, body: str) -> str:
    """``text`` with what lies between the ``begin`` and ``end`` markers replaced by ``body``."""
    try:
        head, rest = text.split(begin, 1)
        _old, tail = rest.split(end, 1)
    except ValueError:
        raise ValueError(f"markers {begin} ... {end} not found") from None
    return f"{head}{begin}\n{body}{end}{tail}"


def section(text: str, begin: str, end: str) -> str:
    """What lies between the markers (without the newline after ``begin``)."""
    return text.split(begin, 1)[1].split(end, 1)[0].removeprefix("\n")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m cosmodrome.capability.loo")
    parser.add_argument("--write", type=Path, help="update this document in place")
    parser.add_argument("--check", type=Path, help="exit 1 when this document is out of date")
    parser.add_argument("--gcat", type=Path, help="catalog home: the GCAT cross-check instead")
    args = parser.parse_args(argv)
    if args.gcat is not None:
        from cosmodrome.catalog.db import open_catalog

        with open_catalog(args.gcat) as con:
            body, begin, end = gcat_markdown(con), GCAT_BEGIN, GCAT_END
    else:
        body, begin, end = loo_markdown(), LOO_BEGIN, LOO_END
    target = args.write or args.check
    if target is None:
        sys.stdout.write(body)
        return 0
    text = target.read_text(encoding="utf-8")
    if args.check is not None:
        current = section(text, begin, end) == body
        if not current:
            sys.stderr.write(f"{target} is out of date: run {parser.prog} --write {target}\n")
        return 0 if current else 1
    target.write_text(replace_section(text, begin, end, body), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
