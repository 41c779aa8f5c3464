"""Where data comes from: upstream websites or local mirrors of them, read through one loader."""

from cosmodrome.sources.loader import DownloadError, Loader, Source

__all__ = ["DownloadError", "Loader", "Source"]
