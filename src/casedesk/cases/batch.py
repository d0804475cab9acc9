"""Batch work on cases: one change or a deletion applied to many cases at once.

The whole batch is one transaction. Each case is applied in a savepoint of
its own, through the same service calls as a single PATCH or DELETE, so its
events, versions, field values and checks are those of a single request,
and a case that fails leaves the others to commit.
"""

import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import asynccontextmanager

import structlog
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from casedesk.auth.principal import Actor
from casedesk.cases.batch_schemas import CaseBatchResponse, CaseBatchResult
from casedesk.cases.errors import CaseNotFound
from casedesk.cases.schemas import CaseUpdate
from casedesk.cases.service import CaseService
from casedesk.errors import CasedeskError, Conflict
from casedesk.models import Case

log = structlog.get_logger(__name__)

CASE_NOT_FOUND = "Case not found"
DATABASE_FAILURE = "Database operation failed"
# PostgreSQL's lock_not_available, raised when lock_timeout expires.
LOCK_NOT_AVAILABLE = "55P03"
LOCK_TIMEOUT = "5s"

CaseStep = Callable[[uuid.UUID], Awaitable[None]]


class BatchLockTimeout(Conflict):
    """Another transaction held one of the batch's cases for too long."""

    def __init__(self, action: str) -> None:
        super().__init__(f"Timed out waiting to lock cases for batch {action}")


class CaseBatchService:
    """Applies updates and deletions to many cases of one workspace."""

    def __init__(
        self,
        session: AsyncSession,
        *,
        workspace_id: uuid.UUID,
        actor: Actor,
    ) -> None:
        self.session = session
        self.workspace_id = workspace_id
        self.cases = CaseService(session, workspace_id=workspace_id, actor=actor)

    async def update(
        self, case_ids: Sequence[uuid.UUID], params: CaseUpdate
    ) -> CaseBatchResponse:
        """Apply `params` to each case as a single PATCH would."""

        # XXX(perf): every case re-reads the workspace's field and dropdown
        # definitions to validate the same `params` (4 of its ~18 statements);
        # CaseService offers no way to validate once and reuse the result.
        async def update_one(case_id: uuid.UUID) -> None:
            # Already locked, with the others, in id order.
            case = await self.cases.get(case_id)
            await self.cases.update(case, params)

        return await self._run("update", case_ids, update_one)

    async def delete(self, case_ids: Sequence[uuid.UUID]) -> CaseBatchResponse:
        """Delete each case as a single DELETE would."""
        return await self._run("delete", case_ids, self.cases.delete)

    async def _run(
        self, action: str, case_ids: Sequence[uuid.UUID], step: CaseStep
    ) -> CaseBatchResponse:
        distinct = list(dict.fromkeys(case_ids))
        results: list[CaseBatchResult] = []
        async with _lock_timeouts_refused(action):
            found = await self._lock(distinct)
            for case_id in distinct:
                error: str | None = CASE_NOT_FOUND
                if case_id in found:
                    error = await self._apply(case_id, step)
                results.append(
                    CaseBatchResult(case_id=case_id, success=error is None, error=error)
                )

        succeeded = sum(result.success for result in results)
        return CaseBatchResponse(
            results=results, succeeded=succeeded, failed=len(results) - succeeded
        )

    async def _lock(self, case_ids: list[uuid.UUID]) -> set[uuid.UUID]:
        """Lock the workspace's cases among `case_ids`; return their ids.

        Locks are taken in id order, the order every other multi-case lock
        (the durations refresh before commit) uses, so two batches sharing
        cases queue instead of deadlocking. The timeout holds for the rest of
        the transaction, so any later lock wait of the batch is bounded too.
        PostgreSQL counts it per wait: a batch queued behind another batch
        for the same case can wait up to twice as long before its 409.
        """
        if self.session.bind.dialect.name == "postgresql":
            # SQLite has a single writer: nothing there waits on a row lock.
            await self.session.execute(
                text(f"SET LOCAL lock_timeout = '{LOCK_TIMEOUT}'")
            )

        found = await self.session.scalars(
            select(Case.id)
            .where(Case.workspace_id == self.workspace_id, Case.id.in_(case_ids))
            .order_by(Case.id)
            .with_for_update()
        )
        return set(found)

    async def _apply(self, case_id: uuid.UUID, step: CaseStep) -> str | None:
        """Run `step` on one case in a savepoint; the error that undid it, if any."""
        try:
            async with self.session.begin_nested():
                await step(case_id)
        except CaseNotFound:
            return CASE_NOT_FOUND
        except CasedeskError as error:
            return error.message
        except IntegrityError as error:
            # A row the case refers to vanished under us, e.g. an assignee
            # deleted concurrently: only this case is undone.
            log.warning(
                "cases.batch_item_failed",
                case_id=str(case_id),
                error_type=type(error.orig).__name__,
            )
            return DATABASE_FAILURE
        return None


@asynccontextmanager
async def _lock_timeouts_refused(action: str) -> AsyncIterator[None]:
    """Turn PostgreSQL's lock timeout, wherever the batch meets it, into a 409."""
    try:
        yield
    except DBAPIError as error:
        if getattr(error.orig, "sqlstate", None) != LOCK_NOT_AVAILABLE:
            raise
        log.info("cases.batch_lock_timeout", action=action)
        raise BatchLockTimeout(action) from error
