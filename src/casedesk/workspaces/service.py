"""Workspace lookups and creation."""

import uuid
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from casedesk.models import Membership, User, Workspace
from casedesk.workspaces.roles import WorkspaceRole


@dataclass(frozen=True)
class WorkspaceAccess:
    """A workspace with the role a user holds there."""

    workspace: Workspace
    role: WorkspaceRole


class WorkspaceService:
    """Reads and writes workspaces and memberships."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get(self, workspace_id: uuid.UUID) -> Workspace | None:
        """A workspace by id."""
        return await self.session.get(Workspace, workspace_id)

    async def role_of(
        self, user_id: uuid.UUID, workspace_id: uuid.UUID
    ) -> WorkspaceRole | None:
        """The user's role in the workspace, or None when not a member."""
        role = await self.session.scalar(
            select(Membership.role).where(
                Membership.user_id == user_id,
                Membership.workspace_id == workspace_id,
            )
        )
        return WorkspaceRole(role) if role is not None else None

    async def default_workspace_id(self, user_id: uuid.UUID) -> uuid.UUID | None:
        """The user's first membership, by the time it was granted."""
        return await self.session.scalar(
            select(Membership.workspace_id)
            .where(Membership.user_id == user_id)
            .order_by(Membership.created_at, Membership.workspace_id)
            .limit(1)
        )

    async def first_workspace_id(self) -> uuid.UUID | None:
        """The oldest workspace of the installation."""
        return await self.session.scalar(
            select(Workspace.id).order_by(Workspace.created_at, Workspace.id).limit(1)
        )

    async def list_for(self, user: User) -> list[WorkspaceAccess]:
        """The workspaces a user can open, the default one first.

        Memberships come in the order they were granted, so the first entry
        is the workspace the short path defaults to. Instance admins also see
        every other workspace, and act as admins everywhere.
        """
        memberships = await self.session.execute(
            select(Workspace, Membership.role)
            .join(Membership, Membership.workspace_id == Workspace.id)
            .where(Membership.user_id == user.id)
            .order_by(Membership.created_at, Membership.workspace_id)
        )
        if not user.is_superuser:
            return [
                WorkspaceAccess(workspace=workspace, role=WorkspaceRole(role))
                for workspace, role in memberships
            ]

        joined = [workspace for workspace, _ in memberships]
        seen = {workspace.id for workspace in joined}
        others = await self.session.scalars(
            select(Workspace).order_by(Workspace.created_at, Workspace.id)
        )
        joined += [workspace for workspace in others if workspace.id not in seen]
        return [
            WorkspaceAccess(workspace=workspace, role=WorkspaceRole.ADMIN)
            for workspace in joined
        ]

    async def create(
        self, *, name: str, owner_id: uuid.UUID | None = None
    ) -> Workspace:
        """A new workspace, with `owner_id` as its admin when given."""
        workspace = Workspace(id=uuid.uuid4(), name=name, case_counter=0)
        self.session.add(workspace)
        await self.session.flush()

        if owner_id is not None:
            await self.add_member(workspace.id, owner_id, WorkspaceRole.ADMIN)
        return workspace

    async def add_member(
        self, workspace_id: uuid.UUID, user_id: uuid.UUID, role: WorkspaceRole
    ) -> Membership:
        """Grant a user a role in a workspace."""
        membership = Membership(
            workspace_id=workspace_id, user_id=user_id, role=role.value
        )
        self.session.add(membership)
        await self.session.flush()
        return membership

    async def is_member(self, workspace_id: uuid.UUID, user_id: uuid.UUID) -> bool:
        """Whether the user belongs to the workspace."""
        return await self.role_of(user_id, workspace_id) is not None
