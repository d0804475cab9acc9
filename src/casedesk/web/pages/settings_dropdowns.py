"""Settings: the workspace's dropdowns and their options, in order."""

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Path
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.datastructures import FormData

from casedesk.dropdowns.service import ref_of_name
from casedesk.web.api import INPUT_REFUSALS, ApiError
from casedesk.web.context import CheckedForm, ManagingPage, Page
from casedesk.web.templating import render

router = APIRouter(prefix="/ui/w/{workspace_id}", include_in_schema=False)

SECTION_PATH = "/settings/dropdowns"
NEW_FORM = "new"
# Statuses of an API refusal the page answers by showing the form again.
NO_REF = "Enter a ref: the name has no letter or digit to make one from."
NO_OPTION_REF = (
    "Every option needs a letter or digit in its label, to make its ref from."
)
DEFINITION_INPUTS = ("name", "ref", "icon_name", "is_ordered", "required_on_closure")
OPTION_INPUTS = ("label", "ref", "color")

WorkspaceId = Annotated[uuid.UUID, Path()]


@router.get(SECTION_PATH, response_class=HTMLResponse)
async def dropdowns_settings(page: ManagingPage, workspace_id: WorkspaceId) -> Response:
    """The workspace's dropdowns with their options, and forms to change them."""
    return await _dropdowns_page(page)


@router.post(SECTION_PATH, response_class=HTMLResponse)
async def create_dropdown(
    page: ManagingPage, workspace_id: WorkspaceId, form: CheckedForm
) -> Response:
    """Define a dropdown with its first options, one per line."""
    submitted = _definition_values(form)
    submitted["options"] = _text(form, "options")
    labels = _lines(submitted["options"])
    option_refs = [ref_of_name(label) for label in labels]
    ref = submitted["ref"].strip() or ref_of_name(submitted["name"])
    if submitted["name"].strip() and not ref:
        return await _refused(page, NEW_FORM, submitted, {"ref": NO_REF})
    if not all(option_refs):
        return await _refused(page, NEW_FORM, submitted, {"options": NO_OPTION_REF})

    body: dict[str, Any] = {
        "name": submitted["name"],
        "ref": ref,
        "is_ordered": submitted["is_ordered"],
        "required_on_closure": submitted["required_on_closure"],
        "options": [
            {"label": label, "ref": option_ref}
            for label, option_ref in zip(labels, option_refs, strict=True)
        ],
    }
    if submitted["icon_name"].strip():
        body["icon_name"] = submitted["icon_name"].strip()

    try:
        await page.api.post(page.api_path("/case-dropdowns"), json=body)
    except ApiError as error:
        if error.status_code not in INPUT_REFUSALS:
            raise
        # Every refusal of a definition is a 409; what it is about follows
        # from the form: a blank name, options of one ref, else the ref.
        culprit = "ref"
        if not submitted["name"].strip():
            culprit = "name"
        elif len(set(option_refs)) != len(option_refs):
            culprit = "options"
        errors = _input_errors(error, culprit, DEFINITION_INPUTS, list_key="options")
        return await _refused(page, NEW_FORM, submitted, errors, error.status_code)
    return _back(page)


@router.post(f"{SECTION_PATH}/{{definition_id}}", response_class=HTMLResponse)
async def update_dropdown(
    page: ManagingPage,
    workspace_id: WorkspaceId,
    definition_id: uuid.UUID,
    form: CheckedForm,
) -> Response:
    """Rename a dropdown or change its settings; an empty ref follows the name."""
    current = await page.api.get(page.api_path(f"/case-dropdowns/{definition_id}"))
    submitted = _definition_values(form)

    body: dict[str, Any] = {
        "is_ordered": submitted["is_ordered"],
        "required_on_closure": submitted["required_on_closure"],
    }
    if submitted["name"] != current["name"]:
        body["name"] = submitted["name"]
    # A ref kept in the form is sent, so that a new name does not replace it.
    ref = submitted["ref"].strip()
    if ref:
        body["ref"] = ref
    icon_name = submitted["icon_name"].strip() or None
    if icon_name != current["icon_name"]:
        body["icon_name"] = icon_name

    try:
        await page.api.patch(
            page.api_path(f"/case-dropdowns/{definition_id}"), json=body
        )
    except ApiError as error:
        if error.status_code not in INPUT_REFUSALS:
            raise
        # Without a ref the API makes one of the name: its refusal is the name's.
        culprit = "ref" if "ref" in body else "name"
        if not submitted["name"].strip():
            culprit = "name"
        errors = _input_errors(error, culprit, DEFINITION_INPUTS)
        return await _refused(
            page, f"dropdown-{definition_id}", submitted, errors, error.status_code
        )
    return _back(page)


