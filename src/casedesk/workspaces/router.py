"""HTTP routes for workspaces and their members."""

import uuid
from typing import Any

from fastapi import APIRouter, Request, Response, status

from casedesk.audit.service import client_address
from casedesk.auth.principal import CurrentUser, InstanceAdmin
from casedesk.db.session import DbSession
from casedesk.errors import Forbidden
from casedesk.kit.responses import ADMIN_ONLY, UNAUTHENTICATED, WORKSPACE_ERRORS
from casedesk.kit.schemas import ErrorDetail
from casedesk.workspaces.deps import (
    CaseReader,
    Members,
    PathWorkspace,
    PathWorkspaceManager,
    WorkspaceContext,
    WorkspaceManager,
)
from casedesk.workspaces.errors import WorkspaceNotFound
from casedesk.workspaces.roles import WorkspaceRole
from casedesk.workspaces.schemas import (
    MemberCreate,
    MemberRead,
    MemberUpdate,
    WorkspaceCreate,
    WorkspaceRead,
    WorkspaceUpdate,
)
from casedesk.workspaces.service import WorkspaceService

router = APIRouter(prefix="/workspaces", tags=["workspaces"], responses=UNAUTHENTICATED)
members_router = APIRouter(
    prefix="/members", tags=["workspaces"], responses=WORKSPACE_ERRORS
)

WORKSPACE_NOT_FOUND: dict[int | str, dict[str, Any]] = {
    404: {"model": ErrorDetail, "description": "No such workspace."}
}
MEMBER_NOT_FOUND: dict[int | str, dict[str, Any]] = {
    404: {"model": ErrorDetail, "description": "Not a member of this workspace."}
}
LAST_ADMIN: dict[int | str, dict[str, Any]] = {
    409: {
        "model": ErrorDetail,
        "description": "The workspace's last admin; only an instance admin may "
        "demote or remove them.",
    }
}


@router.get("", response_model=list[WorkspaceRead])
async def list_workspaces(session: DbSession, user: CurrentUser) -> list[WorkspaceRead]:
    """The workspaces the caller can open, with their role in each."""
    accesses = await WorkspaceService(session).list_for(user)
    return [WorkspaceRead.of(access.workspace, access.role) for access in accesses]


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    response_model=WorkspaceRead,
    responses=ADMIN_ONLY,
)
async def create_workspace(
    admin: InstanceAdmin,
    session: DbSession,
    params: WorkspaceCreate,
    request: Request,
    response: Response,
) -> WorkspaceRead:
    """Create a workspace (instance admins); its creator becomes its admin."""
    assert admin.user is not None
    workspace = await WorkspaceService(session).create(
        name=params.name,
        owner_id=admin.user.id,
        actor=admin.actor,
        client=client_address(request),
    )
    response.headers["Location"] = f"/workspaces/{workspace.id}"
    return WorkspaceRead.of(workspace, WorkspaceRole.ADMIN)


@router.get(
    "/{workspace_id}",
    response_model=WorkspaceRead,
    responses={**WORKSPACE_ERRORS, **WORKSPACE_NOT_FOUND},
)
async def get_workspace(
    _: CurrentUser, context: PathWorkspace, session: DbSession
) -> WorkspaceRead:
    """One workspace the caller belongs to, with their role in it."""
    workspace = await WorkspaceService(session).get(context.workspace_id)
    if workspace is None:
        raise WorkspaceNotFound()
    assert context.role is not None
    return WorkspaceRead.of(workspace, context.role)


@router.patch(
    "/{workspace_id}",
    response_model=WorkspaceRead,
    responses={**WORKSPACE_ERRORS, **WORKSPACE_NOT_FOUND},
)
async def rename_workspace(
    context: PathWorkspaceManager,
    session: DbSession,
    params: WorkspaceUpdate,
    request: Request,
) -> WorkspaceRead:
    """Rename a workspace (its admins and instance admins)."""
    workspace = await WorkspaceService(session).rename(
        context.workspace_id,
        params.name,
        actor=context.actor,
        client=client_address(request),
    )
    assert context.role is not None
    return WorkspaceRead.of(workspace, context.role)


@router.delete(
    "/{workspace_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    response_class=Response,
    responses={
        **ADMIN_ONLY,
        **WORKSPACE_NOT_FOUND,
        409: {"model": ErrorDetail, "description": "It is the last workspace."},
    },
)
async def delete_workspace(
    admin: InstanceAdmin,
    session: DbSession,
    workspace_id: uuid.UUID,
    request: Request,
) -> None:
    """Delete a workspace with all its cases (instance admins); not the last one."""
    await WorkspaceService(session).delete(
        workspace_id, actor=admin.actor, client=client_address(request)
    )


@members_router.get("", response_model=list[MemberRead])
async def list_members(context: CaseReader, members: Members) -> list[MemberRead]:
    """The workspace's members and their roles, by email (people only)."""
    _refuse_api_keys(context)
    return await members.list_members()


@members_router.get("/{user_id}", response_model=MemberRead, responses=MEMBER_NOT_FOUND)
async def get_member(
    context: CaseReader, members: Members, user_id: uuid.UUID
) -> MemberRead:
    """One member of the workspace (people only)."""
    _refuse_api_keys(context)
    return await members.get(user_id)


def _refuse_api_keys(context: WorkspaceContext) -> None:
    # Members' emails are personal data; keys carry case scopes only.
    if context.principal.user is None:
        raise Forbidden("Members are listed to signed-in users only")


@members_router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    response_model=MemberRead,
    responses={
        404: {"model": ErrorDetail, "description": "No such user."},
        409: {"model": ErrorDetail, "description": "Already a member."},
        422: {"description": "Invalid body or role, or a deactivated user."},
    },
)
async def add_member(
    context: WorkspaceManager,
    members: Members,
    params: MemberCreate,
    response: Response,
) -> MemberRead:
    """Give an existing user a role in the workspace (workspace admins)."""
    member = await members.add(params)
    response.headers["Location"] = (
        f"/workspaces/{context.workspace_id}/members/{member.user_id}"
    )
    return member


@members_router.patch(
    "/{user_id}",
    response_model=MemberRead,
    responses={**MEMBER_NOT_FOUND, **LAST_ADMIN},
)
async def change_member_role(
    context: WorkspaceManager,
    members: Members,
    user_id: uuid.UUID,
    params: MemberUpdate,
) -> MemberRead:
    """Change a member's role (workspace admins)."""
    return await members.change_role(
        user_id, params.role, as_instance_admin=context.principal.is_instance_admin
    )


@members_router.delete(
    "/{user_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    response_class=Response,
    responses={**MEMBER_NOT_FOUND, **LAST_ADMIN},
)
async def remove_member(
    context: WorkspaceManager, members: Members, user_id: uuid.UUID
) -> None:
    """Remove a member and unassign them from the workspace's cases."""
    await members.remove(user_id, as_instance_admin=context.principal.is_instance_admin)
