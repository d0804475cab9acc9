"""The case page: a case's text, properties, tags, fields and dropdowns.

Each edit form posts here, becomes one API call, and comes back to the page
(post/redirect/get); a refused change is shown next to the input it names.
The comments, tasks, timeline and durations sections come from
`case_sections` and post to their own modules.
"""

import json
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Annotated, Any
from urllib.parse import parse_qsl, quote, urlencode, urlsplit

from fastapi import APIRouter, Path
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.datastructures import FormData

from casedesk.cases.enums import CasePriority, CaseSeverity, CaseStatus
from casedesk.fields.types import FieldKind, FieldType
from casedesk.web.api import INPUT_REFUSALS, ApiError
from casedesk.web.context import CheckedForm, Page, WorkspacePage
from casedesk.web.errors import PageNotFound
from casedesk.web.forms import NotJson, parse_json_input
from casedesk.web.pages.case_sections import load_sections
from casedesk.web.templating import render

router = APIRouter(prefix="/ui/w/{workspace_id}", include_in_schema=False)

WorkspaceId = Annotated[uuid.UUID, Path()]
# Refusals a form shows next to its inputs; any other status (403, 404) is
# the API's answer for the whole page.
CLOSURE_REFUSAL_CODE = "closure_requirements_not_met"
# What a `datetime-local` input holds: no zone, seconds shown.
LOCAL_INPUT_FORMAT = "%Y-%m-%dT%H:%M:%S"
PROPERTY_NAMES = ("status", "priority", "severity", "assignee_id")
TEXT_NAMES = ("summary", "description")
# Inputs of `type="text"`, whose shown value a browser strips of line breaks.
ONE_LINE_INPUTS = frozenset({"summary"})
# Each edit form carries the values it was shown with as `was-NAME`.
SHOWN_PREFIX = "was-"
# The queue's query string a case was opened from rides along as `from`.
QUEUE_QUERY_PARAM = "from"
QUEUE_QUERY_LIMIT = 2000
WIDGETS = {
    FieldType.TEXT: "text",
    FieldType.INTEGER: "integer",
    FieldType.NUMERIC: "decimal",
    FieldType.DATE: "date",
    FieldType.TIMESTAMPTZ: "timestamp",
    FieldType.BOOLEAN: "boolean",
    FieldType.SELECT: "select",
    FieldType.MULTI_SELECT: "multi",
    FieldType.JSONB: "json",
}


@dataclass
class FieldInput:
    """One custom field as its form shows it: the input and what it holds."""

    name: str
    label: str
    type: str
    widget: str
    required_on_closure: bool
    value: Any
    # Text for a single input; the chosen options for a MULTI_SELECT.
    entered: str | list[str]
    options: list[str] = field(default_factory=list)

    @property
    def key(self) -> str:
        """The name its errors and kept values go by: `fields.NAME`."""
        return f"fields.{self.name}"


class FormRefused(Exception):
    """A submitted value the page rejects before calling the API."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


async def render_case_page(
    page: Page,
    case_id: uuid.UUID,
    *,
    errors: dict[str, str] | None = None,
    values: dict[str, Any] | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    """Render the case page; `errors` keyed by form input, `values` re-filled.

    Used by every form on the case page to show a refused submission next to
    the input that caused it.
    """
    case = await page.api.get(page.api_path(f"/cases/{case_id}"))
    can_update = page.can("case:update")
    errors = errors or {}
    values = values or {}

    members: list[dict[str, Any]] = []
    tags: list[dict[str, Any]] = []
    if can_update:
        members = await page.api.get(page.api_path("/members"))
        tags = await page.api.get(page.api_path("/case-tags"))
    dropdowns = await page.api.get(page.api_path("/case-dropdowns"))
    sections = await load_sections(
        page, case_id, field_names=field_names(case["fields"])
    )

    context = {
        **sections,
        "page": page,
        "nav": "queue",
        "case": case,
        "queue_url": queue_url(page),
        "from_suffix": from_suffix(page),
        "payload_text": payload_text(case.get("payload")),
        "errors": errors,
        "values": values,
        "can_update": can_update,
        "can_delete": page.can("case:delete"),
        "statuses": [status.value for status in CaseStatus],
        "priorities": [priority.value for priority in CasePriority],
        "severities": [severity.value for severity in CaseSeverity],
        "assignees": assignee_choices(page, members, case.get("assignee")),
        "addable_tags": addable_tags(tags, case["tags"]),
        "custom_fields": field_inputs(case["fields"], values),
        "dropdowns": dropdown_choices(dropdowns, case["dropdown_values"], values),
    }
    return render(page.request, "case/page.html", context, status_code=status_code)


def payload_text(payload: Any) -> str:
    """The case's source record as indented JSON, shown as text."""
    if not payload:
        return ""
    return json.dumps(payload, indent=2, ensure_ascii=False, sort_keys=True)


