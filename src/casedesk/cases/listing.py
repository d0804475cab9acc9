"""Keyset-paginated case listings with exact totals."""

import uuid
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Select,
    and_,
    func,
    literal,
    or_,
    select,
    tuple_,
)
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from casedesk.auth.principal import Actor
from casedesk.auth.schemas import UserRead
from casedesk.cases.enums import CasePriority, CaseSeverity, CaseStatus
from casedesk.cases.filters import FIELD_PREFIX, FieldSort, field_sort
from casedesk.cases.schemas import CaseReadMinimal
from casedesk.dropdowns.service import DropdownService
from casedesk.durations.service import durations_for_cases
from casedesk.fields.service import CaseFieldService
from casedesk.fields.types import FieldType
from casedesk.kit.pagination import (
    CursorCodec,
    CursorPage,
    CursorPosition,
    InvalidCursor,
    query_fingerprint,
)
from casedesk.models import Case, CaseFieldValue, User
from casedesk.tags.service import tags_by_case


class CaseOrderBy(StrEnum):
    """Columns a case listing can be sorted by."""

    CREATED_AT = "created_at"
    UPDATED_AT = "updated_at"
    PRIORITY = "priority"
    SEVERITY = "severity"
    STATUS = "status"
    TASKS = "tasks"


# `order_by` as the query takes it: a column above, or `fields.NAME` to sort
# by a custom field (nulls last in both directions).
ORDER_BY_PATTERN = (
    r"^(created_at|updated_at|priority|severity|status|tasks"
    r"|fields\.[A-Za-z_][A-Za-z0-9_]*)$"
)


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
    # A CaseOrderBy value, or `fields.NAME`.
    order_by: str = CaseOrderBy.CREATED_AT
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
        ordering = await self._ordering(params)
        fingerprint = query_fingerprint(
            {
                "workspace_id": str(self.workspace_id),
                "order_by": ordering.signature,
                "sort": params.sort.value,
                "filters": params.filter_signature,
            }
        )
        position = None
        if params.cursor is not None:
            position = self.codec.decode(params.cursor, fingerprint)
            key = ordering.decode_key(position.key)
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
            has_previous = await self._exists(ordering, [*scope, boundary])
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
            has_more = await self._exists(ordering, [*scope, boundary])

        next_cursor = prev_cursor = None
        if has_more:
            next_cursor = self._cursor(fingerprint, ordering, rows, "forward", position)
        if has_previous:
            prev_cursor = self._cursor(
                fingerprint, ordering, rows, "backward", position
            )

        # Exact, and cheap for the same reason the page is: the count runs
        # over the predicate the filters' indexes serve.
        total = await self.session.scalar(
            select(func.count()).select_from(Case).where(*scope)
        )
        items = await self._hydrate([case for case, _ in rows], params)
        return CursorPage[CaseReadMinimal](
            items=items,
            next_cursor=next_cursor,
            prev_cursor=prev_cursor,
            has_more=has_more,
            has_previous=has_previous,
            total_estimate=total,
        )

    async def _ordering(self, params: CaseListParams) -> "_Ordering":
        descending = params.sort == SortDirection.DESC
        if params.order_by.startswith(FIELD_PREFIX):
            sort = await field_sort(
                self.session,
                self.workspace_id,
                params.order_by.removeprefix(FIELD_PREFIX),
            )
            dialect = self.session.get_bind().dialect.name
            return _FieldOrdering(sort, descending=descending, dialect=dialect)
        return _Ordering(CaseOrderBy(params.order_by), descending=descending)

    async def _fetch(
        self,
        conditions: list[ColumnElement[bool]],
        ordering: "_Ordering",
        *,
        forward: bool,
        limit: int,
    ) -> list[tuple[Case, Any]]:
        query = (
            ordering.select(Case, ordering.column)
            .where(*conditions)
            .order_by(*ordering.order_by(forward=forward))
            .limit(limit + 1)
        )
        return [(case, value) for case, value in await self.session.execute(query)]

    async def _exists(
        self, ordering: "_Ordering", conditions: list[ColumnElement[bool]]
    ) -> bool:
        query = ordering.select(Case.id).where(*conditions).limit(1)
        found = await self.session.scalar(query)
        return found is not None

    def _cursor(
        self,
        fingerprint: str,
        ordering: "_Ordering",
        rows: list[tuple[Case, Any]],
        direction: str,
        position: CursorPosition | None,
    ) -> str:
        if rows:
            edge = rows[-1] if direction == "forward" else rows[0]
            target = CursorPosition(
                direction="forward" if direction == "forward" else "backward",
                inclusive=False,
                key=ordering.encode_key(ordering.key_of(edge)),
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
    """A total order over cases: a non-null column, then id, same direction."""

    def __init__(self, order_by: CaseOrderBy, *, descending: bool) -> None:
        self.order = order_by
        self.column: Any = ORDER_COLUMNS[order_by]
        self.descending = descending

    @property
    def signature(self) -> Any:
        """What the cursor fingerprint records of this order."""
        return self.order.value

    def select(self, *entities: Any) -> Select[Any]:
        """A query over cases that can see the sort column."""
        return select(*entities)

    def key_of(self, row: tuple[Case, Any]) -> tuple[Any, uuid.UUID]:
        case, value = row
        return value, case.id

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

    def encode_key(self, key: tuple[Any, uuid.UUID]) -> list[Any]:
        """The key as JSON a cursor carries."""
        value, case_id = key
        if isinstance(value, datetime):
            value = value.isoformat()
        elif isinstance(value, StrEnum):
            value = value.value
        elif isinstance(value, Decimal | float):
            value = str(value)
        return [value, str(case_id)]

    def decode_key(self, raw: list[Any]) -> tuple[Any, uuid.UUID]:
        """A cursor's key back in column types; InvalidCursor if it is not one."""
        try:
            value, case_id = raw
            return self._decode_value(value), uuid.UUID(case_id)
        except (ValueError, TypeError, AttributeError, InvalidOperation) as error:
            raise InvalidCursor() from error

    def _decode_value(self, value: Any) -> Any:
        if self.order in (CaseOrderBy.CREATED_AT, CaseOrderBy.UPDATED_AT):
            return _aware_timestamp(value)
        if self.order == CaseOrderBy.STATUS:
            return CaseStatus(value)
        if self.order == CaseOrderBy.PRIORITY:
            return CasePriority(value)
        if self.order == CaseOrderBy.SEVERITY:
            return CaseSeverity(value)
        return _integer(value)


class _FieldOrdering(_Ordering):
    """Cases by a custom field's value, nulls last either way, then id.

    The value comes from an outer join on the field's typed column, whose
    index (field_id, value) serves the sort; a case without a value sorts
    as null.
    """

    # XXX(search): texts sort by their indexed prefix `text_key`, so texts
    # sharing their first TEXT_KEY_LENGTH characters sort by id instead.

    def __init__(self, sort: FieldSort, *, descending: bool, dialect: str) -> None:
        self.sort = sort
        self.dialect = dialect
        self.values = aliased(CaseFieldValue)
        self.column = getattr(self.values, sort.column)
        self.descending = descending

    @property
    def signature(self) -> Any:
        return [FIELD_PREFIX + self.sort.name, str(self.sort.field_id), self.sort.type]

    def select(self, *entities: Any) -> Select[Any]:
        return select(*entities).outerjoin(
            self.values,
            and_(
                self.values.case_id == Case.id,
                self.values.field_id == self.sort.field_id,
            ),
        )

    def order_by(self, *, forward: bool) -> list[Any]:
        # Backward pages read the canonical order reversed: nulls first.
        descending = self.descending == forward
        column = self.column.desc() if descending else self.column.asc()
        ids = Case.id.desc() if descending else Case.id.asc()
        return [column.nulls_last() if forward else column.nulls_first(), ids]

    def _compare(
        self, key: tuple[Any, uuid.UUID], *, later: bool, inclusive: bool
    ) -> Any:
        value, case_id = key
        greater = later != self.descending
        bound = literal(case_id, Case.id.type)
        if greater:
            id_side = Case.id >= bound if inclusive else Case.id > bound
        else:
            id_side = Case.id <= bound if inclusive else Case.id < bound
        is_null = self.column.is_(None)

        if value is None:
            # Nulls come last: after a null only later nulls; before it every
            # value and the earlier nulls.
            if later:
                return and_(is_null, id_side)
            return or_(self.column.is_not(None), and_(is_null, id_side))

        literal_value = literal(value, self.column.type)
        beyond = self.column > literal_value if greater else self.column < literal_value
        same = and_(self.column == literal_value, id_side)
        if later:
            return or_(is_null, beyond, same)
        return and_(self.column.is_not(None), or_(beyond, same))

    def _decode_value(self, value: Any) -> Any:
        if value is None:
            return None
        field_type = self.sort.type
        if field_type == FieldType.TIMESTAMPTZ:
            return _aware_timestamp(value)
        if field_type in (FieldType.INTEGER, FieldType.BOOLEAN):
            return _integer(value)
        if not isinstance(value, str):
            raise ValueError("text expected in cursor")
        if field_type == FieldType.NUMERIC:
            # SQLite keeps the nearest double; PostgreSQL the exact decimal.
            return float(value) if self.dialect == "sqlite" else Decimal(value)
        return value


def _aware_timestamp(value: Any) -> datetime:
    parsed = datetime.fromisoformat(value)
    if parsed.tzinfo is None:
        raise ValueError("naive timestamp in cursor")
    return parsed


def _integer(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError("integer expected in cursor")
    return value
