"""One JSON shape for every error the API returns.

Every error body looks like this, whatever went wrong::

    {"error": {"type": "UnknownNameError", "status": 404,
               "message": "Unknown site 'Baikonurr'. Did you mean: Baikonur?",
               "suggestions": ["Baikonur"]}}

``suggestions`` lists the closest names for an unknown name, the allowed values for a value
outside a fixed set (``outcome=partial``), and is empty otherwise.
"""

from __future__ import annotations

import logging
import re
import sqlite3
from typing import Any

import duckdb
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from starlette.exceptions import HTTPException as StarletteHTTPException

from cosmodrome.errors import (
    CatalogMissingError,
    CosmodromeError,
    InputError,
    SourceError,
    UnknownNameError,
)
from cosmodrome.timeutil import DATE_PATTERN, FORMS, parse_span
from cosmodrome.web.load import RequestCancelled

log = logging.getLogger("cosmodrome.web")


class ErrorDetail(BaseModel):
    type: str = Field(description="Error class, e.g. UnknownNameError, InputError, NotFound.")
    status: int = Field(description="HTTP status code, repeated for convenience.")
    message: str = Field(description="What went wrong and how to fix it, for a person.")
    suggestions: list[str] = Field(
        default_factory=list,
        description="Closest known names, or the allowed values of a parameter, if any.",
    )
    field: str | None = Field(
        default=None,
        description="The request parameter the error concerns, when one does (start_utc); "
        "the dashboard shows the message at that field.",
    )
    name: str | None = Field(
        default=None, description="For an unknown name: the name as it was given."
    )


class ErrorBody(BaseModel):
    error: ErrorDetail


class JobLimitError(InputError):
    """A job request past the limits (grid size, duration)."""


class BusyError(CosmodromeError):
    """The server cannot take this work now (job queue full, too many requests waiting):
    answered ``429`` (one client's share used up) or ``503`` with ``Retry-After``."""

    def __init__(self, message: str, *, status: int = 503, retry_after_s: int = 5) -> None:
        super().__init__(message)
        self.status = status
        self.retry_after_s = retry_after_s


class InvalidChoiceError(InputError):
    """A parameter value outside a fixed set: answered 422 with the allowed values as
    ``suggestions``."""

    def __init__(self, message: str, suggestions: list[str]) -> None:
        self.suggestions = suggestions
        super().__init__(message)


class NotModified(Exception):
    """The client's cached copy is current: answer ``304 Not Modified``."""

    def __init__(self, etag: str, cache_control: str) -> None:
        self.etag = etag
        self.cache_control = cache_control


ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    400: {"model": ErrorBody, "description": "The request cannot be answered as given."},
    404: {"model": ErrorBody, "description": "Unknown name; `suggestions` lists the closest."},
    422: {"model": ErrorBody, "description": "A parameter has the wrong type or range."},
    429: {
        "model": ErrorBody,
        "description": "This client has as many jobs running as it may; see Retry-After.",
    },
    503: {
        "model": ErrorBody,
        "description": "No catalog built yet, a query hit its time limit, or the server is "
        "busy (see Retry-After).",
    },
}


def error_response(
    status: int,
    kind: str,
    message: str,
    suggestions: list[str] | None = None,
    headers: dict[str, str] | None = None,
    *,
    field: str | None = None,
    name: str | None = None,
) -> JSONResponse:
    body = ErrorBody(
        error=ErrorDetail(
            type=kind,
            status=status,
            message=message,
            suggestions=suggestions or [],
            field=field,
            name=name,
        )
    )
    return JSONResponse(
        body.model_dump(),
        status_code=status,
        headers={"Cache-Control": "no-store", **(headers or {})},
    )


def status_of(error: CosmodromeError) -> int:
    if isinstance(error, BusyError):
        return error.status
    if isinstance(error, RequestCancelled):  # nobody reads it; logs show the work stopped
        return 503
    # The element store (an optional module) missing or empty: nothing to find the satellite in.
    if isinstance(error, UnknownNameError) or type(error).__name__ == "NoElementsError":
        return 404
    if isinstance(error, InvalidChoiceError):  # a parameter outside its fixed set
        return 422
    if isinstance(error, InputError):
        return 400
    # A store that cannot be read (cosmodrome.stores, below the façade): named, like above.
    if isinstance(error, CatalogMissingError) or type(error).__name__ == "StoreDamagedError":
        return 503
    if isinstance(error, SourceError):
        return 502
    return 400


def _accepted_words(error: RequestValidationError) -> list[str]:
    """The allowed values of a parameter outside its fixed set (``by=nonsense``), from
    pydantic's ``expected`` context, so that every such 422 lists them as WEB.md says."""
    words: list[str] = []
    for item in error.errors():
        expected = (item.get("ctx") or {}).get("expected")
        if isinstance(expected, str):
            words += re.findall(r"'([^']*)'", expected)
    return list(dict.fromkeys(words))


#: A message that starts with a parameter's name ("start_utc: 2099 is outside ...").
_FIELD_PREFIX = re.compile(r"^([a-z][a-z0-9_]*): ")


