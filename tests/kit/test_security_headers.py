"""Security headers on every response; the docs pages get a looser policy."""

import httpx
import pytest
from fastapi import FastAPI

from tests.auth.support import app_with, client_from
from tests.factories import Principal, case_body

COMMON = {
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "referrer-policy": "same-origin",
    "cross-origin-opener-policy": "same-origin",
    "cross-origin-resource-policy": "same-origin",
}
API_CSP = "default-src 'none'; frame-ancestors 'none'"


def assert_common_headers(response: httpx.Response) -> None:
    for name, value in COMMON.items():
        assert response.headers[name] == value, name
    assert "camera=()" in response.headers["permissions-policy"]


@pytest.mark.parametrize(
    ("method", "path"),
    [("GET", "/health"), ("GET", "/users/me"), ("GET", "/no-such-route")],
)
async def test_api_answers_carry_the_strict_headers(
    anonymous: httpx.AsyncClient, method: str, path: str
) -> None:
    response = await anonymous.request(method, path)

    assert_common_headers(response)
    assert response.headers["content-security-policy"] == API_CSP
    assert response.headers["cache-control"] == "no-store"


async def test_signed_in_answers_are_not_cached(admin: Principal) -> None:
    created = await admin.client.post("/cases", json=case_body())

    listed = await admin.client.get("/cases")

    assert created.headers["cache-control"] == "no-store"
    assert listed.headers["cache-control"] == "no-store"
    assert listed.headers["content-security-policy"] == API_CSP


async def test_validation_errors_carry_the_headers(admin: Principal) -> None:
    response = await admin.client.post("/cases", json={"summary": 3})

    assert response.status_code == 422
    assert_common_headers(response)
    assert response.headers["cache-control"] == "no-store"


async def test_oversized_bodies_are_refused_with_the_headers(
    anonymous: httpx.AsyncClient,
) -> None:
    response = await anonymous.post("/auth/login", content=b"x" * (3 * 1024 * 1024))

    assert response.status_code == 413
    assert_common_headers(response)


@pytest.mark.parametrize("path", ["/docs", "/redoc", "/openapi.json"])
async def test_docs_pages_allow_their_cdn_assets(
    anonymous: httpx.AsyncClient, path: str
) -> None:
    response = await anonymous.get(path)

    policy = response.headers["content-security-policy"]
    assert response.status_code == 200
    assert_common_headers(response)
    assert "default-src" not in policy
    assert "script-src" not in policy
    assert "frame-ancestors 'none'" in policy
    assert "cache-control" not in response.headers


async def test_no_strict_transport_security_over_plain_http(
    anonymous: httpx.AsyncClient,
) -> None:
    response = await anonymous.get("/health")

    assert "strict-transport-security" not in response.headers


async def test_strict_transport_security_when_served_over_https(
    app: FastAPI,
) -> None:
    async with (
        app_with(app, public_url="https://cases.example.org") as https_app,
        client_from(https_app) as client,
    ):
        response = await client.get("/health")

    assert response.headers["strict-transport-security"] == "max-age=31536000"
