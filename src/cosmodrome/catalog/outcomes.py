"""What a GCAT launch code says about a launch's class and outcome; defined once, used everywhere.

A launch code is ``<class><result>[<percent>]``:

* class ``O`` is an orbital launch, ``D`` a deep-space launch (escape trajectory), ``X``
  another kind (GCAT uses it for launches from another body, e.g. lunar module ascents);
* result ``S`` is a success and ``F`` a failure;
* a number after the result marks a launch that ended between the two, with GCAT's estimate
  of how much of the mission succeeded: ``OS75`` is a *partial success* (e.g. a slightly
  wrong orbit), ``OF40`` a *partial failure* (e.g. a payload stranded in its parking orbit).

``is_success`` is true for ``S`` with or without a number; that is what every success and
failure count in Cosmodrome uses.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from cosmodrome.errors import InputError

ORBIT_CLASSES = {"O": "orbital", "D": "deep_space", "X": "other"}
OUTCOMES = ("success", "partial_success", "partial_failure", "failure")
#: An outcome in words, as output shows it (the code stays beside it in CSV and JSON).
OUTCOME_LABELS = {outcome: outcome.replace("_", " ") for outcome in OUTCOMES}
#: The same in SQL, for a column ``l.outcome``.
OUTCOME_NAME_SQL = "replace(l.outcome, '_', ' ')"
LAUNCH_CODE = re.compile(r"^(?P<cls>[ODX])(?P<result>[SF])(?P<percent>\d{1,3})?$")


@dataclass(frozen=True)
class LaunchOutcome:
    orbit_class: str
    outcome: str
    is_success: bool
    percent: int | None


def parse_launch_code(code: str) -> LaunchOutcome:
    """Decode a GCAT launch code.

    >>> parse_launch_code("OF40")
    LaunchOutcome(orbit_class='orbital', outcome='partial_failure', is_success=False, percent=40)
    """
    match = LAUNCH_CODE.match(code.strip())
    if match is None:
        raise ValueError(
            f"cannot read launch code {code!r}: expected class O/D/X, result S/F and an "
            "optional percentage, e.g. 'OS', 'DS', 'OF40'"
        )
    success = match["result"] == "S"
    percent = int(match["percent"]) if match["percent"] else None
    if percent is None:
        outcome = "success" if success else "failure"
    else:
        outcome = "partial_success" if success else "partial_failure"
    return LaunchOutcome(ORBIT_CLASSES[match["cls"]], outcome, success, percent)


#: What a user's ``--outcome`` (or the API's ``outcome``) selects; ``failure`` includes the
#: partial failures, ``full-failure`` only the complete ones.
OUTCOME_GROUPS: dict[str, tuple[str, ...]] = {
    "success": ("success", "partial_success"),
    "failure": ("failure", "partial_failure"),
    "full-success": ("success",),
    "full-failure": ("failure",),
    "partial": ("partial_success", "partial_failure"),
    "partial-success": ("partial_success",),
    "partial-failure": ("partial_failure",),
}
OUTCOME_NAMES = tuple(OUTCOME_GROUPS)


def outcome_filter(name: str) -> tuple[str, ...]:
    """The outcomes a user's ``--outcome`` value selects (``_`` works as ``-``).

    >>> outcome_filter("partial_failure")
    ('partial_failure',)
    """
    key = name.strip().casefold().replace("_", "-")
    if key not in OUTCOME_GROUPS:
        raise InputError(f"unknown outcome {name!r}; choose one of {', '.join(OUTCOME_NAMES)}")
    return OUTCOME_GROUPS[key]
