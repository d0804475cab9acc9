"""fastapi-users wiring: cookie transport backed by database tokens."""

import asyncio
import uuid
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import OAuth2PasswordRequestForm
from fastapi_users import (
    BaseUserManager,
    InvalidPasswordException,
    UUIDIDMixin,
    exceptions,
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
        """Refuse a password that fails the policy."""
        problem = password_problem(password, email=getattr(user, "email", None))
        if problem is not None:
            raise InvalidPasswordException(reason=problem)

    async def authenticate(self, credentials: OAuth2PasswordRequestForm) -> User | None:
        """Check the credentials with argon2 off the event loop.

        argon2 is deliberately slow; run inline it stalls every other request
        of the process for as long as each sign-in takes.
        """
        try:
            user = await self.get_by_email(credentials.username)
        except exceptions.UserNotExists:
            # Hash anyway, so that unknown accounts take as long as known ones.
            await asyncio.to_thread(self.password_helper.hash, credentials.password)
            return None

        verified, updated_hash = await asyncio.to_thread(
            self.password_helper.verify_and_update,
            credentials.password,
            user.hashed_password,
        )
        if not verified:
            return None
        if updated_hash is not None:
            await self.user_db.update(user, {"hashed_password": updated_hash})
        return user


def get_user_db(session: DbSession) -> SQLAlchemyUserDatabase:
    """The user store on the request's session."""
    return SQLAlchemyUserDatabase(session, User)


def get_user_manager(
    request: Request,
    user_db: Annotated[SQLAlchemyUserDatabase, Depends(get_user_db)],
) -> UserManager:
    """A user manager whose token secrets come from the settings."""
    manager = UserManager(user_db, password_helper)
    secret = request.app.state.settings.secret_value()
    manager.reset_password_token_secret = secret
    manager.verification_token_secret = secret
    return manager


def get_access_token_db(session: DbSession) -> HashedAccessTokenDatabase:
    """The session-token store on the request's session."""
    return HashedAccessTokenDatabase(session, AccessToken)


def get_session_strategy(
    request: Request,
    access_token_db: Annotated[HashedAccessTokenDatabase, Depends(get_access_token_db)],
) -> DatabaseStrategy:  # type: ignore[type-arg]
    """Sessions as database tokens that live as long as the settings say."""
    lifetime = request.app.state.settings.session_lifetime_seconds
    return DatabaseStrategy(access_token_db, lifetime_seconds=lifetime)


def build_auth_backend(settings: Settings) -> AuthenticationBackend[User, uuid.UUID]:
    """The sign-in machinery for one app: an HttpOnly, SameSite=Lax cookie."""
    transport = CookieTransport(
        cookie_name=SESSION_COOKIE_NAME,
        cookie_max_age=settings.session_lifetime_seconds,
        cookie_secure=settings.cookie_secure,
        cookie_httponly=True,
        cookie_samesite="lax",
    )
    return AuthenticationBackend(
        name="cookie", transport=transport, get_strategy=get_session_strategy
    )


def get_auth_backend(request: Request) -> AuthenticationBackend[User, uuid.UUID]:
    """The sign-in machinery of the app serving the request."""
    backend: AuthenticationBackend[User, uuid.UUID] = request.app.state.auth_backend
    return backend


UserManagerDep = Annotated[UserManager, Depends(get_user_manager)]
SessionStrategy = Annotated[
    DatabaseStrategy,  # type: ignore[type-arg]
    Depends(get_session_strategy),
]
AuthBackend = Annotated[
    AuthenticationBackend[User, uuid.UUID], Depends(get_auth_backend)
]
