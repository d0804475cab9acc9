"""HTTP route for a case's timeline."""

import uuid

from fastapi import APIRouter

from casedesk.cases.deps import Cases
from casedesk.events.schemas import CaseEventsRead
from casedesk.events.service import CaseEventService
from casedesk.kit.responses import CASE_NOT_FOUND, WORKSPACE_ERRORS
from casedesk.workspaces.deps import CaseReader

router = APIRouter(prefix="/cases", tags=["cases"], responses=WORKSPACE_ERRORS)


@router.get(
    "/{case_id}/events", response_model=CaseEventsRead, responses=CASE_NOT_FOUND
)
async def list_case_events(
    _: CaseReader, cases: Cases, case_id: uuid.UUID
) -> CaseEventsRead:
    """The case's timeline, newest first, with the users it mentions."""
    case = await cases.get(case_id)
    return await CaseEventService(cases.session).list_for_case(case.id)
