"""Where data comes from: upstream websites or local mirrors of them, read through one loader."""

from cosmodrome.sources.loader import Loader, Source

__all__ = ["Loader", "Source"]
