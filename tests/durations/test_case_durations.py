"""Durations on a case: measured from its timeline, read, and set by hand."""

import uuid
from datetime import datetime, timedelta
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from pydantic import TypeAdapter

from tests.durations.helpers import (
    CASE_CREATED,
    CLOSED,
    create_case,
    define,
    definition_body,
    duration_for,
    durations_of,
    events_oldest_first,
    set_status,
    unique_name,
)
from tests.factories import Principal, case_body, create_workspace

NULLS = {
    "start_event_id": None,
    "end_event_id": None,
    "started_at": None,
    "ended_at": None,
    "duration": None,
}


def instant(value: str) -> datetime:
    """A timestamp of a response as a datetime."""
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


def elapsed_of(value: str) -> timedelta:
    """An ISO 8601 duration of a response as a timedelta."""
    return TypeAdapter(timedelta).validate_python(value)


async def attach_tag(client: httpx.AsyncClient, case_id: str, ref: str) -> None:
    """Attach a tag by ref, which must succeed."""
    response = await client.post(f"/cases/{case_id}/tags", json={"tag_id": ref})
    assert response.status_code == 201, response.text


async def create_tag(client: httpx.AsyncClient, label: str) -> Any:
    """Define a tag that must be created; return its body."""
    response = await client.post("/case-tags", json={"name": unique_name(label)})
    assert response.status_code == 201, response.text
    return response.json()


async def test_time_to_close_runs_from_creation_to_closing(
    client: httpx.AsyncClient,
) -> None:
    definition = await define(client)
    case = await create_case(client)

    await set_status(client, case["id"], "closed")

    durations = await durations_of(client, case["id"])
    created, closed = await events_oldest_first(client, case["id"])
    assert (created["type"], closed["type"]) == ("case_created", "case_closed")
    assert len(durations) == 1
    duration = durations[0]
    assert set(duration) == {"id", "case_id", "definition_id", *NULLS}
    assert duration["case_id"] == case["id"]
    assert duration["definition_id"] == definition["id"]
    assert duration["start_event_id"] == created["id"]
    assert duration["end_event_id"] == closed["id"]
    assert instant(duration["started_at"]) == instant(created["created_at"])
    assert instant(duration["ended_at"]) == instant(closed["created_at"])
    elapsed = instant(closed["created_at"]) - instant(created["created_at"])
    assert duration["duration"].startswith("PT")
    assert elapsed_of(duration["duration"]) == elapsed


async def test_a_case_not_yet_closed_has_a_start_and_no_end(
    client: httpx.AsyncClient,
) -> None:
    definition = await define(client)
    case = await create_case(client)

    duration = await duration_for(client, case["id"], definition["id"])

    (created,) = await events_oldest_first(client, case["id"])
    assert duration["start_event_id"] == created["id"]
    assert duration["end_event_id"] is None
    assert duration["ended_at"] is None
    assert duration["duration"] is None


async def test_a_definition_without_a_start_event_has_a_row_of_nulls(
    client: httpx.AsyncClient,
) -> None:
    definition = await define(client, start_anchor=CLOSED, end_anchor=CASE_CREATED)
    case = await create_case(client)

    duration = await duration_for(client, case["id"], definition["id"])

    assert {key: duration[key] for key in NULLS} == NULLS


async def test_an_end_that_precedes_the_start_leaves_end_and_duration_null(
    client: httpx.AsyncClient,
) -> None:
    definition = await define(client, start_anchor=CLOSED, end_anchor=CASE_CREATED)
    case = await create_case(client)

    await set_status(client, case["id"], "closed")

    duration = await duration_for(client, case["id"], definition["id"])
    created, closed = await events_oldest_first(client, case["id"])
    assert duration["start_event_id"] == closed["id"]
    assert instant(duration["started_at"]) == instant(closed["created_at"])
    assert duration["end_event_id"] is None
    assert duration["ended_at"] is None
    assert duration["duration"] is None


