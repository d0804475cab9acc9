"""Workspaces and memberships: lookups, administration and its audit trail."""

import uuid
from dataclasses import dataclass

import structlog
from sqlalchemy import delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from casedesk.audit.actions import AuditAction
from casedesk.audit.service import AuditLog
from casedesk.auth.principal import Actor
from casedesk.events.enums import CaseEventType
from casedesk.events.service import CaseEventService
from casedesk.models import Case, Membership, User, Workspace
from casedesk.models.base import utcnow
from casedesk.workspaces.errors import (
    AlreadyMember,
    LastAdmin,
    LastWorkspace,
    MemberNotFound,
    UserDeactivated,
    UserNotFound,
    WorkspaceNotFound,
)
from casedesk.workspaces.roles import WorkspaceRole
from casedesk.workspaces.schemas import MemberCreate, MemberRead

log = structlog.get_logger(__name__)


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
        self,
        *,
        name: str,
        owner_id: uuid.UUID | None = None,
        actor: Actor | None = None,
        client: str | None = None,
    ) -> Workspace:
        """A new workspace, with `owner_id` as its admin when given.

        The creation is audited when an `actor` is given.
        """
        workspace = Workspace(id=uuid.uuid4(), name=name, case_counter=0)
        self.session.add(workspace)
        await self.session.flush()

        if owner_id is not None:
            await self.add_member(workspace.id, owner_id, WorkspaceRole.ADMIN)
        if actor is not None:
            AuditLog(self.session).record(
                AuditAction.WORKSPACE_CREATED,
                actor=actor,
                client=client,
                workspace_id=workspace.id,
                target_type="workspace",
                target_id=workspace.id,
                name=name,
            )
        log.info("workspace.created", workspace_id=str(workspace.id))
        return workspace

    async def rename(
        self,
        workspace_id: uuid.UUID,
        name: str,
        *,
        actor: Actor,
        client: str | None,
    ) -> Workspace:
        """Give a workspace a new name."""
        workspace = await self._get_for_update(workspace_id)
        if workspace.name == name:
            return workspace

        old_name = workspace.name
        workspace.name = name
        await self.session.flush()

        AuditLog(self.session).record(
            AuditAction.WORKSPACE_RENAMED,
            actor=actor,
            client=client,
            workspace_id=workspace.id,
            target_type="workspace",
            target_id=workspace.id,
            old=old_name,
            new=name,
        )
        return workspace

    async def delete(
        self, workspace_id: uuid.UUID, *, actor: Actor, client: str | None
    ) -> None:
        """Delete a workspace with its cases, memberships and service accounts."""
        # Every workspace row is locked, in id order, so that two deletions
        # running at once cannot each see the other's workspace and remove
        # both of the last two.
        # XXX(perf): the locks last until commit, after the cascade through
        # the workspace's cases, and case creation everywhere waits on them
        # (it bumps its workspace's counter row); fine for a rare admin act.
        remaining = list(
            await self.session.scalars(
                select(Workspace.id).order_by(Workspace.id).with_for_update()
            )
        )
        if workspace_id not in remaining:
            raise WorkspaceNotFound()
        if len(remaining) == 1:
            raise LastWorkspace()

        workspace = await self._get_for_update(workspace_id)
        cases = await self.session.scalar(
            select(func.count())
            .select_from(Case)
            .where(Case.workspace_id == workspace_id)
        )
        await self.session.execute(
            delete(Workspace).where(Workspace.id == workspace_id)
        )

        AuditLog(self.session).record(
            AuditAction.WORKSPACE_DELETED,
            actor=actor,
            client=client,
            workspace_id=workspace_id,
            target_type="workspace",
            target_id=workspace_id,
            name=workspace.name,
            deleted_cases=cases or 0,
        )
        log.info("workspace.deleted", workspace_id=str(workspace_id))

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

    async def _get_for_update(self, workspace_id: uuid.UUID) -> Workspace:
        workspace = await self.session.scalar(
            select(Workspace).where(Workspace.id == workspace_id).with_for_update()
        )
        if workspace is None:
            raise WorkspaceNotFound()
        return workspace


