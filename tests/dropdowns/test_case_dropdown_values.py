"""`dropdown_values` on case writes and reads, and closure requirements."""

import json
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import event

from tests.dropdowns.helpers import (
    create_case,
    create_dropdown,
    dropdown_events,
    event_data,
    value_read,
)
from tests.factories import case_body


async def case_read(client: httpx.AsyncClient, case_id: str) -> Any:
    """`GET /cases/{id}`, which must succeed."""
    response = await client.get(f"/cases/{case_id}")
    assert response.status_code == 200, response.text
    return response.json()


async def case_count(client: httpx.AsyncClient) -> int:
    """How many cases the workspace has."""
    response = await client.get("/cases", params={"limit": 200})
    assert response.status_code == 200, response.text
    return len(response.json()["items"])


def closure_refusal(response: httpx.Response) -> Any:
    """The JSON document inside a closure refusal's `detail` string."""
    assert response.status_code == 422, response.text
    detail = response.json()["detail"]
    assert isinstance(detail, str)
    return json.loads(detail)


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


async def dropdown_queries(
    app: FastAPI, client: httpx.AsyncClient, case_id: str, selections: list[Any]
) -> int:
    """How many statements touching dropdown tables one PATCH sends."""
    with counted_queries(app) as statements:
        response = await client.patch(
            f"/cases/{case_id}", json={"dropdown_values": selections}
        )
    assert response.status_code == 204, response.text
    return sum("case_dropdown" in statement for statement in statements)


class TestCreate:
    """`dropdown_values` in POST /cases."""

    async def test_choices_by_ref_and_by_id_are_stored_without_events(
        self, client: httpx.AsyncClient
    ) -> None:
        verdict = await create_dropdown(client, position=0)
        phase = await create_dropdown(client, position=1)
        malicious = verdict["options"][1]
        benign = phase["options"][0]

        response = await client.post(
            "/cases",
            json=case_body(
                dropdown_values=[
                    {"definition_ref": verdict["ref"], "option_ref": "malicious"},
                    {"definition_id": phase["id"], "option_id": benign["id"]},
                ]
            ),
        )

        assert response.status_code == 201, response.text
        case = response.json()
        values = case["dropdown_values"]
        assert values == [
            value_read(values[0]["id"], verdict, malicious),
            value_read(values[1]["id"], phase, benign),
        ]
        events = (await client.get(f"/cases/{case['id']}/events")).json()["events"]
        assert [event["type"] for event in events] == ["case_created"]
        assert (await case_read(client, case["id"]))["dropdown_values"] == values

    async def test_a_selection_without_option_stores_a_cleared_choice(
        self, client: httpx.AsyncClient
    ) -> None:
        dropdown = await create_dropdown(client)

        case = await create_case(
            client, dropdown_values=[{"definition_ref": dropdown["ref"]}]
        )

        (value,) = case["dropdown_values"]
        assert value == value_read(value["id"], dropdown, None)

    async def test_an_unknown_dropdown_ref_is_404_and_creates_no_case(
        self, client: httpx.AsyncClient
    ) -> None:
        await create_dropdown(client)

        response = await client.post(
            "/cases",
            json=case_body(
                dropdown_values=[{"definition_ref": "nope", "option_ref": "benign"}]
            ),
        )

        assert response.status_code == 404
        assert response.json() == {"detail": "Dropdown definition 'nope' not found"}
        assert await case_count(client) == 0

    async def test_an_unknown_dropdown_id_is_404(
        self, client: httpx.AsyncClient
    ) -> None:
        missing = uuid.uuid4()

        response = await client.post(
            "/cases",
            json=case_body(dropdown_values=[{"definition_id": str(missing)}]),
        )

        assert response.status_code == 404
        assert response.json() == {
            "detail": f"Dropdown definition '{missing}' not found"
        }
        assert await case_count(client) == 0

    async def test_an_unknown_option_ref_is_404_and_creates_no_case(
        self, client: httpx.AsyncClient
    ) -> None:
        dropdown = await create_dropdown(client)

        response = await client.post(
            "/cases",
            json=case_body(
                dropdown_values=[
                    {"definition_ref": dropdown["ref"], "option_ref": "harmless"}
                ]
            ),
        )

        assert response.status_code == 404
        assert response.json() == {
            "detail": f"Dropdown option 'harmless' not found "
            f"for definition '{dropdown['ref']}'"
        }
        assert await case_count(client) == 0

    async def test_an_option_id_of_another_dropdown_is_404(
        self, client: httpx.AsyncClient
    ) -> None:
        dropdown = await create_dropdown(client)
        other = await create_dropdown(client)
        foreign = other["options"][0]["id"]

        response = await client.post(
            "/cases",
            json=case_body(
                dropdown_values=[
                    {"definition_id": dropdown["id"], "option_id": foreign}
                ]
            ),
        )

        assert response.status_code == 404
        assert response.json() == {
            "detail": f"Dropdown option {foreign} not found "
            f"for definition {dropdown['id']}"
        }
        assert await case_count(client) == 0

    async def test_a_dropdown_given_twice_is_422_and_creates_no_case(
        self, client: httpx.AsyncClient
    ) -> None:
        dropdown = await create_dropdown(client)

        response = await client.post(
            "/cases",
            json=case_body(
                dropdown_values=[
                    {"definition_id": dropdown["id"], "option_ref": "benign"},
                    {"definition_ref": dropdown["ref"], "option_ref": "malicious"},
                ]
            ),
        )

        assert response.status_code == 422
        assert response.json() == {
            "detail": f"Dropdown definition '{dropdown['ref']}' is given more than once"
        }
        assert await case_count(client) == 0

    @pytest.mark.parametrize(
        "selection",
        [
            {"option_ref": "benign"},
            {"definition_ref": "a", "definition_id": str(uuid.uuid4())},
            {"definition_ref": "a", "option_ref": "b", "option_id": str(uuid.uuid4())},
            {"definition_ref": "a", "label": "b"},
            {"definition_ref": "a\x00"},
            {"definition_ref": "a" * 256},
        ],
    )
    async def test_malformed_selections_are_422(
        self, client: httpx.AsyncClient, selection: dict[str, Any]
    ) -> None:
        response = await client.post(
            "/cases", json=case_body(dropdown_values=[selection])
        )

        assert response.status_code == 422
        assert isinstance(response.json()["detail"], list)
        assert await case_count(client) == 0


