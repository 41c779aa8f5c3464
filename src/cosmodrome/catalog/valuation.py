"""What each launch was worth: a value, its range and basis, and whether it is captive.

Every launch is valued once, when the catalog is built, from the ``prices`` table
(:mod:`cosmodrome.catalog.prices`), in millions of constant dollars of the prices'
``dollar_year``; the catalog keeps the result as the summary table ``launch_values``
(:mod:`cosmodrome.catalog.summaries`), which the value analyses
(:mod:`cosmodrome.analytics.value`) join to the launches a request selects. A launch's value
depends on the prices and on the launch alone, never on which other launches are asked for.
It is valued by the first of these that exists:

0. ``contract``: a contract value naming this very launch;
1. ``configuration``: a price point of its configuration (``launches.vehicle``);
2. ``family``: a price a source gives for a set of configurations including it (CSIS's
   ``Atlas V``);
3. ``related``: a price of another configuration of its GCAT family (``vehicle_family``).

Within that tier, the points nearest in year are averaged (a point given as a range counts
as its midpoint); ``carried_years`` says how far the price was carried. The range is the
lowest and highest of those points, widened by a relative uncertainty of
``KIND_SPREAD[kind] + PER_YEAR * carried_years + TIER_SPREAD[tier]``: a price carried further,
or borrowed from a wider set, is less sure. A launch with no price in any tier is
``unknown``: counted in ``launches`` but not in ``launches_valued``, never valued 0.

A launch is **captive** when its provider launches its own payload: the primary payload's
owner is the launch agency, its GCAT parent or child, or a pair listed in
``data/captive.toml`` (SpaceX's Starlink, owned by ``SPXS``). Otherwise its **market** is
``commercial`` when the primary payload's sector is commercial, ``government`` when civil
or military, else ``other``. Captive launches are rows of their own (``captive``: true),
never summed into market revenue.
"""

from __future__ import annotations

import tomllib
from importlib import resources

#: Relative uncertainty of a price by its kind (a contract is an agreed figure for one
#: launch; a list price moves with discounts and options; an estimate is a third party's).
KIND_SPREAD = {"contract value": 0.10, "list price": 0.15, "estimate": 0.25}
#: Added relative uncertainty per year a price is carried from its date.
PER_YEAR = 0.04
#: Added relative uncertainty by how far the price's vehicle is from the launch's.
TIER_SPREAD = {0: 0.0, 1: 0.0, 2: 0.15, 3: 0.40}
BASES = {0: "contract", 1: "configuration", 2: "family", 3: "related"}
#: The lowest bound is never below this fraction of the cheapest point.
FLOOR = 0.1


def captive_pairs() -> list[tuple[str, str]]:
    """(provider, owner) codes of ``data/captive.toml``."""
    text = resources.files("cosmodrome").joinpath("data/captive.toml").read_text("utf-8")
    return [(str(p["provider"]), str(p["owner"])) for p in tomllib.loads(text)["pair"]]


def _pairs_sql() -> str:
    rows = ", ".join(f"('{a}', '{b}')" for a, b in captive_pairs())
    return f"SELECT * FROM (VALUES {rows}) t(provider, owner)"


def _case(mapping: dict[int, float] | dict[str, float], column: str) -> str:
    cases = " ".join(f"WHEN {k!r} THEN {v}" for k, v in mapping.items())
    return f"(CASE {column} {cases} ELSE 0 END)"


