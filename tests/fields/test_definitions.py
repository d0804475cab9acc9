"""Custom field definitions: listing, creating, changing and deleting them."""

from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from tests.factories import Principal, case_body, create_workspace
from tests.fields.support import (
    create_case,
    create_field,
    field_value,
    list_fields,
    unique_name,
)

RESERVED = [
    {
        "id": "id",
        "display_name": "id",
        "type": "UUID",
        "description": "",
        "nullable": False,
        "default": "gen_random_uuid()",
        "reserved": True,
        "options": None,
        "kind": None,
        "required_on_closure": False,
    },
    {
        "id": "case_id",
        "display_name": "case_id",
        "type": "UUID",
        "description": "",
        "nullable": False,
        "default": None,
        "reserved": True,
        "options": None,
        "kind": None,
        "required_on_closure": False,
    },
    {
        "id": "created_at",
        "display_name": "created_at",
        "type": "TIMESTAMPTZ",
        "description": "",
        "nullable": False,
        "default": "now()",
        "reserved": True,
        "options": None,
        "kind": None,
        "required_on_closure": False,
    },
    {
        "id": "updated_at",
        "display_name": "updated_at",
        "type": "TIMESTAMPTZ",
        "description": "",
        "nullable": False,
        "default": "now()",
        "reserved": True,
        "options": None,
        "kind": None,
        "required_on_closure": False,
    },
]


async def field_of(client: httpx.AsyncClient, name: str) -> Any:
    """One field as `GET /case-fields` lists it."""
    return (await list_fields(client))[name]


async def patch_field(client: httpx.AsyncClient, field_id: str, **body: Any) -> None:
    """Change a field; the change must succeed."""
    response = await client.patch(f"/case-fields/{field_id}", json=body)
    assert response.status_code == 204, response.text
    assert response.content == b""


# Listing.


async def test_a_fresh_workspace_lists_the_four_reserved_fields(
    app: FastAPI, admin: Principal
) -> None:
    workspace_id = await create_workspace(
        app, unique_name("Fresh"), owner_id=admin.user_id
    )

    response = await admin.client.get(f"/workspaces/{workspace_id}/case-fields")

    assert response.status_code == 200
    assert response.json() == RESERVED


async def test_custom_fields_follow_the_reserved_ones_in_creation_order(
    client: httpx.AsyncClient,
) -> None:
    names = [await create_field(client, "TEXT") for _ in range(3)]

    listed = (await client.get("/case-fields")).json()

    assert [item["id"] for item in listed] == [
        "id",
        "case_id",
        "created_at",
        "updated_at",
        *names,
    ]


async def test_listing_needs_credentials(anonymous: httpx.AsyncClient) -> None:
    response = await anonymous.get("/case-fields")

    assert response.status_code == 401
    assert response.json() == {"detail": "Unauthorized"}


# Creating.


async def test_create_answers_201_with_the_field_and_its_location(
    admin: Principal,
) -> None:
    name = unique_name("severity_score")

    response = await admin.client.post(
        "/case-fields", json={"name": name, "type": "INTEGER", "default": "5"}
    )

    assert response.status_code == 201
    assert response.json() == {
        "id": name,
        "display_name": name,
        "type": "INTEGER",
        "description": "",
        "nullable": True,
        "default": "5",
        "reserved": False,
        "options": None,
        "kind": None,
        "required_on_closure": False,
    }
    assert response.headers["Location"] == (
        f"/workspaces/{admin.workspace_id}/case-fields/{name}"
    )
    assert (await field_of(admin.client, name)) == response.json()


async def test_a_mixed_case_name_is_stored_lower_case(
    client: httpx.AsyncClient,
) -> None:
    name = unique_name("Risk_Score")

    created = await create_field(
        client, "TEXT", name=name, display_name="Risk", required_on_closure=True
    )

    assert created == name.lower()
    listed = await field_of(client, name.lower())
    assert listed["display_name"] == "Risk"
    assert listed["required_on_closure"] is True


async def test_the_display_name_defaults_to_the_name(client: httpx.AsyncClient) -> None:
    shown = await create_field(client, "TEXT", display_name="Root cause")
    plain = await create_field(client, "TEXT")

    assert (await field_of(client, shown))["display_name"] == "Root cause"
    assert (await field_of(client, plain))["display_name"] == plain


