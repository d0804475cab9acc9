"""Closing or resolving a case needs its required_on_closure fields filled."""

import json
from typing import Any

import httpx
import pytest

from tests.fields.support import create_case, create_field, events_of, field_value


async def status_of(client: httpx.AsyncClient, case_id: str) -> str:
    """The case's current status."""
    return str((await client.get(f"/cases/{case_id}")).json()["status"])


def closure_detail(response: httpx.Response) -> Any:
    """The JSON document inside a closure refusal's `detail` string."""
    assert response.status_code == 422, response.text
    detail = response.json()["detail"]
    assert isinstance(detail, str)
    return json.loads(detail)


@pytest.mark.parametrize("status", ["closed", "resolved"])
async def test_closing_with_a_required_field_empty_is_422_and_changes_nothing(
    client: httpx.AsyncClient, status: str
) -> None:
    required = await create_field(client, "TEXT", required_on_closure=True)
    await create_field(client, "TEXT")
    case = await create_case(client)

    response = await client.patch(
        f"/cases/{case['id']}", json={"status": status, "summary": "Closing now"}
    )

    assert closure_detail(response) == {
        "code": "closure_requirements_not_met",
        "missing_fields": [required],
        "missing_dropdowns": [],
    }
    assert await status_of(client, case["id"]) == "new"
    read = (await client.get(f"/cases/{case['id']}")).json()
    assert read["summary"] == case["summary"]


async def test_every_missing_field_is_listed_in_creation_order(
    client: httpx.AsyncClient,
) -> None:
    first = await create_field(client, "INTEGER", required_on_closure=True)
    filled = await create_field(client, "TEXT", required_on_closure=True)
    last = await create_field(client, "JSONB", required_on_closure=True)
    case = await create_case(client, **{filled: "done"})

    response = await client.patch(f"/cases/{case['id']}", json={"status": "closed"})

    assert closure_detail(response)["missing_fields"] == [first, last]


async def test_supplying_the_value_in_the_closing_patch_succeeds(
    client: httpx.AsyncClient,
) -> None:
    required = await create_field(client, "TEXT", required_on_closure=True)
    case = await create_case(client)

    response = await client.patch(
        f"/cases/{case['id']}",
        json={"status": "closed", "fields": {required: "root cause found"}},
    )

    assert response.status_code == 204, response.text
    assert await status_of(client, case["id"]) == "closed"
    assert await field_value(client, case["id"], required) == "root cause found"


async def test_clearing_the_value_in_the_closing_patch_is_refused(
    client: httpx.AsyncClient,
) -> None:
    required = await create_field(client, "TEXT", required_on_closure=True)
    case = await create_case(client, **{required: "set"})

    response = await client.patch(
        f"/cases/{case['id']}", json={"status": "closed", "fields": {required: None}}
    )

    assert closure_detail(response)["missing_fields"] == [required]
    assert await field_value(client, case["id"], required) == "set"
    assert await events_of(client, case["id"], "fields_changed") == []


@pytest.mark.parametrize(
    ("field_type", "value", "extra"),
    [
        ("INTEGER", 0, {}),
        ("BOOLEAN", False, {}),
        ("NUMERIC", "0.0", {}),
        ("JSONB", 0, {}),
        ("JSONB", False, {}),
        ("JSONB", [None], {}),
        ("TEXT", "x", {}),
        ("MULTI_SELECT", ["a"], {"options": ["a"]}),
    ],
)
async def test_zero_false_and_content_count_as_filled(
    client: httpx.AsyncClient, field_type: str, value: Any, extra: dict[str, Any]
) -> None:
    required = await create_field(client, field_type, required_on_closure=True, **extra)
    case = await create_case(client, **{required: value})

    response = await client.patch(f"/cases/{case['id']}", json={"status": "closed"})

    assert response.status_code == 204, response.text


@pytest.mark.parametrize(
    ("field_type", "value", "extra"),
    [
        ("TEXT", None, {}),
        ("TEXT", "   ", {}),
        ("TEXT", "", {}),
        ("JSONB", [], {}),
        ("JSONB", {}, {}),
        ("JSONB", " ", {}),
        ("MULTI_SELECT", [], {"options": ["a"]}),
    ],
)
async def test_null_blank_text_and_empty_containers_count_as_empty(
    client: httpx.AsyncClient, field_type: str, value: Any, extra: dict[str, Any]
) -> None:
    required = await create_field(client, field_type, required_on_closure=True, **extra)
    case = await create_case(client, **{required: value})

    response = await client.patch(f"/cases/{case['id']}", json={"status": "closed"})

    assert closure_detail(response)["missing_fields"] == [required]


async def test_a_default_fills_a_required_field(client: httpx.AsyncClient) -> None:
    await create_field(client, "INTEGER", required_on_closure=True, default=0)
    case = await create_case(client)

    response = await client.patch(f"/cases/{case['id']}", json={"status": "resolved"})

    assert response.status_code == 204, response.text


async def test_a_case_closed_before_the_requirement_may_stay_closed(
    client: httpx.AsyncClient,
) -> None:
    case = await create_case(client)
    closed = await client.patch(f"/cases/{case['id']}", json={"status": "closed"})
    await create_field(client, "TEXT", required_on_closure=True)

    again = await client.patch(f"/cases/{case['id']}", json={"status": "closed"})

    assert closed.status_code == 204
    assert again.status_code == 204
