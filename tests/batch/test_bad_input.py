"""Batch requests that are refused as a whole, and who may send them."""

import uuid
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from casedesk.workspaces.roles import WorkspaceRole
from tests.batch.helpers import count_cases, create_case, event_types, read_case
from tests.comments.helpers import insufficient_scope, issue_key, signed_in_member
from tests.conftest import new_client
from tests.factories import Principal

ROUTES = ("/cases/batch-update", "/cases/batch-delete")


def body_for(path: str, case_ids: Any, **extra: Any) -> dict[str, Any]:
    """A request body for the route: the ids, and a change when it updates."""
    body: dict[str, Any] = {"case_ids": case_ids}
    if path.endswith("update"):
        body["update"] = {"status": "closed"}
    return {**body, **extra}


async def assert_unchanged(client: httpx.AsyncClient, case: dict[str, Any]) -> None:
    """The case exists exactly as it was created."""
    now = await read_case(client, case["id"])
    assert (now["status"], now["updated_at"]) == ("new", case["updated_at"])
    assert await event_types(client, case["id"]) == ["case_created"]


def error_locations(response: httpx.Response) -> list[Any]:
    """The `loc` of each error in a 422 validation list."""
    assert response.status_code == 422, response.text
    return [item["loc"] for item in response.json()["detail"]]


@pytest.mark.parametrize("path", ROUTES)
async def test_no_ids_is_422_and_does_nothing(
    client: httpx.AsyncClient, app: FastAPI, path: str
) -> None:
    case = await create_case(client)

    response = await client.post(path, json=body_for(path, []))

    assert error_locations(response) == [["body", "case_ids"]]
    assert response.json()["detail"][0]["type"] == "too_short"
    assert await count_cases(app) == 1
    await assert_unchanged(client, case)


@pytest.mark.parametrize("path", ROUTES)
async def test_more_than_a_thousand_ids_is_422_and_does_nothing(
    client: httpx.AsyncClient, app: FastAPI, path: str
) -> None:
    case = await create_case(client)
    ids = [case["id"], *(str(uuid.uuid4()) for _ in range(1000))]

    response = await client.post(path, json=body_for(path, ids))

    assert error_locations(response) == [["body", "case_ids"]]
    assert response.json()["detail"][0]["type"] == "too_long"
    assert await count_cases(app) == 1
    await assert_unchanged(client, case)


@pytest.mark.parametrize("path", ROUTES)
@pytest.mark.parametrize(
    ("case_ids", "location"),
    [
        (["not-a-uuid"], ["body", "case_ids", 0]),
        ("a-string", ["body", "case_ids"]),
        (None, ["body", "case_ids"]),
        ([42], ["body", "case_ids", 0]),
    ],
)
async def test_ids_that_are_not_uuids_are_422(
    client: httpx.AsyncClient, path: str, case_ids: Any, location: list[Any]
) -> None:
    response = await client.post(path, json=body_for(path, case_ids))

    assert error_locations(response) == [location]


@pytest.mark.parametrize("path", ROUTES)
async def test_an_unknown_key_is_422_and_does_nothing(
    client: httpx.AsyncClient, path: str
) -> None:
    case = await create_case(client)

    response = await client.post(path, json=body_for(path, [case["id"]], force=True))

    assert error_locations(response) == [["body", "force"]]
    await assert_unchanged(client, case)


async def test_an_unknown_key_in_the_change_is_422_and_does_nothing(
    client: httpx.AsyncClient,
) -> None:
    case = await create_case(client)

    response = await client.post(
        "/cases/batch-update",
        json={
            "case_ids": [case["id"]],
            "update": {"status": "closed", "colour": "red"},
        },
    )

    assert error_locations(response) == [["body", "update", "colour"]]
    await assert_unchanged(client, case)


async def test_a_delete_body_with_a_change_is_422(client: httpx.AsyncClient) -> None:
    case = await create_case(client)

    response = await client.post(
        "/cases/batch-delete",
        json={"case_ids": [case["id"]], "update": {"status": "closed"}},
    )

    assert error_locations(response) == [["body", "update"]]
    await assert_unchanged(client, case)


