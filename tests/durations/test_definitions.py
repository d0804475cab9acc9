"""Duration definitions: their shape, validation, names, and changes."""

import uuid
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from tests.durations.helpers import (
    CASE_CREATED,
    CLOSED,
    create_case,
    define,
    definition_body,
    duration_for,
    durations_of,
    set_status,
    unique_name,
)
from tests.factories import Principal, case_body, create_workspace

TAG_ADDED = {"event_type": "tag_added", "filters": {"tag_refs": ["phishing"]}}


async def test_create_answers_201_with_the_definition(
    client: httpx.AsyncClient,
) -> None:
    body = definition_body()

    response = await client.post("/case-durations", json=body)

    assert response.status_code == 201
    created = response.json()
    assert created == {
        "id": created["id"],
        "name": body["name"],
        "description": body["description"],
        "start_anchor": {
            "event_type": "case_created",
            "filters": {
                "new_values": [],
                "tag_refs": [],
                "field_ids": [],
                "dropdown_definition_id": None,
                "dropdown_option_ids": [],
            },
            "selection": "first",
        },
        "end_anchor": {
            "event_type": "status_changed",
            "filters": {
                "new_values": ["closed"],
                "tag_refs": [],
                "field_ids": [],
                "dropdown_definition_id": None,
                "dropdown_option_ids": [],
            },
            "selection": "first",
        },
    }
    assert response.headers["Location"].endswith(f"/case-durations/{created['id']}")


async def test_get_and_list_answer_the_definitions_oldest_first(
    client: httpx.AsyncClient,
) -> None:
    first = await define(client)
    second = await define(client, description=None)

    listed = await client.get("/case-durations")
    read = await client.get(f"/case-durations/{second['id']}")

    assert listed.status_code == 200
    assert listed.json() == [first, second]
    assert read.status_code == 200
    assert read.json() == second
    assert second["description"] is None


async def test_status_changed_without_new_values_is_422(
    client: httpx.AsyncClient,
) -> None:
    response = await client.post(
        "/case-durations",
        json=definition_body(end_anchor={"event_type": "status_changed"}),
    )

    assert response.status_code == 422
    error = response.json()["detail"][0]
    assert error["loc"] == ["body", "end_anchor"]
    assert error["msg"] == (
        "Value error, status_changed anchors require the new_values filter"
    )
    assert (await client.get("/case-durations")).json() == []


async def test_case_created_without_filters_is_accepted(
    client: httpx.AsyncClient,
) -> None:
    created = await define(
        client, start_anchor={"event_type": "case_created"}, end_anchor=CLOSED
    )

    assert created["start_anchor"]["event_type"] == "case_created"


@pytest.mark.parametrize(
    ("anchor", "message"),
    [
        (
            {"event_type": "priority_changed", "filters": {"new_values": []}},
            "priority_changed anchors require the new_values filter",
        ),
        (
            {"event_type": "severity_changed", "filters": {"tag_refs": ["x"]}},
            "severity_changed anchors take no tag_refs filter",
        ),
        (
            {
                "event_type": "status_changed",
                "filters": {"new_values": ["closed"], "field_ids": ["x"]},
            },
            "status_changed anchors take no field_ids filter",
        ),
        (
            {"event_type": "tag_added"},
            "tag_added anchors require the tag_refs filter",
        ),
        (
            {"event_type": "tag_removed", "filters": {"new_values": ["closed"]}},
            "tag_removed anchors take no new_values filter",
        ),
        (
            {"event_type": "fields_changed"},
            "fields_changed anchors require the field_ids filter",
        ),
        (
            {
                "event_type": "dropdown_value_changed",
                "filters": {"dropdown_definition_id": str(uuid.uuid4())},
            },
            "dropdown_value_changed anchors require the dropdown_option_ids filter",
        ),
        (
            {"event_type": "dropdown_value_changed"},
            "dropdown_value_changed anchors require the dropdown_definition_id "
            "and dropdown_option_ids filter",
        ),
        (
            {"event_type": "case_created", "filters": {"tag_refs": ["x"]}},
            "case_created anchors take no tag_refs filter",
        ),
        (
            {"event_type": "comment_created", "filters": {"new_values": ["x"]}},
            "comment_created anchors take no new_values filter",
        ),
        (
            {"event_type": "status_changed", "filters": {"new_values": ["done"]}},
            "status_changed anchors cannot match new value 'done'; expected one "
            "of closed, in_progress, new, on_hold, other, resolved, unknown",
        ),
    ],
)
async def test_filters_that_do_not_fit_the_event_type_are_422(
    client: httpx.AsyncClient, anchor: dict[str, Any], message: str
) -> None:
    response = await client.post(
        "/case-durations", json=definition_body(start_anchor=anchor)
    )

    assert response.status_code == 422
    assert response.json()["detail"][0]["msg"] == f"Value error, {message}"


