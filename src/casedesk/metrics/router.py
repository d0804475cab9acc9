"""HTTP routes for metrics."""

from dataclasses import replace

from fastapi import APIRouter, Request, Response

from casedesk.cases.filters import AggregateFilters
from casedesk.db.session import DbSession
from casedesk.kit.responses import WORKSPACE_ERRORS
from casedesk.kit.schemas import ErrorDetail
from casedesk.metrics.errors import MetricsDisabled, MetricsTokenRequired
from casedesk.metrics.operations import CONTENT_TYPE, OperationsMetrics, token_matches
from casedesk.metrics.schemas import CaseMetricsRead
from casedesk.metrics.service import CaseMetricsService, TimeRange
from casedesk.models.base import utcnow
from casedesk.workspaces.deps import CaseReader

BAD_FILTERS: dict[int | str, dict[str, object]] = {
    400: {
        "model": ErrorDetail,
        "description": "Path and query `workspace_id` disagree, or a malformed "
        "filter (search term, dropdown, assignee).",
    },
    422: {
        "description": "Invalid parameters, an unknown tag, dropdown option or "
        "field, a start after the end, or a range longer than 366 days.",
    },
}
METRICS_REFUSALS: dict[int | str, dict[str, object]] = {
    401: {
        "model": ErrorDetail,
        "description": "No `Authorization: Bearer <CASEDESK_METRICS_TOKEN>`.",
    },
    404: {
        "model": ErrorDetail,
        "description": "Disabled: `CASEDESK_METRICS_TOKEN` is not set.",
    },
}

# Mounted before the case routes, so that `/cases/metrics` is not a case id.
case_metrics_router = APIRouter(
    prefix="/cases", tags=["metrics"], responses=WORKSPACE_ERRORS
)
operations_router = APIRouter(tags=["operations"])


@case_metrics_router.get(
    "/metrics", response_model=CaseMetricsRead, responses=BAD_FILTERS
)
async def get_case_metrics(
    context: CaseReader, session: DbSession, filters: AggregateFilters
) -> CaseMetricsRead:
    """Case flow and timings over a time range, from the case timelines.

    `start_time` and `end_time` bound the range, both included (a value
    without an offset is UTC); it ends now and starts 30 days before its end
    by default. Here they do not filter the cases by creation as they do in
    `GET /cases/search`; every other filter of `/cases/search` but
    `short_id` selects the cases counted, by their current values.

    - `opened`: cases created in the range; `closed`: cases with a
      `case_closed` event in the range (a case closed twice counts once).
    - `time_to_first_status_change`, `time_to_resolution`, `time_to_close`:
      seconds from a case's creation to its first status event (any of
      `status_changed`, `case_closed`, `case_reopened`), to its first status
      event whose new status is `resolved` or `closed`, and to its first
      `case_closed`. Each counts the cases whose first such event lies in the
      range, and gives `count`, `mean_seconds` and `median_seconds` (null for
      no case), overall, `by_severity` and `by_priority` (the cases' current
      values; only values present are keys).

    The range may not start after it ends, nor span more than 366 days (422).
    """
    time_range = TimeRange.resolve(
        filters.created_from, filters.created_to, now=utcnow()
    )
    case_filters = replace(filters, created_from=None, created_to=None)
    resolved = await case_filters.resolve(session, context.workspace_id)

    metrics = CaseMetricsService(session, workspace_id=context.workspace_id)
    return await metrics.compute(time_range, resolved.conditions)


@operations_router.get(
    "/metrics",
    response_class=Response,
    responses={
        200: {
            "content": {CONTENT_TYPE: {"schema": {"type": "string"}}},
            "description": "Every operator metric, in the Prometheus text format.",
        },
        **METRICS_REFUSALS,
    },
)
async def get_operations_metrics(request: Request) -> Response:
    """Operator metrics for Prometheus: requests, latencies, errors, cases created.

    Needs `Authorization: Bearer <CASEDESK_METRICS_TOKEN>`; without that
    setting the route is disabled and answers 404. The counts are those of the
    process that answers (see the README on several workers).
    """
    expected = request.app.state.settings.metrics_token
    if expected is None:
        raise MetricsDisabled()
    if not token_matches(expected, request.headers.get("authorization")):
        raise MetricsTokenRequired()

    operations: OperationsMetrics = request.app.state.operations_metrics
    body, content_type = operations.exposition(request.headers.get("accept"))
    return Response(content=body, media_type=content_type)
