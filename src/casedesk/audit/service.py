"""Writing and reading the audit trail."""

import uuid
from typing import Any

from fastapi import Request
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from casedesk.audit.actions import AuditAction
from casedesk.auth.principal import Actor
from casedesk.models import AuditEvent
from casedesk.models.base import utcnow

MAX_CLIENT_ADDRESS_LENGTH = 64


def client_address(request: Request | None) -> str | None:
    """The peer address of a request, as the server saw it."""
    if request is None or request.client is None:
        return None
    return request.client.host[:MAX_CLIENT_ADDRESS_LENGTH]


class AuditLog:
    """Appends to and lists the audit table."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    def record(
        self,
        action: AuditAction,
        *,
        actor: Actor,
        client: str | None,
        workspace_id: uuid.UUID | None = None,
        target_type: str | None = None,
        target_id: object | None = None,
        **details: Any,
    ) -> AuditEvent:
        """Queue one audit entry; it commits with the unit of work."""
        entry = AuditEvent(
            action=action.value,
            actor_user_id=actor.user_id,
            actor_service_account_id=actor.service_account_id,
            workspace_id=workspace_id,
            target_type=target_type,
            target_id=str(target_id) if target_id is not None else None,
            client_address=client,
            details=details,
            occurred_at=utcnow(),
        )
        self.session.add(entry)
        return entry

    async def page(
        self,
        *,
        limit: int,
        before_seq: int | None = None,
        action: AuditAction | None = None,
        workspace_id: uuid.UUID | None = None,
    ) -> list[AuditEvent]:
        """Entries newest first, optionally older than `before_seq`."""
        query = select(AuditEvent).order_by(AuditEvent.seq.desc()).limit(limit)
        if before_seq is not None:
            query = query.where(AuditEvent.seq < before_seq)
        if action is not None:
            query = query.where(AuditEvent.action == action.value)
        if workspace_id is not None:
            query = query.where(AuditEvent.workspace_id == workspace_id)
        return list(await self.session.scalars(query))
