"""Posting, listing and threading comments, and the events they record."""

import uuid
from datetime import datetime

import httpx
from fastapi import FastAPI
from sqlalchemy import delete, select

from casedesk.models import CaseComment, User
from casedesk.workspaces.roles import WorkspaceRole
from tests.comments.helpers import (
    comment_events,
    create_case,
    issue_key,
    list_comments,
    post_comment,
    signed_in_member,
)
from tests.conftest import new_client
from tests.factories import Principal


def parse_time(value: str) -> datetime:
    """A response timestamp as a datetime."""
    return datetime.fromisoformat(value)


async def test_posting_answers_201_with_the_trimmed_comment(admin: Principal) -> None:
    case = await create_case(admin.client)

    response = await admin.client.post(
        f"/cases/{case['id']}/comments", json={"content": "  hello  "}
    )

    assert response.status_code == 201
    body = response.json()
    assert response.headers["Location"] == (
        f"/workspaces/{admin.workspace_id}/cases/{case['id']}/comments/{body['id']}"
    )
    assert body["content"] == "hello"
    assert body["created_at"] == body["updated_at"]
    assert body["created_at"].endswith("Z")
    assert body["user"]["id"] == str(admin.user_id)
    assert body["user"]["email"] == admin.email
    assert {key: body[key] for key in body if key not in ("user",)} == {
        "id": body["id"],
        "created_at": body["created_at"],
        "updated_at": body["updated_at"],
        "content": "hello",
        "parent_id": None,
        "workflow": None,
        "agent": None,
        "last_edited_at": None,
        "deleted_at": None,
        "is_deleted": False,
        "mentions": [],
    }
    assert await list_comments(admin.client, case["id"]) == [body]


async def test_blank_content_is_422(client: httpx.AsyncClient) -> None:
    case = await create_case(client)

    response = await client.post(
        f"/cases/{case['id']}/comments", json={"content": " \n\t "}
    )

    assert response.status_code == 422
    [error] = response.json()["detail"]
    assert error["loc"] == ["body", "content"]
    assert error["msg"] == "Value error, Comment content cannot be blank"
    assert await list_comments(client, case["id"]) == []


async def test_a_top_level_comment_records_comment_created(
    client: httpx.AsyncClient,
) -> None:
    case = await create_case(client)

    comment = await post_comment(client, case["id"])

    assert await comment_events(client, case["id"]) == [
        (
            "comment_created",
            {"comment_id": comment["id"], "thread_root_id": comment["id"]},
        )
    ]


async def test_a_reply_records_comment_reply_created(
    client: httpx.AsyncClient,
) -> None:
    case = await create_case(client)
    parent = await post_comment(client, case["id"])

    reply = await post_comment(client, case["id"], "Agreed", parent_id=parent["id"])

    assert reply["parent_id"] == parent["id"]
    events = await comment_events(client, case["id"])
    assert events[0] == (
        "comment_reply_created",
        {
            "comment_id": reply["id"],
            "parent_id": parent["id"],
            "thread_root_id": parent["id"],
        },
    )


async def test_replying_to_a_reply_is_400(client: httpx.AsyncClient) -> None:
    case = await create_case(client)
    parent = await post_comment(client, case["id"])
    reply = await post_comment(client, case["id"], "Reply", parent_id=parent["id"])

    response = await client.post(
        f"/cases/{case['id']}/comments",
        json={"content": "Nested", "parent_id": reply["id"]},
    )

    assert response.status_code == 400
    assert response.json() == {"detail": "Replies cannot have replies"}
    assert len(await list_comments(client, case["id"])) == 2


async def test_replying_to_a_comment_of_another_case_is_400(
    client: httpx.AsyncClient,
) -> None:
    case = await create_case(client)
    other_case = await create_case(client)
    parent = await post_comment(client, other_case["id"])

    response = await client.post(
        f"/cases/{case['id']}/comments",
        json={"content": "Cross", "parent_id": parent["id"]},
    )

    assert response.status_code == 400
    assert response.json() == {"detail": "Parent comment must belong to the same case"}
    assert await list_comments(client, case["id"]) == []


async def test_replying_to_an_unknown_comment_is_400(
    client: httpx.AsyncClient,
) -> None:
    case = await create_case(client)

    response = await client.post(
        f"/cases/{case['id']}/comments",
        json={"content": "Orphan", "parent_id": str(uuid.uuid4())},
    )

    assert response.status_code == 400
    assert response.json() == {"detail": "Parent comment not found"}
    assert await list_comments(client, case["id"]) == []


