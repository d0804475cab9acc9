"""The case page's task forms: add a task, change its status, delete it."""

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Path
from fastapi.responses import Response
from starlette.datastructures import FormData

from casedesk.web.api import INPUT_REFUSALS, ApiError
from casedesk.web.context import CheckedForm, WorkspacePage
from casedesk.web.pages.case import back_to_case, render_case_page

router = APIRouter(prefix="/ui/w/{workspace_id}", include_in_schema=False)

# Refusals shown next to the input; any other status becomes an error page.
BLANK_TITLE = "Give the task a title."
# The add-task form's inputs, by the API body field they fill.
NEW_TASK_INPUTS = {
    "title": "task-title",
    "description": "task-description",
    "priority": "task-priority",
    "assignee_id": "task-assignee",
}
NEW_TASK_FORM_ERROR = "task-form"


@router.post("/cases/{case_id}/tasks")
async def add_task(
    page: WorkspacePage,
    form: CheckedForm,
    workspace_id: Annotated[uuid.UUID, Path()],
    case_id: uuid.UUID,
) -> Response:
    """Add a task to the case."""
    values = {name: _text(form, name) for name in NEW_TASK_INPUTS.values()}
    title = values["task-title"].strip()
    if not title:
        return await render_case_page(
            page,
            case_id,
            errors={"task-title": BLANK_TITLE},
            values=values,
            status_code=422,
        )

    body: dict[str, Any] = {"title": title}
    if description := values["task-description"].strip():
        body["description"] = description
    if priority := values["task-priority"]:
        body["priority"] = priority
    if assignee := values["task-assignee"]:
        body["assignee_id"] = assignee
    try:
        await page.api.post(page.api_path(f"/cases/{case_id}/tasks"), json=body)
    except ApiError as error:
        if error.status_code not in INPUT_REFUSALS:
            raise
        return await render_case_page(
            page,
            case_id,
            errors=_new_task_errors(error),
            values=values,
            status_code=error.status_code,
        )

    return back_to_case(page, case_id, "tasks")


@router.post("/cases/{case_id}/tasks/{task_id}/update")
async def update_task(
    page: WorkspacePage,
    form: CheckedForm,
    workspace_id: Annotated[uuid.UUID, Path()],
    case_id: uuid.UUID,
    task_id: uuid.UUID,
) -> Response:
    """Change a task's status."""
    input_name = f"task-status-{task_id}"
    status = _text(form, "status")
    try:
        await page.api.patch(
            page.api_path(f"/cases/{case_id}/tasks/{task_id}"),
            json={"status": status},
        )
    except ApiError as error:
        if error.status_code not in INPUT_REFUSALS:
            raise
        message = error.field_errors().get("status") or error.message
        return await render_case_page(
            page,
            case_id,
            errors={input_name: message},
            values={input_name: status},
            status_code=error.status_code,
        )

    return back_to_case(page, case_id, "tasks")


@router.post("/cases/{case_id}/tasks/{task_id}/delete")
async def delete_task(
    page: WorkspacePage,
    form: CheckedForm,
    workspace_id: Annotated[uuid.UUID, Path()],
    case_id: uuid.UUID,
    task_id: uuid.UUID,
) -> Response:
    """Delete a task of the case."""
    await page.api.delete(page.api_path(f"/cases/{case_id}/tasks/{task_id}"))
    return back_to_case(page, case_id, "tasks")


def _new_task_errors(error: ApiError) -> dict[str, str]:
    """The API's refusal placed next to the input it is about."""
    errors: dict[str, str] = {}
    for field, message in error.field_errors().items():
        input_name = NEW_TASK_INPUTS.get(field.split(".")[0], NEW_TASK_FORM_ERROR)
        errors.setdefault(input_name, message)
    return errors or {NEW_TASK_FORM_ERROR: error.message}


def _text(form: FormData, name: str) -> str:
    value = form.get(name)
    return value if isinstance(value, str) else ""
