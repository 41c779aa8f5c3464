"""Market analytics on the catalog: site profiles, cadence, market share, customer migration,
event comparisons, charts and self-contained HTML reports.

Every analysis is a plain function taking a read-only DuckDB connection (see
:func:`cosmodrome.api.catalog`) and returning pandas DataFrames, so it works the same in a
notebook, the CLI and the web API. Method notes: docs/ANALYTICS.md.
"""

from cosmodrome.analytics.cadence import cadence, share, world_totals
from cosmodrome.analytics.charts import (
    cadence_chart,
    event_effects_chart,
    migration_chart,
    profile_chart,
    save,
    share_chart,
    svg_text,
)
from cosmodrome.analytics.common import DIMENSIONS, PERIODS, SOURCE_LINE, source_line
from cosmodrome.analytics.events import (
    DEFAULT_EVENTS,
    Event,
    events_from,
    parse_event,
    poisson_interval,
    rate_ratio_interval,
)
from cosmodrome.analytics.mass import mass_coverage, mass_to_orbit
from cosmodrome.analytics.migration import Migration, Selection, customer_migration
from cosmodrome.analytics.profile import SiteProfile, foreign_customers, site_profile
from cosmodrome.analytics.report import site_report
from cosmodrome.analytics.value import (
    dollar_year,
    launch_value,
    launch_values,
    price_points,
    value_per_kg,
    value_share,
)

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
