"""Batches wait at most five seconds for cases another transaction holds."""

import asyncio
import time
import uuid

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import select

from casedesk.models import Case
from tests.batch.helpers import batch_update, create_case, event_types, read_case


@pytest.mark.postgres_only
async def test_a_case_locked_for_too_long_is_409_and_changes_nothing(
    client: httpx.AsyncClient, app: FastAPI
) -> None:
    cases = [await create_case(client) for _ in range(4)]
    ids = [case["id"] for case in cases]

    # The update batch locks its first case in id order, then waits for the
    # second; the delete batch waits for its first. Each waits on the holder
    # alone: waiting behind the other batch would start a new five-second
    # wait once that one gave up.
    to_update, to_delete = ids[:2], ids[2:]
    held = [max(uuid.UUID(case_id) for case_id in to_update)]
    held += [uuid.UUID(case_id) for case_id in to_delete]

    async with app.state.engine.connect() as holder:
        await holder.execute(select(Case.id).where(Case.id.in_(held)).with_for_update())
        started = time.monotonic()
        updated, deleted = await asyncio.gather(
            client.post(
                "/cases/batch-update",
                json={"case_ids": to_update, "update": {"status": "closed"}},
            ),
            client.post("/cases/batch-delete", json={"case_ids": to_delete}),
        )
        waited = time.monotonic() - started
        await holder.rollback()

    assert updated.status_code == 409, updated.text
    assert updated.json() == {
        "detail": "Timed out waiting to lock cases for batch update"
    }
    assert deleted.status_code == 409, deleted.text
    assert deleted.json() == {
        "detail": "Timed out waiting to lock cases for batch delete"
    }
    assert 4.5 < waited < 10
    for case in cases:
        now = await read_case(client, case["id"])
        assert (now["status"], now["updated_at"]) == ("new", case["updated_at"])
        assert await event_types(client, case["id"]) == ["case_created"]
    body = await batch_update(client, ids, {"status": "closed"})
    assert body["succeeded"] == 4
