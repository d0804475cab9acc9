"""Comment requests that must be refused, and change nothing when they are."""

import uuid

import httpx
import pytest
from fastapi import FastAPI

from casedesk.workspaces.roles import WorkspaceRole
from tests.comments.helpers import (
    comment_events,
    create_case,
    insufficient_scope,
    list_comments,
    post_comment,
    signed_in_member,
)
from tests.factories import Principal, create_workspace

LIMIT = 25_000


async def test_content_of_the_limit_is_accepted(client: httpx.AsyncClient) -> None:
    case = await create_case(client)

    comment = await post_comment(client, case["id"], "x" * LIMIT)

    assert len(comment["content"]) == LIMIT


async def test_content_over_the_limit_is_422(client: httpx.AsyncClient) -> None:
    case = await create_case(client)

    response = await client.post(
        f"/cases/{case['id']}/comments", json={"content": "x" * (LIMIT + 1)}
    )

    assert response.status_code == 422
    [error] = response.json()["detail"]
    assert (error["type"], error["loc"]) == ("string_too_long", ["body", "content"])
    assert await list_comments(client, case["id"]) == []


async def test_the_limit_counts_before_trimming(client: httpx.AsyncClient) -> None:
    case = await create_case(client)

    response = await client.post(
        f"/cases/{case['id']}/comments", json={"content": " " + "x" * LIMIT}
    )

    assert response.status_code == 422
    assert response.json()["detail"][0]["type"] == "string_too_long"


async def test_an_edit_over_the_limit_is_422(client: httpx.AsyncClient) -> None:
    case = await create_case(client)
    comment = await post_comment(client, case["id"])

    response = await client.patch(
        f"/cases/{case['id']}/comments/{comment['id']}",
        json={"content": "x" * (LIMIT + 1)},
    )

    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "content"]
    assert await list_comments(client, case["id"]) == [comment]


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"content": ""},
        {"content": 42},
        {"content": ["a"]},
        {"content": None},
        {"content": "ok", "parent_id": "not-a-uuid"},
        {"content": "ok", "parent_id": 7},
        {"content": "ok", "mentions": []},
        {"content": "ok", "user_id": str(uuid.uuid4())},
        {"content": "NUL \x00 inside"},
    ],
)
async def test_invalid_create_bodies_are_422(
    client: httpx.AsyncClient, body: dict[str, object]
) -> None:
    case = await create_case(client)

    response = await client.post(f"/cases/{case['id']}/comments", json=body)

    assert response.status_code == 422, response.text
    assert isinstance(response.json()["detail"], list)
    assert await list_comments(client, case["id"]) == []


@pytest.mark.parametrize(
    "body",
    [
        {"content": ""},
        {"content": "   "},
        {"content": 42},
        {"content": "NUL \x00 inside"},
        {"content": "ok", "extra": True},
    ],
)
async def test_invalid_edit_bodies_are_422(
    client: httpx.AsyncClient, body: dict[str, object]
) -> None:
    case = await create_case(client)
    comment = await post_comment(client, case["id"])

    response = await client.patch(
        f"/cases/{case['id']}/comments/{comment['id']}", json=body
    )

    assert response.status_code == 422, response.text
    assert await list_comments(client, case["id"]) == [comment]
    assert len(await comment_events(client, case["id"])) == 1


async def test_a_lone_surrogate_is_422(client: httpx.AsyncClient) -> None:
    case = await create_case(client)

    response = await client.post(
        f"/cases/{case['id']}/comments",
        content=b'{"content": "lone \\ud800 surrogate"}',
        headers={"Content-Type": "application/json"},
    )

    assert response.status_code == 422
    assert await list_comments(client, case["id"]) == []


async def test_malformed_json_is_422(client: httpx.AsyncClient) -> None:
    case = await create_case(client)

    response = await client.post(
        f"/cases/{case['id']}/comments",
        content=b'{"content": "unterminated',
        headers={"Content-Type": "application/json"},
    )

    assert response.status_code == 422
    assert await list_comments(client, case["id"]) == []


async def test_a_non_uuid_comment_id_is_422(client: httpx.AsyncClient) -> None:
    case = await create_case(client)

    response = await client.delete(f"/cases/{case['id']}/comments/threads")

    assert response.status_code == 422


