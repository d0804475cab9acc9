"""Settings: the durations measured on cases, from one kind of event to another."""

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Path
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.datastructures import FormData

from casedesk.cases.enums import CasePriority, CaseSeverity, CaseStatus
from casedesk.durations.schemas import (
    FILTER_NAMES,
    REQUIRED_FILTERS,
    DurationAnchorSelection,
)
from casedesk.events.enums import CaseEventType
from casedesk.web.api import INPUT_REFUSALS, ApiError
from casedesk.web.context import CheckedForm, ManagingPage, Page
from casedesk.web.templating import render

router = APIRouter(prefix="/ui/w/{workspace_id}", include_in_schema=False)

SECTION_PATH = "/settings/durations"
NEW_FORM = "new"
# Statuses of an API refusal the page answers by showing the form again.
ANCHORS = ("start", "end")
LIST_FILTERS = ("new_values", "tag_refs", "field_ids", "dropdown_option_ids")
NEW_VALUE_GROUPS = (
    ("Status", [value.value for value in CaseStatus]),
    ("Priority", [value.value for value in CasePriority]),
    ("Severity", [value.value for value in CaseSeverity]),
)
FILTER_LABELS = {
    "new_values": "new values",
    "tag_refs": "tags",
    "field_ids": "fields",
    "dropdown_definition_id": "a dropdown",
    "dropdown_option_ids": "its options",
}

WorkspaceId = Annotated[uuid.UUID, Path()]


@router.get(SECTION_PATH, response_class=HTMLResponse)
async def durations_settings(page: ManagingPage, workspace_id: WorkspaceId) -> Response:
    """The workspace's duration definitions, with forms to define and change them."""
    return await _durations_page(page)


@router.post(SECTION_PATH, response_class=HTMLResponse)
async def create_duration(
    page: ManagingPage, workspace_id: WorkspaceId, form: CheckedForm
) -> Response:
    """Define a duration; the API measures it on every case at once."""
    submitted = _submitted(form)

    try:
        await page.api.post(page.api_path("/case-durations"), json=_body(submitted))
    except ApiError as error:
        if error.status_code not in INPUT_REFUSALS:
            raise
        return await _durations_page(
            page,
            NEW_FORM,
            submitted,
            _refusal_errors(error),
            status_code=error.status_code,
        )
    return RedirectResponse(page.url(SECTION_PATH), status_code=303)


@router.post(f"{SECTION_PATH}/{{definition_id}}", response_class=HTMLResponse)
async def update_duration(
    page: ManagingPage,
    workspace_id: WorkspaceId,
    definition_id: uuid.UUID,
    form: CheckedForm,
) -> Response:
    """Rename, describe or re-anchor a duration; new anchors remeasure cases."""
    submitted = _submitted(form)

    try:
        await page.api.patch(
            page.api_path(f"/case-durations/{definition_id}"), json=_body(submitted)
        )
    except ApiError as error:
        if error.status_code not in INPUT_REFUSALS:
            raise
        return await _durations_page(
            page,
            f"duration-{definition_id}",
            submitted,
            _refusal_errors(error),
            status_code=error.status_code,
        )
    return RedirectResponse(page.url(SECTION_PATH), status_code=303)


@router.post(f"{SECTION_PATH}/{{definition_id}}/delete")
async def delete_duration(
    page: ManagingPage,
    workspace_id: WorkspaceId,
    definition_id: uuid.UUID,
    form: CheckedForm,
) -> Response:
    """Delete a duration definition and every duration measured with it."""
    await page.api.delete(page.api_path(f"/case-durations/{definition_id}"))
    return RedirectResponse(page.url(SECTION_PATH), status_code=303)


async def _durations_page(
    page: Page,
    target: str | None = None,
    submitted: dict[str, Any] | None = None,
    errors: dict[str, str] | None = None,
    *,
    status_code: int = 200,
) -> HTMLResponse:
    """The section; a refused form (`target`) shows what was typed and why."""
    definitions = await page.api.get(page.api_path("/case-durations"))
    tags = await page.api.get(page.api_path("/case-tags"))
    fields = await page.api.get(page.api_path("/case-fields"))
    dropdowns = await page.api.get(page.api_path("/case-dropdowns"))
    names = _names(tags, fields, dropdowns)

    forms = {item["id"]: _stored(item) for item in definitions}
    new_form = _blank()
    if submitted is not None and target == NEW_FORM:
        new_form = submitted
    elif submitted is not None and target and target.removeprefix("duration-") in forms:
        forms[target.removeprefix("duration-")] = submitted

    return render(
        page.request,
        "settings/durations.html",
        {
            "page": page,
            "section": "durations",
            "definitions": [
                {
                    **item,
                    "start_text": _describe(item["start_anchor"], names),
                    "end_text": _describe(item["end_anchor"], names),
                }
                for item in definitions
            ],
            "forms": forms,
            "new_form": new_form,
            "target": target,
            "errors": errors or {},
            "event_types": [event_type.value for event_type in CaseEventType],
            "selections": [selection.value for selection in DurationAnchorSelection],
            "new_value_groups": NEW_VALUE_GROUPS,
            "tags": tags,
            "fields": [item for item in fields if not item["reserved"]],
            "dropdowns": dropdowns,
            "filter_rules": _filter_rules(),
        },
        status_code=status_code,
    )


