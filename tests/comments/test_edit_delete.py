"""Editing and deleting comments: authors only, tombstones, and events."""

from datetime import datetime

import httpx
from fastapi import FastAPI

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


def comment_path(case: dict[str, str], comment: dict[str, str]) -> str:
    """The path of one comment of a case."""
    return f"/cases/{case['id']}/comments/{comment['id']}"


async def test_editing_answers_204_and_changes_the_content(
    client: httpx.AsyncClient,
) -> None:
    case = await create_case(client)
    comment = await post_comment(client, case["id"], "Draft")

    response = await client.patch(
        comment_path(case, comment), json={"content": "  Final  "}
    )

    assert response.status_code == 204
    assert response.content == b""
    [edited] = await list_comments(client, case["id"])
    assert edited["content"] == "Final"
    assert edited["last_edited_at"] is not None
    assert edited["updated_at"] == edited["last_edited_at"]
    assert datetime.fromisoformat(edited["updated_at"]) > datetime.fromisoformat(
        comment["updated_at"]
    )
    assert edited["created_at"] == comment["created_at"]


async def test_editing_records_comment_updated(client: httpx.AsyncClient) -> None:
    case = await create_case(client)
    comment = await post_comment(client, case["id"])

    await client.patch(comment_path(case, comment), json={"content": "Edited"})

    assert (await comment_events(client, case["id"]))[0] == (
        "comment_updated",
        {"comment_id": comment["id"], "thread_root_id": comment["id"]},
    )


async def test_editing_a_reply_records_comment_reply_updated(
    client: httpx.AsyncClient,
) -> None:
    case = await create_case(client)
    parent = await post_comment(client, case["id"])
    reply = await post_comment(client, case["id"], "Reply", parent_id=parent["id"])

    await client.patch(comment_path(case, reply), json={"content": "Edited"})

    assert (await comment_events(client, case["id"]))[0] == (
        "comment_reply_updated",
        {
            "comment_id": reply["id"],
            "parent_id": parent["id"],
            "thread_root_id": parent["id"],
        },
    )


async def test_an_edit_without_content_changes_nothing(
    client: httpx.AsyncClient,
) -> None:
    case = await create_case(client)
    comment = await post_comment(client, case["id"])

    response = await client.patch(comment_path(case, comment), json={})

    assert response.status_code == 204
    assert await list_comments(client, case["id"]) == [comment]
    assert len(await comment_events(client, case["id"])) == 1


async def test_null_content_is_400(client: httpx.AsyncClient) -> None:
    case = await create_case(client)
    comment = await post_comment(client, case["id"])

    response = await client.patch(comment_path(case, comment), json={"content": None})

    assert response.status_code == 400
    assert response.json() == {"detail": "Comment content is required"}
    assert await list_comments(client, case["id"]) == [comment]


async def test_any_parent_id_key_is_400(client: httpx.AsyncClient) -> None:
    case = await create_case(client)
    comment = await post_comment(client, case["id"])
    other = await post_comment(client, case["id"])

    for parent_id in (other["id"], None, "not-a-uuid"):
        response = await client.patch(
            comment_path(case, comment),
            json={"content": "Moved", "parent_id": parent_id},
        )
        assert response.status_code == 400
        assert response.json() == {
            "detail": "Changing a comment parent is not supported"
        }

    assert await list_comments(client, case["id"]) == [comment, other]


async def test_editing_someone_elses_comment_is_403(
    app: FastAPI, admin: Principal
) -> None:
    case = await create_case(admin.client)
    comment = await post_comment(admin.client, case["id"])

    async with signed_in_member(app, admin, WorkspaceRole.EDITOR) as editor:
        response = await editor.client.patch(
            comment_path(case, comment), json={"content": "Hijacked"}
        )

    assert response.status_code == 403
    assert response.json() == {"detail": "You cannot update this comment"}
    assert await list_comments(admin.client, case["id"]) == [comment]