@router.get("/cases/{case_id}", response_class=HTMLResponse, name="case_page")
async def case_page(
    page: WorkspacePage, workspace_id: WorkspaceId, case_id: str
) -> Response:
    """A case with everything recorded on it, and its edit forms."""
    return await render_case_page(page, case_uuid(case_id))


@router.post("/cases/{case_id}/properties", response_class=HTMLResponse)
async def change_properties(
    page: WorkspacePage, workspace_id: WorkspaceId, case_id: str, form: CheckedForm
) -> Response:
    """Set status, priority, severity and assignee in one change.

    Only the inputs the person changed are sent: one still showing the value
    the page was opened with leaves the case's value, perhaps changed by
    someone else since, alone.
    """
    target = case_uuid(case_id)
    changed = changed_inputs(form, PROPERTY_NAMES)
    if not changed:
        return back_to_case(page, target, "properties")
    changes = {name: value or None for name, value in changed.items()}

    try:
        await page.api.patch(page.api_path(f"/cases/{target}"), changes)
    except ApiError as error:
        if error.status_code not in INPUT_REFUSALS:
            raise
        definitions = await page.api.get(page.api_path("/case-fields"))
        errors = property_errors(
            error,
            assigning=bool(changes.get("assignee_id")),
            names=field_names(definitions),
        )
        # Untouched inputs show the case as it is now, not the stale page.
        return await render_case_page(
            page,
            target,
            errors=errors,
            values=changed,
            status_code=error.status_code,
        )
    return back_to_case(page, target, "properties")


@router.post("/cases/{case_id}/text", response_class=HTMLResponse)
async def change_text(
    page: WorkspacePage, workspace_id: WorkspaceId, case_id: str, form: CheckedForm
) -> Response:
    """Rewrite the summary and the description in one change.

    As for the properties, only what the person changed is sent: saving a
    new summary keeps a description someone else wrote meanwhile.
    """
    target = case_uuid(case_id)
    changed = changed_inputs(form, TEXT_NAMES)
    summary = changed.get("summary")
    if summary is not None and not summary.strip():
        return await render_case_page(
            page,
            target,
            errors={"summary": "Enter a summary."},
            values=changed,
            status_code=422,
        )
    if not changed:
        return back_to_case(page, target, "text")

    try:
        await page.api.patch(page.api_path(f"/cases/{target}"), changed)
    except ApiError as error:
        if error.status_code not in INPUT_REFUSALS:
            raise
        found = error.field_errors()
        errors = {name: found[name] for name in changed if name in found}
        return await render_case_page(
            page,
            target,
            errors=errors or {"summary": error.message},
            values=changed,
            status_code=error.status_code,
        )
    return back_to_case(page, target, "text")


@router.post("/cases/{case_id}/tags", response_class=HTMLResponse)
async def add_tag(
    page: WorkspacePage, workspace_id: WorkspaceId, case_id: str, form: CheckedForm
) -> Response:
    """Put one of the workspace's tags on the case."""
    target = case_uuid(case_id)
    tag_id = _text(form, "tag_id")
    if not tag_id:
        return await render_case_page(
            page,
            target,
            errors={"tag_id": "Choose a tag to add."},
            status_code=422,
        )

    try:
        await page.api.post(page.api_path(f"/cases/{target}/tags"), {"tag_id": tag_id})
    except ApiError as error:
        if error.status_code not in (*INPUT_REFUSALS, 404):
            raise
        # The case itself is read again below: if it is gone, that is the 404.
        return await render_case_page(
            page,
            target,
            errors={"tag_id": error.message},
            values={"tag_id": tag_id},
            status_code=error.status_code,
        )
    return back_to_case(page, target, "tags")


