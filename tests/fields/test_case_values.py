"""Custom field values on cases: written by POST/PATCH /cases, read back by GET."""

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import event

from tests.factories import Principal, case_body, create_workspace
from tests.fields.support import (
    create_case,
    create_field,
    events_of,
    field_value,
    unique_name,
)


async def case_count(client: httpx.AsyncClient) -> int:
    """How many cases the workspace has."""
    response = await client.get("/cases", params={"limit": 1})
    assert response.status_code == 200, response.text
    return int(response.json()["total_estimate"])


async def refused_create(client: httpx.AsyncClient, fields: dict[str, Any]) -> Any:
    """Send a create with these fields; assert it left no case; its response."""
    before = await case_count(client)
    response = await client.post("/cases", json=case_body(fields=fields))
    assert await case_count(client) == before
    return response


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


# Unknown, reserved and internal names (facts 8, 10; quirk 12).


async def test_an_unknown_field_is_400_and_leaves_no_case(
    client: httpx.AsyncClient,
) -> None:
    response = await refused_create(client, {"no_such_field": 1})

    assert response.status_code == 400
    assert response.json() == {
        "detail": "Column 'no_such_field' does not exist in table case_fields"
    }


async def test_a_field_of_another_workspace_is_unknown(
    app: FastAPI, admin: Principal
) -> None:
    other = await create_workspace(app, unique_name("Other"), owner_id=admin.user_id)
    name = unique_name()
    created = await admin.client.post(
        f"/workspaces/{other}/case-fields", json={"name": name, "type": "TEXT"}
    )
    assert created.status_code == 201

    response = await refused_create(admin.client, {name: "x"})

    assert response.status_code == 400
    assert response.json() == {
        "detail": f"Column '{name}' does not exist in table case_fields"
    }


@pytest.mark.parametrize("name", ["id", "case_id", "Created_At", "updated_at"])
async def test_a_reserved_field_is_400(client: httpx.AsyncClient, name: str) -> None:
    response = await refused_create(client, {name: "2024-01-01T00:00:00Z"})

    assert response.status_code == 400
    assert response.json() == {"detail": f"Field {name} is a reserved field"}


async def test_an_internal_field_is_400(client: httpx.AsyncClient) -> None:
    response = await refused_create(client, {"__TC_hidden": 1})

    assert response.status_code == 400
    assert response.json() == {
        "detail": "Field __TC_hidden is reserved for internal use"
    }


async def test_a_case_lists_reserved_fields_then_every_custom_field(
    client: httpx.AsyncClient,
) -> None:
    text = await create_field(client, "TEXT")
    number = await create_field(client, "INTEGER")

    case = await create_case(client, **{text: "set"})
    read = (await client.get(f"/cases/{case['id']}")).json()

    fields = read["fields"]
    assert [item["id"] for item in fields] == [
        "id",
        "case_id",
        "created_at",
        "updated_at",
        text,
        number,
    ]
    assert all(item["reserved"] for item in fields[:4])
    assert not any(item["reserved"] for item in fields[4:])
    values = {item["id"]: item["value"] for item in fields}
    assert values["id"] == case["id"]
    assert values["case_id"] == case["id"]
    assert values["created_at"] == read["created_at"]
    assert values["updated_at"] >= read["created_at"]
    assert (values[text], values[number]) == ("set", None)
    assert fields[4]["type"] == "TEXT"
    assert case["fields"] == fields


async def test_without_values_updated_at_is_the_creation_time(
    client: httpx.AsyncClient,
) -> None:
    case = await create_case(client)

    values = {item["id"]: item["value"] for item in case["fields"]}

    assert values["updated_at"] == values["created_at"] == case["created_at"]


async def test_field_names_are_matched_in_any_case(client: httpx.AsyncClient) -> None:
    name = await create_field(client, "TEXT", name=unique_name("Mixed_Case"))

    case = await create_case(client, **{name.upper(): "upper"})

    assert await field_value(client, case["id"], name) == "upper"


# Each type through the API (facts 29-33).


async def test_integer_from_text_is_stored_as_a_number(
    client: httpx.AsyncClient,
) -> None:
    name = await create_field(client, "INTEGER")

    case = await create_case(client, **{name: "5"})

    assert await field_value(client, case["id"], name) == 5


async def test_an_integer_beyond_doubles_round_trips_exactly(
    client: httpx.AsyncClient,
) -> None:
    name = await create_field(client, "INTEGER")

    case = await create_case(client, **{name: 9007199254740993})
    read = await client.get(f"/cases/{case['id']}")

    assert '"value":9007199254740993' in read.text.replace(" ", "")
    assert await field_value(client, case["id"], name) == 9007199254740993


