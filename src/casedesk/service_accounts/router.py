"""HTTP routes for service accounts and their API keys."""

from fastapi import APIRouter

from casedesk.kit.responses import WORKSPACE_ERRORS

router = APIRouter(
    prefix="/service-accounts", tags=["service accounts"], responses=WORKSPACE_ERRORS
)
