"""Apps with their own settings and clients from chosen addresses."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import httpx
from fastapi import FastAPI

from casedesk.app import create_app
from casedesk.config import Settings

BASE_URL = "http://testserver"


@asynccontextmanager
async def app_with(app: FastAPI, **overrides: Any) -> AsyncIterator[FastAPI]:
    """A second app on the session's database, with some settings changed."""
    values = {**app.state.settings.model_dump(), **overrides}
    other = create_app(Settings.model_validate(values))
    try:
        yield other
    finally:
        await other.state.engine.dispose()


def client_from(app: FastAPI, address: str = "127.0.0.1") -> httpx.AsyncClient:
    """A client whose requests come from `address`."""
    transport = httpx.ASGITransport(app=app, client=(address, 50123))
    return httpx.AsyncClient(transport=transport, base_url=BASE_URL)


async def post_login(
    client: httpx.AsyncClient, email: str, password: str, **kwargs: Any
) -> httpx.Response:
    """`POST /auth/login` with the form fields."""
    return await client.post(
        "/auth/login", data={"username": email, "password": password}, **kwargs
    )
