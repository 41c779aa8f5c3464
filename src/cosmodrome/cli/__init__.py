"""The ``cosmodrome`` command line: a thin layer over :mod:`cosmodrome.api`."""
