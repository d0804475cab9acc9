"""The form that opens a new case: `/ui/w/{workspace_id}/cases/new`."""

import uuid
from typing import Annotated, Any

import structlog
from fastapi import APIRouter, Path
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.datastructures import FormData

from casedesk.errors import Forbidden
from casedesk.web.api import REFERENCE_REFUSALS, ApiError
from casedesk.web.context import CheckedForm, Page, WorkspacePage
from casedesk.web.forms import NotJson, parse_json_input
from casedesk.web.ordering import natural_key
from casedesk.web.templating import render

log = structlog.get_logger(__name__)

UNKNOWN_TAG = "Unknown tag"

router = APIRouter(prefix="/ui/w/{workspace_id}", include_in_schema=False)

# Each choice with its published code and meaning, as the contract asks the
# interface to show them.
STATUS_CHOICES = (
    ("unknown", "0 · not known yet"),
    ("new", "1 · not looked at yet"),
    ("in_progress", "2 · being investigated"),
    ("on_hold", "3 · waiting on something"),
    ("resolved", "4 · cause found and dealt with"),
    ("closed", "5 · nothing more to do"),
    ("other", "99 · none of these"),
)
PRIORITY_CHOICES = (
    ("unknown", "0 · none assigned"),
    ("low", "1 · a procedure is unusable, a workaround exists"),
    ("medium", "2 · a non-critical function is unusable"),
    ("high", "3 · critical functions degraded, no alternative"),
    ("critical", "4 · critical functions or the network are down"),
    ("other", "99 · not normalized"),
)
SEVERITY_CHOICES = (
    ("unknown", "0 · not known"),
    ("informational", "1 · no action required"),
    ("low", "2 · act if you judge it needed"),
    ("medium", "3 · action required, not serious yet"),
    ("high", "4 · action required immediately"),
    ("critical", "5 · immediate action, broad scope"),
    ("fatal", "6 · too late for remedial action"),
    ("other", "99 · not mapped"),
)
# The API requires all three; an analyst opening a case by hand starts here.
DEFAULT_VALUES: dict[str, Any] = {
    "summary": "",
    "description": "",
    "status": "new",
    "priority": "unknown",
    "severity": "unknown",
    "assignee_id": "",
    "tags": [],
}
INPUT_NAMES = ("summary", "description", "status", "priority", "severity")
# The statuses of an API refusal the visitor can fix in the form; others
# (403 above all) become the error page.
FIELD_PREFIX = "fields."
UNSET_BOOLEAN = ""


@router.get("/cases/new", name="new_case", response_class=HTMLResponse)
async def new_case_form(
    page: WorkspacePage, workspace_id: Annotated[uuid.UUID, Path()]
) -> Response:
    """The empty form for a new case."""
    _refuse_unless_creator(page)
    choices = await _load_choices(page)
    return _render_form(page, choices, values=dict(DEFAULT_VALUES))


@router.post("/cases/new", name="new_case", response_class=HTMLResponse)
async def create_case(
    page: WorkspacePage, workspace_id: Annotated[uuid.UUID, Path()], form: CheckedForm
) -> Response:
    """Create the case, its tags and field values in one API call."""
    _refuse_unless_creator(page)
    choices = await _load_choices(page)
    values = _submitted_values(form, choices["fields"])

    body, errors = _case_body(values, choices)
    if errors:
        return _render_form(page, choices, values=values, errors=errors, status=422)

    try:
        case = await page.api.post(page.api_path("/cases"), json=body)
    except ApiError as error:
        if error.status_code not in REFERENCE_REFUSALS:
            raise
        errors = _errors_of(error, values)
        return _render_form(
            page, choices, values=values, errors=errors, status=error.status_code
        )

    return RedirectResponse(page.url(f"/cases/{case['id']}"), status_code=303)


def _refuse_unless_creator(page: Page) -> None:
    # Checked before anything is loaded: a viewer sees "Not allowed", not a
    # form the API would refuse.
    if not page.can("case:create"):
        raise Forbidden("Your role in this workspace cannot create cases")


