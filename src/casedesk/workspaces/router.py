"""The caller's workspaces."""

from fastapi import APIRouter

from casedesk.auth.principal import CurrentUser
from casedesk.db.session import DbSession
from casedesk.kit.responses import UNAUTHENTICATED
from casedesk.workspaces.schemas import WorkspaceRead
from casedesk.workspaces.service import WorkspaceService

router = APIRouter(prefix="/workspaces", tags=["workspaces"], responses=UNAUTHENTICATED)


@router.get("", response_model=list[WorkspaceRead])
async def list_workspaces(session: DbSession, user: CurrentUser) -> list[WorkspaceRead]:
    """The workspaces the caller can open, with their role in each."""
    accesses = await WorkspaceService(session).list_for(user)
    return [
        WorkspaceRead(
            id=access.workspace.id,
            name=access.workspace.name,
            role=access.role,
            created_at=access.workspace.created_at,
        )
        for access in accesses
    ]
