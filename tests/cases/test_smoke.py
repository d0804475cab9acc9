"""The contract's documented example, end to end."""

import httpx

from tests.factories import Principal, case_body


async def test_documented_example_request_succeeds(admin: Principal) -> None:
    body = {
        "summary": "<string>",
        "description": "<string>",
        "status": "unknown",
        "priority": "unknown",
        "severity": "unknown",
        "fields": {},
    }

    response = await admin.client.post("/cases", json=body)

    assert response.status_code == 201, response.text
    created = response.json()
    assert created["short_id"] == "CASE-0001"
    assert created["summary"] == "<string>"
    assert response.headers["location"].endswith(f"/cases/{created['id']}")


async def test_bogus_status_is_a_validation_list(admin: Principal) -> None:
    body = {
        "summary": "<string>",
        "description": "<string>",
        "status": "bogus",
        "priority": "unknown",
        "severity": "unknown",
        "fields": {},
    }

    response = await admin.client.post("/cases", json=body)

    assert response.status_code == 422
    detail = response.json()["detail"]
    assert isinstance(detail, list)
    assert [item["loc"] for item in detail] == [["body", "status"]]
    assert {"loc", "msg", "type"} <= set(detail[0])


async def test_request_without_cookie_is_unauthorized(
    anonymous: httpx.AsyncClient,
) -> None:
    response = await anonymous.get("/cases")

    assert response.status_code == 401
    assert response.json() == {"detail": "Unauthorized"}
    assert response.headers["www-authenticate"] == "Cookie"


async def test_blank_summary_is_refused(admin: Principal) -> None:
    response = await admin.client.post("/cases", json=case_body(summary="   \t"))

    assert response.status_code == 422
    assert [item["loc"] for item in response.json()["detail"]] == [["body", "summary"]]
