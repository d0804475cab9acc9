"""Tasks of a case: create, list, change, delete, their events and counters."""

import asyncio
import uuid
from datetime import datetime

import httpx
from fastapi import FastAPI

from casedesk.kit.workflow_ids import encode_workflow_id
from casedesk.workspaces.roles import WorkspaceRole
from tests.factories import Principal, create_user
from tests.tasks.helpers import (
    case_updated_at,
    create_case,
    create_task,
    list_tasks,
    task_counts,
    task_events,
    update_task,
)

WORKFLOW_ID = uuid.UUID("0191b5a6-1f26-7b3a-8c5d-9e0f1a2b3c4d")
WORKFLOW_SHORT_ID = "wf_02XA4nBzobodm9c7hxFJpz"


def parsed(timestamp: str) -> datetime:
    """A response timestamp as a datetime."""
    return datetime.fromisoformat(timestamp)


# Create


async def test_a_title_alone_makes_a_todo_task_of_unknown_priority(
    client: httpx.AsyncClient,
) -> None:
    case = await create_case(client)

    response = await client.post(
        f"/cases/{case['id']}/tasks", json={"title": "Isolate WS-0042"}
    )

    assert response.status_code == 201
    task = response.json()
    assert set(task) == {
        "id",
        "created_at",
        "updated_at",
        "case_id",
        "title",
        "description",
        "priority",
        "status",
        "assignee",
        "workflow_id",
        "default_trigger_values",
    }
    assert task["case_id"] == case["id"]
    assert (task["title"], task["priority"], task["status"]) == (
        "Isolate WS-0042",
        "unknown",
        "todo",
    )
    assert [task["description"], task["assignee"], task["workflow_id"]] == [
        None,
        None,
        None,
    ]
    assert task["default_trigger_values"] is None
    assert task["created_at"] == task["updated_at"]


async def test_creating_records_task_created_with_id_and_title(
    client: httpx.AsyncClient,
) -> None:
    case = await create_case(client)

    task = await create_task(client, case["id"], "Pull memory image")

    assert await task_events(client, case["id"]) == [
        ("task_created", {"task_id": task["id"], "title": "Pull memory image"})
    ]


async def test_create_keeps_every_given_value(admin: Principal) -> None:
    client = admin.client
    case = await create_case(client)

    task = await create_task(
        client,
        case["id"],
        "Reset credentials",
        description="All accounts seen on WS-0042",
        priority="high",
        status="in_progress",
        assignee_id=str(admin.user_id),
        workflow_id=str(WORKFLOW_ID),
        default_trigger_values={"hosts": ["WS-0042"], "force": True},
    )

    assert task["description"] == "All accounts seen on WS-0042"
    assert (task["priority"], task["status"]) == ("high", "in_progress")
    assert task["assignee"]["id"] == str(admin.user_id)
    assert task["assignee"]["email"] == admin.email
    assert task["workflow_id"] == WORKFLOW_SHORT_ID
    assert task["default_trigger_values"] == {"hosts": ["WS-0042"], "force": True}
    assert await list_tasks(client, case["id"]) == [task]


async def test_create_on_the_prefixed_mount(admin: Principal) -> None:
    case = await create_case(admin.client)

    response = await admin.client.post(
        f"/workspaces/{admin.workspace_id}/cases/{case['id']}/tasks",
        json={"title": "Prefixed"},
    )

    assert response.status_code == 201, response.text
    assert [task["title"] for task in await list_tasks(admin.client, case["id"])] == [
        "Prefixed"
    ]


# Workflow ids


async def test_a_uuid_workflow_id_is_shown_in_its_short_form(
    client: httpx.AsyncClient,
) -> None:
    case = await create_case(client)
    workflow_id = uuid.uuid4()

    task = await create_task(client, case["id"], workflow_id=str(workflow_id))

    assert task["workflow_id"] == encode_workflow_id(workflow_id)
    assert task["workflow_id"].startswith("wf_")
    assert len(task["workflow_id"]) == 25


