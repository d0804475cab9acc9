"""Dropdown definitions and their options: shapes, refs, order and refusals."""

import uuid
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from tests.dropdowns.helpers import (
    create_dropdown,
    dropdown_body,
    other_workspace,
    unique,
    unique_ref,
    viewer_of,
)
from tests.factories import Principal

OPTION_KEYS = {"id", "label", "ref", "icon_name", "color", "position"}


async def refs_listed(client: httpx.AsyncClient) -> list[str]:
    """The refs of every dropdown of the workspace, in list order."""
    response = await client.get("/case-dropdowns")
    assert response.status_code == 200, response.text
    return [item["ref"] for item in response.json()]


async def read(client: httpx.AsyncClient, dropdown: dict[str, Any]) -> Any:
    """A dropdown as `GET /case-dropdowns/{id}` answers it now."""
    response = await client.get(f"/case-dropdowns/{dropdown['id']}")
    assert response.status_code == 200, response.text
    return response.json()


class TestCreate:
    """POST /case-dropdowns."""

    async def test_answers_201_with_the_dropdown_and_its_options(
        self, admin: Principal
    ) -> None:
        body = dropdown_body(
            icon_name="gavel", is_ordered=True, required_on_closure=True, position=3
        )

        response = await admin.client.post("/case-dropdowns", json=body)

        assert response.status_code == 201
        created = response.json()
        assert response.headers["Location"] == (
            f"/workspaces/{admin.workspace_id}/case-dropdowns/{created['id']}"
        )
        benign, malicious = created.pop("options")
        assert created == {
            "id": created["id"],
            "name": body["name"],
            "ref": body["ref"],
            "icon_name": "gavel",
            "is_ordered": True,
            "required_on_closure": True,
            "position": 3,
        }
        assert set(benign) == OPTION_KEYS
        assert benign == {
            "id": benign["id"],
            "label": "Benign",
            "ref": "benign",
            "icon_name": None,
            "color": None,
            "position": 0,
        }
        assert malicious == {
            "id": malicious["id"],
            "label": "Malicious",
            "ref": "malicious",
            "icon_name": None,
            "color": "#d00",
            "position": 0,
        }
        assert await read(admin.client, created) == {
            **created,
            "options": [benign, malicious],
        }

    async def test_defaults_apply_to_a_bare_body(
        self, client: httpx.AsyncClient
    ) -> None:
        body = {"name": unique("Bare"), "ref": unique_ref("bare")}

        response = await client.post("/case-dropdowns", json=body)

        assert response.status_code == 201
        assert response.json() == {
            "id": response.json()["id"],
            **body,
            "icon_name": None,
            "is_ordered": False,
            "required_on_closure": False,
            "position": 0,
            "options": [],
        }

    async def test_the_ref_is_trimmed(self, client: httpx.AsyncClient) -> None:
        ref = unique_ref("padded")

        created = await create_dropdown(client, ref=f"  {ref}\t")

        assert created["ref"] == ref

    async def test_a_taken_ref_is_409_and_creates_nothing(
        self, client: httpx.AsyncClient
    ) -> None:
        first = await create_dropdown(client)

        response = await client.post(
            "/case-dropdowns", json=dropdown_body(ref=f" {first['ref']} ")
        )

        assert response.status_code == 409
        assert response.json() == {
            "detail": "Dropdown definition with this ref already exists"
        }
        assert await refs_listed(client) == [first["ref"]]

    async def test_a_ref_of_white_space_is_409(self, client: httpx.AsyncClient) -> None:
        response = await client.post("/case-dropdowns", json=dropdown_body(ref="   "))

        assert response.status_code == 409
        assert response.json() == {"detail": "Dropdown reference cannot be empty"}
        assert await refs_listed(client) == []

    async def test_a_name_of_white_space_is_409(
        self, client: httpx.AsyncClient
    ) -> None:
        response = await client.post("/case-dropdowns", json=dropdown_body(name=" "))

        assert response.status_code == 409
        assert response.json() == {"detail": "Dropdown name cannot be empty"}

    async def test_two_options_with_one_ref_are_409_and_create_nothing(
        self, client: httpx.AsyncClient
    ) -> None:
        options = [{"label": "One", "ref": "same"}, {"label": "Two", "ref": "same"}]

        response = await client.post(
            "/case-dropdowns", json=dropdown_body(options=options)
        )

        assert response.status_code == 409
        assert response.json() == {
            "detail": "Option with this ref already exists for this dropdown"
        }
        assert await refs_listed(client) == []

    async def test_texts_of_the_maximum_length_are_accepted(
        self, client: httpx.AsyncClient
    ) -> None:
        option = {"label": "L" * 255, "ref": "r" * 255, "color": "c" * 50}
        body = dropdown_body(
            name="N" * 255, ref="x" * 255, icon_name="i" * 100, options=[option]
        )

        response = await client.post("/case-dropdowns", json=body)

        assert response.status_code == 201, response.text
        assert response.json()["options"][0]["label"] == "L" * 255

    @pytest.mark.parametrize(
        ("override", "loc"),
        [
            ({"name": "N" * 256}, ["body", "name"]),
            ({"ref": "r" * 256}, ["body", "ref"]),
            ({"icon_name": "i" * 101}, ["body", "icon_name"]),
            ({"name": ""}, ["body", "name"]),
            ({"ref": ""}, ["body", "ref"]),
            ({"name": "bad\x00name"}, ["body", "name"]),
            ({"ref": "bad\x00ref"}, ["body", "ref"]),
            ({"position": 2**31}, ["body", "position"]),
            ({"is_ordered": "sometimes"}, ["body", "is_ordered"]),
            ({"options": {"label": "x"}}, ["body", "options"]),
            (
                {"options": [{"label": "L" * 256, "ref": "x"}]},
                ["body", "options", 0, "label"],
            ),
            (
                {"options": [{"label": "x", "ref": "x", "color": "c" * 51}]},
                ["body", "options", 0, "color"],
            ),
            (
                {"options": [{"label": "x", "ref": "x", "icon_name": "i" * 101}]},
                ["body", "options", 0, "icon_name"],
            ),
            (
                {"options": [{"label": "nul\x00", "ref": "x"}]},
                ["body", "options", 0, "label"],
            ),
            (
                {"options": [{"label": "x", "ref": "x", "weight": 1}]},
                ["body", "options", 0, "weight"],
            ),
            ({"colour": "red"}, ["body", "colour"]),
        ],
    )
    async def test_invalid_bodies_are_422_and_create_nothing(
        self, client: httpx.AsyncClient, override: dict[str, Any], loc: list[Any]
    ) -> None:
        response = await client.post("/case-dropdowns", json=dropdown_body(**override))

        assert response.status_code == 422
        assert [error["loc"] for error in response.json()["detail"]] == [loc]
        assert await refs_listed(client) == []

    async def test_a_missing_ref_is_422(self, client: httpx.AsyncClient) -> None:
        response = await client.post("/case-dropdowns", json={"name": unique("x")})

        assert response.status_code == 422
        assert response.json()["detail"][0]["loc"] == ["body", "ref"]

    async def test_malformed_json_is_422(self, client: httpx.AsyncClient) -> None:
        response = await client.post(
            "/case-dropdowns",
            content=b'{"name": "x", ',
            headers={"Content-Type": "application/json"},
        )

        assert response.status_code == 422
        assert response.json()["detail"][0]["type"] == "json_invalid"


