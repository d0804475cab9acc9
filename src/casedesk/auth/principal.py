"""Who is calling: a signed-in user or a service account holding an API key."""

import uuid
from dataclasses import dataclass
from datetime import timedelta
from typing import Annotated, Literal
from urllib.parse import urlsplit

import structlog
from fastapi import Depends, Request
from fastapi.security import APIKeyCookie, HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy import select, update

from casedesk.auth.api_keys import KEY_PREFIX, parse_key, secret_matches
from casedesk.auth.backend import SESSION_COOKIE_NAME
from casedesk.auth.tokens import hash_token
from casedesk.db.session import DbSession
from casedesk.errors import Forbidden, NotAuthenticated
from casedesk.models import AccessToken, ApiKey, ServiceAccount, User
from casedesk.models.base import utcnow

log = structlog.get_logger(__name__)

# Writing `last_used_at` on every request would turn each read into a write;
# once a minute is precise enough to tell a live key from a forgotten one.
LAST_USED_RESOLUTION = timedelta(minutes=1)
UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})

session_cookie = APIKeyCookie(
    name=SESSION_COOKIE_NAME,
    auto_error=False,
    description="Session cookie set by `POST /auth/login`.",
)
bearer_key = HTTPBearer(
    auto_error=False,
    description=f"An API key (`{KEY_PREFIX}…`) issued to a service account.",
)


@dataclass(frozen=True)
class Actor:
    """The identity recorded on events: a user, a service account, or neither."""

    user_id: uuid.UUID | None = None
    service_account_id: uuid.UUID | None = None

    @classmethod
    def system(cls) -> "Actor":
        """casedesk itself, e.g. an import run from the command line."""
        return cls()


@dataclass(frozen=True)
class Principal:
    """The authenticated caller of one request."""

    kind: Literal["user", "service_account"]
    user: User | None = None
    service_account: ServiceAccount | None = None
    api_key: ApiKey | None = None

    @property
    def actor(self) -> Actor:
        """The identity to record as the actor of what this caller does."""
        if self.service_account is not None:
            return Actor(service_account_id=self.service_account.id)
        assert self.user is not None
        return Actor(user_id=self.user.id)

    @property
    def is_instance_admin(self) -> bool:
        """Whether the caller administers the whole installation."""
        return self.user is not None and self.user.is_superuser


async def get_principal(
    request: Request,
    session: DbSession,
    cookie: Annotated[str | None, Depends(session_cookie)],
    bearer: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer_key)],
) -> Principal:
    """The caller from the session cookie, else from a bearer API key, or 401."""
    if cookie:
        user = await _user_for_session(request, session, cookie)
        if user is not None:
            refuse_cross_origin_write(request)
            return Principal(kind="user", user=user)

    if bearer is not None and bearer.credentials.startswith(KEY_PREFIX):
        return await _principal_for_key(session, bearer.credentials)
    raise NotAuthenticated()


async def get_current_user(
    principal: Annotated[Principal, Depends(get_principal)],
) -> User:
    """The signed-in user; API keys cannot use routes about a person."""
    if principal.user is None:
        raise Forbidden("This route needs a signed-in user, not an API key")
    return principal.user


async def require_instance_admin(
    principal: Annotated[Principal, Depends(get_principal)],
) -> Principal:
    """The caller, who must administer the installation."""
    if not principal.is_instance_admin:
        raise Forbidden()
    return principal


CurrentPrincipal = Annotated[Principal, Depends(get_principal)]
CurrentUser = Annotated[User, Depends(get_current_user)]
InstanceAdmin = Annotated[Principal, Depends(require_instance_admin)]


async def _user_for_session(
    request: Request, session: DbSession, token: str
) -> User | None:
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
        return None
    return user


async def _principal_for_key(session: DbSession, token: str) -> Principal:
    presented = parse_key(token)
    if presented is None:
        raise NotAuthenticated()

    found = (
        await session.execute(
            select(ApiKey, ServiceAccount)
            .join(ServiceAccount, ServiceAccount.id == ApiKey.service_account_id)
            .where(ApiKey.key_id == presented.key_id)
        )
    ).first()
    if found is None:
        raise NotAuthenticated()
    api_key, account = found
    if not secret_matches(presented.secret, api_key.secret_hash):
        log.warning("auth.api_key_secret_mismatch", key_id=api_key.key_id)
        raise NotAuthenticated()
    if api_key.revoked_at is not None or not account.is_active:
        raise NotAuthenticated()

    now = utcnow()
    if api_key.last_used_at is None or now - api_key.last_used_at > (
        LAST_USED_RESOLUTION
    ):
        await session.execute(
            update(ApiKey).where(ApiKey.id == api_key.id).values(last_used_at=now)
        )
        api_key.last_used_at = now
    return Principal(kind="service_account", service_account=account, api_key=api_key)


def refuse_cross_origin_write(request: Request) -> None:
    """Refuse cookie-authenticated writes sent from another site's page.

    Browsers attach the cookie to cross-site form posts; they also say where
    the page came from. Requests naming neither (curl, scripts) go through.
    """
    if request.method not in UNSAFE_METHODS:
        return
    source = request.headers.get("origin") or request.headers.get("referer")
    if not source:
        return
    allowed = {
        _origin_of(request.app.state.settings.public_url),
        _origin_of(str(request.base_url)),
    }
    if _origin_of(source) not in allowed:
        raise Forbidden("Cross-origin request refused")


def _origin_of(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}".lower()
