"""Service account and API key shapes."""

import uuid
from datetime import datetime
from typing import Annotated

from pydantic import Field, StringConstraints

from casedesk.auth.api_keys import KEY_PREFIX
from casedesk.kit.schemas import CHECK_TEXT, InputSchema, Schema
from casedesk.workspaces.roles import ServiceAccountScope

NAME_MAX_LENGTH = 255

Name = Annotated[
    str,
    StringConstraints(strip_whitespace=True),
    Field(min_length=1, max_length=NAME_MAX_LENGTH),
    CHECK_TEXT,
]


class ServiceAccountCreate(InputSchema):
    """A new automation identity with the case scopes it may use."""

    name: Name
    scopes: list[ServiceAccountScope] = Field(
        min_length=1, description="Case scopes the account's keys act with."
    )


class ServiceAccountRead(Schema):
    """A service account; `is_active` is false once it was deleted."""

    id: uuid.UUID
    workspace_id: uuid.UUID
    name: str
    scopes: list[str]
    is_active: bool
    created_by: uuid.UUID | None
    created_at: datetime


class ApiKeyCreate(InputSchema):
    """A new key for a service account."""

    name: Name


class ApiKeyRead(Schema):
    """An issued key, without its secret."""

    id: uuid.UUID
    key_id: str = Field(description="The public part of the key, after the prefix.")
    service_account_id: uuid.UUID
    name: str
    prefix: str = KEY_PREFIX
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None


class ApiKeyCreated(Schema):
    """A new key with its full token: shown in this answer only."""

    id: uuid.UUID
    key_id: str
    service_account_id: uuid.UUID
    name: str
    prefix: str = KEY_PREFIX
    key: str = Field(description="Send as `Authorization: Bearer <key>`; not kept.")
    created_at: datetime
