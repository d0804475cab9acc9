"""The signed-in user, resolved from the session cookie."""

from datetime import timedelta
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import APIKeyCookie
from sqlalchemy import select

from casedesk.auth.backend import SESSION_COOKIE_NAME
from casedesk.auth.tokens import hash_token
from casedesk.db.session import DbSession
from casedesk.errors import NotAuthenticated
from casedesk.models import AccessToken, User
from casedesk.models.base import utcnow

session_cookie = APIKeyCookie(
    name=SESSION_COOKIE_NAME,
    auto_error=False,
    description="Session cookie set by `POST /auth/login`.",
)


async def get_current_user(
    request: Request,
    session: DbSession,
    token: Annotated[str | None, Depends(session_cookie)],
) -> User:
    """The active user owning a live session token, or 401."""
    if not token:
        raise NotAuthenticated()

    lifetime = request.app.state.settings.session_lifetime_seconds
    oldest_valid = utcnow() - timedelta(seconds=lifetime)
    user = await session.scalar(
        select(User)
        .join(AccessToken, AccessToken.user_id == User.id)
        .where(
            AccessToken.token == hash_token(token),
            AccessToken.created_at >= oldest_valid,
        )
    )
    if user is None or not user.is_active:
        raise NotAuthenticated()
    return user


CurrentUser = Annotated[User, Depends(get_current_user)]