@pytest.mark.parametrize(
    ("raw", "detail"),
    [
        ("1.5", "Invalid integer value: '1.5'"),
        (2.5, "Invalid integer value: '2.5'"),
        ("abc", "Invalid integer value: 'abc'"),
        (True, "Invalid integer value: 'true'"),
        (2**63, "Invalid integer value: '9223372036854775808'"),
    ],
)
async def test_a_wrong_integer_is_400(
    client: httpx.AsyncClient, raw: Any, detail: str
) -> None:
    name = await create_field(client, "INTEGER")

    response = await refused_create(client, {name: raw})

    assert response.status_code == 400
    assert response.json() == {"detail": detail}


@pytest.mark.parametrize(
    ("raw", "expected"), [("1.30", "1.30"), (0.1, "0.1"), (1e-7, "0.0000001")]
)
async def test_numeric_is_returned_as_its_exact_decimal_text(
    client: httpx.AsyncClient, raw: Any, expected: str
) -> None:
    name = await create_field(client, "NUMERIC")

    case = await create_case(client, **{name: raw})

    assert await field_value(client, case["id"], name) == expected


async def test_a_wrong_numeric_is_400(client: httpx.AsyncClient) -> None:
    name = await create_field(client, "NUMERIC")

    response = await refused_create(client, {name: "abc"})

    assert response.status_code == 400
    assert response.json() == {"detail": "Invalid numeric value: 'abc'"}


async def test_text_takes_scalars_and_refuses_arrays(client: httpx.AsyncClient) -> None:
    name = await create_field(client, "TEXT")

    case = await create_case(client, **{name: 42})
    refused = await refused_create(client, {name: ["a", "b"]})

    assert await field_value(client, case["id"], name) == "42"
    assert refused.status_code == 400
    assert refused.json() == {
        "detail": f"Custom field '{name}' expects TEXT but received list."
    }


async def test_text_over_its_limit_or_with_nul_is_422(
    client: httpx.AsyncClient,
) -> None:
    name = await create_field(client, "TEXT")

    long = await refused_create(client, {name: "x" * 65_536})
    nul = await refused_create(client, {name: "a\u0000b"})

    assert long.status_code == 422
    assert long.json() == {
        "detail": f"Custom field '{name}' is longer than 65535 characters"
    }
    assert nul.status_code == 422
    assert nul.json() == {
        "detail": f"Custom field '{name}' must not contain NUL characters"
    }


async def test_jsonb_keeps_any_json_but_refuses_nul(client: httpx.AsyncClient) -> None:
    name = await create_field(client, "JSONB")
    document = {"hosts": ["ws-1", "ws-2"], "score": 9.5, "seen": True, "n": None}

    case = await create_case(client, **{name: document})
    refused = await refused_create(client, {name: {"key": "a\u0000b"}})

    assert await field_value(client, case["id"], name) == document
    assert refused.status_code == 422
    assert refused.json() == {
        "detail": f"Custom field '{name}' must not contain NUL characters"
    }


async def test_select_takes_only_its_options(client: httpx.AsyncClient) -> None:
    name = await create_field(client, "SELECT", options=["low", "high"])

    case = await create_case(client, **{name: "high"})
    refused = await refused_create(client, {name: "medium"})

    assert await field_value(client, case["id"], name) == "high"
    assert refused.status_code == 400
    assert refused.json() == {
        "detail": "Value 'medium' is not in the available options"
    }


async def test_multi_select_takes_a_list_of_its_options(
    client: httpx.AsyncClient,
) -> None:
    name = await create_field(client, "MULTI_SELECT", options=["a", "b", "c"])

    case = await create_case(client, **{name: ["c", "a"]})
    plain = await refused_create(client, {name: "a"})
    unknown = await refused_create(client, {name: ["a", "x", "y"]})

    assert await field_value(client, case["id"], name) == ["c", "a"]
    assert plain.status_code == 400
    assert plain.json() == {
        "detail": "MULTI_SELECT values must be provided as a list of strings"
    }
    assert unknown.status_code == 400
    assert unknown.json() == {
        "detail": "Value(s) x, y are not in the available options"
    }