async def test_short_legacy_and_uuid_forms_name_the_same_workflow(
    client: httpx.AsyncClient,
) -> None:
    case = await create_case(client)
    forms = [str(WORKFLOW_ID), WORKFLOW_SHORT_ID, f"wf-{WORKFLOW_ID.hex}"]

    created = [
        await create_task(client, case["id"], workflow_id=form) for form in forms
    ]

    assert [task["workflow_id"] for task in created] == [WORKFLOW_SHORT_ID] * 3


async def test_the_short_form_round_trips(client: httpx.AsyncClient) -> None:
    case = await create_case(client)
    first = await create_task(client, case["id"], workflow_id=str(uuid.uuid4()))

    second = await create_task(client, case["id"], workflow_id=first["workflow_id"])

    assert second["workflow_id"] == first["workflow_id"]


# List


async def test_list_puts_a_critical_task_before_a_low_one(
    client: httpx.AsyncClient,
) -> None:
    case = await create_case(client)
    low = await create_task(client, case["id"], "Low", priority="low")
    critical = await create_task(client, case["id"], "Critical", priority="critical")

    listed = await list_tasks(client, case["id"])

    assert [task["id"] for task in listed] == [critical["id"], low["id"]]


async def test_list_orders_by_priority_code_then_oldest_first(
    client: httpx.AsyncClient,
) -> None:
    case = await create_case(client)
    created_order = [
        "unknown",
        "low",
        "medium",
        "high",
        "critical",
        "other",
        "high",
        "unknown",
    ]
    created = [
        await create_task(client, case["id"], f"{index} {priority}", priority=priority)
        for index, priority in enumerate(created_order)
    ]

    listed = await list_tasks(client, case["id"])

    assert [task["title"] for task in listed] == [
        "5 other",
        "4 critical",
        "3 high",
        "6 high",
        "2 medium",
        "1 low",
        "0 unknown",
        "7 unknown",
    ]
    assert len(created) == len(listed)


async def test_list_shows_only_the_tasks_of_its_case(
    client: httpx.AsyncClient,
) -> None:
    case = await create_case(client)
    other = await create_case(client)
    mine = await create_task(client, case["id"], "Mine")
    await create_task(client, other["id"], "Theirs")

    assert await list_tasks(client, case["id"]) == [mine]


async def test_list_of_a_case_without_tasks_is_empty(
    client: httpx.AsyncClient,
) -> None:
    case = await create_case(client)

    assert await list_tasks(client, case["id"]) == []


# Update and its events


async def test_status_todo_to_in_progress_records_task_status_changed(
    client: httpx.AsyncClient,
) -> None:
    case = await create_case(client)
    task = await create_task(client, case["id"], "Contain")

    updated = await update_task(client, case["id"], task["id"], status="in_progress")

    assert updated["status"] == "in_progress"
    assert (await task_events(client, case["id"]))[0] == (
        "task_status_changed",
        {
            "task_id": task["id"],
            "title": "Contain",
            "old": "todo",
            "new": "in_progress",
        },
    )


async def test_priority_change_records_task_priority_changed(
    client: httpx.AsyncClient,
) -> None:
    case = await create_case(client)
    task = await create_task(client, case["id"], "Contain")

    await update_task(client, case["id"], task["id"], priority="critical")

    assert (await task_events(client, case["id"]))[0] == (
        "task_priority_changed",
        {
            "task_id": task["id"],
            "title": "Contain",
            "old": "unknown",
            "new": "critical",
        },
    )


