"""The queue: a workspace's cases, filtered, sorted and paged, changed in bulk.

Everything the queue shows lives in its URL, so a view can be bookmarked and
shared. The page reads its own query (whole days, rows of custom field
filters), turns it into the parameters of `GET /cases/search` and
`GET /cases/search/aggregate`, and turns its bulk form into one call of
`POST /cases/batch-update` or `POST /cases/batch-delete`. A bulk change
that succeeds comes back to the same view with a one-time notice of how many
cases it changed; links to cases carry the view, for the case page's way back.
"""

import uuid
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from typing import Annotated, Any
from urllib.parse import parse_qsl, urlencode, urlsplit

from fastapi import APIRouter, Path
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.datastructures import FormData, QueryParams

from casedesk.cases.batch_schemas import MAX_BATCH_SIZE
from casedesk.cases.enums import CasePriority, CaseSeverity, CaseStatus
from casedesk.cases.listing import CaseOrderBy, SortDirection
from casedesk.errors import Forbidden
from casedesk.fields.types import FieldType
from casedesk.web.api import INPUT_REFUSALS, ApiError, describe
from casedesk.web.context import CheckedForm, Page, WorkspacePage
from casedesk.web.ordering import natural_key
from casedesk.web.pages.case import QUEUE_QUERY_PARAM, closure_message
from casedesk.web.templating import render

router = APIRouter(prefix="/ui/w/{workspace_id}", include_in_schema=False)

WorkspaceId = Annotated[uuid.UUID, Path()]
PAGE_SIZES = ("20", "50", "100")
DEFAULT_PAGE_SIZE = PAGE_SIZES[0]
DEFAULT_ORDER = CaseOrderBy.CREATED_AT.value
DEFAULT_SORT = SortDirection.DESC.value
UNASSIGNED = "unassigned"
FIELD_PREFIX = "fields."
# Rows of custom field filters the form offers; a URL may carry more, up to
# a limit that keeps a hand-made address from costing the server much.
FIELD_FILTER_ROWS = 3
MAX_FIELD_FILTER_ROWS = 10
# The form's comparison → the suffix of the API's `fields.NAME…` parameter.
FIELD_OPERATORS = {"eq": "", "gte": "__gte", "lte": "__lte"}
SORTABLE_FIELD_TYPES = frozenset(FieldType) - {FieldType.JSONB, FieldType.MULTI_SELECT}
ORDER_LABELS = {
    CaseOrderBy.CREATED_AT: "Created",
    CaseOrderBy.UPDATED_AT: "Updated",
    CaseOrderBy.STATUS: "Status",
    CaseOrderBy.PRIORITY: "Priority",
    CaseOrderBy.SEVERITY: "Severity",
    CaseOrderBy.TASKS: "Tasks",
}
# Each date input → the API's bound and the moment of that UTC day it means:
# a range includes the whole of its last day.
DATE_BOUNDS = {
    "created_from": ("start_time", time.min),
    "created_to": ("end_time", time.max),
    "updated_from": ("updated_after", time.min),
    "updated_to": ("updated_before", time.max),
}
# The form input each API query parameter comes from, where the names differ.
INPUT_OF_PARAM = {api: name for name, (api, _) in DATE_BOUNDS.items()}
# Statuses always shown among the counts; the others only when they count.
MAIN_STATUSES = ("new", "in_progress", "on_hold", "resolved", "closed")
# Refusals shown on the queue itself; any other status is the API's answer
# for the whole page (403 "not allowed", 404 "not found").
# The bulk form's inputs → the key of the API's `update` they set.
BULK_CHANGES = {
    "set_status": "status",
    "set_priority": "priority",
    "set_assignee": "assignee_id",
}
INPUT_OF_UPDATE_KEY = {f"update.{key}": name for name, key in BULK_CHANGES.items()}
MAX_RETURN_TO_LENGTH = 4000
# The one-time notice after a bulk change: how many cases, and what was done.
# Neither is part of the view: no form, sort or paging link carries them.
DONE = "done"
DONE_ACTION = "done_action"
NOTICE_PARAMS = frozenset({DONE, DONE_ACTION})
DONE_WORDS = {"update": "changed", "delete": "deleted"}