def _submitted(form: FormData) -> dict[str, Any]:
    """A duration form as typed, in the shape the template shows."""
    values: dict[str, Any] = {
        "name": _text(form, "name"),
        "description": _text(form, "description"),
    }
    for which in ANCHORS:
        anchor: dict[str, Any] = {
            "event_type": _text(form, f"{which}_event_type"),
            "selection": _text(form, f"{which}_selection"),
            "dropdown_definition_id": _text(form, f"{which}_dropdown_definition_id"),
        }
        for name in LIST_FILTERS:
            chosen = [
                item
                for item in form.getlist(f"{which}_{name}")
                if isinstance(item, str) and item
            ]
            # The same value may be offered twice (`low` is a priority and a
            # severity): chosen twice, it is still one value.
            anchor[name] = list(dict.fromkeys(chosen))
        values[which] = anchor
    return values


def _stored(definition: dict[str, Any]) -> dict[str, Any]:
    """A stored definition in the shape of its edit form."""
    values: dict[str, Any] = {
        "name": definition["name"],
        "description": definition.get("description") or "",
    }
    for which in ANCHORS:
        anchor = definition[f"{which}_anchor"]
        filters = anchor.get("filters") or {}
        values[which] = {
            "event_type": anchor["event_type"],
            "selection": anchor.get("selection") or "first",
            "dropdown_definition_id": filters.get("dropdown_definition_id") or "",
            **{name: list(filters.get(name) or []) for name in LIST_FILTERS},
        }
    return values


def _blank() -> dict[str, Any]:
    anchor = {
        "event_type": "",
        "selection": "first",
        "dropdown_definition_id": "",
        **{name: [] for name in LIST_FILTERS},
    }
    return {"name": "", "description": "", "start": anchor, "end": dict(anchor)}


def _body(values: dict[str, Any]) -> dict[str, Any]:
    """The API body of a duration form; filters left empty are not sent."""
    body: dict[str, Any] = {
        "name": values["name"],
        "description": values["description"].strip() or None,
    }
    for which in ANCHORS:
        anchor = values[which]
        filters = {name: anchor[name] for name in FILTER_NAMES if anchor[name]}
        body[f"{which}_anchor"] = {
            "event_type": anchor["event_type"],
            "selection": anchor["selection"] or "first",
            "filters": filters,
        }
    return body


def _refusal_errors(error: ApiError) -> dict[str, str]:
    """The API's refusal keyed by input: a 422 list by location, else the name.

    The only refusal without a location is a name another duration has.
    """
    if not (error.status_code == 422 and isinstance(error.detail, list)):
        key = "name" if error.status_code == 400 else "form"
        return {key: error.message}

    errors: dict[str, str] = {}
    for location, message in error.field_errors().items():
        errors.setdefault(_input_of(location), message)
    return errors


def _input_of(location: str) -> str:
    """The input a 422 location names: `start_anchor.filters.tag_refs.0`."""
    parts = location.split(".")
    head = parts[0]
    if head in ("name", "description"):
        return head
    which = head.removesuffix("_anchor")
    if which not in ANCHORS:
        return "form"
    if len(parts) >= 3 and parts[1] == "filters":
        return f"{which}_{parts[2]}"
    if len(parts) >= 2 and parts[1] in ("event_type", "selection"):
        return f"{which}_{parts[1]}"
    return f"{which}_anchor"


def _names(
    tags: list[dict[str, Any]],
    fields: list[dict[str, Any]],
    dropdowns: list[dict[str, Any]],
) -> dict[str, dict[str, str]]:
    """What anchors' filters name, by the ids they store: for reading them."""
    options = {
        option["id"]: option["label"]
        for dropdown in dropdowns
        for option in dropdown["options"]
    }
    return {
        "tag_refs": {tag["ref"]: tag["name"] for tag in tags},
        "field_ids": {field["id"]: field["display_name"] for field in fields},
        "dropdown_definition_id": {item["id"]: item["name"] for item in dropdowns},
        "dropdown_option_ids": options,
    }


def _describe(anchor: dict[str, Any], names: dict[str, dict[str, str]]) -> str:
    """An anchor in words: `First status changed, new value: closed`."""
    event = anchor["event_type"].replace("_", " ")
    selection = (anchor.get("selection") or "first").capitalize()
    text = f"{selection} {event}"
    filters = anchor.get("filters") or {}

    parts = []
    for name in FILTER_NAMES:
        given = filters.get(name)
        if not given:
            continue
        items = given if isinstance(given, list) else [given]
        shown = [names.get(name, {}).get(str(item), str(item)) for item in items]
        parts.append(f"{FILTER_LABELS[name]}: {', '.join(shown)}")
    return f"{text} ({'; '.join(parts)})" if parts else text


def _filter_rules() -> list[str]:
    """Which filters each kind of event needs, as the API requires them."""
    rules = []
    for event_type, required in REQUIRED_FILTERS.items():
        needed = " and ".join(FILTER_LABELS[name] for name in required)
        rules.append(f"{event_type.value.replace('_', ' ').capitalize()}: {needed}")
    return rules


def _text(form: FormData, key: str) -> str:
    value = form.get(key)
    return value if isinstance(value, str) else ""