async def _load_choices(page: Page) -> dict[str, Any]:
    """Members to assign, tags to attach and custom fields to fill."""
    members = await page.api.get(page.api_path("/members"))
    tags = await page.api.get(page.api_path("/case-tags"))
    fields = await page.api.get(page.api_path("/case-fields"))
    return {
        "members": [member for member in members if member["is_active"]],
        "tags": sorted(tags, key=lambda tag: natural_key(tag["name"])),
        "fields": [field for field in fields if not field["reserved"]],
    }


def _submitted_values(form: FormData, fields: list[dict[str, Any]]) -> dict[str, Any]:
    """What the visitor typed, as the form shows it again on a refusal."""
    values: dict[str, Any] = {name: _text(form, name) for name in INPUT_NAMES}
    values["assignee_id"] = _text(form, "assignee_id")
    values["tags"] = [str(item) for item in form.getlist("tags")]

    for field in fields:
        name = f"{FIELD_PREFIX}{field['id']}"
        if field["type"] == "MULTI_SELECT":
            values[name] = [str(item) for item in form.getlist(name)]
        else:
            values[name] = _text(form, name)
    return values


def _case_body(
    values: dict[str, Any], choices: dict[str, Any]
) -> tuple[dict[str, Any], dict[str, str]]:
    """The `POST /cases` body, or the inputs refused before asking the API."""
    errors: dict[str, str] = {}
    body: dict[str, Any] = {name: values[name] for name in INPUT_NAMES}
    if values["assignee_id"]:
        body["assignee_id"] = values["assignee_id"]

    known_tags = {tag["id"] for tag in choices["tags"]}
    if any(tag_id not in known_tags for tag_id in values["tags"]):
        errors["tags"] = "Choose tags from the list; one of them no longer exists."
    if values["tags"]:
        body["tags"] = values["tags"]

    field_values: dict[str, Any] = {}
    for field in choices["fields"]:
        name = f"{FIELD_PREFIX}{field['id']}"
        try:
            converted = _field_value(field, values[name])
        except ValueError as error:
            errors[name] = str(error)
            continue
        if converted is not None:
            field_values[field["id"]] = converted
    if field_values:
        body["fields"] = field_values
    return body, errors


def _field_value(field: dict[str, Any], raw: Any) -> Any:
    """A custom field's input as the JSON the API takes; None when left empty.

    The API converts and checks each type; only what a form cannot carry as
    text (yes/no, JSON, several choices) is turned into JSON here.
    """
    if field["type"] == "MULTI_SELECT":
        return raw or None
    if not isinstance(raw, str) or not raw.strip():
        return None
    if field["type"] == "BOOLEAN":
        return raw == "true"
    if field["type"] == "JSONB":
        try:
            return parse_json_input(raw)
        except NotJson as error:
            if field.get("kind") == "URL":
                return raw.strip()
            raise ValueError(f'{error} For example: {{"key": "value"}}') from error
    return raw


def _errors_of(error: ApiError, values: dict[str, Any]) -> dict[str, str]:
    """The API's refusal placed next to the inputs it names."""
    errors: dict[str, str] = {}
    for key, message in error.field_errors().items():
        # A 422 about one key of `fields` is about that field's input.
        name = key if key in values else "form"
        errors.setdefault(name, message)
    if not errors and error.message.startswith(UNKNOWN_TAG):
        # A tag deleted since the form was loaded.
        errors["tags"] = error.message
    if not errors:
        errors["form"] = error.message
    return errors


def _render_form(
    page: Page,
    choices: dict[str, Any],
    *,
    values: dict[str, Any],
    errors: dict[str, str] | None = None,
    status: int = 200,
) -> HTMLResponse:
    return render(
        page.request,
        "case_new.html",
        {
            "page": page,
            "values": values,
            "errors": errors or {},
            "members": choices["members"],
            "tags": choices["tags"],
            "fields": choices["fields"],
            "field_prefix": FIELD_PREFIX,
            "status_choices": STATUS_CHOICES,
            "priority_choices": PRIORITY_CHOICES,
            "severity_choices": SEVERITY_CHOICES,
            "unset_boolean": UNSET_BOOLEAN,
        },
        status_code=status,
    )


def _text(form: FormData, name: str) -> str:
    value = form.get(name)
    return value if isinstance(value, str) else ""
