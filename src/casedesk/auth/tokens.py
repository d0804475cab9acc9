"""Session tokens stored by hash, so the table never holds a usable cookie."""

import hashlib
from datetime import datetime
from typing import Any

from fastapi_users_db_sqlalchemy.access_token import SQLAlchemyAccessTokenDatabase

from casedesk.models import AccessToken


def hash_token(token: str) -> str:
    """The stored form of a session token."""
    return hashlib.sha256(token.encode()).hexdigest()


class HashedAccessTokenDatabase(
    SQLAlchemyAccessTokenDatabase[AccessToken]  # type: ignore[type-var]
):
    """The library's token store, writing and looking up SHA-256 digests."""

    async def get_by_token(
        self, token: str, max_age: datetime | None = None
    ) -> AccessToken | None:
        return await super().get_by_token(hash_token(token), max_age)

    async def create(self, create_dict: dict[str, Any]) -> AccessToken:
        raw_token = create_dict["token"]
        stored = await super().create({**create_dict, "token": hash_token(raw_token)})

        # The strategy writes `token` of what we return into the cookie, so
        # hand back a detached copy carrying the raw value.
        return AccessToken(
            token=raw_token, user_id=stored.user_id, created_at=stored.created_at
        )
