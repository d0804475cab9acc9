"""Workspace shapes."""

import uuid
from datetime import datetime

from casedesk.kit.schemas import Schema
from casedesk.workspaces.roles import WorkspaceRole


class WorkspaceRead(Schema):
    """A workspace and the caller's role in it."""

    id: uuid.UUID
    name: str
    role: WorkspaceRole
    created_at: datetime
