"""HTTP routes for tag definitions and the tags on a case."""

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Response, status

from casedesk.db.session import DbSession
from casedesk.kit.responses import WORKSPACE_ERRORS
from casedesk.kit.schemas import ErrorDetail
from casedesk.tags.schemas import CaseTagAdd, CaseTagCreate, CaseTagRead, CaseTagUpdate
from casedesk.tags.service import TagService
from casedesk.workspaces.deps import (
    CaseCreator,
    CaseDeleter,
    CaseReader,
    CaseUpdater,
    CurrentWorkspace,
)

TAG_NOT_FOUND: dict[int | str, dict[str, object]] = {
    404: {"model": ErrorDetail, "description": "No such tag in this workspace."},
}
SLUG_TAKEN: dict[int | str, dict[str, object]] = {
    400: {"model": ErrorDetail, "description": "Another tag has the same slug."},
}
CASE_OR_TAG_NOT_FOUND: dict[int | str, dict[str, object]] = {
    404: {"model": ErrorDetail, "description": "No such case, or no such tag."},
}


def get_tag_service(session: DbSession, context: CurrentWorkspace) -> TagService:
    """A tag service acting in the request's workspace as its caller."""
    return TagService(session, workspace_id=context.workspace_id, actor=context.actor)


Tags = Annotated[TagService, Depends(get_tag_service)]

definitions_router = APIRouter(
    prefix="/case-tags", tags=["tags"], responses=WORKSPACE_ERRORS
)
case_tags_router = APIRouter(
    prefix="/cases/{case_id}/tags", tags=["tags"], responses=WORKSPACE_ERRORS
)


@definitions_router.get("", response_model=list[CaseTagRead])
async def list_tags(_: CaseReader, tags: Tags) -> list[CaseTagRead]:
    """Every tag defined in the workspace."""
    return [CaseTagRead.model_validate(tag) for tag in await tags.list_all()]


@definitions_router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    response_model=CaseTagRead,
    responses=SLUG_TAKEN,
)
async def create_tag(
    context: CaseCreator, tags: Tags, params: CaseTagCreate, response: Response
) -> CaseTagRead:
    """Define a tag; its ref is the slug of its name."""
    tag = await tags.create(params)
    response.headers["Location"] = (
        f"/workspaces/{context.workspace_id}/case-tags/{tag.id}"
    )
    return CaseTagRead.model_validate(tag)


@definitions_router.get(
    "/{tag_id}", response_model=CaseTagRead, responses=TAG_NOT_FOUND
)
async def get_tag(_: CaseReader, tags: Tags, tag_id: uuid.UUID) -> CaseTagRead:
    """One tag definition."""
    return CaseTagRead.model_validate(await tags.get(tag_id))


@definitions_router.patch(
    "/{tag_id}",
    response_model=CaseTagRead,
    responses={**TAG_NOT_FOUND, **SLUG_TAKEN},
)
async def update_tag(
    _: CaseUpdater, tags: Tags, tag_id: uuid.UUID, params: CaseTagUpdate
) -> CaseTagRead:
    """Rename or recolour a tag; renaming regenerates its ref."""
    tag = await tags.get(tag_id)
    return CaseTagRead.model_validate(await tags.update(tag, params))


@definitions_router.delete(
    "/{tag_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    response_class=Response,
    responses=TAG_NOT_FOUND,
)
async def delete_tag(_: CaseDeleter, tags: Tags, tag_id: uuid.UUID) -> None:
    """Delete a tag and detach it from every case."""
    await tags.delete(tag_id)


@case_tags_router.get("", response_model=list[CaseTagRead])
async def list_case_tags(
    _: CaseReader, tags: Tags, case_id: uuid.UUID
) -> list[CaseTagRead]:
    """The tags on a case; none for an unknown case."""
    found = await tags.tags_of_case(case_id)
    return [CaseTagRead.model_validate(tag) for tag in found]


@case_tags_router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    response_model=CaseTagRead,
    responses=CASE_OR_TAG_NOT_FOUND,
)
async def add_case_tag(
    _: CaseUpdater, tags: Tags, case_id: uuid.UUID, params: CaseTagAdd
) -> CaseTagRead:
    """Attach a tag, named by id, ref or name; attaching twice changes nothing."""
    return CaseTagRead.model_validate(await tags.attach(case_id, params.tag_id))


@case_tags_router.delete(
    "/{tag_identifier}",
    status_code=status.HTTP_204_NO_CONTENT,
    response_class=Response,
    responses=CASE_OR_TAG_NOT_FOUND,
)
async def remove_case_tag(
    _: CaseUpdater,
    tags: Tags,
    case_id: uuid.UUID,
    tag_identifier: Annotated[str, Path(max_length=100)],
) -> None:
    """Detach a tag, named by id or ref, from a case."""
    await tags.detach(case_id, tag_identifier)
