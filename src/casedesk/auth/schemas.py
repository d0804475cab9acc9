"""What the API shows of a user."""

import uuid
from typing import Any, Literal

from pydantic import Field

from casedesk.kit.schemas import Schema


class UserRead(Schema):
    """A user as other users and clients see them; never the password hash."""

    id: uuid.UUID
    email: str
    is_active: bool
    is_superuser: bool
    is_verified: bool
    role: Literal["basic", "admin"]
    first_name: str | None = None
    last_name: str | None = None
    settings: dict[str, Any] = Field(default_factory=dict)

    @classmethod
    def of(cls, user: Any) -> "UserRead":
        """Build from a `User` row, deriving the instance role."""
        return cls(
            id=user.id,
            email=user.email,
            is_active=user.is_active,
            is_superuser=user.is_superuser,
            is_verified=user.is_verified,
            role="admin" if user.is_superuser else "basic",
            first_name=user.first_name,
            last_name=user.last_name,
            settings=user.settings or {},
        )

    @classmethod
    def removed(cls, user_id: uuid.UUID) -> "UserRead":
        """Stand-in for a deleted account that is still named by records."""
        return cls(
            id=user_id,
            email="",
            is_active=False,
            is_superuser=False,
            is_verified=False,
            role="basic",
            first_name="Removed",
            last_name="user",
            settings={"removed": True},
        )
