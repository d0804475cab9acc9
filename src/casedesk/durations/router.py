"""HTTP routes for duration definitions and the durations on a case."""

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Response, status

from casedesk.db.session import DbSession
from casedesk.durations.schemas import (
    CaseDurationCreate,
    CaseDurationRead,
    CaseDurationUpdate,
    DurationDefinitionCreate,
    DurationDefinitionRead,
    DurationDefinitionUpdate,
)
from casedesk.durations.service import CaseDurationService, DurationDefinitionService
from casedesk.kit.responses import CASE_NOT_FOUND, WORKSPACE_ERRORS
from casedesk.kit.schemas import ErrorDetail
from casedesk.workspaces.deps import (
    CaseCreator,
    CaseDeleter,
    CaseReader,
    CaseUpdater,
    CurrentWorkspace,
)

DEFINITION_NOT_FOUND: dict[int | str, dict[str, object]] = {
    404: {"model": ErrorDetail, "description": "No such definition in this workspace."},
}
NAME_TAKEN: dict[int | str, dict[str, object]] = {
    400: {
        "model": ErrorDetail,
        "description": "Another definition has the same name, or an anchor is null.",
    },
}
CASE_OR_DURATION_NOT_FOUND: dict[int | str, dict[str, object]] = {
    404: {"model": ErrorDetail, "description": "No such case, or no such duration."},
}
CASE_OR_DEFINITION_NOT_FOUND: dict[int | str, dict[str, object]] = {
    404: {"model": ErrorDetail, "description": "No such case, or no such definition."},
}
ALREADY_MEASURED: dict[int | str, dict[str, object]] = {
    400: {
        "model": ErrorDetail,
        "description": "The case already has a duration for the definition.",
    },
}


def get_definition_service(
    session: DbSession, context: CurrentWorkspace
) -> DurationDefinitionService:
    """A definition service acting in the request's workspace."""
    return DurationDefinitionService(session, workspace_id=context.workspace_id)


def get_case_duration_service(
    session: DbSession, context: CurrentWorkspace
) -> CaseDurationService:
    """A case duration service acting in the request's workspace."""
    return CaseDurationService(session, workspace_id=context.workspace_id)


Definitions = Annotated[DurationDefinitionService, Depends(get_definition_service)]
Durations = Annotated[CaseDurationService, Depends(get_case_duration_service)]

definitions_router = APIRouter(
    prefix="/case-durations", tags=["durations"], responses=WORKSPACE_ERRORS
)
case_durations_router = APIRouter(
    prefix="/cases/{case_id}/durations", tags=["durations"], responses=WORKSPACE_ERRORS
)


@definitions_router.get("", response_model=list[DurationDefinitionRead])
async def list_duration_definitions(
    _: CaseReader, definitions: Definitions
) -> list[DurationDefinitionRead]:
    """Every duration definition of the workspace, oldest first."""
    found = await definitions.list_all()
    return [DurationDefinitionRead.model_validate(item) for item in found]


@definitions_router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    response_model=DurationDefinitionRead,
    responses=NAME_TAKEN,
)
async def create_duration_definition(
    context: CaseCreator,
    definitions: Definitions,
    params: DurationDefinitionCreate,
    response: Response,
) -> DurationDefinitionRead:
    """Define a duration; it is measured at once on every case."""
    definition = await definitions.create(params)
    response.headers["Location"] = (
        f"/workspaces/{context.workspace_id}/case-durations/{definition.id}"
    )
    return DurationDefinitionRead.model_validate(definition)


@definitions_router.get(
    "/{definition_id}",
    response_model=DurationDefinitionRead,
    responses=DEFINITION_NOT_FOUND,
)
async def get_duration_definition(
    _: CaseReader, definitions: Definitions, definition_id: uuid.UUID
) -> DurationDefinitionRead:
    """One duration definition."""
    return DurationDefinitionRead.model_validate(await definitions.get(definition_id))


@definitions_router.patch(
    "/{definition_id}",
    response_model=DurationDefinitionRead,
    responses={**DEFINITION_NOT_FOUND, **NAME_TAKEN},
)
async def update_duration_definition(
    _: CaseUpdater,
    definitions: Definitions,
    definition_id: uuid.UUID,
    params: DurationDefinitionUpdate,
) -> DurationDefinitionRead:
    """Rename, describe or re-anchor a definition; new anchors remeasure cases."""
    definition = await definitions.get(definition_id)
    updated = await definitions.update(definition, params)
    return DurationDefinitionRead.model_validate(updated)


@definitions_router.delete(
    "/{definition_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    response_class=Response,
    responses=DEFINITION_NOT_FOUND,
)
async def delete_duration_definition(
    _: CaseDeleter, definitions: Definitions, definition_id: uuid.UUID
) -> None:
    """Delete a definition and every duration measured with it."""
    await definitions.delete(definition_id)


@case_durations_router.get(
    "", response_model=list[CaseDurationRead], responses=CASE_NOT_FOUND
)
async def list_case_durations(
    _: CaseReader, durations: Durations, case_id: uuid.UUID
) -> list[CaseDurationRead]:
    """The durations of a case, oldest first; null values are not yet measured."""
    found = await durations.list_for_case(case_id)
    return [CaseDurationRead.model_validate(item) for item in found]


@case_durations_router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    response_model=CaseDurationRead,
    responses={**CASE_OR_DEFINITION_NOT_FOUND, **ALREADY_MEASURED},
)
async def create_case_duration(
    context: CaseCreator,
    durations: Durations,
    case_id: uuid.UUID,
    params: CaseDurationCreate,
    response: Response,
) -> CaseDurationRead:
    """Record a duration by hand; the case's next event remeasures it."""
    duration = await durations.create(case_id, params)
    response.headers["Location"] = (
        f"/workspaces/{context.workspace_id}/cases/{case_id}/durations/{duration.id}"
    )
    return CaseDurationRead.model_validate(duration)


@case_durations_router.get(
    "/{duration_id}",
    response_model=CaseDurationRead,
    responses=CASE_OR_DURATION_NOT_FOUND,
)
async def get_case_duration(
    _: CaseReader, durations: Durations, case_id: uuid.UUID, duration_id: uuid.UUID
) -> CaseDurationRead:
    """One duration of a case."""
    return CaseDurationRead.model_validate(await durations.get(case_id, duration_id))


@case_durations_router.patch(
    "/{duration_id}",
    response_model=CaseDurationRead,
    responses={**CASE_OR_DURATION_NOT_FOUND, **ALREADY_MEASURED},
)
async def update_case_duration(
    _: CaseUpdater,
    durations: Durations,
    case_id: uuid.UUID,
    duration_id: uuid.UUID,
    params: CaseDurationUpdate,
) -> CaseDurationRead:
    """Change a duration by hand; the case's next event remeasures it."""
    duration = await durations.update(case_id, duration_id, params)
    return CaseDurationRead.model_validate(duration)


@case_durations_router.delete(
    "/{duration_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    response_class=Response,
    responses=CASE_OR_DURATION_NOT_FOUND,
)
async def delete_case_duration(
    _: CaseDeleter, durations: Durations, case_id: uuid.UUID, duration_id: uuid.UUID
) -> None:
    """Delete a duration of a case; the case's next event measures it again."""
    await durations.delete(case_id, duration_id)