class TestRead:
    """GET /case-dropdowns and GET /case-dropdowns/{id}."""

    async def test_list_orders_by_position_then_creation(
        self, client: httpx.AsyncClient
    ) -> None:
        late = await create_dropdown(client, position=1)
        first = await create_dropdown(client, position=0)
        second = await create_dropdown(client, position=0)
        early = await create_dropdown(client, position=-1)

        assert await refs_listed(client) == [
            early["ref"],
            first["ref"],
            second["ref"],
            late["ref"],
        ]

    async def test_list_shows_each_dropdown_with_its_options(
        self, client: httpx.AsyncClient
    ) -> None:
        created = await create_dropdown(client)

        response = await client.get("/case-dropdowns")

        assert response.status_code == 200
        assert response.json() == [created]

    async def test_options_list_by_position_then_creation(
        self, client: httpx.AsyncClient
    ) -> None:
        options = [
            {"label": "Third", "ref": "third", "position": 2},
            {"label": "First", "ref": "first", "position": 0},
            {"label": "Second", "ref": "second", "position": 0},
        ]
        created = await create_dropdown(client, options=options)

        listed = (await read(client, created))["options"]

        assert [option["ref"] for option in created["options"]] == [
            "first",
            "second",
            "third",
        ]
        assert listed == created["options"]

    async def test_get_of_an_unknown_dropdown_is_404(
        self, client: httpx.AsyncClient
    ) -> None:
        missing = uuid.uuid4()

        response = await client.get(f"/case-dropdowns/{missing}")

        assert response.status_code == 404
        assert response.json() == {"detail": f"Dropdown definition {missing} not found"}

    async def test_a_malformed_id_is_422(self, client: httpx.AsyncClient) -> None:
        response = await client.get("/case-dropdowns/not-a-uuid")

        assert response.status_code == 422
        assert response.json()["detail"][0]["loc"] == ["path", "definition_id"]


