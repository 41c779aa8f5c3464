"""Sectors and missions in plain words, from GCAT's payload ``Class`` and ``Category``.

One module owns both vocabularies, so ``commercial`` or ``communications`` means the same in
the catalog, the analyses, the CLI, the REST API and the dashboard.

**Sector.** GCAT's ``Class`` (``psatcat.tsv``; organisations in ``orgs.tsv`` carry the same
letters) is ``A`` academic/amateur, ``B`` business, ``C`` civil government, ``D`` defence;
several letters (``CD``, ``BD``) name a payload shared between sectors, which Cosmodrome calls
``mixed``. A payload without a class takes the class of its owner organisation.

**Mission.** GCAT's ``Category`` lists one or more mission codes joined by ``/``
(``COM/MET-RO``); the first is the payload's main mission. A code may carry GCAT's
qualifiers ``?`` (the mission is uncertain) and ``*`` (GCAT's mark on a mission inferred for
a payload whose purpose is not officially stated, mostly classified ones); both are kept as
flags, never dropped.

>>> sector_of_class("B"), sector_of_class("CD"), sector_of_class(None)
('commercial', 'mixed', None)
>>> parse_category("SIG?*")
Category(codes=('SIG',), uncertain=True, inferred=True)
"""

from __future__ import annotations

from dataclasses import dataclass

from cosmodrome.errors import UnknownNameError
from cosmodrome.naming import fold, pick

SECTORS = ("commercial", "civil", "military", "academic", "mixed", "unknown")
SECTOR_TITLES = {
    "commercial": "commercial (GCAT class B, business)",
    "civil": "civil government (class C)",
    "military": "military (class D, defence)",
    "academic": "academic and amateur (class A)",
    "mixed": "mixed (several classes, e.g. CD)",
    "unknown": "no class recorded",
}
CLASS_SECTORS = {"A": "academic", "B": "commercial", "C": "civil", "D": "military"}

#: GCAT ``Category`` codes (psatcat column notes) in plain words.
MISSIONS = {
    "COM": "communications",
    "IMG": "imaging",
    "IMG-R": "radar imaging",
    "NAV": "navigation",
    "MET": "meteorology",
    "MET-RO": "radio occultation",
    "EOSCI": "Earth science",
    "GEOD": "geodesy",
    "SCI": "space science",
    "AST": "astronomy",
    "PLAN": "planetary science",
    "TECH": "technology",
    "CAL": "calibration",
    "SIG": "signals intelligence",
    "EW": "early warning",
    "SS": "crew and cargo (space station)",
    "RV": "reentry and return",
    "MGRAV": "microgravity",
    "BIO": "life sciences",
    "EDU": "education",
    "TARG": "target",
    "WEAPON": "weapon",
    "MISC": "other",
}


@dataclass(frozen=True)
class Category:
    """A GCAT ``Category``: its mission codes (main first) and GCAT's qualifiers."""

    codes: tuple[str, ...]
    uncertain: bool
    inferred: bool


def sector_of_class(gcat_class: str | None) -> str | None:
    """The sector of a GCAT class (``B`` commercial, ``CD`` mixed); None when not a class."""
    if not gcat_class:
        return None
    sectors = {CLASS_SECTORS.get(letter) for letter in gcat_class.strip().upper()}
    if None in sectors or not sectors:
        return None
    return "mixed" if len(sectors) > 1 else sectors.pop()


def parse_category(text: str | None) -> Category:
    """Mission codes and qualifiers of a GCAT ``Category`` (``COM/TECH``, ``IMG-R*``)."""
    if not text:
        return Category((), False, False)
    codes = []
    uncertain = inferred = False
    for part in text.strip().split("/"):
        uncertain |= "?" in part
        inferred |= "*" in part
        code = part.strip().strip("?*").upper()
        if code:
            codes.append(code)
    return Category(tuple(codes), uncertain, inferred)


def mission_label_sql(column: str = "p.mission") -> str:
    """SQL giving a GCAT mission code its plain words (``COM`` -> ``communications``)."""
    cases = " ".join(
        f"WHEN '{code}' THEN '{label.replace(chr(39), chr(39) * 2)}'"
        for code, label in MISSIONS.items()
    )
    return f"(CASE {column} {cases} ELSE {column} END)"


def resolve_sector(name: str) -> str:
    """A sector from a name people use (``commercial``, ``Commércial``, ``business``,
    ``defence``, ``B``).

    >>> resolve_sector("Defence"), resolve_sector("civil government"), resolve_sector("B")
    ('military', 'civil', 'commercial')
    """
    aliases = {
        "business": "commercial",
        "civil government": "civil",
        "government": "civil",
        "defence": "military",
        "defense": "military",
        "amateur": "academic",
        "academic amateur": "academic",
        **CLASS_SECTORS,
    }
    return pick("sector", name, {**{s: s for s in SECTORS}, **aliases})


def resolve_mission(name: str) -> str:
    """A GCAT mission code from a code or its plain words (``COM``, ``communications``), or
    a word of one label only (``crew``).

    >>> resolve_mission("navigation"), resolve_mission("img-r"), resolve_mission("crew")
    ('NAV', 'IMG-R', 'SS')
    """
    try:
        return pick(
            "mission", name, {**{c: c for c in MISSIONS}, **{v: c for c, v in MISSIONS.items()}}
        )
    except UnknownNameError:
        key = fold(name)
        words = [code for code, label in MISSIONS.items() if key and key in fold(label)]
        if len(words) == 1:
            return words[0]
        raise
