"""The request's unit of work commits before the response leaves."""

import sqlite3

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy.engine import make_url
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


async def test_locked_sqlite_database_answers_503_with_retry_after(
    app: FastAPI, admin: Principal, is_postgres: bool
) -> None:
    if is_postgres:
        pytest.skip("SQLite's file lock")
    path = make_url(app.state.settings.resolved_database_url).database
    other_process = sqlite3.connect(path, isolation_level=None)
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)

    other_process.execute("BEGIN IMMEDIATE")
    try:
        async with httpx.AsyncClient(
            transport=transport,
            base_url="http://testserver",
            cookies=admin.client.cookies,
        ) as client:
            response = await client.post("/cases", json=case_body())
    finally:
        other_process.execute("ROLLBACK")
        other_process.close()

    assert response.status_code == 503
    assert response.headers["retry-after"] == "2"
    assert response.json() == {
        "detail": "The database is busy or unreachable; retry shortly."
    }
    assert (await admin.client.get("/cases")).json()["total_estimate"] == 0
