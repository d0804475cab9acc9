"""Helpers shared by the search tests."""

from typing import Any

import httpx

from tests.factories import case_body


async def new_case(client: httpx.AsyncClient, **overrides: Any) -> dict[str, Any]:
    """Create a case that must be created; return its body."""
    response = await client.post("/cases", json=case_body(**overrides))
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


async def search(
    client: httpx.AsyncClient, path: str = "/cases/search", **params: Any
) -> dict[str, Any]:
    """A search page that must succeed."""
    response = await client.get(path, params=params)
    assert response.status_code == 200, response.text
    page: dict[str, Any] = response.json()
    return page


async def found(client: httpx.AsyncClient, **params: Any) -> set[str]:
    """The ids of every case a search finds (one page of up to 200)."""
    page = await search(client, limit=200, **params)
    assert page["has_more"] is False
    assert page["total_estimate"] == len(page["items"])
    return {item["id"] for item in page["items"]}


async def refused(
    client: httpx.AsyncClient, path: str = "/cases/search", **params: Any
) -> tuple[int, Any]:
    """Status and detail of a search that must fail."""
    response = await client.get(path, params=params)
    assert response.status_code >= 400, response.text
    return response.status_code, response.json()["detail"]


async def walk(client: httpx.AsyncClient, **params: Any) -> list[str]:
    """Every id of a search, page by page through `next_cursor`."""
    ids: list[str] = []
    page = await search(client, **params)
    ids.extend(item["id"] for item in page["items"])
    while page["next_cursor"]:
        page = await search(client, **params, cursor=page["next_cursor"])
        ids.extend(item["id"] for item in page["items"])
    return ids


async def walk_back(client: httpx.AsyncClient, **params: Any) -> list[str]:
    """Every id of a search, from its last page back through `prev_cursor`."""
    page = await search(client, **params)
    while page["next_cursor"]:
        page = await search(client, **params, cursor=page["next_cursor"])
    pages = [[item["id"] for item in page["items"]]]
    while page["prev_cursor"]:
        page = await search(client, **params, cursor=page["prev_cursor"])
        pages.append([item["id"] for item in page["items"]])
    return [case_id for ids in reversed(pages) for case_id in ids]
