"""HTTP routes for cases."""

import uuid
from typing import Annotated

from fastapi import APIRouter, Query, Response, status

from casedesk.cases.deps import Cases, Lister
from casedesk.cases.listing import CaseListParams, CaseOrderBy, SortDirection
from casedesk.cases.schemas import CaseCreate, CaseRead, CaseReadMinimal, CaseUpdate
from casedesk.cases.versions import CaseTextVersionRead, VersionedText
from casedesk.fields.names import check_requested_field_name
from casedesk.kit.pagination import MAX_CURSOR_LENGTH, CursorPage
from casedesk.kit.responses import CASE_NOT_FOUND, WORKSPACE_ERRORS
from casedesk.workspaces.deps import CaseCreator, CaseDeleter, CaseReader, CaseUpdater

router = APIRouter(prefix="/cases", tags=["cases"], responses=WORKSPACE_ERRORS)


@router.get("", response_model=CursorPage[CaseReadMinimal])
async def list_cases(
    _: CaseReader,
    lister: Lister,
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
    order_by: Annotated[CaseOrderBy, Query()] = CaseOrderBy.CREATED_AT,
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
) -> CursorPage[CaseReadMinimal]:
    """List the workspace's cases, newest first by default."""
    requested_fields = None
    if field_ids is not None:
        requested_fields = list(
            dict.fromkeys(check_requested_field_name(name) for name in field_ids)
        )

    params = CaseListParams(
        limit=limit,
        cursor=cursor,
        order_by=order_by,
        sort=sort,
        include_payload=include_payload,
        include_durations=include_durations,
        field_ids=requested_fields,
    )
    return await lister.page(params)


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
