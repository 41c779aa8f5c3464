"""Text from upstream files as people read it: no control characters.

A NUL or an escape code in a satellite, vehicle or launch name (GCAT, TLE, OMM, schedule
exports) would reach every table, page and CSV download; each reader passes its names
through :func:`without_control`.
"""

from __future__ import annotations

import re

_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def without_control(text: str) -> str:
    """``text`` without ASCII control characters (tabs and newlines included), stripped.

    >>> without_control("Sput\\x00nik\\x07 ")
    'Sputnik'
    """
    if text.isprintable():  # the common case, checked first: the expression is slower
        return text.strip()
    return _CONTROL.sub("", text).strip()