@pytest.mark.parametrize(
    "name", ["", "1abc", "has-dash", "has space", "é", "x" * 101, None, 5]
)
async def test_a_malformed_name_is_422(client: httpx.AsyncClient, name: Any) -> None:
    response = await client.post("/case-fields", json={"name": name, "type": "TEXT"})

    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "name"]


async def test_a_name_of_100_characters_is_accepted(client: httpx.AsyncClient) -> None:
    name = unique_name("n").ljust(100, "x")

    assert await create_field(client, "TEXT", name=name) == name


@pytest.mark.parametrize("name", ["__tc_anything", "__TC_Anything", "__Tc_x"])
async def test_an_internal_name_is_400(client: httpx.AsyncClient, name: str) -> None:
    response = await client.post("/case-fields", json={"name": name, "type": "TEXT"})

    assert response.status_code == 400
    assert response.json() == {"detail": f"Field {name} is reserved for internal use"}


@pytest.mark.parametrize(
    ("name", "stored"),
    [("id", "id"), ("case_id", "case_id"), ("Created_At", "created_at")],
)
async def test_a_reserved_name_is_taken(
    client: httpx.AsyncClient, name: str, stored: str
) -> None:
    response = await client.post("/case-fields", json={"name": name, "type": "TEXT"})

    assert response.status_code == 409
    assert response.json() == {
        "detail": f"A field with the name '{stored}' already exists"
    }


async def test_an_existing_name_in_any_case_is_409(client: httpx.AsyncClient) -> None:
    name = await create_field(client, "TEXT")

    again = await client.post("/case-fields", json={"name": name, "type": "INTEGER"})
    upper = await client.post(
        "/case-fields", json={"name": name.upper(), "type": "TEXT"}
    )

    expected = {"detail": f"A field with the name '{name}' already exists"}
    assert (again.status_code, again.json()) == (409, expected)
    assert (upper.status_code, upper.json()) == (409, expected)
    assert (await field_of(client, name))["type"] == "TEXT"


async def test_the_same_name_may_exist_in_another_workspace(
    app: FastAPI, admin: Principal
) -> None:
    other = await create_workspace(app, unique_name("Other"), owner_id=admin.user_id)
    name = await create_field(admin.client, "TEXT")

    response = await admin.client.post(
        f"/workspaces/{other}/case-fields", json={"name": name, "type": "INTEGER"}
    )

    assert response.status_code == 201
    assert (await field_of(admin.client, name))["type"] == "TEXT"


async def test_options_are_trimmed(client: httpx.AsyncClient) -> None:
    name = await create_field(client, "SELECT", options=["  low ", "high"])

    assert (await field_of(client, name))["options"] == ["low", "high"]


@pytest.mark.parametrize("options", [["a", "  "], ["a", ""], ["a", " a "], ["x" * 256]])
async def test_empty_duplicate_or_long_option_labels_are_422(
    client: httpx.AsyncClient, options: list[str]
) -> None:
    response = await client.post(
        "/case-fields",
        json={"name": unique_name(), "type": "SELECT", "options": options},
    )

    assert response.status_code == 422


@pytest.mark.parametrize("field_type", ["SELECT", "MULTI_SELECT"])
@pytest.mark.parametrize("options", [None, []])
async def test_select_types_need_options(
    client: httpx.AsyncClient, field_type: str, options: list[str] | None
) -> None:
    response = await client.post(
        "/case-fields",
        json={"name": unique_name(), "type": field_type, "options": options},
    )

    assert response.status_code == 422
    assert "need at least one option" in response.json()["detail"][0]["msg"]


@pytest.mark.parametrize("field_type", ["TEXT", "INTEGER", "JSONB"])
async def test_other_types_take_no_options(
    client: httpx.AsyncClient, field_type: str
) -> None:
    response = await client.post(
        "/case-fields",
        json={"name": unique_name(), "type": field_type, "options": ["a"]},
    )

    assert response.status_code == 422
    assert "take no options" in response.json()["detail"][0]["msg"]


@pytest.mark.parametrize(
    ("field_type", "kind", "status"),
    [
        ("TEXT", "LONG_TEXT", 201),
        ("JSONB", "URL", 201),
        ("INTEGER", "LONG_TEXT", 422),
        ("TEXT", "URL", 422),
        ("JSONB", "LONG_TEXT", 422),
        ("TEXT", "SHORT_TEXT", 422),
    ],
)
async def test_a_kind_fits_one_type(
    client: httpx.AsyncClient, field_type: str, kind: str, status: int
) -> None:
    name = unique_name()

    response = await client.post(
        "/case-fields", json={"name": name, "type": field_type, "kind": kind}
    )

    assert response.status_code == status, response.text
    if status == 201:
        assert (await field_of(client, name))["kind"] == kind
    else:
        assert name not in await list_fields(client)