@pytest.mark.parametrize(("selection", "index"), [("first", 1), ("last", 3)])
async def test_selection_picks_the_first_or_last_matching_event(
    client: httpx.AsyncClient, selection: str, index: int
) -> None:
    definition = await define(
        client,
        end_anchor={
            "event_type": "status_changed",
            "filters": {"new_values": ["in_progress"]},
            "selection": selection,
        },
    )
    case = await create_case(client)

    for status in ("in_progress", "on_hold", "in_progress"):
        await set_status(client, case["id"], status)

    events = await events_oldest_first(client, case["id"])
    duration = await duration_for(client, case["id"], definition["id"])
    assert duration["end_event_id"] == events[index]["id"]
    assert instant(duration["ended_at"]) == instant(events[index]["created_at"])


async def test_a_last_start_moves_with_each_new_match(
    client: httpx.AsyncClient,
) -> None:
    definition = await define(
        client,
        start_anchor={**CLOSED, "selection": "last"},
        end_anchor={"event_type": "status_changed", "filters": {"new_values": ["new"]}},
    )
    case = await create_case(client)

    await set_status(client, case["id"], "closed")
    await set_status(client, case["id"], "new")
    await set_status(client, case["id"], "closed")

    events = await events_oldest_first(client, case["id"])
    assert [event["type"] for event in events] == [
        "case_created",
        "case_closed",
        "case_reopened",
        "case_closed",
    ]
    duration = await duration_for(client, case["id"], definition["id"])
    assert duration["start_event_id"] == events[3]["id"]
    assert duration["end_event_id"] is None


async def test_status_changed_anchors_match_reopening(
    client: httpx.AsyncClient,
) -> None:
    definition = await define(
        client,
        start_anchor=CLOSED,
        end_anchor={
            "event_type": "status_changed",
            "filters": {"new_values": ["in_progress"]},
        },
    )
    case = await create_case(client)

    await set_status(client, case["id"], "closed")
    await set_status(client, case["id"], "in_progress")

    _, closed, reopened = await events_oldest_first(client, case["id"])
    assert reopened["type"] == "case_reopened"
    duration = await duration_for(client, case["id"], definition["id"])
    assert duration["start_event_id"] == closed["id"]
    assert duration["end_event_id"] == reopened["id"]


async def test_tag_filters_match_the_tag_added(client: httpx.AsyncClient) -> None:
    wanted = await create_tag(client, "Escalated")
    other = await create_tag(client, "Noise")
    definition = await define(
        client,
        end_anchor={
            "event_type": "tag_added",
            "filters": {"tag_refs": [wanted["ref"]]},
        },
    )
    case = await create_case(client)

    await attach_tag(client, case["id"], other["ref"])
    before = await duration_for(client, case["id"], definition["id"])
    await attach_tag(client, case["id"], wanted["ref"])

    events = await events_oldest_first(client, case["id"])
    after = await duration_for(client, case["id"], definition["id"])
    assert before["end_event_id"] is None
    assert events[2]["tag_ref"] == wanted["ref"]
    assert after["end_event_id"] == events[2]["id"]


async def test_priority_filters_match_the_new_value(client: httpx.AsyncClient) -> None:
    definition = await define(
        client,
        end_anchor={
            "event_type": "priority_changed",
            "filters": {"new_values": ["critical"]},
        },
    )
    case = await create_case(client, priority="low")

    for priority in ("high", "critical"):
        response = await client.patch(
            f"/cases/{case['id']}", json={"priority": priority}
        )
        assert response.status_code == 204

    events = await events_oldest_first(client, case["id"])
    duration = await duration_for(client, case["id"], definition["id"])
    assert duration["end_event_id"] == events[2]["id"]


async def test_an_unrelated_event_keeps_the_measurement(
    client: httpx.AsyncClient,
) -> None:
    definition = await define(client)
    case = await create_case(client)
    await set_status(client, case["id"], "closed")
    before = await duration_for(client, case["id"], definition["id"])

    response = await client.patch(f"/cases/{case['id']}", json={"summary": "Renamed"})

    assert response.status_code == 204
    assert await duration_for(client, case["id"], definition["id"]) == before