@dataclass(frozen=True)
class FieldFilterRow:
    """One row of the custom field filters: field, comparison and value."""

    name: str = ""
    operator: str = "eq"
    value: str = ""

    @property
    def is_blank(self) -> bool:
        """Neither a field nor a value: the row asks for nothing."""
        return not self.name and not self.value

    @property
    def is_complete(self) -> bool:
        """Both a field and a value: the row is a filter."""
        return bool(self.name and self.value)


@dataclass
class QueueState:
    """What the queue shows, as its URL says: filters, order and page."""

    search_term: str = ""
    status: list[str] = field(default_factory=list)
    priority: list[str] = field(default_factory=list)
    severity: list[str] = field(default_factory=list)
    assignee_id: str = ""
    tags: list[str] = field(default_factory=list)
    tags_match: str = "any"
    dates: dict[str, str] = field(default_factory=dict)
    field_rows: list[FieldFilterRow] = field(default_factory=list)
    order_by: str = DEFAULT_ORDER
    sort: str = DEFAULT_SORT
    limit: str = DEFAULT_PAGE_SIZE
    cursor: str = ""

    @classmethod
    def of(cls, params: QueryParams) -> "QueueState":
        """Read the queue's query string; values are checked later."""

        def text(name: str, default: str = "") -> str:
            return (params.get(name) or "").strip() or default

        def texts(name: str) -> list[str]:
            found = (value.strip() for value in params.getlist(name))
            return list(dict.fromkeys(value for value in found if value))

        return cls(
            search_term=text("search_term"),
            status=texts("status"),
            priority=texts("priority"),
            severity=texts("severity"),
            assignee_id=text("assignee_id"),
            tags=texts("tags"),
            tags_match=text("tags_match", "any"),
            dates={name: text(name) for name in DATE_BOUNDS if text(name)},
            field_rows=_field_rows(params),
            order_by=text("order_by", DEFAULT_ORDER),
            sort=text("sort", DEFAULT_SORT),
            limit=text("limit", DEFAULT_PAGE_SIZE),
            cursor=text("cursor"),
        )

    @property
    def has_filters(self) -> bool:
        """Whether anything narrows the queue (order and page size do not)."""
        return bool(
            self.search_term
            or self.status
            or self.priority
            or self.severity
            or self.assignee_id
            or self.tags
            or self.dates
            or any(row.is_complete for row in self.field_rows)
        )

    @property
    def form_rows(self) -> list[FieldFilterRow]:
        """The custom field rows the form shows: those entered, then blanks."""
        blanks = max(FIELD_FILTER_ROWS - len(self.field_rows), 0)
        return [*self.field_rows, *[FieldFilterRow()] * blanks]

    def links(self) -> list[tuple[str, str]]:
        """The state as the query pairs of links: no cursor, no defaults."""
        pairs = [("search_term", self.search_term)]
        for name in ("status", "priority", "severity"):
            pairs += [(name, value) for value in getattr(self, name)]
        pairs.append(("assignee_id", self.assignee_id))
        pairs += [("tags", tag) for tag in self.tags]
        if self.tags and self.tags_match != "any":
            pairs.append(("tags_match", self.tags_match))
        pairs += list(self.dates.items())
        # Only complete rows: links drop empty values, which would pair the
        # names, comparisons and values of different rows.
        for row in self.field_rows:
            if row.is_complete:
                pairs += [
                    ("cf_name", row.name),
                    ("cf_op", row.operator),
                    ("cf_value", row.value),
                ]
        if self.order_by != DEFAULT_ORDER:
            pairs.append(("order_by", self.order_by))
        if self.sort != DEFAULT_SORT:
            pairs.append(("sort", self.sort))
        if self.limit != DEFAULT_PAGE_SIZE:
            pairs.append(("limit", self.limit))
        return [(name, value) for name, value in pairs if value]

    def refusals(self) -> dict[str, str]:
        """What the page itself cannot turn into API parameters, by input."""
        errors: dict[str, str] = {}
        for name, text in self.dates.items():
            if _day(text) is None:
                errors[name] = "Enter a date as YYYY-MM-DD."

        if len(self.field_rows) > MAX_FIELD_FILTER_ROWS:
            errors["filters"] = (
                f"At most {MAX_FIELD_FILTER_ROWS} custom field filters; "
                "the others were left out."
            )
            del self.field_rows[MAX_FIELD_FILTER_ROWS:]

        for index, row in enumerate(self.field_rows):
            if row.operator not in FIELD_OPERATORS:
                errors[f"cf_op-{index}"] = "Choose =, ≥ or ≤."
            if row.name and not row.value:
                errors[f"cf_value-{index}"] = "Enter a value to compare with."
            if row.value and not row.name:
                errors[f"cf_name-{index}"] = "Choose a field to compare."
        return errors

    def api_filters(self) -> list[tuple[str, str]]:
        """The filters but status, as the API's query parameters."""
        params = [("search_term", self.search_term)]
        for name in ("priority", "severity"):
            params += [(name, value) for value in getattr(self, name)]
        params.append(("assignee_id", self.assignee_id))
        if self.tags:
            params += [("tags", tag) for tag in self.tags]
            params.append(("tags_match", self.tags_match))

        for name, text in self.dates.items():
            api_name, moment = DATE_BOUNDS[name]
            # A date that does not parse is among `refusals()`, checked first.
            if (day := _day(text)) is not None:
                stamp = datetime.combine(day, moment, UTC)
                params.append((api_name, stamp.isoformat()))

        for row in self.field_rows:
            if row.is_complete:
                suffix = FIELD_OPERATORS[row.operator]
                params.append((f"{FIELD_PREFIX}{row.name}{suffix}", row.value))
        return [(name, value) for name, value in params if value]

    def api_search(self) -> list[tuple[str, str]]:
        """Every parameter of the page's `GET /cases/search`."""
        params = [*self.api_filters(), *[("status", value) for value in self.status]]
        params += [
            ("order_by", self.order_by),
            ("sort", self.sort),
            ("limit", self.limit),
        ]
        if self.cursor:
            params.append(("cursor", self.cursor))
        return params


