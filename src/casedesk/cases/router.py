"""HTTP routes for cases."""

import uuid
from dataclasses import replace
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Response, status
from sqlalchemy.ext.asyncio import AsyncSession

from casedesk.cases.aggregate import CaseSearchAggregateRead, aggregate_cases
from casedesk.cases.deps import Cases, Lister
from casedesk.cases.filters import AggregateFilters, CaseFilters, SearchFilters
from casedesk.cases.listing import (
    ORDER_BY_PATTERN,
    CaseLister,
    CaseListParams,
    CaseOrderBy,
    SortDirection,
)
from casedesk.cases.schemas import CaseCreate, CaseRead, CaseReadMinimal, CaseUpdate
from casedesk.cases.versions import CaseTextVersionRead, VersionedText
from casedesk.db.session import DbSession
from casedesk.fields.names import check_requested_field_name
from casedesk.kit.pagination import MAX_CURSOR_LENGTH, CursorPage
from casedesk.kit.responses import CASE_NOT_FOUND, WORKSPACE_ERRORS
from casedesk.kit.schemas import ErrorDetail
from casedesk.workspaces.deps import CaseCreator, CaseDeleter, CaseReader, CaseUpdater

router = APIRouter(prefix="/cases", tags=["cases"], responses=WORKSPACE_ERRORS)


def list_params(
    limit: Annotated[int, Query(ge=1, le=200, description="Page size.")] = 20,
    cursor: Annotated[
        str | None,
        Query(
            max_length=MAX_CURSOR_LENGTH,
            description="`next_cursor` or "
            "`prev_cursor` of a previous page of the same query.",
        ),
    ] = None,
    reverse: Annotated[
        bool, Query(description="Accepted and ignored: cursors carry direction.")
    ] = False,
    order_by: Annotated[
        str,
        Query(
            pattern=ORDER_BY_PATTERN,
            description="`created_at`, `updated_at`, `priority`, `severity`, "
            "`status`, `tasks`, or `fields.NAME` to sort by a custom field "
            "(cases without a value last, either way).",
        ),
    ] = CaseOrderBy.CREATED_AT,
    sort: Annotated[SortDirection, Query()] = SortDirection.DESC,
    include_rows: bool = False,
    field_ids: Annotated[
        list[str] | None,
        Query(description="Custom fields to return in `field_values`."),
    ] = None,
    include_durations: bool = False,
    include_payload: Annotated[
        bool, Query(description="Return each case's `payload`.")
    ] = False,
) -> CaseListParams:
    """The paging, sorting and hydration parameters of list and search."""
    requested_fields = None
    if field_ids is not None:
        requested_fields = list(
            dict.fromkeys(check_requested_field_name(name) for name in field_ids)
        )
    return CaseListParams(
        limit=limit,
        cursor=cursor,
        order_by=order_by,
        sort=sort,
        include_payload=include_payload,
        include_durations=include_durations,
        field_ids=requested_fields,
    )


ListParams = Annotated[CaseListParams, Depends(list_params)]
SEARCH_ERRORS: dict[int | str, dict[str, Any]] = {
    400: {
        "model": ErrorDetail,
        "description": "A bad cursor, search term, short id, dropdown entry or "
        "assignee id.",
    },
    422: {
        "description": "Invalid parameters, or an unknown tag, dropdown option, "
        "custom field or field operator, or a field value of the wrong type.",
    },
}


async def search_page(
    session: AsyncSession,
    lister: CaseLister,
    workspace_id: uuid.UUID,
    params: CaseListParams,
    filters: CaseFilters,
) -> CursorPage[CaseReadMinimal]:
    """One page of the cases matching `filters`; list and search share it."""
    resolved = await filters.resolve(session, workspace_id)
    return await lister.page(
        replace(
            params, filters=resolved.conditions, filter_signature=resolved.signature
        )
    )


