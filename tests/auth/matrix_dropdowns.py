"""Matrix declarations for the dropdowns routes."""

from typing import Any

from tests.auth.matrix_rules import Declared, Target, scope
from tests.auth.matrix_world import Caller, World, unique


async def new_dropdown(world: World) -> dict[str, Any]:
    """A dropdown of workspace A with two options, defined by the instance admin."""
    response = await world.admin.post(
        world.in_a("/case-dropdowns"),
        json={
            "name": unique("Dropdown"),
            "ref": unique("dropdown").replace(" ", "_"),
            "icon_name": "flag",
            "options": [
                {"label": unique("First"), "ref": "first"},
                {"label": unique("Second"), "ref": "second"},
            ],
        },
    )
    assert response.status_code == 201, response.text
    return dict(response.json())


async def read_dropdown(world: World, dropdown: dict[str, Any]) -> Any:
    """The dropdown as it is now, or None once deleted."""
    response = await world.admin.get(world.in_a(f"/case-dropdowns/{dropdown['id']}"))
    return response.json() if response.status_code == 200 else None


def dropdown_data(dropdown: dict[str, Any]) -> tuple[str, ...]:
    """What a refusal must not show of a dropdown."""
    return (dropdown["name"], dropdown["ref"])


async def new_dropdown_body(world: World, caller: Caller) -> Target:
    """A dropdown to define; a refusal must not define it."""
    ref = unique("new_dropdown").replace(" ", "_")

    async def unchanged() -> bool:
        listed = await world.admin.get(world.in_a("/case-dropdowns"))
        return ref not in {item["ref"] for item in listed.json()}

    return Target(
        json={"name": unique("New dropdown"), "ref": ref},
        data=(ref,),
        unchanged=unchanged,
    )


async def standing_dropdown(world: World, caller: Caller) -> Target:
    """A dropdown of workspace A to read."""
    dropdown = await new_dropdown(world)
    return Target(
        params={"definition_id": dropdown["id"]}, data=dropdown_data(dropdown)
    )


async def changed_dropdown(world: World, caller: Caller) -> Target:
    """A dropdown of its own to change; a refusal must leave its icon."""
    dropdown = await new_dropdown(world)

    async def unchanged() -> bool:
        return bool((await read_dropdown(world, dropdown))["icon_name"] == "flag")

    return Target(
        params={"definition_id": dropdown["id"]},
        json={"icon_name": "bell"},
        data=dropdown_data(dropdown),
        unchanged=unchanged,
    )


async def doomed_dropdown(world: World, caller: Caller) -> Target:
    """A dropdown of its own for this call to delete."""
    dropdown = await new_dropdown(world)

    async def unchanged() -> bool:
        return await read_dropdown(world, dropdown) is not None

    return Target(
        params={"definition_id": dropdown["id"]},
        data=dropdown_data(dropdown),
        unchanged=unchanged,
    )


async def new_option_body(world: World, caller: Caller) -> Target:
    """An option to add to a dropdown of its own; a refusal must not add it."""
    dropdown = await new_dropdown(world)
    label = unique("New option")

    async def unchanged() -> bool:
        options = (await read_dropdown(world, dropdown))["options"]
        return label not in {option["label"] for option in options}

    return Target(
        params={"definition_id": dropdown["id"]},
        json={"label": label, "ref": "third"},
        data=(*dropdown_data(dropdown), label),
        unchanged=unchanged,
    )


async def relabelled_option(world: World, caller: Caller) -> Target:
    """An option of its own to relabel; a refusal must leave its label."""
    dropdown = await new_dropdown(world)
    option = dropdown["options"][0]

    async def unchanged() -> bool:
        options = (await read_dropdown(world, dropdown))["options"]
        return option in options

    return Target(
        params={"definition_id": dropdown["id"], "option_id": option["id"]},
        json={"label": unique("Relabelled")},
        data=(*dropdown_data(dropdown), option["label"]),
        unchanged=unchanged,
    )


async def doomed_option(world: World, caller: Caller) -> Target:
    """An option of its own for this call to delete."""
    dropdown = await new_dropdown(world)
    option = dropdown["options"][0]

    async def unchanged() -> bool:
        options = (await read_dropdown(world, dropdown))["options"]
        return option in options

    return Target(
        params={"definition_id": dropdown["id"], "option_id": option["id"]},
        data=(*dropdown_data(dropdown), option["label"]),
        unchanged=unchanged,
    )


async def reordered_options(world: World, caller: Caller) -> Target:
    """Options of its own to swap; a refusal must leave their positions."""
    dropdown = await new_dropdown(world)
    first, second = dropdown["options"]

    async def unchanged() -> bool:
        return bool((await read_dropdown(world, dropdown)) == dropdown)

    return Target(
        params={"definition_id": dropdown["id"]},
        json=[second["id"], first["id"]],
        data=dropdown_data(dropdown),
        unchanged=unchanged,
    )


async def choice_on_standing_case(world: World, caller: Caller) -> Target:
    """A dropdown of its own to choose in on the standing case; a refusal must not."""
    dropdown = await new_dropdown(world)

    async def unchanged() -> bool:
        listed = await world.admin.get(world.in_a(f"/cases/{world.case_id}/dropdowns"))
        return dropdown["id"] not in {item["definition_id"] for item in listed.json()}

    return Target(
        params={"definition_id": dropdown["id"]},
        json={"option_id": dropdown["options"][0]["id"]},
        data=(*dropdown_data(dropdown), dropdown["options"][0]["label"]),
        unchanged=unchanged,
    )


DECLARED: dict[tuple[str, str], Declared] = {
    ("GET", "/case-dropdowns"): Declared(scope("case:read")),
    ("POST", "/case-dropdowns"): Declared(scope("case:create"), new_dropdown_body),
    ("GET", "/case-dropdowns/{definition_id}"): Declared(
        scope("case:read"), standing_dropdown
    ),
    ("PATCH", "/case-dropdowns/{definition_id}"): Declared(
        scope("case:update"), changed_dropdown
    ),
    ("DELETE", "/case-dropdowns/{definition_id}"): Declared(
        scope("case:delete"), doomed_dropdown
    ),
    ("POST", "/case-dropdowns/{definition_id}/options"): Declared(
        scope("case:create"), new_option_body
    ),
    ("PATCH", "/case-dropdowns/{definition_id}/options/{option_id}"): Declared(
        scope("case:update"), relabelled_option
    ),
    ("DELETE", "/case-dropdowns/{definition_id}/options/{option_id}"): Declared(
        scope("case:delete"), doomed_option
    ),
    ("PUT", "/case-dropdowns/{definition_id}/options/reorder"): Declared(
        scope("case:update"), reordered_options
    ),
    ("GET", "/cases/{case_id}/dropdowns"): Declared(scope("case:read")),
    ("PUT", "/cases/{case_id}/dropdowns/{definition_id}"): Declared(
        scope("case:update"), choice_on_standing_case
    ),
}
