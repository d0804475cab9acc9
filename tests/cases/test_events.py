"""The case timeline: which changes record which events, and how they read."""

import re
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import datetime
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from tests.conftest import new_client
from tests.factories import Principal, case_body, create_user, sign_in

ISO_UTC = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$")
USER_READ_KEYS = {
    "id",
    "email",
    "is_active",
    "is_superuser",
    "is_verified",
    "role",
    "settings",
}
MEMBER_EMAIL = "analyst@example.com"
MEMBER_PASSWORD = "another-long-password"


async def post_case(client: httpx.AsyncClient, **overrides: Any) -> dict[str, Any]:
    """Create one case and return its body."""
    response = await client.post("/cases", json=case_body(**overrides))
    assert response.status_code == 201, response.text
    return response.json()


async def patch_case(
    client: httpx.AsyncClient, case_id: str, changes: dict[str, Any]
) -> None:
    """Apply a PATCH that must succeed."""
    response = await client.patch(f"/cases/{case_id}", json=changes)
    assert response.status_code == 204, response.text


async def timeline(client: httpx.AsyncClient, case_id: str) -> dict[str, Any]:
    """The case's `{"events": ..., "users": ...}` answer."""
    response = await client.get(f"/cases/{case_id}/events")
    assert response.status_code == 200, response.text
    return response.json()


async def events_since_creation(
    client: httpx.AsyncClient, case_id: str
) -> list[dict[str, Any]]:
    """Events newer than `case_created`, newest first."""
    events = (await timeline(client, case_id))["events"]
    assert events[-1]["type"] == "case_created"
    return events[:-1]


async def add_member(admin: Principal, app: FastAPI) -> uuid.UUID:
    """A second member of the admin's workspace."""
    return await create_user(
        app, MEMBER_EMAIL, MEMBER_PASSWORD, workspace_id=admin.workspace_id
    )


@asynccontextmanager
async def member_session(app: FastAPI) -> AsyncIterator[Principal]:
    """The second member, signed in on their own client."""
    async with new_client(app) as client:
        yield await sign_in(client, MEMBER_EMAIL, MEMBER_PASSWORD)


# Creation


async def test_new_case_has_exactly_one_case_created_event(
    admin: Principal,
) -> None:
    case = await post_case(
        admin.client, assignee_id=str(admin.user_id), payload={"alert": {"id": 7}}
    )

    events = (await timeline(admin.client, case["id"]))["events"]

    assert [event["type"] for event in events] == ["case_created"]


async def test_event_carries_type_actor_and_utc_time(admin: Principal) -> None:
    case = await post_case(admin.client)

    (event,) = (await timeline(admin.client, case["id"]))["events"]

    assert event["type"] == "case_created"
    assert event["user_id"] == str(admin.user_id)
    assert ISO_UTC.match(event["created_at"])
    assert not {"old", "new", "field", "wf_exec_id"} & set(event)
    assert None not in event.values()


async def test_users_lists_the_actor_as_user_read(admin: Principal) -> None:
    case = await post_case(admin.client)

    users = (await timeline(admin.client, case["id"]))["users"]

    assert len(users) == 1
    (user,) = users
    assert USER_READ_KEYS <= set(user)
    assert "hashed_password" not in user
    assert user["id"] == str(admin.user_id)
    assert user["email"] == admin.email
    assert (user["is_active"], user["is_superuser"], user["is_verified"]) == (
        True,
        True,
        True,
    )
    assert user["role"] == "admin"
    assert user["settings"] == {}


async def test_events_of_unknown_case_is_404(client: httpx.AsyncClient) -> None:
    case_id = uuid.uuid4()

    response = await client.get(f"/cases/{case_id}/events")

    assert response.status_code == 404
    assert response.json() == {"detail": f"Case with ID {case_id} not found"}


# Status