async def test_list_gives_one_row_per_definition_oldest_first(
    client: httpx.AsyncClient,
) -> None:
    first = await define(client)
    second = await define(client)
    case = await create_case(client)

    durations = await durations_of(client, case["id"])

    assert [item["definition_id"] for item in durations] == [
        first["id"],
        second["id"],
    ]


async def test_a_case_without_definitions_lists_none(
    client: httpx.AsyncClient,
) -> None:
    case = await create_case(client)

    assert await durations_of(client, case["id"]) == []


async def test_get_answers_one_duration(client: httpx.AsyncClient) -> None:
    definition = await define(client)
    case = await create_case(client)
    listed = await duration_for(client, case["id"], definition["id"])

    response = await client.get(f"/cases/{case['id']}/durations/{listed['id']}")

    assert response.status_code == 200
    assert response.json() == listed


async def test_an_unknown_case_is_404(client: httpx.AsyncClient) -> None:
    unknown = uuid.uuid4()
    expected = {"detail": f"Case with ID {unknown} not found"}
    definition = await define(client)

    listed = await client.get(f"/cases/{unknown}/durations")
    created = await client.post(
        f"/cases/{unknown}/durations", json={"definition_id": definition["id"]}
    )

    assert (listed.status_code, listed.json()) == (404, expected)
    assert (created.status_code, created.json()) == (404, expected)


async def test_an_unknown_duration_is_404(client: httpx.AsyncClient) -> None:
    case = await create_case(client)
    unknown = uuid.uuid4()
    expected = {"detail": f"Case duration {unknown} not found"}
    path = f"/cases/{case['id']}/durations/{unknown}"

    read = await client.get(path)
    patched = await client.patch(path, json={"duration": "PT1H"})
    deleted = await client.delete(path)

    assert (read.status_code, read.json()) == (404, expected)
    assert (patched.status_code, patched.json()) == (404, expected)
    assert (deleted.status_code, deleted.json()) == (404, expected)


async def test_a_duration_of_another_case_is_404(client: httpx.AsyncClient) -> None:
    definition = await define(client)
    case = await create_case(client)
    other = await create_case(client)
    duration = await duration_for(client, other["id"], definition["id"])

    response = await client.get(f"/cases/{case['id']}/durations/{duration['id']}")

    assert response.status_code == 404
    assert response.json() == {"detail": f"Case duration {duration['id']} not found"}


async def test_a_case_of_another_workspace_is_404(
    app: FastAPI, admin: Principal
) -> None:
    other = await create_workspace(app, unique_name("Other"), owner_id=admin.user_id)
    prefix = f"/workspaces/{other}"
    response = await admin.client.post(
        f"{prefix}/case-durations", json=definition_body()
    )
    foreign_definition = response.json()
    response = await admin.client.post(f"{prefix}/cases", json=case_body())
    foreign_case = response.json()
    listed = await admin.client.get(f"{prefix}/cases/{foreign_case['id']}/durations")
    (foreign,) = listed.json()
    expected = {"detail": f"Case with ID {foreign_case['id']} not found"}
    path = f"/cases/{foreign_case['id']}/durations"

    answers = [
        await admin.client.get(path),
        await admin.client.get(f"{path}/{foreign['id']}"),
        await admin.client.post(path, json={"definition_id": foreign_definition["id"]}),
        await admin.client.patch(f"{path}/{foreign['id']}", json={"duration": "PT1S"}),
        await admin.client.delete(f"{path}/{foreign['id']}"),
    ]

    assert [(answer.status_code, answer.json()) for answer in answers] == [
        (404, expected)
    ] * 5
    kept = await admin.client.get(f"{prefix}/cases/{foreign_case['id']}/durations")
    assert kept.json() == [foreign]


