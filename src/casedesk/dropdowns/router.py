"""HTTP routes for dropdown definitions, their options, and each case's choice."""

import uuid
from typing import Annotated

from fastapi import APIRouter, Body, Depends, Response, status

from casedesk.db.session import DbSession
from casedesk.dropdowns.schemas import (
    MAX_OPTIONS,
    CaseDropdownValueRead,
    CaseDropdownValueSet,
    DropdownDefinitionCreate,
    DropdownDefinitionRead,
    DropdownDefinitionUpdate,
    DropdownOptionCreate,
    DropdownOptionRead,
    DropdownOptionUpdate,
)
from casedesk.dropdowns.service import DropdownService
from casedesk.kit.responses import CASE_NOT_FOUND, WORKSPACE_ERRORS
from casedesk.kit.schemas import ErrorDetail
from casedesk.workspaces.deps import (
    CaseCreator,
    CaseDeleter,
    CaseReader,
    CaseUpdater,
    CurrentWorkspace,
)

Responses = dict[int | str, dict[str, object]]

DROPDOWN_NOT_FOUND: Responses = {
    404: {"model": ErrorDetail, "description": "No such dropdown in this workspace."},
}
OPTION_NOT_FOUND: Responses = {
    404: {
        "model": ErrorDetail,
        "description": "No such dropdown, or the option is not one of its options.",
    },
}
DEFINITION_INVALID: Responses = {
    409: {
        "model": ErrorDetail,
        "description": "The ref is taken (by another dropdown, or by another "
        "option of this one), or a name or ref is empty.",
    },
}
CASE_DROPDOWN_OR_OPTION_NOT_FOUND: Responses = {
    404: {
        "model": ErrorDetail,
        "description": "No such case or dropdown, or the option is not one of "
        "the dropdown's options.",
    },
}


def get_dropdown_service(
    session: DbSession, context: CurrentWorkspace
) -> DropdownService:
    """A dropdown service acting in the request's workspace as its caller."""
    return DropdownService(
        session, workspace_id=context.workspace_id, actor=context.actor
    )


Dropdowns = Annotated[DropdownService, Depends(get_dropdown_service)]

definitions_router = APIRouter(
    prefix="/case-dropdowns", tags=["dropdowns"], responses=WORKSPACE_ERRORS
)
case_dropdowns_router = APIRouter(
    prefix="/cases/{case_id}/dropdowns", tags=["dropdowns"], responses=WORKSPACE_ERRORS
)


@definitions_router.get("", response_model=list[DropdownDefinitionRead])
async def list_dropdowns(
    _: CaseReader, dropdowns: Dropdowns
) -> list[DropdownDefinitionRead]:
    """Every dropdown of the workspace, by position, then creation."""
    return await dropdowns.list_definitions()


@definitions_router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    response_model=DropdownDefinitionRead,
    responses=DEFINITION_INVALID,
)
async def create_dropdown(
    context: CaseCreator,
    dropdowns: Dropdowns,
    params: DropdownDefinitionCreate,
    response: Response,
) -> DropdownDefinitionRead:
    """Define a dropdown with its options."""
    created = await dropdowns.create_definition(params)
    response.headers["Location"] = (
        f"/workspaces/{context.workspace_id}/case-dropdowns/{created.id}"
    )
    return created


@definitions_router.get(
    "/{definition_id}",
    response_model=DropdownDefinitionRead,
    responses=DROPDOWN_NOT_FOUND,
)
async def get_dropdown(
    _: CaseReader, dropdowns: Dropdowns, definition_id: uuid.UUID
) -> DropdownDefinitionRead:
    """One dropdown with its options."""
    definition = await dropdowns.get_definition(definition_id)
    return await dropdowns.read_definition(definition)


@definitions_router.patch(
    "/{definition_id}",
    response_model=DropdownDefinitionRead,
    responses={**DROPDOWN_NOT_FOUND, **DEFINITION_INVALID},
)
async def update_dropdown(
    _: CaseUpdater,
    dropdowns: Dropdowns,
    definition_id: uuid.UUID,
    params: DropdownDefinitionUpdate,
) -> DropdownDefinitionRead:
    """Change a dropdown; a new name without a ref regenerates the ref."""
    return await dropdowns.update_definition(definition_id, params)


