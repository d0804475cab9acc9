"""A case from creation to deletion: numbering, reads, updates, deletes."""

import asyncio
import re
import uuid
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import func, select

from casedesk.models import CaseEvent
from tests.factories import Principal, case_body, create_cases, create_workspace

ISO_UTC = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$")

PAYLOAD = {
    "alert": {"id": 42, "rule": "Encoded PowerShell", "score": 9.5},
    "hosts": [{"name": "WS-0042", "ips": ["10.0.0.7", "fe80::1"]}, None],
    "flags": {"contained": False, "escalated": True, "ticket": None},
    "text": "Grüße, 東京, Ωμέγα — \ufffd replacement",
    "emoji": "🚨🔥👩‍💻",
    "empty": {"list": [], "object": {}, "string": ""},
    "big": 9007199254740993,
}


async def post_case(client: httpx.AsyncClient, **overrides: Any) -> dict[str, Any]:
    """Create one case and return its body."""
    response = await client.post("/cases", json=case_body(**overrides))
    assert response.status_code == 201, response.text
    return response.json()


async def get_case(client: httpx.AsyncClient, case_id: str) -> dict[str, Any]:
    """Read one case that must exist."""
    response = await client.get(f"/cases/{case_id}")
    assert response.status_code == 200, response.text
    return response.json()


async def short_ids(client: httpx.AsyncClient) -> set[str]:
    """Every short id of the default workspace's cases."""
    response = await client.get("/cases", params={"limit": 200})
    assert response.status_code == 200, response.text
    return {item["short_id"] for item in response.json()["items"]}


# Numbering


async def test_first_and_second_cases_are_case_0001_and_case_0002(
    client: httpx.AsyncClient,
) -> None:
    first = await post_case(client)
    second = await post_case(client)

    assert [first["short_id"], second["short_id"]] == ["CASE-0001", "CASE-0002"]


async def test_two_workspaces_each_number_their_first_case_0001(
    admin: Principal, app: FastAPI
) -> None:
    other = await create_workspace(app, "Second team", owner_id=admin.user_id)

    in_default = await post_case(admin.client)
    response = await admin.client.post(f"/workspaces/{other}/cases", json=case_body())

    assert response.status_code == 201, response.text
    assert in_default["short_id"] == "CASE-0001"
    assert response.json()["short_id"] == "CASE-0001"


async def test_failed_create_leaves_no_case_and_consumes_no_number(
    client: httpx.AsyncClient,
) -> None:
    await post_case(client)

    failed = await client.post("/cases", json=case_body(fields={"nope": 1}))
    after = await post_case(client)

    assert failed.status_code == 400
    assert "'nope'" in failed.json()["detail"]
    assert after["short_id"] == "CASE-0002"
    assert await short_ids(client) == {"CASE-0001", "CASE-0002"}


async def test_five_concurrent_creates_take_numbers_one_to_five(
    client: httpx.AsyncClient,
) -> None:
    responses = await asyncio.gather(
        *(
            client.post("/cases", json=case_body(summary=f"Burst {index}"))
            for index in range(5)
        )
    )

    assert [response.status_code for response in responses] == [201] * 5
    numbers = {int(response.json()["short_id"][5:]) for response in responses}
    assert numbers == {1, 2, 3, 4, 5}


@pytest.mark.postgres_only
async def test_twenty_concurrent_creates_get_consecutive_short_ids(
    client: httpx.AsyncClient,
) -> None:
    responses = await asyncio.gather(
        *(
            client.post("/cases", json=case_body(summary=f"Burst {index}"))
            for index in range(20)
        )
    )

    assert [response.status_code for response in responses] == [201] * 20
    created = sorted(response.json()["short_id"] for response in responses)
    assert created == [f"CASE-{number:04d}" for number in range(1, 21)]


async def test_numbers_are_not_reused_after_delete(
    client: httpx.AsyncClient,
) -> None:
    cases = await create_cases(client, 3)
    deleted = await client.delete(f"/cases/{cases[2]['id']}")

    created = await post_case(client)

    assert deleted.status_code == 204
    assert created["short_id"] == "CASE-0004"


# Create


async def test_create_answers_201_with_the_full_case(
    admin: Principal,
) -> None:
    response = await admin.client.post("/cases", json=case_body())

    assert response.status_code == 201
    body = response.json()
    assert set(body) == {
        "id",
        "short_id",
        "created_at",
        "updated_at",
        "summary",
        "status",
        "priority",
        "severity",
        "description",
        "fields",
        "assignee",
        "payload",
        "tags",
        "dropdown_values",
        "rows",
        "num_tasks_completed",
        "num_tasks_total",
    }
    assert uuid.UUID(body["id"]).version == 4
    assert body["short_id"] == "CASE-0001"
    assert ISO_UTC.match(body["created_at"])
    assert ISO_UTC.match(body["updated_at"])
    assert body["summary"] == "Suspicious PowerShell on WS-0042"
    assert body["description"] == "EDR flagged an encoded command line."
    assert (body["status"], body["priority"], body["severity"]) == (
        "new",
        "medium",
        "high",
    )
    assert [(field["id"], field["reserved"]) for field in body["fields"]] == [
        ("id", True),
        ("case_id", True),
        ("created_at", True),
        ("updated_at", True),
    ]
    assert body["assignee"] is None
    assert body["payload"] is None
    assert body["tags"] == []
    assert body["dropdown_values"] == []
    assert body["rows"] == []
    assert (body["num_tasks_completed"], body["num_tasks_total"]) == (0, 0)