@pytest.mark.parametrize(
    ("field_type", "default", "text"),
    [
        ("INTEGER", 5, "5"),
        ("INTEGER", "7", "7"),
        ("NUMERIC", "1.30", "1.30"),
        ("NUMERIC", 0.1, "0.1"),
        ("TEXT", "abc", "abc"),
        ("TEXT", 42, "42"),
        ("BOOLEAN", True, "true"),
        ("BOOLEAN", False, "false"),
        ("DATE", "2024-01-31", "2024-01-31"),
        ("TIMESTAMPTZ", "2024-01-31T10:00:00+01:00", "2024-01-31T09:00:00Z"),
        ("JSONB", {"a": [1]}, '{"a": [1]}'),
    ],
)
async def test_a_default_is_coerced_and_listed_as_text(
    client: httpx.AsyncClient, field_type: str, default: Any, text: str
) -> None:
    name = await create_field(client, field_type, default=default)

    assert (await field_of(client, name))["default"] == text


@pytest.mark.parametrize(
    ("field_type", "default", "detail"),
    [
        ("INTEGER", "abc", "Invalid integer default value: 'abc'"),
        ("INTEGER", 2.5, "Invalid integer default value: '2.5'"),
        ("NUMERIC", "x", "Invalid numeric default value: 'x'"),
        ("DATE", "2024-02-30", "Invalid date default value: '2024-02-30'"),
        ("TIMESTAMPTZ", "soon", "Invalid timestamp default value: 'soon'"),
        ("BOOLEAN", "yes", "Invalid boolean default value: 'yes'"),
    ],
)
async def test_a_default_of_the_wrong_type_is_400(
    client: httpx.AsyncClient, field_type: str, default: Any, detail: str
) -> None:
    name = unique_name()

    response = await client.post(
        "/case-fields", json={"name": name, "type": field_type, "default": default}
    )

    assert response.status_code == 400
    assert response.json() == {"detail": detail}
    assert name not in await list_fields(client)


async def test_a_select_default_must_be_an_option(client: httpx.AsyncClient) -> None:
    response = await client.post(
        "/case-fields",
        json={
            "name": unique_name(),
            "type": "SELECT",
            "options": ["low", "high"],
            "default": "medium",
        },
    )
    fitting = await create_field(
        client, "SELECT", options=["low", "high"], default="low"
    )

    assert response.status_code == 422
    assert response.json() == {
        "detail": "Default value 'medium' is not in the available options"
    }
    assert (await field_of(client, fitting))["default"] == "low"


async def test_a_text_default_holding_nul_is_422(client: httpx.AsyncClient) -> None:
    response = await client.post(
        "/case-fields",
        json={"name": unique_name(), "type": "TEXT", "default": "a\u0000b"},
    )

    assert response.status_code == 422
    assert "must not contain NUL characters" in response.json()["detail"]


async def test_nullable_is_accepted_and_ignored(client: httpx.AsyncClient) -> None:
    name = await create_field(client, "TEXT", nullable=False)

    assert (await field_of(client, name))["nullable"] is True


@pytest.mark.parametrize(
    "body",
    [
        {"type": "TEXT"},
        {"name": "x_field"},
        {"name": "x_field", "type": "VARCHAR"},
        {"name": "x_field", "type": "UUID"},
        {"name": "x_field", "type": "TEXT", "colour": "red"},
        {"name": "x_field", "type": "TEXT", "display_name": ""},
        {"name": "x_field", "type": "TEXT", "display_name": "x" * 256},
        {"name": "x_field", "type": "TEXT", "display_name": "a\u0000b"},
        {"name": "x_field", "type": "TEXT", "required_on_closure": "maybe"},
    ],
)
async def test_a_malformed_body_is_422(
    client: httpx.AsyncClient, body: dict[str, Any]
) -> None:
    response = await client.post("/case-fields", json=body)

    assert response.status_code == 422
    assert "x_field" not in await list_fields(client)