async def test_replying_to_a_tombstone_is_400(client: httpx.AsyncClient) -> None:
    case = await create_case(client)
    parent = await post_comment(client, case["id"])
    await post_comment(client, case["id"], "Reply", parent_id=parent["id"])
    deleted = await client.delete(f"/cases/{case['id']}/comments/{parent['id']}")
    assert deleted.status_code == 204

    response = await client.post(
        f"/cases/{case['id']}/comments",
        json={"content": "Late", "parent_id": parent["id"]},
    )

    assert response.status_code == 400
    assert response.json() == {"detail": "Cannot reply to a deleted comment"}
    assert len(await list_comments(client, case["id"])) == 2


async def test_reply_rules_apply_in_the_reference_order(
    client: httpx.AsyncClient,
) -> None:
    case = await create_case(client)
    other_case = await create_case(client)
    parent = await post_comment(client, other_case["id"])
    reply = await post_comment(
        client, other_case["id"], "Reply", parent_id=parent["id"]
    )

    # Both in another case and itself a reply: the case is checked first.
    response = await client.post(
        f"/cases/{case['id']}/comments",
        json={"content": "Nested", "parent_id": reply["id"]},
    )

    assert response.status_code == 400
    assert response.json() == {"detail": "Parent comment must belong to the same case"}


async def test_the_flat_list_is_oldest_first_with_replies(
    client: httpx.AsyncClient,
) -> None:
    case = await create_case(client)
    first = await post_comment(client, case["id"], "First")
    second = await post_comment(client, case["id"], "Second")
    reply = await post_comment(client, case["id"], "Reply", parent_id=first["id"])

    listed = await list_comments(client, case["id"])

    assert [item["id"] for item in listed] == [first["id"], second["id"], reply["id"]]
    assert [item["parent_id"] for item in listed] == [None, None, first["id"]]


async def test_threads_nest_replies_and_count_them(
    client: httpx.AsyncClient,
) -> None:
    case = await create_case(client)
    first = await post_comment(client, case["id"], "First")
    second = await post_comment(client, case["id"], "Second")
    reply_one = await post_comment(client, case["id"], "R1", parent_id=first["id"])
    reply_two = await post_comment(client, case["id"], "R2", parent_id=first["id"])

    response = await client.get(f"/cases/{case['id']}/comments/threads")

    assert response.status_code == 200
    assert response.json() == [
        {
            "comment": first,
            "replies": [reply_one, reply_two],
            "reply_count": 2,
            "last_activity_at": reply_two["updated_at"],
        },
        {
            "comment": second,
            "replies": [],
            "reply_count": 0,
            "last_activity_at": second["updated_at"],
        },
    ]


async def test_an_edit_is_the_latest_activity_of_its_thread(
    client: httpx.AsyncClient,
) -> None:
    case = await create_case(client)
    first = await post_comment(client, case["id"], "First")
    await post_comment(client, case["id"], "Reply", parent_id=first["id"])
    edited = await client.patch(
        f"/cases/{case['id']}/comments/{first['id']}", json={"content": "Edited"}
    )
    assert edited.status_code == 204

    [thread] = (await client.get(f"/cases/{case['id']}/comments/threads")).json()

    assert thread["last_activity_at"] == thread["comment"]["updated_at"]
    assert parse_time(thread["last_activity_at"]) > parse_time(
        thread["replies"][0]["updated_at"]
    )


async def test_threads_of_a_case_without_comments_are_empty(
    client: httpx.AsyncClient,
) -> None:
    case = await create_case(client)

    response = await client.get(f"/cases/{case['id']}/comments/threads")

    assert response.status_code == 200
    assert response.json() == []


async def test_a_viewer_reads_the_list_and_the_threads(
    app: FastAPI, admin: Principal
) -> None:
    case = await create_case(admin.client)
    parent = await post_comment(admin.client, case["id"])
    reply = await post_comment(admin.client, case["id"], "R", parent_id=parent["id"])

    async with signed_in_member(app, admin, WorkspaceRole.VIEWER) as viewer:
        listed = await viewer.client.get(f"/cases/{case['id']}/comments")
        threads = await viewer.client.get(f"/cases/{case['id']}/comments/threads")

    assert listed.status_code == 200
    assert listed.json() == [parent, reply]
    assert threads.status_code == 200
    assert threads.json()[0]["replies"] == [reply]


