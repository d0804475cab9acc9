"""Sign-in throttling: failed attempts counted per account and per client."""

import hashlib
import math
import time
from typing import Annotated

from fastapi import Depends, Request
from limits import RateLimitItem, parse_many
from limits.aio.storage import Storage
from limits.aio.strategies import MovingWindowRateLimiter
from limits.storage import storage_from_string

from casedesk.config import Settings

# Schemes of limits' Redis storage; casedesk talks to Redis through redis-py.
_REDIS_SCHEMES = ("redis", "rediss", "redis+unix", "redis+sentinel", "redis+cluster")
_UNKNOWN_CLIENT = "unknown"


class LoginThrottle:
    """Counts failed sign-ins and says how long a caller must wait.

    Only failures count, so people who sign in often are never held back; a
    success forgets the account's failures (not the client's: an attacker
    could otherwise reset them by signing in to an account of their own).
    """

    def __init__(
        self,
        storage: Storage,
        *,
        per_account: list[RateLimitItem],
        per_client: list[RateLimitItem],
    ) -> None:
        self._limiter = MovingWindowRateLimiter(storage)
        self._per_account = per_account
        self._per_client = per_client

    @classmethod
    def from_settings(cls, settings: Settings) -> "LoginThrottle":
        """A throttle with the configured storage and limits."""
        return cls(
            _storage(settings.rate_limit_storage_url),
            per_account=parse_many(settings.login_limits_per_account),
            per_client=parse_many(settings.login_limits_per_client),
        )

    async def retry_after(self, *, email: str, client: str | None) -> int | None:
        """Whole seconds until this sign-in may be tried, or None if it may now."""
        waits = []
        for item, identity in self._windows(email, client):
            if not await self._limiter.test(item, *identity):
                stats = await self._limiter.get_window_stats(item, *identity)
                waits.append(max(1, math.ceil(stats.reset_time - time.time())))
        return max(waits, default=None)

    # XXX(concurrency): a failure is counted only once its password check is
    # done, so guesses sent in parallel are all let through before any counts:
    # a burst can overshoot a limit by the number of requests in flight.
    async def record_failure(self, *, email: str, client: str | None) -> None:
        """Count one failed sign-in against the account and the client."""
        for item, identity in self._windows(email, client):
            await self._limiter.hit(item, *identity)

    async def forget_account(self, email: str) -> None:
        """Drop the account's failures after it signed in successfully."""
        identity = _account_identity(email)
        for item in self._per_account:
            await self._limiter.clear(item, *identity)

    def _windows(
        self, email: str, client: str | None
    ) -> list[tuple[RateLimitItem, tuple[str, ...]]]:
        account = _account_identity(email)
        address = ("casedesk-login", "client", client or _UNKNOWN_CLIENT)
        return [(item, account) for item in self._per_account] + [
            (item, address) for item in self._per_client
        ]


def get_login_throttle(request: Request) -> LoginThrottle:
    """The throttle of the app serving the request."""
    throttle: LoginThrottle = request.app.state.login_throttle
    return throttle


SignInThrottle = Annotated[LoginThrottle, Depends(get_login_throttle)]


def _account_identity(email: str) -> tuple[str, ...]:
    # A digest keeps storage keys short whatever was typed as the username,
    # and keeps addresses out of a shared Redis.
    digest = hashlib.sha256(email.strip().lower().encode()).hexdigest()
    return ("casedesk-login", "account", digest)


def _storage(url: str) -> Storage:
    """An asyncio storage for a `memory://` or `redis://…` URL."""
    scheme, _, rest = url.partition("://")
    scheme = scheme.removeprefix("async+")
    options: dict[str, str] = {}
    if scheme in _REDIS_SCHEMES:
        options["implementation"] = "redispy"
    storage = storage_from_string(f"async+{scheme}://{rest}", **options)
    assert isinstance(storage, Storage)
    return storage
