"""Matrix declarations for the comments routes.

Editing and deleting a comment is for its author alone, so each allowed
caller works on a comment of its own; API keys are never authors and are
refused after the scope check with the reference's messages.
"""

from typing import Any

from tests.auth.matrix_rules import (
    ROLE_SCOPES,
    ROLES_IN_A,
    Check,
    Declared,
    Requirement,
    Target,
    scope,
)
from tests.auth.matrix_world import Caller, World, unique
from tests.conftest import new_client

COMMENTS = "/cases/{case_id}/comments"


def author_only(message: str) -> Requirement:
    """`case:update`, and the caller must be the person who wrote the comment."""
    return Requirement(
        (Check.SIGNED_IN, Check.IN_WORKSPACE, Check.SCOPE, Check.PERSON),
        scope="case:update",
        people_only=message,
    )


async def standing_comments(world: World) -> list[dict[str, Any]]:
    """The comments of workspace A's standing case."""
    listed = await world.admin.get(world.in_a(f"/cases/{world.case_id}/comments"))
    assert listed.status_code == 200, listed.text
    return list(listed.json())


async def comment_by(world: World, caller: Caller) -> dict[str, Any]:
    """A comment on the standing case, written by `caller` when they may write.

    Callers who cannot comment in workspace A get one of the instance admin's.
    """
    content = unique("Matrix comment")
    path = world.in_a(f"/cases/{world.case_id}/comments")
    may_write = (
        caller in ROLES_IN_A and "case:update" in ROLE_SCOPES[ROLES_IN_A[caller]]
    )
    if not may_write:
        response = await world.admin.post(path, json={"content": content})
    else:
        async with new_client(world.app) as client:
            response = await client.post(
                path,
                json={"content": content},
                headers=world.credentials(caller, "case:update"),
            )
    assert response.status_code == 201, response.text
    return dict(response.json())


async def new_comment_body(world: World, caller: Caller) -> Target:
    """A comment to post on the standing case; a refusal must not post it."""
    content = unique("New comment")

    async def unchanged() -> bool:
        return content not in {
            item["content"] for item in await standing_comments(world)
        }

    return Target(json={"content": content}, data=(content,), unchanged=unchanged)


async def own_comment_to_edit(world: World, caller: Caller) -> Target:
    """The caller's own comment and new text; a refusal must keep the old text."""
    comment = await comment_by(world, caller)
    content = unique("Edited comment")

    async def unchanged() -> bool:
        found = {item["id"]: item for item in await standing_comments(world)}
        return bool(found[comment["id"]]["content"] == comment["content"])

    return Target(
        params={"comment_id": comment["id"]},
        json={"content": content},
        data=(comment["content"], content),
        unchanged=unchanged,
    )


async def own_comment_to_delete(world: World, caller: Caller) -> Target:
    """The caller's own comment for this call to delete."""
    comment = await comment_by(world, caller)

    async def unchanged() -> bool:
        return comment["id"] in {item["id"] for item in await standing_comments(world)}

    return Target(
        params={"comment_id": comment["id"]},
        data=(comment["content"],),
        unchanged=unchanged,
    )


DECLARED: dict[tuple[str, str], Declared] = {
    ("GET", COMMENTS): Declared(scope("case:read")),
    ("GET", f"{COMMENTS}/threads"): Declared(scope("case:read")),
    ("POST", COMMENTS): Declared(scope("case:update"), new_comment_body),
    ("PATCH", f"{COMMENTS}/{{comment_id}}"): Declared(
        author_only("You cannot update this comment"), own_comment_to_edit
    ),
    ("DELETE", f"{COMMENTS}/{{comment_id}}"): Declared(
        author_only("You can only delete your own comments"), own_comment_to_delete
    ),
}
