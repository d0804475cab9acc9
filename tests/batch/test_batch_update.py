"""POST /cases/batch-update: one change applied to each case as a PATCH would."""

import json
import uuid

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy.exc import IntegrityError

from casedesk.cases.schemas import CaseUpdate
from casedesk.cases.service import CaseService
from casedesk.errors import Conflict
from casedesk.models import Case
from tests.batch.helpers import (
    CASE_NOT_FOUND,
    batch_update,
    create_case,
    custom_values,
    event_types,
    failed,
    read_case,
    succeeded,
    timeline,
    versions,
)
from tests.dropdowns.helpers import create_dropdown
from tests.factories import Principal, create_workspace
from tests.fields.support import create_field


async def test_every_case_is_changed_and_answered_in_order(
    client: httpx.AsyncClient,
) -> None:
    cases = [await create_case(client) for _ in range(3)]
    ids = [case["id"] for case in cases]

    body = await batch_update(client, ids, {"priority": "critical"})

    assert body == {
        "results": [succeeded(case_id) for case_id in ids],
        "succeeded": 3,
        "failed": 0,
    }
    for case_id in ids:
        assert (await read_case(client, case_id))["priority"] == "critical"


async def test_repeated_ids_are_changed_once_in_first_order(
    client: httpx.AsyncClient,
) -> None:
    first, second = await create_case(client), await create_case(client)

    body = await batch_update(
        client, [first["id"], second["id"], first["id"]], {"status": "in_progress"}
    )

    assert body == {
        "results": [succeeded(first["id"]), succeeded(second["id"])],
        "succeeded": 2,
        "failed": 0,
    }
    assert await event_types(client, first["id"]) == ["status_changed", "case_created"]


async def test_an_unknown_id_fails_alone_with_case_not_found(
    client: httpx.AsyncClient,
) -> None:
    first, last = await create_case(client), await create_case(client)
    unknown = str(uuid.uuid4())

    body = await batch_update(
        client, [first["id"], unknown, last["id"]], {"severity": "critical"}
    )

    assert body == {
        "results": [
            succeeded(first["id"]),
            failed(unknown, CASE_NOT_FOUND),
            succeeded(last["id"]),
        ],
        "succeeded": 2,
        "failed": 1,
    }
    assert (await read_case(client, first["id"]))["severity"] == "critical"
    assert (await read_case(client, last["id"]))["severity"] == "critical"


async def test_every_item_failing_still_answers_200(client: httpx.AsyncClient) -> None:
    unknown = [str(uuid.uuid4()), str(uuid.uuid4())]

    body = await batch_update(client, unknown, {"status": "closed"})

    assert body == {
        "results": [failed(case_id, CASE_NOT_FOUND) for case_id in unknown],
        "succeeded": 0,
        "failed": 2,
    }


async def test_a_case_of_another_workspace_is_not_found_and_unchanged(
    admin: Principal, app: FastAPI
) -> None:
    client = admin.client
    other = await create_workspace(
        app, f"Other team {uuid.uuid4().hex[:6]}", owner_id=admin.user_id
    )
    prefix = f"/workspaces/{other}"
    foreign = await create_case(client, prefix=prefix)
    own = await create_case(client)

    body = await batch_update(
        client, [foreign["id"], own["id"]], {"summary": "Renamed by a batch"}
    )

    assert body["results"] == [
        failed(foreign["id"], CASE_NOT_FOUND),
        succeeded(own["id"]),
    ]
    foreign_now = await read_case(client, foreign["id"], prefix=prefix)
    assert foreign_now["summary"] == foreign["summary"]
    assert foreign_now["updated_at"] == foreign["updated_at"]
    assert [
        event["type"] for event in await timeline(client, foreign["id"], prefix)
    ] == ["case_created"]


