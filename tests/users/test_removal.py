"""Deleting or deactivating a user never deletes a case."""

import uuid
from typing import Any

import httpx
from fastapi import FastAPI

from casedesk.workspaces.roles import WorkspaceRole
from casedesk.workspaces.service import WorkspaceService
from tests.factories import Principal, case_body, create_workspace
from tests.users.helpers import (
    MEMBER_EMAIL,
    add_member,
    audit_entries,
    membership_count,
    session_count,
    signed_in,
)


async def assigned_case(client: httpx.AsyncClient, assignee_id: uuid.UUID) -> str:
    """A new case assigned to the user; its id."""
    response = await client.post("/cases", json=case_body(assignee_id=str(assignee_id)))
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


async def timeline(client: httpx.AsyncClient, case_id: str) -> dict[str, Any]:
    """The case's events and the users they name."""
    response = await client.get(f"/cases/{case_id}/events")
    assert response.status_code == 200, response.text
    return dict(response.json())


async def assign(
    client: httpx.AsyncClient, case_id: str, user_id: uuid.UUID
) -> httpx.Response:
    """PATCH the case's assignee."""
    return await client.patch(f"/cases/{case_id}", json={"assignee_id": str(user_id)})


# Deletion


async def test_deleted_users_case_stays(app: FastAPI, admin: Principal) -> None:
    member_id = await add_member(app, admin)
    case_id = await assigned_case(admin.client, member_id)

    await admin.client.delete(f"/users/{member_id}")

    response = await admin.client.get(f"/cases/{case_id}")
    assert response.status_code == 200
    assert response.json()["assignee"] is None


async def test_case_created_by_a_deleted_user_stays(
    app: FastAPI, admin: Principal
) -> None:
    member_id = await add_member(app, admin)
    async with signed_in(app, member_id) as member:
        created = await member.client.post("/cases", json=case_body())

    await admin.client.delete(f"/users/{member_id}")

    response = await admin.client.get(f"/cases/{created.json()['id']}")
    assert response.status_code == 200
    assert response.json()["summary"] == case_body()["summary"]


async def test_deleted_actor_reads_as_removed_user_in_the_timeline(
    app: FastAPI, admin: Principal
) -> None:
    member_id = await add_member(app, admin)
    async with signed_in(app, member_id) as member:
        created = await member.client.post("/cases", json=case_body())
    case_id = created.json()["id"]

    await admin.client.delete(f"/users/{member_id}")

    events = await timeline(admin.client, case_id)
    assert events["events"][-1]["type"] == "case_created"
    assert events["events"][-1]["user_id"] == str(member_id)
    assert events["users"] == [
        {
            "id": str(member_id),
            "email": "",
            "is_active": False,
            "is_superuser": False,
            "is_verified": False,
            "role": "basic",
            "first_name": "Removed",
            "last_name": "user",
            "settings": {"removed": True},
        }
    ]


async def test_delete_records_the_unassignment_by_the_admin(
    app: FastAPI, admin: Principal
) -> None:
    member_id = await add_member(app, admin)
    case_id = await assigned_case(admin.client, member_id)

    await admin.client.delete(f"/users/{member_id}")

    events = await timeline(admin.client, case_id)
    newest = events["events"][0]
    assert newest["type"] == "assignee_changed"
    assert newest["old"] == str(member_id)
    assert "new" not in newest
    assert newest["user_id"] == str(admin.user_id)
    removed = [user for user in events["users"] if user["id"] == str(member_id)]
    assert removed[0]["settings"] == {"removed": True}


async def test_delete_removes_memberships_and_sessions(
    app: FastAPI, admin: Principal
) -> None:
    member_id = await add_member(app, admin)
    async with signed_in(app, member_id):
        assert await session_count(app, member_id) == 1

        await admin.client.delete(f"/users/{member_id}")

    assert await membership_count(app, member_id) == 0
    assert await session_count(app, member_id) == 0


async def test_deleted_user_cannot_be_assigned(app: FastAPI, admin: Principal) -> None:
    member_id = await add_member(app, admin)
    case_id = (await admin.client.post("/cases", json=case_body())).json()["id"]
    await admin.client.delete(f"/users/{member_id}")

    response = await assign(admin.client, case_id, member_id)

    assert response.status_code == 422
    assert response.json() == {
        "detail": f"Assignee {member_id} is not a member of this workspace and "
        "cannot be assigned"
    }
    assert (await admin.client.get(f"/cases/{case_id}")).json()["assignee"] is None


# Deactivation


async def test_deactivation_keeps_the_case_and_clears_its_assignee(
    app: FastAPI, admin: Principal
) -> None:
    member_id = await add_member(app, admin)
    case_id = await assigned_case(admin.client, member_id)

    response = await admin.client.patch(
        f"/users/{member_id}", json={"is_active": False}
    )

    assert response.status_code == 200
    assert response.json()["is_active"] is False
    case = (await admin.client.get(f"/cases/{case_id}")).json()
    assert case["assignee"] is None


