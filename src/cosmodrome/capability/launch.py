"""Where a site can launch to, and what an orbit costs from it: one budget for every use.

The published capacity points are turned into delta-v with the same function that ``reach``
uses for a target (:func:`site_budget`), so a target that *is* a published orbit demands
exactly the delta-v its figure was fitted at: the site's corridors (a corridor-limited or
dog-leg ascent pays its plane change) count in both.

>>> from cosmodrome.spaceports import find_spaceport
>>> launch = site_budget(find_spaceport("Taiyuan"), 200, 200, 45.0)
>>> launch.on_target, round(launch.budget.launch_inc_deg, 1)
(False, 55.4)
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cache
from itertools import pairwise

from cosmodrome.capability.geometry import (
    AscentBudget,
    ascent_budget,
    circular_speed_m_s,
    inclination_from_azimuth_deg,
    rotation_speed_m_s,
)
from cosmodrome.spaceports import Spaceport


@dataclass(frozen=True)
class SiteLaunch:
    """The ascent to one orbit from one site: its delta-v budget, the ground azimuth flown
    and whether the launch inclination is the orbit's own (``on_target``)."""

    budget: AscentBudget
    ground_azimuth_deg: float
    on_target: bool


def corridor_inclinations(port: Spaceport, altitude_km: float = 400.0) -> list[tuple[float, float]]:
    """``(inclination_deg, ground_azimuth_deg)`` pairs the site's corridors allow (0.5 deg steps).

    Corridors are ground-relative; the inertial azimuth adds Earth's rotation to a velocity of
    the circular speed at ``altitude_km``. A site without corridors allows every azimuth.
    """
    return [pair for track in _corridor_tracks(port, altitude_km) for pair in track]


@cache
def _corridor_tracks(
    port: Spaceport, altitude_km: float
) -> tuple[tuple[tuple[float, float], ...], ...]:
    """Per corridor, ``(inclination, ground azimuth)`` every 0.5 deg of azimuth; computed
    once per site and altitude (a ranking asks again for every vehicle flying from it)."""
    v = circular_speed_m_s(altitude_km)
    v_rot = rotation_speed_m_s(port.lat_deg, port.height_m)
    spans = [(c.min_az_deg, (c.max_az_deg - c.min_az_deg) % 360.0) for c in port.corridors]
    if not spans:
        spans = [(0.0, 359.5)]
    tracks: list[tuple[tuple[float, float], ...]] = []
    for start, span in spans:
        track: list[tuple[float, float]] = []
        for ground in _evenly(start, start + span, max(2, int(span / 0.5) + 1)):
            east = v * math.sin(math.radians(ground)) + v_rot
            north = v * math.cos(math.radians(ground))
            inertial = math.degrees(math.atan2(east, north))
            track.append((inclination_from_azimuth_deg(port.lat_deg, inertial), ground % 360.0))
        tracks.append(tuple(track))
    return tuple(tracks)


def _evenly(start: float, stop: float, count: int) -> list[float]:
    """``count`` values from ``start`` to ``stop``: ``numpy.linspace``, to the bit, without
    loading NumPy."""
    step = (stop - start) / (count - 1)
    return [i * step + start for i in range(count - 1)] + [stop]


def best_launch(
    port: Spaceport, target_inc_deg: float, altitude_km: float
) -> tuple[float, float, bool]:
    """Launch inclination nearest the target that a corridor allows, its ground azimuth, and
    whether that is on target (the target lies within a corridor's continuous range)."""
    tracks = _corridor_tracks(port, altitude_km)
    for track in tracks:
        for (inc_a, az_a), (inc_b, az_b) in pairwise(track):
            low, high = min(inc_a, inc_b), max(inc_a, inc_b)
            if low - 1e-9 <= target_inc_deg <= high + 1e-9:
                share = 0.0 if high == low else (target_inc_deg - inc_a) / (inc_b - inc_a)
                span = (az_b - az_a + 180.0) % 360.0 - 180.0
                return target_inc_deg, (az_a + share * span) % 360.0, True
    pairs = [pair for track in tracks for pair in track]
    inc, azimuth = min(pairs, key=lambda p: (round(abs(p[0] - target_inc_deg), 6), p[0]))
    return inc, azimuth, False


@cache
def site_budget(
    port: Spaceport,
    perigee_km: float,
    apogee_km: float,
    inc_deg: float,
    c3_km2_s2: float | None = None,
) -> SiteLaunch:
    """The ascent from ``port`` to the orbit: launched at the allowed inclination nearest
    ``inc_deg`` (:func:`best_launch`), any remainder paid as a plane change (see
    :func:`cosmodrome.capability.geometry.ascent_budget`)."""
    launch_inc, ground_az, on_target = best_launch(port, inc_deg, perigee_km)
    budget = ascent_budget(
        port.lat_deg,
        perigee_km,
        apogee_km,
        inc_deg,
        c3_km2_s2=c3_km2_s2,
        launch_inc_deg=launch_inc,
        height_m=port.height_m,
    )
    return SiteLaunch(budget, ground_az, on_target)
