"""Workspace and membership shapes."""

import uuid
from datetime import datetime
from typing import Annotated, Self

from pydantic import EmailStr, Field, StringConstraints, model_validator

from casedesk.kit.schemas import CHECK_TEXT, InputSchema, Schema
from casedesk.models import Workspace
from casedesk.workspaces.roles import WorkspaceRole

WORKSPACE_NAME_MAX_LENGTH = 255

WorkspaceName = Annotated[
    str,
    StringConstraints(strip_whitespace=True),
    Field(min_length=1, max_length=WORKSPACE_NAME_MAX_LENGTH),
    CHECK_TEXT,
]


class WorkspaceRead(Schema):
    """A workspace and the caller's role in it."""

    id: uuid.UUID
    name: str
    role: WorkspaceRole
    created_at: datetime

    @classmethod
    def of(cls, workspace: Workspace, role: WorkspaceRole) -> "WorkspaceRead":
        """Build from a `Workspace` row and the caller's role there."""
        return cls(
            id=workspace.id,
            name=workspace.name,
            role=role,
            created_at=workspace.created_at,
        )


class WorkspaceCreate(InputSchema):
    """A new workspace; its creator becomes its first admin."""

    name: WorkspaceName


class WorkspaceUpdate(InputSchema):
    """A new name for a workspace."""

    name: WorkspaceName


class MemberRead(Schema):
    """A member of a workspace: who they are and their role there."""

    user_id: uuid.UUID
    email: str
    first_name: str | None
    last_name: str | None
    is_active: bool
    role: WorkspaceRole
    created_at: datetime = Field(description="When the membership was granted.")


class MemberCreate(InputSchema):
    """Grant an existing user a role; name them by `user_id` or `email`."""

    user_id: uuid.UUID | None = None
    email: EmailStr | None = None
    role: WorkspaceRole

    @model_validator(mode="after")
    def _exactly_one_user_reference(self) -> Self:
        if (self.user_id is None) == (self.email is None):
            raise ValueError("give exactly one of user_id or email")
        return self


class MemberUpdate(InputSchema):
    """A member's new role."""

    role: WorkspaceRole