@router.get("/cases", response_class=HTMLResponse, name="queue")
async def queue(page: WorkspacePage, workspace_id: WorkspaceId) -> Response:
    """The workspace's cases matching the filters in the URL, a page at a time."""
    request = page.request
    here = queue_view_url(page.url("/cases"), request.url.query)
    return await render_queue(
        page,
        request.query_params,
        return_to=here,
        notice=done_notice(request.query_params),
    )


@router.post("/cases/bulk", response_class=HTMLResponse)
async def bulk_change(
    page: WorkspacePage, workspace_id: WorkspaceId, form: CheckedForm
) -> Response:
    """Change or delete the ticked cases; then back to the same queue view."""
    if not page.can("case:update"):
        # The API would refuse too; saying so first beats a form error.
        raise Forbidden("Your role in this workspace cannot change cases")

    return_to = safe_return_to(page, _text(form, "return_to"))
    return_to = queue_view_url(page.url("/cases"), urlsplit(return_to).query)
    view = QueryParams(urlsplit(return_to).query)
    chosen = [value for value in form.getlist("case_id") if isinstance(value, str)]
    submitted = {name: _text(form, name) for name in BULK_CHANGES}
    bulk = {"selected": set(chosen), "values": submitted}

    action = _text(form, "action")
    refusal = _bulk_refusal(chosen, action, submitted)
    if refusal is not None:
        return await render_queue(
            page,
            view,
            return_to=return_to,
            bulk={**bulk, "errors": refusal},
            status_code=400,
        )

    path = "/cases/batch-delete"
    body: dict[str, Any] = {"case_ids": chosen}
    if action == "update":
        path = "/cases/batch-update"
        body["update"] = bulk_update(submitted)

    try:
        outcome = await page.api.post(page.api_path(path), body)
    except ApiError as error:
        if error.status_code not in INPUT_REFUSALS:
            raise
        return await render_queue(
            page,
            view,
            return_to=return_to,
            bulk={**bulk, "errors": _bulk_errors(error)},
            status_code=error.status_code,
        )

    failures = [result for result in outcome["results"] if not result["success"]]
    if failures:
        # Each case succeeds or fails on its own: the others are changed.
        return await render_queue(
            page,
            view,
            return_to=return_to,
            bulk={
                "selected": {str(result["case_id"]) for result in failures},
                "values": submitted,
                "errors": {"bulk": _failure_summary(outcome, action)},
                "failures": [
                    {"case_id": str(result["case_id"]), "reason": reason(result)}
                    for result in failures
                ],
            },
            status_code=409,
        )

    done = [(DONE, str(outcome["succeeded"])), (DONE_ACTION, DONE_WORDS[action])]
    separator = "&" if "?" in return_to else "?"
    return RedirectResponse(f"{return_to}{separator}{urlencode(done)}", status_code=303)


