"""HTTP routes for instance admins managing user accounts."""

from typing import Any

from fastapi import APIRouter, Depends, Request, Response, status

from casedesk.auth.backend import SESSION_COOKIE_NAME
from casedesk.auth.principal import require_instance_admin
from casedesk.auth.schemas import UserRead
from casedesk.kit.responses import ADMIN_ONLY
from casedesk.kit.schemas import ErrorDetail
from casedesk.users.deps import TargetUser, Users
from casedesk.users.schemas import UserCreate, UserUpdate

USER_NOT_FOUND: dict[int | str, dict[str, Any]] = {
    404: {"model": ErrorDetail, "description": "No such user."},
}

# Every route here is for instance admins: the check runs before anything
# else, so other callers cannot even learn whether an id exists.
router = APIRouter(
    prefix="/users",
    tags=["users"],
    responses=ADMIN_ONLY,
    dependencies=[Depends(require_instance_admin)],
)


@router.get("", response_model=list[UserRead])
async def list_users(users: Users) -> list[UserRead]:
    """Every account of the installation, ordered by email."""
    return [UserRead.of(user) for user in await users.list()]


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    response_model=UserRead,
    responses={
        409: {"model": ErrorDetail, "description": "The email is already in use."},
        422: {"description": "Invalid body, or a password the policy refuses."},
    },
)
async def create_user(users: Users, params: UserCreate, response: Response) -> UserRead:
    """Create an account; answers it with its `Location`."""
    user = await users.create(params)
    response.headers["Location"] = f"/users/{user.id}"
    return UserRead.of(user)


@router.get("/{user_id}", response_model=UserRead, responses=USER_NOT_FOUND)
async def get_user(user: TargetUser) -> UserRead:
    """One account."""
    return UserRead.of(user)


@router.patch(
    "/{user_id}",
    response_model=UserRead,
    responses={
        **USER_NOT_FOUND,
        409: {
            "model": ErrorDetail,
            "description": "Email in use, deactivating yourself, or removing the "
            "last active instance admin.",
        },
        422: {"description": "Invalid body, or a password the policy refuses."},
    },
)
async def update_user(
    request: Request, users: Users, user: TargetUser, params: UserUpdate
) -> UserRead:
    """Change an account; `is_active: false` also unassigns and signs it out."""
    await users.update(
        user,
        params,
        current_session_token=request.cookies.get(SESSION_COOKIE_NAME),
    )
    return UserRead.of(user)


@router.delete(
    "/{user_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    response_class=Response,
    responses={
        **USER_NOT_FOUND,
        409: {
            "model": ErrorDetail,
            "description": "Deleting yourself or the last active instance admin.",
        },
    },
)
async def delete_user(users: Users, user: TargetUser) -> None:
    """Delete an account; its cases stay, unassigned, and its events keep its id."""
    await users.delete(user)
