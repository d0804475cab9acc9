"""Shared steps of the batch tests."""

import uuid
from typing import Any

import httpx
from fastapi import FastAPI
from sqlalchemy import func, select

from casedesk.models import Case
from tests.factories import case_body

CASE_NOT_FOUND = "Case not found"
# Keys of a timeline event that differ between two cases given the same change.
PER_CASE_EVENT_KEYS = ("id", "created_at")


async def create_case(
    client: httpx.AsyncClient, prefix: str = "", **overrides: Any
) -> Any:
    """Create a case that must be created; return its body."""
    body = case_body(**{"summary": f"Batch target {uuid.uuid4().hex[:8]}", **overrides})
    response = await client.post(f"{prefix}/cases", json=body)
    assert response.status_code == 201, response.text
    return response.json()


async def batch_update(
    client: httpx.AsyncClient, case_ids: list[str], update: dict[str, Any]
) -> Any:
    """A batch update that must answer 200; its body."""
    response = await client.post(
        "/cases/batch-update", json={"case_ids": case_ids, "update": update}
    )
    assert response.status_code == 200, response.text
    return response.json()


async def batch_delete(client: httpx.AsyncClient, case_ids: list[str]) -> Any:
    """A batch delete that must answer 200; its body."""
    response = await client.post("/cases/batch-delete", json={"case_ids": case_ids})
    assert response.status_code == 200, response.text
    return response.json()


def succeeded(case_id: str) -> dict[str, Any]:
    """The result of a case the batch changed."""
    return {"case_id": case_id, "success": True, "error": None}


def failed(case_id: str, error: str) -> dict[str, Any]:
    """The result of a case the batch left unchanged."""
    return {"case_id": case_id, "success": False, "error": error}


async def read_case(client: httpx.AsyncClient, case_id: str, prefix: str = "") -> Any:
    """`GET /cases/{id}`, which must succeed."""
    response = await client.get(f"{prefix}/cases/{case_id}")
    assert response.status_code == 200, response.text
    return response.json()


async def timeline(client: httpx.AsyncClient, case_id: str, prefix: str = "") -> Any:
    """The case's changes, newest first, without what differs between cases.

    Views are left out: reading a case back records one.
    """
    response = await client.get(f"{prefix}/cases/{case_id}/events")
    assert response.status_code == 200, response.text
    return [
        {key: value for key, value in event.items() if key not in PER_CASE_EVENT_KEYS}
        for event in response.json()["events"]
        if event["type"] != "case_viewed"
    ]


async def versions(client: httpx.AsyncClient, case_id: str) -> Any:
    """The case's summary and description versions, without their times."""
    response = await client.get(f"/cases/{case_id}/versions")
    assert response.status_code == 200, response.text
    return [
        {key: value for key, value in item.items() if key != "created_at"}
        for item in response.json()
    ]


def custom_values(case: dict[str, Any]) -> dict[str, Any]:
    """A case read's custom field values by field id."""
    return {
        item["id"]: item["value"] for item in case["fields"] if not item["reserved"]
    }


async def event_types(client: httpx.AsyncClient, case_id: str) -> list[str]:
    """The types of the case's events, newest first."""
    return [event["type"] for event in await timeline(client, case_id)]


async def count_cases(app: FastAPI) -> int:
    """How many cases exist in every workspace."""
    async with app.state.sessionmaker() as session:
        return int(await session.scalar(select(func.count()).select_from(Case)) or 0)