async def test_an_editor_replies(app: FastAPI, admin: Principal) -> None:
    case = await create_case(admin.client)
    parent = await post_comment(admin.client, case["id"])

    async with signed_in_member(app, admin, WorkspaceRole.EDITOR) as editor:
        reply = await post_comment(
            editor.client, case["id"], "Mine", parent_id=parent["id"]
        )

    assert reply["parent_id"] == parent["id"]
    assert reply["user"]["id"] == str(editor.user_id)


async def test_a_key_comment_has_no_user(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    case = await create_case(client)
    headers = await issue_key(client, "case:update")

    async with new_client(app) as robot:
        response = await robot.post(
            f"/cases/{case['id']}/comments",
            json={"content": "Enriched by SOAR"},
            headers=headers,
        )

    assert response.status_code == 201, response.text
    assert response.json()["user"] is None
    events = (await client.get(f"/cases/{case['id']}/events")).json()["events"]
    assert "user_id" not in events[0]
    assert "service_account_id" in events[0]


async def test_a_deleted_author_is_shown_as_a_removed_user(
    app: FastAPI, admin: Principal
) -> None:
    case = await create_case(admin.client)
    async with signed_in_member(app, admin, WorkspaceRole.EDITOR) as editor:
        comment = await post_comment(editor.client, case["id"])
    async with app.state.sessionmaker() as session:
        await session.execute(delete(User).where(User.id == editor.user_id))
        await session.commit()

    [listed] = await list_comments(admin.client, case["id"])

    assert listed["id"] == comment["id"]
    assert listed["user"] == {
        "id": str(editor.user_id),
        "email": "",
        "is_active": False,
        "is_superuser": False,
        "is_verified": False,
        "role": "basic",
        "first_name": "Removed",
        "last_name": "user",
        "settings": {"removed": True},
    }


async def test_workflow_ids_in_every_form_are_not_found(
    client: httpx.AsyncClient,
) -> None:
    case = await create_case(client)
    forms = [
        str(uuid.uuid4()),
        "wf_" + "0" * 21 + "1",
        "wf_7N42dgm5tFLK9N8MT7fHC7",
        "wf-" + uuid.uuid4().hex,
    ]

    for workflow_id in forms:
        response = await client.post(
            f"/cases/{case['id']}/comments",
            json={"content": "Run it", "workflow_id": workflow_id},
        )
        assert response.status_code == 400, workflow_id
        assert response.json() == {"detail": "Workflow not found"}

    assert await list_comments(client, case["id"]) == []
    assert await comment_events(client, case["id"]) == []


async def test_malformed_workflow_ids_are_422(client: httpx.AsyncClient) -> None:
    case = await create_case(client)
    malformed = [
        "wf_short",
        "wf_" + "z" * 22,
        "wf_" + "0" * 21 + "!",
        "wf-1234",
        "workflow",
        "",
        42,
    ]

    for workflow_id in malformed:
        response = await client.post(
            f"/cases/{case['id']}/comments",
            json={"content": "Run it", "workflow_id": workflow_id},
        )
        assert response.status_code == 422, workflow_id
        assert response.json()["detail"][0]["loc"] == ["body", "workflow_id"]

    assert await list_comments(client, case["id"]) == []


async def test_commenting_leaves_the_case_updated_at(
    client: httpx.AsyncClient,
) -> None:
    case = await create_case(client)

    comment = await post_comment(client, case["id"])
    await client.patch(
        f"/cases/{case['id']}/comments/{comment['id']}", json={"content": "Edited"}
    )
    await client.delete(f"/cases/{case['id']}/comments/{comment['id']}")

    read = (await client.get(f"/cases/{case['id']}")).json()
    assert read["updated_at"] == case["updated_at"]


async def test_deleting_a_case_removes_its_comments(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    case = await create_case(client)
    parent = await post_comment(client, case["id"])
    await post_comment(client, case["id"], "Reply", parent_id=parent["id"])

    response = await client.delete(f"/cases/{case['id']}")

    assert response.status_code == 204
    async with app.state.sessionmaker() as session:
        left = list(
            await session.scalars(
                select(CaseComment.id).where(
                    CaseComment.case_id == uuid.UUID(case["id"])
                )
            )
        )
    assert left == []
    gone = await client.get(f"/cases/{case['id']}/comments")
    assert gone.status_code == 404
    assert gone.json() == {"detail": f"Case with ID {case['id']} not found"}