class TestUpdate:
    """`dropdown_values` in PATCH /cases/{id}."""

    async def test_each_selection_records_an_event_in_the_given_order(
        self, client: httpx.AsyncClient
    ) -> None:
        verdict = await create_dropdown(client)
        phase = await create_dropdown(client)
        benign, malicious = verdict["options"]
        case = await create_case(
            client,
            dropdown_values=[{"definition_id": verdict["id"], "option_ref": "benign"}],
        )

        response = await client.patch(
            f"/cases/{case['id']}",
            json={
                "dropdown_values": [
                    {"definition_ref": phase["ref"], "option_ref": "benign"},
                    {"definition_ref": verdict["ref"], "option_ref": "malicious"},
                ]
            },
        )

        assert response.status_code == 204, response.text
        assert await dropdown_events(client, case["id"]) == [
            event_data(verdict, benign, malicious),
            event_data(phase, None, phase["options"][0]),
        ]
        values = (await case_read(client, case["id"]))["dropdown_values"]
        assert {value["definition_id"]: value["option_id"] for value in values} == {
            verdict["id"]: malicious["id"],
            phase["id"]: phase["options"][0]["id"],
        }

    async def test_clearing_by_definition_only(self, client: httpx.AsyncClient) -> None:
        dropdown = await create_dropdown(client)
        case = await create_case(
            client,
            dropdown_values=[{"definition_id": dropdown["id"], "option_ref": "benign"}],
        )

        response = await client.patch(
            f"/cases/{case['id']}",
            json={"dropdown_values": [{"definition_ref": dropdown["ref"]}]},
        )

        assert response.status_code == 204
        (value,) = (await case_read(client, case["id"]))["dropdown_values"]
        assert value["option_id"] is None
        assert (await dropdown_events(client, case["id"]))[0] == event_data(
            dropdown, dropdown["options"][0], None
        )

    async def test_null_dropdown_values_are_ignored(
        self, client: httpx.AsyncClient
    ) -> None:
        dropdown = await create_dropdown(client)
        case = await create_case(
            client,
            dropdown_values=[{"definition_id": dropdown["id"], "option_ref": "benign"}],
        )

        response = await client.patch(
            f"/cases/{case['id']}", json={"dropdown_values": None}
        )

        assert response.status_code == 204
        assert (await case_read(client, case["id"]))["dropdown_values"] == case[
            "dropdown_values"
        ]
        assert await dropdown_events(client, case["id"]) == []

    async def test_a_dropdown_given_twice_is_422_and_changes_nothing(
        self, client: httpx.AsyncClient
    ) -> None:
        dropdown = await create_dropdown(client)
        case = await create_case(client)

        response = await client.patch(
            f"/cases/{case['id']}",
            json={
                "summary": "Changed",
                "dropdown_values": [
                    {"definition_ref": dropdown["ref"], "option_ref": "benign"},
                    {"definition_ref": dropdown["ref"]},
                ],
            },
        )

        assert response.status_code == 422
        assert response.json() == {
            "detail": f"Dropdown definition '{dropdown['ref']}' is given more than once"
        }
        read = await case_read(client, case["id"])
        assert (read["summary"], read["dropdown_values"]) == (case["summary"], [])

    async def test_an_unknown_option_is_404_and_changes_nothing(
        self, client: httpx.AsyncClient
    ) -> None:
        dropdown = await create_dropdown(client)
        case = await create_case(client)

        response = await client.patch(
            f"/cases/{case['id']}",
            json={
                "status": "in_progress",
                "dropdown_values": [
                    {"definition_ref": dropdown["ref"], "option_ref": "nope"}
                ],
            },
        )

        assert response.status_code == 404
        assert response.json() == {
            "detail": f"Dropdown option 'nope' not found "
            f"for definition '{dropdown['ref']}'"
        }
        read = await case_read(client, case["id"])
        assert (read["status"], read["dropdown_values"]) == ("new", [])

    async def test_queries_do_not_grow_with_the_number_of_selections(
        self, app: FastAPI, client: httpx.AsyncClient
    ) -> None:
        dropdowns = [await create_dropdown(client) for _ in range(4)]
        case = await create_case(client)
        selections = [
            {"definition_ref": item["ref"], "option_ref": "benign"}
            if index % 2
            else {"definition_id": item["id"], "option_id": item["options"][1]["id"]}
            for index, item in enumerate(dropdowns)
        ]

        one = await dropdown_queries(app, client, case["id"], selections[:1])
        four = await dropdown_queries(app, client, case["id"], selections)

        assert 0 < one == four
        assert len(await dropdown_events(client, case["id"])) == 5


