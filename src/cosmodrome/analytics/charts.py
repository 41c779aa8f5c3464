"""Charts of the analyses as matplotlib figures, saved as PNG or SVG.

Every chart has a title, labelled axes with units and, at the bottom, the credit line
"Data: GCAT, J. McDowell, CC BY 4.0" with the catalog's data date. Figures are built with
:class:`matplotlib.figure.Figure` directly (no pyplot, no global state), so charts can be
drawn from several threads and never open a window.

>>> fig = cadence_chart(api.cadence(con, by="site", only=["Baikonur"]), source=source_line(con))  # doctest: +SKIP
>>> save(fig, Path("baikonur.svg"))                                                            # doctest: +SKIP
"""

from __future__ import annotations

import io
import re
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from cosmodrome.analytics.cadence import OTHER
from cosmodrome.analytics.migration import Migration
from cosmodrome.analytics.profile import SiteProfile
from cosmodrome.errors import InputError
from cosmodrome.tables import Rows

if TYPE_CHECKING:  # matplotlib is imported on first use: it costs half a second
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure
    from matplotlib.patches import PathPatch

CHART_SUFFIXES = (".png", ".svg")
PALETTE = [
    "#1f77b4",
    "#ff7f0e",
    "#2ca02c",
    "#d62728",
    "#9467bd",
    "#8c564b",
    "#e377c2",
    "#7f7f7f",
    "#bcbd22",
    "#17becf",
]  # matplotlib's tab10
GREY = "#9a9a9a"
SUCCESS = "#3b7dd8"
FAILURE = "#d8543b"
MEASURES = {"launches": "launches", "payloads": "payloads"}


def save(fig: Figure, path: Path) -> Path:
    """Write ``fig`` to ``path``; the suffix (``.png`` or ``.svg``) picks the format."""
    suffix = path.suffix.lower()
    if suffix not in CHART_SUFFIXES:
        raise InputError(f"cannot write a chart to {path.name!r}: use a .png or .svg file name")
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, format=suffix[1:], dpi=150, metadata=_metadata(suffix))
    return path


def svg_text(fig: Figure) -> str:
    """The figure as an SVG document (text drawn as paths, so no font is needed to view it)."""
    buffer = io.StringIO()
    fig.savefig(buffer, format="svg", metadata=_metadata(".svg"))
    text = buffer.getvalue()
    text = re.sub(r"<metadata>.*?</metadata>\s*", "", text, flags=re.DOTALL)
    return text[text.index("<svg") :]


def _metadata(suffix: str) -> dict[str, str | None]:
    if suffix == ".svg":
        return {"Date": None, "Creator": "Cosmodrome"}
    return {"Software": "Cosmodrome"}


def _figure(height_in: float = 4.8, width_in: float = 9.6) -> Figure:
    from matplotlib.figure import Figure

    return Figure(figsize=(width_in, height_in), layout="constrained")


def _credit(fig: Figure, source: str) -> None:
    fig.get_layout_engine().set(h_pad=0.12)  # type: ignore[union-attr, call-arg]
    fig.supxlabel(source, x=0.01, ha="left", fontsize=8, color="#555555")


