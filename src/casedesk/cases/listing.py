"""Keyset-paginated case listings with exact totals."""

import uuid
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import ColumnElement, Select, func, literal, select, tuple_
from sqlalchemy.ext.asyncio import AsyncSession

from casedesk.auth.principal import Actor
from casedesk.auth.schemas import UserRead
from casedesk.cases.enums import CasePriority, CaseSeverity, CaseStatus
from casedesk.cases.schemas import CaseReadMinimal
from casedesk.dropdowns.service import DropdownService
from casedesk.durations.service import durations_for_cases
from casedesk.fields.service import CaseFieldService
from casedesk.kit.pagination import (
    CursorCodec,
    CursorPage,
    CursorPosition,
    InvalidCursor,
    query_fingerprint,
)
from casedesk.models import Case, User
from casedesk.tags.service import tags_by_case


class CaseOrderBy(StrEnum):
    """Columns a case listing can be sorted by."""

    CREATED_AT = "created_at"
    UPDATED_AT = "updated_at"
    PRIORITY = "priority"
    SEVERITY = "severity"
    STATUS = "status"
    TASKS = "tasks"


class SortDirection(StrEnum):
    """Ascending or descending."""

    ASC = "asc"
    DESC = "desc"


ORDER_COLUMNS: dict[CaseOrderBy, Any] = {
    CaseOrderBy.CREATED_AT: Case.created_at,
    CaseOrderBy.UPDATED_AT: Case.updated_at,
    CaseOrderBy.PRIORITY: Case.priority,
    CaseOrderBy.SEVERITY: Case.severity,
    CaseOrderBy.STATUS: Case.status,
    CaseOrderBy.TASKS: Case.num_tasks_total,
}


@dataclass(frozen=True)
class CaseListParams:
    """What a caller asked of a listing."""

    limit: int = 20
    cursor: str | None = None
    order_by: CaseOrderBy = CaseOrderBy.CREATED_AT
    sort: SortDirection = SortDirection.DESC
    include_payload: bool = False
    include_durations: bool = False
    field_ids: list[str] | None = None
    filters: list[ColumnElement[bool]] = field(default_factory=list)
    # Everything that defines the filters, for binding cursors to the query.
    filter_signature: dict[str, Any] = field(default_factory=dict)


class CaseLister:
    """Lists one workspace's cases a page at a time."""

    def __init__(
        self, session: AsyncSession, codec: CursorCodec, workspace_id: uuid.UUID
    ) -> None:
        self.session = session
        self.codec = codec
        self.workspace_id = workspace_id

    async def page(self, params: CaseListParams) -> CursorPage[CaseReadMinimal]:
        """One page in canonical order, its neighbours' cursors and the total."""
        fingerprint = query_fingerprint(
            {
                "workspace_id": str(self.workspace_id),
                "order_by": params.order_by.value,
                "sort": params.sort.value,
                "filters": params.filter_signature,
            }
        )
        position = None
        if params.cursor is not None:
            position = self.codec.decode(params.cursor, fingerprint)
            key = _decode_key(params.order_by, position.key)
        ordering = _Ordering(params.order_by, params.sort)
        scope = [Case.workspace_id == self.workspace_id, *params.filters]

        if position is None:
            rows = await self._fetch(scope, ordering, forward=True, limit=params.limit)
            has_more = len(rows) > params.limit
            rows = rows[: params.limit]
            has_previous = False
        elif position.direction == "forward":
            after = ordering.after(key, inclusive=position.inclusive)
            rows = await self._fetch(
                [*scope, after], ordering, forward=True, limit=params.limit
            )
            has_more = len(rows) > params.limit
            rows = rows[: params.limit]
            if rows:
                boundary = ordering.before(ordering.key_of(rows[0]), inclusive=False)
            else:
                boundary = ordering.before(key, inclusive=not position.inclusive)
            has_previous = await self._exists([*scope, boundary])
        else:
            before = ordering.before(key, inclusive=position.inclusive)
            rows = await self._fetch(
                [*scope, before], ordering, forward=False, limit=params.limit
            )
            has_previous = len(rows) > params.limit
            rows = list(reversed(rows[: params.limit]))
            if rows:
                boundary = ordering.after(ordering.key_of(rows[-1]), inclusive=False)
            else:
                boundary = ordering.after(key, inclusive=not position.inclusive)
            has_more = await self._exists([*scope, boundary])

        next_cursor = prev_cursor = None
        if has_more:
            next_cursor = self._cursor(fingerprint, ordering, rows, "forward", position)
        if has_previous:
            prev_cursor = self._cursor(
                fingerprint, ordering, rows, "backward", position
            )

        total = await self.session.scalar(select(func.count()).where(*scope))
        items = await self._hydrate(rows, params)
        return CursorPage[CaseReadMinimal](
            items=items,
            next_cursor=next_cursor,
            prev_cursor=prev_cursor,
            has_more=has_more,
            has_previous=has_previous,
            total_estimate=total,
        )

    async def _fetch(
        self,
        conditions: list[ColumnElement[bool]],
        ordering: "_Ordering",
        *,
        forward: bool,
        limit: int,
    ) -> list[Case]:
        query: Select[tuple[Case]] = (
            select(Case)
            .where(*conditions)
            .order_by(*ordering.order_by(forward=forward))
            .limit(limit + 1)
        )
        return list(await self.session.scalars(query))

    async def _exists(self, conditions: list[ColumnElement[bool]]) -> bool:
        found = await self.session.scalar(select(Case.id).where(*conditions).limit(1))
        return found is not None

    def _cursor(
        self,
        fingerprint: str,
        ordering: "_Ordering",
        rows: list[Case],
        direction: str,
        position: CursorPosition | None,
    ) -> str:
        if rows:
            edge = rows[-1] if direction == "forward" else rows[0]
            target = CursorPosition(
                direction="forward" if direction == "forward" else "backward",
                inclusive=False,
                key=_encode_key(ordering.key_of(edge)),
            )
        else:
            # An empty page (its rows were deleted): point back at the
            # surviving neighbour, including the boundary row itself.
            assert position is not None
            target = CursorPosition(
                direction="forward" if direction == "forward" else "backward",
                inclusive=not position.inclusive,
                key=position.key,
            )
        return self.codec.encode(fingerprint, target)

    async def _hydrate(
        self, rows: list[Case], params: CaseListParams
    ) -> list[CaseReadMinimal]:
        assignee_ids = {row.assignee_id for row in rows if row.assignee_id}
        users: dict[uuid.UUID, UserRead] = {}
        if assignee_ids:
            found = await self.session.scalars(
                select(User).where(User.id.in_(assignee_ids))
            )
            users = {user.id: UserRead.of(user) for user in found}

        case_ids = [row.id for row in rows]
        tags = await tags_by_case(self.session, case_ids)
        dropdown_values = await DropdownService(
            self.session, workspace_id=self.workspace_id, actor=Actor.system()
        ).values_for_cases(case_ids)

        field_values: dict[uuid.UUID, dict[str, Any]] | None = None
        if params.field_ids is not None:
            field_values = await CaseFieldService(
                self.session, workspace_id=self.workspace_id, actor=Actor.system()
            ).values_for_cases(case_ids, params.field_ids)

        durations: dict[uuid.UUID, list[dict[str, Any]]] = {}
        if params.include_durations:
            durations = await durations_for_cases(self.session, case_ids)

        return [
            CaseReadMinimal(
                id=row.id,
                short_id=row.short_id,
                created_at=row.created_at,
                updated_at=row.updated_at,
                summary=row.summary,
                status=row.status,
                priority=row.priority,
                severity=row.severity,
                assignee=users.get(row.assignee_id) if row.assignee_id else None,
                tags=tags.get(row.id, []),
                dropdown_values=dropdown_values.get(row.id, []),
                durations=durations.get(row.id) or None,
                payload=row.payload if params.include_payload else None,
                field_values=(
                    field_values.get(row.id, {}) if field_values is not None else None
                ),
                num_tasks_completed=row.num_tasks_completed,
                num_tasks_total=row.num_tasks_total,
            )
            for row in rows
        ]


