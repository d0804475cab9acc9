"""The caller's own account."""

from fastapi import APIRouter, Request, Response, status

from casedesk.auth.backend import SESSION_COOKIE_NAME
from casedesk.auth.principal import CurrentUser
from casedesk.auth.schemas import UserRead
from casedesk.kit.responses import UNAUTHENTICATED
from casedesk.kit.schemas import ErrorDetail
from casedesk.users.deps import Users
from casedesk.users.schemas import PasswordChange, ProfileUpdate

router = APIRouter(prefix="/users", tags=["users"], responses=UNAUTHENTICATED)


@router.get("/me", response_model=UserRead)
async def read_current_user(user: CurrentUser) -> UserRead:
    """The signed-in user."""
    return UserRead.of(user)


@router.patch("/me", response_model=UserRead)
async def update_current_user(
    user: CurrentUser, users: Users, params: ProfileUpdate
) -> UserRead:
    """Change the signed-in user's first and last name."""
    await users.update_profile(user, params)
    return UserRead.of(user)


@router.post(
    "/me/password",
    status_code=status.HTTP_204_NO_CONTENT,
    response_class=Response,
    responses={
        400: {"model": ErrorDetail, "description": "The current password is wrong."},
        422: {"description": "Invalid body, or a new password the policy refuses."},
    },
)
async def change_own_password(
    request: Request, user: CurrentUser, users: Users, params: PasswordChange
) -> None:
    """Change the signed-in user's password; their other sessions are signed out.

    The session making the request stays signed in.
    """
    await users.change_password(
        user,
        params,
        current_session_token=request.cookies.get(SESSION_COOKIE_NAME),
    )
