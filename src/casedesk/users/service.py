"""Account rules: creation, changes, removal, and changing one's password."""

import asyncio
import uuid
from typing import Any, cast

import structlog
from sqlalchemy import Table, delete, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from casedesk.audit.actions import AuditAction
from casedesk.audit.service import AuditLog
from casedesk.auth.passwords import password_helper, password_problem
from casedesk.auth.principal import Actor
from casedesk.auth.tokens import hash_token
from casedesk.events.enums import CaseEventType
from casedesk.events.service import CaseEventService
from casedesk.models import AccessToken, Case, User
from casedesk.models.base import utcnow
from casedesk.users.errors import (
    CannotRemoveSelf,
    EmailTaken,
    LastInstanceAdmin,
    PasswordRefused,
    UserNotFound,
    WrongCurrentPassword,
)
from casedesk.users.schemas import PasswordChange, ProfileUpdate, UserCreate, UserUpdate

log = structlog.get_logger(__name__)

USER_TARGET = "user"
# fastapi-users types the flag columns as plain `bool` for type checkers; the
# table's columns keep their SQL operators.
USER_FLAGS = cast(Table, User.__table__).c


class UserService:
    """Manages accounts on behalf of one actor, auditing every change."""

    def __init__(
        self, session: AsyncSession, *, actor: Actor, client: str | None = None
    ) -> None:
        self.session = session
        self.actor = actor
        self.client = client
        self.audit = AuditLog(session)
        self.events = CaseEventService(session)

    async def list(self) -> list[User]:
        """Every account, ordered by email."""
        return list(await self.session.scalars(select(User).order_by(User.email)))

    async def get(self, user_id: uuid.UUID) -> User:
        """An account by id, or UserNotFound."""
        user = await self.session.get(User, user_id)
        if user is None:
            raise UserNotFound(user_id)
        return user

    async def create(self, params: UserCreate) -> User:
        """Create an active, verified account with a policy-checked password."""
        _check_password(params.password, email=params.email)
        await self._check_email_free(params.email)

        user = User(
            id=uuid.uuid4(),
            email=params.email,
            hashed_password=await _hash(params.password),
            is_active=True,
            is_superuser=params.is_superuser,
            is_verified=True,
            first_name=params.first_name,
            last_name=params.last_name,
            settings={},
        )
        self.session.add(user)
        await self._flush_email(params.email)

        self._audit(
            AuditAction.USER_CREATED,
            user.id,
            email=user.email,
            is_superuser=user.is_superuser,
        )
        log.info("user.created", user_id=str(user.id))
        return user

    async def update(
        self,
        user: User,
        params: UserUpdate,
        *,
        current_session_token: str | None = None,
    ) -> User:
        """Apply the keys given; deactivating also releases the user's cases.

        A new password signs out every session of the user except
        `current_session_token`, the caller's own.
        """
        changes = _changed_values(user, params)
        deactivating = changes.get("is_active") is False
        demoting = changes.get("is_superuser") is False
        if deactivating and user.id == self.actor.user_id:
            raise CannotRemoveSelf("deactivate")
        if (deactivating or demoting) and user.is_active and user.is_superuser:
            await self._check_not_last_admin(user.id)
        if "password" in changes:
            _check_password(changes["password"], email=changes.get("email", user.email))
        if "email" in changes:
            await self._check_email_free(changes["email"], except_id=user.id)

        for key, value in changes.items():
            if key == "password":
                user.hashed_password = await _hash(value)
            else:
                setattr(user, key, value)
        if deactivating:
            await self._unassign_cases(user.id)
            await self._revoke_sessions(user.id)
        elif "password" in changes:
            await self._revoke_sessions(user.id, keep=current_session_token)
        if "email" in changes:
            await self._flush_email(user.email)
        else:
            await self.session.flush()

        if changes:
            self._audit(AuditAction.USER_UPDATED, user.id, fields=sorted(changes))
            log.info("user.updated", user_id=str(user.id), fields=sorted(changes))
        return user

    async def delete(self, user: User) -> None:
        """Delete an account; its cases stay, unassigned, and its events stay."""
        if user.id == self.actor.user_id:
            raise CannotRemoveSelf("delete")
        if user.is_active and user.is_superuser:
            await self._check_not_last_admin(user.id)

        await self._unassign_cases(user.id)
        await self.session.flush()

        # Memberships and sessions go with the row (ON DELETE CASCADE).
        await self.session.execute(delete(User).where(User.id == user.id))

        self._audit(AuditAction.USER_DELETED, user.id, email=user.email)
        log.info("user.deleted", user_id=str(user.id))

    async def update_profile(self, user: User, params: ProfileUpdate) -> User:
        """Change the caller's own display names."""
        for key in params.model_fields_set:
            setattr(user, key, getattr(params, key))
        await self.session.flush()
        return user

    async def change_password(
        self,
        user: User,
        params: PasswordChange,
        *,
        current_session_token: str | None,
    ) -> None:
        """Replace the password after checking the current one.

        Every other session of the user is signed out; the one making the
        request stays signed in.
        """
        verified, _ = await asyncio.to_thread(
            password_helper.verify_and_update,
            params.current_password,
            user.hashed_password,
        )
        if not verified:
            raise WrongCurrentPassword()
        _check_password(params.new_password, email=user.email)

        user.hashed_password = await _hash(params.new_password)
        await self._revoke_sessions(user.id, keep=current_session_token)
        await self.session.flush()

        self._audit(AuditAction.PASSWORD_CHANGED, user.id)
        log.info("user.password_changed", user_id=str(user.id))

    async def _check_email_free(
        self, email: str, *, except_id: uuid.UUID | None = None
    ) -> None:
        # Older rows may hold mixed case, so compare lower-cased.
        query = select(User.id).where(func.lower(User.email) == email)
        if except_id is not None:
            query = query.where(User.id != except_id)
        if await self.session.scalar(query.limit(1)) is not None:
            raise EmailTaken(email)

    async def _flush_email(self, email: str) -> None:
        """Flush, turning a lost race for the same address into EmailTaken."""
        try:
            await self.session.flush()
        except IntegrityError as error:
            raise EmailTaken(email) from error

    async def _check_not_last_admin(self, user_id: uuid.UUID) -> None:
        # Locking every active admin row, in id order, makes two admins who
        # demote each other at once take turns: the second then sees that
        # only its own target is left, instead of both succeeding.
        admin_ids = await self.session.scalars(
            select(User.id)
            .where(USER_FLAGS.is_superuser.is_(True), USER_FLAGS.is_active.is_(True))
            .order_by(User.id)
            .with_for_update()
        )
        if all(admin_id == user_id for admin_id in admin_ids):
            raise LastInstanceAdmin()

    async def _unassign_cases(self, user_id: uuid.UUID) -> None:
        """Clear the user's assignments, one `assignee_changed` event each."""
        cases = await self.session.scalars(
            select(Case)
            .where(Case.assignee_id == user_id)
            .order_by(Case.id)
            .with_for_update()
        )
        now = utcnow()
        for case in cases:
            self.events.record(
                case_id=case.id,
                workspace_id=case.workspace_id,
                actor=self.actor,
                event_type=CaseEventType.ASSIGNEE_CHANGED,
                old=str(user_id),
                new=None,
            )
            case.assignee_id = None
            case.updated_at = now

    async def _revoke_sessions(
        self, user_id: uuid.UUID, *, keep: str | None = None
    ) -> None:
        statement = delete(AccessToken).where(AccessToken.user_id == user_id)
        if keep is not None:
            statement = statement.where(AccessToken.token != hash_token(keep))
        await self.session.execute(statement)

    def _audit(self, action: AuditAction, user_id: uuid.UUID, **details: Any) -> None:
        self.audit.record(
            action,
            actor=self.actor,
            client=self.client,
            target_type=USER_TARGET,
            target_id=user_id,
            **details,
        )


def _check_password(password: str, *, email: str) -> None:
    problem = password_problem(password, email=email)
    if problem is not None:
        raise PasswordRefused(problem)


async def _hash(password: str) -> str:
    # argon2 is deliberately slow; keep it off the event loop.
    return await asyncio.to_thread(password_helper.hash, password)


def _changed_values(user: User, params: UserUpdate) -> dict[str, Any]:
    """The keys given whose value differs; a given password always counts."""
    changes: dict[str, Any] = {}
    for key in params.model_fields_set:
        value = getattr(params, key)
        if key == "password" or value != getattr(user, key):
            changes[key] = value
    return changes