async def test_create_by_hand_answers_201_with_the_duration(
    client: httpx.AsyncClient,
) -> None:
    definition = await define(client)
    case = await create_case(client)
    listed = await duration_for(client, case["id"], definition["id"])
    assert (
        await client.delete(f"/cases/{case['id']}/durations/{listed['id']}")
    ).status_code == 204
    (created_event,) = await events_oldest_first(client, case["id"])

    response = await client.post(
        f"/cases/{case['id']}/durations",
        json={
            "definition_id": definition["id"],
            "start_event_id": created_event["id"],
            "started_at": "2024-01-01T12:00:00+02:00",
            "ended_at": "2024-01-01T11:30:00Z",
            "duration": "PT1H30M",
        },
    )

    assert response.status_code == 201
    body = response.json()
    assert body == {
        "id": body["id"],
        "case_id": case["id"],
        "definition_id": definition["id"],
        "start_event_id": created_event["id"],
        "end_event_id": None,
        "started_at": "2024-01-01T10:00:00Z",
        "ended_at": "2024-01-01T11:30:00Z",
        "duration": "PT1H30M",
    }
    assert response.headers["Location"].endswith(
        f"/cases/{case['id']}/durations/{body['id']}"
    )
    assert await durations_of(client, case["id"]) == [body]


async def test_a_second_duration_for_a_definition_is_400(
    client: httpx.AsyncClient,
) -> None:
    definition = await define(client)
    case = await create_case(client)
    before = await durations_of(client, case["id"])

    response = await client.post(
        f"/cases/{case['id']}/durations",
        json={"definition_id": definition["id"], "duration": "PT5M"},
    )

    assert response.status_code == 400
    assert response.json() == {
        "detail": "A duration for this definition already exists on the case"
    }
    assert await durations_of(client, case["id"]) == before


async def test_create_with_an_unknown_definition_is_404(
    client: httpx.AsyncClient,
) -> None:
    case = await create_case(client)
    unknown = uuid.uuid4()

    response = await client.post(
        f"/cases/{case['id']}/durations", json={"definition_id": str(unknown)}
    )

    assert response.status_code == 404
    assert response.json() == {"detail": f"Duration definition {unknown} not found"}


async def test_create_naming_an_event_of_another_case_is_422(
    client: httpx.AsyncClient,
) -> None:
    definition = await define(client, start_anchor=CLOSED)
    case = await create_case(client)
    other = await create_case(client)
    (foreign_event,) = await events_oldest_first(client, other["id"])
    (row,) = await durations_of(client, case["id"])
    await client.delete(f"/cases/{case['id']}/durations/{row['id']}")

    response = await client.post(
        f"/cases/{case['id']}/durations",
        json={
            "definition_id": definition["id"],
            "end_event_id": foreign_event["id"],
        },
    )

    assert response.status_code == 422
    assert response.json() == {
        "detail": f"Event {foreign_event['id']} is not an event of this case"
    }
    assert await durations_of(client, case["id"]) == []


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"definition_id": "not-a-uuid"},
        {"definition_id": str(uuid.uuid4()), "extra": 1},
        {"definition_id": str(uuid.uuid4()), "started_at": "2024-01-01T10:00:00"},
        {"definition_id": str(uuid.uuid4()), "started_at": "0001-01-01T00:00:00+01:00"},
        {"definition_id": str(uuid.uuid4()), "duration": "-PT5S"},
        {"definition_id": str(uuid.uuid4()), "duration": "P36501D"},
        {"definition_id": str(uuid.uuid4()), "duration": "soon"},
    ],
)
async def test_create_with_a_bad_body_is_422(
    client: httpx.AsyncClient, body: dict[str, Any]
) -> None:
    case = await create_case(client)

    response = await client.post(f"/cases/{case['id']}/durations", json=body)

    assert response.status_code == 422
    assert await durations_of(client, case["id"]) == []


