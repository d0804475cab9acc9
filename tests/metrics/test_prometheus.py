"""GET /metrics: operator metrics in the Prometheus text format."""

from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI
from prometheus_client.parser import text_string_to_metric_families
from pydantic import SecretStr

from casedesk.app import create_app
from casedesk.config import Settings
from casedesk.errors import Conflict
from casedesk.metrics.operations import count_case_created
from tests.factories import Principal, case_body

TOKEN = "metrics-scrape-token-for-tests"
SCRAPER = {"Authorization": f"Bearer {TOKEN}"}


@pytest.fixture
async def metered_app(
    database_url: str, tmp_path: Path, admin: Principal
) -> AsyncIterator[FastAPI]:
    """An app of its own, with a metrics token and fresh counters."""
    settings = Settings(
        data_dir=tmp_path,
        database_url=database_url,
        secret=SecretStr("test-secret-not-for-production"),
        metrics_token=SecretStr(TOKEN),
    )
    application = create_app(settings)
    yield application
    await application.state.engine.dispose()


@pytest.fixture
async def metered(
    metered_app: FastAPI, admin: Principal
) -> AsyncIterator[httpx.AsyncClient]:
    """The admin's session on the metered app; server errors answer 500."""
    transport = httpx.ASGITransport(app=metered_app, raise_app_exceptions=False)
    async with httpx.AsyncClient(
        transport=transport, base_url="http://testserver", cookies=admin.client.cookies
    ) as client:
        yield client


async def scrape(client: httpx.AsyncClient) -> str:
    """The exposition, which must be served."""
    response = await client.get("/metrics", headers=SCRAPER)
    assert response.status_code == 200, response.text
    return response.text


def sample(text: str, name: str, **labels: str) -> float | None:
    """The value of the sample `name` with exactly `labels`, if exposed."""
    for family in text_string_to_metric_families(text):
        for found in family.samples:
            if found.name == name and found.labels == labels:
                return float(found.value)
    return None


async def test_requests_are_counted_by_route_template(
    metered: httpx.AsyncClient, admin: Principal
) -> None:
    cases = [(await metered.post("/cases", json=case_body())).json() for _ in range(2)]
    for case in cases:
        assert (await metered.get(f"/cases/{case['id']}")).status_code == 200
    prefixed = f"/workspaces/{admin.workspace_id}/cases/{cases[0]['id']}"
    assert (await metered.get(prefixed)).status_code == 200

    text = await scrape(metered)

    # The workspace-prefixed mount serves the same operation, in one series.
    requests = "casedesk_http_requests_total"
    assert (
        sample(text, requests, method="GET", route="/cases/{case_id}", status="200")
        == 3
    )
    assert sample(text, requests, method="POST", route="/cases", status="201") == 2
    latency = "casedesk_http_request_duration_seconds_count"
    assert sample(text, latency, method="GET", route="/cases/{case_id}") == 3
    assert all(case["id"] not in text for case in cases)
    assert str(admin.workspace_id) not in text


async def test_unrouted_requests_share_one_label(
    metered: httpx.AsyncClient,
) -> None:
    await metered.get("/no/such/path/8f2c1e")
    await metered.request("BREW", "/cases")

    text = await scrape(metered)

    requests = "casedesk_http_requests_total"
    assert sample(text, requests, method="GET", route="unmatched", status="404") == 1
    assert sample(text, requests, method="other", route="/cases", status="405") == 1
    assert "8f2c1e" not in text
    assert "BREW" not in text


async def test_cases_created_counts_committed_cases_only(
    metered: httpx.AsyncClient,
) -> None:
    before = sample(await scrape(metered), "casedesk_cases_created_total")
    for _ in range(3):
        assert (await metered.post("/cases", json=case_body())).status_code == 201
    refused = await metered.post("/cases", json=case_body(severity="dire"))
    assert refused.status_code == 422

    after = sample(await scrape(metered), "casedesk_cases_created_total")

    assert (before, after) == (0.0, 3.0)