@router.post("/cases/{case_id}/tags/{tag_id}/remove", response_class=HTMLResponse)
async def remove_tag(
    page: WorkspacePage,
    workspace_id: WorkspaceId,
    case_id: str,
    tag_id: Annotated[str, Path(max_length=100)],
    form: CheckedForm,
) -> Response:
    """Take a tag off the case."""
    target = case_uuid(case_id)
    tag = quote(tag_id, safe="")
    await page.api.delete(page.api_path(f"/cases/{target}/tags/{tag}"))
    return back_to_case(page, target, "tags")


@router.post("/cases/{case_id}/fields/{field_name}", response_class=HTMLResponse)
async def change_field(
    page: WorkspacePage,
    workspace_id: WorkspaceId,
    case_id: str,
    field_name: Annotated[str, Path(max_length=255)],
    form: CheckedForm,
) -> Response:
    """Set one custom field of the case; an empty input clears it."""
    target = case_uuid(case_id)
    definitions = await page.api.get(page.api_path("/case-fields"))
    definition = next(
        (
            item
            for item in definitions
            if item["id"] == field_name and not item["reserved"]
        ),
        None,
    )
    if definition is None:
        raise PageNotFound()

    key = f"fields.{field_name}"
    kept = _field_entry(definition, form)
    try:
        value = field_value(definition, kept)
        await page.api.patch(
            page.api_path(f"/cases/{target}"), {"fields": {field_name: value}}
        )
    except FormRefused as refusal:
        return await render_case_page(
            page,
            target,
            errors={key: refusal.message},
            values={key: kept},
            status_code=422,
        )
    except ApiError as error:
        if error.status_code not in INPUT_REFUSALS:
            raise
        return await render_case_page(
            page,
            target,
            errors={key: error.message},
            values={key: kept},
            status_code=error.status_code,
        )
    return back_to_case(page, target, f"field-{field_name}")


@router.post("/cases/{case_id}/dropdowns/{definition_id}", response_class=HTMLResponse)
async def choose_dropdown_option(
    page: WorkspacePage,
    workspace_id: WorkspaceId,
    case_id: str,
    definition_id: uuid.UUID,
    form: CheckedForm,
) -> Response:
    """Choose the case's option in one dropdown, or none."""
    target = case_uuid(case_id)
    option_id = _text(form, "option_id") or None
    key = f"dropdowns.{definition_id}"

    try:
        await page.api.put(
            page.api_path(f"/cases/{target}/dropdowns/{definition_id}"),
            {"option_id": option_id},
        )
    except ApiError as error:
        if error.status_code not in INPUT_REFUSALS:
            raise
        return await render_case_page(
            page,
            target,
            errors={key: error.message},
            values={key: option_id or ""},
            status_code=error.status_code,
        )
    return back_to_case(page, target, "dropdowns")


@router.post("/cases/{case_id}/delete")
async def delete_case(
    page: WorkspacePage, workspace_id: WorkspaceId, case_id: str, form: CheckedForm
) -> Response:
    """Delete the case and everything recorded on it; back to the queue."""
    target = case_uuid(case_id)
    await page.api.delete(page.api_path(f"/cases/{target}"))
    return RedirectResponse(queue_url(page), status_code=303)


def changed_inputs(form: FormData, names: Iterable[str]) -> dict[str, str]:
    """The inputs whose submitted value differs from the one the form showed.

    A form carries what each input was shown with as `was-NAME`; an input
    without it (a form made by hand) counts as changed, and an input the
    form does not hold at all as unchanged. Line breaks are compared and
    returned as plain newlines; a one-line input (the summary) is compared
    without them, as a browser drops them from what such an input shows.
    """
    changed = {}
    for name in names:
        if name not in form:
            continue
        value = _lines(_text(form, name))
        shown = form.get(f"{SHOWN_PREFIX}{name}")
        if isinstance(shown, str) and _as_shown(name, shown) == _as_shown(name, value):
            continue
        changed[name] = value
    return changed


def _as_shown(name: str, value: str) -> str:
    """`value` as the input `name` shows it: a one-line input has no breaks."""
    if name in ONE_LINE_INPUTS:
        return value.replace("\r", "").replace("\n", "")
    return _lines(value)


