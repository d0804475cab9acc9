"""A case's choices: GET and PUT /cases/{id}/dropdowns and their events."""

import uuid
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from tests.dropdowns.helpers import (
    create_case,
    create_dropdown,
    dropdown_events,
    event_data,
    other_workspace,
    value_read,
    viewer_of,
)
from tests.factories import Principal, case_body


async def choose(
    client: httpx.AsyncClient, case_id: str, dropdown_id: str, option_id: str | None
) -> Any:
    """Set a case's choice, which must succeed; return the answer."""
    response = await client.put(
        f"/cases/{case_id}/dropdowns/{dropdown_id}", json={"option_id": option_id}
    )
    assert response.status_code == 200, response.text
    return response.json()


async def choices(client: httpx.AsyncClient, case_id: str) -> Any:
    """The case's choices as `GET /cases/{id}/dropdowns` lists them."""
    response = await client.get(f"/cases/{case_id}/dropdowns")
    assert response.status_code == 200, response.text
    return response.json()


class TestChoose:
    """PUT /cases/{case_id}/dropdowns/{definition_id}."""

    async def test_answers_200_with_the_choice(self, client: httpx.AsyncClient) -> None:
        case = await create_case(client)
        dropdown = await create_dropdown(client)
        malicious = dropdown["options"][1]

        response = await client.put(
            f"/cases/{case['id']}/dropdowns/{dropdown['id']}",
            json={"option_id": malicious["id"]},
        )

        assert response.status_code == 200
        chosen = response.json()
        assert chosen == value_read(chosen["id"], dropdown, malicious)
        assert await choices(client, case["id"]) == [chosen]

    async def test_records_old_and_new_option_ids_and_labels(
        self, client: httpx.AsyncClient
    ) -> None:
        case = await create_case(client)
        dropdown = await create_dropdown(client)
        benign, malicious = dropdown["options"]

        await choose(client, case["id"], dropdown["id"], benign["id"])
        await choose(client, case["id"], dropdown["id"], malicious["id"])

        assert await dropdown_events(client, case["id"]) == [
            event_data(dropdown, benign, malicious),
            event_data(dropdown, None, benign),
        ]

    async def test_choosing_again_changes_the_choice_in_place(
        self, client: httpx.AsyncClient
    ) -> None:
        case = await create_case(client)
        dropdown = await create_dropdown(client)
        benign, malicious = dropdown["options"]

        first = await choose(client, case["id"], dropdown["id"], benign["id"])
        second = await choose(client, case["id"], dropdown["id"], malicious["id"])

        assert second == value_read(first["id"], dropdown, malicious)
        assert await choices(client, case["id"]) == [second]

    async def test_the_same_choice_again_is_still_recorded(
        self, client: httpx.AsyncClient
    ) -> None:
        case = await create_case(client)
        dropdown = await create_dropdown(client)
        benign = dropdown["options"][0]

        await choose(client, case["id"], dropdown["id"], benign["id"])
        await choose(client, case["id"], dropdown["id"], benign["id"])

        assert await dropdown_events(client, case["id"]) == [
            event_data(dropdown, benign, benign),
            event_data(dropdown, None, benign),
        ]

    @pytest.mark.parametrize("body", [{"option_id": None}, {}])
    async def test_null_clears_the_choice(
        self, client: httpx.AsyncClient, body: dict[str, Any]
    ) -> None:
        case = await create_case(client)
        dropdown = await create_dropdown(client)
        benign = dropdown["options"][0]
        first = await choose(client, case["id"], dropdown["id"], benign["id"])

        response = await client.put(
            f"/cases/{case['id']}/dropdowns/{dropdown['id']}", json=body
        )

        assert response.status_code == 200
        assert response.json() == value_read(first["id"], dropdown, None)
        assert await choices(client, case["id"]) == [response.json()]
        assert (await dropdown_events(client, case["id"]))[0] == event_data(
            dropdown, benign, None
        )

    async def test_choices_in_several_dropdowns_list_in_dropdown_order(
        self, client: httpx.AsyncClient
    ) -> None:
        case = await create_case(client)
        later = await create_dropdown(client, position=2)
        earlier = await create_dropdown(client, position=1)

        second = await choose(
            client, case["id"], later["id"], later["options"][0]["id"]
        )
        first = await choose(
            client, case["id"], earlier["id"], earlier["options"][1]["id"]
        )

        assert await choices(client, case["id"]) == [first, second]

    async def test_a_case_without_choices_lists_none(
        self, client: httpx.AsyncClient
    ) -> None:
        case = await create_case(client)
        await create_dropdown(client)

        assert await choices(client, case["id"]) == []

    async def test_choices_do_not_touch_the_case_row(
        self, client: httpx.AsyncClient
    ) -> None:
        case = await create_case(client)
        dropdown = await create_dropdown(client)

        await choose(client, case["id"], dropdown["id"], dropdown["options"][0]["id"])

        read = (await client.get(f"/cases/{case['id']}")).json()
        assert read["updated_at"] == case["updated_at"]


