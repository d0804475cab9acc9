"""Concurrent writes to one case record: no 500s, nothing lost, a true timeline.

These run on PostgreSQL, where requests really overlap; SQLite serialises
every write through its one connection.
"""

import asyncio
import random
import string
from typing import Any

import httpx
import pytest

from tests.fields.support import create_case, create_field, field_value

pytestmark = pytest.mark.postgres_only


async def create_dropdown(client: httpx.AsyncClient) -> dict[str, Any]:
    """A dropdown with four options, o0 to o3."""
    ref = "race_" + "".join(random.choices(string.ascii_lowercase, k=8))
    response = await client.post(
        "/case-dropdowns",
        json={
            "name": ref,
            "ref": ref,
            "options": [
                {"label": f"o{index}", "ref": f"o{index}"} for index in range(4)
            ],
        },
    )
    assert response.status_code == 201, response.text
    return dict(response.json())


async def test_case_updates_and_dropdown_choices_do_not_deadlock(
    client: httpx.AsyncClient,
) -> None:
    case = await create_case(client)
    dropdown = await create_dropdown(client)
    option = dropdown["options"][1]

    requests = []
    for _ in range(6):
        requests.append(
            client.patch(
                f"/cases/{case['id']}",
                json={
                    "dropdown_values": [
                        {"definition_ref": dropdown["ref"], "option_ref": "o0"}
                    ]
                },
            )
        )
        requests.append(
            client.put(
                f"/cases/{case['id']}/dropdowns/{dropdown['id']}",
                json={"option_id": option["id"]},
            )
        )
    responses = await asyncio.gather(*requests)

    assert (
        sorted(response.status_code for response in responses) == [200] * 6 + [204] * 6
    )


async def test_concurrent_choices_leave_an_unbroken_timeline(
    client: httpx.AsyncClient,
) -> None:
    case = await create_case(client)
    dropdown = await create_dropdown(client)
    options = dropdown["options"]

    responses = await asyncio.gather(
        *(
            client.put(
                f"/cases/{case['id']}/dropdowns/{dropdown['id']}",
                json={"option_id": options[index % 4]["id"]},
            )
            for index in range(12)
        )
    )

    assert [response.status_code for response in responses] == [200] * 12
    events = (await client.get(f"/cases/{case['id']}/events")).json()["events"]
    chain = [
        (event.get("old_option_label"), event.get("new_option_label"))
        for event in reversed(events)
        if event["type"] == "dropdown_value_changed"
    ]
    assert len(chain) == 12
    assert chain[0][0] is None
    assert all(
        earlier[1] == later[0] for earlier, later in zip(chain, chain[1:], strict=False)
    )
    stored = (await client.get(f"/cases/{case['id']}/dropdowns")).json()
    assert stored[0]["option_label"] == chain[-1][1]


async def test_values_written_during_a_retype_are_kept(
    client: httpx.AsyncClient,
) -> None:
    name = await create_field(client, "INTEGER")
    cases = [await create_case(client) for _ in range(6)]

    responses = await asyncio.gather(
        client.patch(f"/case-fields/{name}", json={"type": "TEXT"}),
        *(
            client.patch(f"/cases/{case['id']}", json={"fields": {name: 7}})
            for case in cases
        ),
    )

    assert [response.status_code for response in responses] == [204] * 7
    for case in cases:
        assert await field_value(client, case["id"], name) == "7"


async def test_a_field_deleted_during_writes_refuses_them_cleanly(
    client: httpx.AsyncClient,
) -> None:
    name = await create_field(client, "TEXT")
    cases = [await create_case(client, **{name: "before"}) for _ in range(6)]

    responses = await asyncio.gather(
        *(
            client.patch(f"/cases/{case['id']}", json={"fields": {name: "after"}})
            for case in cases
        ),
        client.delete(f"/case-fields/{name}"),
    )

    *writes, deletion = responses
    assert deletion.status_code == 204
    assert {response.status_code for response in writes} <= {204, 400}
    for response in writes:
        if response.status_code == 400:
            assert response.json() == {
                "detail": f"Column '{name}' does not exist in table case_fields"
            }


async def test_parallel_first_views_record_one_event(
    client: httpx.AsyncClient,
) -> None:
    case = await create_case(client)

    responses = await asyncio.gather(
        *(client.get(f"/cases/{case['id']}") for _ in range(8))
    )

    assert [response.status_code for response in responses] == [200] * 8
    events = (await client.get(f"/cases/{case['id']}/events")).json()["events"]
    assert [event["type"] for event in events] == ["case_viewed", "case_created"]


async def test_a_long_text_value_is_stored_whole(client: httpx.AsyncClient) -> None:
    name = await create_field(client, "TEXT")
    case = await create_case(client)
    long_text = "".join(random.choices(string.ascii_letters, k=20_000))

    response = await client.patch(
        f"/cases/{case['id']}", json={"fields": {name: long_text}}
    )

    assert response.status_code == 204, response.text
    assert await field_value(client, case["id"], name) == long_text