async def test_fitting_filters_are_accepted(client: httpx.AsyncClient) -> None:
    dropdown_id, option_id = uuid.uuid4(), uuid.uuid4()
    anchors = [
        {"event_type": "priority_changed", "filters": {"new_values": ["high"]}},
        {"event_type": "severity_changed", "filters": {"new_values": ["fatal"]}},
        TAG_ADDED,
        {"event_type": "fields_changed", "filters": {"field_ids": ["Hostname"]}},
        {
            "event_type": "dropdown_value_changed",
            "filters": {
                "dropdown_definition_id": str(dropdown_id).upper(),
                "dropdown_option_ids": [str(option_id)],
            },
            "selection": "last",
        },
    ]

    created = [await define(client, start_anchor=anchor) for anchor in anchors]

    assert created[3]["start_anchor"]["filters"]["field_ids"] == ["hostname"]
    dropdown = created[4]["start_anchor"]
    assert dropdown["selection"] == "last"
    assert dropdown["filters"]["dropdown_definition_id"] == str(dropdown_id)
    assert dropdown["filters"]["dropdown_option_ids"] == [str(option_id)]


@pytest.mark.parametrize(
    "body",
    [
        definition_body(surprise=True),
        definition_body(start_anchor={**CASE_CREATED, "timestamp_path": "x"}),
        definition_body(
            end_anchor={**CLOSED, "filters": {"new_values": ["closed"], "x": 1}}
        ),
        definition_body(start_anchor={"event_type": "case_exploded"}),
        definition_body(start_anchor={**CASE_CREATED, "selection": "middle"}),
        definition_body(start_anchor={**CASE_CREATED, "filters": None}),
        definition_body(name=""),
        definition_body(name="x" * 256),
        definition_body(name="Time\x00to close"),
        definition_body(description="x" * 1025),
        definition_body(name=42),
        {"name": "No anchors"},
    ],
)
async def test_bad_bodies_are_422_and_define_nothing(
    client: httpx.AsyncClient, body: dict[str, Any]
) -> None:
    response = await client.post("/case-durations", json=body)

    assert response.status_code == 422
    assert (await client.get("/case-durations")).json() == []


async def test_malformed_json_is_422(client: httpx.AsyncClient) -> None:
    response = await client.post(
        "/case-durations",
        content=b'{"name": ',
        headers={"Content-Type": "application/json"},
    )

    assert response.status_code == 422


async def test_a_name_up_to_255_characters_is_accepted(
    client: httpx.AsyncClient,
) -> None:
    created = await define(client, name="x" * 255, description="d" * 1024)

    assert len(created["name"]) == 255


async def test_a_taken_name_is_400(client: httpx.AsyncClient) -> None:
    first = await define(client)

    response = await client.post(
        "/case-durations", json=definition_body(name=first["name"])
    )

    assert response.status_code == 400
    assert response.json() == {
        "detail": f"A duration named '{first['name']}' already exists"
    }
    assert (await client.get("/case-durations")).json() == [first]


async def test_the_same_name_is_free_in_another_workspace(
    app: FastAPI, admin: Principal
) -> None:
    first = await define(admin.client)
    other = await create_workspace(app, unique_name("Other"), owner_id=admin.user_id)

    response = await admin.client.post(
        f"/workspaces/{other}/case-durations",
        json=definition_body(name=first["name"]),
    )

    assert response.status_code == 201


async def test_get_of_an_unknown_definition_is_404(client: httpx.AsyncClient) -> None:
    unknown = uuid.uuid4()

    response = await client.get(f"/case-durations/{unknown}")

    assert response.status_code == 404
    assert response.json() == {"detail": f"Duration definition {unknown} not found"}


async def test_a_definition_of_another_workspace_is_404(
    app: FastAPI, admin: Principal
) -> None:
    other = await create_workspace(app, unique_name("Other"), owner_id=admin.user_id)
    response = await admin.client.post(
        f"/workspaces/{other}/case-durations", json=definition_body()
    )
    foreign = response.json()

    read = await admin.client.get(f"/case-durations/{foreign['id']}")
    patched = await admin.client.patch(
        f"/case-durations/{foreign['id']}", json={"name": "Mine now"}
    )
    deleted = await admin.client.delete(f"/case-durations/{foreign['id']}")

    expected = {"detail": f"Duration definition {foreign['id']} not found"}
    assert (read.status_code, read.json()) == (404, expected)
    assert (patched.status_code, patched.json()) == (404, expected)
    assert (deleted.status_code, deleted.json()) == (404, expected)
    kept = await admin.client.get(f"/workspaces/{other}/case-durations")
    assert kept.json() == [foreign]


async def test_patch_answers_200_with_the_changed_definition(
    client: httpx.AsyncClient,
) -> None:
    definition = await define(client)
    name = unique_name("Renamed")

    response = await client.patch(
        f"/case-durations/{definition['id']}",
        json={"name": name, "description": None},
    )

    assert response.status_code == 200
    assert response.json() == {**definition, "name": name, "description": None}
    read = await client.get(f"/case-durations/{definition['id']}")
    assert read.json() == response.json()