async def test_closing_records_case_closed(client: httpx.AsyncClient) -> None:
    case = await post_case(client, status="new")

    await patch_case(client, case["id"], {"status": "closed"})

    events = await events_since_creation(client, case["id"])
    assert [(e["type"], e["old"], e["new"]) for e in events] == [
        ("case_closed", "new", "closed")
    ]


async def test_reopening_records_case_reopened(client: httpx.AsyncClient) -> None:
    case = await post_case(client, status="closed")

    await patch_case(client, case["id"], {"status": "in_progress"})

    events = await events_since_creation(client, case["id"])
    assert [(e["type"], e["old"], e["new"]) for e in events] == [
        ("case_reopened", "closed", "in_progress")
    ]


async def test_resolving_records_status_changed(client: httpx.AsyncClient) -> None:
    case = await post_case(client, status="new")

    await patch_case(client, case["id"], {"status": "resolved"})

    events = await events_since_creation(client, case["id"])
    assert [(e["type"], e["old"], e["new"]) for e in events] == [
        ("status_changed", "new", "resolved")
    ]


async def test_priority_and_severity_changes_record_old_and_new(
    client: httpx.AsyncClient,
) -> None:
    case = await post_case(client, priority="low", severity="informational")

    await patch_case(client, case["id"], {"priority": "high", "severity": "fatal"})

    events = await events_since_creation(client, case["id"])
    assert [(e["type"], e["old"], e["new"]) for e in events] == [
        ("severity_changed", "informational", "fatal"),
        ("priority_changed", "low", "high"),
    ]


# Unchanged values


@pytest.mark.parametrize(
    "key", ["status", "priority", "severity", "summary", "assignee_id", "payload"]
)
async def test_patch_to_the_current_value_records_no_event(
    admin: Principal, key: str
) -> None:
    case = await post_case(
        admin.client, assignee_id=str(admin.user_id), payload={"alert": [1, "two"]}
    )
    current = {
        "status": case["status"],
        "priority": case["priority"],
        "severity": case["severity"],
        "summary": case["summary"],
        "assignee_id": str(admin.user_id),
        "payload": {"alert": [1, "two"]},
    }

    await patch_case(admin.client, case["id"], {key: current[key]})

    assert await events_since_creation(admin.client, case["id"]) == []


async def test_unassigning_an_unassigned_case_records_no_event(
    client: httpx.AsyncClient,
) -> None:
    case = await post_case(client)

    await patch_case(client, case["id"], {"assignee_id": None})

    assert await events_since_creation(client, case["id"]) == []


# Summary and description


async def test_summary_change_records_case_updated(
    client: httpx.AsyncClient,
) -> None:
    case = await post_case(client, summary="Before")

    await patch_case(client, case["id"], {"summary": "After"})

    events = await events_since_creation(client, case["id"])
    assert [(e["type"], e["field"], e["old"], e["new"]) for e in events] == [
        ("case_updated", "summary", "Before", "After")
    ]


async def test_description_only_change_records_no_event(
    client: httpx.AsyncClient,
) -> None:
    case = await post_case(client)

    await patch_case(client, case["id"], {"description": "A longer story."})

    assert await events_since_creation(client, case["id"]) == []


# Assignee


async def test_assigning_a_member_records_assignee_changed_without_old(
    admin: Principal, app: FastAPI
) -> None:
    member_id = await add_member(admin, app)
    case = await post_case(admin.client)

    await patch_case(admin.client, case["id"], {"assignee_id": str(member_id)})

    (event,) = await events_since_creation(admin.client, case["id"])
    assert event["type"] == "assignee_changed"
    assert event["new"] == str(member_id)
    assert "old" not in event


async def test_reassigning_records_the_previous_assignee_as_old(
    admin: Principal, app: FastAPI
) -> None:
    member_id = await add_member(admin, app)
    case = await post_case(admin.client, assignee_id=str(admin.user_id))

    await patch_case(admin.client, case["id"], {"assignee_id": str(member_id)})

    (event,) = await events_since_creation(admin.client, case["id"])
    assert (event["type"], event["old"], event["new"]) == (
        "assignee_changed",
        str(admin.user_id),
        str(member_id),
    )