def profile_chart(profile: SiteProfile, source: str) -> Figure:
    """Launches per year (successes and failures) with the event markers, and payloads per
    year split into domestic and foreign customers."""
    fig = _figure(7.2)
    top, bottom = fig.subplots(2, 1, sharex=True, height_ratios=[3, 2])
    yearly = _frame(profile.yearly)
    years = yearly["year"].to_numpy()
    top.bar(years, yearly["successes"], color=SUCCESS, label="successes", width=0.8)
    top.bar(
        years,
        yearly["failures"],
        bottom=yearly["successes"],
        color=FAILURE,
        label="failures",
        width=0.8,
    )
    top.set_ylabel("launches per year")
    top.set_title(
        f"{profile.name}: orbital launches per year, {years.min()}–{years.max()}"
        if len(years)
        else f"{profile.name}: no launches",
        loc="left",
    )
    _mark_events(top, profile)
    _mark_partial_year(top, bottom, profile)
    top.tick_params(labelbottom=True)  # a shared x axis hides the top panel's years otherwise
    top.xaxis.get_major_locator().set_params(integer=True)  # years, never 1999.50
    top.legend(loc="upper right", frameon=True, framealpha=0.9, edgecolor="none", fontsize=8)
    bottom.bar(
        years, yearly["domestic_payloads"], color="#6a8caf", label="domestic customers", width=0.8
    )
    bottom.bar(
        years,
        yearly["foreign_payloads"],
        bottom=yearly["domestic_payloads"],
        color="#e0a030",
        label="foreign customers",
        width=0.8,
    )
    bottom.set_ylabel("payloads per year")
    bottom.set_xlabel("year (UTC)")
    bottom.set_title(
        "payloads by customer: owner state same as (domestic) or other than (foreign) "
        "the provider's state",
        loc="left",
        fontsize=10,
    )
    bottom.legend(loc="upper left", frameon=False)
    for ax in (top, bottom):
        ax.spines[["top", "right"]].set_visible(False)
        ax.yaxis.get_major_locator().set_params(integer=True)
    _credit(fig, source)
    return fig


def _mark_partial_year(top: Axes, bottom: Axes, profile: SiteProfile) -> None:
    """Hatch the last year when the data end before its last day (2024 ends 2024-12-08), as
    the dashboard marks it, with the legend entry saying so."""
    if not len(profile.yearly):
        return
    year = int(max(profile.yearly.column("year")))
    if profile.data_date.year != year or profile.data_date >= date(year, 12, 31):
        return
    label = f"{year}: partial, data to {profile.data_date:%Y-%m-%d}"
    for ax, shown in ((top, label), (bottom, None)):
        ax.axvspan(
            year - 0.5,
            year + 0.5,
            facecolor="none",
            edgecolor="#777777",
            hatch="////",
            linewidth=0,
            label=shown,
        )


def _mark_events(ax: Axes, profile: SiteProfile) -> None:
    """Dashed numbered lines at the events; the numbers are explained in the legend."""
    if not len(profile.yearly):
        return
    years = profile.yearly.column("year")
    first, last = min(years), max(years) + 1
    ymax = max(float(max(profile.yearly.column("launches"))), 1.0)
    ax.set_ylim(0, ymax * 1.8)  # headroom for the legend
    shown = [e for e in profile.events if first <= e.day.year < last]
    for number, event in enumerate(shown, start=1):
        x = event.day.year + (event.day.timetuple().tm_yday - 1) / 365.25 - 0.5
        ax.axvline(
            x,
            color="#444444",
            linestyle="--",
            linewidth=0.9,
            label=f"({number}) {event.day:%Y-%m-%d} {event.label}",
        )
        ax.text(
            x,
            ymax * 1.03,
            f"({number})",
            fontsize=8,
            ha="center",
            va="bottom",
            color="#222222",
            bbox={"facecolor": "white", "edgecolor": "none", "pad": 1},
        )


