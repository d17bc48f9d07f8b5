"""Errors the API raises on purpose, and the ONE place that turns them into HTTP answers.

Route handlers and the code under them raise these domain errors (or the store's own
:class:`~stakegraph.errors.StakegraphError` subclasses); :func:`install_error_handlers`
maps every one of them to a status code and a JSON body ``{"detail": "..."}``. Nothing
else produces an error response, and no response ever carries a traceback.
"""

from __future__ import annotations

import json
import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from stakegraph.api.keys import KeyFileError
from stakegraph.api.limits import retry_after_header
from stakegraph.errors import (
    PlayLimitError,
    PlayRequestError,
    PlayStateError,
    StakegraphError,
    StoreError,
    UnknownIdError,
)
from stakegraph.graph.readonly import QueryStillRunningError, ReadOnlyQueryError, StoreLostError

log = logging.getLogger(__name__)


class ApiError(StakegraphError):
    """Base of the API's domain errors; ``status_code`` says how HTTP should see it."""

    status_code = 400

    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail


class NotAuthenticatedError(ApiError):
    """No API key, or one we do not know (or that was revoked)."""

    status_code = 401


class PermissionDeniedError(ApiError):
    """The key is valid but its role does not allow this."""

    status_code = 403

    def __init__(self, detail: str, *, role: str) -> None:
        super().__init__(detail)
        self.role = role


class NotFoundError(ApiError):
    """No such thing — or, for an account manager, not one of theirs (indistinguishable)."""

    status_code = 404

    def __init__(self, kind: str, key: str, *, where: str | None = None) -> None:
        super().__init__(f"{kind} {key!r} not found" + (f" in {where}" if where else ""))
        self.kind = kind
        self.key = key


class BusyError(ApiError):
    """This key's previous request of the same kind is still being worked on."""

    status_code = 429


class RateLimitedError(ApiError):
    """Too many requests from this key, or too many invalid keys from this address
    (:mod:`stakegraph.api.limits`); ``retry_after_s`` says when the next is allowed."""

    status_code = 429

    def __init__(self, detail: str, *, retry_after_s: float) -> None:
        super().__init__(detail)
        self.retry_after_s = retry_after_s


class InvalidRequestError(ApiError):
    """Well-formed but meaningless (e.g. a date before any data, an empty plan)."""

    status_code = 422


def status_for(exc: StakegraphError) -> int:
    """The HTTP status of a domain error."""
    if isinstance(exc, ApiError):
        return exc.status_code
    if isinstance(exc, QueryStillRunningError):
        return 429  # this key's earlier statement still holds the store
    if isinstance(exc, StoreLostError):
        return 503
    if isinstance(exc, UnknownIdError):
        return 404
    if isinstance(exc, PlayRequestError):
        return 422
    if isinstance(exc, (PlayStateError, PlayLimitError)):
        return 409
    if isinstance(exc, ReadOnlyQueryError):
        # Refused statements and statements that failed are the caller's to fix.
        return 400
    if isinstance(exc, (StoreError, KeyFileError)):
        return 503
    return 400


def error_answer(exc: StakegraphError, where: str) -> JSONResponse:
    """The answer to a domain error raised serving ``where`` (method and path, for the log);
    also what the HTTP edge answers before a route runs (:mod:`.edge`)."""
    status = status_for(exc)
    if status >= 500:
        log.error("%s: %s", where, exc)
        detail = "the service is unavailable (see the server log); try again later"
    else:
        detail = getattr(exc, "detail", None) or getattr(exc, "reason", None) or str(exc)
        # A domain message may quote what the caller sent (ids, a store's syntax error
        # quoting the statement): never echo a large input back.
        detail = _short(detail, DETAIL_LIMIT)
    headers = {"WWW-Authenticate": "APIKey"} if status == 401 else None
    if isinstance(exc, RateLimitedError):
        headers = {"Retry-After": retry_after_header(exc.retry_after_s)}
    elif status == 429:
        # The key's earlier statement or impact is still at work: a second will often do.
        headers = {"Retry-After": "1"}
    return JSONResponse({"detail": detail}, status_code=status, headers=headers)


def install_error_handlers(app: FastAPI) -> None:
    """Map domain errors, validation errors and anything unexpected to clean JSON answers."""

    @app.exception_handler(StakegraphError)
    async def domain_error(request: Request, exc: StakegraphError) -> JSONResponse:
        return error_answer(exc, f"{request.method} {request.url.path}")

    @app.exception_handler(RequestValidationError)
    async def invalid_request(request: Request, exc: RequestValidationError) -> JSONResponse:
        every = exc.errors()
        errors = [_clear_error(e) for e in every[:MAX_ERRORS]]
        summary = "; ".join(f"{e['location']}: {e['message']}" for e in errors)
        if len(every) > MAX_ERRORS:
            summary += f"; and {len(every) - MAX_ERRORS} more"
        return JSONResponse(
            {"detail": f"invalid request: {summary}", "errors": errors}, status_code=422
        )

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        # Routing answers (404 unknown path, 405 wrong method) keep their status, in our shape.
        return JSONResponse(
            {"detail": exc.detail}, status_code=exc.status_code, headers=exc.headers
        )

    @app.exception_handler(Exception)
    async def unexpected(request: Request, exc: Exception) -> JSONResponse:
        log.exception("unhandled error on %s %s", request.method, request.url.path)
        return JSONResponse({"detail": "internal error; it has been logged"}, status_code=500)


# A validation error quotes at most this much of what the caller sent (a value, a key in
# the location, a message that repeats its input), and lists at most MAX_ERRORS errors: an
# answer never echoes a large input back.
QUOTE_LIMIT = 80
MAX_ERRORS = 10
# The longest a domain error's detail may be (the longest we write is about 400 characters).
DETAIL_LIMIT = 1000


def _short(text: str, limit: int = QUOTE_LIMIT) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _clear_error(error: dict[str, Any]) -> dict[str, Any]:
    """One validation error as ``{location, message}`` in words a caller can act on."""
    location = ".".join(_short(str(part), 40) for part in error.get("loc", ()))
    message = _short(str(error.get("msg", "invalid value")), 2 * QUOTE_LIMIT)
    if error.get("type") == "json_invalid":
        ctx = error.get("ctx") or {}
        message = f"the body is not valid JSON ({ctx.get('error', 'parse error')})"
    elif "input" in error and error.get("type") not in ("missing", "extra_forbidden"):
        shown = json.dumps(error["input"], default=str)
        if len(shown) <= QUOTE_LIMIT:
            message = f"{message} (got {shown})"
    return {"location": location or "request", "message": message}
