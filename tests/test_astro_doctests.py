"""The examples in the orbit modules' docstrings run and give what they show."""

from __future__ import annotations

import doctest
import importlib

import pytest

MODULES = [
    "cosmodrome.astro.elements",
    "cosmodrome.astro.frames",
    "cosmodrome.astro.gazetteer",
    "cosmodrome.astro.passes",
    "cosmodrome.astro.store",
    "cosmodrome.astro.where",
    "cosmodrome.astro.windows",
]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name: str) -> None:
    module = importlib.import_module(name)
    failures, tried = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
    assert tried > 0, f"{name} has no examples"
    assert failures == 0
