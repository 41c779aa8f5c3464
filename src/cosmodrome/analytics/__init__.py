"""Market analytics on the catalog: site profiles, cadence, market share, customer migration,
event comparisons, charts and self-contained HTML reports.

Every analysis is a plain function taking a read-only DuckDB connection (see
:func:`cosmodrome.api.catalog`) and returning pandas DataFrames, so it works the same in a
notebook, the CLI and the web API. Method notes: docs/ANALYTICS.md.

The names load on first use (PEP 562): a command that needs one analysis does not import
the others (pandas, matplotlib) to get it.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from cosmodrome.analytics.cadence import (
        cadence,
        share,
        world_totals,
    )
    from cosmodrome.analytics.charts import (
        cadence_chart,
        event_effects_chart,
        migration_chart,
        profile_chart,
        save,
        share_chart,
        svg_text,
    )
    from cosmodrome.analytics.common import (
        DIMENSIONS,
        PERIODS,
        SOURCE_LINE,
        source_line,
    )
    from cosmodrome.analytics.events import (
        DEFAULT_EVENTS,
        Event,
        events_from,
        parse_event,
        poisson_interval,
        rate_ratio_interval,
    )
    from cosmodrome.analytics.mass import (
        mass_coverage,
        mass_to_orbit,
    )
    from cosmodrome.analytics.migration import (
        Migration,
        Selection,
        customer_migration,
    )
    from cosmodrome.analytics.profile import (
        SiteProfile,
        foreign_customers,
        site_profile,
    )
    from cosmodrome.analytics.report import (
        site_report,
    )
    from cosmodrome.analytics.value import (
        dollar_year,
        launch_value,
        launch_values,
        price_points,
        value_per_kg,
        value_share,
    )

#: Each exported name and the module that defines it.
_EXPORTS = {
    "DEFAULT_EVENTS": "cosmodrome.analytics.events",
    "DIMENSIONS": "cosmodrome.analytics.common",
    "Event": "cosmodrome.analytics.events",
    "Migration": "cosmodrome.analytics.migration",
    "PERIODS": "cosmodrome.analytics.common",
    "SOURCE_LINE": "cosmodrome.analytics.common",
    "Selection": "cosmodrome.analytics.migration",
    "SiteProfile": "cosmodrome.analytics.profile",
    "cadence": "cosmodrome.analytics.cadence",
    "cadence_chart": "cosmodrome.analytics.charts",
    "customer_migration": "cosmodrome.analytics.migration",
    "dollar_year": "cosmodrome.analytics.value",
    "event_effects_chart": "cosmodrome.analytics.charts",
    "events_from": "cosmodrome.analytics.events",
    "foreign_customers": "cosmodrome.analytics.profile",
    "launch_value": "cosmodrome.analytics.value",
    "launch_values": "cosmodrome.analytics.value",
    "mass_coverage": "cosmodrome.analytics.mass",
    "mass_to_orbit": "cosmodrome.analytics.mass",
    "migration_chart": "cosmodrome.analytics.charts",
    "parse_event": "cosmodrome.analytics.events",
    "poisson_interval": "cosmodrome.analytics.events",
    "price_points": "cosmodrome.analytics.value",
    "profile_chart": "cosmodrome.analytics.charts",
    "rate_ratio_interval": "cosmodrome.analytics.events",
    "save": "cosmodrome.analytics.charts",
    "share": "cosmodrome.analytics.cadence",
    "share_chart": "cosmodrome.analytics.charts",
    "site_profile": "cosmodrome.analytics.profile",
    "site_report": "cosmodrome.analytics.report",
    "source_line": "cosmodrome.analytics.common",
    "svg_text": "cosmodrome.analytics.charts",
    "value_per_kg": "cosmodrome.analytics.value",
    "value_share": "cosmodrome.analytics.value",
    "world_totals": "cosmodrome.analytics.cadence",
}

__all__ = [
    "DEFAULT_EVENTS",
    "DIMENSIONS",
    "PERIODS",
    "SOURCE_LINE",
    "Event",
    "Migration",
    "Selection",
    "SiteProfile",
    "cadence",
    "cadence_chart",
    "customer_migration",
    "dollar_year",
    "event_effects_chart",
    "events_from",
    "foreign_customers",
    "launch_value",
    "launch_values",
    "mass_coverage",
    "mass_to_orbit",
    "migration_chart",
    "parse_event",
    "poisson_interval",
    "price_points",
    "profile_chart",
    "rate_ratio_interval",
    "save",
    "share",
    "share_chart",
    "site_profile",
    "site_report",
    "source_line",
    "svg_text",
    "value_per_kg",
    "value_share",
    "world_totals",
]


def __getattr__(name: str) -> Any:
    """Import the module defining ``name`` on first use, then keep the name here."""
    if name not in _EXPORTS:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(_EXPORTS[name]), name)
    globals()[name] = value
    return value
