"""The reference's list and search facts 41-55, on `GET /cases/search`,
and list = search without filters."""

import base64
import json
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from tests.factories import Principal, create_workspace
from tests.search.support import found, new_case, refused, search, walk


async def nine(client: httpx.AsyncClient) -> list[dict[str, Any]]:
    return [await new_case(client, summary=f"Case {index}") for index in range(9)]


async def test_41_newest_first_and_asc_reverses(client: httpx.AsyncClient) -> None:
    created = [case["id"] for case in await nine(client)]

    assert await walk(client) == created[::-1]
    assert await walk(client, sort="asc") == created


async def test_42_semantic_enum_order(client: httpx.AsyncClient) -> None:
    high = await new_case(client, priority="high", status="new")
    low = await new_case(client, priority="low", status="resolved")

    by_priority = await search(client, order_by="priority", sort="asc")
    by_status = await search(client, order_by="status", sort="desc")

    assert [item["id"] for item in by_priority["items"]] == [low["id"], high["id"]]
    assert [item["id"] for item in by_status["items"]] == [low["id"], high["id"]]


async def test_43_limit_bounds(client: httpx.AsyncClient) -> None:
    for _ in range(21):
        await new_case(client)

    for limit in (0, 201):
        response = await client.get("/cases/search", params={"limit": limit})
        assert response.status_code == 422
    assert len((await search(client))["items"]) == 20


async def test_44_previous_cursor_returns_the_previous_page(
    client: httpx.AsyncClient,
) -> None:
    await nine(client)
    params = {"limit": 3, "search_term": "case"}

    first = await search(client, **params)
    second = await search(client, **params, cursor=first["next_cursor"])
    third = await search(client, **params, cursor=second["next_cursor"])
    back = await search(client, **params, cursor=third["prev_cursor"])

    assert back["items"] == second["items"]
    assert (first["prev_cursor"], first["has_previous"]) == (None, False)
    assert (third["next_cursor"], third["has_more"]) == (None, False)


async def test_45_modified_or_reused_cursor(client: httpx.AsyncClient) -> None:
    await nine(client)
    page = await search(client, limit=3, status="new")
    body, _, signature = page["next_cursor"].partition(".")
    payload = json.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))
    payload["k"][1] = "00000000-0000-0000-0000-000000000000"
    forged = base64.urlsafe_b64encode(json.dumps(payload).encode()).rstrip(b"=")

    assert await refused(
        client, limit=3, status="new", cursor=f"{forged.decode()}.{signature}"
    ) == (400, "Invalid pagination cursor")
    for other in ({"status": "closed"}, {"status": "new", "search_term": "x"}, {}):
        assert await refused(client, limit=3, cursor=page["next_cursor"], **other) == (
            400,
            "Pagination cursor does not match the current query",
        )
    # Changing only the limit is allowed.
    assert (await search(client, limit=5, status="new", cursor=page["next_cursor"]))[
        "items"
    ]


async def test_46_total_is_exact(client: httpx.AsyncClient) -> None:
    for index in range(7):
        await new_case(client, status="closed" if index % 3 else "new")

    page = await search(client, limit=1, status="closed")

    assert page["total_estimate"] == 4
    assert len(page["items"]) == 1


async def test_47_to_52_filters(app: FastAPI, admin: Principal) -> None:
    client = admin.client
    cases = [await new_case(client, summary=f"Case {index}") for index in range(10)]
    other = await create_workspace(app, "Other", owner_id=admin.user_id)

    for spelling in ("CASE-0001", "1", "case-1"):
        assert await found(client, short_id=spelling) == {cases[0]["id"]}
    assert cases[0]["id"] not in await found(client, short_id="10")
    elsewhere = await search(client, f"/workspaces/{other}/cases/search", short_id=1)
    assert elsewhere["items"] == []
    assert await refused(client, short_id="CASE-ABCD") == (
        400,
        "Short ID must match CASE-<number> or <number>",
    )
    assert await found(client, search_term="CASE 3") == {cases[3]["id"]}
    assert await found(client, search_term="case-0004") == {cases[3]["id"]}
    assert (await refused(client, search_term="a" * 1001))[0] == 400
    assert (await refused(client, dropdown="nocolon"))[0] == 400
    assert await found(client, assignee_id="unassigned") == {
        case["id"] for case in cases
    }
    assert await refused(client, assignee_id="foo") == (400, "Invalid assignee_id: foo")


@pytest.mark.parametrize("path", ["/cases", "/cases/search"])
async def test_53_payload_only_when_asked(client: httpx.AsyncClient, path: str) -> None:
    await new_case(client, payload={"alert": 1})

    plain = await search(client, path)
    with_payload = await search(client, path, include_payload="true")

    assert plain["items"][0]["payload"] is None
    assert with_payload["items"][0]["payload"] == {"alert": 1}


@pytest.mark.parametrize("path", ["/cases", "/cases/search"])
async def test_54_reserved_field_ids_are_400_even_without_matches(
    client: httpx.AsyncClient, path: str
) -> None:
    assert await refused(client, path, field_ids="case_id", short_id="99") == (
        400,
        "Field case_id is a reserved field",
    )


class TestListIsSearchWithoutFilters:
    """`GET /cases` answers exactly what `GET /cases/search` does."""

    @pytest.mark.parametrize(
        "params",
        [
            {},
            {"limit": 2},
            {"limit": 2, "order_by": "priority", "sort": "asc"},
            {"include_payload": "true", "field_ids": "score"},
        ],
    )
    async def test_identical_pages_and_cursors(
        self, client: httpx.AsyncClient, params: dict[str, Any]
    ) -> None:
        for index in range(5):
            await new_case(client, priority=["low", "high"][index % 2])

        listed = await search(client, "/cases", **params)
        searched = await search(client, **params)
        assert listed == searched

        if listed["next_cursor"]:
            next_listed = await search(
                client, "/cases", **params, cursor=listed["next_cursor"]
            )
            next_searched = await search(client, **params, cursor=listed["next_cursor"])
            assert next_listed == next_searched