def field_of(error: Exception) -> str | None:
    """The parameter an input error concerns: its own ``field``, else the name its message
    starts with; ``None`` when it concerns the request as a whole."""
    named = getattr(error, "field", None)
    if isinstance(named, str) and named:
        return named
    match = _FIELD_PREFIX.match(str(error))
    return match.group(1) if match else None


def _validation_field(error: RequestValidationError) -> str | None:
    """The parameter of the first validation problem (a body's nested field by its last
    part: ``constellation.planes`` is ``planes``)."""
    for item in error.errors():
        parts = [str(p) for p in item.get("loc", ()) if p not in ("query", "path", "body")]
        if parts:
            return parts[-1]
    return None


def _describe_validation(error: RequestValidationError) -> str:
    parts = []
    for item in error.errors():
        where = ".".join(str(p) for p in item.get("loc", ()) if p not in ("query", "path", "body"))
        parts.append(f"{where or 'request'}: {item.get('msg', 'invalid value')}")
    return "; ".join(parts) or "invalid request"


def _date_refusal(error: RequestValidationError) -> str | None:
    """A date parameter outside the schema's pattern (:data:`DATE_PATTERN`, which states the
    years the server takes) answered as the date parser words it, ``from: '99999' is outside
    the years 1900-2200``, a 400 like every other unreadable date; ``None`` for other errors."""
    items = error.errors()
    if not items or any(
        item.get("type") != "string_pattern_mismatch"
        or (item.get("ctx") or {}).get("pattern") != DATE_PATTERN
        for item in items
    ):
        return None
    item = items[0]
    field = str(item.get("loc", ("", "date"))[-1])
    text = str(item.get("input", ""))
    try:
        parse_span(text)
    except InputError as refusal:
        return f"{field}: {refusal}"
    return f"{field}: cannot read {text.strip()!r} as a date or time; use {FORMS}"


def install_error_handlers(app: FastAPI) -> None:
    """Route every exception to :func:`error_response`."""

    @app.exception_handler(CosmodromeError)
    async def cosmodrome_error(_request: Request, error: CosmodromeError) -> JSONResponse:
        suggestions = list(getattr(error, "suggestions", None) or [])
        headers = (
            {"Retry-After": str(error.retry_after_s)} if isinstance(error, BusyError) else None
        )
        message = f"{error} {error.web_hint}".strip() if error.web_hint else str(error)
        status = status_of(error)
        return error_response(
            status,
            type(error).__name__,
            message,
            suggestions,
            headers,
            field=field_of(error) if isinstance(error, InputError) else None,
            name=error.name if isinstance(error, UnknownNameError) else None,
        )

    @app.exception_handler(RequestValidationError)
    async def validation_error(_request: Request, error: RequestValidationError) -> JSONResponse:
        refused_date = _date_refusal(error)
        if refused_date is not None:
            return error_response(400, "InputError", refused_date)
        return error_response(
            422,
            "ValidationError",
            _describe_validation(error),
            _accepted_words(error),
            field=_validation_field(error),
        )

    @app.exception_handler(StarletteHTTPException)
    async def http_error(_request: Request, error: StarletteHTTPException) -> JSONResponse:
        kinds = {404: "NotFound", 405: "MethodNotAllowed"}
        message = str(error.detail)
        if error.status_code == 404 and message == "Not Found":
            message = "no such page or API endpoint; the API is listed at /api/docs"
        return error_response(
            error.status_code,
            kinds.get(error.status_code, "HTTPError"),
            message,
            headers=dict(error.headers or {}),
        )

    @app.exception_handler(duckdb.InterruptException)
    async def interrupted(_request: Request, _error: duckdb.InterruptException) -> JSONResponse:
        return error_response(
            503,
            "QueryTimeLimit",
            "the query took longer than the time limit; narrow the filters",
            headers={"Retry-After": "5"},
        )

    @app.exception_handler(duckdb.IOException)
    @app.exception_handler(duckdb.SerializationException)
    async def unreadable(_request: Request, error: duckdb.Error) -> JSONResponse:
        # A store damaged under the server (a truncated or overwritten file): the reader's
        # words and where to look, not "a bug, please report it".
        reason = str(error).strip().splitlines()[-1] if str(error).strip() else "unreadable"
        return error_response(
            503,
            "StoreUnreadable",
            f"a store could not be read ({reason}); /api/health names a damaged store and "
            "the command that rebuilds it",
            headers={"Retry-After": "60"},
        )

    @app.exception_handler(OSError)
    @app.exception_handler(sqlite3.OperationalError)
    async def storage(_request: Request, error: Exception) -> JSONResponse:
        # A full disk or a read-only home under the server (the job store cannot be
        # written): the system's words, 503, not "a bug, please report it".
        reason = (error.strerror if isinstance(error, OSError) else None) or str(error)
        return error_response(
            503,
            "ServerStorage",
            f"the server cannot read or write its files ({reason}); its operator frees "
            "space or makes the home folder writable",
            headers={"Retry-After": "60"},
        )

    @app.exception_handler(Exception)
    async def unexpected(request: Request, error: Exception) -> JSONResponse:
        log.exception("unexpected error on %s", request.url.path, exc_info=error)
        return error_response(
            500,
            "InternalError",
            f"unexpected {type(error).__name__}; this is a bug, please report it",
        )
