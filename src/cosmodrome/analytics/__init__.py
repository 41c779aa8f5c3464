"""Market analytics on the catalog: site profiles, cadence, market share, customer migration,
event comparisons, charts and self-contained HTML reports.

Every analysis is a plain function taking a read-only DuckDB connection (see
:func:`cosmodrome.api.catalog`) and answering with :class:`~cosmodrome.tables.Rows` computed
in DuckDB (``.to_frame()`` gives a pandas DataFrame), so it works the same in a notebook,
the CLI and the web API. Names load on first use (PEP 562): an analysis never imports the
charts (matplotlib) or pandas it does not use. Method notes: docs/ANALYTICS.md.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

# Imported now, not on first use: the module of the same name would otherwise stand where
# the function ``cadence`` is asked for once anything imports the module. It loads no pandas.
from cosmodrome.analytics.cadence import cadence, share, world_totals

if TYPE_CHECKING:
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

#: Each public name's module.
_MODULES: dict[str, str] = {
    "cadence_chart": "cosmodrome.analytics.charts",
    "event_effects_chart": "cosmodrome.analytics.charts",
    "migration_chart": "cosmodrome.analytics.charts",
    "profile_chart": "cosmodrome.analytics.charts",
    "save": "cosmodrome.analytics.charts",
    "share_chart": "cosmodrome.analytics.charts",
    "svg_text": "cosmodrome.analytics.charts",
    "DIMENSIONS": "cosmodrome.analytics.common",
    "PERIODS": "cosmodrome.analytics.common",
    "SOURCE_LINE": "cosmodrome.analytics.common",
    "source_line": "cosmodrome.analytics.common",
    "DEFAULT_EVENTS": "cosmodrome.analytics.events",
    "Event": "cosmodrome.analytics.events",
    "events_from": "cosmodrome.analytics.events",
    "parse_event": "cosmodrome.analytics.events",
    "poisson_interval": "cosmodrome.analytics.events",
    "rate_ratio_interval": "cosmodrome.analytics.events",
    "mass_coverage": "cosmodrome.analytics.mass",
    "mass_to_orbit": "cosmodrome.analytics.mass",
    "Migration": "cosmodrome.analytics.migration",
    "Selection": "cosmodrome.analytics.migration",
    "customer_migration": "cosmodrome.analytics.migration",
    "SiteProfile": "cosmodrome.analytics.profile",
    "foreign_customers": "cosmodrome.analytics.profile",
    "site_profile": "cosmodrome.analytics.profile",
    "site_report": "cosmodrome.analytics.report",
    "dollar_year": "cosmodrome.analytics.value",
    "launch_value": "cosmodrome.analytics.value",
    "launch_values": "cosmodrome.analytics.value",
    "price_points": "cosmodrome.analytics.value",
    "value_per_kg": "cosmodrome.analytics.value",
    "value_share": "cosmodrome.analytics.value",
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
    """Load a public name from its module on first use."""
    if name not in _MODULES:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(_MODULES[name]), name)
    globals()[name] = value
    return value
