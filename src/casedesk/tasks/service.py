"""Task rules: tasks of a case, their events, and the case's task counters."""

import uuid
from collections.abc import Iterable
from typing import Any

from sqlalchemy import Select, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm.attributes import flag_modified

from casedesk.auth.principal import Actor
from casedesk.auth.schemas import UserRead
from casedesk.cases.enums import CaseTaskStatus
from casedesk.cases.lookup import CaseLock, case_in_workspace
from casedesk.cases.service import check_assignable, same_json
from casedesk.events.enums import CaseEventType
from casedesk.events.service import CaseEventService
from casedesk.kit.workflow_ids import encode_workflow_id
from casedesk.models import Case, CaseTask, User
from casedesk.models.base import utcnow
from casedesk.tasks.errors import (
    TaskCaseNotFound,
    TaskNotFound,
    TriggerValuesWithoutWorkflow,
)
from casedesk.tasks.schemas import CaseTaskCreate, CaseTaskRead, CaseTaskUpdate


class TaskService:
    """Creates, lists, changes and deletes the tasks of one workspace's cases.

    Every write locks the case row before the task row, the order in which
    deleting a case locks them, and keeps the case's task counters exact in
    the same transaction.
    """

    def __init__(
        self, session: AsyncSession, *, workspace_id: uuid.UUID, actor: Actor
    ) -> None:
        self.session = session
        self.workspace_id = workspace_id
        self.actor = actor
        self.events = CaseEventService(session)

    async def list_for_case(self, case_id: uuid.UUID) -> list[CaseTask]:
        """The tasks of a case, most urgent first, then oldest first."""
        await self._check_case(case_id)
        found = await self.session.scalars(
            select(CaseTask)
            .where(
                CaseTask.case_id == case_id,
                CaseTask.workspace_id == self.workspace_id,
            )
            # Priority codes follow the enum order, with `other` (99) highest.
            .order_by(CaseTask.priority.desc(), CaseTask.created_at, CaseTask.id)
        )
        return list(found)

    async def create(self, case_id: uuid.UUID, params: CaseTaskCreate) -> CaseTask:
        """Add a task to a case, count it, and record `task_created`."""
        await self._check_case(case_id, lock=True)
        if params.assignee_id is not None:
            await self._check_assignee(params.assignee_id)

        now = utcnow()
        task = CaseTask(
            id=uuid.uuid4(),
            case_id=case_id,
            workspace_id=self.workspace_id,
            title=params.title,
            description=params.description,
            priority=params.priority,
            status=params.status,
            assignee_id=params.assignee_id,
            workflow_id=params.workflow_id,
            default_trigger_values=params.default_trigger_values,
            created_at=now,
            updated_at=now,
        )
        self.session.add(task)
        await self._touch_case(
            case_id, total=1, completed=_completed_count(task.status)
        )

        self._record(task, CaseEventType.TASK_CREATED)
        await self.session.flush()
        return task

    async def update(
        self, case_id: uuid.UUID, task_id: uuid.UUID, params: CaseTaskUpdate
    ) -> CaseTask:
        """Apply the keys present in `params`, recording one event per change."""
        await self._check_case(case_id, lock=True)
        task = await self.session.scalar(
            self._task_query(case_id, task_id).with_for_update()
        )
        if task is None:
            raise TaskNotFound()

        given = params.model_fields_set
        if params.assignee_id is not None and params.assignee_id != task.assignee_id:
            await self._check_assignee(params.assignee_id)

        workflow_id = task.workflow_id
        trigger_values = task.default_trigger_values
        if "workflow_id" in given:
            workflow_id = params.workflow_id
            # Trigger values are inputs of the workflow; they leave with it.
            if workflow_id is None:
                trigger_values = None
        if "default_trigger_values" in given:
            trigger_values = params.default_trigger_values
        if trigger_values is not None and workflow_id is None:
            raise TriggerValuesWithoutWorkflow()

        # The title is changed first, so that events name the task as it is now.
        changed = False
        if params.title is not None and params.title != task.title:
            task.title = params.title
            changed = True

        if params.description is not None and params.description != task.description:
            task.description = params.description
            changed = True

        completed_before = _completed_count(task.status)
        if params.status is not None and params.status != task.status:
            self._record(
                task,
                CaseEventType.TASK_STATUS_CHANGED,
                old=task.status.value,
                new=params.status.value,
            )
            task.status = params.status
            changed = True

        if params.priority is not None and params.priority != task.priority:
            self._record(
                task,
                CaseEventType.TASK_PRIORITY_CHANGED,
                old=task.priority.value,
                new=params.priority.value,
            )
            task.priority = params.priority
            changed = True

        if params.assignee_id is not None and params.assignee_id != task.assignee_id:
            self._record(
                task,
                CaseEventType.TASK_ASSIGNEE_CHANGED,
                old=_str_or_none(task.assignee_id),
                new=str(params.assignee_id),
            )
            task.assignee_id = params.assignee_id
            changed = True

        if workflow_id != task.workflow_id:
            self._record(
                task,
                CaseEventType.TASK_WORKFLOW_CHANGED,
                old=_str_or_none(task.workflow_id),
                new=_str_or_none(workflow_id),
            )
            task.workflow_id = workflow_id
            changed = True

        if not same_json(trigger_values, task.default_trigger_values):
            task.default_trigger_values = trigger_values
            # The ORM compares JSON with ==, where 1 equals true: without the
            # flag, swapping one for the other would never be written.
            flag_modified(task, "default_trigger_values")
            changed = True

        if changed:
            task.updated_at = utcnow()
            await self._touch_case(
                case_id, completed=_completed_count(task.status) - completed_before
            )
        await self.session.flush()
        return task

    async def delete(self, case_id: uuid.UUID, task_id: uuid.UUID) -> None:
        """Remove a task, uncount it, and record `task_deleted`."""
        await self._check_case(case_id, lock=True)
        task = await self.session.scalar(
            self._task_query(case_id, task_id).with_for_update()
        )
        if task is None:
            raise TaskNotFound()

        await self.session.delete(task)
        await self._touch_case(
            case_id, total=-1, completed=-_completed_count(task.status)
        )

        self._record(task, CaseEventType.TASK_DELETED)
        await self.session.flush()

    async def read(self, task: CaseTask) -> CaseTaskRead:
        """The representation of one task."""
        return (await self.read_many([task]))[0]

    async def read_many(self, tasks: Iterable[CaseTask]) -> list[CaseTaskRead]:
        """The representations of tasks, their assignees loaded in one query."""
        tasks = list(tasks)
        assignee_ids = {
            task.assignee_id for task in tasks if task.assignee_id is not None
        }
        users: dict[uuid.UUID | None, User] = {}
        if assignee_ids:
            found = await self.session.scalars(
                select(User).where(User.id.in_(assignee_ids))
            )
            users = {user.id: user for user in found}

        return [_task_read(task, users.get(task.assignee_id)) for task in tasks]

    def _task_query(
        self, case_id: uuid.UUID, task_id: uuid.UUID
    ) -> Select[tuple[CaseTask]]:
        return select(CaseTask).where(
            CaseTask.id == task_id,
            CaseTask.case_id == case_id,
            CaseTask.workspace_id == self.workspace_id,
        )

    async def _check_case(self, case_id: uuid.UUID, *, lock: bool = False) -> None:
        # Locked, task writes on one case queue here.
        mode = CaseLock.SUB_RECORDS if lock else CaseLock.NONE
        if not await case_in_workspace(
            self.session, self.workspace_id, case_id, lock=mode
        ):
            raise TaskCaseNotFound()

    async def _touch_case(
        self, case_id: uuid.UUID, *, total: int = 0, completed: int = 0
    ) -> None:
        # Relative updates, so that no writer overwrites another's count even
        # where the row lock is not taken (SQLite has no FOR UPDATE).
        await self.session.execute(
            update(Case)
            .where(Case.id == case_id, Case.workspace_id == self.workspace_id)
            .values(
                num_tasks_total=Case.num_tasks_total + total,
                num_tasks_completed=Case.num_tasks_completed + completed,
                updated_at=utcnow(),
            )
            .execution_options(synchronize_session=False)
        )

    async def _check_assignee(self, user_id: uuid.UUID) -> None:
        await check_assignable(self.session, self.workspace_id, user_id)

    def _record(self, task: CaseTask, event_type: CaseEventType, **data: Any) -> None:
        self.events.record(
            case_id=task.case_id,
            workspace_id=self.workspace_id,
            actor=self.actor,
            event_type=event_type,
            task_id=str(task.id),
            title=task.title,
            **data,
        )


def _task_read(task: CaseTask, assignee: User | None) -> CaseTaskRead:
    return CaseTaskRead(
        id=task.id,
        created_at=task.created_at,
        updated_at=task.updated_at,
        case_id=task.case_id,
        title=task.title,
        description=task.description,
        priority=task.priority,
        status=task.status,
        assignee=UserRead.of(assignee) if assignee is not None else None,
        workflow_id=(
            None if task.workflow_id is None else encode_workflow_id(task.workflow_id)
        ),
        default_trigger_values=task.default_trigger_values,
    )


def _completed_count(status: CaseTaskStatus) -> int:
    return 1 if status == CaseTaskStatus.COMPLETED else 0


def _str_or_none(value: uuid.UUID | None) -> str | None:
    return None if value is None else str(value)
