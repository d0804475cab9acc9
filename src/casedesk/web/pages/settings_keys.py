"""Workspace settings: service accounts and their API keys.

A new key's secret is in the answer to the POST that issues it and nowhere
else: the API keeps only its hash, and this page neither logs it nor
redirects (a redirect would lose it), so it is shown exactly once.
"""

import uuid
from typing import Annotated, Any
from urllib.parse import quote

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
from casedesk.workspaces.roles import SERVICE_ACCOUNT_SCOPE_ORDER

router = APIRouter(prefix="/ui/w/{workspace_id}", include_in_schema=False)

DEFAULT_SCOPES = ["case:read"]
# The page holding a secret must not be kept by the browser or a proxy.
NO_STORE = {"Cache-Control": "no-store"}


@router.get("/settings/keys", response_class=HTMLResponse)
async def keys_page(
    page: WorkspacePage, workspace_id: Annotated[uuid.UUID, Path()]
) -> Response:
    """Service accounts with their keys, and the forms to add both."""
    refuse_unless_manager(page)
    return await _render(page)


@router.post("/settings/keys/accounts", response_class=HTMLResponse)
async def create_account(
    page: WorkspacePage, workspace_id: Annotated[uuid.UUID, Path()], form: CheckedForm
) -> Response:
    """Create a service account with the case scopes its keys will carry."""
    refuse_unless_manager(page)
    values: dict[str, Any] = {
        "name": form_text(form, "name"),
        "scopes": [str(scope) for scope in form.getlist("scopes")],
    }

    try:
        await page.api.post(page.api_path("/service-accounts"), json=values)
    except ApiError as error:
        if error.status_code not in REFERENCE_REFUSALS:
            raise
        errors = refusal_errors(error, inputs=("name", "scopes"), fallback="name")
        return await _render(
            page, values=values, errors=errors, status=error.status_code
        )
    return RedirectResponse(page.url("/settings/keys"), status_code=303)


@router.post("/settings/keys/accounts/{account_id}/keys", response_class=HTMLResponse)
async def create_key(
    page: WorkspacePage,
    workspace_id: Annotated[uuid.UUID, Path()],
    account_id: uuid.UUID,
    form: CheckedForm,
) -> Response:
    """Issue a key and show its secret in this answer, the only time it is."""
    refuse_unless_manager(page)
    name = form_text(form, "name")

    try:
        issued = await page.api.post(
            page.api_path(f"/service-accounts/{account_id}/keys"), json={"name": name}
        )
    except ApiError as error:
        if error.status_code not in REFERENCE_REFUSALS:
            raise
        errors = {f"key-{account_id}": _first_message(error)}
        values = {f"key-{account_id}": name}
        return await _render(
            page, values=values, errors=errors, status=error.status_code
        )
    # XXX(product): the secret is shown in the answer to the post itself, so
    # reloading that page posts again and issues a second key (the browser
    # asks first). A redirect would need the secret kept somewhere until shown.
    return await _render(page, new_key=issued, status=201, headers=NO_STORE)


@router.post(
    "/settings/keys/accounts/{account_id}/keys/{key_id}/revoke",
    response_class=HTMLResponse,
)
async def revoke_key(
    page: WorkspacePage,
    workspace_id: Annotated[uuid.UUID, Path()],
    account_id: uuid.UUID,
    key_id: Annotated[str, Path(max_length=100)],
    form: CheckedForm,
) -> Response:
    """Revoke a key; clients using it are refused from now on."""
    refuse_unless_manager(page)
    key_path = f"/service-accounts/{account_id}/keys/{quote(key_id, safe='')}"
    await page.api.delete(page.api_path(key_path))
    return RedirectResponse(page.url("/settings/keys"), status_code=303)


@router.post("/settings/keys/accounts/{account_id}/delete", response_class=HTMLResponse)
async def delete_account(
    page: WorkspacePage,
    workspace_id: Annotated[uuid.UUID, Path()],
    account_id: uuid.UUID,
    form: CheckedForm,
) -> Response:
    """Deactivate a service account and revoke every key it has."""
    refuse_unless_manager(page)
    await page.api.delete(page.api_path(f"/service-accounts/{account_id}"))
    return RedirectResponse(page.url("/settings/keys"), status_code=303)


def _first_message(error: ApiError) -> str:
    return next(iter(error.field_errors().values()), error.message)


async def _render(
    page: Page,
    *,
    values: dict[str, Any] | None = None,
    errors: dict[str, str] | None = None,
    new_key: dict[str, Any] | None = None,
    status: int = 200,
    headers: dict[str, str] | None = None,
) -> HTMLResponse:
    accounts = await page.api.get(page.api_path("/service-accounts"))
    # XXX(perf): one call per account; workspaces hold a handful of them.
    for account in accounts:
        account["keys"] = await page.api.get(
            page.api_path(f"/service-accounts/{account['id']}/keys")
        )

    new_key_account = None
    if new_key is not None:
        new_key_account = next(
            (item for item in accounts if item["id"] == new_key["service_account_id"]),
            None,
        )
    return render(
        page.request,
        "settings/keys.html",
        {
            "page": page,
            "section": "keys",
            "accounts": accounts,
            "scope_choices": SERVICE_ACCOUNT_SCOPE_ORDER,
            "values": {"name": "", "scopes": DEFAULT_SCOPES, **(values or {})},
            "errors": errors or {},
            "new_key": new_key,
            "new_key_account": new_key_account,
        },
        status_code=status,
        headers=headers,
    )
