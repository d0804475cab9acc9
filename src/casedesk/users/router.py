"""HTTP routes for managing user accounts."""

from fastapi import APIRouter

from casedesk.kit.responses import UNAUTHENTICATED

router = APIRouter(prefix="/users", tags=["users"], responses=UNAUTHENTICATED)