def queue_query(raw: str | None) -> str:
    """The queue's query string a case was opened from, if it is only that.

    Anything that could name another page or site (a scheme, a host, a
    leading slash) gives "" (the bare queue), as does a query longer than a
    queue address needs once encoded afresh; encoded afresh, it cannot end
    the query it is put in.
    """
    if not raw or len(raw) > QUEUE_QUERY_LIMIT or raw.startswith(("/", "\\")):
        return ""
    try:
        parts = urlsplit(raw)
    except ValueError:
        return ""
    if parts.scheme or parts.netloc:
        return ""

    query = urlencode(parse_qsl(raw, keep_blank_values=True))
    return query if len(query) <= QUEUE_QUERY_LIMIT else ""


def queue_url(page: Page) -> str:
    """The queue with the filters the case was opened from, if any."""
    query = queue_query(page.request.query_params.get(QUEUE_QUERY_PARAM))
    return page.url("/cases") + (f"?{query}" if query else "")


def from_suffix(page: Page) -> str:
    """`?from=…` for the case page's own addresses, to keep the way back."""
    query = queue_query(page.request.query_params.get(QUEUE_QUERY_PARAM))
    return f"?{urlencode({QUEUE_QUERY_PARAM: query})}" if query else ""


def field_names(fields: list[dict[str, Any]]) -> dict[str, str]:
    """Display names of fields (a case's or the workspace's) by field name."""
    return {entry["id"]: entry.get("display_name") or entry["id"] for entry in fields}


def case_uuid(case_id: str) -> uuid.UUID:
    """The case id of a page address; anything else names no page."""
    try:
        return uuid.UUID(case_id)
    except ValueError as error:
        raise PageNotFound() from error


def assignee_choices(
    page: Page, members: list[dict[str, Any]], assignee: dict[str, Any] | None
) -> list[dict[str, str]]:
    """Who the case can be given to: active members, and whoever has it now."""
    choices = [
        {"id": str(member["user_id"]), "name": page.display_name(member)}
        for member in members
        if member.get("is_active", True)
    ]
    choices.sort(key=lambda choice: choice["name"].lower())
    if assignee and all(choice["id"] != assignee["id"] for choice in choices):
        choices.insert(0, {"id": assignee["id"], "name": page.display_name(assignee)})
    return choices


