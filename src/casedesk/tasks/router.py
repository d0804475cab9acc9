"""HTTP routes for tasks."""

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Response, status

from casedesk.db.session import DbSession
from casedesk.kit.responses import CASE_NOT_FOUND, WORKSPACE_ERRORS
from casedesk.kit.schemas import ErrorDetail
from casedesk.tasks.schemas import CaseTaskCreate, CaseTaskRead, CaseTaskUpdate
from casedesk.tasks.service import TaskService
from casedesk.workspaces.deps import (
    CaseCreator,
    CaseDeleter,
    CaseReader,
    CaseUpdater,
    CurrentWorkspace,
)

TASK_NOT_FOUND: dict[int | str, dict[str, object]] = {
    404: {"model": ErrorDetail, "description": "No such case, or no such task on it."},
}
BAD_ASSIGNEE: dict[int | str, dict[str, object]] = {
    422: {
        "description": "Invalid body, an assignee outside the workspace or "
        "deactivated, or trigger values without a workflow.",
    },
}


def get_task_service(session: DbSession, context: CurrentWorkspace) -> TaskService:
    """A task service acting in the request's workspace as its caller."""
    return TaskService(session, workspace_id=context.workspace_id, actor=context.actor)


Tasks = Annotated[TaskService, Depends(get_task_service)]

router = APIRouter(
    prefix="/cases/{case_id}/tasks", tags=["tasks"], responses=WORKSPACE_ERRORS
)


@router.get("", response_model=list[CaseTaskRead], responses=CASE_NOT_FOUND)
async def list_tasks(
    _: CaseReader, tasks: Tasks, case_id: uuid.UUID
) -> list[CaseTaskRead]:
    """The tasks of a case, most urgent first (`other` leads), then oldest first."""
    return await tasks.read_many(await tasks.list_for_case(case_id))


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    response_model=CaseTaskRead,
    responses={**CASE_NOT_FOUND, **BAD_ASSIGNEE},
)
async def create_task(
    _: CaseCreator, tasks: Tasks, case_id: uuid.UUID, params: CaseTaskCreate
) -> CaseTaskRead:
    """Add a task to a case; records `task_created`."""
    return await tasks.read(await tasks.create(case_id, params))


@router.patch(
    "/{task_id}",
    response_model=CaseTaskRead,
    responses={**TASK_NOT_FOUND, **BAD_ASSIGNEE},
)
async def update_task(
    _: CaseUpdater,
    tasks: Tasks,
    case_id: uuid.UUID,
    task_id: uuid.UUID,
    params: CaseTaskUpdate,
) -> CaseTaskRead:
    """Change a task; status, priority, assignee and workflow changes are events."""
    return await tasks.read(await tasks.update(case_id, task_id, params))


@router.delete(
    "/{task_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    response_class=Response,
    responses=TASK_NOT_FOUND,
)
async def delete_task(
    _: CaseDeleter, tasks: Tasks, case_id: uuid.UUID, task_id: uuid.UUID
) -> None:
    """Delete a task of a case; records `task_deleted`."""
    await tasks.delete(case_id, task_id)
