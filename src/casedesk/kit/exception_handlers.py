"""The one place where domain errors become HTTP responses."""

import structlog
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from casedesk.errors import CasedeskError

log = structlog.get_logger(__name__)


async def render_domain_error(request: Request, error: Exception) -> JSONResponse:
    """Render a CasedeskError with its status, body and headers."""
    assert isinstance(error, CasedeskError)
    if error.status_code >= 500:
        log.error("request.domain_error", error_type=type(error).__name__)
    return JSONResponse(
        error.body(), status_code=error.status_code, headers=error.headers()
    )


async def render_unexpected_error(request: Request, error: Exception) -> JSONResponse:
    """Answer an unexpected failure without leaking its details."""
    log.exception("request.unexpected_error", error_type=type(error).__name__)
    return JSONResponse(
        {"detail": "An unexpected error occurred; it has been logged."},
        status_code=500,
    )


def install_exception_handlers(app: FastAPI) -> None:
    """Register the handlers on an app."""
    app.add_exception_handler(CasedeskError, render_domain_error)
    app.add_exception_handler(Exception, render_unexpected_error)