async def test_deactivation_records_one_unassignment_per_case(
    app: FastAPI, admin: Principal
) -> None:
    member_id = await add_member(app, admin)
    case_ids = [await assigned_case(admin.client, member_id) for _ in range(2)]

    await admin.client.patch(f"/users/{member_id}", json={"is_active": False})

    for case_id in case_ids:
        events = (await timeline(admin.client, case_id))["events"]
        unassigned = [e for e in events if e["type"] == "assignee_changed"]
        assert len(unassigned) == 1
        assert unassigned[0]["old"] == str(member_id)
        assert "new" not in unassigned[0]
        assert unassigned[0]["user_id"] == str(admin.user_id)


async def test_deactivation_clears_assignments_in_every_workspace(
    app: FastAPI, admin: Principal
) -> None:
    member_id = await add_member(app, admin)
    other = await create_workspace(app, "Other team", owner_id=admin.user_id)
    async with app.state.sessionmaker() as session:
        await WorkspaceService(session).add_member(
            other, member_id, WorkspaceRole.EDITOR
        )
        await session.commit()
    response = await admin.client.post(
        f"/workspaces/{other}/cases", json=case_body(assignee_id=str(member_id))
    )
    case_id = response.json()["id"]

    await admin.client.patch(f"/users/{member_id}", json={"is_active": False})

    case = (await admin.client.get(f"/workspaces/{other}/cases/{case_id}")).json()
    assert case["assignee"] is None


async def test_deactivation_keeps_memberships(app: FastAPI, admin: Principal) -> None:
    member_id = await add_member(app, admin)

    await admin.client.patch(f"/users/{member_id}", json={"is_active": False})

    assert await membership_count(app, member_id) == 1


async def test_deactivation_signs_the_user_out(app: FastAPI, admin: Principal) -> None:
    member_id = await add_member(app, admin)

    async with signed_in(app, member_id) as member:
        await admin.client.patch(f"/users/{member_id}", json={"is_active": False})
        status = (await member.client.get("/cases")).status_code

    assert status == 401
    assert await session_count(app, member_id) == 0


async def test_deactivated_user_cannot_be_assigned(
    app: FastAPI, admin: Principal
) -> None:
    member_id = await add_member(app, admin)
    case_id = (await admin.client.post("/cases", json=case_body())).json()["id"]
    await admin.client.patch(f"/users/{member_id}", json={"is_active": False})
    before = await timeline(admin.client, case_id)

    response = await assign(admin.client, case_id, member_id)

    assert response.status_code == 422
    assert response.json() == {
        "detail": f"Assignee {member_id} is deactivated and cannot be assigned"
    }
    assert await timeline(admin.client, case_id) == before


async def test_new_case_cannot_be_assigned_to_a_deactivated_user(
    app: FastAPI, admin: Principal
) -> None:
    member_id = await add_member(app, admin)
    await admin.client.patch(f"/users/{member_id}", json={"is_active": False})

    response = await admin.client.post(
        "/cases", json=case_body(assignee_id=str(member_id))
    )

    assert response.status_code == 422
    listed = (await admin.client.get("/cases")).json()
    assert listed["items"] == []


async def test_reactivated_user_can_be_assigned_again(
    app: FastAPI, admin: Principal
) -> None:
    member_id = await add_member(app, admin)
    case_id = (await admin.client.post("/cases", json=case_body())).json()["id"]
    await admin.client.patch(f"/users/{member_id}", json={"is_active": False})
    await admin.client.patch(f"/users/{member_id}", json={"is_active": True})

    response = await assign(admin.client, case_id, member_id)

    assert response.status_code == 204
    case = (await admin.client.get(f"/cases/{case_id}")).json()
    assert case["assignee"]["email"] == MEMBER_EMAIL


async def test_deactivation_is_audited(app: FastAPI, admin: Principal) -> None:
    member_id = await add_member(app, admin)

    await admin.client.patch(f"/users/{member_id}", json={"is_active": False})

    entries = await audit_entries(admin.client, "user_updated")
    assert len(entries) == 1
    assert entries[0]["target_id"] == str(member_id)
    assert entries[0]["details"] == {"fields": ["is_active"]}


async def test_refused_self_deactivation_keeps_the_admins_cases(
    admin: Principal,
) -> None:
    case_id = await assigned_case(admin.client, admin.user_id)

    response = await admin.client.patch(
        f"/users/{admin.user_id}", json={"is_active": False}
    )

    assert response.status_code == 409
    case = (await admin.client.get(f"/cases/{case_id}")).json()
    assert case["assignee"]["id"] == str(admin.user_id)
