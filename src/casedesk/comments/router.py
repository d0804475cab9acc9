"""HTTP routes for comments."""

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Response, status

from casedesk.comments.schemas import (
    CaseCommentCreate,
    CaseCommentRead,
    CaseCommentThreadRead,
    CaseCommentUpdate,
)
from casedesk.comments.service import CommentService
from casedesk.db.session import DbSession
from casedesk.kit.responses import CASE_NOT_FOUND, WORKSPACE_ERRORS
from casedesk.kit.schemas import ErrorDetail
from casedesk.workspaces.deps import CaseReader, CaseUpdater, CurrentWorkspace

CREATE_ERRORS: dict[int | str, dict[str, object]] = {
    **CASE_NOT_FOUND,
    400: {
        "model": ErrorDetail,
        "description": "The parent cannot take a reply, the workflow is unknown, "
        "or path and query `workspace_id` disagree.",
    },
}
EDIT_ERRORS: dict[int | str, dict[str, object]] = {
    400: {
        "model": ErrorDetail,
        "description": "A deleted comment, a `parent_id` key, null content, or "
        "path and query `workspace_id` disagree.",
    },
    403: {
        "description": "The role lacks `case:update` (`insufficient_scope` body), "
        "or the caller is not the comment's author (`detail` body).",
    },
    404: {"model": ErrorDetail, "description": "No such case, or no such comment."},
}
DELETE_ERRORS: dict[int | str, dict[str, object]] = {
    400: WORKSPACE_ERRORS[400],
    403: EDIT_ERRORS[403],
    404: EDIT_ERRORS[404],
}


def get_comment_service(
    session: DbSession, context: CurrentWorkspace
) -> CommentService:
    """A comment service acting in the request's workspace as its caller."""
    return CommentService(
        session, workspace_id=context.workspace_id, actor=context.actor
    )


Comments = Annotated[CommentService, Depends(get_comment_service)]

router = APIRouter(
    prefix="/cases/{case_id}/comments", tags=["comments"], responses=WORKSPACE_ERRORS
)


@router.get("", response_model=list[CaseCommentRead], responses=CASE_NOT_FOUND)
async def list_comments(
    _: CaseReader, comments: Comments, case_id: uuid.UUID
) -> list[CaseCommentRead]:
    """Every comment and reply of a case, oldest first."""
    return await comments.list_flat(case_id)


@router.get(
    "/threads", response_model=list[CaseCommentThreadRead], responses=CASE_NOT_FOUND
)
async def list_comment_threads(
    _: CaseReader, comments: Comments, case_id: uuid.UUID
) -> list[CaseCommentThreadRead]:
    """The top-level comments of a case, oldest first, each with its replies."""
    return await comments.list_threads(case_id)


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    response_model=CaseCommentRead,
    responses=CREATE_ERRORS,
)
async def create_comment(
    context: CaseUpdater,
    comments: Comments,
    case_id: uuid.UUID,
    params: CaseCommentCreate,
    response: Response,
) -> CaseCommentRead:
    """Comment on a case, or reply to a top-level comment with `parent_id`."""
    comment = await comments.create(case_id, params)
    response.headers["Location"] = (
        f"/workspaces/{context.workspace_id}/cases/{case_id}/comments/{comment.id}"
    )
    [created] = await comments.render([comment])
    return created


@router.patch(
    "/{comment_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    response_class=Response,
    responses=EDIT_ERRORS,
)
async def update_comment(
    _: CaseUpdater,
    comments: Comments,
    case_id: uuid.UUID,
    comment_id: uuid.UUID,
    params: CaseCommentUpdate,
) -> None:
    """Edit the caller's own comment; without `content` nothing changes."""
    await comments.update(case_id, comment_id, params)


@router.delete(
    "/{comment_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    response_class=Response,
    responses=DELETE_ERRORS,
)
async def delete_comment(
    _: CaseUpdater, comments: Comments, case_id: uuid.UUID, comment_id: uuid.UUID
) -> None:
    """Delete the caller's own comment; one with replies stays as a tombstone."""
    await comments.delete(case_id, comment_id)