@router.post(f"{SECTION_PATH}/{{definition_id}}/delete")
async def delete_dropdown(
    page: ManagingPage,
    workspace_id: WorkspaceId,
    definition_id: uuid.UUID,
    form: CheckedForm,
) -> Response:
    """Delete a dropdown, its options and every case's choice in it."""
    await page.api.delete(page.api_path(f"/case-dropdowns/{definition_id}"))
    return _back(page)


@router.post(f"{SECTION_PATH}/{{definition_id}}/options", response_class=HTMLResponse)
async def add_option(
    page: ManagingPage,
    workspace_id: WorkspaceId,
    definition_id: uuid.UUID,
    form: CheckedForm,
) -> Response:
    """Add an option at the end of a dropdown's list."""
    current = await page.api.get(page.api_path(f"/case-dropdowns/{definition_id}"))
    submitted = _option_values(form)
    target = f"add-option-{definition_id}"
    ref = submitted["ref"].strip() or ref_of_name(submitted["label"])
    if submitted["label"].strip() and not ref:
        return await _refused(page, target, submitted, {"ref": NO_REF})

    positions = [option["position"] for option in current["options"]]
    body: dict[str, Any] = {
        "label": submitted["label"],
        "ref": ref,
        "position": max(positions, default=-1) + 1,
    }
    if submitted["color"].strip():
        body["color"] = submitted["color"].strip()

    try:
        await page.api.post(
            page.api_path(f"/case-dropdowns/{definition_id}/options"), json=body
        )
    except ApiError as error:
        if error.status_code not in INPUT_REFUSALS:
            raise
        errors = _input_errors(error, "ref", OPTION_INPUTS)
        return await _refused(page, target, submitted, errors, error.status_code)
    return _back(page)


@router.post(
    f"{SECTION_PATH}/{{definition_id}}/options/{{option_id}}",
    response_class=HTMLResponse,
)
async def update_option(
    page: ManagingPage,
    workspace_id: WorkspaceId,
    definition_id: uuid.UUID,
    option_id: uuid.UUID,
    form: CheckedForm,
) -> Response:
    """Rename an option, or change its ref or color."""
    current = await page.api.get(page.api_path(f"/case-dropdowns/{definition_id}"))
    option = _option_of(current, option_id)
    submitted = _option_values(form)

    body: dict[str, Any] = {}
    if submitted["label"] != option["label"]:
        body["label"] = submitted["label"]
    ref = submitted["ref"].strip()
    if ref != option["ref"]:
        body["ref"] = ref
    color = submitted["color"].strip() or None
    if color != option["color"]:
        body["color"] = color

    try:
        await page.api.patch(
            page.api_path(f"/case-dropdowns/{definition_id}/options/{option_id}"),
            json=body,
        )
    except ApiError as error:
        if error.status_code not in INPUT_REFUSALS:
            raise
        errors = _input_errors(error, "ref", OPTION_INPUTS)
        return await _refused(
            page, f"option-{option_id}", submitted, errors, error.status_code
        )
    return _back(page)


