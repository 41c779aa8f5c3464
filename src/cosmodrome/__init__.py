"""Cosmodrome: the world's spaceports and launch market, measured from public catalogs.

The public Python API lives in :mod:`cosmodrome.api`; the command line, the REST API and
the dashboard are thin layers over it.
"""

__version__ = "0.1.0"
