"""The caller's own account."""

from fastapi import APIRouter

from casedesk.auth.principal import CurrentUser
from casedesk.auth.schemas import UserRead
from casedesk.kit.responses import UNAUTHENTICATED

router = APIRouter(prefix="/users", tags=["users"], responses=UNAUTHENTICATED)


@router.get("/me", response_model=UserRead)
async def read_current_user(user: CurrentUser) -> UserRead:
    """The signed-in user."""
    return UserRead.of(user)
