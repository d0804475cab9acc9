"""HTTP routes for custom field definitions."""

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Response, status

from casedesk.db.session import DbSession
from casedesk.fields.schemas import (
    CaseFieldCreate,
    CaseFieldReadMinimal,
    CaseFieldUpdate,
)
from casedesk.fields.service import CaseFieldService
from casedesk.kit.responses import WORKSPACE_ERRORS
from casedesk.kit.schemas import ErrorDetail
from casedesk.workspaces.deps import (
    CaseCreator,
    CaseDeleter,
    CaseReader,
    CaseUpdater,
    CurrentWorkspace,
)

FIELD_NOT_FOUND: dict[int | str, dict[str, object]] = {
    404: {"model": ErrorDetail, "description": "No such field in this workspace."},
}
NAME_TAKEN: dict[int | str, dict[str, object]] = {
    409: {"model": ErrorDetail, "description": "Another field has the name."},
}
BAD_DEFINITION: dict[int | str, dict[str, object]] = {
    400: {
        "model": ErrorDetail,
        "description": "An internal or reserved name, a malformed field id, a "
        "default of the wrong type, or a stored value the new type cannot hold.",
    },
    422: {"description": "Invalid body: options, kind or default do not fit."},
}

FieldId = Annotated[str, Path(description="The field's name.")]


def get_field_service(
    session: DbSession, context: CurrentWorkspace
) -> CaseFieldService:
    """A field service acting in the request's workspace as its caller."""
    return CaseFieldService(
        session, workspace_id=context.workspace_id, actor=context.actor
    )


Fields = Annotated[CaseFieldService, Depends(get_field_service)]

router = APIRouter(prefix="/case-fields", tags=["fields"], responses=WORKSPACE_ERRORS)


@router.get("", response_model=list[CaseFieldReadMinimal])
async def list_case_fields(_: CaseReader, fields: Fields) -> list[CaseFieldReadMinimal]:
    """The reserved fields, then the workspace's custom fields as created."""
    return await fields.list_all()


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    response_model=CaseFieldReadMinimal,
    responses={**BAD_DEFINITION, **NAME_TAKEN},
)
async def create_case_field(
    context: CaseCreator, fields: Fields, params: CaseFieldCreate, response: Response
) -> CaseFieldReadMinimal:
    """Define a custom field; answers it with its `Location`."""
    created = await fields.create(params)
    response.headers["Location"] = (
        f"/workspaces/{context.workspace_id}/case-fields/{created.id}"
    )
    return created


@router.patch(
    "/{field_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    response_class=Response,
    responses={**BAD_DEFINITION, **FIELD_NOT_FOUND, **NAME_TAKEN},
)
async def update_case_field(
    _: CaseUpdater, fields: Fields, field_id: FieldId, params: CaseFieldUpdate
) -> None:
    """Rename, retype or redefine a field; keys left out keep their value."""
    await fields.update(field_id, params)


@router.delete(
    "/{field_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    response_class=Response,
    responses={
        400: {"model": ErrorDetail, "description": "A reserved or malformed id."},
        **FIELD_NOT_FOUND,
    },
)
async def delete_case_field(_: CaseDeleter, fields: Fields, field_id: FieldId) -> None:
    """Delete a field and every case's value of it."""
    await fields.delete(field_id)