async def test_assignee_change_records_old_and_new_user_ids(
    admin: Principal, app: FastAPI
) -> None:
    client = admin.client
    analyst_id = await create_user(
        app,
        f"analyst.{uuid.uuid4().hex[:8]}@example.com",
        workspace_id=admin.workspace_id,
        role=WorkspaceRole.EDITOR,
    )
    case = await create_case(client)
    task = await create_task(client, case["id"], "Contain")

    first = await update_task(
        client, case["id"], task["id"], assignee_id=str(admin.user_id)
    )
    second = await update_task(
        client, case["id"], task["id"], assignee_id=str(analyst_id)
    )

    assert first["assignee"]["id"] == str(admin.user_id)
    assert second["assignee"]["id"] == str(analyst_id)
    events = await task_events(client, case["id"])
    assert events[:2] == [
        (
            "task_assignee_changed",
            {
                "task_id": task["id"],
                "title": "Contain",
                "old": str(admin.user_id),
                "new": str(analyst_id),
            },
        ),
        (
            "task_assignee_changed",
            {"task_id": task["id"], "title": "Contain", "new": str(admin.user_id)},
        ),
    ]
    timeline = (await client.get(f"/cases/{case['id']}/events")).json()
    assert {str(analyst_id), str(admin.user_id)} <= {
        user["id"] for user in timeline["users"]
    }


async def test_workflow_change_and_clearing_record_workflow_uuids(
    client: httpx.AsyncClient,
) -> None:
    case = await create_case(client)
    task = await create_task(client, case["id"], "Enrich")
    other_workflow = uuid.uuid4()

    set_once = await update_task(
        client, case["id"], task["id"], workflow_id=WORKFLOW_SHORT_ID
    )
    moved = await update_task(
        client, case["id"], task["id"], workflow_id=str(other_workflow)
    )
    cleared = await update_task(client, case["id"], task["id"], workflow_id=None)

    assert set_once["workflow_id"] == WORKFLOW_SHORT_ID
    assert moved["workflow_id"] == encode_workflow_id(other_workflow)
    assert cleared["workflow_id"] is None
    common = {"task_id": task["id"], "title": "Enrich"}
    assert (await task_events(client, case["id"]))[:3] == [
        ("task_workflow_changed", {**common, "old": str(other_workflow)}),
        (
            "task_workflow_changed",
            {**common, "old": str(WORKFLOW_ID), "new": str(other_workflow)},
        ),
        ("task_workflow_changed", {**common, "new": str(WORKFLOW_ID)}),
    ]


async def test_clearing_the_workflow_clears_its_trigger_values(
    client: httpx.AsyncClient,
) -> None:
    case = await create_case(client)
    task = await create_task(
        client,
        case["id"],
        workflow_id=str(WORKFLOW_ID),
        default_trigger_values={"host": "WS-0042"},
    )

    cleared = await update_task(client, case["id"], task["id"], workflow_id=None)

    assert (cleared["workflow_id"], cleared["default_trigger_values"]) == (None, None)


async def test_trigger_values_change_with_a_workflow(
    client: httpx.AsyncClient,
) -> None:
    case = await create_case(client)
    task = await create_task(client, case["id"], workflow_id=str(WORKFLOW_ID))

    updated = await update_task(
        client, case["id"], task["id"], default_trigger_values={"host": "FS-07"}
    )

    assert updated["default_trigger_values"] == {"host": "FS-07"}
    assert updated["workflow_id"] == WORKFLOW_SHORT_ID


async def test_title_and_description_changes_record_nothing(
    client: httpx.AsyncClient,
) -> None:
    case = await create_case(client)
    task = await create_task(client, case["id"], "Old title")

    updated = await update_task(
        client, case["id"], task["id"], title="New title", description="Details"
    )

    assert (updated["title"], updated["description"]) == ("New title", "Details")
    assert [kind for kind, _ in await task_events(client, case["id"])] == [
        "task_created"
    ]


async def test_events_name_the_task_by_its_new_title(
    client: httpx.AsyncClient,
) -> None:
    case = await create_case(client)
    task = await create_task(client, case["id"], "Old title")

    await update_task(
        client, case["id"], task["id"], title="New title", status="blocked"
    )

    assert (await task_events(client, case["id"]))[0] == (
        "task_status_changed",
        {"task_id": task["id"], "title": "New title", "old": "todo", "new": "blocked"},
    )