async def test_unassigning_records_assignee_changed_without_new(
    admin: Principal,
) -> None:
    case = await post_case(admin.client, assignee_id=str(admin.user_id))

    await patch_case(admin.client, case["id"], {"assignee_id": None})

    (event,) = await events_since_creation(admin.client, case["id"])
    assert event["type"] == "assignee_changed"
    assert event["old"] == str(admin.user_id)
    assert "new" not in event


async def test_users_lists_actor_and_assignees(admin: Principal, app: FastAPI) -> None:
    member_id = await add_member(admin, app)
    case = await post_case(admin.client)
    await patch_case(admin.client, case["id"], {"assignee_id": str(member_id)})

    users = (await timeline(admin.client, case["id"]))["users"]

    by_id = {user["id"]: user for user in users}
    assert set(by_id) == {str(admin.user_id), str(member_id)}
    assert by_id[str(member_id)]["email"] == MEMBER_EMAIL
    assert by_id[str(member_id)]["role"] == "basic"
    assert USER_READ_KEYS <= set(by_id[str(member_id)])


async def test_event_actor_is_the_member_who_made_the_change(
    admin: Principal, app: FastAPI
) -> None:
    member_id = await add_member(admin, app)
    case = await post_case(admin.client)

    async with member_session(app) as member:
        await patch_case(member.client, case["id"], {"status": "in_progress"})

    events = (await timeline(admin.client, case["id"]))["events"]
    assert [(e["type"], e["user_id"]) for e in events] == [
        ("status_changed", str(member_id)),
        ("case_created", str(admin.user_id)),
    ]


# Payload


async def test_payload_change_records_payload_changed_without_diff(
    client: httpx.AsyncClient,
) -> None:
    case = await post_case(client, payload={"alert": 1})

    await patch_case(client, case["id"], {"payload": {"alert": 2}})

    (event,) = await events_since_creation(client, case["id"])
    assert event["type"] == "payload_changed"
    assert not {"old", "new", "field", "changes"} & set(event)


async def test_payload_change_from_one_to_true_records_payload_changed(
    client: httpx.AsyncClient,
) -> None:
    case = await post_case(client, payload={"flag": 1})

    await patch_case(client, case["id"], {"payload": {"flag": True}})

    events = await events_since_creation(client, case["id"])
    assert [event["type"] for event in events] == ["payload_changed"]


async def test_payload_with_keys_reordered_records_no_event(
    client: httpx.AsyncClient,
) -> None:
    case = await post_case(client, payload={"a": 1, "b": {"c": [1, 2]}})

    await patch_case(client, case["id"], {"payload": {"b": {"c": [1, 2]}, "a": 1}})

    assert await events_since_creation(client, case["id"]) == []


# Order


async def test_one_patch_records_its_events_in_a_fixed_order(
    admin: Principal,
) -> None:
    case = await post_case(admin.client)
    changes = {
        "payload": {"alert": "new"},
        "assignee_id": str(admin.user_id),
        "summary": "Renamed",
        "severity": "critical",
        "priority": "low",
        "status": "in_progress",
    }

    await patch_case(admin.client, case["id"], changes)

    events = await events_since_creation(admin.client, case["id"])
    assert [event["type"] for event in reversed(events)] == [
        "status_changed",
        "priority_changed",
        "severity_changed",
        "case_updated",
        "assignee_changed",
        "payload_changed",
    ]


async def test_events_are_newest_first_across_patches(
    client: httpx.AsyncClient,
) -> None:
    case = await post_case(client, status="new")
    await patch_case(client, case["id"], {"status": "closed"})
    await patch_case(client, case["id"], {"status": "in_progress"})

    events = (await timeline(client, case["id"]))["events"]

    assert [event["type"] for event in events] == [
        "case_reopened",
        "case_closed",
        "case_created",
    ]
    times = [datetime.fromisoformat(event["created_at"]) for event in events]
    assert times == sorted(times, reverse=True)