class TestUpdate:
    """PATCH /case-dropdowns/{id}."""

    async def test_a_new_name_without_ref_regenerates_it_with_underscores(
        self, client: httpx.AsyncClient
    ) -> None:
        created = await create_dropdown(client, name="Verdict", ref="verdict")

        response = await client.patch(
            f"/case-dropdowns/{created['id']}", json={"name": "Triage Decision"}
        )

        assert response.status_code == 200
        assert response.json() == {
            **created,
            "name": "Triage Decision",
            "ref": "triage_decision",
        }
        assert await read(client, created) == response.json()

    @pytest.mark.parametrize(
        ("name", "ref"),
        [
            ("  Ticket -- Type!! ", "ticket_type"),
            ("Sévérité de l'alerte", "severite_de_lalerte"),
            ("Step 2 / Phase_B", "step_2_phase_b"),
        ],
    )
    async def test_the_regenerated_ref_is_a_slug(
        self, client: httpx.AsyncClient, name: str, ref: str
    ) -> None:
        created = await create_dropdown(client)

        response = await client.patch(
            f"/case-dropdowns/{created['id']}", json={"name": name}
        )

        assert response.status_code == 200
        assert (response.json()["name"], response.json()["ref"]) == (name, ref)

    async def test_a_name_with_a_ref_keeps_the_trimmed_ref(
        self, client: httpx.AsyncClient
    ) -> None:
        created = await create_dropdown(client)
        ref = unique_ref("chosen")

        response = await client.patch(
            f"/case-dropdowns/{created['id']}",
            json={"name": "Triage Decision", "ref": f"  {ref} "},
        )

        assert response.status_code == 200
        assert (response.json()["name"], response.json()["ref"]) == (
            "Triage Decision",
            ref,
        )

    async def test_other_keys_keep_name_ref_and_options(
        self, client: httpx.AsyncClient
    ) -> None:
        created = await create_dropdown(client, icon_name="flag")

        response = await client.patch(
            f"/case-dropdowns/{created['id']}",
            json={
                "icon_name": None,
                "is_ordered": True,
                "required_on_closure": True,
                "position": 7,
            },
        )

        assert response.status_code == 200
        assert response.json() == {
            **created,
            "icon_name": None,
            "is_ordered": True,
            "required_on_closure": True,
            "position": 7,
        }

    async def test_an_empty_body_changes_nothing(
        self, client: httpx.AsyncClient
    ) -> None:
        created = await create_dropdown(client)

        response = await client.patch(f"/case-dropdowns/{created['id']}", json={})

        assert response.status_code == 200
        assert response.json() == created

    @pytest.mark.parametrize(
        ("body", "detail"),
        [
            ({"name": "%%% !!!"}, "Dropdown name must produce a valid reference"),
            ({"name": "日本語"}, "Dropdown name must produce a valid reference"),
            ({"ref": "   "}, "Dropdown reference cannot be empty"),
            ({"ref": ""}, "Dropdown reference cannot be empty"),
            ({"ref": None}, "Dropdown reference cannot be empty"),
            ({"name": "Fine", "ref": " "}, "Dropdown reference cannot be empty"),
            ({"name": None}, "Dropdown name cannot be empty"),
            ({"name": "  ", "ref": "fine"}, "Dropdown name cannot be empty"),
        ],
    )
    async def test_invalid_names_and_refs_are_409_and_change_nothing(
        self, client: httpx.AsyncClient, body: dict[str, Any], detail: str
    ) -> None:
        created = await create_dropdown(client)

        response = await client.patch(f"/case-dropdowns/{created['id']}", json=body)

        assert response.status_code == 409
        assert response.json() == {"detail": detail}
        assert await read(client, created) == created

    async def test_a_ref_taken_by_another_dropdown_is_409(
        self, client: httpx.AsyncClient
    ) -> None:
        taken = await create_dropdown(client)
        created = await create_dropdown(client)

        response = await client.patch(
            f"/case-dropdowns/{created['id']}", json={"ref": taken["ref"]}
        )

        assert response.status_code == 409
        assert response.json() == {
            "detail": "Dropdown definition with this ref already exists"
        }
        assert await read(client, created) == created

    async def test_a_rename_onto_a_taken_ref_is_409(
        self, client: httpx.AsyncClient
    ) -> None:
        await create_dropdown(client, name="Other", ref="triage_decision")
        created = await create_dropdown(client)

        response = await client.patch(
            f"/case-dropdowns/{created['id']}", json={"name": "Triage Decision"}
        )

        assert response.status_code == 409
        assert response.json() == {
            "detail": "Dropdown definition with this ref already exists"
        }
        assert await read(client, created) == created

    async def test_keeping_its_own_ref_is_allowed(
        self, client: httpx.AsyncClient
    ) -> None:
        created = await create_dropdown(client)

        response = await client.patch(
            f"/case-dropdowns/{created['id']}",
            json={"name": "Renamed", "ref": created["ref"]},
        )

        assert response.status_code == 200
        assert response.json() == {**created, "name": "Renamed"}

    @pytest.mark.parametrize(
        "body",
        [
            {"is_ordered": None},
            {"required_on_closure": None},
            {"position": None},
            {"name": "N" * 256},
            {"ref": "r" * 256},
            {"icon_name": "i" * 101},
            {"name": "nul\x00"},
            {"options": []},
        ],
    )
    async def test_invalid_bodies_are_422_and_change_nothing(
        self, client: httpx.AsyncClient, body: dict[str, Any]
    ) -> None:
        created = await create_dropdown(client)

        response = await client.patch(f"/case-dropdowns/{created['id']}", json=body)

        assert response.status_code == 422
        assert response.json()["detail"][0]["loc"] == ["body", *body]
        assert await read(client, created) == created

    async def test_patch_of_an_unknown_dropdown_is_404(
        self, client: httpx.AsyncClient
    ) -> None:
        missing = uuid.uuid4()

        response = await client.patch(
            f"/case-dropdowns/{missing}", json={"position": 1}
        )

        assert response.status_code == 404
        assert response.json() == {"detail": f"Dropdown definition {missing} not found"}