@pytest.mark.parametrize(
    ("field_type", "raw", "expected"),
    [
        ("DATE", "2024-02-29", "2024-02-29"),
        ("DATE", "2024-02-29T22:00:00Z", "2024-02-29"),
        ("DATE", 1_700_000_000, "2023-11-14"),
        ("TIMESTAMPTZ", "2024-01-01T12:00:00Z", "2024-01-01T12:00:00Z"),
        ("TIMESTAMPTZ", "2024-01-01T12:00:00", "2024-01-01T12:00:00Z"),
        ("TIMESTAMPTZ", "2024-01-01T12:00:00.25-03:00", "2024-01-01T15:00:00.250000Z"),
        ("TIMESTAMPTZ", 1_700_000_000, "2023-11-14T22:13:20Z"),
        ("BOOLEAN", True, True),
        ("BOOLEAN", False, False),
    ],
)
async def test_dates_timestamps_and_booleans_are_normalized(
    client: httpx.AsyncClient, field_type: str, raw: Any, expected: Any
) -> None:
    name = await create_field(client, field_type)

    case = await create_case(client, **{name: raw})

    assert await field_value(client, case["id"], name) == expected


@pytest.mark.parametrize(
    ("field_type", "raw", "detail"),
    [
        ("DATE", "", "Invalid date value: ''"),
        ("DATE", "2024-02-30", "Invalid date value: '2024-02-30'"),
        ("TIMESTAMPTZ", "noon", "Invalid timestamp value: 'noon'"),
        ("BOOLEAN", "yes", "Invalid boolean value: 'yes'"),
        ("BOOLEAN", 1, "Invalid boolean value: '1'"),
    ],
)
async def test_wrong_dates_timestamps_and_booleans_are_400(
    client: httpx.AsyncClient, field_type: str, raw: Any, detail: str
) -> None:
    name = await create_field(client, field_type)

    response = await refused_create(client, {name: raw})

    assert response.status_code == 400
    assert response.json() == {"detail": detail}


# Defaults and clearing.


async def test_a_new_case_gets_the_defaults_of_fields_it_does_not_give(
    client: httpx.AsyncClient,
) -> None:
    number = await create_field(client, "INTEGER", default=5)
    flag = await create_field(client, "BOOLEAN", default=False)
    given = await create_field(client, "TEXT", default="default text")
    cleared = await create_field(client, "NUMERIC", default="1.30")

    case = await create_case(client, **{given: "mine", cleared: None})

    values = {item["id"]: item["value"] for item in case["fields"]}
    assert values[number] == 5
    assert values[flag] is False
    assert values[given] == "mine"
    assert values[cleared] is None
    assert [item["type"] for item in await events_of_all(client, case["id"])] == [
        "case_created"
    ]


async def events_of_all(client: httpx.AsyncClient, case_id: str) -> list[Any]:
    """Every event of the case but views, newest first."""
    response = await client.get(f"/cases/{case_id}/events")
    return [item for item in response.json()["events"] if item["type"] != "case_viewed"]


async def test_an_existing_case_does_not_get_a_later_default(
    client: httpx.AsyncClient,
) -> None:
    case = await create_case(client)
    name = await create_field(client, "INTEGER", default=5)

    assert await field_value(client, case["id"], name) is None


async def test_null_clears_a_value(client: httpx.AsyncClient) -> None:
    name = await create_field(client, "TEXT")
    case = await create_case(client, **{name: "set"})

    response = await client.patch(f"/cases/{case['id']}", json={"fields": {name: None}})

    assert response.status_code == 204
    assert await field_value(client, case["id"], name) is None
    [changed] = await events_of(client, case["id"], "fields_changed")
    assert changed["changes"] == [{"field": name, "old": "set", "new": None}]


# Events of changes (facts 21, 22).


async def test_one_patch_records_one_event_listing_only_changed_fields(
    client: httpx.AsyncClient,
) -> None:
    same = await create_field(client, "TEXT")
    changed = await create_field(client, "INTEGER")
    added = await create_field(client, "BOOLEAN")
    case = await create_case(client, **{same: "kept", changed: 1})

    response = await client.patch(
        f"/cases/{case['id']}",
        json={"fields": {same: "kept", changed: "2", added: True}},
    )

    assert response.status_code == 204
    [event_] = await events_of(client, case["id"], "fields_changed")
    assert event_["changes"] == [
        {"field": changed, "old": 1, "new": 2},
        {"field": added, "old": None, "new": True},
    ]


@pytest.mark.parametrize("again", ["1.30", "1.3", 1.3, "1.300"])
async def test_an_equal_numeric_records_no_event(
    client: httpx.AsyncClient, again: Any
) -> None:
    name = await create_field(client, "NUMERIC")
    case = await create_case(client, **{name: "1.30"})

    response = await client.patch(
        f"/cases/{case['id']}", json={"fields": {name: again}}
    )

    assert response.status_code == 204
    assert await events_of(client, case["id"], "fields_changed") == []
    assert await field_value(client, case["id"], name) == "1.30"


