"""Helpers of the web tests (the catalog itself comes from the ``mirror_home`` fixture)."""

from __future__ import annotations

import warnings


def client_class() -> type:
    """FastAPI's TestClient, imported without Starlette's httpx deprecation warning."""
    from starlette.exceptions import StarletteDeprecationWarning

    with warnings.catch_warnings():
        # Starlette prefers the httpx2 package; httpx (a project dependency) still works.
        warnings.simplefilter("ignore", StarletteDeprecationWarning)
        from fastapi.testclient import TestClient
    return TestClient