class TestLists:
    """`dropdown_values` on list and search items."""

    async def test_list_items_carry_their_choices(
        self, client: httpx.AsyncClient
    ) -> None:
        dropdown = await create_dropdown(client)
        chosen = await create_case(
            client,
            dropdown_values=[{"definition_id": dropdown["id"], "option_ref": "benign"}],
        )
        plain = await create_case(client)

        response = await client.get("/cases")

        assert response.status_code == 200
        items = {item["id"]: item for item in response.json()["items"]}
        assert items[chosen["id"]]["dropdown_values"] == chosen["dropdown_values"]
        assert items[plain["id"]]["dropdown_values"] == []


class TestClosure:
    """Required dropdowns when a case is closed or resolved (facts 25, 26)."""

    @pytest.mark.parametrize("status", ["closed", "resolved"])
    async def test_a_required_dropdown_without_choice_blocks_closing(
        self, client: httpx.AsyncClient, status: str
    ) -> None:
        required = await create_dropdown(
            client, name="Triage Decision", required_on_closure=True
        )
        await create_dropdown(client, name="Optional")
        case = await create_case(client)

        response = await client.patch(f"/cases/{case['id']}", json={"status": status})

        assert closure_refusal(response) == {
            "code": "closure_requirements_not_met",
            "missing_fields": [],
            "missing_dropdowns": [required["name"]],
        }
        assert (await case_read(client, case["id"]))["status"] == "new"

    async def test_a_cleared_choice_counts_as_missing(
        self, client: httpx.AsyncClient
    ) -> None:
        required = await create_dropdown(client, required_on_closure=True)
        case = await create_case(
            client,
            dropdown_values=[{"definition_id": required["id"], "option_ref": "benign"}],
        )

        response = await client.patch(
            f"/cases/{case['id']}",
            json={
                "status": "closed",
                "dropdown_values": [{"definition_id": required["id"]}],
            },
        )

        assert closure_refusal(response)["missing_dropdowns"] == [required["name"]]
        (value,) = (await case_read(client, case["id"]))["dropdown_values"]
        assert value["option_ref"] == "benign"
        assert await dropdown_events(client, case["id"]) == []

    async def test_a_deleted_chosen_option_counts_as_missing(
        self, client: httpx.AsyncClient
    ) -> None:
        required = await create_dropdown(client, required_on_closure=True)
        benign = required["options"][0]
        case = await create_case(
            client,
            dropdown_values=[
                {"definition_id": required["id"], "option_id": benign["id"]}
            ],
        )
        await client.delete(f"/case-dropdowns/{required['id']}/options/{benign['id']}")

        response = await client.patch(f"/cases/{case['id']}", json={"status": "closed"})

        assert closure_refusal(response)["missing_dropdowns"] == [required["name"]]

    async def test_the_choice_given_in_the_same_patch_allows_closing(
        self, client: httpx.AsyncClient
    ) -> None:
        required = await create_dropdown(client, required_on_closure=True)
        case = await create_case(client)

        response = await client.patch(
            f"/cases/{case['id']}",
            json={
                "status": "closed",
                "dropdown_values": [
                    {"definition_ref": required["ref"], "option_ref": "malicious"}
                ],
            },
        )

        assert response.status_code == 204, response.text
        read = await case_read(client, case["id"])
        assert read["status"] == "closed"
        assert [value["option_ref"] for value in read["dropdown_values"]] == [
            "malicious"
        ]

    async def test_a_stored_choice_allows_closing(
        self, client: httpx.AsyncClient
    ) -> None:
        required = await create_dropdown(client, required_on_closure=True)
        case = await create_case(client)
        chosen = await client.put(
            f"/cases/{case['id']}/dropdowns/{required['id']}",
            json={"option_id": required["options"][0]["id"]},
        )
        assert chosen.status_code == 200

        response = await client.patch(f"/cases/{case['id']}", json={"status": "closed"})

        assert response.status_code == 204, response.text

    async def test_several_missing_dropdowns_are_named_in_dropdown_order(
        self, client: httpx.AsyncClient
    ) -> None:
        second = await create_dropdown(client, required_on_closure=True, position=2)
        first = await create_dropdown(client, required_on_closure=True, position=1)
        case = await create_case(client)

        response = await client.patch(
            f"/cases/{case['id']}", json={"status": "resolved"}
        )

        assert closure_refusal(response)["missing_dropdowns"] == [
            first["name"],
            second["name"],
        ]

    async def test_other_changes_need_no_choice(
        self, client: httpx.AsyncClient
    ) -> None:
        await create_dropdown(client, required_on_closure=True)
        case = await create_case(client)

        response = await client.patch(
            f"/cases/{case['id']}", json={"status": "in_progress", "priority": "high"}
        )

        assert response.status_code == 204