async def test_each_case_records_what_a_single_patch_records(admin: Principal) -> None:
    client = admin.client
    number = await create_field(client, "INTEGER")
    note = await create_field(client, "TEXT")
    verdict = await create_dropdown(client)
    start = {
        "summary": "Beaconing from HR-LAPTOP-3",
        "fields": {number: 1, note: "unchanged"},
        "payload": {"alert": "a-1"},
    }
    batched = [await create_case(client, **start) for _ in range(2)]
    patched = await create_case(client, **start)
    change = {
        "status": "closed",
        "priority": "high",
        "severity": "low",
        "fields": {number: "5", note: "unchanged"},
        "dropdown_values": [
            {"definition_ref": verdict["ref"], "option_ref": "malicious"}
        ],
        "summary": "Beaconing contained",
        "description": "Host re-imaged.",
        "assignee_id": str(admin.user_id),
        "payload": {"alert": "a-2"},
    }

    body = await batch_update(client, [case["id"] for case in batched], change)
    single = await client.patch(f"/cases/{patched['id']}", json=change)

    assert body["succeeded"] == 2
    assert single.status_code == 204, single.text
    expected_timeline = await timeline(client, patched["id"])
    assert [event["type"] for event in expected_timeline] == [
        "payload_changed",
        "assignee_changed",
        "case_updated",
        "dropdown_value_changed",
        "fields_changed",
        "severity_changed",
        "priority_changed",
        "case_closed",
        "case_created",
    ]
    expected_case = await read_case(client, patched["id"])
    expected_versions = await versions(client, patched["id"])
    for case in batched:
        assert await timeline(client, case["id"]) == expected_timeline
        now = await read_case(client, case["id"])
        for key in ("status", "priority", "severity", "summary", "description"):
            assert now[key] == expected_case[key]
        assert now["assignee"] == expected_case["assignee"]
        assert now["payload"] == expected_case["payload"]
        assert (
            custom_values(now)
            == custom_values(expected_case)
            == {
                number: 5,
                note: "unchanged",
            }
        )
        assert [value["option_ref"] for value in now["dropdown_values"]] == [
            "malicious"
        ]
        assert await versions(client, case["id"]) == expected_versions


async def test_values_equal_to_the_current_ones_record_nothing(
    client: httpx.AsyncClient,
) -> None:
    case = await create_case(client, status="in_progress")

    body = await batch_update(
        client, [case["id"]], {"status": "in_progress", "summary": case["summary"]}
    )

    assert body["results"] == [succeeded(case["id"])]
    assert await event_types(client, case["id"]) == ["case_created"]
    assert (await read_case(client, case["id"]))["updated_at"] == case["updated_at"]


async def test_a_closure_refusal_leaves_that_case_unchanged(
    client: httpx.AsyncClient,
) -> None:
    required = await create_field(client, "TEXT", required_on_closure=True)
    ready = await create_case(client, fields={required: "root cause found"})
    missing = await create_case(client)
    also_ready = await create_case(client, fields={required: "phishing"})

    body = await batch_update(
        client,
        [ready["id"], missing["id"], also_ready["id"]],
        {"status": "closed", "priority": "low"},
    )

    closure = json.dumps(
        {
            "code": "closure_requirements_not_met",
            "missing_fields": [required],
            "missing_dropdowns": [],
        }
    )
    assert body == {
        "results": [
            succeeded(ready["id"]),
            failed(missing["id"], closure),
            succeeded(also_ready["id"]),
        ],
        "succeeded": 2,
        "failed": 1,
    }
    refused = await read_case(client, missing["id"])
    assert (refused["status"], refused["priority"]) == ("new", "medium")
    assert refused["updated_at"] == missing["updated_at"]
    assert await event_types(client, missing["id"]) == ["case_created"]
    for case in (ready, also_ready):
        closed = await read_case(client, case["id"])
        assert (closed["status"], closed["priority"]) == ("closed", "low")


async def test_a_missing_closure_dropdown_is_named_in_the_item_error(
    client: httpx.AsyncClient,
) -> None:
    required = await create_dropdown(client, required_on_closure=True)
    case = await create_case(client)

    body = await batch_update(client, [case["id"]], {"status": "resolved"})

    error = json.loads(body["results"][0]["error"])
    assert error["missing_dropdowns"] == [required["name"]]
    assert (await read_case(client, case["id"]))["status"] == "new"


async def test_a_field_value_error_is_each_items_error(
    client: httpx.AsyncClient,
) -> None:
    number = await create_field(client, "INTEGER")
    cases = [await create_case(client, fields={number: 3}) for _ in range(2)]
    unknown = str(uuid.uuid4())
    ids = [cases[0]["id"], unknown, cases[1]["id"]]

    body = await batch_update(
        client, ids, {"fields": {number: "1.5"}, "status": "in_progress"}
    )

    message = "Invalid integer value: '1.5'"
    assert body == {
        "results": [
            failed(cases[0]["id"], message),
            failed(unknown, CASE_NOT_FOUND),
            failed(cases[1]["id"], message),
        ],
        "succeeded": 0,
        "failed": 3,
    }
    for case in cases:
        now = await read_case(client, case["id"])
        assert now["status"] == "new"
        assert custom_values(now) == {number: 3}
        assert await event_types(client, case["id"]) == ["case_created"]


