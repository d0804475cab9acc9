"""Service accounts and their keys: creation, issue, revocation, audit."""

import uuid
from dataclasses import dataclass

import structlog
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from casedesk.audit.actions import AuditAction
from casedesk.audit.service import AuditLog
from casedesk.auth.api_keys import issue_key
from casedesk.auth.principal import Actor
from casedesk.models import ApiKey, ServiceAccount
from casedesk.models.base import utcnow
from casedesk.service_accounts.errors import (
    ApiKeyNotFound,
    ServiceAccountInactive,
    ServiceAccountNotFound,
)
from casedesk.workspaces.roles import SERVICE_ACCOUNT_SCOPE_ORDER

log = structlog.get_logger(__name__)


@dataclass(frozen=True)
class IssuedApiKey:
    """A stored key and its full token, which exists only in this object."""

    api_key: ApiKey
    token: str


async def find_key(session: AsyncSession, key_id: str) -> ApiKey | None:
    """A key by its public id, in any workspace (for the command line)."""
    return await session.scalar(select(ApiKey).where(ApiKey.key_id == key_id))


class ServiceAccountService:
    """Manages the service accounts and keys of one workspace, as one caller."""

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

    async def create(self, *, name: str, scopes: list[str]) -> ServiceAccount:
        """A new active service account with exactly the given scopes."""
        wanted = set(scopes)
        account = ServiceAccount(
            id=uuid.uuid4(),
            workspace_id=self.workspace_id,
            name=name,
            scopes=[scope for scope in SERVICE_ACCOUNT_SCOPE_ORDER if scope in wanted],
            is_active=True,
            created_by=self.actor.user_id,
        )
        self.session.add(account)
        await self.session.flush()

        self._audit(
            AuditAction.SERVICE_ACCOUNT_CREATED,
            "service_account",
            account.id,
            name=name,
            scopes=account.scopes,
        )
        log.info(
            "service_account.created",
            service_account_id=str(account.id),
            workspace_id=str(self.workspace_id),
        )
        return account

    async def list_accounts(self) -> list[ServiceAccount]:
        """Every service account of the workspace, deactivated ones included."""
        return list(
            await self.session.scalars(
                select(ServiceAccount)
                .where(ServiceAccount.workspace_id == self.workspace_id)
                .order_by(ServiceAccount.created_at, ServiceAccount.id)
            )
        )

    async def get(self, account_id: uuid.UUID) -> ServiceAccount:
        """A service account of this workspace, or ServiceAccountNotFound."""
        account = await self.session.scalar(
            select(ServiceAccount).where(
                ServiceAccount.id == account_id,
                ServiceAccount.workspace_id == self.workspace_id,
            )
        )
        if account is None:
            raise ServiceAccountNotFound(account_id)
        return account

    async def deactivate(self, account_id: uuid.UUID) -> None:
        """Deactivate an account and revoke its keys; the row stays.

        Events and audit entries keep naming the account, so it is kept,
        inactive, rather than deleted. Deactivating it again changes nothing.
        """
        account = await self.get(account_id)
        if not account.is_active:
            return

        account.is_active = False
        revoked = await self._revoke_all(account.id)
        await self.session.flush()

        self._audit(
            AuditAction.SERVICE_ACCOUNT_DELETED,
            "service_account",
            account.id,
            name=account.name,
            revoked_keys=len(revoked),
        )
        for key_id in revoked:
            self._audit(
                AuditAction.KEY_REVOKED,
                "api_key",
                key_id,
                service_account_id=str(account.id),
            )
        log.info("service_account.deactivated", service_account_id=str(account.id))

    async def issue_key(self, account_id: uuid.UUID, *, name: str) -> IssuedApiKey:
        """A new key for an active account; its token is returned once."""
        account = await self.get(account_id)
        if not account.is_active:
            raise ServiceAccountInactive(account.id)

        issued = issue_key()
        api_key = ApiKey(
            id=uuid.uuid4(),
            service_account_id=account.id,
            workspace_id=self.workspace_id,
            key_id=issued.key_id,
            secret_hash=issued.secret_hash,
            name=name,
            created_by=self.actor.user_id,
        )
        self.session.add(api_key)
        await self.session.flush()

        self._audit(
            AuditAction.KEY_CREATED,
            "api_key",
            api_key.key_id,
            service_account_id=str(account.id),
            name=name,
        )
        log.info(
            "service_account.key_issued",
            key_id=api_key.key_id,
            service_account_id=str(account.id),
        )
        return IssuedApiKey(api_key=api_key, token=issued.token)

    async def list_keys(self, account_id: uuid.UUID) -> list[ApiKey]:
        """The account's keys, revoked ones included, oldest first."""
        account = await self.get(account_id)
        return list(
            await self.session.scalars(
                select(ApiKey)
                .where(ApiKey.service_account_id == account.id)
                .order_by(ApiKey.created_at, ApiKey.id)
            )
        )

    async def list_workspace_keys(self) -> list[tuple[ServiceAccount, ApiKey]]:
        """Every key of the workspace with its account, oldest first."""
        rows = await self.session.execute(
            select(ServiceAccount, ApiKey)
            .join(ApiKey, ApiKey.service_account_id == ServiceAccount.id)
            .where(ServiceAccount.workspace_id == self.workspace_id)
            .order_by(ApiKey.created_at, ApiKey.id)
        )
        return [(account, api_key) for account, api_key in rows.tuples()]

    async def revoke_key(self, account_id: uuid.UUID, key_id: str) -> ApiKey:
        """Revoke one key of the account; revoking it again changes nothing."""
        account = await self.get(account_id)
        api_key = await self.session.scalar(
            select(ApiKey).where(
                ApiKey.key_id == key_id, ApiKey.service_account_id == account.id
            )
        )
        if api_key is None:
            raise ApiKeyNotFound(key_id)
        if api_key.revoked_at is not None:
            return api_key

        api_key.revoked_at = utcnow()
        await self.session.flush()

        self._audit(
            AuditAction.KEY_REVOKED,
            "api_key",
            api_key.key_id,
            service_account_id=str(account.id),
        )
        log.info("service_account.key_revoked", key_id=api_key.key_id)
        return api_key

    async def _revoke_all(self, account_id: uuid.UUID) -> list[str]:
        revoked = await self.session.scalars(
            update(ApiKey)
            .where(ApiKey.service_account_id == account_id, ApiKey.revoked_at.is_(None))
            .values(revoked_at=utcnow())
            .returning(ApiKey.key_id)
            .execution_options(synchronize_session=False)
        )
        return sorted(revoked)

    def _audit(
        self,
        action: AuditAction,
        target_type: str,
        target_id: object,
        **details: object,
    ) -> None:
        self.audit.record(
            action,
            actor=self.actor,
            client=self.client,
            workspace_id=self.workspace_id,
            target_type=target_type,
            target_id=target_id,
            **details,
        )
