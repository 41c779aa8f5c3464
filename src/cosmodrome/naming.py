"""The one way names are compared: one fold, one index type, one ranking of suggestions.

Every vocabulary (sites, pads, vehicles, organisations, states, sectors, missions, orbit
regimes, gazetteer places, satellites) compares what a user types with what it knows through
:func:`fold`, keeps its spellings in a :class:`NameIndex`, and suggests the closest names
with :func:`closest_names`. The rules (documented in docs/SCHEMA.md, "Names people use"):

- case, accents, spaces, punctuation and hyphens do not count: ``GÉO`` is ``geo``,
  ``Soyuz-2.1b`` is ``Soyuz 2 1B``;
- Roman numerals are numbers: ``Delta IV`` is ``Delta 4``, ``KSLV-II`` is ``KSLV-2``,
  ``H-IIA`` is ``H-2A``;
- numbering signs are one word: ``n°2``, ``No. 2``, ``#2`` and ``number 2`` are ``no 2``.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Mapping
from typing import Any

from cosmodrome.errors import UnknownNameError

#: Numbering signs written one way (before accents go: ``°`` has no ASCII form).
_NUMBER_SIGNS = (
    (re.compile(r"\bn\s*[°º]\s*", re.IGNORECASE), " no "),
    (re.compile(r"\bno\.?\s*(?=\d)", re.IGNORECASE), " no "),
    (re.compile(r"#\s*(?=\d)"), " no "),
    (re.compile(r"\bnumber\s+(?=\d)", re.IGNORECASE), " no "),
)
#: What every numbering sign above needs: a degree or ordinal sign, or a digit.
_MAY_HAVE_NUMBER_SIGN = re.compile(r"[°º\d]")
#: Roman numerals read as numbers when they are a whole word (``X`` is left alone: X-15,
#: Site X), or a later word's start before one letter (``IIA`` of ``H-IIA``).
_ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4, "v": 5, "vi": 6, "vii": 7, "viii": 8, "ix": 9}
_ROMAN_WORDS = {word: str(number) for word, number in _ROMAN.items()}
_ROMAN_SUFFIXED = re.compile(r"^(ii|iii)([a-z])$")
#: A word: what is left between the characters that do not count.
_WORD = re.compile(r"[0-9a-z]+")


def fold_words(text: str) -> tuple[str, ...]:
    """The words of ``text`` as they are compared.

    >>> fold_words("Soyuz-2.1b"), fold_words("GÉO"), fold_words("Kondor-FKA n°2")
    (('soyuz', '2', '1b'), ('geo',), ('kondor', 'fka', 'no', '2'))
    >>> fold_words("Delta IV Heavy"), fold_words("H-IIA 202")
    (('delta', '4', 'heavy'), ('h', '2a', '202'))
    """
    if _MAY_HAVE_NUMBER_SIGN.search(text):  # most names have none: four searches saved
        for pattern, words in _NUMBER_SIGNS:
            text = pattern.sub(words, text)
    if text.isascii():  # nothing for NFKD to take apart
        plain = text.casefold()
    else:
        plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().casefold()
    # Folded by the cheapest test first: a build folds tens of thousands of names.
    folded = [_ROMAN_WORDS.get(word, word) for word in _WORD.findall(plain)]
    for i in range(1, len(folded)):
        if folded[i].startswith("ii"):
            folded[i] = _suffixed_numeral(folded[i])
    return tuple(folded)


def _suffixed_numeral(word: str) -> str:
    suffixed = _ROMAN_SUFFIXED.match(word)
    return f"{_ROMAN[suffixed.group(1)]}{suffixed.group(2)}" if suffixed else word


def fold(text: str) -> str:
    """The key a name is looked up by: :func:`fold_words` run together.

    >>> fold("Alcântara") == fold("alcantara"), fold("Atlas V") == fold("Atlas 5")
    (True, True)
    >>> fold("Long March 5") == fold("long-march 5"), fold("Commércial")
    (True, 'commercial')
    """
    return "".join(fold_words(text))


def plain(text: str) -> str:
    """Lower case, no accents, letters and digits only: :func:`fold` without its reading of
    numerals and numbering signs, for searching inside stored text (a payload name's
    ``V`` is a letter there, as the catalog stores it)."""
    ascii_ = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^0-9a-z]", "", ascii_.casefold())


def closest_names(
    name: str,
    candidates: Iterable[str],
    n: int = 5,
    *,
    weight: Mapping[str, float] | None = None,
) -> list[str]:
    """The candidates that look most like ``name``, best first.

    Ranked the way a person reads a list: a candidate spelled the same (by :func:`fold`)
    first, then one that starts with ``name`` (``Cape`` -> ``Cape Canaveral``), then one with
    a later word that starts with it (``Cape`` -> ``Narrow Cape``; ``ISS`` -> ``ISS
    (ZARYA)``), then one that contains it, and only then the ones a few letters away
    (``Roscosmos`` -> ``Roskosmos``). Within a rank, a heavier ``weight`` (say, more
    launches) comes first, then the shorter name. Where nothing is alike, the least unlike.

    >>> closest_names("cape", ["Narrow Cape", "CLA", "Cape Kennedy", "Cape Canaveral"],
    ...               weight={"Cape Canaveral": 900, "Cape Kennedy": 30})
    ['Cape Canaveral', 'Cape Kennedy', 'Narrow Cape']
    """
    by_folded: dict[str, str] = {}
    for candidate in candidates:
        by_folded.setdefault(" ".join(fold_words(candidate)), candidate)
    wanted = " ".join(fold_words(name))
    if not wanted:
        return []
    squeezed = wanted.replace(" ", "")
    ranked: list[tuple[int, float, float, int, str]] = []
    close = set(difflib.get_close_matches(wanted, list(by_folded), n=max(n, 10), cutoff=0.6))
    for key, candidate in by_folded.items():
        rank = _match_rank(wanted, squeezed, key, key in close)
        if rank is not None:
            # Among names a few letters away, the most alike first.
            unlike = -difflib.SequenceMatcher(None, wanted, key).ratio() if rank == 4 else 0.0
            heavier = -(weight or {}).get(candidate, 0.0)
            ranked.append((rank, unlike, heavier, len(candidate), candidate))
    ranked.sort(key=lambda item: (*item[:4], item[4].casefold()))
    if not ranked:
        # Nothing alike: the least unlike still beats an empty "did you mean".
        loose = difflib.get_close_matches(wanted, list(by_folded), n=n, cutoff=0.3)
        return [by_folded[key] for key in loose]
    return [candidate for *_, candidate in ranked[:n]]


def _match_rank(wanted: str, squeezed: str, key: str, close: bool) -> int | None:
    """0 same, 1 whole-name prefix, 2 word prefix, 3 contained, 4 close spelling, else None."""
    if key == wanted or key.replace(" ", "") == squeezed:
        return 0
    if key.startswith(wanted) or key.replace(" ", "").startswith(squeezed):
        return 1
    if any(word.startswith(wanted) for word in key.split(" ")[1:]):
        return 2
    if len(squeezed) >= 3 and squeezed in key.replace(" ", ""):
        return 3
    return 4 if close else None


def pick(kind: str, name: str, choices: Mapping[str, str]) -> str:
    """The value of the choice ``name`` names among ``choices`` (spelling -> value), by
    :func:`fold`; else :class:`UnknownNameError` with the closest spellings. For the small
    fixed vocabularies (sectors, missions, regimes)."""
    index = NameIndex(kind)
    for spelling, value in choices.items():
        index.add(spelling, {value})
    found = index.resolve(name)
    if len(found) > 1:
        raise UnknownNameError(f"{kind} (several match; say which)", name, found)
    return found[0]


class NameIndex:
    """Spellings mapped to sets of codes, plus the display names used for suggestions."""

    def __init__(self, kind: str) -> None:
        self.kind = kind
        self._codes: dict[str, set[str]] = defaultdict(set)
        self._preferred: dict[str, set[str]] = defaultdict(set)
        self._display: set[str] = set()
        self._curated: set[str] = set()
        #: Each key's words (its first spelling's), for :meth:`starting`.
        self._words: dict[str, str] = {}
        #: The one name each thing goes by (a spaceport's name, not its aliases).
        self.primary: set[str] = set()
        #: How much each code counts when suggestions tie (launches at a site, say).
        self.weights: dict[str, float] = {}

    def add(
        self,
        spelling: str | None,
        codes: Iterable[str],
        *,
        display: bool = True,
        preferred: bool = False,
    ) -> None:
        """Map ``spelling`` to ``codes``; a preferred spelling hides ordinary ones that fold
        the same (the curated "Kennedy" is KSC, not Cape Kennedy's old name for CC)."""
        if not spelling:
            return
        words = fold_words(spelling)
        key = "".join(words)  # fold(spelling), without folding it twice
        if key:
            (self._preferred if preferred else self._codes)[key].update(codes)
            self._words.setdefault(key, " ".join(words))
            if display:
                self._display.add(spelling)
                if preferred:
                    self._curated.add(spelling)

    def knows(self, name: str) -> bool:
        return fold(name) in self._preferred or fold(name) in self._codes

    def lookup(self, name: str) -> set[str]:
        key = fold(name)
        return set(self._preferred.get(key) or self._codes.get(key, set()))

    def prefixed(self, name: str) -> set[str]:
        """Codes of every spelling that starts with ``name`` (three letters at least)."""
        key = fold(name)
        found: set[str] = set()
        if len(key) >= 3:
            for spelling, codes in (*self._codes.items(), *self._preferred.items()):
                if spelling.startswith(key):
                    found |= codes
        return found

    def starting(self, name: str) -> set[str]:
        """Codes of every spelling that begins with ``name`` where a name can end: at a word
        boundary (``Proton-M`` begins ``Proton-M/Briz-M``) or where digits meet letters
        (``Chang Zheng 5`` begins ``Chang Zheng 5B``), never inside a number (``Chang Zheng
        1`` does not begin ``Chang Zheng 11``) or a word (``Zenit-3SL``, ``Zenit-3SLB``)."""
        key = fold(name)
        found: set[str] = set()
        if len(key) < 2:
            return found
        for spelling, words in self._words.items():
            if spelling.startswith(key) and _ends_there(spelling, words, len(key)):
                found |= self._preferred.get(spelling, set()) | self._codes.get(spelling, set())
        return found

    def resolve(
        self,
        name: str,
        *,
        allow_prefix: bool = False,
        unique_prefix: bool = False,
        word_prefix: bool = False,
        suggest: bool = True,
    ) -> list[str]:
        """Codes of ``name``: its exact spelling; else, where allowed, every code of the
        spellings it starts (``allow_prefix``: ``Soyuz-2``), the one code of all the
        spellings it starts when there is one and it is at least 6 letters long
        (``unique_prefix``: ``Satish Dhawan``), or every code of the spellings whose first
        words it is (``word_prefix``: ``NASA`` for ``NASA LaRC``, ``NASA MSFC``).

        An unknown name raises :class:`UnknownNameError` with the closest names, or with
        none when ``suggest`` is false (a caller trying spellings, which would only discard
        them: ranking them is most of a failed lookup's cost)."""
        codes = self.lookup(name)
        if not codes and allow_prefix:
            codes = self.prefixed(name)
        if not codes and unique_prefix and len(fold(name)) >= 6:
            found = self.prefixed(name)
            codes = found if len(found) == 1 else set()
        if not codes and word_prefix:
            codes = self.word_prefixed(name)
        if not codes:
            raise UnknownNameError(self.kind, name, self.suggest(name) if suggest else [])
        return sorted(codes)

    def suggest(self, name: str, n: int = 5) -> list[str]:
        """The closest display names, ranked by :func:`closest_names`, the busiest first
        among equals."""
        # A curated name (Cape Canaveral) before GCAT's names of the same site (Cape Kennedy).
        weight = {
            spelling: max((self.weights.get(c, 0.0) for c in self.lookup(spelling)), default=0.0)
            + (0.5 if spelling in self._curated else 0.0)
            + (0.25 if spelling in self.primary else 0.0)
            for spelling in self._display
        }
        return closest_names(name, sorted(self._display), n, weight=weight)

    def word_prefixed(self, name: str) -> set[str]:
        """Codes of the display spellings whose first words are ``name``."""
        wanted = fold_words(name)
        found: set[str] = set()
        if wanted:
            for spelling in self._display:
                words = fold_words(spelling)
                if len(words) > len(wanted) and words[: len(wanted)] == wanted:
                    found |= self.lookup(spelling)
        return found

    def names(self) -> list[str]:
        return sorted(self._display)

    def to_json(self) -> dict[str, Any]:
        """Everything the index holds, as JSON types (to store it with a catalog)."""
        return {
            "kind": self.kind,
            "codes": {k: sorted(v) for k, v in self._codes.items()},
            "preferred": {k: sorted(v) for k, v in self._preferred.items()},
            "display": sorted(self._display),
            "curated": sorted(self._curated),
            "words": self._words,
            "primary": sorted(self.primary),
            "weights": self.weights,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> NameIndex:
        index = cls(str(data["kind"]))
        index._codes.update({k: set(v) for k, v in data["codes"].items()})
        index._preferred.update({k: set(v) for k, v in data["preferred"].items()})
        index._display = set(data["display"])
        index._curated = set(data["curated"])
        index._words = {str(k): str(v) for k, v in data["words"].items()}
        index.primary = set(data["primary"])
        index.weights = {str(k): float(v) for k, v in data["weights"].items()}
        return index


def _ends_there(key: str, words: str, at: int) -> bool:
    """Whether a name folded to ``key`` (``words`` spaced) can end after ``at`` letters."""
    if at == len(key):
        return True
    boundary = 0
    for word in words.split(" "):
        boundary += len(word)
        if boundary >= at:
            break
    return boundary == at or key[at - 1].isdigit() != key[at].isdigit()