@definitions_router.delete(
    "/{definition_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    response_class=Response,
    responses=DROPDOWN_NOT_FOUND,
)
async def delete_dropdown(
    _: CaseDeleter, dropdowns: Dropdowns, definition_id: uuid.UUID
) -> None:
    """Delete a dropdown, its options and every case's choice in it."""
    await dropdowns.delete_definition(definition_id)


@definitions_router.post(
    "/{definition_id}/options",
    status_code=status.HTTP_201_CREATED,
    response_model=DropdownOptionRead,
    responses={**DROPDOWN_NOT_FOUND, **DEFINITION_INVALID},
)
async def create_dropdown_option(
    _: CaseCreator,
    dropdowns: Dropdowns,
    definition_id: uuid.UUID,
    params: DropdownOptionCreate,
) -> DropdownOptionRead:
    """Add an option to a dropdown."""
    option = await dropdowns.create_option(definition_id, params)
    return DropdownOptionRead.model_validate(option)


# Declared before `/{option_id}` routes for readability; the methods differ,
# so `reorder` is never taken for an option id.
@definitions_router.put(
    "/{definition_id}/options/reorder",
    status_code=status.HTTP_204_NO_CONTENT,
    response_class=Response,
    responses=DROPDOWN_NOT_FOUND,
)
async def reorder_dropdown_options(
    _: CaseUpdater,
    dropdowns: Dropdowns,
    definition_id: uuid.UUID,
    option_ids: Annotated[list[uuid.UUID], Body(max_length=MAX_OPTIONS)],
) -> None:
    """Set each listed option's position to its index; unknown ids are ignored."""
    await dropdowns.reorder_options(definition_id, option_ids)


@definitions_router.patch(
    "/{definition_id}/options/{option_id}",
    response_model=DropdownOptionRead,
    responses={**OPTION_NOT_FOUND, **DEFINITION_INVALID},
)
async def update_dropdown_option(
    _: CaseUpdater,
    dropdowns: Dropdowns,
    definition_id: uuid.UUID,
    option_id: uuid.UUID,
    params: DropdownOptionUpdate,
) -> DropdownOptionRead:
    """Change an option of a dropdown."""
    option = await dropdowns.update_option(definition_id, option_id, params)
    return DropdownOptionRead.model_validate(option)


@definitions_router.delete(
    "/{definition_id}/options/{option_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    response_class=Response,
    responses=OPTION_NOT_FOUND,
)
async def delete_dropdown_option(
    _: CaseDeleter,
    dropdowns: Dropdowns,
    definition_id: uuid.UUID,
    option_id: uuid.UUID,
) -> None:
    """Delete an option; cases that had it chosen are left cleared."""
    await dropdowns.delete_option(definition_id, option_id)


@case_dropdowns_router.get(
    "", response_model=list[CaseDropdownValueRead], responses=CASE_NOT_FOUND
)
async def list_case_dropdown_values(
    _: CaseReader, dropdowns: Dropdowns, case_id: uuid.UUID
) -> list[CaseDropdownValueRead]:
    """A case's choices; a cleared choice has null option keys."""
    return await dropdowns.values_of_case(case_id)


@case_dropdowns_router.put(
    "/{definition_id}",
    response_model=CaseDropdownValueRead,
    responses=CASE_DROPDOWN_OR_OPTION_NOT_FOUND,
)
async def set_case_dropdown_value(
    _: CaseUpdater,
    dropdowns: Dropdowns,
    case_id: uuid.UUID,
    definition_id: uuid.UUID,
    params: CaseDropdownValueSet,
) -> CaseDropdownValueRead:
    """Choose an option for a case, or clear it with null.

    Always records `dropdown_value_changed`, even when nothing changes.
    """
    return await dropdowns.set_value(case_id, definition_id, params.option_id)
