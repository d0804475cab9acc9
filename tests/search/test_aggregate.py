"""`GET /cases/search/aggregate` (reference §6.3, fact 55)."""

import uuid

import httpx
from fastapi import FastAPI

from tests.factories import Principal, create_user
from tests.search.support import new_case

STATUSES = ["new", "in_progress", "on_hold", "resolved", "closed", "unknown", "other"]
PRIORITIES = ["unknown", "low", "medium", "high", "critical", "other"]
SEVERITIES = ["unknown", "informational", "low", "medium", "high", "critical"] + [
    "fatal",
    "other",
]


async def aggregate(client: httpx.AsyncClient, **params: object) -> dict[str, object]:
    response = await client.get("/cases/search/aggregate", params=params)
    assert response.status_code == 200, response.text
    body: dict[str, object] = response.json()
    return body


async def test_empty_workspace_has_every_key_at_zero(client: httpx.AsyncClient) -> None:
    assert await aggregate(client) == {
        "total": 0,
        "status_groups": dict.fromkeys(STATUSES, 0),
        "priority_groups": dict.fromkeys(PRIORITIES, 0),
        "severity_groups": dict.fromkeys(SEVERITIES, 0),
        "assignee_groups": {"unassigned": 0},
    }


async def test_unknown_and_other_count_apart(client: httpx.AsyncClient) -> None:
    await new_case(client, status="unknown")

    after_unknown = await aggregate(client)
    await new_case(client, status="other")
    after_other = await aggregate(client)

    assert after_unknown["status_groups"] == {
        **dict.fromkeys(STATUSES, 0),
        "unknown": 1,
    }
    assert after_other["status_groups"] == {
        **dict.fromkeys(STATUSES, 0),
        "unknown": 1,
        "other": 1,
    }
    assert (after_unknown["total"], after_other["total"]) == (1, 2)


async def test_groups_follow_the_filters(app: FastAPI, admin: Principal) -> None:
    client = admin.client
    analyst = await create_user(
        app,
        f"analyst-{uuid.uuid4().hex[:8]}@example.com",
        workspace_id=admin.workspace_id,
    )
    await new_case(client, status="new", priority="high", severity="low")
    await new_case(
        client,
        status="new",
        priority="low",
        severity="low",
        assignee_id=str(analyst),
        summary="Beacon",
    )
    await new_case(
        client,
        status="closed",
        priority="high",
        severity="fatal",
        assignee_id=str(admin.user_id),
    )

    everything = await aggregate(client)
    severe = await aggregate(client, severity=["low", "fatal"], priority="high")
    beacon = await aggregate(client, search_term="beacon")

    assert everything["total"] == 3
    assert everything["priority_groups"] == {
        **dict.fromkeys(PRIORITIES, 0),
        "high": 2,
        "low": 1,
    }
    assert everything["severity_groups"] == {
        **dict.fromkeys(SEVERITIES, 0),
        "low": 2,
        "fatal": 1,
    }
    assert everything["assignee_groups"] == {
        "unassigned": 1,
        **{str(user): 1 for user in sorted([analyst, admin.user_id])},
    }
    assert severe["total"] == 2
    assert severe["status_groups"] == {
        **dict.fromkeys(STATUSES, 0),
        "new": 1,
        "closed": 1,
    }
    assert beacon["assignee_groups"] == {"unassigned": 0, str(analyst): 1}
    assert beacon["total"] == 1


async def test_ignores_short_id_and_paging(client: httpx.AsyncClient) -> None:
    await new_case(client)
    await new_case(client)

    body = await aggregate(client, short_id="1", limit=1, order_by="status")

    assert body["total"] == 2


async def test_shares_the_search_refusals(client: httpx.AsyncClient) -> None:
    bad = [
        ({"search_term": "x" * 1001}, 400),
        ({"assignee_id": "foo"}, 400),
        ({"dropdown": "nocolon"}, 400),
        ({"tags": "missing"}, 422),
        ({"status": "bogus"}, 422),
    ]
    for params, status in bad:
        response = await client.get("/cases/search/aggregate", params=params)
        assert response.status_code == status, params


async def test_needs_credentials(anonymous: httpx.AsyncClient) -> None:
    response = await anonymous.get("/cases/search/aggregate")

    assert response.status_code == 401