class TestRefusals:
    """What PUT and GET refuse, and that a refusal changes nothing."""

    async def test_an_unknown_case_is_404(self, client: httpx.AsyncClient) -> None:
        dropdown = await create_dropdown(client)
        missing = uuid.uuid4()

        put = await client.put(
            f"/cases/{missing}/dropdowns/{dropdown['id']}",
            json={"option_id": dropdown["options"][0]["id"]},
        )
        get = await client.get(f"/cases/{missing}/dropdowns")

        detail = {"detail": f"Case with ID {missing} not found"}
        assert (put.status_code, put.json()) == (404, detail)
        assert (get.status_code, get.json()) == (404, detail)

    async def test_an_unknown_dropdown_is_404(self, client: httpx.AsyncClient) -> None:
        case = await create_case(client)
        missing = uuid.uuid4()

        response = await client.put(
            f"/cases/{case['id']}/dropdowns/{missing}", json={"option_id": None}
        )

        assert response.status_code == 404
        assert response.json() == {"detail": f"Dropdown definition {missing} not found"}
        assert await choices(client, case["id"]) == []
        assert await dropdown_events(client, case["id"]) == []

    async def test_an_option_of_another_dropdown_is_404(
        self, client: httpx.AsyncClient
    ) -> None:
        case = await create_case(client)
        dropdown = await create_dropdown(client)
        other = await create_dropdown(client)
        benign = dropdown["options"][0]
        await choose(client, case["id"], dropdown["id"], benign["id"])
        before = await choices(client, case["id"])
        foreign = other["options"][1]["id"]

        response = await client.put(
            f"/cases/{case['id']}/dropdowns/{dropdown['id']}",
            json={"option_id": foreign},
        )

        assert response.status_code == 404
        assert response.json() == {
            "detail": f"Dropdown option {foreign} not found "
            f"for definition {dropdown['id']}"
        }
        assert await choices(client, case["id"]) == before
        assert len(await dropdown_events(client, case["id"])) == 1

    async def test_an_unknown_option_is_404(self, client: httpx.AsyncClient) -> None:
        case = await create_case(client)
        dropdown = await create_dropdown(client)
        missing = uuid.uuid4()

        response = await client.put(
            f"/cases/{case['id']}/dropdowns/{dropdown['id']}",
            json={"option_id": str(missing)},
        )

        assert response.status_code == 404
        assert response.json() == {
            "detail": f"Dropdown option {missing} not found "
            f"for definition {dropdown['id']}"
        }
        assert await choices(client, case["id"]) == []

    @pytest.mark.parametrize(
        "body",
        [
            {"option_id": "benign"},
            {"option_id": 7},
            {"option_id": None, "option_ref": "benign"},
            ["not", "an", "object"],
        ],
    )
    async def test_invalid_bodies_are_422(
        self, client: httpx.AsyncClient, body: Any
    ) -> None:
        case = await create_case(client)
        dropdown = await create_dropdown(client)

        response = await client.put(
            f"/cases/{case['id']}/dropdowns/{dropdown['id']}", json=body
        )

        assert response.status_code == 422
        assert await choices(client, case["id"]) == []

    async def test_malformed_json_is_422(self, client: httpx.AsyncClient) -> None:
        case = await create_case(client)
        dropdown = await create_dropdown(client)

        response = await client.put(
            f"/cases/{case['id']}/dropdowns/{dropdown['id']}",
            content=b'{"option_id": ',
            headers={"Content-Type": "application/json"},
        )

        assert response.status_code == 422
        assert await choices(client, case["id"]) == []

    async def test_a_case_or_dropdown_of_another_workspace_is_404(
        self, client: httpx.AsyncClient
    ) -> None:
        elsewhere = f"/workspaces/{await other_workspace(client)}"
        created = await client.post(f"{elsewhere}/cases", json=case_body())
        foreign_case = created.json()
        foreign_dropdown = (
            await client.post(
                f"{elsewhere}/case-dropdowns",
                json={
                    "name": "Foreign",
                    "ref": "foreign",
                    "options": [{"label": "x", "ref": "x"}],
                },
            )
        ).json()
        case = await create_case(client)
        dropdown = await create_dropdown(client)
        option_id = dropdown["options"][0]["id"]

        on_foreign_case = await client.put(
            f"/cases/{foreign_case['id']}/dropdowns/{dropdown['id']}",
            json={"option_id": option_id},
        )
        listing_foreign_case = await client.get(
            f"/cases/{foreign_case['id']}/dropdowns"
        )
        with_foreign_dropdown = await client.put(
            f"/cases/{case['id']}/dropdowns/{foreign_dropdown['id']}",
            json={"option_id": foreign_dropdown["options"][0]["id"]},
        )

        case_missing = {"detail": f"Case with ID {foreign_case['id']} not found"}
        assert (on_foreign_case.status_code, on_foreign_case.json()) == (
            404,
            case_missing,
        )
        assert (listing_foreign_case.status_code, listing_foreign_case.json()) == (
            404,
            case_missing,
        )
        assert (with_foreign_dropdown.status_code, with_foreign_dropdown.json()) == (
            404,
            {"detail": f"Dropdown definition {foreign_dropdown['id']} not found"},
        )
        assert await choices(client, case["id"]) == []
        assert (
            await client.get(f"{elsewhere}/cases/{foreign_case['id']}/dropdowns")
        ).json() == []

    async def test_without_credentials_both_routes_are_401(
        self, admin: Principal, anonymous: httpx.AsyncClient
    ) -> None:
        case = await create_case(admin.client)
        dropdown = await create_dropdown(admin.client)
        base = f"/workspaces/{admin.workspace_id}/cases/{case['id']}/dropdowns"

        get = await anonymous.get(base)
        put = await anonymous.put(
            f"{base}/{dropdown['id']}",
            json={"option_id": dropdown["options"][0]["id"]},
        )

        assert [(get.status_code, get.json()), (put.status_code, put.json())] == [
            (401, {"detail": "Unauthorized"}),
            (401, {"detail": "Unauthorized"}),
        ]
        assert await choices(admin.client, case["id"]) == []

    async def test_a_viewer_reads_choices_but_cannot_choose(
        self, app: FastAPI, admin: Principal
    ) -> None:
        case = await create_case(admin.client)
        dropdown = await create_dropdown(admin.client)
        benign, malicious = dropdown["options"]
        chosen = await choose(admin.client, case["id"], dropdown["id"], benign["id"])

        async with viewer_of(app, admin) as viewer:
            listed = await viewer.client.get(f"/cases/{case['id']}/dropdowns")
            response = await viewer.client.put(
                f"/cases/{case['id']}/dropdowns/{dropdown['id']}",
                json={"option_id": malicious["id"]},
            )

        assert listed.json() == [chosen]
        assert response.status_code == 403
        assert response.json()["error"]["missing_scopes"] == ["case:update"]
        assert await choices(admin.client, case["id"]) == [chosen]