async def test_malformed_json_is_422(client: httpx.AsyncClient) -> None:
    response = await client.post(
        "/case-fields",
        content=b'{"name": "x", "type":',
        headers={"Content-Type": "application/json"},
    )

    assert response.status_code == 422


# Changing.


async def test_update_answers_204_and_changes_only_what_is_given(
    client: httpx.AsyncClient,
) -> None:
    name = await create_field(
        client, "SELECT", options=["a", "b"], display_name="Shown", default="a"
    )

    await patch_field(client, name, required_on_closure=True)

    field = await field_of(client, name)
    assert field["display_name"] == "Shown"
    assert field["options"] == ["a", "b"]
    assert field["default"] == "a"
    assert field["required_on_closure"] is True


async def test_rename_keeps_a_chosen_display_name_and_the_values(
    client: httpx.AsyncClient,
) -> None:
    name = await create_field(client, "TEXT", display_name="Root cause")
    case = await create_case(client, **{name: "phishing"})
    new_name = unique_name("Renamed")

    await patch_field(client, name, name=new_name)

    fields = await list_fields(client)
    assert name not in fields
    assert fields[new_name.lower()]["display_name"] == "Root cause"
    assert await field_value(client, case["id"], new_name.lower()) == "phishing"


async def test_a_display_name_never_chosen_follows_a_rename(
    client: httpx.AsyncClient,
) -> None:
    name = await create_field(client, "TEXT")
    new_name = unique_name("renamed")

    await patch_field(client, name, name=new_name)

    assert (await field_of(client, new_name))["display_name"] == new_name


async def test_a_field_is_found_by_its_name_in_any_case(
    client: httpx.AsyncClient,
) -> None:
    name = await create_field(client, "TEXT")

    await patch_field(client, name.upper(), display_name="Upper")

    assert (await field_of(client, name))["display_name"] == "Upper"


async def test_renaming_onto_an_existing_or_reserved_name_is_409(
    client: httpx.AsyncClient,
) -> None:
    first = await create_field(client, "TEXT")
    second = await create_field(client, "TEXT")

    taken = await client.patch(f"/case-fields/{second}", json={"name": first.upper()})
    reserved = await client.patch(f"/case-fields/{second}", json={"name": "id"})

    assert taken.status_code == 409
    assert taken.json() == {"detail": f"A field with the name '{first}' already exists"}
    assert reserved.status_code == 409
    assert reserved.json() == {"detail": "A field with the name 'id' already exists"}
    assert second in await list_fields(client)


async def test_renaming_to_an_internal_name_is_400(client: httpx.AsyncClient) -> None:
    name = await create_field(client, "TEXT")

    response = await client.patch(f"/case-fields/{name}", json={"name": "__tc_x"})

    assert response.status_code == 400
    assert response.json() == {"detail": "Field __tc_x is reserved for internal use"}


async def test_a_kind_key_on_update_is_422(client: httpx.AsyncClient) -> None:
    name = await create_field(client, "TEXT", kind="LONG_TEXT")

    for kind in ("LONG_TEXT", None):
        response = await client.patch(f"/case-fields/{name}", json={"kind": kind})

        assert response.status_code == 422
        assert response.json()["detail"][0]["msg"] == (
            "Value error, Case field kind can only be set when creating a field"
        )
    assert (await field_of(client, name))["kind"] == "LONG_TEXT"


async def test_is_index_and_nullable_are_accepted_and_ignored(
    client: httpx.AsyncClient,
) -> None:
    name = await create_field(client, "TEXT", kind="LONG_TEXT")

    await patch_field(client, name, is_index=True, nullable=False)

    field = await field_of(client, name)
    assert (field["nullable"], field["kind"]) == (True, "LONG_TEXT")


async def test_an_unknown_key_on_update_is_422(client: httpx.AsyncClient) -> None:
    name = await create_field(client, "TEXT")

    response = await client.patch(f"/case-fields/{name}", json={"colour": "red"})

    assert response.status_code == 422


async def test_options_are_replaced_and_cleared(client: httpx.AsyncClient) -> None:
    name = await create_field(client, "SELECT", options=["a", "b"])

    await patch_field(client, name, options=[" c ", "d"])
    replaced = (await field_of(client, name))["options"]
    refused = await client.post("/cases", json=case_body(fields={name: "anything"}))
    await patch_field(client, name, options=[])
    cleared = (await field_of(client, name))["options"]
    accepted = await client.post("/cases", json=case_body(fields={name: "anything"}))

    assert replaced == ["c", "d"]
    assert refused.status_code == 400
    assert cleared is None
    assert accepted.status_code == 201, accepted.text


