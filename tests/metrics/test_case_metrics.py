"""GET /cases/metrics: flow and timings from constructed timelines."""

from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from casedesk.workspaces.roles import WorkspaceRole
from tests.conftest import new_client
from tests.factories import (
    Principal,
    case_body,
    create_user,
    create_workspace,
    open_session,
)
from tests.metrics.timeline import (
    DAY,
    MARCH,
    case_with_history,
    hours,
    no_duration,
    stats,
)


async def metrics(
    client: httpx.AsyncClient, params: dict[str, str], prefix: str = ""
) -> Any:
    """The metrics body, which must be 200."""
    response = await client.get(f"{prefix}/cases/metrics", params=params)
    assert response.status_code == 200, response.text
    return response.json()


async def three_cases(app: FastAPI, client: httpx.AsyncClient) -> None:
    """Three cases created on DAY, each with its own path to the end.

    Seconds to the first status change, to resolution and to close:
    high/high 3600, 10800, 18000; high/low 7200, 14400 (closed, never
    resolved), 14400; low/low 21600 (closed at once), 21600, 21600.
    """
    await case_with_history(
        app,
        client,
        created_at=DAY,
        statuses=[
            ("in_progress", DAY + hours(1)),
            ("resolved", DAY + hours(3)),
            ("closed", DAY + hours(5)),
        ],
        severity="high",
        priority="high",
    )
    await case_with_history(
        app,
        client,
        created_at=DAY,
        statuses=[("in_progress", DAY + hours(2)), ("closed", DAY + hours(4))],
        severity="high",
        priority="low",
    )
    await case_with_history(
        app,
        client,
        created_at=DAY,
        statuses=[("closed", DAY + hours(6))],
        severity="low",
        priority="low",
    )


