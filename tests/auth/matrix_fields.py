"""Matrix declarations for the fields routes."""

import uuid
from typing import Any

from tests.auth.matrix_rules import Declared, Target, scope
from tests.auth.matrix_world import Caller, World


def field_name() -> str:
    """A field name no other cell uses."""
    return f"matrix_{uuid.uuid4().hex[:12]}"


async def listed_fields(world: World) -> dict[str, Any]:
    """Workspace A's fields by name, as the instance admin lists them."""
    response = await world.admin.get(world.in_a("/case-fields"))
    assert response.status_code == 200, response.text
    return {item["id"]: item for item in response.json()}


async def new_field(world: World) -> str:
    """A TEXT field of workspace A shown as `Before`; its name."""
    name = field_name()
    response = await world.admin.post(
        world.in_a("/case-fields"),
        json={"name": name, "type": "TEXT", "display_name": "Before"},
    )
    assert response.status_code == 201, response.text
    return name


async def new_field_body(world: World, caller: Caller) -> Target:
    """A field to define; a refusal must not define it."""
    name = field_name()

    async def unchanged() -> bool:
        return name not in await listed_fields(world)

    return Target(
        json={"name": name, "type": "INTEGER"}, data=(name,), unchanged=unchanged
    )


async def renamed_display(world: World, caller: Caller) -> Target:
    """A field of its own to relabel; a refusal must leave its display name."""
    name = await new_field(world)

    async def unchanged() -> bool:
        return bool((await listed_fields(world))[name]["display_name"] == "Before")

    return Target(
        params={"field_id": name},
        json={"display_name": "After"},
        data=(name,),
        unchanged=unchanged,
    )


async def doomed_field(world: World, caller: Caller) -> Target:
    """A field of its own for this call to delete."""
    name = await new_field(world)

    async def unchanged() -> bool:
        return name in await listed_fields(world)

    return Target(params={"field_id": name}, data=(name,), unchanged=unchanged)


DECLARED: dict[tuple[str, str], Declared] = {
    ("GET", "/case-fields"): Declared(scope("case:read")),
    ("POST", "/case-fields"): Declared(scope("case:create"), new_field_body),
    ("PATCH", "/case-fields/{field_id}"): Declared(
        scope("case:update"), renamed_display
    ),
    ("DELETE", "/case-fields/{field_id}"): Declared(scope("case:delete"), doomed_field),
}