async def test_options_on_a_non_select_field_are_422(
    client: httpx.AsyncClient,
) -> None:
    name = await create_field(client, "TEXT")

    response = await client.patch(f"/case-fields/{name}", json={"options": ["a"]})

    assert response.status_code == 422
    assert (await field_of(client, name))["options"] is None


async def test_a_default_is_replaced_coerced_and_dropped(
    client: httpx.AsyncClient,
) -> None:
    name = await create_field(client, "INTEGER", default=1)

    await patch_field(client, name, default="12")
    replaced = (await field_of(client, name))["default"]
    refused = await client.patch(f"/case-fields/{name}", json={"default": "abc"})
    kept = (await field_of(client, name))["default"]
    await patch_field(client, name, default=None)

    assert replaced == "12"
    assert refused.status_code == 400
    assert refused.json() == {"detail": "Invalid integer default value: 'abc'"}
    assert kept == "12"
    assert (await field_of(client, name))["default"] is None


async def test_required_on_closure_is_set_and_cleared(
    client: httpx.AsyncClient,
) -> None:
    name = await create_field(client, "TEXT")

    await patch_field(client, name, required_on_closure=True)
    set_ = (await field_of(client, name))["required_on_closure"]
    await patch_field(client, name, required_on_closure=False)

    assert set_ is True
    assert (await field_of(client, name))["required_on_closure"] is False


@pytest.mark.parametrize(
    ("field_id", "detail"),
    [
        ("1abc", "Identifier must start with a letter or underscore"),
        ("has-dash", "Identifier must contain only letters, numbers, and underscores"),
    ],
)
async def test_a_malformed_field_id_is_400(
    client: httpx.AsyncClient, field_id: str, detail: str
) -> None:
    patched = await client.patch(f"/case-fields/{field_id}", json={})
    deleted = await client.delete(f"/case-fields/{field_id}")

    assert (patched.status_code, patched.json()) == (400, {"detail": detail})
    assert (deleted.status_code, deleted.json()) == (400, {"detail": detail})


async def test_an_unknown_field_is_404(client: httpx.AsyncClient) -> None:
    patched = await client.patch("/case-fields/no_such_field", json={})
    deleted = await client.delete("/case-fields/no_such_field")

    expected = {"detail": "Field no_such_field not found"}
    assert (patched.status_code, patched.json()) == (404, expected)
    assert (deleted.status_code, deleted.json()) == (404, expected)


async def test_a_field_of_another_workspace_is_404(
    app: FastAPI, admin: Principal
) -> None:
    other = await create_workspace(app, unique_name("Other"), owner_id=admin.user_id)
    name = unique_name()
    created = await admin.client.post(
        f"/workspaces/{other}/case-fields", json={"name": name, "type": "TEXT"}
    )
    assert created.status_code == 201

    patched = await admin.client.patch(f"/case-fields/{name}", json={})
    deleted = await admin.client.delete(f"/case-fields/{name}")

    assert patched.status_code == 404
    assert deleted.status_code == 404
    listed = (await admin.client.get(f"/workspaces/{other}/case-fields")).json()
    assert name in [item["id"] for item in listed]


# Retyping.


async def test_retyping_converts_every_stored_value(client: httpx.AsyncClient) -> None:
    name = await create_field(client, "TEXT", default="7")
    first = await create_case(client, **{name: "42"})
    second = await create_case(client, **{name: " -3 "})
    empty = await create_case(client, **{name: None})

    await patch_field(client, name, type="INTEGER")

    assert (await field_of(client, name))["type"] == "INTEGER"
    assert (await field_of(client, name))["default"] == "7"
    assert await field_value(client, first["id"], name) == 42
    assert await field_value(client, second["id"], name) == -3
    assert await field_value(client, empty["id"], name) is None


async def test_a_value_the_new_type_refuses_changes_nothing(
    client: httpx.AsyncClient,
) -> None:
    name = await create_field(client, "TEXT")
    good = await create_case(client, **{name: "42"})
    bad = await create_case(client, **{name: "abc"})

    response = await client.patch(f"/case-fields/{name}", json={"type": "INTEGER"})

    assert response.status_code == 400
    assert response.json() == {
        "detail": f"Cannot change field '{name}' to INTEGER: the value of case "
        f"{bad['short_id']} does not convert (Invalid integer value: 'abc')"
    }
    assert (await field_of(client, name))["type"] == "TEXT"
    assert await field_value(client, good["id"], name) == "42"
    assert await field_value(client, bad["id"], name) == "abc"


