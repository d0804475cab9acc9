"""`GET /health`: answers 200 once the database is reachable."""

import structlog
from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

log = structlog.get_logger(__name__)

router = APIRouter(tags=["operations"])


@router.get(
    "/health",
    responses={503: {"description": "The database cannot be reached."}},
)
async def health(request: Request) -> JSONResponse:
    """Whether this process can serve: the database answers a query."""
    try:
        async with request.app.state.engine.connect() as connection:
            await connection.execute(text("SELECT 1"))
    except (SQLAlchemyError, OSError) as error:
        log.warning("health.database_unreachable", error_type=type(error).__name__)
        return JSONResponse(
            {"status": "unavailable", "database": "unreachable"}, status_code=503
        )
    return JSONResponse({"status": "ok", "database": "ok"})
