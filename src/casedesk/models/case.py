"""A case: one investigation, numbered within its workspace."""

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from casedesk.cases.enums import (
    PRIORITY_CODES,
    SEVERITY_CODES,
    STATUS_CODES,
    CasePriority,
    CaseSeverity,
    CaseStatus,
)
from casedesk.db.types import JsonDocument, UTCDateTime, enum_code_type
from casedesk.models.base import Base, UUIDPrimaryKey, utcnow

StatusCode = enum_code_type(CaseStatus, STATUS_CODES)
PriorityCode = enum_code_type(CasePriority, PRIORITY_CODES)
SeverityCode = enum_code_type(CaseSeverity, SEVERITY_CODES)

SUMMARY_MAX_LENGTH = 255
DESCRIPTION_MAX_LENGTH = 5000


class Case(UUIDPrimaryKey, Base):
    """The investigation record."""

    __tablename__ = "case"
    __table_args__ = (
        UniqueConstraint("workspace_id", "number"),
        UniqueConstraint("workspace_id", "external_id"),
        # Each list sort has an index that also scopes to the workspace, and
        # ends with id, the tie-breaker of every keyset page.
        Index("ix_case_workspace_created", "workspace_id", "created_at", "id"),
        Index("ix_case_workspace_updated", "workspace_id", "updated_at", "id"),
        Index("ix_case_workspace_status", "workspace_id", "status", "id"),
        Index("ix_case_workspace_priority", "workspace_id", "priority", "id"),
        Index("ix_case_workspace_severity", "workspace_id", "severity", "id"),
        Index("ix_case_workspace_tasks", "workspace_id", "num_tasks_total", "id"),
        # The assignee filter, unassigned (NULL) included.
        Index("ix_case_workspace_assignee", "workspace_id", "assignee_id", "id"),
    )

    workspace_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("workspace.id", ondelete="CASCADE"), nullable=False
    )
    number: Mapped[int] = mapped_column(Integer, nullable=False)
    summary: Mapped[str] = mapped_column(String(SUMMARY_MAX_LENGTH), nullable=False)
    description: Mapped[str] = mapped_column(
        String(DESCRIPTION_MAX_LENGTH), nullable=False
    )
    status: Mapped[CaseStatus] = mapped_column(StatusCode(), nullable=False)
    priority: Mapped[CasePriority] = mapped_column(PriorityCode(), nullable=False)
    severity: Mapped[CaseSeverity] = mapped_column(SeverityCode(), nullable=False)
    assignee_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("user.id", ondelete="SET NULL")
    )
    payload: Mapped[dict[str, Any] | None] = mapped_column(JsonDocument)
    # Natural key of an imported record (e.g. `cisa-kev:CVE-2021-44228`), so
    # that re-running an import finds what it already created.
    external_id: Mapped[str | None] = mapped_column(String(255))
    num_tasks_total: Mapped[int] = mapped_column(Integer, default=0, nullable=False)
    num_tasks_completed: Mapped[int] = mapped_column(Integer, default=0, nullable=False)
    created_at: Mapped[datetime] = mapped_column(
        UTCDateTime, default=utcnow, nullable=False
    )
    updated_at: Mapped[datetime] = mapped_column(
        UTCDateTime, default=utcnow, nullable=False
    )

    @property
    def short_id(self) -> str:
        """`CASE-` and the number, zero-padded to at least four digits."""
        return f"CASE-{self.number:04d}"
