"""Case metrics over a time range, computed from the case timelines.

A duration runs from a case's creation to the first event of its timeline
that marks a milestone. It is counted in the range holding that first event,
so a range reports how long the cases that got there during it took (the
cases still open at its end are not reported yet, rather than reported as
fast). Severity and priority are the cases' current ones, and filters apply
to the cases as they are now.

PostgreSQL computes counts, means and medians (`percentile_cont`) in one
grouped query per milestone. SQLite has no percentile function: it reads each
case's creation and milestone instants and aggregates them in Python, one
float per case and group held in memory.
"""

import statistics
import uuid
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar

from sqlalchemy import (
    ColumnElement,
    Float,
    Select,
    and_,
    cast,
    distinct,
    exists,
    extract,
    func,
    or_,
    select,
    tuple_,
)
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from casedesk.cases.enums import (
    PRIORITY_CODES,
    SEVERITY_CODES,
    CasePriority,
    CaseSeverity,
    CaseStatus,
)
from casedesk.events.enums import CaseEventType
from casedesk.metrics.errors import (
    TimeRangeOutOfBounds,
    TimeRangeReversed,
    TimeRangeTooLong,
)
from casedesk.metrics.schemas import (
    CaseMetricsRead,
    DurationMetric,
    DurationStatistics,
)
from casedesk.models import Case, CaseEvent

GroupKey = TypeVar("GroupKey", CaseSeverity, CasePriority)
DEFAULT_RANGE = timedelta(days=30)
LONGEST_RANGE = timedelta(days=366)
STATUS_EVENT_TYPES = (
    CaseEventType.STATUS_CHANGED,
    CaseEventType.CASE_CLOSED,
    CaseEventType.CASE_REOPENED,
)


@dataclass(frozen=True)
class TimeRange:
    """An inclusive range of instants, in UTC."""

    start: datetime
    end: datetime

    @classmethod
    def resolve(
        cls, start: datetime | None, end: datetime | None, *, now: datetime
    ) -> "TimeRange":
        """The range asked for: naive values are UTC; it ends now by default.

        A missing start is `DEFAULT_RANGE` before the end. Raises
        Unprocessable for a start after the end, a range longer than
        `LONGEST_RANGE`, or bounds outside the representable dates.
        """
        try:
            resolved_end = _as_utc(end) if end is not None else now
            resolved_start = (
                _as_utc(start) if start is not None else resolved_end - DEFAULT_RANGE
            )
        except OverflowError as error:
            raise TimeRangeOutOfBounds() from error

        if resolved_start > resolved_end:
            raise TimeRangeReversed()
        if resolved_end - resolved_start > LONGEST_RANGE:
            raise TimeRangeTooLong(LONGEST_RANGE)
        return cls(resolved_start, resolved_end)

    def holds(self, column: Any) -> ColumnElement[bool]:
        """`column` lies within the range, both ends included."""
        return and_(column >= self.start, column <= self.end)


@dataclass(frozen=True)
class Milestone:
    """The timeline events that mark a point in a case's life."""

    event_types: tuple[CaseEventType, ...]
    # Empty: any new status.
    new_statuses: tuple[CaseStatus, ...] = ()

    def matches(self, event: Any) -> ColumnElement[bool]:
        """The condition an event (`CaseEvent` or an alias) meets to mark it."""
        condition = event.type.in_(
            [event_type.value for event_type in self.event_types]
        )
        if self.new_statuses:
            new_status = event.data["new"].as_string()
            condition = and_(
                condition,
                new_status.in_([status.value for status in self.new_statuses]),
            )
        return condition


FIRST_STATUS_CHANGE = Milestone(STATUS_EVENT_TYPES)
# Reaching either end state resolves a case; a case closed without passing
# through `resolved` is resolved when it is closed.
RESOLUTION = Milestone(
    STATUS_EVENT_TYPES, new_statuses=(CaseStatus.RESOLVED, CaseStatus.CLOSED)
)
CLOSE = Milestone((CaseEventType.CASE_CLOSED,))


