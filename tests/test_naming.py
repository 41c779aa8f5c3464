"""The one fold, index and ranking every vocabulary uses (cosmodrome.naming): properties
over generated names, and the examples of its docstrings."""

from __future__ import annotations

import doctest
import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cosmodrome import naming
from cosmodrome.catalog import ingest, sectors
from cosmodrome.errors import UnknownNameError
from cosmodrome.naming import NameIndex, closest_names, fold, fold_words

#: Words of names: ASCII letters and digits, as catalogs write them.
WORD = st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789", min_size=1, max_size=8)
#: What people put between words: spaces, hyphens, dots, slashes, underscores.
SEPARATOR = st.sampled_from([" ", "-", ".", "/", "  ", " - ", "_", ", "])
#: Accents a press release adds (combining marks).
ACCENT = st.sampled_from(["\u0301", "\u0300", "\u0302", "\u0303", "\u0308", "\u0327"])
ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV", 5: "V", 6: "VI", 7: "VII", 8: "VIII", 9: "IX"}


@st.composite
def names_(draw: st.DrawFn) -> tuple[list[str], list[str]]:
    """Words and the separators between them."""
    words = draw(st.lists(WORD, min_size=1, max_size=4))
    separators = draw(st.lists(SEPARATOR, min_size=len(words) - 1, max_size=len(words) - 1))
    return words, separators


def _join(words: list[str], separators: list[str]) -> str:
    return words[0] + "".join(s + w for s, w in zip(separators, words[1:], strict=True))


@given(st.text(max_size=30))
def test_a_fold_is_letters_and_digits_only(text: str) -> None:
    assert all(ch in "abcdefghijklmnopqrstuvwxyz0123456789" for ch in fold(text))


@given(names_())
def test_case_does_not_count(name: tuple[list[str], list[str]]) -> None:
    text = _join(*name)
    assert fold(text.upper()) == fold(text) == fold(text.title())


@given(names_(), st.data())
def test_accents_do_not_count(name: tuple[list[str], list[str]], data: st.DataObject) -> None:
    words, separators = name
    accented = [
        "".join(ch + (data.draw(ACCENT) if ch.isalpha() else "") for ch in word) for word in words
    ]
    text = unicodedata.normalize("NFC", _join(accented, separators))
    assert fold(text) == fold(_join(words, separators))


@given(names_(), st.data())
def test_which_separator_does_not_count(
    name: tuple[list[str], list[str]], data: st.DataObject
) -> None:
    words, separators = name
    others = [data.draw(SEPARATOR) for _ in separators]
    assert fold(_join(words, separators)) == fold(_join(words, others))
    assert fold_words(_join(words, separators)) == fold_words(_join(words, others))


@given(WORD.filter(lambda w: w[0].isalpha()), st.integers(min_value=1, max_value=9))
def test_roman_numerals_are_numbers(word: str, number: int) -> None:
    assert fold(f"{word} {ROMAN[number]}") == fold(f"{word} {number}")
    assert fold(f"{word}-{ROMAN[number].lower()}") == fold(f"{word} {number}")


@given(WORD, st.integers(min_value=0, max_value=999))
def test_numbering_signs_are_one_word(word: str, number: int) -> None:
    spellings = {f"{word} n°{number}", f"{word} No. {number}", f"{word} #{number}"}
    assert len({fold(s) for s in spellings}) == 1


@given(st.text(max_size=20))
def test_folding_twice_changes_nothing(text: str) -> None:
    assert fold(fold(text)) == fold(text)


@given(st.lists(names_(), min_size=1, max_size=6, unique_by=lambda n: fold(_join(*n))))
def test_an_index_finds_every_spelling_of_what_it_holds(
    spellings: list[tuple[list[str], list[str]]],
) -> None:
    index = NameIndex("thing")
    for code, name in enumerate(spellings):
        index.add(_join(*name), {str(code)})
    for code, (words, separators) in enumerate(spellings):
        typed = _join([w.upper() for w in words], [" "] * len(separators))
        assert str(code) in index.resolve(typed)


@given(st.lists(names_(), min_size=1, max_size=8))
def test_a_name_spelled_the_same_is_suggested_first(
    candidates: list[tuple[list[str], list[str]]],
) -> None:
    shown = [_join(*c) for c in candidates]
    first = closest_names(shown[0].upper(), shown)[0]
    assert fold(first) == fold(shown[0])


def test_an_unknown_name_in_a_small_vocabulary_suggests() -> None:
    with pytest.raises(UnknownNameError) as caught:
        sectors.resolve_sector("comercial")
    assert caught.value.suggestions[0] == "commercial"


@pytest.mark.parametrize("module", [naming, ingest, sectors])
def test_docstring_examples(module: object) -> None:
    failures, tried = doctest.testmod(module)  # type: ignore[arg-type]
    assert tried > 0 and failures == 0
