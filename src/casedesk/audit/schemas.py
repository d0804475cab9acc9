"""The audit trail as the API returns it."""

import uuid
from datetime import datetime
from typing import Any

from casedesk.kit.schemas import Schema


class AuditEventRead(Schema):
    """One audit entry."""

    seq: int
    action: str
    actor_user_id: uuid.UUID | None
    actor_service_account_id: uuid.UUID | None
    workspace_id: uuid.UUID | None
    target_type: str | None
    target_id: str | None
    client_address: str | None
    details: dict[str, Any]
    occurred_at: datetime


class AuditPage(Schema):
    """A page of the audit trail, newest first."""

    items: list[AuditEventRead]
    next_before_seq: int | None = None