def _launch_values_sql() -> str:
    spread = (
        f"({_case(KIND_SPREAD, 'v.kind')} + {PER_YEAR} * v.carried_years"
        f" + {_case(TIER_SPREAD, 'v.tier')})"
    )
    basis = " ".join(f"WHEN {k} THEN '{b}'" for k, b in BASES.items())
    return f"""WITH
    l0 AS (SELECT * FROM launches),
    pv AS (
        SELECT p.price_id, unnest(p.configurations) AS vehicle, p.scope, p.kind, p.year,
               p.musd, coalesce(p.musd_high, p.musd) AS musd_high, p.launch_tag
        FROM prices p WHERE p.musd IS NOT NULL),
    fam AS (SELECT DISTINCT vehicle, vehicle_family FROM launches
            WHERE vehicle_family IS NOT NULL),
    pvf AS (SELECT pv.*, fam.vehicle_family FROM pv LEFT JOIN fam USING (vehicle)),
    near AS (
        SELECT DISTINCT l0.launch_tag, pvf.price_id, pvf.kind, pvf.year AS price_year,
               pvf.musd, pvf.musd_high,
               CASE WHEN pvf.launch_tag IS NOT NULL THEN 0
                    WHEN pvf.scope = 'configuration' THEN 1 ELSE 2 END AS tier,
               abs(l0.year - pvf.year) AS carried_years
        FROM l0 JOIN pvf ON pvf.vehicle = l0.vehicle
        WHERE pvf.launch_tag IS NULL OR pvf.launch_tag = l0.launch_tag),
    -- A related configuration's price only for the launches no nearer price covers (no
    -- price then names the launch's own vehicle).
    pf AS (SELECT DISTINCT price_id, kind, year, musd, musd_high, vehicle_family FROM pvf
           WHERE launch_tag IS NULL AND vehicle_family IS NOT NULL),
    far AS (
        SELECT l0.launch_tag, pf.price_id, pf.kind, pf.year AS price_year, pf.musd,
               pf.musd_high, 3 AS tier, abs(l0.year - pf.year) AS carried_years
        FROM l0 JOIN pf ON pf.vehicle_family = l0.vehicle_family
        WHERE l0.launch_tag NOT IN (SELECT launch_tag FROM near)),
    cand AS (SELECT * FROM near UNION ALL SELECT * FROM far),
    best AS (SELECT * FROM cand QUALIFY rank() OVER (
                 PARTITION BY launch_tag ORDER BY tier, carried_years) = 1),
    v AS (
        SELECT launch_tag, min(tier) AS tier, min(carried_years) AS carried_years,
               min(price_year) AS price_year,
               -- summed in one order: the same value to the last bit in every build
               list_avg(list((musd + musd_high) / 2 ORDER BY price_id)) AS mid,
               min(musd) AS lo, max(musd_high) AS hi,
               arg_max(kind, {_case(KIND_SPREAD, "kind")}) AS kind,
               list(DISTINCT price_id ORDER BY price_id) AS price_ids
        FROM best GROUP BY launch_tag),
    org AS (SELECT DISTINCT code, parent FROM organisations),
    pair AS ({_pairs_sql()}),
    own AS (
        SELECT l0.launch_tag, bool_or(
                   o = a OR oo.parent = a OR ao.parent = o
                   OR EXISTS (SELECT 1 FROM pair WHERE pair.provider = a AND pair.owner = o)
               ) AS captive
        FROM (SELECT l0.launch_tag, split_part(l0.agency, '/', 1) AS a,
                     split_part(p.owner, '/', 1) AS o
              FROM l0 JOIN payloads p ON p.launch_tag = l0.launch_tag AND p.is_primary) l0
        LEFT JOIN org oo ON oo.code = l0.o LEFT JOIN org ao ON ao.code = l0.a
        GROUP BY l0.launch_tag),
    lv AS (
        SELECT l0.launch_tag, v.mid AS value_musd,
               greatest(v.lo * (1 - {spread}), {FLOOR} * v.lo) AS low_musd,
               v.hi * (1 + {spread}) AS high_musd,
               coalesce(CASE v.tier {basis} END, 'unknown') AS basis,
               v.carried_years, v.price_year, v.kind AS price_kind, v.price_ids,
               coalesce(own.captive, false) AS captive,
               CASE WHEN coalesce(own.captive, false) THEN 'captive'
                    WHEN l0.sector = 'commercial' THEN 'commercial'
                    WHEN l0.sector IN ('civil', 'military') THEN 'government'
                    ELSE 'other' END AS market
        FROM l0 LEFT JOIN v USING (launch_tag) LEFT JOIN own USING (launch_tag))
    SELECT * FROM lv"""


#: Every launch's value, range, basis, ``captive`` and ``market`` (module docstring).
LAUNCH_VALUES_SQL = _launch_values_sql()
