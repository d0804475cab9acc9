"""Whether a case exists in a workspace, optionally locking its row."""

import uuid
from enum import Enum

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from casedesk.models import Case


class CaseLock(Enum):
    """How a lookup locks the case row until commit."""

    NONE = "none"
    # FOR NO KEY UPDATE: writers of the case's sub-records queue, while rows
    # that merely reference the case (events) can still be inserted.
    SUB_RECORDS = "no key update"
    # FOR UPDATE: the lock a case update takes; waits for it, and it for us.
    CASE = "update"


async def case_in_workspace(
    session: AsyncSession,
    workspace_id: uuid.UUID,
    case_id: uuid.UUID,
    *,
    lock: CaseLock = CaseLock.NONE,
) -> bool:
    """Whether the case exists in the workspace; locked as asked if it does."""
    query = select(Case.id).where(Case.id == case_id, Case.workspace_id == workspace_id)
    if lock is CaseLock.SUB_RECORDS:
        query = query.with_for_update(key_share=True)
    elif lock is CaseLock.CASE:
        query = query.with_for_update()
    return await session.scalar(query) is not None
