"""Matrix declarations for the tasks routes."""

from typing import Any

from tests.auth.matrix_rules import Declared, Target, scope
from tests.auth.matrix_world import Caller, World, unique


async def new_task(world: World) -> dict[str, Any]:
    """A task of the standing case, created by the instance admin."""
    response = await world.admin.post(
        world.in_a(f"/cases/{world.case_id}/tasks"), json={"title": unique("Task")}
    )
    assert response.status_code == 201, response.text
    return dict(response.json())


async def tasks_on_standing_case(world: World) -> dict[str, dict[str, Any]]:
    """The tasks of workspace A's standing case, by id."""
    listed = await world.admin.get(world.in_a(f"/cases/{world.case_id}/tasks"))
    assert listed.status_code == 200, listed.text
    return {task["id"]: task for task in listed.json()}


async def listed_task(world: World, caller: Caller) -> Target:
    """A task on the standing case, which a refused reader must not see."""
    task = await new_task(world)
    return Target(data=(task["title"], task["id"]))


async def new_task_body(world: World, caller: Caller) -> Target:
    """A task to add to the standing case; a refusal must not add it."""
    title = unique("New task")

    async def unchanged() -> bool:
        tasks = await tasks_on_standing_case(world)
        return title not in {task["title"] for task in tasks.values()}

    return Target(json={"title": title}, data=(title,), unchanged=unchanged)


async def completed_task(world: World, caller: Caller) -> Target:
    """A task of its own to complete and rename; a refusal must leave it as is."""
    task = await new_task(world)

    async def unchanged() -> bool:
        return (await tasks_on_standing_case(world))[task["id"]] == task

    return Target(
        params={"task_id": task["id"]},
        json={"status": "completed", "title": unique("Renamed task")},
        data=(task["title"],),
        unchanged=unchanged,
    )


async def doomed_task(world: World, caller: Caller) -> Target:
    """A task of its own for this call to delete."""
    task = await new_task(world)

    async def unchanged() -> bool:
        return task["id"] in await tasks_on_standing_case(world)

    return Target(
        params={"task_id": task["id"]}, data=(task["title"],), unchanged=unchanged
    )


DECLARED: dict[tuple[str, str], Declared] = {
    ("GET", "/cases/{case_id}/tasks"): Declared(scope("case:read"), listed_task),
    ("POST", "/cases/{case_id}/tasks"): Declared(scope("case:create"), new_task_body),
    ("PATCH", "/cases/{case_id}/tasks/{task_id}"): Declared(
        scope("case:update"), completed_task
    ),
    ("DELETE", "/cases/{case_id}/tasks/{task_id}"): Declared(
        scope("case:delete"), doomed_task
    ),
}
