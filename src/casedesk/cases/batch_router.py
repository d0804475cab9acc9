"""HTTP routes for batch work on cases."""

from typing import Annotated

from fastapi import APIRouter, Depends

from casedesk.cases.batch import CaseBatchService
from casedesk.cases.batch_schemas import (
    CaseBatchDelete,
    CaseBatchResponse,
    CaseBatchUpdate,
)
from casedesk.db.session import DbSession
from casedesk.kit.responses import WORKSPACE_ERRORS
from casedesk.kit.schemas import ErrorDetail
from casedesk.workspaces.deps import CaseDeleter, CaseUpdater, CurrentWorkspace

LOCK_TIMED_OUT: dict[int | str, dict[str, object]] = {
    409: {
        "model": ErrorDetail,
        "description": "A case stayed locked by another request for 5 seconds; "
        "nothing was changed.",
    },
}

router = APIRouter(prefix="/cases", tags=["cases"], responses=WORKSPACE_ERRORS)


def get_batch_service(
    session: DbSession, context: CurrentWorkspace
) -> CaseBatchService:
    """A batch service acting in the request's workspace as its caller."""
    return CaseBatchService(
        session, workspace_id=context.workspace_id, actor=context.actor
    )


Batch = Annotated[CaseBatchService, Depends(get_batch_service)]


@router.post(
    "/batch-update", response_model=CaseBatchResponse, responses=LOCK_TIMED_OUT
)
async def batch_update_cases(
    _: CaseUpdater, batch: Batch, params: CaseBatchUpdate
) -> CaseBatchResponse:
    """Apply one change to each case, as a PATCH of each would.

    Each case succeeds or is left unchanged on its own; the answer is 200
    with one result per distinct id, even when every case failed.
    """
    return await batch.update(params.case_ids, params.update)


@router.post(
    "/batch-delete", response_model=CaseBatchResponse, responses=LOCK_TIMED_OUT
)
async def batch_delete_cases(
    _: CaseDeleter, batch: Batch, params: CaseBatchDelete
) -> CaseBatchResponse:
    """Delete each case with everything recorded on it, as a DELETE of each would.

    The answer is 200 with one result per distinct id, even when every case
    failed.
    """
    return await batch.delete(params.case_ids)
