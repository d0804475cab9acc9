"""The one place where domain errors become HTTP responses."""

import math
from typing import Any

import structlog
from fastapi import FastAPI, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exception_handlers import http_exception_handler
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from limits.errors import StorageError
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import RedisError
from redis.exceptions import TimeoutError as RedisTimeoutError
from sqlalchemy.exc import OperationalError
from sqlalchemy.exc import TimeoutError as SQLAlchemyTimeoutError
from starlette.exceptions import HTTPException as StarletteHTTPException

from casedesk.errors import CasedeskError
from casedesk.kit.middleware import REQUEST_ID_HEADER
from casedesk.kit.schemas import MAX_JSON_DEPTH
from casedesk.kit.security_headers import security_headers
from casedesk.web.api import describe
from casedesk.web.errors import error_page, is_page_request

log = structlog.get_logger(__name__)

TRUNCATED = "…"
DATABASE_RETRY_AFTER_SECONDS = 2
SQLITE_BUSY = 5
SQLITE_LOCKED = 6
REDACTED = "[redacted]"
# A refused body is echoed back in the 422 list; values under keys naming
# these never are, so no password reaches a response or a client's log.
SECRET_KEY_WORDS = ("password", "secret", "token")


async def render_domain_error(request: Request, error: Exception) -> Response:
    """Render a CasedeskError with its status, body and headers."""
    assert isinstance(error, CasedeskError)
    if error.status_code >= 500:
        log.error("request.domain_error", error_type=type(error).__name__)
    if is_page_request(request):
        return error_page(request, error.status_code, describe(error.message))
    return JSONResponse(
        _encodable(error.body()),
        status_code=error.status_code,
        headers=error.headers(),
    )


async def render_validation_error(request: Request, error: Exception) -> Response:
    """Render FastAPI's 422 list, with the echoed input made encodable."""
    assert isinstance(error, RequestValidationError)
    if is_page_request(request):
        details = [_redacted(item) for item in error.errors()]
        return error_page(request, 422, describe(jsonable_encoder(details)))
    errors = [
        {
            key: _encodable(value) if key in ("loc", "msg", "input") else value
            for key, value in _redacted(item).items()
        }
        for item in error.errors()
    ]
    return JSONResponse({"detail": jsonable_encoder(errors)}, status_code=422)


async def render_http_error(request: Request, error: Exception) -> Response:
    """Starlette's own errors (unknown path, wrong method): HTML on pages."""
    assert isinstance(error, StarletteHTTPException)
    if is_page_request(request):
        return error_page(request, error.status_code, describe(error.detail))
    return await http_exception_handler(request, error)


async def render_unexpected_error(request: Request, error: Exception) -> Response:
    """Answer an unexpected failure without leaking its details."""
    # Starlette runs this handler outside every middleware, so the request id
    # is neither bound to the log context nor added to the response for us,
    # and neither are the security headers.
    request_id = getattr(request.state, "request_id", None)
    log.exception(
        "request.unexpected_error",
        error_type=type(error).__name__,
        request_id=request_id,
    )
    headers = security_headers(
        request.url.path, https=request.app.state.settings.cookie_secure
    )
    if request_id:
        headers[REQUEST_ID_HEADER] = request_id
    if is_page_request(request):
        response = error_page(
            request, 500, "An unexpected error occurred; it has been logged."
        )
        response.headers.update(headers)
        return response
    return JSONResponse(
        {"detail": "An unexpected error occurred; it has been logged."},
        status_code=500,
        headers=headers,
    )


async def render_database_unavailable(request: Request, error: Exception) -> Response:
    """Answer 503 when a store is locked or unreachable, 500 otherwise."""
    if not _is_unavailable(error):
        return await render_unexpected_error(request, error)

    log.warning("request.database_unavailable", error_type=type(error).__name__)
    if is_page_request(request):
        response = error_page(
            request, 503, "The database is busy or unreachable; retry shortly."
        )
        response.headers["Retry-After"] = str(DATABASE_RETRY_AFTER_SECONDS)
        return response
    return JSONResponse(
        {"detail": "The database is busy or unreachable; retry shortly."},
        status_code=503,
        headers={"Retry-After": str(DATABASE_RETRY_AFTER_SECONDS)},
    )


def install_exception_handlers(app: FastAPI) -> None:
    """Register the handlers on an app."""
    app.add_exception_handler(CasedeskError, render_domain_error)
    app.add_exception_handler(OperationalError, render_database_unavailable)
    app.add_exception_handler(TimeoutError, render_database_unavailable)
    app.add_exception_handler(RedisError, render_database_unavailable)
    app.add_exception_handler(StorageError, render_database_unavailable)
    app.add_exception_handler(RequestValidationError, render_validation_error)
    app.add_exception_handler(StarletteHTTPException, render_http_error)
    app.add_exception_handler(Exception, render_unexpected_error)


def _redacted(item: dict[str, Any]) -> dict[str, Any]:
    """A validation error without the secret values its `input` may echo."""
    if "input" not in item:
        return item
    # An unknown key may be a misspelt secret (`passwrd`): never echo it.
    if item.get("type") == "extra_forbidden":
        return {**item, "input": REDACTED}
    if any(_names_secret(part) for part in item.get("loc", ())):
        return {**item, "input": REDACTED}
    if isinstance(item["input"], dict):
        echoed = {
            key: REDACTED if _names_secret(key) else value
            for key, value in item["input"].items()
        }
        return {**item, "input": echoed}
    return item


def _names_secret(key: Any) -> bool:
    return isinstance(key, str) and any(
        word in key.lower() for word in SECRET_KEY_WORDS
    )


def _encodable(value: Any, depth: int = 0) -> Any:
    """A copy of a value that strict UTF-8 JSON can carry.

    Error bodies echo what the client sent, which may be the very thing refused
    for being unencodable: lone surrogates, NaN, undecodable bytes, or nesting
    deep enough to exhaust the encoder's recursion.
    """
    if isinstance(value, str):
        return value.encode("utf-8", "replace").decode("utf-8")
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)
    if isinstance(value, dict | list | tuple) and depth > MAX_JSON_DEPTH:
        return TRUNCATED
    if isinstance(value, dict):
        return {
            _encodable(key, depth + 1): _encodable(child, depth + 1)
            for key, child in value.items()
        }
    if isinstance(value, list | tuple):
        return [_encodable(child, depth + 1) for child in value]
    return value


def _is_unavailable(error: Exception) -> bool:
    """Whether a database error means "try again later", not a bug."""
    if isinstance(error, TimeoutError | SQLAlchemyTimeoutError | StorageError):
        return True
    if isinstance(error, RedisError):
        # The sign-in throttle's store: its outage must not read as a bug.
        return isinstance(error, RedisConnectionError | RedisTimeoutError)
    original = getattr(error, "orig", None)
    code = getattr(original, "sqlite_errorcode", None)
    if code is not None:
        return code & 0xFF in (SQLITE_BUSY, SQLITE_LOCKED)
    # A lost connection or an unreachable server, not a failed statement.
    return bool(getattr(error, "connection_invalidated", False)) or isinstance(
        original, OSError
    )