async def test_patch_to_its_own_name_is_accepted(client: httpx.AsyncClient) -> None:
    definition = await define(client)

    response = await client.patch(
        f"/case-durations/{definition['id']}", json={"name": definition["name"]}
    )

    assert response.status_code == 200
    assert response.json() == definition


async def test_patch_to_a_taken_name_is_400(client: httpx.AsyncClient) -> None:
    first = await define(client)
    second = await define(client)

    response = await client.patch(
        f"/case-durations/{second['id']}", json={"name": first["name"]}
    )

    assert response.status_code == 400
    assert response.json() == {
        "detail": f"A duration named '{first['name']}' already exists"
    }
    assert (await client.get(f"/case-durations/{second['id']}")).json() == second


@pytest.mark.parametrize(
    ("key", "message"),
    [
        (
            "start_anchor",
            "Start anchor cannot be null when updating a duration definition.",
        ),
        (
            "end_anchor",
            "End anchor cannot be null when updating a duration definition.",
        ),
    ],
)
async def test_patch_with_a_null_anchor_is_400(
    client: httpx.AsyncClient, key: str, message: str
) -> None:
    definition = await define(client)

    response = await client.patch(
        f"/case-durations/{definition['id']}", json={"name": "Changed", key: None}
    )

    assert response.status_code == 400
    assert response.json() == {"detail": message}
    assert (await client.get(f"/case-durations/{definition['id']}")).json() == (
        definition
    )


@pytest.mark.parametrize(
    "body",
    [
        {"end_anchor": {"event_type": "status_changed"}},
        {"start_anchor": {**CASE_CREATED, "extra": 1}},
        {"unknown": "key"},
        {"name": "x" * 256},
    ],
)
async def test_patch_with_a_bad_body_is_422(
    client: httpx.AsyncClient, body: dict[str, Any]
) -> None:
    definition = await define(client)

    response = await client.patch(f"/case-durations/{definition['id']}", json=body)

    assert response.status_code == 422
    assert (await client.get(f"/case-durations/{definition['id']}")).json() == (
        definition
    )


async def test_delete_answers_204_and_removes_its_durations(
    client: httpx.AsyncClient,
) -> None:
    definition = await define(client)
    case = await create_case(client)
    assert len(await durations_of(client, case["id"])) == 1

    response = await client.delete(f"/case-durations/{definition['id']}")

    assert response.status_code == 204
    assert response.content == b""
    assert (await client.get(f"/case-durations/{definition['id']}")).status_code == 404
    assert await durations_of(client, case["id"]) == []


async def test_delete_of_an_unknown_definition_is_404(
    client: httpx.AsyncClient,
) -> None:
    unknown = uuid.uuid4()

    response = await client.delete(f"/case-durations/{unknown}")

    assert response.status_code == 404
    assert response.json() == {"detail": f"Duration definition {unknown} not found"}


async def test_create_measures_every_existing_case(client: httpx.AsyncClient) -> None:
    open_case = await create_case(client)
    closed_case = await create_case(client)
    await set_status(client, closed_case["id"], "closed")

    definition = await define(client)

    still_open = await duration_for(client, open_case["id"], definition["id"])
    closed = await duration_for(client, closed_case["id"], definition["id"])
    assert still_open["started_at"] is not None
    assert still_open["ended_at"] is None
    assert closed["ended_at"] is not None
    assert closed["duration"] is not None


async def test_changing_an_anchor_measures_every_case_again(
    client: httpx.AsyncClient,
) -> None:
    case = await create_case(client)
    await set_status(client, case["id"], "in_progress")
    definition = await define(client)
    before = await duration_for(client, case["id"], definition["id"])

    response = await client.patch(
        f"/case-durations/{definition['id']}",
        json={
            "end_anchor": {
                "event_type": "status_changed",
                "filters": {"new_values": ["in_progress"]},
            }
        },
    )

    assert response.status_code == 200
    after = await duration_for(client, case["id"], definition["id"])
    assert before["ended_at"] is None
    assert after["id"] == before["id"]
    assert after["ended_at"] is not None


async def test_definitions_of_a_workspace_measure_only_its_cases(
    app: FastAPI, admin: Principal
) -> None:
    other = await create_workspace(app, unique_name("Other"), owner_id=admin.user_id)
    response = await admin.client.post(f"/workspaces/{other}/cases", json=case_body())
    foreign_case = response.json()

    await define(admin.client)

    listed = await admin.client.get(
        f"/workspaces/{other}/cases/{foreign_case['id']}/durations"
    )
    assert listed.json() == []


async def test_unauthenticated_calls_are_401(anonymous: httpx.AsyncClient) -> None:
    some_id = uuid.uuid4()
    calls = [
        anonymous.get("/case-durations"),
        anonymous.post("/case-durations", json=definition_body()),
        anonymous.get(f"/case-durations/{some_id}"),
        anonymous.patch(f"/case-durations/{some_id}", json={"name": "x"}),
        anonymous.delete(f"/case-durations/{some_id}"),
    ]

    for call in calls:
        response = await call
        assert response.status_code == 401
        assert response.json() == {"detail": "Unauthorized"}