def event_effects_chart(profile: SiteProfile, source: str) -> Figure:
    """Mean launches per year before and after each event, with confidence intervals."""
    effects = _frame(profile.event_effects)
    fig = _figure(max(2.4, 0.9 * len(effects) + 1.6))
    ax = fig.subplots()
    ys = np.arange(len(effects))[::-1]
    for offset, side, color in ((0.15, "before", "#6a8caf"), (-0.15, "after", "#d8543b")):
        rate = effects[f"rate_{side}_per_yr"].to_numpy(dtype=float)
        low = effects[f"rate_{side}_low"].to_numpy(dtype=float)
        high = effects[f"rate_{side}_high"].to_numpy(dtype=float)
        ax.errorbar(
            rate,
            ys + offset,
            xerr=[rate - low, high - rate],
            fmt="o",
            color=color,
            capsize=3,
            label=f"{side} the event",
        )
    ticks = [
        f"{d:%Y-%m-%d}\n{e}" + (f"\n(after: {a:.1f} yr to data date)" if a < b - 0.01 else "")
        for d, e, a, b in zip(
            effects["event_date"],
            effects["event"],
            effects["years_after"],
            effects["years_before"],
            strict=True,
        )
    ]
    ax.set_yticks(ys, ticks, fontsize=8)
    ax.set_xlabel("mean launches per year (95 % Poisson confidence interval)")
    window = f"{round(float(effects['years_before'].max()))}" if len(effects) else "5"
    ax.set_title(
        f"{profile.name}: launch cadence in the {window} years before and after each event",
        loc="left",
    )
    ax.set_xlim(left=0)
    ax.legend(loc="lower right", frameon=False)
    ax.spines[["top", "right"]].set_visible(False)
    _credit(fig, source)
    return fig


def _frame(table: pd.DataFrame | Rows) -> pd.DataFrame:
    """An analysis's rows as a DataFrame (a chart loads pandas and matplotlib anyway)."""
    return table.to_frame() if isinstance(table, Rows) else table


def _wide(frame: pd.DataFrame, value: str, max_groups: int) -> pd.DataFrame:
    """Periods as rows, the busiest groups as columns, the rest summed as ``other``."""
    table = frame.pivot_table(
        index="period_start", columns="label", values=value, aggfunc="sum", fill_value=0, sort=False
    )
    totals = frame.groupby("label")["launches"].sum().sort_values(ascending=False, kind="stable")
    order = [g for g in totals.index if g != "other"]
    keep = order[:max_groups] if len(order) > max_groups + 1 else order
    wide = table[keep].copy()
    rest = [c for c in table.columns if c not in keep]
    if rest:
        wide["other"] = table[rest].sum(axis=1)
    return wide.sort_index()


def _grouped_axes(
    frame: pd.DataFrame, measure: str, max_groups: int
) -> tuple[Figure, Axes, pd.DataFrame | None]:
    """Figure and axes of a per-period chart, with ``measure`` per period in wide form (the
    busiest groups), or ``None`` and a note on the axes when the selection is empty."""
    if measure not in MEASURES:
        raise InputError(f"cannot chart {measure!r}; choose launches or payloads")
    fig = _figure()
    ax = fig.subplots()
    if frame.empty:
        ax.text(0.5, 0.5, "no launches in this selection", ha="center", transform=ax.transAxes)
        return fig, ax, None
    return fig, ax, _wide(frame, measure, max_groups)


def cadence_chart(
    table: pd.DataFrame | Rows,
    source: str,
    *,
    measure: str = "launches",
    title: str | None = None,
    by: str = "group",
    period: str = "year",
    max_groups: int = 8,
) -> Figure:
    """Launches (or payloads) per period, one line per group (the busiest ``max_groups``)."""
    frame = _frame(table)
    fig, ax, wide = _grouped_axes(frame, measure, max_groups)
    if wide is not None:
        x = pd.to_datetime(pd.Series(wide.index))
        for i, column in enumerate(wide.columns):
            color = GREY if column == "other" else PALETTE[i % len(PALETTE)]
            ax.plot(
                x,
                wide[column].to_numpy(),
                label=str(column),
                color=color,
                linewidth=1.8,
                marker="o" if len(x) <= 40 else None,
                markersize=3,
                drawstyle="default",
            )
        ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False, title=by)
    ax.set_ylabel(f"{MEASURES[measure]} per {period}")
    ax.set_xlabel(f"{period} (UTC)")
    ax.set_ylim(bottom=0)
    ax.set_title(title or f"Orbital {measure} per {period} by {by}", loc="left")
    ax.spines[["top", "right"]].set_visible(False)
    _credit(fig, source)
    return fig