def addable_tags(
    tags: list[dict[str, Any]], on_case: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    """The workspace's tags the case does not carry yet, by name."""
    present = {tag["id"] for tag in on_case}
    missing = [tag for tag in tags if tag["id"] not in present]
    return sorted(missing, key=lambda tag: str(tag["name"]).lower())


def field_inputs(
    fields: list[dict[str, Any]], values: dict[str, Any]
) -> list[FieldInput]:
    """The case's custom fields with their inputs' contents.

    A field whose form was just refused shows what was submitted, not what
    is stored.
    """
    inputs = []
    for entry in fields:
        if entry.get("reserved"):
            continue
        field_type = FieldType(entry["type"])
        widget = WIDGETS[field_type]
        if field_type == FieldType.TEXT and entry.get("kind") == FieldKind.LONG_TEXT:
            widget = "textarea"

        item = FieldInput(
            name=entry["id"],
            label=entry.get("display_name") or entry["id"],
            type=field_type.value,
            widget=widget,
            required_on_closure=bool(entry.get("required_on_closure")),
            value=entry.get("value"),
            entered=entered_text(field_type, entry.get("value")),
            options=list(entry.get("options") or []),
        )
        if item.key in values:
            item.entered = values[item.key]
        # A value chosen before its option was removed stays choosable.
        chosen = item.entered if isinstance(item.entered, list) else [item.entered]
        item.options += [
            option for option in chosen if option and option not in item.options
        ]
        inputs.append(item)
    return inputs


def entered_text(field_type: FieldType, value: Any) -> str | list[str]:
    """A stored value as its input holds it."""
    if field_type == FieldType.MULTI_SELECT:
        return [str(item) for item in value or []]
    if value is None:
        return ""
    if field_type == FieldType.BOOLEAN:
        return "true" if value else "false"
    if field_type == FieldType.TIMESTAMPTZ:
        moment = datetime.fromisoformat(str(value)).astimezone(UTC)
        return moment.strftime(LOCAL_INPUT_FORMAT)
    if field_type == FieldType.JSONB:
        return json.dumps(value, indent=2, ensure_ascii=False)
    return str(value)


def field_value(definition: dict[str, Any], entered: str | list[str]) -> Any:
    """The JSON value to send for what a field's input held; empty is null.

    Only JSON is parsed here; every other type is checked by the API, whose
    message is then shown.
    """
    field_type = FieldType(definition["type"])
    if isinstance(entered, list):
        return entered or None
    if not entered.strip():
        return None

    if field_type == FieldType.BOOLEAN:
        return {"true": True, "false": False}.get(entered, entered)
    if field_type == FieldType.TIMESTAMPTZ:
        return _as_utc(entered)
    if field_type == FieldType.JSONB:
        return _parsed_json(entered)
    return entered


def dropdown_choices(
    definitions: list[dict[str, Any]],
    chosen: list[dict[str, Any]],
    values: dict[str, Any],
) -> list[dict[str, Any]]:
    """Each dropdown with its options and the case's choice in it."""
    by_definition = {item["definition_id"]: item.get("option_id") for item in chosen}
    choices = []
    for definition in definitions:
        key = f"dropdowns.{definition['id']}"
        option_id = values.get(key, by_definition.get(definition["id"]))
        selected = next(
            (option for option in definition["options"] if option["id"] == option_id),
            None,
        )
        choices.append(
            {
                "definition": definition,
                "key": key,
                "option_id": option_id or "",
                "option_label": selected["label"] if selected else "",
            }
        )
    return choices


def property_errors(
    error: ApiError, *, assigning: bool, names: Mapping[str, str] | None = None
) -> dict[str, str]:
    """Which input of the properties form a refusal belongs to.

    `names` are the fields' display names, for a refused closure.
    """
    closure = closure_message(error.detail, names=names)
    if closure is not None:
        return {"status": closure}

    found = error.field_errors()
    named = {name: found[name] for name in PROPERTY_NAMES if name in found}
    if named:
        return named
    # The API's other refusals of these four concern the assignee (not a
    # member, deactivated); the enums are checked by validation above.
    return {"assignee_id" if assigning else "status": error.message}


def closure_message(
    detail: Any, *, names: Mapping[str, str] | None = None
) -> str | None:
    """The sentence for a refused closure, or None for any other refusal.

    The API's `detail` is then a string holding JSON with what is missing:
    fields by name, shown by their display names where `names` has them,
    and dropdowns by their display names already.
    """
    if not isinstance(detail, str):
        return None
    try:
        body = json.loads(detail)
    except ValueError:
        return None
    if not isinstance(body, dict) or body.get("code") != CLOSURE_REFUSAL_CODE:
        return None

    names = names or {}
    missing = [
        *[names.get(str(name), str(name)) for name in body.get("missing_fields") or []],
        *[str(name) for name in body.get("missing_dropdowns") or []],
    ]
    return (
        "This case cannot be closed or resolved until these are filled in: "
        f"{', '.join(missing)}."
    )


def _field_entry(definition: dict[str, Any], form: FormData) -> str | list[str]:
    if definition["type"] == FieldType.MULTI_SELECT:
        return [
            item for item in form.getlist("value") if isinstance(item, str) and item
        ]
    entered = _text(form, "value")
    if definition["type"] == FieldType.TEXT:
        return _lines(entered)
    return entered


def _as_utc(entered: str) -> str:
    """A `datetime-local` entry, which has no zone, read as UTC."""
    try:
        moment = datetime.fromisoformat(entered.strip())
    except ValueError:
        # The API refuses it with its own message.
        return entered
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    try:
        in_utc = moment.astimezone(UTC)
    except OverflowError:
        # Year 1 or 9999 shifted past the calendar: the API says why.
        return entered
    return in_utc.isoformat().replace("+00:00", "Z")


def _parsed_json(entered: str) -> Any:
    try:
        return parse_json_input(entered)
    except NotJson as error:
        raise FormRefused(str(error)) from error


def _text(form: FormData, name: str) -> str:
    value = form.get(name)
    return value if isinstance(value, str) else ""


def _lines(text: str) -> str:
    # Browsers send a textarea's line breaks as CRLF; the API stores what the
    # analyst typed, with plain newlines as every other client sends.
    return text.replace("\r\n", "\n")


def back_to_case(page: Page, case_id: uuid.UUID, anchor: str) -> RedirectResponse:
    """Back to the case page's `anchor` section, keeping the way to the queue."""
    case_url = page.url(f"/cases/{case_id}{from_suffix(page)}#{anchor}")
    return RedirectResponse(case_url, status_code=303)
