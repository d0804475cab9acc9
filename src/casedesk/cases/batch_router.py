"""HTTP routes for batch work on cases."""

from fastapi import APIRouter

from casedesk.kit.responses import WORKSPACE_ERRORS

router = APIRouter(prefix="/cases", tags=["cases"], responses=WORKSPACE_ERRORS)