async def render_queue(
    page: Page,
    params: QueryParams,
    *,
    return_to: str,
    bulk: dict[str, Any] | None = None,
    notice: str = "",
    status_code: int = 200,
) -> HTMLResponse:
    """Render the queue for `params`; a refused filter is shown, not raised."""
    state = QueueState.of(params)
    members = await page.api.get(page.api_path("/members"))
    tags = await page.api.get(page.api_path("/case-tags"))
    custom_fields = [
        item
        for item in await page.api.get(page.api_path("/case-fields"))
        if not item["reserved"]
    ]

    errors = state.refusals()
    result: dict[str, Any] | None = None
    counts: dict[str, Any] | None = None
    if errors:
        errors.setdefault("filters", "Some filters need fixing; see below.")
        status_code = 422
    else:
        try:
            result = await page.api.get(
                page.api_path("/cases/search"), state.api_search()
            )
            counts = await page.api.get(
                page.api_path("/cases/search/aggregate"), state.api_filters()
            )
        except ApiError as error:
            if error.status_code not in INPUT_REFUSALS:
                raise
            result = counts = None
            errors = _filter_errors(error)
            status_code = error.status_code

    context = {
        "page": page,
        "state": state,
        "params": state.links(),
        "queue_url": page.url("/cases"),
        "return_to": return_to,
        "case_query": case_link_query(state),
        "notice": notice,
        "errors": errors,
        "result": result,
        "status_counts": status_counts(counts, state),
        "all_count": counts["total"] if counts else None,
        "statuses": [status.value for status in CaseStatus],
        "priorities": [priority.value for priority in CasePriority],
        "severities": [severity.value for severity in CaseSeverity],
        "assignees": assignee_choices(page, members, state.assignee_id),
        "bulk_assignees": [
            choice for choice in assignee_choices(page, members) if choice["active"]
        ],
        "tag_choices": tag_choices(tags, state.tags),
        "custom_fields": custom_fields,
        "field_choices": field_choices(custom_fields, state.field_rows),
        "order_choices": order_choices(custom_fields, state.order_by),
        "page_sizes": sorted({*PAGE_SIZES, state.limit}, key=_size_key),
        "short_ids": {
            item["id"]: item["short_id"] for item in (result or {}).get("items", [])
        },
        "bulk": {"selected": set(), "values": {}, "errors": {}, **(bulk or {})},
        "can_update": page.can("case:update"),
        "can_delete": page.can("case:delete"),
    }
    return render(page.request, "queue.html", context, status_code=status_code)