class TestDelete:
    """DELETE /case-dropdowns/{id}."""

    async def test_answers_204_and_the_dropdown_is_gone(
        self, client: httpx.AsyncClient
    ) -> None:
        created = await create_dropdown(client)

        response = await client.delete(f"/case-dropdowns/{created['id']}")

        assert response.status_code == 204
        assert response.content == b""
        assert (await client.get(f"/case-dropdowns/{created['id']}")).status_code == 404
        assert await refs_listed(client) == []

    async def test_its_options_go_with_it(self, client: httpx.AsyncClient) -> None:
        created = await create_dropdown(client)
        option = created["options"][0]
        await client.delete(f"/case-dropdowns/{created['id']}")

        response = await client.patch(
            f"/case-dropdowns/{created['id']}/options/{option['id']}",
            json={"label": "Back"},
        )

        assert response.status_code == 404
        assert response.json() == {
            "detail": f"Dropdown definition {created['id']} not found"
        }

    async def test_delete_of_an_unknown_dropdown_is_404(
        self, client: httpx.AsyncClient
    ) -> None:
        missing = uuid.uuid4()

        response = await client.delete(f"/case-dropdowns/{missing}")

        assert response.status_code == 404
        assert response.json() == {"detail": f"Dropdown definition {missing} not found"}