@router.get("", response_model=CursorPage[CaseReadMinimal], responses=SEARCH_ERRORS)
async def list_cases(
    context: CaseReader, session: DbSession, lister: Lister, params: ListParams
) -> CursorPage[CaseReadMinimal]:
    """List the workspace's cases, newest first by default.

    The same as `GET /cases/search` without filters.
    """
    return await search_page(
        session, lister, context.workspace_id, params, CaseFilters()
    )


@router.get(
    "/search", response_model=CursorPage[CaseReadMinimal], responses=SEARCH_ERRORS
)
async def search_cases(
    context: CaseReader,
    session: DbSession,
    lister: Lister,
    params: ListParams,
    filters: SearchFilters,
) -> CursorPage[CaseReadMinimal]:
    """The workspace's cases matching every filter given.

    Values of one filter are alternatives; different filters must all hold.
    Custom fields filter as `fields.NAME=VALUE` (equality; a MULTI_SELECT
    field contains the value) and `fields.NAME__gte=` / `fields.NAME__lte=`
    (inclusive bounds on INTEGER, NUMERIC, DATE and TIMESTAMPTZ fields).
    `total_estimate` is the exact number of matching cases.
    """
    return await search_page(session, lister, context.workspace_id, params, filters)


@router.get(
    "/search/aggregate",
    response_model=CaseSearchAggregateRead,
    responses=SEARCH_ERRORS,
)
async def aggregate_search(
    context: CaseReader, session: DbSession, filters: AggregateFilters
) -> CaseSearchAggregateRead:
    """Counts of the cases matching the search filters (all but `short_id`):
    in total, per status, priority, severity and assignee."""
    resolved = await filters.resolve(session, context.workspace_id)
    return await aggregate_cases(session, context.workspace_id, resolved.conditions)


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    response_model=CaseRead,
    responses={
        400: {"description": "An unknown custom field in `fields`."},
        422: {"description": "Invalid body, or an assignee outside the workspace."},
    },
)
async def create_case(
    context: CaseCreator, cases: Cases, params: CaseCreate, response: Response
) -> CaseRead:
    """Create a case; answers the case with its `Location`."""
    case = await cases.create(params)

    # Committed before the case is read back for the answer: the commit
    # releases the workspace's case counter, which every other create in the
    # workspace is waiting for.
    await cases.session.commit()
    response.headers["Location"] = f"/workspaces/{context.workspace_id}/cases/{case.id}"
    return await cases.read(case)


@router.get("/{case_id}", response_model=CaseRead, responses=CASE_NOT_FOUND)
async def get_case(
    _: CaseReader,
    cases: Cases,
    case_id: uuid.UUID,
    include_rows: bool = False,
) -> CaseRead:
    """One case with its description, fields and payload.

    A signed-in user's first view within five minutes records `case_viewed`.
    """
    case = await cases.get(case_id)
    await cases.record_view(case)
    return await cases.read(case)


@router.get(
    "/{case_id}/versions",
    response_model=list[CaseTextVersionRead],
    responses=CASE_NOT_FOUND,
)
async def list_case_versions(
    _: CaseReader,
    cases: Cases,
    case_id: uuid.UUID,
    field: Annotated[
        VersionedText | None,
        Query(description="Only the versions of this text."),
    ] = None,
) -> list[CaseTextVersionRead]:
    """Every version of the case's summary and description, oldest first.

    Version 1 of each is the text the case was created with; each change
    adds the next.
    """
    case = await cases.get(case_id)
    return await cases.versions.list_for_case(case.id, field)


@router.patch(
    "/{case_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    response_class=Response,
    responses=CASE_NOT_FOUND,
)
async def update_case(
    _: CaseUpdater, cases: Cases, case_id: uuid.UUID, params: CaseUpdate
) -> None:
    """Change a case; only the keys given are applied."""
    case = await cases.get(case_id, for_update=True)
    await cases.update(case, params)


@router.delete(
    "/{case_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    response_class=Response,
    responses=CASE_NOT_FOUND,
)
async def delete_case(_: CaseDeleter, cases: Cases, case_id: uuid.UUID) -> None:
    """Delete a case and everything recorded on it."""
    await cases.delete(case_id)