def safe_return_to(page: Page, value: str) -> str:
    """The queue view to go back to: this workspace's queue, nothing else."""
    queue_path = page.url("/cases")
    if len(value) > MAX_RETURN_TO_LENGTH or "\\" in value:
        return queue_path
    if any(ord(character) < 0x20 or ord(character) == 0x7F for character in value):
        return queue_path
    if value == queue_path or value.startswith(f"{queue_path}?"):
        return value
    return queue_path


def queue_view_url(queue_path: str, query: str) -> str:
    """The queue at `query`, less the one-time notice of a bulk change."""
    pairs = parse_qsl(query, keep_blank_values=True)
    kept = [(name, value) for name, value in pairs if name not in NOTICE_PARAMS]
    if len(kept) == len(pairs):
        # Untouched, so the view comes back exactly as it was asked for.
        return f"{queue_path}?{query}" if query else queue_path
    return f"{queue_path}?{urlencode(kept)}" if kept else queue_path


def done_notice(params: QueryParams) -> str:
    """The notice `done=3&done_action=deleted` asks for; "" if it is not one."""
    # XXX(product): the notice is read from the address, so a link can show
    # "1000 cases deleted." when nothing was; its wording is fixed and it
    # shows as text, so such a link misleads and can do no more.
    count = params.get(DONE) or ""
    if not (count.isascii() and count.isdigit() and len(count) <= 4):
        return ""
    number = int(count)
    if not 1 <= number <= MAX_BATCH_SIZE:
        return ""

    action = params.get(DONE_ACTION)
    word = "deleted" if action == DONE_WORDS["delete"] else DONE_WORDS["update"]
    return f"{number} case{'' if number == 1 else 's'} {word}."


def case_link_query(state: QueueState) -> str:
    """`from=…` for links to cases: the view, page included, to come back to."""
    view = state.links()
    if state.cursor:
        view.append(("cursor", state.cursor))
    return urlencode([(QUEUE_QUERY_PARAM, urlencode(view))]) if view else ""


def bulk_update(submitted: dict[str, str]) -> dict[str, Any]:
    """The API's `update` for the bulk form's chosen changes."""
    update: dict[str, Any] = {}
    for name, key in BULK_CHANGES.items():
        value = submitted[name]
        if not value:
            continue
        # `assignee_id: null` is how the API unassigns.
        update[key] = None if value == UNASSIGNED else value
    return update


def status_counts(
    counts: dict[str, Any] | None, state: QueueState
) -> list[dict[str, Any]]:
    """The status links above the table: each status with its count."""
    if counts is None:
        return []
    groups = counts["status_groups"]
    return [
        {
            "status": status.value,
            "count": groups.get(status.value, 0),
            "active": state.status == [status.value],
        }
        for status in CaseStatus
        if status.value in MAIN_STATUSES
        or groups.get(status.value)
        or status.value in state.status
    ]


def assignee_choices(
    page: Page, members: list[dict[str, Any]], chosen: str = ""
) -> list[dict[str, Any]]:
    """Members by name; one the URL names but who is not a member is kept."""
    choices = [
        {
            "id": str(member["user_id"]),
            "name": page.display_name(member),
            "active": bool(member.get("is_active", True)),
        }
        for member in members
    ]
    choices.sort(key=lambda choice: str(choice["name"]).lower())
    known = {choice["id"] for choice in choices}
    if chosen and chosen != UNASSIGNED and chosen not in known:
        choices.insert(0, {"id": chosen, "name": chosen, "active": False})
    return choices


def tag_choices(tags: list[dict[str, Any]], chosen: list[str]) -> list[dict[str, str]]:
    """Tags by name, chosen by ref; a chosen tag that does not exist is kept."""
    choices = sorted(
        ({"ref": str(tag["ref"]), "name": str(tag["name"])} for tag in tags),
        key=lambda choice: (natural_key(choice["name"]), choice["name"]),
    )
    known = {choice["ref"] for choice in choices} | {str(tag["id"]) for tag in tags}
    unknown = [{"ref": ref, "name": ref} for ref in chosen if ref not in known]
    return [*unknown, *choices]