class TestOptions:
    """POST, PATCH and DELETE /case-dropdowns/{id}/options/…"""

    async def test_adding_answers_201_with_the_option(
        self, client: httpx.AsyncClient
    ) -> None:
        created = await create_dropdown(client)

        response = await client.post(
            f"/case-dropdowns/{created['id']}/options",
            json={
                "label": "Needs review",
                "ref": "needs_review",
                "icon_name": "eye",
                "color": "amber",
                "position": 5,
            },
        )

        assert response.status_code == 201
        option = response.json()
        assert option == {
            "id": option["id"],
            "label": "Needs review",
            "ref": "needs_review",
            "icon_name": "eye",
            "color": "amber",
            "position": 5,
        }
        assert (await read(client, created))["options"] == [
            *created["options"],
            option,
        ]

    async def test_a_ref_taken_in_the_same_dropdown_is_409(
        self, client: httpx.AsyncClient
    ) -> None:
        created = await create_dropdown(client)

        response = await client.post(
            f"/case-dropdowns/{created['id']}/options",
            json={"label": "Again", "ref": "benign"},
        )

        assert response.status_code == 409
        assert response.json() == {
            "detail": "Option with this ref already exists for this dropdown"
        }
        assert await read(client, created) == created

    async def test_a_ref_of_another_dropdown_may_be_reused(
        self, client: httpx.AsyncClient
    ) -> None:
        await create_dropdown(client)
        other = await create_dropdown(client, options=[])

        response = await client.post(
            f"/case-dropdowns/{other['id']}/options",
            json={"label": "Benign", "ref": "benign"},
        )

        assert response.status_code == 201

    async def test_adding_to_an_unknown_dropdown_is_404(
        self, client: httpx.AsyncClient
    ) -> None:
        missing = uuid.uuid4()

        response = await client.post(
            f"/case-dropdowns/{missing}/options", json={"label": "x", "ref": "x"}
        )

        assert response.status_code == 404
        assert response.json() == {"detail": f"Dropdown definition {missing} not found"}

    @pytest.mark.parametrize(
        "body",
        [
            {"label": "L" * 256, "ref": "x"},
            {"label": "x", "ref": "r" * 256},
            {"label": "x", "ref": "x", "color": "c" * 51},
            {"label": "x", "ref": "x", "icon_name": "i" * 101},
            {"label": "x\x00", "ref": "x"},
            {"label": "", "ref": "x"},
            {"label": "x"},
            {"label": "x", "ref": "x", "extra": True},
        ],
    )
    async def test_invalid_option_bodies_are_422(
        self, client: httpx.AsyncClient, body: dict[str, Any]
    ) -> None:
        created = await create_dropdown(client)

        response = await client.post(
            f"/case-dropdowns/{created['id']}/options", json=body
        )

        assert response.status_code == 422
        assert await read(client, created) == created

    async def test_updating_answers_200_with_the_option(
        self, client: httpx.AsyncClient
    ) -> None:
        created = await create_dropdown(client)
        benign, malicious = created["options"]

        response = await client.patch(
            f"/case-dropdowns/{created['id']}/options/{malicious['id']}",
            json={"label": "Evil", "color": None, "icon_name": "skull", "position": 9},
        )

        assert response.status_code == 200
        changed = {
            **malicious,
            "label": "Evil",
            "color": None,
            "icon_name": "skull",
            "position": 9,
        }
        assert response.json() == changed
        assert (await read(client, created))["options"] == [benign, changed]

    async def test_updating_onto_a_taken_ref_is_409(
        self, client: httpx.AsyncClient
    ) -> None:
        created = await create_dropdown(client)
        _, malicious = created["options"]

        response = await client.patch(
            f"/case-dropdowns/{created['id']}/options/{malicious['id']}",
            json={"ref": "benign"},
        )

        assert response.status_code == 409
        assert response.json() == {
            "detail": "Option with this ref already exists for this dropdown"
        }
        assert await read(client, created) == created

    @pytest.mark.parametrize(
        "body",
        [{"label": None}, {"ref": None}, {"position": None}, {"label": "L" * 256}],
    )
    async def test_invalid_option_updates_are_422(
        self, client: httpx.AsyncClient, body: dict[str, Any]
    ) -> None:
        created = await create_dropdown(client)
        option = created["options"][0]

        response = await client.patch(
            f"/case-dropdowns/{created['id']}/options/{option['id']}", json=body
        )

        assert response.status_code == 422
        assert await read(client, created) == created

    async def test_an_option_of_another_dropdown_is_404(
        self, client: httpx.AsyncClient
    ) -> None:
        created = await create_dropdown(client)
        other = await create_dropdown(client)
        foreign = other["options"][0]
        path = f"/case-dropdowns/{created['id']}/options/{foreign['id']}"
        detail = {
            "detail": f"Dropdown option {foreign['id']} not found "
            f"for definition {created['id']}"
        }

        patched = await client.patch(path, json={"label": "Stolen"})
        deleted = await client.delete(path)

        assert (patched.status_code, patched.json()) == (404, detail)
        assert (deleted.status_code, deleted.json()) == (404, detail)
        assert await read(client, other) == other

    async def test_deleting_answers_204_and_the_option_is_gone(
        self, client: httpx.AsyncClient
    ) -> None:
        created = await create_dropdown(client)
        benign, malicious = created["options"]
        path = f"/case-dropdowns/{created['id']}/options/{benign['id']}"

        response = await client.delete(path)
        again = await client.delete(path)

        assert response.status_code == 204
        assert (await read(client, created))["options"] == [malicious]
        assert again.status_code == 404
        assert again.json() == {
            "detail": f"Dropdown option {benign['id']} not found "
            f"for definition {created['id']}"
        }