async def test_a_default_the_new_type_refuses_is_400(
    client: httpx.AsyncClient,
) -> None:
    name = await create_field(client, "TEXT", default="none yet")

    response = await client.patch(f"/case-fields/{name}", json={"type": "NUMERIC"})

    assert response.status_code == 400
    assert response.json() == {"detail": "Invalid numeric default value: 'none yet'"}
    assert (await field_of(client, name))["type"] == "TEXT"


async def test_retyping_to_select_needs_options_that_hold_the_values(
    client: httpx.AsyncClient,
) -> None:
    name = await create_field(client, "TEXT")
    case = await create_case(client, **{name: "high"})

    missing = await client.patch(f"/case-fields/{name}", json={"type": "SELECT"})
    outside = await client.patch(
        f"/case-fields/{name}", json={"type": "SELECT", "options": ["low"]}
    )
    await patch_field(client, name, type="SELECT", options=["low", "high"])

    assert missing.status_code == 422
    assert missing.json() == {"detail": "SELECT fields need at least one option"}
    assert outside.status_code == 400
    assert "Value 'high' is not in the available options" in outside.json()["detail"]
    assert (await field_of(client, name))["options"] == ["low", "high"]
    assert await field_value(client, case["id"], name) == "high"


async def test_retyping_select_to_multi_select_keeps_the_options(
    client: httpx.AsyncClient,
) -> None:
    name = await create_field(client, "SELECT", options=["a", "b"])
    case = await create_case(client, **{name: "a"})

    refused = await client.patch(f"/case-fields/{name}", json={"type": "MULTI_SELECT"})
    await patch_field(client, name, type="TEXT")
    await patch_field(client, name, type="JSONB")

    assert refused.status_code == 400
    assert "MULTI_SELECT values must be provided" in refused.json()["detail"]
    field = await field_of(client, name)
    assert (field["type"], field["options"]) == ("JSONB", None)
    assert await field_value(client, case["id"], name) == "a"


async def test_retyping_away_from_its_kind_drops_the_kind(
    client: httpx.AsyncClient,
) -> None:
    name = await create_field(client, "TEXT", kind="LONG_TEXT")

    await patch_field(client, name, type="JSONB")

    assert (await field_of(client, name))["kind"] is None


async def test_retyping_to_timestamp_and_date(client: httpx.AsyncClient) -> None:
    name = await create_field(client, "TEXT")
    case = await create_case(client, **{name: "2024-03-01T23:30:00-02:00"})

    await patch_field(client, name, type="TIMESTAMPTZ")
    stamp = await field_value(client, case["id"], name)
    await patch_field(client, name, type="DATE")

    assert stamp == "2024-03-02T01:30:00Z"
    assert await field_value(client, case["id"], name) == "2024-03-02"


# Deleting.


async def test_delete_answers_204_and_removes_the_field_and_its_values(
    client: httpx.AsyncClient,
) -> None:
    name = await create_field(client, "TEXT")
    case = await create_case(client, **{name: "gone soon"})

    response = await client.delete(f"/case-fields/{name}")

    assert response.status_code == 204
    assert response.content == b""
    assert name not in await list_fields(client)
    read = (await client.get(f"/cases/{case['id']}")).json()
    assert name not in [item["id"] for item in read["fields"]]
    recreated = await create_field(client, "TEXT", name=name)
    assert await field_value(client, case["id"], recreated) is None


@pytest.mark.parametrize(
    "name", ["id", "case_id", "created_at", "updated_at", "CASE_ID", "__tc_secret"]
)
async def test_reserved_and_internal_fields_cannot_be_deleted_or_changed(
    client: httpx.AsyncClient, name: str
) -> None:
    deleted = await client.delete(f"/case-fields/{name}")
    patched = await client.patch(f"/case-fields/{name}", json={"display_name": "x"})

    expected = {"detail": f"Field {name} is a reserved field"}
    assert (deleted.status_code, deleted.json()) == (400, expected)
    assert (patched.status_code, patched.json()) == (400, expected)
    assert (await client.get("/case-fields")).json()[:4] == RESERVED
