"""``/api/meta``: catalog version, data date, source headers and which features are on."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from cosmodrome import __version__, api
from cosmodrome.display import rules_json
from cosmodrome.web.context import Ctx
from cosmodrome.web.errors import ERROR_RESPONSES

router = APIRouter(tags=["meta"])


@router.get("/meta", responses=ERROR_RESPONSES, summary="Catalog version, data date and features")
def catalog_meta(request: Request, ctx: Ctx) -> dict[str, Any]:
    """The catalog's ``meta`` table, the attribution to show with every chart, and the
    optional features (analytics, reach, windows, passes, coverage) this server offers, and
    ``elements``: the element store's size and epoch span (``null`` without one), and
    ``display``: the display precision of each quantity (cosmodrome/display.py), which the
    dashboard rounds by so that it agrees with the CLI and the report."""
    return {
        "source": ctx.source(),
        "meta": ctx.generation.meta,
        "version": __version__,
        "features": sorted(request.app.state.features),
        "display": rules_json(),
        "elements": _elements_summary(request),
    }


def _elements_summary(request: Request) -> dict[str, Any] | None:
    """What the element store holds (``None`` when there is none): pages that propagate
    orbits default to a time inside these epochs."""
    return api.element_store_summary(request.app.state.home)


@router.get("/vocabularies", summary="Every closed list of values, with the names to show")
def vocabularies() -> JSONResponse:
    """Sectors, missions, orbit regimes, outcome filters and outcomes, orbit classes, the sort
    keys of launches and payloads, share dimensions, periods and states, each as
    ``{"value", "label"}`` in menu order: the dashboard's menus and labels come from here.
    The lists change only with the software, so answers are cached for a day."""
    return JSONResponse(api.vocabularies(), headers={"Cache-Control": "public, max-age=86400"})
