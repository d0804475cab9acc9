"""fastapi-users wiring: cookie transport backed by database tokens."""

import uuid
from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import Depends, Request
from fastapi_users import (
    BaseUserManager,
    FastAPIUsers,
    InvalidPasswordException,
    UUIDIDMixin,
)
from fastapi_users.authentication import AuthenticationBackend, CookieTransport
from fastapi_users.authentication.strategy.db import DatabaseStrategy
from fastapi_users_db_sqlalchemy import SQLAlchemyUserDatabase

from casedesk.auth.passwords import password_helper, password_problem
from casedesk.auth.tokens import HashedAccessTokenDatabase
from casedesk.config import Settings
from casedesk.db.session import DbSession
from casedesk.models import AccessToken, User

SESSION_COOKIE_NAME = "fastapiusersauth"


class UserManager(UUIDIDMixin, BaseUserManager[User, uuid.UUID]):
    """Account rules: the password policy and token secrets."""

    async def validate_password(self, password: str, user: object) -> None:
        problem = password_problem(password)
        if problem is not None:
            raise InvalidPasswordException(reason=problem)


async def get_user_db(session: DbSession) -> AsyncIterator[SQLAlchemyUserDatabase]:
    """The user store on the request's session."""
    yield SQLAlchemyUserDatabase(session, User)


async def get_user_manager(
    request: Request,
    user_db: Annotated[SQLAlchemyUserDatabase, Depends(get_user_db)],
) -> AsyncIterator[UserManager]:
    """A user manager whose token secrets come from the settings."""
    manager = UserManager(user_db, password_helper)
    secret = request.app.state.settings.secret_value()
    manager.reset_password_token_secret = secret
    manager.verification_token_secret = secret
    yield manager


async def get_access_token_db(
    session: DbSession,
) -> AsyncIterator[HashedAccessTokenDatabase]:
    """The session-token store on the request's session."""
    yield HashedAccessTokenDatabase(session, AccessToken)


def build_fastapi_users(
    settings: Settings,
) -> tuple[FastAPIUsers[User, uuid.UUID], AuthenticationBackend[User, uuid.UUID]]:
    """The sign-in machinery for one app, configured from its settings."""
    transport = CookieTransport(
        cookie_name=SESSION_COOKIE_NAME,
        cookie_max_age=settings.session_lifetime_seconds,
        cookie_secure=settings.cookie_secure,
        cookie_httponly=True,
        cookie_samesite="lax",
    )

    def get_strategy(
        access_token_db: Annotated[
            HashedAccessTokenDatabase, Depends(get_access_token_db)
        ],
    ) -> DatabaseStrategy:  # type: ignore[type-arg]
        return DatabaseStrategy(
            access_token_db, lifetime_seconds=settings.session_lifetime_seconds
        )

    backend = AuthenticationBackend(
        name="cookie", transport=transport, get_strategy=get_strategy
    )
    return FastAPIUsers[User, uuid.UUID](get_user_manager, [backend]), backend
