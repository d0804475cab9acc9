"""Helpers for page tests: read forms' tokens, post forms as a browser does."""

import re
from typing import Any

import httpx
from fastapi import FastAPI

from casedesk.auth.backend import SESSION_COOKIE_NAME
from casedesk.web.csrf import issue_token

_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def csrf_token(html: str) -> str:
    """The CSRF token of the first form on a page."""
    found = _CSRF.search(html)
    assert found, "the page has no form with a CSRF token"
    return found.group(1)


async def page_token(client: httpx.AsyncClient, path: str) -> str:
    """Load a page and return its forms' CSRF token."""
    response = await client.get(path)
    assert response.status_code == 200, response.text
    return csrf_token(response.text)


async def post_form(
    client: httpx.AsyncClient,
    path: str,
    data: dict[str, Any] | list[tuple[str, Any]],
    *,
    token_from: str,
) -> httpx.Response:
    """Submit a form the way a browser would after loading `token_from`."""
    token = await page_token(client, token_from)
    fields = list(data.items()) if isinstance(data, dict) else list(data)
    # httpx takes repeated form keys as a mapping to lists, not as pairs.
    form: dict[str, list[Any]] = {"csrf_token": [token]}
    for name, value in fields:
        form.setdefault(name, []).append(value)
    return await client.post(path, data=form)


def queue_path(workspace_id: object) -> str:
    """The queue page of a workspace."""
    return f"/ui/w/{workspace_id}/cases"


def case_page_path(workspace_id: object, case_id: object) -> str:
    """A case's page."""
    return f"/ui/w/{workspace_id}/cases/{case_id}"


# --- added for the create-case and settings tests ---


def session_form_token(app: FastAPI, client: httpx.AsyncClient) -> str:
    """The CSRF token this client's pages carry, without loading one.

    For hand-made posts by a visitor whom every page of a feature refuses,
    so that no page of it can hand them a token.
    """
    secret = app.state.settings.secret_value()
    return issue_token(secret, client.cookies.get(SESSION_COOKIE_NAME))