async def test_create_location_header_reads_the_same_case(
    client: httpx.AsyncClient,
) -> None:
    response = await client.post("/cases", json=case_body())

    located = await client.get(response.headers["location"])

    assert located.status_code == 200, located.text
    assert located.json() == response.json()


async def test_created_case_reads_back_with_the_assignee_as_user(
    admin: Principal,
) -> None:
    created = await post_case(admin.client, assignee_id=str(admin.user_id))

    case = await get_case(admin.client, created["id"])

    assert case["assignee"]["id"] == str(admin.user_id)
    assert case["assignee"]["email"] == admin.email
    assert case["assignee"]["role"] == "admin"
    assert created["assignee"] == case["assignee"]


async def test_payload_round_trips_exactly(client: httpx.AsyncClient) -> None:
    created = await post_case(client, payload=PAYLOAD)

    case = await get_case(client, created["id"])

    assert created["payload"] == PAYLOAD
    assert case["payload"] == PAYLOAD


@pytest.mark.parametrize("missing", ["description", "status", "priority", "severity"])
async def test_create_without_a_required_key_is_422_naming_it(
    client: httpx.AsyncClient, missing: str
) -> None:
    body = case_body()
    del body[missing]

    response = await client.post("/cases", json=body)

    assert response.status_code == 422
    detail = response.json()["detail"]
    assert [item["loc"] for item in detail] == [["body", missing]]
    assert detail[0]["type"] == "missing"


async def test_create_without_all_required_keys_lists_each_of_them(
    client: httpx.AsyncClient,
) -> None:
    body = {"summary": "Only a summary"}

    response = await client.post("/cases", json=body)

    assert response.status_code == 422
    locations = {tuple(item["loc"]) for item in response.json()["detail"]}
    assert locations == {
        ("body", "description"),
        ("body", "status"),
        ("body", "priority"),
        ("body", "severity"),
    }
    assert await short_ids(client) == set()


# Read


async def test_get_unknown_case_is_404_naming_the_id(
    client: httpx.AsyncClient,
) -> None:
    case_id = uuid.uuid4()

    response = await client.get(f"/cases/{case_id}")

    assert response.status_code == 404
    assert response.json() == {"detail": f"Case with ID {case_id} not found"}


async def test_get_case_of_another_workspace_is_404(
    admin: Principal, app: FastAPI
) -> None:
    other = await create_workspace(app, "Second team", owner_id=admin.user_id)
    response = await admin.client.post(f"/workspaces/{other}/cases", json=case_body())
    case_id = response.json()["id"]

    found = await admin.client.get(f"/workspaces/{admin.workspace_id}/cases/{case_id}")

    assert found.status_code == 404
    assert found.json() == {"detail": f"Case with ID {case_id} not found"}


# Update


async def test_patch_answers_204_with_an_empty_body(
    client: httpx.AsyncClient,
) -> None:
    case = await post_case(client)

    response = await client.patch(f"/cases/{case['id']}", json={"status": "closed"})

    assert response.status_code == 204
    assert response.content == b""


async def test_patch_keeps_the_properties_it_does_not_name(
    admin: Principal,
) -> None:
    before = await post_case(
        admin.client, assignee_id=str(admin.user_id), payload={"alert": 1}
    )

    await admin.client.patch(f"/cases/{before['id']}", json={"priority": "critical"})
    after = await get_case(admin.client, before["id"])

    assert after["priority"] == "critical"
    unchanged = set(before) - {"priority", "updated_at"}
    assert {key: after[key] for key in unchanged} == {
        key: before[key] for key in unchanged
    }


async def test_patch_with_null_status_priority_severity_changes_nothing(
    client: httpx.AsyncClient,
) -> None:
    before = await post_case(client)

    response = await client.patch(
        f"/cases/{before['id']}",
        json={"status": None, "priority": None, "severity": None},
    )
    after = await get_case(client, before["id"])

    assert response.status_code == 204
    assert after == before


async def test_patch_with_null_payload_clears_it(client: httpx.AsyncClient) -> None:
    case = await post_case(client, payload={"alert": 1})

    await client.patch(f"/cases/{case['id']}", json={"payload": None})

    assert (await get_case(client, case["id"]))["payload"] is None


