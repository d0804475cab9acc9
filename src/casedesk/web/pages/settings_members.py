"""Workspace settings: who is a member, with which role."""

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Path
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.datastructures import FormData

from casedesk.errors import Forbidden
from casedesk.web.api import REFERENCE_REFUSALS, ApiError
from casedesk.web.context import CheckedForm, Page, WorkspacePage
from casedesk.web.templating import render
from casedesk.workspaces.roles import WorkspaceRole

router = APIRouter(prefix="/ui/w/{workspace_id}", include_in_schema=False)

ROLES = tuple(role.value for role in WorkspaceRole)
# API refusals the visitor can act on from the form; a 403 stays a 403 page.


@router.get("/settings/members", response_class=HTMLResponse)
async def members_page(
    page: WorkspacePage, workspace_id: Annotated[uuid.UUID, Path()]
) -> Response:
    """The members table and the form adding one."""
    refuse_unless_manager(page)
    return await _render(page)


@router.post("/settings/members", response_class=HTMLResponse)
async def add_member(
    page: WorkspacePage, workspace_id: Annotated[uuid.UUID, Path()], form: CheckedForm
) -> Response:
    """Give an existing account a role here, named by its email."""
    refuse_unless_manager(page)
    values = {"email": form_text(form, "email"), "role": form_text(form, "role")}

    try:
        await page.api.post(page.api_path("/members"), json=values)
    except ApiError as error:
        if error.status_code not in REFERENCE_REFUSALS:
            raise
        errors = refusal_errors(error, inputs=("email", "role"), fallback="email")
        return await _render(
            page, values=values, errors=errors, status=error.status_code
        )
    return RedirectResponse(page.url("/settings/members"), status_code=303)


@router.post("/settings/members/{user_id}/role", response_class=HTMLResponse)
async def change_role(
    page: WorkspacePage,
    workspace_id: Annotated[uuid.UUID, Path()],
    user_id: uuid.UUID,
    form: CheckedForm,
) -> Response:
    """Give a member another role; the last admin keeps theirs."""
    refuse_unless_manager(page)
    role = form_text(form, "role")

    try:
        await page.api.patch(page.api_path(f"/members/{user_id}"), json={"role": role})
    except ApiError as error:
        if error.status_code not in REFERENCE_REFUSALS:
            raise
        errors = {f"role-{user_id}": _single_message(error)}
        return await _render(page, errors=errors, status=error.status_code)
    return RedirectResponse(page.url("/settings/members"), status_code=303)


@router.post("/settings/members/{user_id}/remove", response_class=HTMLResponse)
async def remove_member(
    page: WorkspacePage,
    workspace_id: Annotated[uuid.UUID, Path()],
    user_id: uuid.UUID,
    form: CheckedForm,
) -> Response:
    """Take a member out of the workspace; their cases become unassigned."""
    refuse_unless_manager(page)

    try:
        await page.api.delete(page.api_path(f"/members/{user_id}"))
    except ApiError as error:
        if error.status_code not in REFERENCE_REFUSALS:
            raise
        errors = {f"remove-{user_id}": _single_message(error)}
        return await _render(page, errors=errors, status=error.status_code)
    return RedirectResponse(page.url("/settings/members"), status_code=303)


def refuse_unless_manager(page: Page) -> None:
    """Refuse (403 page) a visitor who does not administer the workspace.

    Settings pages check this on every request, reads included: the API
    lets editors list members and define tags, but the settings are the
    admins' alone.
    """
    if not page.can("workspace:manage"):
        raise Forbidden("Only the workspace's admins can change its settings")


def refusal_errors(
    error: ApiError, *, inputs: tuple[str, ...], fallback: str
) -> dict[str, str]:
    """An API refusal as messages keyed by the form inputs it is about.

    A 422 list names body fields, which the forms use as input names; a
    message naming no input of the form goes next to `fallback`.
    """
    errors: dict[str, str] = {}
    for key, message in error.field_errors().items():
        errors.setdefault(key if key in inputs else fallback, message)
    if not errors:
        errors[fallback] = error.message
    return errors


def form_text(form: FormData, name: str) -> str:
    """One text input of a posted form; empty when absent."""
    value = form.get(name)
    return value if isinstance(value, str) else ""


def _single_message(error: ApiError) -> str:
    return next(iter(error.field_errors().values()), error.message)


async def _render(
    page: Page,
    *,
    values: dict[str, Any] | None = None,
    errors: dict[str, str] | None = None,
    status: int = 200,
) -> HTMLResponse:
    members = await page.api.get(page.api_path("/members"))
    members.sort(key=lambda member: member["email"].lower())
    return render(
        page.request,
        "settings/members.html",
        {
            "page": page,
            "section": "members",
            "members": members,
            "roles": ROLES,
            "values": values or {"email": "", "role": WorkspaceRole.EDITOR.value},
            "errors": errors or {},
        },
        status_code=status,
    )
