"""A case's history: text versions, views, and who did what."""

import uuid
from datetime import timedelta
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import update

from casedesk.models import CaseEvent
from casedesk.models.base import utcnow
from tests.factories import Principal, case_body
from tests.service_accounts.test_api_keys import bearer, issue_key


async def post_case(client: httpx.AsyncClient, **overrides: Any) -> dict[str, Any]:
    """Create one case and return its body."""
    response = await client.post("/cases", json=case_body(**overrides))
    assert response.status_code == 201, response.text
    return dict(response.json())


async def versions_of(
    client: httpx.AsyncClient, case_id: str, **params: str
) -> list[tuple[str, int, str]]:
    """The case's versions as (field, version, text), oldest first."""
    response = await client.get(f"/cases/{case_id}/versions", params=params)
    assert response.status_code == 200, response.text
    return [(item["field"], item["version"], item["text"]) for item in response.json()]


async def event_types(client: httpx.AsyncClient, case_id: str) -> list[str]:
    """The case's event types, newest first."""
    response = await client.get(f"/cases/{case_id}/events")
    assert response.status_code == 200, response.text
    return [event["type"] for event in response.json()["events"]]


class TestVersions:
    async def test_creation_stores_version_one_of_each_text(
        self, client: httpx.AsyncClient
    ) -> None:
        case = await post_case(client, summary="Beacon", description="First look")

        assert await versions_of(client, case["id"]) == [
            ("description", 1, "First look"),
            ("summary", 1, "Beacon"),
        ]

    async def test_each_actual_change_appends_a_version(
        self, client: httpx.AsyncClient
    ) -> None:
        case = await post_case(client, summary="Beacon", description="First look")

        for changes in (
            {"summary": "Beacon to 203.0.113.9"},
            {"summary": "Beacon to 203.0.113.9"},
            {"description": "Confirmed C2"},
            {"summary": "C2 beacon", "description": "Confirmed C2, host isolated"},
        ):
            response = await client.patch(f"/cases/{case['id']}", json=changes)
            assert response.status_code == 204, response.text

        assert await versions_of(client, case["id"], field="summary") == [
            ("summary", 1, "Beacon"),
            ("summary", 2, "Beacon to 203.0.113.9"),
            ("summary", 3, "C2 beacon"),
        ]
        assert await versions_of(client, case["id"], field="description") == [
            ("description", 1, "First look"),
            ("description", 2, "Confirmed C2"),
            ("description", 3, "Confirmed C2, host isolated"),
        ]

    async def test_versions_name_their_author(
        self, client: httpx.AsyncClient, admin: Principal
    ) -> None:
        case = await post_case(client)

        response = await client.get(f"/cases/{case['id']}/versions")

        authors = {item["user_id"] for item in response.json()}
        assert authors == {str(admin.user_id)}

    async def test_a_refused_update_appends_nothing(
        self, client: httpx.AsyncClient
    ) -> None:
        case = await post_case(client, summary="Beacon")

        response = await client.patch(
            f"/cases/{case['id']}",
            json={"summary": "Changed", "assignee_id": str(uuid.uuid4())},
        )

        assert response.status_code == 422
        assert await versions_of(client, case["id"], field="summary") == [
            ("summary", 1, "Beacon")
        ]

    async def test_versions_of_an_unknown_case_are_not_found(
        self, client: httpx.AsyncClient
    ) -> None:
        case_id = uuid.uuid4()

        response = await client.get(f"/cases/{case_id}/versions")

        assert response.status_code == 404
        assert response.json() == {"detail": f"Case with ID {case_id} not found"}

    async def test_an_unknown_text_is_refused(self, client: httpx.AsyncClient) -> None:
        case = await post_case(client)

        response = await client.get(
            f"/cases/{case['id']}/versions", params={"field": "payload"}
        )

        assert response.status_code == 422
        assert response.json()["detail"][0]["loc"] == ["query", "field"]

    async def test_versions_need_a_credential(
        self, client: httpx.AsyncClient, anonymous: httpx.AsyncClient
    ) -> None:
        case = await post_case(client)

        response = await anonymous.get(f"/cases/{case['id']}/versions")

        assert response.status_code == 401


class TestViews:
    async def test_two_views_within_five_minutes_record_one_event(
        self, client: httpx.AsyncClient
    ) -> None:
        case = await post_case(client)

        for _ in range(2):
            assert (await client.get(f"/cases/{case['id']}")).status_code == 200

        assert await event_types(client, case["id"]) == ["case_viewed", "case_created"]

    async def test_a_view_after_the_window_records_another(
        self, client: httpx.AsyncClient, app: FastAPI
    ) -> None:
        case = await post_case(client)
        await client.get(f"/cases/{case['id']}")
        async with app.state.sessionmaker() as session:
            await session.execute(
                update(CaseEvent)
                .where(
                    CaseEvent.case_id == uuid.UUID(case["id"]),
                    CaseEvent.type == "case_viewed",
                )
                .values(created_at=utcnow() - timedelta(minutes=6))
            )
            await session.commit()

        await client.get(f"/cases/{case['id']}")

        # The first view was moved back in time, before the creation.
        assert await event_types(client, case["id"]) == [
            "case_viewed",
            "case_created",
            "case_viewed",
        ]

    async def test_api_key_reads_record_no_view(
        self, client: httpx.AsyncClient, anonymous: httpx.AsyncClient
    ) -> None:
        case = await post_case(client)
        key = await issue_key(client, "case:read")

        response = await anonymous.get(
            f"/cases/{case['id']}", headers=bearer(key["key"])
        )

        assert response.status_code == 200
        assert await event_types(client, case["id"]) == ["case_created"]

    async def test_the_view_names_the_viewer(
        self, client: httpx.AsyncClient, admin: Principal
    ) -> None:
        case = await post_case(client)

        await client.get(f"/cases/{case['id']}")

        events = (await client.get(f"/cases/{case['id']}/events")).json()["events"]
        assert events[0]["type"] == "case_viewed"
        assert events[0]["user_id"] == str(admin.user_id)


class TestText:
    @pytest.mark.parametrize(
        "summary",
        ["Ransomware 🔒 on FS-07", "𝔘𝔫𝔦𝔠𝔬𝔡𝔢 summary", "Phish 🎣🎣🎣 wave"],
    )
    async def test_an_emoji_summary_round_trips(
        self, client: httpx.AsyncClient, summary: str
    ) -> None:
        case = await post_case(client, summary=summary)

        read = await client.get(f"/cases/{case['id']}")

        assert case["summary"] == summary
        assert read.json()["summary"] == summary
        assert await versions_of(client, case["id"], field="summary") == [
            ("summary", 1, summary)
        ]

    async def test_a_summary_of_255_emoji_fits(self, client: httpx.AsyncClient) -> None:
        summary = "🔥" * 255

        response = await client.post("/cases", json=case_body(summary=summary))

        assert response.status_code == 201, response.text
        assert response.json()["summary"] == summary

    async def test_a_summary_of_256_emoji_is_refused(
        self, client: httpx.AsyncClient
    ) -> None:
        response = await client.post("/cases", json=case_body(summary="🔥" * 256))

        assert response.status_code == 422
        assert response.json()["detail"][0]["loc"] == ["body", "summary"]