async def test_patch_answers_200_and_a_null_clears(client: httpx.AsyncClient) -> None:
    definition = await define(client)
    case = await create_case(client)
    before = await duration_for(client, case["id"], definition["id"])

    response = await client.patch(
        f"/cases/{case['id']}/durations/{before['id']}",
        json={"start_event_id": None, "duration": 5400},
    )

    assert response.status_code == 200
    assert response.json() == {**before, "start_event_id": None, "duration": "PT1H30M"}
    read = await client.get(f"/cases/{case['id']}/durations/{before['id']}")
    assert read.json() == response.json()


async def test_patch_to_a_definition_measured_already_is_400(
    client: httpx.AsyncClient,
) -> None:
    first = await define(client)
    second = await define(client)
    case = await create_case(client)
    row = await duration_for(client, case["id"], first["id"])

    response = await client.patch(
        f"/cases/{case['id']}/durations/{row['id']}",
        json={"definition_id": second["id"]},
    )

    assert response.status_code == 400
    assert response.json() == {
        "detail": "A duration for this definition already exists on the case"
    }
    assert await duration_for(client, case["id"], first["id"]) == row


async def test_patch_with_unknown_keys_is_422(client: httpx.AsyncClient) -> None:
    definition = await define(client)
    case = await create_case(client)
    row = await duration_for(client, case["id"], definition["id"])

    response = await client.patch(
        f"/cases/{case['id']}/durations/{row['id']}",
        json={"case_id": str(uuid.uuid4())},
    )

    assert response.status_code == 422
    assert await duration_for(client, case["id"], definition["id"]) == row


async def test_the_next_event_measures_a_hand_set_value_again(
    client: httpx.AsyncClient,
) -> None:
    definition = await define(client)
    case = await create_case(client)
    measured = await duration_for(client, case["id"], definition["id"])
    await client.patch(
        f"/cases/{case['id']}/durations/{measured['id']}", json={"duration": "PT9H"}
    )

    await set_status(client, case["id"], "in_progress")

    assert await duration_for(client, case["id"], definition["id"]) == measured


async def test_delete_answers_204_and_the_next_event_measures_again(
    client: httpx.AsyncClient,
) -> None:
    definition = await define(client)
    case = await create_case(client)
    row = await duration_for(client, case["id"], definition["id"])

    response = await client.delete(f"/cases/{case['id']}/durations/{row['id']}")

    assert response.status_code == 204
    assert response.content == b""
    assert await durations_of(client, case["id"]) == []
    await set_status(client, case["id"], "closed")
    again = await duration_for(client, case["id"], definition["id"])
    assert again["id"] != row["id"]
    assert again["ended_at"] is not None


async def test_deleting_the_case_deletes_its_durations(
    client: httpx.AsyncClient,
) -> None:
    definition = await define(client)
    case = await create_case(client)
    await duration_for(client, case["id"], definition["id"])

    response = await client.delete(f"/cases/{case['id']}")

    assert response.status_code == 204
    listed = await client.get(f"/cases/{case['id']}/durations")
    assert listed.status_code == 404


async def test_case_lists_include_durations_on_request(
    client: httpx.AsyncClient,
) -> None:
    definition = await define(client)
    case = await create_case(client)
    row = await duration_for(client, case["id"], definition["id"])

    plain = await client.get("/cases")
    included = await client.get("/cases", params={"include_durations": "true"})

    assert plain.json()["items"][0]["durations"] is None
    assert included.json()["items"][0]["durations"] == [row]


async def test_unauthenticated_calls_are_401(anonymous: httpx.AsyncClient) -> None:
    case_id, duration_id = uuid.uuid4(), uuid.uuid4()
    path = f"/cases/{case_id}/durations"
    calls = [
        anonymous.get(path),
        anonymous.post(path, json={"definition_id": str(uuid.uuid4())}),
        anonymous.get(f"{path}/{duration_id}"),
        anonymous.patch(f"{path}/{duration_id}", json={"duration": "PT1S"}),
        anonymous.delete(f"{path}/{duration_id}"),
    ]

    for call in calls:
        response = await call
        assert response.status_code == 401
        assert response.json() == {"detail": "Unauthorized"}
