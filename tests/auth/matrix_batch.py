"""Matrix declarations for the batch routes."""

from tests.auth.matrix_rules import Declared, Target, scope
from tests.auth.matrix_world import Caller, World, unique


async def batch_edited_case(world: World, caller: Caller) -> Target:
    """A case of its own to re-describe in a batch; a refusal must not apply it."""
    case = await world.new_case()
    description = unique("Batch description")

    async def unchanged() -> bool:
        read = await world.admin.get(world.in_a(f"/cases/{case['id']}"))
        return bool(read.json()["description"] != description)

    return Target(
        json={"case_ids": [case["id"]], "update": {"description": description}},
        data=(case["summary"], case["id"]),
        unchanged=unchanged,
    )


async def batch_doomed_case(world: World, caller: Caller) -> Target:
    """A case of its own for this batch to delete."""
    case = await world.new_case()

    async def unchanged() -> bool:
        read = await world.admin.get(world.in_a(f"/cases/{case['id']}"))
        return read.status_code == 200

    return Target(
        json={"case_ids": [case["id"]]},
        data=(case["summary"], case["id"]),
        unchanged=unchanged,
    )


DECLARED: dict[tuple[str, str], Declared] = {
    ("POST", "/cases/batch-update"): Declared(scope("case:update"), batch_edited_case),
    ("POST", "/cases/batch-delete"): Declared(scope("case:delete"), batch_doomed_case),
}