async def test_one_patch_records_each_change_once(admin: Principal) -> None:
    client = admin.client
    case = await create_case(client)
    task = await create_task(client, case["id"], "Contain")

    await update_task(
        client,
        case["id"],
        task["id"],
        status="completed",
        priority="high",
        assignee_id=str(admin.user_id),
        workflow_id=str(WORKFLOW_ID),
    )

    kinds = [kind for kind, _ in await task_events(client, case["id"])]
    assert sorted(kinds) == [
        "task_assignee_changed",
        "task_created",
        "task_priority_changed",
        "task_status_changed",
        "task_workflow_changed",
    ]


async def test_unchanged_values_record_nothing_and_keep_updated_at(
    admin: Principal,
) -> None:
    client = admin.client
    case = await create_case(client)
    task = await create_task(
        client,
        case["id"],
        "Contain",
        description="Steps",
        priority="high",
        status="blocked",
        assignee_id=str(admin.user_id),
        workflow_id=str(WORKFLOW_ID),
    )
    case_before = await case_updated_at(client, case["id"])

    updated = await update_task(
        client,
        case["id"],
        task["id"],
        title="Contain",
        description="Steps",
        priority="high",
        status="blocked",
        assignee_id=str(admin.user_id),
        workflow_id=f"wf-{WORKFLOW_ID.hex}",
    )

    assert updated == task
    assert len(await task_events(client, case["id"])) == 1
    assert await case_updated_at(client, case["id"]) == case_before


async def test_nulls_are_ignored_except_for_the_workflow(admin: Principal) -> None:
    client = admin.client
    case = await create_case(client)
    task = await create_task(
        client,
        case["id"],
        "Contain",
        description="Steps",
        priority="high",
        status="blocked",
        assignee_id=str(admin.user_id),
    )

    updated = await update_task(
        client,
        case["id"],
        task["id"],
        title=None,
        description=None,
        priority=None,
        status=None,
        assignee_id=None,
    )

    assert updated == task
    assert len(await task_events(client, case["id"])) == 1


async def test_an_empty_patch_changes_nothing(client: httpx.AsyncClient) -> None:
    case = await create_case(client)
    task = await create_task(client, case["id"])

    assert await update_task(client, case["id"], task["id"]) == task


async def test_a_change_moves_the_task_updated_at(client: httpx.AsyncClient) -> None:
    case = await create_case(client)
    task = await create_task(client, case["id"])

    updated = await update_task(client, case["id"], task["id"], title="Renamed")

    assert updated["created_at"] == task["created_at"]
    assert parsed(updated["updated_at"]) > parsed(task["updated_at"])


# Delete


async def test_delete_answers_204_and_records_task_deleted(
    client: httpx.AsyncClient,
) -> None:
    case = await create_case(client)
    task = await create_task(client, case["id"], "Doomed task")

    response = await client.delete(f"/cases/{case['id']}/tasks/{task['id']}")

    assert response.status_code == 204
    assert response.content == b""
    assert await list_tasks(client, case["id"]) == []
    assert (await task_events(client, case["id"]))[0] == (
        "task_deleted",
        {"task_id": task["id"], "title": "Doomed task"},
    )


async def test_deleting_twice_is_404(client: httpx.AsyncClient) -> None:
    case = await create_case(client)
    task = await create_task(client, case["id"])
    await client.delete(f"/cases/{case['id']}/tasks/{task['id']}")

    response = await client.delete(f"/cases/{case['id']}/tasks/{task['id']}")

    assert response.status_code == 404
    assert response.json() == {"detail": "Task not found"}


async def test_deleting_the_case_deletes_its_tasks(client: httpx.AsyncClient) -> None:
    case = await create_case(client)
    await create_task(client, case["id"])

    deleted = await client.delete(f"/cases/{case['id']}")
    listed = await client.get(f"/cases/{case['id']}/tasks")

    assert deleted.status_code == 204
    assert listed.status_code == 404
    assert listed.json() == {"detail": "Case not found"}


# Counters and the case's updated_at


