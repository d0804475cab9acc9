"""Matrix declarations for the durations routes."""

from typing import Any

from tests.auth.matrix_rules import Declared, Target, scope
from tests.auth.matrix_world import Caller, World, unique

CASE_CREATED = {"event_type": "case_created"}
CLOSED = {"event_type": "status_changed", "filters": {"new_values": ["closed"]}}


async def new_definition(world: World) -> dict[str, Any]:
    """A duration definition of workspace A; every case gets a duration of it."""
    response = await world.admin.post(
        world.in_a("/case-durations"),
        json={
            "name": unique("Duration"),
            "description": "Matrix target",
            "start_anchor": CASE_CREATED,
            "end_anchor": CLOSED,
        },
    )
    assert response.status_code == 201, response.text
    return dict(response.json())


async def duration_on_standing_case(
    world: World, definition: dict[str, Any]
) -> dict[str, Any] | None:
    """The standing case's duration for the definition, if it has one."""
    listed = await world.admin.get(world.in_a(f"/cases/{world.case_id}/durations"))
    assert listed.status_code == 200, listed.text
    for duration in listed.json():
        if duration["definition_id"] == definition["id"]:
            return dict(duration)
    return None


async def new_definition_body(world: World, caller: Caller) -> Target:
    """A definition to create; a refusal must not create it."""
    name = unique("New duration")

    async def unchanged() -> bool:
        listed = await world.admin.get(world.in_a("/case-durations"))
        return name not in {definition["name"] for definition in listed.json()}

    return Target(
        json={"name": name, "start_anchor": CASE_CREATED, "end_anchor": CLOSED},
        data=(name,),
        unchanged=unchanged,
    )


async def standing_definition(world: World, caller: Caller) -> Target:
    """A definition of workspace A to read."""
    definition = await new_definition(world)
    return Target(
        params={"definition_id": definition["id"]}, data=(definition["name"],)
    )


async def described_definition(world: World, caller: Caller) -> Target:
    """A definition of its own to describe anew; a refusal must not."""
    definition = await new_definition(world)
    description = unique("New description")

    async def unchanged() -> bool:
        read = await world.admin.get(world.in_a(f"/case-durations/{definition['id']}"))
        return bool(read.json()["description"] != description)

    return Target(
        params={"definition_id": definition["id"]},
        json={"description": description},
        data=(definition["name"],),
        unchanged=unchanged,
    )


async def doomed_definition(world: World, caller: Caller) -> Target:
    """A definition of its own for this call to delete."""
    definition = await new_definition(world)

    async def unchanged() -> bool:
        read = await world.admin.get(world.in_a(f"/case-durations/{definition['id']}"))
        return read.status_code == 200

    return Target(
        params={"definition_id": definition["id"]},
        data=(definition["name"],),
        unchanged=unchanged,
    )


async def unmeasured_definition(world: World, caller: Caller) -> Target:
    """A definition whose duration the standing case lacks; a refusal adds none."""
    definition = await new_definition(world)
    duration = await duration_on_standing_case(world, definition)
    assert duration is not None
    response = await world.admin.delete(
        world.in_a(f"/cases/{world.case_id}/durations/{duration['id']}")
    )
    assert response.status_code == 204, response.text

    async def unchanged() -> bool:
        return await duration_on_standing_case(world, definition) is None

    return Target(
        json={"definition_id": definition["id"], "duration": "PT1H"},
        data=(definition["name"],),
        unchanged=unchanged,
    )


async def standing_duration(world: World, caller: Caller) -> Target:
    """A duration of the standing case to read."""
    duration = await duration_on_standing_case(world, await new_definition(world))
    assert duration is not None
    return Target(params={"duration_id": duration["id"]})


async def edited_duration(world: World, caller: Caller) -> Target:
    """A duration of its own on the standing case to set; a refusal must not."""
    duration = await duration_on_standing_case(world, await new_definition(world))
    assert duration is not None

    async def unchanged() -> bool:
        read = await world.admin.get(
            world.in_a(f"/cases/{world.case_id}/durations/{duration['id']}")
        )
        return bool(read.json()["duration"] != "PT7H")

    return Target(
        params={"duration_id": duration["id"]},
        json={"duration": "PT7H"},
        unchanged=unchanged,
    )


async def doomed_duration(world: World, caller: Caller) -> Target:
    """A duration of its own on the standing case for this call to delete."""
    duration = await duration_on_standing_case(world, await new_definition(world))
    assert duration is not None

    async def unchanged() -> bool:
        read = await world.admin.get(
            world.in_a(f"/cases/{world.case_id}/durations/{duration['id']}")
        )
        return read.status_code == 200

    return Target(params={"duration_id": duration["id"]}, unchanged=unchanged)


DECLARED: dict[tuple[str, str], Declared] = {
    ("GET", "/case-durations"): Declared(scope("case:read")),
    ("POST", "/case-durations"): Declared(scope("case:create"), new_definition_body),
    ("GET", "/case-durations/{definition_id}"): Declared(
        scope("case:read"), standing_definition
    ),
    ("PATCH", "/case-durations/{definition_id}"): Declared(
        scope("case:update"), described_definition
    ),
    ("DELETE", "/case-durations/{definition_id}"): Declared(
        scope("case:delete"), doomed_definition
    ),
    ("GET", "/cases/{case_id}/durations"): Declared(scope("case:read")),
    ("POST", "/cases/{case_id}/durations"): Declared(
        scope("case:create"), unmeasured_definition
    ),
    ("GET", "/cases/{case_id}/durations/{duration_id}"): Declared(
        scope("case:read"), standing_duration
    ),
    ("PATCH", "/cases/{case_id}/durations/{duration_id}"): Declared(
        scope("case:update"), edited_duration
    ),
    ("DELETE", "/cases/{case_id}/durations/{duration_id}"): Declared(
        scope("case:delete"), doomed_duration
    ),
}