async def test_patch_with_null_assignee_unassigns(admin: Principal) -> None:
    case = await post_case(admin.client, assignee_id=str(admin.user_id))

    await admin.client.patch(f"/cases/{case['id']}", json={"assignee_id": None})

    assert (await get_case(admin.client, case["id"]))["assignee"] is None


async def test_patch_to_current_values_keeps_updated_at(
    admin: Principal,
) -> None:
    before = await post_case(
        admin.client, assignee_id=str(admin.user_id), payload={"alert": 1}
    )
    same = {
        "summary": before["summary"],
        "description": before["description"],
        "status": before["status"],
        "priority": before["priority"],
        "severity": before["severity"],
        "assignee_id": str(admin.user_id),
        "payload": {"alert": 1},
    }

    response = await admin.client.patch(f"/cases/{before['id']}", json=same)
    after = await get_case(admin.client, before["id"])

    assert response.status_code == 204
    assert after["updated_at"] == before["updated_at"]


async def test_description_only_change_bumps_updated_at(
    client: httpx.AsyncClient,
) -> None:
    before = await post_case(client)

    await client.patch(f"/cases/{before['id']}", json={"description": "More notes."})
    after = await get_case(client, before["id"])

    assert after["description"] == "More notes."
    assert after["updated_at"] > before["updated_at"]
    assert after["created_at"] == before["created_at"]


async def test_assigning_a_non_member_is_422_and_changes_nothing(
    client: httpx.AsyncClient,
) -> None:
    before = await post_case(client)
    stranger = uuid.uuid4()

    response = await client.patch(
        f"/cases/{before['id']}",
        json={"assignee_id": str(stranger), "summary": "Should not stick"},
    )
    after = await get_case(client, before["id"])

    assert response.status_code == 422
    assert str(stranger) in response.json()["detail"]
    assert after == before


async def test_creating_with_a_non_member_assignee_is_422_and_creates_nothing(
    client: httpx.AsyncClient,
) -> None:
    response = await client.post(
        "/cases", json=case_body(assignee_id=str(uuid.uuid4()))
    )

    assert response.status_code == 422
    assert await short_ids(client) == set()


async def test_patch_of_unknown_case_is_404(client: httpx.AsyncClient) -> None:
    case_id = uuid.uuid4()

    response = await client.patch(f"/cases/{case_id}", json={"status": "closed"})

    assert response.status_code == 404
    assert response.json() == {"detail": f"Case with ID {case_id} not found"}


async def test_patch_with_an_unknown_key_is_422(client: httpx.AsyncClient) -> None:
    case = await post_case(client)

    response = await client.patch(f"/cases/{case['id']}", json={"colour": "red"})

    assert response.status_code == 422
    assert [item["loc"] for item in response.json()["detail"]] == [["body", "colour"]]


# Delete


async def test_delete_answers_204_and_the_case_is_gone(
    client: httpx.AsyncClient,
) -> None:
    case = await post_case(client)

    deleted = await client.delete(f"/cases/{case['id']}")
    found = await client.get(f"/cases/{case['id']}")

    assert deleted.status_code == 204
    assert deleted.content == b""
    assert found.status_code == 404
    assert found.json() == {"detail": f"Case with ID {case['id']} not found"}


async def test_delete_removes_the_case_events(
    client: httpx.AsyncClient, app: FastAPI
) -> None:
    case = await post_case(client)
    await client.patch(f"/cases/{case['id']}", json={"status": "closed"})

    await client.delete(f"/cases/{case['id']}")
    timeline = await client.get(f"/cases/{case['id']}/events")
    async with app.state.sessionmaker() as session:
        remaining = await session.scalar(
            select(func.count())
            .select_from(CaseEvent)
            .where(CaseEvent.case_id == uuid.UUID(case["id"]))
        )

    assert timeline.status_code == 404
    assert remaining == 0


async def test_deleting_twice_is_404(client: httpx.AsyncClient) -> None:
    case = await post_case(client)
    await client.delete(f"/cases/{case['id']}")

    again = await client.delete(f"/cases/{case['id']}")

    assert again.status_code == 404
    assert again.json() == {"detail": f"Case with ID {case['id']} not found"}


async def test_delete_leaves_other_cases_alone(client: httpx.AsyncClient) -> None:
    first, second = await create_cases(client, 2)

    await client.delete(f"/cases/{first['id']}")

    assert await short_ids(client) == {second["short_id"]}


@pytest.mark.parametrize(
    ("stored", "given"),
    [({"flag": 1}, {"flag": True}), ({"flag": False}, {"flag": 0})],
)
async def test_patch_payload_keeps_booleans_and_numbers_apart(
    client: httpx.AsyncClient, stored: dict[str, Any], given: dict[str, Any]
) -> None:
    case = await post_case(client, payload=stored)

    await client.patch(f"/cases/{case['id']}", json={"payload": given})

    payload = (await get_case(client, case["id"]))["payload"]
    assert payload == given
    assert type(payload["flag"]) is type(given["flag"])