def share_chart(
    table: pd.DataFrame | Rows,
    source: str,
    *,
    measure: str = "launches",
    title: str | None = None,
    by: str = "group",
    period: str = "year",
    max_groups: int = 8,
) -> Figure:
    """Share of the world's launches (or payloads) per period, stacked, in percent."""
    frame = _frame(table)
    fig, ax, wide = _grouped_axes(frame, measure, max_groups)
    world = "world_launches" if measure == "launches" else "world_payloads"
    if wide is not None:
        totals = frame.groupby("period_start")[world].first().reindex(wide.index)
        shares = wide.div(totals.where(totals > 0), axis=0).fillna(0.0) * 100.0
        if not frame["group"].isin([OTHER]).any() and shares.sum(axis=1).min() < 99.9:
            # groups were restricted: show what the rest of the world flew
            shares["rest of world"] = (100.0 - shares.sum(axis=1)).clip(lower=0.0)
        x = pd.to_datetime(pd.Series(shares.index))
        colors = [
            GREY if c in ("other", "rest of world") else PALETTE[i % len(PALETTE)]
            for i, c in enumerate(shares.columns)
        ]
        ax.stackplot(
            x,
            *[shares[c].to_numpy() for c in shares.columns],
            labels=[str(c) for c in shares.columns],
            colors=colors,
            alpha=0.9,
            step="post" if len(x) < 3 else None,
        )
        ax.legend(
            loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False, title=by, reverse=True
        )
        ax.set_xlim(x.min(), x.max())  # type: ignore[arg-type]
    ax.set_ylim(0, 100)
    ax.set_ylabel(f"share of world {measure} (%)")
    ax.set_xlabel(f"{period} (UTC)")
    ax.set_title(
        title or f"Share of the world's orbital {measure} per {period} by {by}", loc="left"
    )
    ax.spines[["top", "right"]].set_visible(False)
    _credit(fig, source)
    return fig


