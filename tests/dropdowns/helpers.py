"""Helpers shared by the dropdown tests: definitions, cases and their events."""

import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import httpx
from fastapi import FastAPI

from casedesk.workspaces.roles import WorkspaceRole
from tests.conftest import new_client
from tests.factories import Principal, case_body, create_user, open_session

EVENT_KEYS = (
    "definition_id",
    "definition_ref",
    "definition_name",
    "old_option_id",
    "old_option_label",
    "new_option_id",
    "new_option_label",
)


def unique(label: str) -> str:
    """A value no other test uses."""
    return f"{label} {uuid.uuid4().hex[:8]}"


def unique_ref(label: str) -> str:
    """A ref no other test uses."""
    return f"{label}_{uuid.uuid4().hex[:8]}"


def dropdown_body(**overrides: Any) -> dict[str, Any]:
    """A valid `POST /case-dropdowns` body with two options."""
    body: dict[str, Any] = {
        "name": unique("Verdict"),
        "ref": unique_ref("verdict"),
        "options": [
            {"label": "Benign", "ref": "benign"},
            {"label": "Malicious", "ref": "malicious", "color": "#d00"},
        ],
    }
    body.update(overrides)
    return body


async def create_dropdown(client: httpx.AsyncClient, **overrides: Any) -> Any:
    """Define a dropdown that must be created; return its body."""
    response = await client.post("/case-dropdowns", json=dropdown_body(**overrides))
    assert response.status_code == 201, response.text
    return response.json()


async def create_case(client: httpx.AsyncClient, **overrides: Any) -> Any:
    """Create a case that must be created; return its body."""
    response = await client.post("/cases", json=case_body(**overrides))
    assert response.status_code == 201, response.text
    return response.json()


async def dropdown_events(client: httpx.AsyncClient, case_id: str) -> list[Any]:
    """The case's `dropdown_value_changed` events, newest first, as their data."""
    response = await client.get(f"/cases/{case_id}/events")
    assert response.status_code == 200, response.text
    return [
        {key: item[key] for key in EVENT_KEYS if key in item}
        for item in response.json()["events"]
        if item["type"] == "dropdown_value_changed"
    ]


def event_data(
    dropdown: dict[str, Any],
    old: dict[str, Any] | None,
    new: dict[str, Any] | None,
) -> dict[str, str]:
    """What a `dropdown_value_changed` event shows (null keys are omitted)."""
    data = {
        "definition_id": dropdown["id"],
        "definition_ref": dropdown["ref"],
        "definition_name": dropdown["name"],
    }
    if old is not None:
        data |= {"old_option_id": old["id"], "old_option_label": old["label"]}
    if new is not None:
        data |= {"new_option_id": new["id"], "new_option_label": new["label"]}
    return data


def value_read(
    value_id: str, dropdown: dict[str, Any], option: dict[str, Any] | None
) -> dict[str, Any]:
    """The CaseDropdownValueRead of a choice (option keys null when cleared)."""
    return {
        "id": value_id,
        "definition_id": dropdown["id"],
        "definition_ref": dropdown["ref"],
        "definition_name": dropdown["name"],
        "option_id": option["id"] if option else None,
        "option_label": option["label"] if option else None,
        "option_ref": option["ref"] if option else None,
        "option_icon_name": option["icon_name"] if option else None,
        "option_color": option["color"] if option else None,
    }


async def other_workspace(client: httpx.AsyncClient) -> str:
    """A second workspace the admin can act in; its id."""
    response = await client.post("/workspaces", json={"name": unique("Elsewhere")})
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


@asynccontextmanager
async def viewer_of(app: FastAPI, admin: Principal) -> AsyncIterator[Principal]:
    """A viewer of the admin's workspace, signed in on their own client."""
    user_id = await create_user(
        app,
        f"{uuid.uuid4().hex[:12]}@example.com",
        workspace_id=admin.workspace_id,
        role=WorkspaceRole.VIEWER,
    )
    async with new_client(app) as client:
        yield await open_session(app, client, user_id)
