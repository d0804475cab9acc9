"""Task request and response shapes."""

import uuid
from datetime import datetime
from typing import Annotated, Any, Self

from pydantic import Field, model_validator

from casedesk.auth.schemas import UserRead
from casedesk.cases.enums import PRIORITY_DESCRIPTION, CasePriority, CaseTaskStatus
from casedesk.kit.schemas import CHECK_TEXT, InputSchema, JsonObject, Schema
from casedesk.kit.workflow_ids import WorkflowIdInput
from casedesk.models.task import TASK_DESCRIPTION_MAX_LENGTH, TASK_TITLE_MAX_LENGTH

TaskTitle = Annotated[
    str, Field(min_length=1, max_length=TASK_TITLE_MAX_LENGTH), CHECK_TEXT
]
TaskDescription = Annotated[
    str, Field(max_length=TASK_DESCRIPTION_MAX_LENGTH), CHECK_TEXT
]

STATUS_DESCRIPTION = "Where the task stands: todo, in_progress, completed, blocked."
WORKFLOW_DESCRIPTION = (
    "The workflow the task runs, by id: `wf_` and 22 base62 characters, a UUID, "
    "or `wf-` and 32 hex digits. casedesk stores the reference only."
)
TRIGGER_VALUES_DESCRIPTION = "Inputs to start the workflow with; needs `workflow_id`."


class CaseTaskCreate(InputSchema):
    """A new task of a case."""

    title: TaskTitle
    description: TaskDescription | None = None
    priority: CasePriority = Field(
        default=CasePriority.UNKNOWN, description=PRIORITY_DESCRIPTION
    )
    status: CaseTaskStatus = Field(
        default=CaseTaskStatus.TODO, description=STATUS_DESCRIPTION
    )
    assignee_id: uuid.UUID | None = None
    workflow_id: WorkflowIdInput | None = Field(
        default=None, description=WORKFLOW_DESCRIPTION
    )
    default_trigger_values: JsonObject | None = Field(
        default=None, description=TRIGGER_VALUES_DESCRIPTION
    )

    @model_validator(mode="after")
    def _trigger_values_need_a_workflow(self) -> Self:
        if self.default_trigger_values is not None and self.workflow_id is None:
            raise ValueError("default_trigger_values requires workflow_id")
        return self


class CaseTaskUpdate(InputSchema):
    """Changes to a task; keys left out keep their value.

    `title`, `description`, `priority`, `status` and `assignee_id` set to null
    are ignored; `workflow_id: null` detaches the workflow (and its trigger
    values); `default_trigger_values: null` clears them.
    """

    title: TaskTitle | None = None
    description: TaskDescription | None = None
    priority: CasePriority | None = Field(
        default=None, description=PRIORITY_DESCRIPTION
    )
    status: CaseTaskStatus | None = Field(default=None, description=STATUS_DESCRIPTION)
    assignee_id: uuid.UUID | None = None
    workflow_id: WorkflowIdInput | None = Field(
        default=None, description=WORKFLOW_DESCRIPTION
    )
    default_trigger_values: JsonObject | None = Field(
        default=None, description=TRIGGER_VALUES_DESCRIPTION
    )


class CaseTaskRead(Schema):
    """A task of a case."""

    id: uuid.UUID
    created_at: datetime
    updated_at: datetime
    case_id: uuid.UUID
    title: str
    description: str | None = None
    priority: CasePriority
    status: CaseTaskStatus
    assignee: UserRead | None = None
    workflow_id: str | None = Field(
        default=None, description="The workflow's short id, `wf_` and 22 characters."
    )
    default_trigger_values: dict[str, Any] | None = None
