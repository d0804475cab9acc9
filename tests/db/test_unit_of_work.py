"""The request's unit of work commits before the response leaves."""

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncSession

from tests.factories import Principal, case_body


async def test_failed_commit_answers_an_error_not_created(
    app: FastAPI, admin: Principal, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def refuse_commit(self: AsyncSession) -> None:
        raise RuntimeError("commit refused by the test")

    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(
        transport=transport,
        base_url="http://testserver",
        cookies=admin.client.cookies,
    ) as client:
        monkeypatch.setattr(AsyncSession, "commit", refuse_commit)
        response = await client.post("/cases", json=case_body())
        monkeypatch.undo()

    assert response.status_code == 500
    assert "location" not in response.headers
    listing = (await admin.client.get("/cases")).json()
    assert listing["total_estimate"] == 0