async def test_a_key_cannot_edit_even_its_own_comment(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    case = await create_case(client)
    headers = await issue_key(client, "case:update")
    async with new_client(app) as robot:
        created = await robot.post(
            f"/cases/{case['id']}/comments", json={"content": "Mine"}, headers=headers
        )
        comment = created.json()

        response = await robot.patch(
            comment_path(case, comment), json={"content": "Edited"}, headers=headers
        )

    assert response.status_code == 403
    assert response.json() == {"detail": "You cannot update this comment"}
    assert await list_comments(client, case["id"]) == [comment]


async def test_editing_a_tombstone_is_400(client: httpx.AsyncClient) -> None:
    case = await create_case(client)
    parent = await post_comment(client, case["id"])
    await post_comment(client, case["id"], "Reply", parent_id=parent["id"])
    await client.delete(comment_path(case, parent))

    response = await client.patch(comment_path(case, parent), json={"content": "Back"})

    assert response.status_code == 400
    assert response.json() == {"detail": "Deleted comments cannot be updated"}
    assert (await list_comments(client, case["id"]))[0]["content"] == (
        "Comment deleted"
    )


async def test_deleting_a_comment_without_replies_is_hard(
    client: httpx.AsyncClient,
) -> None:
    case = await create_case(client)
    comment = await post_comment(client, case["id"])

    response = await client.delete(comment_path(case, comment))

    assert response.status_code == 204
    assert response.content == b""
    assert await list_comments(client, case["id"]) == []
    assert (await comment_events(client, case["id"]))[0] == (
        "comment_deleted",
        {
            "comment_id": comment["id"],
            "thread_root_id": comment["id"],
            "delete_mode": "hard",
        },
    )


async def test_deleting_a_reply_is_hard(client: httpx.AsyncClient) -> None:
    case = await create_case(client)
    parent = await post_comment(client, case["id"])
    reply = await post_comment(client, case["id"], "Reply", parent_id=parent["id"])

    response = await client.delete(comment_path(case, reply))

    assert response.status_code == 204
    assert await list_comments(client, case["id"]) == [parent]
    assert (await comment_events(client, case["id"]))[0] == (
        "comment_reply_deleted",
        {
            "comment_id": reply["id"],
            "parent_id": parent["id"],
            "thread_root_id": parent["id"],
            "delete_mode": "hard",
        },
    )


async def test_deleting_a_comment_with_replies_leaves_a_tombstone(
    client: httpx.AsyncClient,
) -> None:
    case = await create_case(client)
    parent = await post_comment(client, case["id"], "Secret lead")
    reply = await post_comment(client, case["id"], "Reply", parent_id=parent["id"])

    response = await client.delete(comment_path(case, parent))

    assert response.status_code == 204
    tombstone, kept_reply = await list_comments(client, case["id"])
    assert kept_reply == reply
    assert tombstone["id"] == parent["id"]
    assert tombstone["content"] == "Comment deleted"
    assert tombstone["is_deleted"] is True
    assert tombstone["deleted_at"] is not None
    assert tombstone["user"] == parent["user"]
    assert (await comment_events(client, case["id"]))[0] == (
        "comment_deleted",
        {
            "comment_id": parent["id"],
            "thread_root_id": parent["id"],
            "delete_mode": "soft",
        },
    )
    [thread] = (await client.get(f"/cases/{case['id']}/comments/threads")).json()
    assert thread["comment"] == tombstone
    assert thread["replies"] == [reply]


async def test_deleting_a_tombstone_again_changes_nothing(
    client: httpx.AsyncClient,
) -> None:
    case = await create_case(client)
    parent = await post_comment(client, case["id"])
    await post_comment(client, case["id"], "Reply", parent_id=parent["id"])
    await client.delete(comment_path(case, parent))
    before = await list_comments(client, case["id"])
    events_before = await comment_events(client, case["id"])

    response = await client.delete(comment_path(case, parent))

    assert response.status_code == 204
    assert await list_comments(client, case["id"]) == before
    assert await comment_events(client, case["id"]) == events_before


async def test_the_tombstone_stays_after_its_last_reply_is_deleted(
    client: httpx.AsyncClient,
) -> None:
    case = await create_case(client)
    parent = await post_comment(client, case["id"])
    reply = await post_comment(client, case["id"], "Reply", parent_id=parent["id"])
    await client.delete(comment_path(case, parent))

    response = await client.delete(comment_path(case, reply))

    assert response.status_code == 204
    [tombstone] = await list_comments(client, case["id"])
    assert tombstone["id"] == parent["id"]
    assert tombstone["is_deleted"] is True


async def test_an_editor_deletes_their_own_comment(
    app: FastAPI, admin: Principal
) -> None:
    case = await create_case(admin.client)

    async with signed_in_member(app, admin, WorkspaceRole.EDITOR) as editor:
        comment = await post_comment(editor.client, case["id"])
        response = await editor.client.delete(comment_path(case, comment))

    assert response.status_code == 204
    assert await list_comments(admin.client, case["id"]) == []


async def test_deleting_someone_elses_comment_is_403(
    app: FastAPI, admin: Principal
) -> None:
    case = await create_case(admin.client)

    async with signed_in_member(app, admin, WorkspaceRole.EDITOR) as editor:
        comment = await post_comment(editor.client, case["id"])
    # Even an admin may not delete another person's comment.
    response = await admin.client.delete(comment_path(case, comment))

    assert response.status_code == 403
    assert response.json() == {"detail": "You can only delete your own comments"}
    assert await list_comments(admin.client, case["id"]) == [comment]


async def test_a_key_cannot_delete_a_comment(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    case = await create_case(client)
    comment = await post_comment(client, case["id"])
    headers = await issue_key(client, "case:read", "case:update", "case:delete")

    async with new_client(app) as robot:
        response = await robot.delete(comment_path(case, comment), headers=headers)

    assert response.status_code == 403
    assert response.json() == {"detail": "You can only delete your own comments"}
    assert await list_comments(client, case["id"]) == [comment]


async def test_a_viewer_cannot_edit_or_delete_their_view(
    app: FastAPI, admin: Principal
) -> None:
    case = await create_case(admin.client)
    comment = await post_comment(admin.client, case["id"])

    async with signed_in_member(app, admin, WorkspaceRole.VIEWER) as viewer:
        edited = await viewer.client.patch(
            comment_path(case, comment), json={"content": "Edited"}
        )
        deleted = await viewer.client.delete(comment_path(case, comment))

    refusal = {
        "error": {
            "code": "insufficient_scope",
            "message": "You don't have permission to perform this action.",
            "required_scopes": ["case:update"],
            "missing_scopes": ["case:update"],
        }
    }
    assert (edited.status_code, edited.json()) == (403, refusal)
    assert (deleted.status_code, deleted.json()) == (403, refusal)
    assert await list_comments(admin.client, case["id"]) == [comment]