class MemberService:
    """Lists and changes the members of one workspace, as one caller."""

    def __init__(
        self,
        session: AsyncSession,
        *,
        workspace_id: uuid.UUID,
        actor: Actor,
        client: str | None,
    ) -> None:
        self.session = session
        self.workspace_id = workspace_id
        self.actor = actor
        self.client = client
        self.audit = AuditLog(session)

    async def list_members(self) -> list[MemberRead]:
        """Every member with their account details, by email."""
        rows = await self.session.execute(
            select(Membership, User)
            .join(User, User.id == Membership.user_id)
            .where(Membership.workspace_id == self.workspace_id)
            .order_by(User.email, User.id)
        )
        return [_read(membership, user) for membership, user in rows.tuples()]

    async def get(self, user_id: uuid.UUID) -> MemberRead:
        """One member, or MemberNotFound."""
        membership, user = await self._get(user_id)
        return _read(membership, user)

    async def add(self, params: MemberCreate) -> MemberRead:
        """Grant an existing, active user a role in the workspace."""
        await self._lock_workspace()
        user = await self._find_user(params)
        if not user.is_active:
            raise UserDeactivated(user.id)
        if await WorkspaceService(self.session).is_member(self.workspace_id, user.id):
            raise AlreadyMember(user.id)

        membership = Membership(
            workspace_id=self.workspace_id, user_id=user.id, role=params.role.value
        )
        self.session.add(membership)
        await self.session.flush()

        self._audit(AuditAction.MEMBER_ADDED, user.id, role=params.role.value)
        return _read(membership, user)

    async def change_role(
        self, user_id: uuid.UUID, role: WorkspaceRole, *, as_instance_admin: bool
    ) -> MemberRead:
        """Give a member another role; the last admin stays unless overridden."""
        await self._lock_workspace()
        membership, user = await self._get(user_id)
        old_role = WorkspaceRole(membership.role)
        if old_role == role:
            return _read(membership, user)
        if old_role == WorkspaceRole.ADMIN and not as_instance_admin:
            await self._keep_an_admin()

        membership.role = role.value
        await self.session.flush()

        self._audit(
            AuditAction.MEMBER_ROLE_CHANGED, user_id, old=old_role.value, new=role.value
        )
        return _read(membership, user)

    async def remove(self, user_id: uuid.UUID, *, as_instance_admin: bool) -> None:
        """Take a member out of the workspace and unassign them from its cases."""
        await self._lock_workspace()
        membership, _ = await self._get(user_id)
        role = WorkspaceRole(membership.role)
        if role == WorkspaceRole.ADMIN and not as_instance_admin:
            await self._keep_an_admin()

        await self.session.delete(membership)
        unassigned = await self._unassign(user_id)
        await self.session.flush()

        self._audit(
            AuditAction.MEMBER_REMOVED,
            user_id,
            role=role.value,
            unassigned_cases=unassigned,
        )

    async def _unassign(self, user_id: uuid.UUID) -> int:
        """Clear the user's assignments here, one `assignee_changed` each."""
        cleared = await self.session.scalars(
            update(Case)
            .where(Case.workspace_id == self.workspace_id, Case.assignee_id == user_id)
            .values(assignee_id=None, updated_at=utcnow())
            .returning(Case.id)
            .execution_options(synchronize_session=False)
        )
        case_ids = list(cleared)

        events = CaseEventService(self.session)
        for case_id in case_ids:
            events.record(
                case_id=case_id,
                workspace_id=self.workspace_id,
                actor=self.actor,
                event_type=CaseEventType.ASSIGNEE_CHANGED,
                old=str(user_id),
                new=None,
            )
        return len(case_ids)

    async def _lock_workspace(self) -> None:
        # Every membership change of a workspace takes its row lock first: two
        # admins demoting each other at once cannot both pass the last-admin
        # check, and one user added twice at once is a clean conflict.
        locked = await self.session.scalar(
            select(Workspace.id)
            .where(Workspace.id == self.workspace_id)
            .with_for_update()
        )
        if locked is None:
            raise WorkspaceNotFound()

    async def _keep_an_admin(self) -> None:
        admins = await self.session.scalar(
            select(func.count())
            .select_from(Membership)
            .where(
                Membership.workspace_id == self.workspace_id,
                Membership.role == WorkspaceRole.ADMIN.value,
            )
        )
        if (admins or 0) <= 1:
            raise LastAdmin()

    async def _get(self, user_id: uuid.UUID) -> tuple[Membership, User]:
        found = (
            await self.session.execute(
                select(Membership, User)
                .join(User, User.id == Membership.user_id)
                .where(
                    Membership.workspace_id == self.workspace_id,
                    Membership.user_id == user_id,
                )
            )
        ).first()
        if found is None:
            raise MemberNotFound(user_id)
        membership, user = found
        return membership, user

    async def _find_user(self, params: MemberCreate) -> User:
        if params.user_id is not None:
            user = await self.session.get(User, params.user_id)
        else:
            assert params.email is not None
            user = await self.session.scalar(
                select(User).where(func.lower(User.email) == params.email.lower())
            )
        if user is None:
            raise UserNotFound()
        return user

    def _audit(
        self, action: AuditAction, user_id: uuid.UUID, **details: str | int
    ) -> None:
        self.audit.record(
            action,
            actor=self.actor,
            client=self.client,
            workspace_id=self.workspace_id,
            target_type="user",
            target_id=user_id,
            **details,
        )


def _read(membership: Membership, user: User) -> MemberRead:
    return MemberRead(
        user_id=user.id,
        email=user.email,
        first_name=user.first_name,
        last_name=user.last_name,
        is_active=user.is_active,
        role=WorkspaceRole(membership.role),
        created_at=membership.created_at,
    )
