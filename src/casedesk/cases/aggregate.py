"""Counts over a case search: in total and per status, priority, severity and
assignee."""

import uuid
from typing import Any

from pydantic import Field
from sqlalchemy import ColumnElement, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from casedesk.cases.enums import CasePriority, CaseSeverity, CaseStatus
from casedesk.kit.schemas import Schema
from casedesk.models import Case

UNASSIGNED_BUCKET = "unassigned"


class CaseStatusGroups(Schema):
    """Cases per status; `unknown` and `other` are counted apart."""

    new: int = 0
    in_progress: int = 0
    on_hold: int = 0
    resolved: int = 0
    closed: int = 0
    unknown: int = 0
    other: int = 0


class CaseSearchAggregateRead(Schema):
    """How many cases match, and how they divide."""

    total: int
    status_groups: CaseStatusGroups
    priority_groups: dict[str, int] = Field(
        description="Cases per priority; every priority is a key, 0 when none."
    )
    severity_groups: dict[str, int] = Field(
        description="Cases per severity; every severity is a key, 0 when none."
    )
    assignee_groups: dict[str, int] = Field(
        description="Cases per assignee user id, and `unassigned` (always "
        "present); assignees without matching cases are left out."
    )


async def aggregate_cases(
    session: AsyncSession,
    workspace_id: uuid.UUID,
    conditions: list[ColumnElement[bool]],
) -> CaseSearchAggregateRead:
    """Counts over the workspace's cases meeting `conditions`.

    One grouped count per dimension, each over the same predicate the
    search's indexes serve; the total is their sum by status.
    """
    scope = [Case.workspace_id == workspace_id, *conditions]

    async def counts(column: Any) -> dict[Any, int]:
        rows = await session.execute(
            select(column, func.count()).where(*scope).group_by(column)
        )
        # A Result has `keys()`, which dict() would take for a mapping.
        return dict(rows.tuples().all())

    by_status = await counts(Case.status)
    by_priority = await counts(Case.priority)
    by_severity = await counts(Case.severity)
    by_assignee = await counts(Case.assignee_id)

    assignees = {UNASSIGNED_BUCKET: by_assignee.pop(None, 0)}
    assignees.update(
        (str(user_id), count) for user_id, count in sorted(by_assignee.items())
    )
    return CaseSearchAggregateRead(
        total=sum(by_status.values()),
        status_groups=CaseStatusGroups(
            **{status.value: by_status.get(status, 0) for status in CaseStatus}
        ),
        priority_groups={
            priority.value: by_priority.get(priority, 0) for priority in CasePriority
        },
        severity_groups={
            severity.value: by_severity.get(severity, 0) for severity in CaseSeverity
        },
        assignee_groups=assignees,
    )
