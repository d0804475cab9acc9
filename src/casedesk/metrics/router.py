"""HTTP routes for metrics."""

from fastapi import APIRouter

from casedesk.kit.responses import WORKSPACE_ERRORS

# Mounted before the case routes, so that `/cases/metrics` is not a case id.
case_metrics_router = APIRouter(
    prefix="/cases", tags=["metrics"], responses=WORKSPACE_ERRORS
)
operations_router = APIRouter(tags=["operations"])