async def test_every_route_of_an_unknown_case_is_404(
    client: httpx.AsyncClient,
) -> None:
    case_id = uuid.uuid4()
    base = f"/cases/{case_id}/comments"
    comment_id = uuid.uuid4()

    responses = [
        await client.get(base),
        await client.get(f"{base}/threads"),
        await client.post(base, json={"content": "Hello"}),
        await client.patch(f"{base}/{comment_id}", json={"content": "Hello"}),
        await client.delete(f"{base}/{comment_id}"),
    ]

    for response in responses:
        assert response.status_code == 404
        assert response.json() == {"detail": f"Case with ID {case_id} not found"}


async def test_a_case_of_another_workspace_is_404(
    app: FastAPI, admin: Principal
) -> None:
    other = await create_workspace(
        app, f"Other {uuid.uuid4().hex[:8]}", owner_id=admin.user_id
    )
    foreign_case = await create_case(admin.client, prefix=f"/workspaces/{other}")
    foreign = await admin.client.post(
        f"/workspaces/{other}/cases/{foreign_case['id']}/comments",
        json={"content": "Over there"},
    )
    assert foreign.status_code == 201, foreign.text
    base = f"/cases/{foreign_case['id']}/comments"
    comment_id = foreign.json()["id"]

    responses = [
        await admin.client.get(base),
        await admin.client.get(f"{base}/threads"),
        await admin.client.post(base, json={"content": "Hello"}),
        await admin.client.patch(f"{base}/{comment_id}", json={"content": "Hello"}),
        await admin.client.delete(f"{base}/{comment_id}"),
    ]

    for response in responses:
        assert response.status_code == 404
        assert response.json() == {
            "detail": f"Case with ID {foreign_case['id']} not found"
        }
    kept = await admin.client.get(
        f"/workspaces/{other}/cases/{foreign_case['id']}/comments"
    )
    assert kept.json() == [foreign.json()]


async def test_a_comment_of_another_case_is_404(client: httpx.AsyncClient) -> None:
    case = await create_case(client)
    other_case = await create_case(client)
    comment = await post_comment(client, other_case["id"])
    path = f"/cases/{case['id']}/comments/{comment['id']}"

    edited = await client.patch(path, json={"content": "Edited"})
    deleted = await client.delete(path)

    expected = {"detail": f"Comment with ID {comment['id']} not found"}
    assert (edited.status_code, edited.json()) == (404, expected)
    assert (deleted.status_code, deleted.json()) == (404, expected)
    assert await list_comments(client, other_case["id"]) == [comment]


async def test_an_unknown_comment_is_404(client: httpx.AsyncClient) -> None:
    case = await create_case(client)
    comment_id = uuid.uuid4()

    response = await client.delete(f"/cases/{case['id']}/comments/{comment_id}")

    assert response.status_code == 404
    assert response.json() == {"detail": f"Comment with ID {comment_id} not found"}


async def test_unauthenticated_calls_are_401(
    client: httpx.AsyncClient, anonymous: httpx.AsyncClient
) -> None:
    case = await create_case(client)
    comment = await post_comment(client, case["id"])
    base = f"/cases/{case['id']}/comments"

    responses = [
        await anonymous.get(base),
        await anonymous.get(f"{base}/threads"),
        await anonymous.post(base, json={"content": "Hello"}),
        await anonymous.patch(f"{base}/{comment['id']}", json={"content": "x"}),
        await anonymous.delete(f"{base}/{comment['id']}"),
    ]

    for response in responses:
        assert response.status_code == 401
        assert response.json() == {"detail": "Unauthorized"}
        assert response.headers["WWW-Authenticate"] == "Cookie"
    assert await list_comments(client, case["id"]) == [comment]


async def test_a_viewer_cannot_post(app: FastAPI, admin: Principal) -> None:
    case = await create_case(admin.client)

    async with signed_in_member(app, admin, WorkspaceRole.VIEWER) as viewer:
        response = await viewer.client.post(
            f"/cases/{case['id']}/comments", json={"content": "Hello"}
        )

    assert response.status_code == 403
    assert response.json() == insufficient_scope("case:update")
    assert await list_comments(admin.client, case["id"]) == []
