"""Helpers shared by the custom field tests."""

import uuid
from typing import Any

import httpx

from tests.factories import case_body


def unique_name(label: str = "field") -> str:
    """A field name no other test uses (lower case, as stored)."""
    return f"{label}_{uuid.uuid4().hex[:8]}"


async def create_field(
    client: httpx.AsyncClient, field_type: str, name: str | None = None, **extra: Any
) -> str:
    """Define a field that must be created; return its stored name."""
    body = {"name": name or unique_name(field_type.lower()), "type": field_type}
    response = await client.post("/case-fields", json={**body, **extra})
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


async def list_fields(client: httpx.AsyncClient) -> dict[str, Any]:
    """The workspace's fields by id."""
    response = await client.get("/case-fields")
    assert response.status_code == 200, response.text
    return {item["id"]: item for item in response.json()}


async def create_case(client: httpx.AsyncClient, **fields: Any) -> Any:
    """Create a case with these field values, which must succeed; its body."""
    response = await client.post("/cases", json=case_body(fields=fields))
    assert response.status_code == 201, response.text
    return response.json()


async def field_value(client: httpx.AsyncClient, case_id: str, name: str) -> Any:
    """The value `GET /cases/{id}` shows for one field."""
    response = await client.get(f"/cases/{case_id}")
    assert response.status_code == 200, response.text
    values = {item["id"]: item["value"] for item in response.json()["fields"]}
    return values[name]


async def events_of(client: httpx.AsyncClient, case_id: str, kind: str) -> list[Any]:
    """The case's events of one type, newest first."""
    response = await client.get(f"/cases/{case_id}/events")
    assert response.status_code == 200, response.text
    return [item for item in response.json()["events"] if item["type"] == kind]