class TestReorder:
    """PUT /case-dropdowns/{id}/options/reorder."""

    async def test_positions_become_the_array_indexes(
        self, client: httpx.AsyncClient
    ) -> None:
        options = [{"label": name, "ref": name} for name in ("a", "b", "c")]
        created = await create_dropdown(client, options=options)
        a, b, c = created["options"]

        response = await client.put(
            f"/case-dropdowns/{created['id']}/options/reorder",
            json=[c["id"], a["id"], str(uuid.uuid4()), b["id"]],
        )

        assert response.status_code == 204
        assert response.content == b""
        assert (await read(client, created))["options"] == [
            {**c, "position": 0},
            {**a, "position": 1},
            {**b, "position": 3},
        ]

    async def test_options_not_listed_keep_their_position(
        self, client: httpx.AsyncClient
    ) -> None:
        created = await create_dropdown(client)
        other = await create_dropdown(client)
        benign, malicious = created["options"]

        response = await client.put(
            f"/case-dropdowns/{created['id']}/options/reorder",
            json=[other["options"][0]["id"], malicious["id"]],
        )

        assert response.status_code == 204
        assert (await read(client, created))["options"] == [
            benign,
            {**malicious, "position": 1},
        ]
        assert await read(client, other) == other

    async def test_an_empty_array_changes_nothing(
        self, client: httpx.AsyncClient
    ) -> None:
        created = await create_dropdown(client)

        response = await client.put(
            f"/case-dropdowns/{created['id']}/options/reorder", json=[]
        )

        assert response.status_code == 204
        assert await read(client, created) == created

    async def test_reordering_more_than_a_thousand_ids_is_422(
        self, client: httpx.AsyncClient
    ) -> None:
        created = await create_dropdown(client)
        ids = [str(uuid.uuid4()) for _ in range(1001)]

        response = await client.put(
            f"/case-dropdowns/{created['id']}/options/reorder", json=ids
        )

        assert response.status_code == 422
        assert response.json()["detail"][0]["type"] == "too_long"
        assert await read(client, created) == created

    async def test_reordering_an_unknown_dropdown_is_404(
        self, client: httpx.AsyncClient
    ) -> None:
        missing = uuid.uuid4()

        response = await client.put(
            f"/case-dropdowns/{missing}/options/reorder", json=[str(uuid.uuid4())]
        )

        assert response.status_code == 404
        assert response.json() == {"detail": f"Dropdown definition {missing} not found"}

    @pytest.mark.parametrize("body", [{"ids": []}, ["not-a-uuid"], "x", None])
    async def test_a_body_that_is_not_an_array_of_ids_is_422(
        self, client: httpx.AsyncClient, body: Any
    ) -> None:
        created = await create_dropdown(client)

        response = await client.put(
            f"/case-dropdowns/{created['id']}/options/reorder", json=body
        )

        assert response.status_code == 422
        assert await read(client, created) == created