class CaseMetricsService:
    """Computes the case metrics of one workspace."""

    def __init__(self, session: AsyncSession, *, workspace_id: uuid.UUID) -> None:
        self.session = session
        self.workspace_id = workspace_id

    async def compute(
        self,
        time_range: TimeRange,
        conditions: Sequence[ColumnElement[bool]] = (),
    ) -> CaseMetricsRead:
        """The metrics over `time_range` of the cases meeting `conditions`.

        `conditions` are SQL conditions on `Case`, as the case filters build.
        """
        opened = await self._count_opened(time_range, conditions)
        closed = await self._count_closed(time_range, conditions)

        return CaseMetricsRead(
            start_time=time_range.start,
            end_time=time_range.end,
            opened=opened,
            closed=closed,
            time_to_first_status_change=await self._duration(
                FIRST_STATUS_CHANGE, time_range, conditions
            ),
            time_to_resolution=await self._duration(RESOLUTION, time_range, conditions),
            time_to_close=await self._duration(CLOSE, time_range, conditions),
        )

    async def _count_opened(
        self, time_range: TimeRange, conditions: Sequence[ColumnElement[bool]]
    ) -> int:
        statement = select(func.count(Case.id)).where(
            Case.workspace_id == self.workspace_id,
            time_range.holds(Case.created_at),
            *conditions,
        )
        return int(await self.session.scalar(statement) or 0)

    async def _count_closed(
        self, time_range: TimeRange, conditions: Sequence[ColumnElement[bool]]
    ) -> int:
        statement = (
            select(func.count(distinct(CaseEvent.case_id)))
            .join(Case, Case.id == CaseEvent.case_id)
            .where(
                CaseEvent.workspace_id == self.workspace_id,
                CaseEvent.type == CaseEventType.CASE_CLOSED.value,
                time_range.holds(CaseEvent.created_at),
                Case.workspace_id == self.workspace_id,
                *conditions,
            )
        )
        return int(await self.session.scalar(statement) or 0)

    async def _duration(
        self,
        milestone: Milestone,
        time_range: TimeRange,
        conditions: Sequence[ColumnElement[bool]],
    ) -> DurationMetric:
        if self.session.get_bind().dialect.name == "postgresql":
            return await self._duration_in_sql(milestone, time_range, conditions)
        return await self._duration_in_python(milestone, time_range, conditions)

    def _first_milestones(
        self,
        milestone: Milestone,
        time_range: TimeRange,
        conditions: Sequence[ColumnElement[bool]],
    ) -> tuple[Select[Any], Any]:
        """Each case whose first milestone event lies in the range, with it.

        Returns the statement (from `Case` joined to that event, one row per
        case) and the event's alias, for the caller to pick its columns.
        """
        reached = aliased(CaseEvent, name="reached")
        earlier = aliased(CaseEvent, name="earlier")
        # Events of one instant are ordered by insertion (`seq`).
        an_earlier_milestone = exists().where(
            earlier.case_id == reached.case_id,
            milestone.matches(earlier),
            or_(
                earlier.created_at < reached.created_at,
                and_(
                    earlier.created_at == reached.created_at,
                    earlier.seq < reached.seq,
                ),
            ),
        )
        statement = (
            select()
            .select_from(Case)
            .join(reached, reached.case_id == Case.id)
            .where(
                reached.workspace_id == self.workspace_id,
                milestone.matches(reached),
                time_range.holds(reached.created_at),
                ~an_earlier_milestone,
                Case.workspace_id == self.workspace_id,
                *conditions,
            )
        )
        return statement, reached

    async def _duration_in_sql(
        self,
        milestone: Milestone,
        time_range: TimeRange,
        conditions: Sequence[ColumnElement[bool]],
    ) -> DurationMetric:
        statement, reached = self._first_milestones(milestone, time_range, conditions)
        seconds = cast(extract("epoch", reached.created_at - Case.created_at), Float)
        durations = statement.add_columns(
            Case.severity.label("severity"),
            Case.priority.label("priority"),
            seconds.label("seconds"),
        ).subquery("durations")
        severity, priority, value = (
            durations.c.severity,
            durations.c.priority,
            durations.c.seconds,
        )
        aggregated = select(
            func.grouping(severity),
            func.grouping(priority),
            severity,
            priority,
            func.count(),
            func.avg(value),
            func.percentile_cont(0.5).within_group(value),
        ).group_by(func.grouping_sets(tuple_(), tuple_(severity), tuple_(priority)))

        overall = DurationStatistics(count=0, mean_seconds=None, median_seconds=None)
        by_severity: dict[CaseSeverity, DurationStatistics] = {}
        by_priority: dict[CasePriority, DurationStatistics] = {}
        for row in await self.session.execute(aggregated):
            (all_severities, all_priorities, row_severity, row_priority) = row[:4]
            statistics_of_group = DurationStatistics(
                count=row[4], mean_seconds=row[5], median_seconds=row[6]
            )
            if not all_severities:
                by_severity[row_severity] = statistics_of_group
            elif not all_priorities:
                by_priority[row_priority] = statistics_of_group
            else:
                overall = statistics_of_group
        return _metric(overall, by_severity, by_priority)

    async def _duration_in_python(
        self,
        milestone: Milestone,
        time_range: TimeRange,
        conditions: Sequence[ColumnElement[bool]],
    ) -> DurationMetric:
        statement, reached = self._first_milestones(milestone, time_range, conditions)
        statement = statement.add_columns(
            Case.severity, Case.priority, Case.created_at, reached.created_at
        )

        overall: list[float] = []
        by_severity: defaultdict[CaseSeverity, list[float]] = defaultdict(list)
        by_priority: defaultdict[CasePriority, list[float]] = defaultdict(list)
        for severity, priority, created_at, reached_at in await self.session.execute(
            statement
        ):
            seconds = (reached_at - created_at).total_seconds()
            overall.append(seconds)
            by_severity[severity].append(seconds)
            by_priority[priority].append(seconds)

        return _metric(
            _statistics(overall),
            {key: _statistics(values) for key, values in by_severity.items()},
            {key: _statistics(values) for key, values in by_priority.items()},
        )


def _metric(
    overall: DurationStatistics,
    by_severity: dict[CaseSeverity, DurationStatistics],
    by_priority: dict[CasePriority, DurationStatistics],
) -> DurationMetric:
    """One milestone's metric, its groups in the enums' semantic order."""
    return DurationMetric(
        count=overall.count,
        mean_seconds=overall.mean_seconds,
        median_seconds=overall.median_seconds,
        by_severity=_in_code_order(by_severity, SEVERITY_CODES),
        by_priority=_in_code_order(by_priority, PRIORITY_CODES),
    )


def _in_code_order(
    groups: dict[GroupKey, DurationStatistics], codes: dict[str, int]
) -> dict[GroupKey, DurationStatistics]:
    return {key: groups[key] for key in sorted(groups, key=lambda key: codes[key])}


def _statistics(values: list[float]) -> DurationStatistics:
    if not values:
        return DurationStatistics(count=0, mean_seconds=None, median_seconds=None)
    return DurationStatistics(
        count=len(values),
        mean_seconds=statistics.fmean(values),
        median_seconds=statistics.median(values),
    )


def _as_utc(value: datetime) -> datetime:
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value.astimezone(UTC)
