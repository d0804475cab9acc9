"""Tags on a case: attaching, detaching, their events, and case reads."""

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import httpx
from fastapi import FastAPI
from sqlalchemy import event

from tests.factories import case_body, create_cases


def unique_name(label: str) -> str:
    """A tag name no other test uses."""
    return f"{label} {uuid.uuid4().hex[:8]}"


async def create_tag(client: httpx.AsyncClient, label: str = "Tag") -> Any:
    """Define a tag that must be created; return its body."""
    response = await client.post("/case-tags", json={"name": unique_name(label)})
    assert response.status_code == 201, response.text
    return response.json()


async def create_case(client: httpx.AsyncClient) -> Any:
    """Create a case that must be created; return its body."""
    response = await client.post("/cases", json=case_body())
    assert response.status_code == 201, response.text
    return response.json()


async def attach(client: httpx.AsyncClient, case_id: str, identifier: str) -> Any:
    """Attach a tag that must attach; return the answer."""
    response = await client.post(f"/cases/{case_id}/tags", json={"tag_id": identifier})
    assert response.status_code == 201, response.text
    return response.json()


async def tag_events(client: httpx.AsyncClient, case_id: str) -> list[Any]:
    """The case's tag events, newest first, as (type, data)."""
    events = (await client.get(f"/cases/{case_id}/events")).json()["events"]
    keys = ("tag_id", "tag_ref", "tag_name")
    return [
        (item["type"], {key: item[key] for key in keys})
        for item in events
        if item["type"] in ("tag_added", "tag_removed")
    ]


def event_data(tag: dict[str, Any]) -> dict[str, str]:
    """What a tag event records about the tag."""
    return {"tag_id": tag["id"], "tag_ref": tag["ref"], "tag_name": tag["name"]}


