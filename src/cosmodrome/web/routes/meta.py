"""``/api/meta``: catalog version, data date, source headers and which features are on."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request

from cosmodrome import __version__
from cosmodrome.web.context import Ctx
from cosmodrome.web.errors import ERROR_RESPONSES

router = APIRouter(tags=["meta"])


@router.get("/meta", responses=ERROR_RESPONSES, summary="Catalog version, data date and features")
def catalog_meta(request: Request, ctx: Ctx) -> dict[str, Any]:
    """The catalog's ``meta`` table, the attribution to show with every chart, and the
    optional features (analytics, reach, windows, passes, coverage) this server offers."""
    return {
        "source": ctx.source(),
        "meta": ctx.generation.meta,
        "version": __version__,
        "features": sorted(request.app.state.features),
    }