async def test_counters_follow_create_complete_reopen_and_delete(
    client: httpx.AsyncClient,
) -> None:
    case = await create_case(client)
    assert await task_counts(client, case["id"]) == (0, 0)

    first = await create_task(client, case["id"], "First")
    second = await create_task(client, case["id"], "Second", status="completed")
    assert await task_counts(client, case["id"]) == (2, 1)

    await update_task(client, case["id"], first["id"], status="completed")
    assert await task_counts(client, case["id"]) == (2, 2)

    await update_task(client, case["id"], first["id"], status="completed")
    assert await task_counts(client, case["id"]) == (2, 2)

    await update_task(client, case["id"], second["id"], status="blocked")
    assert await task_counts(client, case["id"]) == (2, 1)

    await update_task(client, case["id"], second["id"], status="in_progress")
    assert await task_counts(client, case["id"]) == (2, 1)

    await client.delete(f"/cases/{case['id']}/tasks/{first['id']}")
    assert await task_counts(client, case["id"]) == (1, 0)

    await client.delete(f"/cases/{case['id']}/tasks/{second['id']}")
    assert await task_counts(client, case["id"]) == (0, 0)


async def test_counters_belong_to_their_own_case(client: httpx.AsyncClient) -> None:
    case = await create_case(client)
    other = await create_case(client)

    await create_task(client, case["id"], status="completed")

    assert await task_counts(client, case["id"]) == (1, 1)
    assert await task_counts(client, other["id"]) == (0, 0)


async def test_concurrent_creates_count_every_task(client: httpx.AsyncClient) -> None:
    case = await create_case(client)

    responses = await asyncio.gather(
        *(
            client.post(
                f"/cases/{case['id']}/tasks",
                json={"title": f"Parallel {index}", "status": "completed"},
            )
            for index in range(5)
        )
    )

    assert [response.status_code for response in responses] == [201] * 5
    assert await task_counts(client, case["id"]) == (5, 5)


async def test_create_update_and_delete_move_the_case_updated_at(
    client: httpx.AsyncClient,
) -> None:
    case = await create_case(client)
    times = [parsed(await case_updated_at(client, case["id"]))]

    task = await create_task(client, case["id"])
    times.append(parsed(await case_updated_at(client, case["id"])))
    await update_task(client, case["id"], task["id"], description="More")
    times.append(parsed(await case_updated_at(client, case["id"])))
    await client.delete(f"/cases/{case['id']}/tasks/{task['id']}")
    times.append(parsed(await case_updated_at(client, case["id"])))

    assert times == sorted(set(times))


async def test_a_task_change_moves_updated_at_in_the_case_list(
    client: httpx.AsyncClient,
) -> None:
    case = await create_case(client)

    task = await create_task(client, case["id"])

    listed = (await client.get("/cases")).json()["items"]
    (item,) = [item for item in listed if item["id"] == case["id"]]
    assert parsed(item["updated_at"]) >= parsed(task["created_at"])
    assert parsed(item["updated_at"]) > parsed(case["updated_at"])


async def test_concurrent_completions_of_one_task_count_it_once(
    client: httpx.AsyncClient,
) -> None:
    case = await create_case(client)
    task = await create_task(client, case["id"])

    responses = await asyncio.gather(
        *(
            client.patch(
                f"/cases/{case['id']}/tasks/{task['id']}", json={"status": "completed"}
            )
            for _ in range(5)
        )
    )

    assert [response.status_code for response in responses] == [200] * 5
    assert await task_counts(client, case["id"]) == (1, 1)
    kinds = [kind for kind, _ in await task_events(client, case["id"])]
    assert kinds == ["task_status_changed", "task_created"]


async def test_trigger_values_tell_true_from_one(client: httpx.AsyncClient) -> None:
    case = await create_case(client)
    task = await create_task(
        client,
        case["id"],
        workflow_id=str(WORKFLOW_ID),
        default_trigger_values={"force": 1},
    )

    await update_task(
        client, case["id"], task["id"], default_trigger_values={"force": True}
    )

    (listed,) = await list_tasks(client, case["id"])
    assert listed["default_trigger_values"] == {"force": True}
    assert listed["default_trigger_values"]["force"] is True
