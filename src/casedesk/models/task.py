"""Tasks: the work items of a case."""

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from casedesk.cases.enums import (
    PRIORITY_CODES,
    TASK_STATUS_CODES,
    CasePriority,
    CaseTaskStatus,
)
from casedesk.db.types import JsonDocument, UTCDateTime, enum_code_type
from casedesk.models.base import Base, UUIDPrimaryKey, utcnow

TaskPriorityCode = enum_code_type(CasePriority, PRIORITY_CODES)
TaskStatusCode = enum_code_type(CaseTaskStatus, TASK_STATUS_CODES)

TASK_TITLE_MAX_LENGTH = 255
TASK_DESCRIPTION_MAX_LENGTH = 1000


class CaseTask(UUIDPrimaryKey, Base):
    """One task of a case."""

    __tablename__ = "case_task"
    __table_args__ = (Index("ix_case_task_case_created", "case_id", "created_at"),)

    case_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("case.id", ondelete="CASCADE"), nullable=False
    )
    workspace_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("workspace.id", ondelete="CASCADE"), nullable=False
    )
    title: Mapped[str] = mapped_column(String(TASK_TITLE_MAX_LENGTH), nullable=False)
    description: Mapped[str | None] = mapped_column(String(TASK_DESCRIPTION_MAX_LENGTH))
    priority: Mapped[CasePriority] = mapped_column(TaskPriorityCode(), nullable=False)
    status: Mapped[CaseTaskStatus] = mapped_column(TaskStatusCode(), nullable=False)
    assignee_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("user.id", ondelete="SET NULL")
    )
    # The automation the task runs, by id; casedesk stores the reference.
    workflow_id: Mapped[uuid.UUID | None] = mapped_column()
    default_trigger_values: Mapped[dict[str, Any] | None] = mapped_column(JsonDocument)
    created_at: Mapped[datetime] = mapped_column(
        UTCDateTime, default=utcnow, nullable=False
    )
    updated_at: Mapped[datetime] = mapped_column(
        UTCDateTime, default=utcnow, nullable=False
    )