async def test_an_unknown_field_is_each_items_error(client: httpx.AsyncClient) -> None:
    case = await create_case(client)

    body = await batch_update(client, [case["id"]], {"fields": {"no_such_field": 1}})

    assert body["results"] == [
        failed(case["id"], "Column 'no_such_field' does not exist in table case_fields")
    ]


async def test_an_assignee_outside_the_workspace_is_each_items_error(
    client: httpx.AsyncClient,
) -> None:
    case = await create_case(client)
    stranger = uuid.uuid4()

    body = await batch_update(client, [case["id"]], {"assignee_id": str(stranger)})

    assert body["results"] == [
        failed(
            case["id"],
            f"Assignee {stranger} is not a member of this workspace and cannot be "
            "assigned",
        )
    ]
    assert (await read_case(client, case["id"]))["assignee"] is None


async def test_a_thousand_ids_are_accepted(client: httpx.AsyncClient) -> None:
    case = await create_case(client)
    unknown = [str(uuid.uuid4()) for _ in range(999)]

    body = await batch_update(client, [*unknown, case["id"]], {"priority": "low"})

    assert len(body["results"]) == 1000
    assert (body["succeeded"], body["failed"]) == (1, 999)
    assert body["results"][-1] == succeeded(case["id"])
    assert (await read_case(client, case["id"]))["priority"] == "low"


async def test_the_prefixed_mount_acts_in_its_workspace(admin: Principal) -> None:
    client = admin.client
    prefix = f"/workspaces/{admin.workspace_id}"
    case = await create_case(client)

    response = await client.post(
        f"{prefix}/cases/batch-update",
        json={"case_ids": [case["id"]], "update": {"status": "on_hold"}},
    )

    assert response.status_code == 200, response.text
    assert response.json()["results"] == [succeeded(case["id"])]
    assert (await read_case(client, case["id"]))["status"] == "on_hold"


async def test_a_case_failing_after_its_writes_has_them_all_undone(
    client: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    doomed, kept = await create_case(client), await create_case(client)
    apply_update = CaseService.update

    async def update_then_fail(
        self: CaseService, case: Case, params: CaseUpdate
    ) -> None:
        await apply_update(self, case, params)
        if str(case.id) == doomed["id"]:
            raise Conflict("Refused after writing")

    monkeypatch.setattr(CaseService, "update", update_then_fail)
    body = await batch_update(
        client, [doomed["id"], kept["id"]], {"status": "closed", "summary": "Done"}
    )

    assert body["results"] == [
        failed(doomed["id"], "Refused after writing"),
        succeeded(kept["id"]),
    ]
    undone = await read_case(client, doomed["id"])
    assert (undone["status"], undone["summary"]) == ("new", doomed["summary"])
    assert await event_types(client, doomed["id"]) == ["case_created"]
    assert [item["version"] for item in await versions(client, doomed["id"])] == [1, 1]
    assert await event_types(client, kept["id"]) == [
        "case_updated",
        "case_closed",
        "case_created",
    ]


async def test_a_database_refusal_fails_that_case_alone(
    client: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    doomed, kept = await create_case(client), await create_case(client)
    apply_update = CaseService.update

    async def update_then_break(
        self: CaseService, case: Case, params: CaseUpdate
    ) -> None:
        await apply_update(self, case, params)
        if str(case.id) == doomed["id"]:
            raise IntegrityError("UPDATE case", {}, Exception("foreign key"))

    monkeypatch.setattr(CaseService, "update", update_then_break)
    body = await batch_update(client, [doomed["id"], kept["id"]], {"priority": "low"})

    assert body["results"] == [
        failed(doomed["id"], "Database operation failed"),
        succeeded(kept["id"]),
    ]
    assert (await read_case(client, doomed["id"]))["priority"] == "medium"
    assert (await read_case(client, kept["id"]))["priority"] == "low"
