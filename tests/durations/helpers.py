"""Shared helpers of the duration tests."""

import uuid
from typing import Any

import httpx

from tests.factories import case_body

CASE_CREATED = {"event_type": "case_created"}
CLOSED = {"event_type": "status_changed", "filters": {"new_values": ["closed"]}}


def unique_name(label: str) -> str:
    """A definition name no other test uses."""
    return f"{label} {uuid.uuid4().hex[:8]}"


def definition_body(**overrides: Any) -> dict[str, Any]:
    """A valid `POST /case-durations` body: time from creation to closing."""
    body: dict[str, Any] = {
        "name": unique_name("Time to close"),
        "description": "From the case's creation to its closing.",
        "start_anchor": CASE_CREATED,
        "end_anchor": CLOSED,
    }
    body.update(overrides)
    return body


async def define(client: httpx.AsyncClient, **overrides: Any) -> Any:
    """Create a definition that must be created; return its body."""
    response = await client.post("/case-durations", json=definition_body(**overrides))
    assert response.status_code == 201, response.text
    return response.json()


async def create_case(client: httpx.AsyncClient, **overrides: Any) -> Any:
    """Create a case that must be created; return its body."""
    response = await client.post("/cases", json=case_body(**overrides))
    assert response.status_code == 201, response.text
    return response.json()


async def set_status(client: httpx.AsyncClient, case_id: str, status: str) -> None:
    """Change a case's status, which must succeed."""
    response = await client.patch(f"/cases/{case_id}", json={"status": status})
    assert response.status_code == 204, response.text


async def events_oldest_first(
    client: httpx.AsyncClient, case_id: str
) -> list[dict[str, Any]]:
    """The case's timeline, oldest event first."""
    response = await client.get(f"/cases/{case_id}/events")
    assert response.status_code == 200, response.text
    return list(reversed(response.json()["events"]))


async def durations_of(client: httpx.AsyncClient, case_id: str) -> list[Any]:
    """The durations listed on a case."""
    response = await client.get(f"/cases/{case_id}/durations")
    assert response.status_code == 200, response.text
    return list(response.json())


async def duration_for(
    client: httpx.AsyncClient, case_id: str, definition_id: str
) -> Any:
    """The case's duration measured with one definition."""
    found = [
        duration
        for duration in await durations_of(client, case_id)
        if duration["definition_id"] == definition_id
    ]
    assert len(found) == 1, found
    return found[0]
