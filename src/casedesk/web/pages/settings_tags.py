"""Workspace settings: the tags cases can carry."""

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Path
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from casedesk.web.api import REFERENCE_REFUSALS, ApiError
from casedesk.web.context import CheckedForm, Page, WorkspacePage
from casedesk.web.pages.settings_members import (
    form_text,
    refusal_errors,
    refuse_unless_manager,
)
from casedesk.web.templating import render

router = APIRouter(prefix="/ui/w/{workspace_id}", include_in_schema=False)


@router.get("/settings/tags", response_class=HTMLResponse)
async def tags_page(
    page: WorkspacePage, workspace_id: Annotated[uuid.UUID, Path()]
) -> Response:
    """The workspace's tags and the form defining one."""
    refuse_unless_manager(page)
    return await _render(page)


@router.post("/settings/tags", response_class=HTMLResponse)
async def create_tag(
    page: WorkspacePage, workspace_id: Annotated[uuid.UUID, Path()], form: CheckedForm
) -> Response:
    """Define a tag; its ref is derived from its name."""
    refuse_unless_manager(page)
    values = {"name": form_text(form, "name"), "color": form_text(form, "color")}

    try:
        await page.api.post(page.api_path("/case-tags"), json=_tag_body(values))
    except ApiError as error:
        if error.status_code not in REFERENCE_REFUSALS:
            raise
        errors = refusal_errors(error, inputs=("name", "color"), fallback="name")
        return await _render(
            page, values=values, errors=errors, status=error.status_code
        )
    return RedirectResponse(page.url("/settings/tags"), status_code=303)


@router.post("/settings/tags/{tag_id}", response_class=HTMLResponse)
async def update_tag(
    page: WorkspacePage,
    workspace_id: Annotated[uuid.UUID, Path()],
    tag_id: uuid.UUID,
    form: CheckedForm,
) -> Response:
    """Rename or recolour a tag; a new name gives it a new ref."""
    refuse_unless_manager(page)
    values = {"name": form_text(form, "name"), "color": form_text(form, "color")}

    try:
        await page.api.patch(page.api_path(f"/case-tags/{tag_id}"), _tag_body(values))
    except ApiError as error:
        if error.status_code not in REFERENCE_REFUSALS:
            raise
        # Each row's inputs are named apart so the message lands on its row.
        row_inputs = {"name": f"name-{tag_id}", "color": f"color-{tag_id}"}
        found = refusal_errors(error, inputs=("name", "color"), fallback="name")
        errors = {row_inputs[key]: message for key, message in found.items()}
        row_values = {row_inputs[key]: value for key, value in values.items()}
        return await _render(
            page, values=row_values, errors=errors, status=error.status_code
        )
    return RedirectResponse(page.url("/settings/tags"), status_code=303)


@router.post("/settings/tags/{tag_id}/delete", response_class=HTMLResponse)
async def delete_tag(
    page: WorkspacePage,
    workspace_id: Annotated[uuid.UUID, Path()],
    tag_id: uuid.UUID,
    form: CheckedForm,
) -> Response:
    """Delete a tag; every case carrying it loses it."""
    refuse_unless_manager(page)
    await page.api.delete(page.api_path(f"/case-tags/{tag_id}"))
    return RedirectResponse(page.url("/settings/tags"), status_code=303)


def _tag_body(values: dict[str, str]) -> dict[str, Any]:
    """A blank colour is no colour."""
    return {"name": values["name"], "color": values["color"].strip() or None}


async def _render(
    page: Page,
    *,
    values: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
    status: int = 200,
) -> HTMLResponse:
    tags = await page.api.get(page.api_path("/case-tags"))
    tags.sort(key=lambda tag: tag["name"].lower())
    return render(
        page.request,
        "settings/tags.html",
        {
            "page": page,
            "section": "tags",
            "tags": tags,
            "values": {"name": "", "color": "", **(values or {})},
            "errors": errors or {},
        },
        status_code=status,
    )