class TestDefinitionChanges:
    """What happens to choices when their dropdown or option changes."""

    async def test_deleting_the_chosen_option_clears_the_choice(
        self, client: httpx.AsyncClient
    ) -> None:
        case = await create_case(client)
        dropdown = await create_dropdown(client)
        benign = dropdown["options"][0]
        chosen = await choose(client, case["id"], dropdown["id"], benign["id"])

        response = await client.delete(
            f"/case-dropdowns/{dropdown['id']}/options/{benign['id']}"
        )

        assert response.status_code == 204
        assert await choices(client, case["id"]) == [
            value_read(chosen["id"], dropdown, None)
        ]

    async def test_the_next_choice_after_a_deleted_option_has_no_old_option(
        self, client: httpx.AsyncClient
    ) -> None:
        case = await create_case(client)
        dropdown = await create_dropdown(client)
        benign, malicious = dropdown["options"]
        await choose(client, case["id"], dropdown["id"], benign["id"])
        await client.delete(f"/case-dropdowns/{dropdown['id']}/options/{benign['id']}")

        await choose(client, case["id"], dropdown["id"], malicious["id"])

        assert (await dropdown_events(client, case["id"]))[0] == event_data(
            dropdown, None, malicious
        )

    async def test_renaming_the_option_shows_in_the_choice(
        self, client: httpx.AsyncClient
    ) -> None:
        case = await create_case(client)
        dropdown = await create_dropdown(client)
        benign = dropdown["options"][0]
        chosen = await choose(client, case["id"], dropdown["id"], benign["id"])

        await client.patch(
            f"/case-dropdowns/{dropdown['id']}/options/{benign['id']}",
            json={"label": "Harmless", "color": "green"},
        )

        assert await choices(client, case["id"]) == [
            {**chosen, "option_label": "Harmless", "option_color": "green"}
        ]

    async def test_deleting_the_dropdown_removes_the_choices(
        self, client: httpx.AsyncClient
    ) -> None:
        case = await create_case(client)
        dropdown = await create_dropdown(client)
        kept = await create_dropdown(client)
        await choose(client, case["id"], dropdown["id"], dropdown["options"][0]["id"])
        other = await choose(client, case["id"], kept["id"], kept["options"][0]["id"])

        response = await client.delete(f"/case-dropdowns/{dropdown['id']}")

        assert response.status_code == 204
        assert await choices(client, case["id"]) == [other]

    async def test_deleting_the_case_removes_its_choices(
        self, client: httpx.AsyncClient
    ) -> None:
        case = await create_case(client)
        dropdown = await create_dropdown(client)
        await choose(client, case["id"], dropdown["id"], dropdown["options"][0]["id"])

        deleted = await client.delete(f"/cases/{case['id']}")
        option = await client.delete(
            f"/case-dropdowns/{dropdown['id']}/options/{dropdown['options'][0]['id']}"
        )

        assert deleted.status_code == 204
        assert option.status_code == 204
        assert (await client.get(f"/cases/{case['id']}/dropdowns")).status_code == 404
