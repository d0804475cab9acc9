"""The case page's comment forms: comment, reply, edit and delete one's own."""

import uuid
from typing import Annotated

from fastapi import APIRouter, Path
from fastapi.responses import Response
from starlette.datastructures import FormData

from casedesk.web.api import INPUT_REFUSALS, ApiError
from casedesk.web.context import CheckedForm, Page, WorkspacePage
from casedesk.web.pages.case import back_to_case, render_case_page

router = APIRouter(prefix="/ui/w/{workspace_id}", include_in_schema=False)

# Refusals shown next to the input; any other status becomes an error page.
# Where a refusal not about any one textarea is shown.
SECTION_ERROR = "comments"
BLANK_COMMENT = "Write something before posting."
BLANK_EDIT = "A comment cannot be empty; delete it instead."


@router.post("/cases/{case_id}/comments")
async def add_comment(
    page: WorkspacePage,
    form: CheckedForm,
    workspace_id: Annotated[uuid.UUID, Path()],
    case_id: uuid.UUID,
) -> Response:
    """Post a new top-level comment on the case."""
    return await _post_comment(page, case_id, _text(form, "comment"), "comment")


@router.post("/cases/{case_id}/comments/{comment_id}/replies")
async def reply_to_comment(
    page: WorkspacePage,
    form: CheckedForm,
    workspace_id: Annotated[uuid.UUID, Path()],
    case_id: uuid.UUID,
    comment_id: uuid.UUID,
) -> Response:
    """Reply to a top-level comment of the case."""
    input_name = f"reply-{comment_id}"
    return await _post_comment(
        page, case_id, _text(form, input_name), input_name, parent_id=comment_id
    )


@router.post("/cases/{case_id}/comments/{comment_id}/edit")
async def edit_comment(
    page: WorkspacePage,
    form: CheckedForm,
    workspace_id: Annotated[uuid.UUID, Path()],
    case_id: uuid.UUID,
    comment_id: uuid.UUID,
) -> Response:
    """Change the text of one of the visitor's own comments."""
    input_name = f"edit-{comment_id}"
    content = _text(form, input_name)
    if not content.strip():
        return await _refuse(page, case_id, input_name, BLANK_EDIT, content, 422)

    try:
        await page.api.patch(
            page.api_path(f"/cases/{case_id}/comments/{comment_id}"),
            json={"content": content},
        )
    except ApiError as error:
        if error.status_code not in INPUT_REFUSALS:
            raise
        return await _refuse_thread_change(page, case_id, input_name, content, error)

    return back_to_case(page, case_id, "comments")


@router.post("/cases/{case_id}/comments/{comment_id}/delete")
async def delete_comment(
    page: WorkspacePage,
    form: CheckedForm,
    workspace_id: Annotated[uuid.UUID, Path()],
    case_id: uuid.UUID,
    comment_id: uuid.UUID,
) -> Response:
    """Delete one of the visitor's own comments (a tombstone if it has replies)."""
    await page.api.delete(page.api_path(f"/cases/{case_id}/comments/{comment_id}"))
    return back_to_case(page, case_id, "comments")


async def _post_comment(
    page: Page,
    case_id: uuid.UUID,
    content: str,
    input_name: str,
    *,
    parent_id: uuid.UUID | None = None,
) -> Response:
    if not content.strip():
        return await _refuse(page, case_id, input_name, BLANK_COMMENT, content, 422)

    body: dict[str, str] = {"content": content}
    if parent_id is not None:
        body["parent_id"] = str(parent_id)
    try:
        await page.api.post(page.api_path(f"/cases/{case_id}/comments"), json=body)
    except ApiError as error:
        if error.status_code not in INPUT_REFUSALS:
            raise
        if parent_id is not None:
            return await _refuse_thread_change(
                page, case_id, input_name, content, error
            )
        return await _refuse(
            page, case_id, input_name, _message_of(error), content, error.status_code
        )

    return back_to_case(page, case_id, "comments")


async def _refuse_thread_change(
    page: Page, case_id: uuid.UUID, input_name: str, content: str, error: ApiError
) -> Response:
    # A 422 is about the text, shown at its textarea. Anything else is about
    # the comment replied to or edited (deleted, itself a reply), whose form
    # the page no longer shows: the message goes at the top of the section.
    if error.status_code == 422:
        return await _refuse(
            page, case_id, input_name, _message_of(error), content, 422
        )
    return await render_case_page(
        page,
        case_id,
        errors={SECTION_ERROR: error.message},
        status_code=error.status_code,
    )


async def _refuse(
    page: Page,
    case_id: uuid.UUID,
    input_name: str,
    message: str,
    content: str,
    status_code: int,
) -> Response:
    return await render_case_page(
        page,
        case_id,
        errors={input_name: message},
        values={input_name: content},
        status_code=status_code,
    )


def _text(form: FormData, name: str) -> str:
    value = form.get(name)
    return value if isinstance(value, str) else ""


def _message_of(error: ApiError) -> str:
    # A 422 names the body field; the form has one text input, so its
    # message is the content's.
    return error.field_errors().get("content") or error.message