async def test_a_case_created_by_a_failed_request_is_not_counted(
    metered_app: FastAPI, metered: httpx.AsyncClient
) -> None:
    # A creation the request's failure rolls back, as in a refused batch.
    async def create_then_fail() -> None:
        count_case_created()
        raise Conflict("Rolled back")

    async def create() -> None:
        count_case_created()

    metered_app.add_api_route("/test-create-then-fail", create_then_fail)
    metered_app.add_api_route("/test-create", create)

    failed = await metered.get("/test-create-then-fail")
    succeeded = await metered.get("/test-create")

    assert (failed.status_code, succeeded.status_code) == (409, 200)
    assert sample(await scrape(metered), "casedesk_cases_created_total") == 1.0


async def test_server_errors_are_counted(
    metered_app: FastAPI, metered: httpx.AsyncClient
) -> None:
    async def explode() -> None:
        raise RuntimeError("boom")

    metered_app.add_api_route("/test-explodes", explode)

    response = await metered.get("/test-explodes")
    text = await scrape(metered)

    assert response.status_code == 500
    labels = {"method": "GET", "route": "/test-explodes"}
    assert sample(text, "casedesk_http_server_errors_total", **labels) == 1
    assert sample(text, "casedesk_http_requests_total", **labels, status="500") == 1


async def test_the_exposition_is_prometheus_text(metered: httpx.AsyncClient) -> None:
    response = await metered.get("/metrics", headers=SCRAPER)

    assert response.status_code == 200
    assert response.headers["content-type"] == (
        "text/plain; version=0.0.4; charset=utf-8"
    )
    families = {family.name for family in text_string_to_metric_families(response.text)}
    assert {
        "casedesk_http_requests",
        "casedesk_http_request_duration_seconds",
        "casedesk_http_server_errors",
        "casedesk_cases_created",
    } <= families


async def test_openmetrics_is_served_when_asked_for(
    metered: httpx.AsyncClient,
) -> None:
    response = await metered.get(
        "/metrics",
        headers={**SCRAPER, "Accept": "application/openmetrics-text; version=1.0.0"},
    )

    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/openmetrics-text")
    assert response.text.endswith("# EOF\n")


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"Authorization": "Bearer wrong-token"},
        {"Authorization": "Bearer "},
        {"Authorization": TOKEN},
        {"Authorization": f"Basic {TOKEN}"},
        {"Authorization": f"Bearer {TOKEN}x"},
    ],
)
async def test_a_missing_or_wrong_token_is_401(
    metered_app: FastAPI, headers: dict[str, str]
) -> None:
    # No session either: the cookie is not what `/metrics` accepts.
    transport = httpx.ASGITransport(app=metered_app)
    async with httpx.AsyncClient(
        transport=transport, base_url="http://testserver"
    ) as client:
        response = await client.get("/metrics", headers=headers)

    assert (response.status_code, response.json()) == (401, {"detail": "Unauthorized"})
    assert response.headers["WWW-Authenticate"] == "Bearer"


async def test_a_signed_in_admin_without_the_token_is_401(
    metered: httpx.AsyncClient,
) -> None:
    response = await metered.get("/metrics")

    assert (response.status_code, response.json()) == (401, {"detail": "Unauthorized"})


async def test_without_a_token_setting_the_route_is_404(
    client: httpx.AsyncClient, anonymous: httpx.AsyncClient
) -> None:
    responses = [
        await client.get("/metrics"),
        await anonymous.get("/metrics", headers=SCRAPER),
        await anonymous.get("/metrics", headers={"Authorization": "Bearer "}),
    ]

    assert [(item.status_code, item.json()) for item in responses] == [
        (404, {"detail": "Not Found"})
    ] * 3


@pytest.mark.parametrize("blank", ["", "   "])
def test_a_blank_token_setting_disables_the_route(blank: str) -> None:
    assert Settings(metrics_token=SecretStr(blank)).metrics_token is None