@router.post(f"{SECTION_PATH}/{{definition_id}}/options/{{option_id}}/delete")
async def delete_option(
    page: ManagingPage,
    workspace_id: WorkspaceId,
    definition_id: uuid.UUID,
    option_id: uuid.UUID,
    form: CheckedForm,
) -> Response:
    """Remove an option; cases that had it chosen are left cleared."""
    await page.api.delete(
        page.api_path(f"/case-dropdowns/{definition_id}/options/{option_id}")
    )
    return _back(page)


@router.post(f"{SECTION_PATH}/{{definition_id}}/options/{{option_id}}/move")
async def move_option(
    page: ManagingPage,
    workspace_id: WorkspaceId,
    definition_id: uuid.UUID,
    option_id: uuid.UUID,
    form: CheckedForm,
) -> Response:
    """Move an option one place up or down; the whole new order is saved."""
    current = await page.api.get(page.api_path(f"/case-dropdowns/{definition_id}"))
    order = [option["id"] for option in current["options"]]
    index = order.index(_option_of(current, option_id)["id"])
    step = -1 if _text(form, "direction") == "up" else 1
    neighbour = index + step
    if not 0 <= neighbour < len(order):
        return _back(page)

    order[index], order[neighbour] = order[neighbour], order[index]
    await page.api.put(
        page.api_path(f"/case-dropdowns/{definition_id}/options/reorder"), json=order
    )
    return _back(page)


async def _dropdowns_page(
    page: Page,
    target: str | None = None,
    submitted: dict[str, Any] | None = None,
    errors: dict[str, str] | None = None,
    *,
    status_code: int = 200,
) -> HTMLResponse:
    """The section; a refused form (`target`) shows what was typed and why."""
    dropdowns = await page.api.get(page.api_path("/case-dropdowns"))
    return render(
        page.request,
        "settings/dropdowns.html",
        {
            "page": page,
            "section": "dropdowns",
            "dropdowns": dropdowns,
            "target": target,
            "submitted": submitted or {},
            "errors": errors or {},
        },
        status_code=status_code,
    )


async def _refused(
    page: Page,
    target: str,
    submitted: dict[str, Any],
    errors: dict[str, str],
    status_code: int = 422,
) -> HTMLResponse:
    """The section again, the refused form keeping what was typed."""
    return await _dropdowns_page(
        page, target, submitted, errors, status_code=status_code
    )


def _back(page: Page) -> RedirectResponse:
    return RedirectResponse(page.url(SECTION_PATH), status_code=303)


def _input_errors(
    error: ApiError,
    culprit: str,
    inputs: tuple[str, ...],
    *,
    list_key: str | None = None,
) -> dict[str, str]:
    """The API's refusal keyed by input: a 422 list by location, else `culprit`."""
    if not (error.status_code == 422 and isinstance(error.detail, list)):
        return {culprit: error.message}

    errors: dict[str, str] = {}
    for key, message in error.field_errors().items():
        head = key.split(".")[0]
        if head not in inputs and head != list_key:
            head = "form"
        errors.setdefault(head, message)
    return errors


def _option_of(definition: dict[str, Any], option_id: uuid.UUID) -> dict[str, Any]:
    """One option of a dropdown as the API listed it; 404 when it is not one."""
    for option in definition["options"]:
        if option["id"] == str(option_id):
            return dict(option)
    raise ApiError(
        404,
        f"Dropdown option {option_id} not found for definition {definition['id']}",
        {},
    )


def _definition_values(form: FormData) -> dict[str, Any]:
    return {
        "name": _text(form, "name"),
        "ref": _text(form, "ref"),
        "icon_name": _text(form, "icon_name"),
        "is_ordered": form.get("is_ordered") is not None,
        "required_on_closure": form.get("required_on_closure") is not None,
    }


def _option_values(form: FormData) -> dict[str, Any]:
    return {
        "label": _text(form, "label"),
        "ref": _text(form, "ref"),
        "color": _text(form, "color"),
    }


def _text(form: FormData, key: str) -> str:
    value = form.get(key)
    return value if isinstance(value, str) else ""


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]