async def test_counts_means_and_medians_overall_and_per_group(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    await three_cases(app, client)

    body = await metrics(client, MARCH)

    assert body == {
        "start_time": "2024-03-01T00:00:00Z",
        "end_time": "2024-03-31T23:59:59Z",
        "opened": 3,
        "closed": 3,
        "time_to_first_status_change": {
            **stats(3, 10800.0, 7200.0),
            "by_severity": {
                "low": stats(1, 21600.0, 21600.0),
                "high": stats(2, 5400.0, 5400.0),
            },
            "by_priority": {
                "low": stats(2, 14400.0, 14400.0),
                "high": stats(1, 3600.0, 3600.0),
            },
        },
        "time_to_resolution": {
            **stats(3, 15600.0, 14400.0),
            "by_severity": {
                "low": stats(1, 21600.0, 21600.0),
                "high": stats(2, 12600.0, 12600.0),
            },
            "by_priority": {
                "low": stats(2, 18000.0, 18000.0),
                "high": stats(1, 10800.0, 10800.0),
            },
        },
        "time_to_close": {
            **stats(3, 18000.0, 18000.0),
            "by_severity": {
                "low": stats(1, 21600.0, 21600.0),
                "high": stats(2, 16200.0, 16200.0),
            },
            "by_priority": {
                "low": stats(2, 18000.0, 18000.0),
                "high": stats(1, 18000.0, 18000.0),
            },
        },
    }


async def test_groups_are_keyed_in_semantic_order(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    for severity, priority in [("fatal", "critical"), ("unknown", "unknown")]:
        await case_with_history(
            app,
            client,
            created_at=DAY,
            statuses=[("in_progress", DAY + hours(1))],
            severity=severity,
            priority=priority,
        )
    await three_cases(app, client)

    body = await metrics(client, MARCH)

    change = body["time_to_first_status_change"]
    assert list(change["by_severity"]) == ["unknown", "low", "high", "fatal"]
    assert list(change["by_priority"]) == ["unknown", "low", "high", "critical"]


async def test_a_duration_counts_in_the_range_of_the_first_milestone(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    # Created in February, first moved in February, closed in March,
    # reopened and closed again in April.
    february = DAY - timedelta(days=10)
    await case_with_history(
        app,
        client,
        created_at=february,
        statuses=[
            ("in_progress", february + hours(1)),
            ("closed", DAY + hours(2)),
            ("in_progress", DAY + timedelta(days=31)),
            ("closed", DAY + timedelta(days=32)),
        ],
    )
    close_seconds = (DAY + hours(2) - february).total_seconds()

    march = await metrics(client, MARCH)
    april = await metrics(
        client,
        {"start_time": "2024-04-01T00:00:00Z", "end_time": "2024-04-30T00:00:00Z"},
    )

    assert (march["opened"], march["closed"]) == (0, 1)
    assert march["time_to_first_status_change"] == no_duration()
    assert march["time_to_resolution"] == {
        **stats(1, close_seconds, close_seconds),
        "by_severity": {"high": stats(1, close_seconds, close_seconds)},
        "by_priority": {"medium": stats(1, close_seconds, close_seconds)},
    }
    assert march["time_to_close"] == march["time_to_resolution"]
    # Closed again in April: counted as closed, but it reached no first
    # milestone there.
    assert (april["opened"], april["closed"]) == (0, 1)
    assert april["time_to_resolution"] == no_duration()
    assert april["time_to_close"] == no_duration()


async def test_resolution_is_the_first_of_resolved_and_closed(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    # Closed first, then reopened straight to resolved: resolved at the close.
    await case_with_history(
        app,
        client,
        created_at=DAY,
        statuses=[("closed", DAY + hours(1)), ("resolved", DAY + hours(2))],
    )

    body = await metrics(client, MARCH)

    assert body["time_to_resolution"]["count"] == 1
    assert body["time_to_resolution"]["mean_seconds"] == 3600.0
    assert body["time_to_first_status_change"]["mean_seconds"] == 3600.0


async def test_both_ends_of_the_range_are_included(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    start = datetime(2024, 5, 1, 12, tzinfo=UTC)
    end = datetime(2024, 5, 2, 12, tzinfo=UTC)
    tick = timedelta(microseconds=1)
    await case_with_history(app, client, created_at=start, statuses=[("closed", end)])
    await case_with_history(
        app, client, created_at=start - tick, statuses=[("closed", end + tick)]
    )
    inside = {"start_time": start.isoformat(), "end_time": end.isoformat()}
    day_seconds = 86400.0

    body = await metrics(client, inside)

    assert (body["opened"], body["closed"]) == (1, 1)
    assert body["time_to_close"] == {
        **stats(1, day_seconds, day_seconds),
        "by_severity": {"high": stats(1, day_seconds, day_seconds)},
        "by_priority": {"medium": stats(1, day_seconds, day_seconds)},
    }


async def test_an_empty_range_counts_nothing(client: httpx.AsyncClient) -> None:
    await client.post("/cases", json=case_body())

    body = await metrics(
        client,
        {"start_time": "2001-01-01T00:00:00Z", "end_time": "2001-01-31T00:00:00Z"},
    )

    assert body == {
        "start_time": "2001-01-01T00:00:00Z",
        "end_time": "2001-01-31T00:00:00Z",
        "opened": 0,
        "closed": 0,
        "time_to_first_status_change": no_duration(),
        "time_to_resolution": no_duration(),
        "time_to_close": no_duration(),
    }


async def test_the_default_range_is_the_last_30_days(
    client: httpx.AsyncClient,
) -> None:
    created = await client.post("/cases", json=case_body())
    assert created.status_code == 201
    await client.patch(f"/cases/{created.json()['id']}", json={"status": "closed"})

    body = await metrics(client, {})

    start = datetime.fromisoformat(body["start_time"])
    end = datetime.fromisoformat(body["end_time"])
    assert end - start == timedelta(days=30)
    assert abs(datetime.now(UTC) - end) < timedelta(minutes=1)
    assert (body["opened"], body["closed"]) == (1, 1)
    assert body["time_to_close"]["count"] == 1


async def test_a_lone_end_time_starts_30_days_before_it(
    client: httpx.AsyncClient,
) -> None:
    body = await metrics(client, {"end_time": "2024-03-31T00:00:00+02:00"})

    assert (body["start_time"], body["end_time"]) == (
        "2024-02-29T22:00:00Z",
        "2024-03-30T22:00:00Z",
    )


async def test_times_without_an_offset_are_utc(client: httpx.AsyncClient) -> None:
    body = await metrics(
        client, {"start_time": "2024-03-01T00:00:00", "end_time": "2024-03-02"}
    )

    assert (body["start_time"], body["end_time"]) == (
        "2024-03-01T00:00:00Z",
        "2024-03-02T00:00:00Z",
    )


async def test_a_range_of_exactly_366_days_is_served(
    client: httpx.AsyncClient,
) -> None:
    body = await metrics(
        client,
        {"start_time": "2023-03-01T00:00:00Z", "end_time": "2024-03-01T00:00:00Z"},
    )

    assert body["opened"] == 0


@pytest.mark.parametrize(
    ("params", "detail"),
    [
        (
            {"start_time": "2024-03-02T00:00:00Z", "end_time": "2024-03-01T00:00:00Z"},
            "start_time must not be after end_time",
        ),
        (
            {"start_time": "2023-03-01T00:00:00Z", "end_time": "2024-03-01T00:00:01Z"},
            "The time range must not exceed 366 days",
        ),
        pytest.param(
            {"start_time": "0001-01-01T00:00:00+01:00"},
            "The time range is out of the representable dates",
        ),
        (
            {"end_time": "0001-01-02T00:00:00Z"},
            "The time range is out of the representable dates",
        ),
    ],
)
async def test_a_bad_range_is_422(
    client: httpx.AsyncClient, params: dict[str, str], detail: str
) -> None:
    response = await client.get("/cases/metrics", params=params)

    assert (response.status_code, response.json()) == (422, {"detail": detail})


@pytest.mark.parametrize("name", ["start_time", "end_time"])
@pytest.mark.parametrize("value", ["yesterday", "2024-13-01T00:00:00Z", "\x00"])
async def test_a_malformed_time_is_422(
    client: httpx.AsyncClient, name: str, value: str
) -> None:
    response = await client.get("/cases/metrics", params={name: value})

    assert response.status_code == 422
    assert [error["loc"] for error in response.json()["detail"]] == [["query", name]]


async def test_anonymous_is_401(anonymous: httpx.AsyncClient) -> None:
    response = await anonymous.get("/cases/metrics")

    assert (response.status_code, response.json()) == (401, {"detail": "Unauthorized"})


async def test_a_viewer_reads_the_metrics(
    app: FastAPI, admin: Principal, client: httpx.AsyncClient
) -> None:
    await three_cases(app, client)
    assert admin.workspace_id is not None
    viewer_id = await create_user(
        app,
        "metrics.viewer@example.com",
        workspace_id=admin.workspace_id,
        role=WorkspaceRole.VIEWER,
    )

    async with new_client(app) as viewer_client:
        viewer = await open_session(app, viewer_client, viewer_id)
        body = await metrics(viewer.client, MARCH)

    assert (body["opened"], body["time_to_close"]["count"]) == (3, 3)


async def test_another_workspace_is_neither_counted_nor_readable(
    app: FastAPI, admin: Principal, client: httpx.AsyncClient
) -> None:
    other = await create_workspace(app, "Metrics second team", owner_id=admin.user_id)
    await three_cases(app, client)
    await case_with_history(
        app,
        client,
        created_at=DAY,
        statuses=[("closed", DAY + hours(9))],
        prefix=f"/workspaces/{other}",
    )
    outsider_id = await create_user(app, "metrics.outsider@example.com")

    here = await metrics(client, MARCH)
    there = await metrics(client, MARCH, prefix=f"/workspaces/{other}")
    async with new_client(app) as outsider_client:
        outsider = await open_session(app, outsider_client, outsider_id)
        refused = await outsider.client.get(
            f"/workspaces/{admin.workspace_id}/cases/metrics", params=MARCH
        )

    assert (here["opened"], here["closed"], here["time_to_close"]["count"]) == (
        3,
        3,
        3,
    )
    assert there["time_to_close"] == {
        **stats(1, 32400.0, 32400.0),
        "by_severity": {"high": stats(1, 32400.0, 32400.0)},
        "by_priority": {"medium": stats(1, 32400.0, 32400.0)},
    }
    assert (refused.status_code, refused.json()) == (403, {"detail": "Forbidden"})


async def test_filters_select_the_cases_counted(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    await three_cases(app, client)
    tag = await client.post("/case-tags", json={"name": "Metrics phishing"})
    assert tag.status_code == 201
    tagged_case = await case_with_history(
        app,
        client,
        created_at=DAY,
        statuses=[("closed", DAY + hours(8))],
        severity="critical",
    )
    attached = await client.post(
        f"/cases/{tagged_case['id']}/tags", json={"tag_id": tag.json()["id"]}
    )
    assert attached.status_code == 201

    high = await metrics(client, {**MARCH, "severity": "high"})
    low_priority_high = await metrics(
        client, {**MARCH, "priority": "low", "severity": ["high", "critical"]}
    )
    tagged = await metrics(client, {**MARCH, "tags": tag.json()["ref"]})

    assert (high["opened"], high["closed"]) == (2, 2)
    assert high["time_to_close"] == {
        **stats(2, 16200.0, 16200.0),
        "by_severity": {"high": stats(2, 16200.0, 16200.0)},
        "by_priority": {
            "low": stats(1, 14400.0, 14400.0),
            "high": stats(1, 18000.0, 18000.0),
        },
    }
    assert low_priority_high["time_to_first_status_change"]["count"] == 1
    assert (tagged["opened"], tagged["time_to_close"]["mean_seconds"]) == (1, 28800.0)


@pytest.mark.parametrize(
    ("params", "status", "detail"),
    [
        ({"tags": "no-such-tag"}, 422, "Unknown tag: no-such-tag"),
        ({"assignee_id": "someone"}, 400, "Invalid assignee_id: someone"),
    ],
)
async def test_a_bad_filter_is_refused(
    client: httpx.AsyncClient, params: dict[str, str], status: int, detail: str
) -> None:
    response = await client.get("/cases/metrics", params=params)

    assert (response.status_code, response.json()) == (status, {"detail": detail})


async def test_an_unknown_severity_is_422(client: httpx.AsyncClient) -> None:
    response = await client.get("/cases/metrics", params={"severity": "dire"})

    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["query", "severity", 0]