async def test_identical_values_of_every_type_record_no_event(
    client: httpx.AsyncClient,
) -> None:
    values = {
        await create_field(client, "TEXT"): "t",
        await create_field(client, "INTEGER"): 3,
        await create_field(client, "DATE"): "2024-01-01",
        await create_field(client, "TIMESTAMPTZ"): "2024-01-01T00:00:00Z",
        await create_field(client, "BOOLEAN"): False,
        await create_field(client, "JSONB"): {"a": [1, True]},
        await create_field(client, "MULTI_SELECT", options=["x", "y"]): ["y", "x"],
    }
    case = await create_case(client, **values)

    response = await client.patch(f"/cases/{case['id']}", json={"fields": values})

    assert response.status_code == 204
    assert await events_of(client, case["id"], "fields_changed") == []


async def test_jsonb_one_and_true_are_different_values(
    client: httpx.AsyncClient,
) -> None:
    name = await create_field(client, "JSONB")
    case = await create_case(client, **{name: 1})

    await client.patch(f"/cases/{case['id']}", json={"fields": {name: True}})

    assert await field_value(client, case["id"], name) is True
    [changed] = await events_of(client, case["id"], "fields_changed")
    assert changed["changes"] == [{"field": name, "old": 1, "new": True}]


async def test_a_refused_field_changes_nothing(client: httpx.AsyncClient) -> None:
    good = await create_field(client, "TEXT")
    bad = await create_field(client, "INTEGER")
    case = await create_case(client, **{good: "before"})

    response = await client.patch(
        f"/cases/{case['id']}",
        json={"summary": "Changed summary", "fields": {good: "after", bad: "x"}},
    )

    assert response.status_code == 400
    assert response.json() == {"detail": "Invalid integer value: 'x'"}
    read = (await client.get(f"/cases/{case['id']}")).json()
    assert read["summary"] == case["summary"]
    assert await field_value(client, case["id"], good) == "before"
    assert await events_of(client, case["id"], "fields_changed") == []


# Values in lists (`field_ids`).


async def test_field_values_hold_the_requested_set_values(
    client: httpx.AsyncClient,
) -> None:
    score = await create_field(client, "NUMERIC")
    note = await create_field(client, "TEXT")
    other = await create_field(client, "TEXT")
    filled = await create_case(client, **{score: "1.30", note: "n", other: "o"})
    empty = await create_case(client)

    response = await client.get(
        "/cases", params={"field_ids": [score.upper(), note, "no_such_field"]}
    )

    assert response.status_code == 200
    values = {item["id"]: item["field_values"] for item in response.json()["items"]}
    assert values[filled["id"]] == {score: "1.30", note: "n"}
    assert values[empty["id"]] == {}


async def test_field_values_are_null_unless_requested(
    client: httpx.AsyncClient,
) -> None:
    name = await create_field(client, "TEXT")
    await create_case(client, **{name: "x"})

    items = (await client.get("/cases")).json()["items"]

    assert [item["field_values"] for item in items] == [None]


@pytest.mark.parametrize(
    ("field_id", "detail"),
    [
        ("case_id", "Field case_id is a reserved field"),
        ("__tc_x", "Field __tc_x is reserved for internal use"),
        ("1x", "Identifier must start with a letter or underscore"),
    ],
)
async def test_a_reserved_or_malformed_field_id_is_400_even_without_cases(
    client: httpx.AsyncClient, field_id: str, detail: str
) -> None:
    response = await client.get("/cases", params={"field_ids": field_id})

    assert response.status_code == 400
    assert response.json() == {"detail": detail}


async def test_field_values_take_one_query_for_the_page(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    name = await create_field(client, "TEXT")
    for index in range(3):
        await create_case(client, **{name: f"v{index}"})

    with counted_queries(app) as one_case:
        await client.get("/cases", params={"limit": 1, "field_ids": name})
    with counted_queries(app) as three_cases:
        response = await client.get("/cases", params={"limit": 3, "field_ids": name})

    assert len(three_cases) == len(one_case)
    assert sorted(item["field_values"][name] for item in response.json()["items"]) == [
        "v0",
        "v1",
        "v2",
    ]
    assert sum("case_field_value" in statement for statement in three_cases) == 1


async def test_validating_a_write_takes_one_query_for_the_definitions(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    names = [await create_field(client, "TEXT") for _ in range(3)]
    case = await create_case(client)

    with counted_queries(app) as statements:
        response = await client.patch(
            f"/cases/{case['id']}", json={"fields": dict.fromkeys(names, "x")}
        )

    assert response.status_code == 204
    definition_reads = [
        statement
        for statement in statements
        if "FROM case_field " in statement or "FROM case_field\n" in statement
    ]
    assert len(definition_reads) == 1
