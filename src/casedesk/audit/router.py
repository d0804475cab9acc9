"""`GET /audit`: the audit trail, for instance admins."""

import uuid
from typing import Annotated

from fastapi import APIRouter, Query

from casedesk.audit.actions import AuditAction
from casedesk.audit.schemas import AuditEventRead, AuditPage
from casedesk.audit.service import AuditLog
from casedesk.auth.principal import InstanceAdmin
from casedesk.db.session import DbSession
from casedesk.kit.responses import ADMIN_ONLY

# The largest value both databases store in the sequence column.
MAX_SEQ = 2**63 - 1

router = APIRouter(prefix="/audit", tags=["audit"], responses=ADMIN_ONLY)


@router.get("", response_model=AuditPage)
async def list_audit_events(
    _: InstanceAdmin,
    session: DbSession,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    before_seq: Annotated[
        int | None,
        Query(
            ge=1,
            le=MAX_SEQ,
            description="`next_before_seq` of the previous page.",
        ),
    ] = None,
    action: AuditAction | None = None,
    workspace_id: uuid.UUID | None = None,
) -> AuditPage:
    """Sign-ins, failures, keys, memberships and roles, newest first."""
    entries = await AuditLog(session).page(
        limit=limit + 1,
        before_seq=before_seq,
        action=action,
        workspace_id=workspace_id,
    )
    has_more = len(entries) > limit
    entries = entries[:limit]
    return AuditPage(
        items=[AuditEventRead.model_validate(entry) for entry in entries],
        next_before_seq=entries[-1].seq if has_more else None,
    )