def field_choices(
    custom_fields: list[dict[str, Any]], rows: list[FieldFilterRow]
) -> list[dict[str, str]]:
    """Custom fields to filter by; one a row names that does not exist is kept."""
    choices = [
        {"name": str(item["id"]), "label": _field_label(item)} for item in custom_fields
    ]
    known = {choice["name"] for choice in choices}
    for row in rows:
        if row.name and row.name not in known:
            choices.insert(0, {"name": row.name, "label": row.name})
            known.add(row.name)
    return choices


def order_choices(
    custom_fields: list[dict[str, Any]], order_by: str
) -> list[dict[str, str]]:
    """What the queue can be sorted by: the API's columns, then custom fields."""
    choices = [
        {"value": order.value, "label": label} for order, label in ORDER_LABELS.items()
    ]
    choices += [
        {"value": f"{FIELD_PREFIX}{item['id']}", "label": f"{_field_label(item)}"}
        for item in custom_fields
        if item["type"] in SORTABLE_FIELD_TYPES
    ]
    if all(choice["value"] != order_by for choice in choices):
        choices.insert(0, {"value": order_by, "label": order_by})
    return choices


def reason(result: dict[str, Any]) -> str:
    """Why the API left one case of a batch unchanged, as a sentence."""
    error = result.get("error")
    return closure_message(error) or describe(error or "The case was not changed")


def _field_rows(params: QueryParams) -> list[FieldFilterRow]:
    names = params.getlist("cf_name")
    operators = params.getlist("cf_op")
    values = params.getlist("cf_value")
    rows = []
    for index in range(max(len(names), len(operators), len(values))):
        row = FieldFilterRow(
            name=_at(names, index),
            operator=_at(operators, index) or "eq",
            value=_at(values, index),
        )
        if not row.is_blank:
            rows.append(row)
    return rows


def _at(values: list[str], index: int) -> str:
    return values[index].strip() if index < len(values) else ""


def _day(text: str) -> date | None:
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None


def _size_key(size: str) -> tuple[int, str]:
    # ASCII digits only: `isdigit` also accepts "²", which `int` refuses.
    if size.isascii() and size.isdigit() and len(size) <= len(PAGE_SIZES[-1]):
        return (int(size), size)
    return (0, size)


def _field_label(item: dict[str, Any]) -> str:
    return str(item.get("display_name") or item["id"])


def _filter_errors(error: ApiError) -> dict[str, str]:
    """The API's refusal of a filter: the message, and the inputs it names."""
    errors = {"filters": error.message}
    for key, message in error.field_errors().items():
        name = key.split(".")[0]
        errors.setdefault(INPUT_OF_PARAM.get(name, name), message)
    return errors


def _bulk_refusal(
    chosen: list[str], action: str, submitted: dict[str, str]
) -> dict[str, str] | None:
    """Why the bulk form cannot become an API call, by input; None if it can."""
    if not chosen:
        return {"bulk": "Select at least one case."}
    if action == "delete":
        return None
    if action != "update":
        return {"bulk": "Choose what to do with the selected cases."}
    if not bulk_update(submitted):
        return {"bulk": "Choose a status, priority or assignee to set."}
    return None


def _bulk_errors(error: ApiError) -> dict[str, str]:
    """A refused batch: its message, and the bulk inputs its 422 names."""
    errors = {"bulk": error.message}
    for key, message in error.field_errors().items():
        if key in INPUT_OF_UPDATE_KEY:
            errors[INPUT_OF_UPDATE_KEY[key]] = message
    return errors


def _failure_summary(outcome: dict[str, Any], action: str) -> str:
    done = "deleted" if action == "delete" else "changed"
    total = outcome["succeeded"] + outcome["failed"]
    return (
        f"{outcome['succeeded']} of {total} selected cases {done}; "
        f"{outcome['failed']} left as they were:"
    )


def _text(form: FormData, name: str) -> str:
    value = form.get(name)
    return value.strip() if isinstance(value, str) else ""
