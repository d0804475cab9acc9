"""POST /cases/batch-delete: each case deleted as a DELETE would."""

import uuid
from typing import Any

import httpx
from fastapi import FastAPI
from sqlalchemy import func, select

from casedesk.models import (
    CaseComment,
    CaseDropdownValue,
    CaseEvent,
    CaseFieldValue,
    CaseTagLink,
    CaseTask,
    CaseTextVersion,
)
from tests.batch.helpers import (
    CASE_NOT_FOUND,
    batch_delete,
    create_case,
    failed,
    read_case,
    succeeded,
)
from tests.comments.helpers import post_comment
from tests.dropdowns.helpers import create_dropdown
from tests.factories import Principal, create_workspace
from tests.fields.support import create_field
from tests.tasks.helpers import create_task

RECORDS_OF_A_CASE = (
    CaseComment,
    CaseTask,
    CaseFieldValue,
    CaseEvent,
    CaseTextVersion,
    CaseTagLink,
    CaseDropdownValue,
)


async def records_left(app: FastAPI, case_id: str) -> dict[str, int]:
    """How many rows of each kind still belong to the case."""
    counts = {}
    async with app.state.sessionmaker() as session:
        for model in RECORDS_OF_A_CASE:
            counts[model.__name__] = int(
                await session.scalar(
                    select(func.count())
                    .select_from(model)
                    .where(model.case_id == uuid.UUID(case_id))
                )
                or 0
            )
    return counts


async def furnished_case(client: httpx.AsyncClient) -> Any:
    """A case with a comment thread, a task, field values, a tag and a dropdown."""
    note = await create_field(client, "TEXT")
    verdict = await create_dropdown(client)
    case = await create_case(
        client,
        fields={note: "first look"},
        dropdown_values=[{"definition_ref": verdict["ref"], "option_ref": "benign"}],
    )
    comment = await post_comment(client, case["id"])
    await post_comment(
        client, case["id"], "Reply to the thread", parent_id=comment["id"]
    )
    await create_task(client, case["id"])
    tag = await client.post("/case-tags", json={"name": f"Tag {uuid.uuid4().hex[:8]}"})
    assert tag.status_code == 201, tag.text
    attached = await client.post(
        f"/cases/{case['id']}/tags", json={"tag_id": tag.json()["id"]}
    )
    assert attached.status_code == 201, attached.text
    await client.patch(f"/cases/{case['id']}", json={"summary": "Second summary"})
    return case


async def test_the_cases_are_gone_and_answered_in_order(
    client: httpx.AsyncClient,
) -> None:
    cases = [await create_case(client) for _ in range(3)]
    ids = [case["id"] for case in cases]

    body = await batch_delete(client, ids)

    assert body == {
        "results": [succeeded(case_id) for case_id in ids],
        "succeeded": 3,
        "failed": 0,
    }
    for case_id in ids:
        found = await client.get(f"/cases/{case_id}")
        assert found.status_code == 404


async def test_everything_recorded_on_the_cases_goes_with_them(
    client: httpx.AsyncClient, app: FastAPI
) -> None:
    doomed = await furnished_case(client)
    kept = await furnished_case(client)
    before = await records_left(app, kept["id"])

    body = await batch_delete(client, [doomed["id"]])

    assert body["results"] == [succeeded(doomed["id"])]
    assert await records_left(app, doomed["id"]) == dict.fromkeys(before, 0)
    assert await records_left(app, kept["id"]) == before
    assert all(count > 0 for count in before.values()), before


async def test_a_case_with_a_comment_thread_is_deleted_with_its_comments(
    client: httpx.AsyncClient, app: FastAPI
) -> None:
    case = await create_case(client)
    comment = await post_comment(client, case["id"])
    await post_comment(client, case["id"], "A reply", parent_id=comment["id"])

    body = await batch_delete(client, [case["id"]])

    assert body == {"results": [succeeded(case["id"])], "succeeded": 1, "failed": 0}
    assert (await records_left(app, case["id"]))["CaseComment"] == 0


async def test_repeated_and_unknown_ids(client: httpx.AsyncClient) -> None:
    first, second = await create_case(client), await create_case(client)
    unknown = str(uuid.uuid4())

    body = await batch_delete(
        client, [first["id"], unknown, first["id"], second["id"], unknown]
    )

    assert body == {
        "results": [
            succeeded(first["id"]),
            failed(unknown, CASE_NOT_FOUND),
            succeeded(second["id"]),
        ],
        "succeeded": 2,
        "failed": 1,
    }


async def test_deleting_again_is_case_not_found(client: httpx.AsyncClient) -> None:
    case = await create_case(client)
    await batch_delete(client, [case["id"]])

    body = await batch_delete(client, [case["id"]])

    assert body == {
        "results": [failed(case["id"], CASE_NOT_FOUND)],
        "succeeded": 0,
        "failed": 1,
    }


async def test_a_case_of_another_workspace_is_not_found_and_kept(
    admin: Principal, app: FastAPI
) -> None:
    client = admin.client
    other = await create_workspace(
        app, f"Other team {uuid.uuid4().hex[:6]}", owner_id=admin.user_id
    )
    prefix = f"/workspaces/{other}"
    foreign = await create_case(client, prefix=prefix)
    own = await create_case(client)

    body = await batch_delete(client, [foreign["id"], own["id"]])

    assert body["results"] == [
        failed(foreign["id"], CASE_NOT_FOUND),
        succeeded(own["id"]),
    ]
    assert (await read_case(client, foreign["id"], prefix=prefix))["id"] == foreign[
        "id"
    ]


async def test_a_thousand_ids_are_accepted(client: httpx.AsyncClient) -> None:
    case = await create_case(client)
    unknown = [str(uuid.uuid4()) for _ in range(999)]

    body = await batch_delete(client, [case["id"], *unknown])

    assert len(body["results"]) == 1000
    assert (body["succeeded"], body["failed"]) == (1, 999)
    assert body["results"][0] == succeeded(case["id"])