def migration_chart(migration: Migration, source: str, *, max_customers: int = 12) -> Figure:
    """Flow diagram: providers before the cutoff -> customers -> providers after it.

    Band widths are payloads; the customers shown are those with most payloads before the
    cutoff, whatever their status.
    """
    from matplotlib.patches import Rectangle

    data = migration.diagram(max_customers)
    nodes, links = data["nodes"], data["links"]
    columns = {"before": 0.0, "customer": 1.0, "after": 2.0}
    height = max(
        4.0,
        0.5 * max((sum(1 for n in nodes if n["column"] == c) for c in columns), default=1) + 2.0,
    )
    fig = _figure(height, 10.5)
    ax = fig.subplots()
    ax.set_axis_off()
    title = (
        f"Customers of {migration.selection} in {migration.window_from:%Y-%m-%d} to "
        f"{migration.cutoff:%Y-%m-%d}, and who launched them after (to {migration.data_date:%Y-%m-%d})"
    )
    ax.set_title(title, loc="left", fontsize=10)
    if not links:
        ax.text(0.5, 0.5, "no customers in this window", ha="center", transform=ax.transAxes)
        _credit(fig, source)
        return fig
    inflow = [0.0] * len(nodes)
    outflow = [0.0] * len(nodes)
    for link in links:
        outflow[link["source"]] += link["payloads"]
        inflow[link["target"]] += link["payloads"]
    size = [max(i, o) for i, o in zip(inflow, outflow, strict=True)]
    scale_total = max(
        sum(s for s, n in zip(size, nodes, strict=True) if n["column"] == c) for c in columns
    )
    crowd = max(sum(1 for n in nodes if n["column"] == c) for c in columns)
    gap = 0.075 * 4.0 / height  # room for a customer's label above its bar
    unit = max(1.0 - gap * crowd, 0.2) / scale_total if scale_total else 0.0
    y_top: dict[int, float] = {}
    for column in columns:
        members = [i for i, n in enumerate(nodes) if n["column"] == column]
        y = 1.0
        for i in members:
            y_top[i] = y
            y -= max(size[i] * unit, 0.012) + gap
    out_used = [0.0] * len(nodes)
    in_used = [0.0] * len(nodes)
    status = dict(
        zip(
            migration.customers.column("customer"),
            migration.customers.column("status"),
            strict=True,
        )
    )
    band_colors = {"moved": "#d8543b", "split": "#e0a030", "stayed": "#3b7dd8", "none since": GREY}
    width = 0.06
    for link in links:
        s, t = link["source"], link["target"]
        h = link["payloads"] * unit
        x0 = columns[nodes[s]["column"]] + width / 2
        x1 = columns[nodes[t]["column"]] - width / 2
        y0 = y_top[s] - out_used[s]
        y1 = y_top[t] - in_used[t]
        out_used[s] += h
        in_used[t] += h
        customer = nodes[t]["id"] if nodes[t]["column"] == "customer" else nodes[s]["id"]
        color = band_colors.get(status.get(customer.split(":", 1)[1], ""), GREY)
        ax.add_patch(_band(x0, x1, y0, y1, h, color))
    for i, n in enumerate(nodes):
        x = columns[n["column"]]
        h = max(size[i] * unit, 0.012)
        ax.add_patch(Rectangle((x - width / 2, y_top[i] - h), width, h, color="#333333"))
        state = n.get("state_name") or n["state"]  # names, never bare codes
        label = f"{n['label']} ({state})" if state else str(n["label"])
        label += f"  {int(size[i]):,}"
        ha, dx = ("right", -width) if n["column"] == "before" else ("left", width)
        if n["column"] == "customer":
            ha, dx = "center", 0.0
            ax.text(
                x,
                y_top[i] + 0.004,
                label,
                ha=ha,
                va="bottom",
                fontsize=7.5,
                bbox={"facecolor": "white", "edgecolor": "none", "alpha": 0.75, "pad": 0.5},
            )
        else:
            ax.text(x + dx, y_top[i] - h / 2, label, ha=ha, va="center", fontsize=8)
    for name, x in (("providers before", 0.0), ("customers", 1.0), ("providers after", 2.0)):
        ax.text(x, 1.05, name, ha="center", va="bottom", fontsize=9, fontweight="bold")
    handles = [Rectangle((0, 0), 1, 1, color=c) for c in band_colors.values()]
    ax.legend(
        handles,
        list(band_colors),
        loc="lower center",
        ncols=4,
        frameon=False,
        bbox_to_anchor=(0.5, -0.08),
        fontsize=8,
        title="customer status (band width: payloads)",
        title_fontsize=8,
    )
    ax.set_xlim(-0.75, 2.75)
    ax.set_ylim(min(y_top[i] - size[i] * unit for i in y_top) - 0.02, 1.1)
    _credit(fig, source)
    return fig


def _band(x0: float, x1: float, y0: float, y1: float, h: float, color: object) -> PathPatch:
    """A curved band from the top-left ``(x0, y0)`` to ``(x1, y1)``, ``h`` thick."""
    from matplotlib.patches import PathPatch
    from matplotlib.path import Path as MplPath

    mid = (x0 + x1) / 2
    vertices = [
        (x0, y0),
        (mid, y0),
        (mid, y1),
        (x1, y1),
        (x1, y1 - h),
        (mid, y1 - h),
        (mid, y0 - h),
        (x0, y0 - h),
        (x0, y0),
    ]
    codes = [
        MplPath.MOVETO,
        MplPath.CURVE4,
        MplPath.CURVE4,
        MplPath.CURVE4,
        MplPath.LINETO,
        MplPath.CURVE4,
        MplPath.CURVE4,
        MplPath.CURVE4,
        MplPath.CLOSEPOLY,
    ]
    return PathPatch(MplPath(vertices, codes), facecolor=color, edgecolor="none", alpha=0.45)


__all__ = [
    "cadence_chart",
    "event_effects_chart",
    "migration_chart",
    "profile_chart",
    "save",
    "share_chart",
    "svg_text",
]