async def test_an_update_without_the_change_is_422(client: httpx.AsyncClient) -> None:
    case = await create_case(client)

    response = await client.post("/cases/batch-update", json={"case_ids": [case["id"]]})

    assert error_locations(response) == [["body", "update"]]


@pytest.mark.parametrize(
    ("update", "location"),
    [
        ({"summary": "x" * 256}, ["body", "update", "summary"]),
        ({"summary": "nul \x00 inside"}, ["body", "update", "summary"]),
        ({"description": "y" * 5001}, ["body", "update", "description"]),
        ({"summary": None}, ["body", "update", "summary"]),
        ({"status": "finished"}, ["body", "update", "status"]),
        ({"priority": 3}, ["body", "update", "priority"]),
        ({"payload": [1, 2]}, ["body", "update", "payload"]),
        ({"assignee_id": "someone"}, ["body", "update", "assignee_id"]),
    ],
)
async def test_an_invalid_change_is_422_before_any_case_is_touched(
    client: httpx.AsyncClient, update: dict[str, Any], location: list[Any]
) -> None:
    case = await create_case(client)

    response = await client.post(
        "/cases/batch-update", json={"case_ids": [case["id"]], "update": update}
    )

    assert error_locations(response) == [location]
    await assert_unchanged(client, case)


@pytest.mark.parametrize("path", ROUTES)
async def test_malformed_json_is_422(client: httpx.AsyncClient, path: str) -> None:
    response = await client.post(
        path,
        content=b'{"case_ids": [',
        headers={"Content-Type": "application/json"},
    )

    assert response.status_code == 422, response.text
    assert response.json()["detail"][0]["type"] == "json_invalid"


@pytest.mark.parametrize("path", ROUTES)
async def test_unauthenticated_is_401(
    admin: Principal, anonymous: httpx.AsyncClient, path: str
) -> None:
    case = await create_case(admin.client)

    response = await anonymous.post(
        f"/workspaces/{admin.workspace_id}{path}", json=body_for(path, [case["id"]])
    )

    assert response.status_code == 401
    assert response.json() == {"detail": "Unauthorized"}
    await assert_unchanged(admin.client, case)


@pytest.mark.parametrize("path", ROUTES)
async def test_a_viewer_gets_insufficient_scope(
    app: FastAPI, admin: Principal, path: str
) -> None:
    case = await create_case(admin.client)
    scope = "case:update" if path.endswith("update") else "case:delete"

    async with signed_in_member(app, admin, WorkspaceRole.VIEWER) as viewer:
        response = await viewer.client.post(path, json=body_for(path, [case["id"]]))

    assert response.status_code == 403
    assert response.json() == insufficient_scope(scope)
    await assert_unchanged(admin.client, case)


@pytest.mark.parametrize("path", ROUTES)
async def test_a_read_only_key_gets_insufficient_scope(
    app: FastAPI, admin: Principal, path: str
) -> None:
    case = await create_case(admin.client)
    scope = "case:update" if path.endswith("update") else "case:delete"
    headers = await issue_key(admin.client, "case:read")

    async with new_client(app) as client:
        response = await client.post(
            f"/workspaces/{admin.workspace_id}{path}",
            json=body_for(path, [case["id"]]),
            headers=headers,
        )

    assert response.status_code == 403
    assert response.json() == insufficient_scope(scope)
    await assert_unchanged(admin.client, case)


async def test_an_editor_may_update_but_not_delete(
    app: FastAPI, admin: Principal
) -> None:
    case = await create_case(admin.client)

    async with signed_in_member(app, admin, WorkspaceRole.EDITOR) as editor:
        deleted = await editor.client.post(
            "/cases/batch-delete", json={"case_ids": [case["id"]]}
        )
        updated = await editor.client.post(
            "/cases/batch-update",
            json={"case_ids": [case["id"]], "update": {"priority": "low"}},
        )

    assert deleted.status_code == 403
    assert deleted.json() == insufficient_scope("case:delete")
    assert updated.status_code == 200, updated.text
    assert updated.json()["succeeded"] == 1
    assert (await read_case(admin.client, case["id"]))["priority"] == "low"
