"""Text from upstream files as people read it: no control characters.

A NUL or an escape code in a satellite, vehicle or launch name (GCAT, TLE, OMM, schedule
exports) would reach every table, page and CSV download; each reader passes its names
through :func:`without_control`.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def without_control(text: str) -> str:
    """``text`` without ASCII control characters (tabs and newlines included), stripped.

    >>> without_control("Sput\\x00nik\\x07 ")
    'Sputnik'
    """
    if text.isprintable():  # the common case, checked first: the expression is slower
        return text.strip()
    return _CONTROL.sub("", text).strip()


def name_list(names: Sequence[str], most: int | None = None) -> str:
    """``names`` as one list a person reads: comma-separated, or semicolon-separated where a
    name holds a comma ("International Launch Services, Khrunichev" is one name); past
    ``most`` names, "...".

    >>> name_list(["Roscosmos", "Starsem"]), name_list(["ILS, Khrunichev", "Starsem"])
    ('Roscosmos, Starsem', 'ILS, Khrunichev; Starsem')
    """
    shown = list(names[:most] if most is not None else names)
    separator = "; " if any("," in name for name in shown) else ", "
    return separator.join(shown) + (f"{separator}..." if len(names) > len(shown) else "")