@contextmanager
def counted_queries(app: FastAPI) -> Iterator[list[str]]:
    """Collect the SQL statements the app sends while the block runs."""
    statements: list[str] = []
    engine = app.state.engine.sync_engine

    def record(*args: Any) -> None:
        statements.append(args[2])

    event.listen(engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", record)


async def test_adding_by_id_answers_201_with_the_tag(
    client: httpx.AsyncClient,
) -> None:
    tag = await create_tag(client)
    case = await create_case(client)

    response = await client.post(
        f"/cases/{case['id']}/tags", json={"tag_id": tag["id"]}
    )

    assert response.status_code == 201
    assert response.json() == tag


async def test_adding_by_ref_attaches_the_tag(client: httpx.AsyncClient) -> None:
    tag = await create_tag(client)
    case = await create_case(client)

    await attach(client, case["id"], tag["ref"])

    listed = (await client.get(f"/cases/{case['id']}/tags")).json()
    assert listed == [tag]


async def test_adding_by_name_attaches_the_tag(client: httpx.AsyncClient) -> None:
    tag = await create_tag(client, "Named Tag")
    case = await create_case(client)

    await attach(client, case["id"], tag["name"])

    listed = (await client.get(f"/cases/{case['id']}/tags")).json()
    assert listed == [tag]


async def test_adding_records_tag_added(client: httpx.AsyncClient) -> None:
    tag = await create_tag(client)
    case = await create_case(client)

    await attach(client, case["id"], tag["id"])

    assert await tag_events(client, case["id"]) == [("tag_added", event_data(tag))]


async def test_adding_again_answers_201_without_duplicate_or_event(
    client: httpx.AsyncClient,
) -> None:
    tag = await create_tag(client)
    case = await create_case(client)
    await attach(client, case["id"], tag["id"])

    again = await attach(client, case["id"], tag["ref"])

    assert again == tag
    assert (await client.get(f"/cases/{case['id']}/tags")).json() == [tag]
    assert len(await tag_events(client, case["id"])) == 1


async def test_adding_to_an_unknown_case_is_404(client: httpx.AsyncClient) -> None:
    tag = await create_tag(client)
    case_id = uuid.uuid4()

    response = await client.post(f"/cases/{case_id}/tags", json={"tag_id": tag["id"]})

    assert response.status_code == 404
    assert response.json() == {"detail": f"Case {case_id} not found in this workspace."}


async def test_adding_an_unknown_tag_is_404(client: httpx.AsyncClient) -> None:
    case = await create_case(client)

    response = await client.post(
        f"/cases/{case['id']}/tags", json={"tag_id": "no-such-tag"}
    )

    assert response.status_code == 404
    assert response.json() == {"detail": "Tag not found"}


async def test_adding_with_an_empty_identifier_is_422(
    client: httpx.AsyncClient,
) -> None:
    case = await create_case(client)

    response = await client.post(f"/cases/{case['id']}/tags", json={"tag_id": ""})

    assert response.status_code == 422


async def test_listing_tags_of_an_unknown_case_is_empty(
    client: httpx.AsyncClient,
) -> None:
    response = await client.get(f"/cases/{uuid.uuid4()}/tags")

    assert response.status_code == 200
    assert response.json() == []


async def test_removing_answers_204_and_detaches(client: httpx.AsyncClient) -> None:
    tag = await create_tag(client)
    case = await create_case(client)
    await attach(client, case["id"], tag["id"])

    response = await client.delete(f"/cases/{case['id']}/tags/{tag['ref']}")

    assert response.status_code == 204
    assert (await client.get(f"/cases/{case['id']}/tags")).json() == []


async def test_removing_records_tag_removed(client: httpx.AsyncClient) -> None:
    tag = await create_tag(client)
    case = await create_case(client)
    await attach(client, case["id"], tag["id"])

    await client.delete(f"/cases/{case['id']}/tags/{tag['id']}")

    events = await tag_events(client, case["id"])
    assert events[0] == ("tag_removed", event_data(tag))


async def test_removing_a_tag_not_on_the_case_is_404(
    client: httpx.AsyncClient,
) -> None:
    tag = await create_tag(client)
    case = await create_case(client)

    response = await client.delete(f"/cases/{case['id']}/tags/{tag['id']}")

    assert response.status_code == 404
    assert response.json() == {"detail": "Tag not found on case"}


async def test_removing_an_unknown_tag_is_404(client: httpx.AsyncClient) -> None:
    case = await create_case(client)

    response = await client.delete(f"/cases/{case['id']}/tags/no-such-tag")

    assert response.status_code == 404
    assert response.json() == {"detail": "Tag not found on case"}


async def test_deleting_a_tag_detaches_it_from_cases(
    client: httpx.AsyncClient,
) -> None:
    tag = await create_tag(client)
    case = await create_case(client)
    await attach(client, case["id"], tag["id"])

    await client.delete(f"/case-tags/{tag['id']}")

    assert (await client.get(f"/cases/{case['id']}/tags")).json() == []


async def test_case_read_shows_its_tags(client: httpx.AsyncClient) -> None:
    tag = await create_tag(client)
    case = await create_case(client)
    await attach(client, case["id"], tag["id"])

    response = await client.get(f"/cases/{case['id']}")

    assert response.json()["tags"] == [tag]


async def test_case_list_shows_each_cases_tags(client: httpx.AsyncClient) -> None:
    tag = await create_tag(client)
    tagged, untagged = await create_cases(client, 2)
    await attach(client, tagged["id"], tag["id"])

    items = (await client.get("/cases", params={"limit": 200})).json()["items"]

    by_id = {item["id"]: item["tags"] for item in items}
    assert by_id[tagged["id"]] == [tag]
    assert by_id[untagged["id"]] == []


async def test_case_list_reads_tags_in_one_query_for_the_page(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    for case in await create_cases(client, 3):
        await attach(client, case["id"], (await create_tag(client))["id"])
    with counted_queries(app) as one_case:
        await client.get("/cases", params={"limit": 1})

    with counted_queries(app) as three_cases:
        await client.get("/cases", params={"limit": 3})

    assert len(three_cases) == len(one_case)
    assert any("case_tag_link" in statement for statement in three_cases)


async def test_tags_given_at_creation_are_part_of_the_case(
    client: httpx.AsyncClient,
) -> None:
    malware = (await client.post("/case-tags", json={"name": "Malware"})).json()
    await client.post("/case-tags", json={"name": "Phishing Wave"})

    created = await client.post(
        "/cases",
        json=case_body(tags=[malware["id"], "phishing-wave", "Malware"]),
    )

    assert created.status_code == 201, created.text
    assert sorted(tag["ref"] for tag in created.json()["tags"]) == [
        "malware",
        "phishing-wave",
    ]
    events = await client.get(f"/cases/{created.json()['id']}/events")
    assert [event["type"] for event in events.json()["events"]] == ["case_created"]


async def test_an_unknown_tag_at_creation_creates_nothing(
    client: httpx.AsyncClient,
) -> None:
    response = await client.post("/cases", json=case_body(tags=["no-such-tag"]))

    assert response.status_code == 422
    assert response.json() == {"detail": "Unknown tag: no-such-tag"}
    listed = await client.get("/cases")
    assert listed.json()["items"] == []