class _Ordering:
    """A total order over cases: the sort column, then id, same direction."""

    def __init__(self, order_by: CaseOrderBy, sort: SortDirection) -> None:
        self.column = ORDER_COLUMNS[order_by]
        self.descending = sort == SortDirection.DESC

    def key_of(self, case: Case) -> tuple[Any, uuid.UUID]:
        return getattr(case, self.column.key), case.id

    def order_by(self, *, forward: bool) -> list[Any]:
        descending = self.descending == forward
        if descending:
            return [self.column.desc(), Case.id.desc()]
        return [self.column.asc(), Case.id.asc()]

    def after(self, key: tuple[Any, uuid.UUID], *, inclusive: bool) -> Any:
        """Rows that come after `key` in canonical order."""
        return self._compare(key, later=True, inclusive=inclusive)

    def before(self, key: tuple[Any, uuid.UUID], *, inclusive: bool) -> Any:
        """Rows that come before `key` in canonical order."""
        return self._compare(key, later=False, inclusive=inclusive)

    def _compare(
        self, key: tuple[Any, uuid.UUID], *, later: bool, inclusive: bool
    ) -> Any:
        left = tuple_(self.column, Case.id)
        right = tuple_(literal(key[0], self.column.type), literal(key[1], Case.id.type))
        greater = later != self.descending
        if greater:
            return left >= right if inclusive else left > right
        return left <= right if inclusive else left < right


def _encode_key(key: tuple[Any, uuid.UUID]) -> list[Any]:
    value, case_id = key
    if isinstance(value, datetime):
        value = value.isoformat()
    elif isinstance(value, StrEnum):
        value = value.value
    return [value, str(case_id)]


def _decode_key(order_by: CaseOrderBy, raw: list[Any]) -> tuple[Any, uuid.UUID]:
    try:
        value, case_id = raw
        parsed_id = uuid.UUID(case_id)
        if order_by in (CaseOrderBy.CREATED_AT, CaseOrderBy.UPDATED_AT):
            parsed = datetime.fromisoformat(value)
            if parsed.tzinfo is None:
                raise ValueError("naive timestamp in cursor")
            return parsed, parsed_id
        if order_by == CaseOrderBy.STATUS:
            return CaseStatus(value), parsed_id
        if order_by == CaseOrderBy.PRIORITY:
            return CasePriority(value), parsed_id
        if order_by == CaseOrderBy.SEVERITY:
            return CaseSeverity(value), parsed_id
        if not isinstance(value, int):
            raise ValueError("task count must be an integer")
        return value, parsed_id
    except (ValueError, TypeError, AttributeError) as error:
        raise InvalidCursor() from error
