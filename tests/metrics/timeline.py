"""Build case timelines at known instants, for exact metrics."""

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
from fastapi import FastAPI
from sqlalchemy import select, update

from casedesk.models import Case, CaseEvent
from tests.factories import case_body

STATUS_EVENT_TYPES = ("status_changed", "case_closed", "case_reopened")
# Every timeline of these tests starts on this day.
DAY = datetime(2024, 3, 1, tzinfo=UTC)
MARCH = {"start_time": "2024-03-01T00:00:00Z", "end_time": "2024-03-31T23:59:59Z"}


def hours(count: float) -> timedelta:
    """`count` hours."""
    return timedelta(hours=count)


async def case_with_history(
    app: FastAPI,
    client: httpx.AsyncClient,
    *,
    created_at: datetime,
    statuses: list[tuple[str, datetime]],
    prefix: str = "",
    **overrides: Any,
) -> dict[str, Any]:
    """A case created at `created_at`, moved through `statuses` at their times.

    The statuses are set through `PATCH /cases/{id}`; the instants are then
    written over the case's `created_at` and its status events, in order.
    """
    response = await client.post(
        f"{prefix}/cases",
        json=case_body(summary=f"Metrics case {uuid.uuid4().hex[:8]}", **overrides),
    )
    assert response.status_code == 201, response.text
    case = dict(response.json())
    for status, _ in statuses:
        patched = await client.patch(
            f"{prefix}/cases/{case['id']}", json={"status": status}
        )
        assert patched.status_code == 204, patched.text

    await move_timeline(
        app,
        uuid.UUID(case["id"]),
        created_at=created_at,
        status_times=[when for _, when in statuses],
    )
    return case


async def move_timeline(
    app: FastAPI,
    case_id: uuid.UUID,
    *,
    created_at: datetime,
    status_times: list[datetime],
) -> None:
    """Place a case's creation and its status events, in order, at given times."""
    async with app.state.sessionmaker() as session:
        await session.execute(
            update(Case).where(Case.id == case_id).values(created_at=created_at)
        )
        await session.execute(
            update(CaseEvent)
            .where(CaseEvent.case_id == case_id, CaseEvent.type == "case_created")
            .values(created_at=created_at)
        )
        sequence = await session.scalars(
            select(CaseEvent.seq)
            .where(
                CaseEvent.case_id == case_id,
                CaseEvent.type.in_(STATUS_EVENT_TYPES),
            )
            .order_by(CaseEvent.seq)
        )
        numbers = list(sequence)
        assert len(numbers) == len(status_times)
        for seq, when in zip(numbers, status_times, strict=True):
            await session.execute(
                update(CaseEvent).where(CaseEvent.seq == seq).values(created_at=when)
            )
        await session.commit()


def no_duration() -> dict[str, Any]:
    """A duration metric over no case."""
    return {
        "count": 0,
        "mean_seconds": None,
        "median_seconds": None,
        "by_severity": {},
        "by_priority": {},
    }


def stats(count: int, mean: float, median: float) -> dict[str, Any]:
    """Statistics of a group, in seconds."""
    return {"count": count, "mean_seconds": mean, "median_seconds": median}