class TestWorkspaces:
    """Dropdowns belong to one workspace."""

    async def test_another_workspace_neither_sees_nor_changes_them(
        self, client: httpx.AsyncClient
    ) -> None:
        created = await create_dropdown(client)
        option = created["options"][0]
        elsewhere = f"/workspaces/{await other_workspace(client)}/case-dropdowns"
        missing = {"detail": f"Dropdown definition {created['id']} not found"}

        answers = [
            await client.get(f"{elsewhere}/{created['id']}"),
            await client.patch(f"{elsewhere}/{created['id']}", json={"name": "Mine"}),
            await client.delete(f"{elsewhere}/{created['id']}"),
            await client.post(
                f"{elsewhere}/{created['id']}/options", json={"label": "x", "ref": "x"}
            ),
            await client.patch(
                f"{elsewhere}/{created['id']}/options/{option['id']}",
                json={"label": "Mine"},
            ),
            await client.delete(f"{elsewhere}/{created['id']}/options/{option['id']}"),
            await client.put(
                f"{elsewhere}/{created['id']}/options/reorder", json=[option["id"]]
            ),
        ]

        assert [(answer.status_code, answer.json()) for answer in answers] == [
            (404, missing)
        ] * len(answers)
        assert (await client.get(elsewhere)).json() == []
        assert await read(client, created) == created

    async def test_the_same_ref_may_exist_in_two_workspaces(
        self, client: httpx.AsyncClient
    ) -> None:
        created = await create_dropdown(client)
        elsewhere = f"/workspaces/{await other_workspace(client)}/case-dropdowns"

        response = await client.post(elsewhere, json=dropdown_body(ref=created["ref"]))

        assert response.status_code == 201


class TestCallers:
    """Who may define dropdowns."""

    async def test_without_credentials_every_route_is_401(
        self, admin: Principal, anonymous: httpx.AsyncClient
    ) -> None:
        created = await create_dropdown(admin.client)
        option = created["options"][0]
        base = f"/workspaces/{admin.workspace_id}/case-dropdowns"
        calls = [
            ("GET", base, None),
            ("POST", base, dropdown_body()),
            ("GET", f"{base}/{created['id']}", None),
            ("PATCH", f"{base}/{created['id']}", {"name": "x"}),
            ("DELETE", f"{base}/{created['id']}", None),
            ("POST", f"{base}/{created['id']}/options", {"label": "x", "ref": "x"}),
            ("PATCH", f"{base}/{created['id']}/options/{option['id']}", {"label": "x"}),
            ("DELETE", f"{base}/{created['id']}/options/{option['id']}", None),
            ("PUT", f"{base}/{created['id']}/options/reorder", [option["id"]]),
        ]

        answers = [
            await anonymous.request(method, path, json=body)
            for method, path, body in calls
        ]

        assert [(answer.status_code, answer.json()) for answer in answers] == [
            (401, {"detail": "Unauthorized"})
        ] * len(calls)
        assert await read(admin.client, created) == created

    async def test_a_viewer_reads_but_cannot_write(
        self, app: FastAPI, admin: Principal
    ) -> None:
        created = await create_dropdown(admin.client)
        option = created["options"][0]
        path = f"/case-dropdowns/{created['id']}"

        async with viewer_of(app, admin) as viewer:
            listed = await viewer.client.get("/case-dropdowns")
            answers = [
                await viewer.client.post("/case-dropdowns", json=dropdown_body()),
                await viewer.client.patch(path, json={"name": "Viewer's"}),
                await viewer.client.delete(path),
                await viewer.client.post(
                    f"{path}/options", json={"label": "x", "ref": "x"}
                ),
                await viewer.client.patch(
                    f"{path}/options/{option['id']}", json={"label": "x"}
                ),
                await viewer.client.delete(f"{path}/options/{option['id']}"),
                await viewer.client.put(f"{path}/options/reorder", json=[]),
            ]

        assert listed.json() == [created]
        assert [answer.status_code for answer in answers] == [403] * len(answers)
        assert [answer.json()["error"]["missing_scopes"] for answer in answers] == [
            ["case:create"],
            ["case:update"],
            ["case:delete"],
            ["case:create"],
            ["case:update"],
            ["case:delete"],
            ["case:update"],
        ]
        assert await refs_listed(admin.client) == [created["ref"]]
        assert await read(admin.client, created) == created


async def test_a_dropdown_of_more_than_a_thousand_options_is_422(
    client: httpx.AsyncClient,
) -> None:
    options = [{"label": f"o{index}", "ref": f"o{index}"} for index in range(1001)]

    response = await client.post(
        "/case-dropdowns",
        json={"name": "Too many", "ref": "too_many", "options": options},
    )

    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "options"]
    listed = await client.get("/case-dropdowns")
    assert "too_many" not in {item["ref"] for item in listed.json()}
