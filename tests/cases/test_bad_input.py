"""Bad input is refused with a 4xx and the right body, and nothing is written."""

import json
import uuid
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from tests.factories import Principal, case_body

MAX_BODY_BYTES = 2 * 1024 * 1024
UNKNOWN_ID = "6f1c2a52-8d4e-4a55-9d7f-1b2c3d4e5f60"


def _nested(depth: int) -> dict[str, Any]:
    """A JSON object nested `depth` levels deep."""
    document: dict[str, Any] = {"leaf": True}
    for _ in range(depth - 1):
        document = {"child": document}
    return document


def _validation_errors(response: httpx.Response) -> list[dict[str, Any]]:
    """The 422 validation list, after checking its shape."""
    assert response.status_code == 422, response.text
    detail = response.json()["detail"]
    assert isinstance(detail, list)
    assert detail
    for item in detail:
        assert {"loc", "msg", "type"} <= set(item)
        assert isinstance(item["loc"], list)
        assert isinstance(item["msg"], str)
    return detail


def _locs(response: httpx.Response) -> list[list[Any]]:
    return [item["loc"] for item in _validation_errors(response)]


def _detail_text(response: httpx.Response) -> str:
    """The `detail` string of a domain error."""
    body = response.json()
    assert set(body) == {"detail"}
    assert isinstance(body["detail"], str)
    return body["detail"]


async def _case_count(client: httpx.AsyncClient) -> int:
    response = await client.get("/cases")
    assert response.status_code == 200, response.text
    return response.json()["total_estimate"]


async def _case_state(
    client: httpx.AsyncClient, case_id: str
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """The case as read back, and its timeline."""
    case = await client.get(f"/cases/{case_id}")
    events = await client.get(f"/cases/{case_id}/events")
    assert case.status_code == 200, case.text
    assert events.status_code == 200, events.text
    return case.json(), events.json()["events"]


@pytest.fixture
async def existing_case(client: httpx.AsyncClient) -> dict[str, Any]:
    """One case already in the workspace, so counts start at one."""
    response = await client.post("/cases", json=case_body(payload={"alert": 1}))
    assert response.status_code == 201, response.text
    return response.json()


class TestCreateBodyShape:
    """Bodies that are not a JSON object."""

    async def test_malformed_json_is_json_invalid(
        self, client: httpx.AsyncClient, existing_case: dict[str, Any]
    ) -> None:
        response = await client.post(
            "/cases",
            content=b'{"summary": "x",',
            headers={"content-type": "application/json"},
        )

        detail = _validation_errors(response)
        assert [item["type"] for item in detail] == ["json_invalid"]
        assert detail[0]["loc"][0] == "body"
        assert await _case_count(client) == 1

    @pytest.mark.parametrize("body", [[case_body()], "a string", None], ids=repr)
    async def test_non_object_json_is_a_body_error(
        self, client: httpx.AsyncClient, existing_case: dict[str, Any], body: Any
    ) -> None:
        response = await client.post(
            "/cases",
            content=json.dumps(body).encode(),
            headers={"content-type": "application/json"},
        )

        assert _locs(response) == [["body"]]
        assert await _case_count(client) == 1

    async def test_empty_body_is_missing(
        self, client: httpx.AsyncClient, existing_case: dict[str, Any]
    ) -> None:
        response = await client.post(
            "/cases", content=b"", headers={"content-type": "application/json"}
        )

        detail = _validation_errors(response)
        assert [(item["loc"], item["type"]) for item in detail] == [
            (["body"], "missing")
        ]
        assert await _case_count(client) == 1

    async def test_text_plain_body_is_422(
        self, client: httpx.AsyncClient, existing_case: dict[str, Any]
    ) -> None:
        response = await client.post(
            "/cases",
            content=json.dumps(case_body()).encode(),
            headers={"content-type": "text/plain"},
        )

        assert ["body"] in _locs(response)
        assert await _case_count(client) == 1

    async def test_text_plain_body_of_invalid_utf8_is_422(
        self, client: httpx.AsyncClient, existing_case: dict[str, Any]
    ) -> None:
        response = await client.post(
            "/cases", content=b"\xff\xfe\x00", headers={"content-type": "text/plain"}
        )

        assert ["body"] in _locs(response)
        assert await _case_count(client) == 1

    async def test_invalid_utf8_body_is_a_client_error(
        self, client: httpx.AsyncClient, existing_case: dict[str, Any]
    ) -> None:
        response = await client.post(
            "/cases",
            content=b'{"summary": "\xff\xfe", "description": "d"}',
            headers={"content-type": "application/json"},
        )

        assert response.status_code == 400
        assert _detail_text(response) == "There was an error parsing the body"
        assert await _case_count(client) == 1

    async def test_json_nested_beyond_the_parser_limit_is_a_client_error(
        self, client: httpx.AsyncClient, existing_case: dict[str, Any]
    ) -> None:
        depth = 100_000
        content = b'{"payload": ' + b"[" * depth + b"]" * depth + b"}"

        response = await client.post(
            "/cases", content=content, headers={"content-type": "application/json"}
        )

        assert response.status_code == 400
        assert _detail_text(response) == "There was an error parsing the body"
        assert await _case_count(client) == 1


# (field, value, expected loc, expected error type)
BAD_CREATE_VALUES: list[tuple[str, Any, list[Any], str]] = [
    ("summary", 5, ["body", "summary"], "string_type"),
    ("summary", None, ["body", "summary"], "string_type"),
    ("summary", "", ["body", "summary"], "string_too_short"),
    ("status", 3, ["body", "status"], "enum"),
    ("status", "bogus", ["body", "status"], "enum"),
    ("status", "CLOSED", ["body", "status"], "enum"),
    ("priority", "bogus", ["body", "priority"], "enum"),
    ("severity", "bogus", ["body", "severity"], "enum"),
    ("payload", "str", ["body", "payload"], "dict_type"),
    ("payload", [1], ["body", "payload"], "dict_type"),
    ("assignee_id", "not-a-uuid", ["body", "assignee_id"], "uuid_parsing"),
    ("fields", ["severity_score"], ["body", "fields"], "dict_type"),
    ("dropdown_values", {"a": 1}, ["body", "dropdown_values"], "list_type"),
]


class TestCreateValues:
    """Bodies whose keys or values break the schema."""

    @pytest.mark.parametrize(
        ("field", "value", "loc", "error_type"),
        BAD_CREATE_VALUES,
        ids=[f"{row[0]}={row[1]!r}" for row in BAD_CREATE_VALUES],
    )
    async def test_bad_value_is_422_naming_the_field(
        self,
        client: httpx.AsyncClient,
        existing_case: dict[str, Any],
        field: str,
        value: Any,
        loc: list[Any],
        error_type: str,
    ) -> None:
        response = await client.post("/cases", json=case_body(**{field: value}))

        detail = _validation_errors(response)
        assert [(item["loc"], item["type"]) for item in detail] == [(loc, error_type)]
        assert await _case_count(client) == 1

    @pytest.mark.parametrize("field", ["description", "severity"])
    async def test_missing_required_key_is_422(
        self, client: httpx.AsyncClient, existing_case: dict[str, Any], field: str
    ) -> None:
        body = case_body()
        del body[field]

        response = await client.post("/cases", json=body)

        detail = _validation_errors(response)
        assert [(item["loc"], item["type"]) for item in detail] == [
            (["body", field], "missing")
        ]
        assert await _case_count(client) == 1

    async def test_unknown_key_is_extra_forbidden_naming_it(
        self, client: httpx.AsyncClient, existing_case: dict[str, Any]
    ) -> None:
        response = await client.post("/cases", json=case_body(labels=["phishing"]))

        detail = _validation_errors(response)
        assert [(item["loc"], item["type"]) for item in detail] == [
            (["body", "labels"], "extra_forbidden")
        ]
        assert await _case_count(client) == 1

    async def test_every_bad_key_is_reported_at_once(
        self, client: httpx.AsyncClient, existing_case: dict[str, Any]
    ) -> None:
        body = case_body(status="bogus", priority="bogus", severity="bogus")

        response = await client.post("/cases", json=body)

        assert sorted(_locs(response)) == [
            ["body", "priority"],
            ["body", "severity"],
            ["body", "status"],
        ]
        assert await _case_count(client) == 1

    async def test_rejected_creates_consume_no_case_number(
        self, client: httpx.AsyncClient, existing_case: dict[str, Any]
    ) -> None:
        refused = [
            await client.post("/cases", json=case_body(status="bogus")),
            await client.post("/cases", json=case_body(summary="a\x00b")),
            await client.post("/cases", json=case_body(fields={"severity_score": 3})),
        ]

        response = await client.post("/cases", json=case_body())

        assert [answer.status_code for answer in refused] == [422, 422, 400]
        assert response.status_code == 201, response.text
        assert existing_case["short_id"] == "CASE-0001"
        assert response.json()["short_id"] == "CASE-0002"


class TestTextLimits:
    """Length limits count characters, on both databases."""

    @pytest.mark.parametrize(
        ("field", "length"), [("summary", 256), ("description", 5001)]
    )
    async def test_text_over_its_limit_is_422_naming_the_field(
        self,
        client: httpx.AsyncClient,
        existing_case: dict[str, Any],
        field: str,
        length: int,
    ) -> None:
        response = await client.post("/cases", json=case_body(**{field: "x" * length}))

        detail = _validation_errors(response)
        assert [(item["loc"], item["type"]) for item in detail] == [
            (["body", field], "string_too_long")
        ]
        assert await _case_count(client) == 1

    @pytest.mark.parametrize(
        ("field", "length"), [("summary", 255), ("description", 5000)]
    )
    async def test_text_at_its_limit_is_stored_whole(
        self, client: httpx.AsyncClient, field: str, length: int
    ) -> None:
        text = "x" * length

        response = await client.post("/cases", json=case_body(**{field: text}))

        assert response.status_code == 201, response.text
        stored = await client.get(f"/cases/{response.json()['id']}")
        assert stored.json()[field] == text

    async def test_summary_of_255_emoji_round_trips(
        self, client: httpx.AsyncClient
    ) -> None:
        summary = "\N{FIRE}" * 255

        response = await client.post("/cases", json=case_body(summary=summary))

        assert response.status_code == 201, response.text
        stored = await client.get(f"/cases/{response.json()['id']}")
        assert stored.json()["summary"] == summary
        listed = await client.get("/cases")
        assert [item["summary"] for item in listed.json()["items"]] == [summary]

    async def test_summary_of_256_emoji_is_422(
        self, client: httpx.AsyncClient, existing_case: dict[str, Any]
    ) -> None:
        response = await client.post("/cases", json=case_body(summary="\N{FIRE}" * 256))

        assert _locs(response) == [["body", "summary"]]
        assert await _case_count(client) == 1


NUL_BODIES: list[tuple[str, dict[str, Any], list[Any]]] = [
    ("summary", {"summary": "bad\x00summary"}, ["body", "summary"]),
    ("description", {"description": "bad\x00text"}, ["body", "description"]),
    ("payload value", {"payload": {"k": "a\x00b"}}, ["body", "payload"]),
    ("payload key", {"payload": {"a\x00b": 1}}, ["body", "payload"]),
    (
        "nested payload value",
        {"payload": {"list": [{"deep": ["ok", "\x00"]}]}},
        ["body", "payload"],
    ),
    (
        "dropdown ref",
        {"dropdown_values": [{"definition_ref": "a\x00"}]},
        ["body", "dropdown_values", 0, "definition_ref"],
    ),
]


class TestUnstorableText:
    """Text PostgreSQL cannot store (NUL, lone surrogates) is a 422 everywhere."""

    @pytest.mark.parametrize(
        ("body", "loc"),
        [(row[1], row[2]) for row in NUL_BODIES],
        ids=[row[0] for row in NUL_BODIES],
    )
    async def test_nul_on_create_is_422(
        self,
        client: httpx.AsyncClient,
        existing_case: dict[str, Any],
        body: dict[str, Any],
        loc: list[Any],
    ) -> None:
        response = await client.post("/cases", json=case_body(**body))

        assert _locs(response) == [loc]
        assert await _case_count(client) == 1

    async def test_nul_in_a_fields_key_is_422(
        self, client: httpx.AsyncClient, existing_case: dict[str, Any]
    ) -> None:
        response = await client.post("/cases", json=case_body(fields={"a\x00": 1}))

        assert [loc[:2] for loc in _locs(response)] == [["body", "fields"]]
        assert await _case_count(client) == 1

    @pytest.mark.parametrize(
        ("body", "loc"),
        [(row[1], row[2]) for row in NUL_BODIES],
        ids=[row[0] for row in NUL_BODIES],
    )
    async def test_nul_on_update_is_422_and_changes_nothing(
        self,
        client: httpx.AsyncClient,
        existing_case: dict[str, Any],
        body: dict[str, Any],
        loc: list[Any],
    ) -> None:
        case_id = existing_case["id"]
        before = await _case_state(client, case_id)

        response = await client.patch(f"/cases/{case_id}", json=body)

        assert _locs(response) == [loc]
        assert await _case_state(client, case_id) == before

    @pytest.mark.parametrize(
        ("field", "raw"),
        [
            ("summary", '"\\ud800"'),
            ("description", '"x\\udfff"'),
            ("payload", '{"k": "\\ud83d"}'),
            ("payload", '{"\\udc00": 1}'),
        ],
    )
    async def test_lone_surrogate_is_422(
        self,
        client: httpx.AsyncClient,
        existing_case: dict[str, Any],
        field: str,
        raw: str,
    ) -> None:
        body = json.dumps(case_body(**{field: "PLACEHOLDER"}))
        content = body.replace('"PLACEHOLDER"', raw).encode()

        response = await client.post(
            "/cases", content=content, headers={"content-type": "application/json"}
        )

        assert [loc[:2] for loc in _locs(response)] == [["body", field]]
        assert await _case_count(client) == 1

    async def test_unknown_key_with_a_lone_surrogate_is_422(
        self, client: httpx.AsyncClient, existing_case: dict[str, Any]
    ) -> None:
        content = json.dumps(case_body())[:-1] + ', "\\ud800": 1}'

        response = await client.post(
            "/cases",
            content=content.encode(),
            headers={"content-type": "application/json"},
        )

        assert [loc[0] for loc in _locs(response)] == ["body"]
        assert await _case_count(client) == 1

    async def test_fields_key_with_a_lone_surrogate_is_422(
        self, client: httpx.AsyncClient, existing_case: dict[str, Any]
    ) -> None:
        body = json.dumps(case_body(fields={"PLACEHOLDER": 1}))
        content = body.replace("PLACEHOLDER", "\\udc00").encode()

        response = await client.post(
            "/cases", content=content, headers={"content-type": "application/json"}
        )

        assert [loc[:2] for loc in _locs(response)] == [["body", "fields"]]
        assert await _case_count(client) == 1

    @pytest.mark.parametrize("token", ["NaN", "Infinity", "-Infinity", "1e400"])
    async def test_non_finite_number_in_payload_is_422(
        self, client: httpx.AsyncClient, existing_case: dict[str, Any], token: str
    ) -> None:
        body = json.dumps(case_body(payload={"score": "PLACEHOLDER"}))
        content = body.replace('"PLACEHOLDER"', token).encode()

        response = await client.post(
            "/cases", content=content, headers={"content-type": "application/json"}
        )

        assert _locs(response) == [["body", "payload"]]
        assert await _case_count(client) == 1

    async def test_non_finite_number_in_a_text_field_is_422(
        self, client: httpx.AsyncClient, existing_case: dict[str, Any]
    ) -> None:
        body = json.dumps(case_body(summary="PLACEHOLDER"))
        content = body.replace('"PLACEHOLDER"', "NaN").encode()

        response = await client.post(
            "/cases", content=content, headers={"content-type": "application/json"}
        )

        assert _locs(response) == [["body", "summary"]]
        assert await _case_count(client) == 1


class TestPayloadDepth:
    """Runaway nesting is refused before it reaches the database."""

    async def test_payload_nested_200_levels_is_422(
        self, client: httpx.AsyncClient, existing_case: dict[str, Any]
    ) -> None:
        response = await client.post("/cases", json=case_body(payload=_nested(200)))

        assert _locs(response) == [["body", "payload"]]
        assert await _case_count(client) == 1

    async def test_payload_nested_900_levels_is_422(
        self, client: httpx.AsyncClient, existing_case: dict[str, Any]
    ) -> None:
        response = await client.post("/cases", json=case_body(payload=_nested(900)))

        assert _locs(response) == [["body", "payload"]]
        assert await _case_count(client) == 1

    async def test_payload_nested_64_levels_is_stored(
        self, client: httpx.AsyncClient
    ) -> None:
        payload = _nested(64)

        response = await client.post("/cases", json=case_body(payload=payload))

        assert response.status_code == 201, response.text
        stored = await client.get(f"/cases/{response.json()['id']}")
        assert stored.json()["payload"] == payload


class TestUpdate:
    """A rejected PATCH leaves the case and its timeline untouched."""

    @pytest.mark.parametrize("field", ["summary", "description"])
    async def test_required_text_set_to_null_is_422(
        self, client: httpx.AsyncClient, existing_case: dict[str, Any], field: str
    ) -> None:
        case_id = existing_case["id"]
        before = await _case_state(client, case_id)

        response = await client.patch(f"/cases/{case_id}", json={field: None})

        assert _locs(response) == [["body", field]]
        assert await _case_state(client, case_id) == before

    @pytest.mark.parametrize(
        ("bad", "loc"),
        [
            ({"priority": "bogus"}, ["body", "priority"]),
            ({"summary": "x" * 256}, ["body", "summary"]),
            ({"summary": None}, ["body", "summary"]),
            ({"payload": [1]}, ["body", "payload"]),
            ({"payload": _nested(200)}, ["body", "payload"]),
            ({"colour": "red"}, ["body", "colour"]),
        ],
        ids=["enum", "too-long", "null-summary", "payload-list", "deep", "extra"],
    )
    async def test_bad_value_beside_good_ones_changes_nothing(
        self,
        client: httpx.AsyncClient,
        existing_case: dict[str, Any],
        bad: dict[str, Any],
        loc: list[Any],
    ) -> None:
        case_id = existing_case["id"]
        before = await _case_state(client, case_id)
        body = {"status": "closed", "severity": "critical", "payload": {"b": 2}}

        response = await client.patch(f"/cases/{case_id}", json={**body, **bad})

        assert _locs(response) == [loc]
        assert await _case_state(client, case_id) == before

    async def test_unknown_assignee_beside_good_values_changes_nothing(
        self, client: httpx.AsyncClient, existing_case: dict[str, Any]
    ) -> None:
        case_id = existing_case["id"]
        before = await _case_state(client, case_id)
        body = {"status": "closed", "summary": "New", "assignee_id": UNKNOWN_ID}

        response = await client.patch(f"/cases/{case_id}", json=body)

        assert response.status_code == 422
        assert UNKNOWN_ID in _detail_text(response)
        assert await _case_state(client, case_id) == before

    async def test_malformed_json_changes_nothing(
        self, client: httpx.AsyncClient, existing_case: dict[str, Any]
    ) -> None:
        case_id = existing_case["id"]
        before = await _case_state(client, case_id)

        response = await client.patch(
            f"/cases/{case_id}",
            content=b'{"status": "closed"',
            headers={"content-type": "application/json"},
        )

        assert [item["type"] for item in _validation_errors(response)] == [
            "json_invalid"
        ]
        assert await _case_state(client, case_id) == before

    async def test_json_array_body_changes_nothing(
        self, client: httpx.AsyncClient, existing_case: dict[str, Any]
    ) -> None:
        case_id = existing_case["id"]
        before = await _case_state(client, case_id)

        response = await client.patch(f"/cases/{case_id}", json=[{"status": "new"}])

        assert _locs(response) == [["body"]]
        assert await _case_state(client, case_id) == before


class TestCustomFieldsAndDropdowns:
    """Unknown custom fields and dropdowns are named; bad selections are 422."""

    async def test_unknown_field_on_create_names_it(
        self, client: httpx.AsyncClient, existing_case: dict[str, Any]
    ) -> None:
        body = case_body(fields={"severity_score": 3})

        response = await client.post("/cases", json=body)

        assert response.status_code == 400
        assert "severity_score" in _detail_text(response)
        assert await _case_count(client) == 1

    async def test_unknown_field_on_update_names_it_and_changes_nothing(
        self, client: httpx.AsyncClient, existing_case: dict[str, Any]
    ) -> None:
        case_id = existing_case["id"]
        before = await _case_state(client, case_id)
        body = {"status": "closed", "fields": {"severity_score": 3}}

        response = await client.patch(f"/cases/{case_id}", json=body)

        assert response.status_code == 400
        assert "severity_score" in _detail_text(response)
        assert await _case_state(client, case_id) == before

    @pytest.mark.parametrize(
        ("selection", "named"),
        [
            ({"definition_ref": "triage_decision"}, "triage_decision"),
            ({"definition_id": UNKNOWN_ID, "option_ref": "x"}, UNKNOWN_ID),
        ],
        ids=["by-ref", "by-id"],
    )
    async def test_unknown_dropdown_definition_on_create_is_404_naming_it(
        self,
        client: httpx.AsyncClient,
        existing_case: dict[str, Any],
        selection: dict[str, Any],
        named: str,
    ) -> None:
        body = case_body(dropdown_values=[selection])

        response = await client.post("/cases", json=body)

        assert response.status_code == 404
        assert named in _detail_text(response)
        assert await _case_count(client) == 1

    async def test_unknown_dropdown_definition_on_update_changes_nothing(
        self, client: httpx.AsyncClient, existing_case: dict[str, Any]
    ) -> None:
        case_id = existing_case["id"]
        before = await _case_state(client, case_id)
        body = {"status": "closed", "dropdown_values": [{"definition_ref": "nope"}]}

        response = await client.patch(f"/cases/{case_id}", json=body)

        assert response.status_code == 404
        assert "nope" in _detail_text(response)
        assert await _case_state(client, case_id) == before

    @pytest.mark.parametrize(
        "selection",
        [
            {"definition_id": UNKNOWN_ID, "definition_ref": "triage"},
            {"option_ref": "x"},
            {"definition_ref": "triage", "option_id": UNKNOWN_ID, "option_ref": "x"},
            {"definition_ref": "triage", "label": "x"},
        ],
        ids=["both-definitions", "no-definition", "both-options", "extra-key"],
    )
    async def test_invalid_dropdown_selection_is_422(
        self,
        client: httpx.AsyncClient,
        existing_case: dict[str, Any],
        selection: dict[str, Any],
    ) -> None:
        body = case_body(dropdown_values=[selection])

        response = await client.post("/cases", json=body)

        locs = _locs(response)
        assert all(loc[:3] == ["body", "dropdown_values", 0] for loc in locs)
        assert await _case_count(client) == 1


CASE_PATHS = ["/cases/{case_id}", "/cases/{case_id}/events"]


class TestPathAndQuery:
    """Malformed ids and unknown query values are 422 lists."""

    @pytest.mark.parametrize("case_id", ["CASE-0001", "%00"])
    @pytest.mark.parametrize("template", CASE_PATHS)
    async def test_non_uuid_case_id_on_read_is_422(
        self,
        client: httpx.AsyncClient,
        existing_case: dict[str, Any],
        template: str,
        case_id: str,
    ) -> None:
        response = await client.get(template.format(case_id=case_id))

        assert _locs(response) == [["path", "case_id"]]

    @pytest.mark.parametrize("method", ["PATCH", "DELETE"])
    async def test_non_uuid_case_id_on_write_is_422(
        self, client: httpx.AsyncClient, existing_case: dict[str, Any], method: str
    ) -> None:
        body = {"status": "closed"} if method == "PATCH" else None

        response = await client.request(method, "/cases/not-a-uuid", json=body)

        assert _locs(response) == [["path", "case_id"]]
        assert await _case_count(client) == 1

    async def test_non_uuid_workspace_id_in_the_path_is_422(
        self, client: httpx.AsyncClient, existing_case: dict[str, Any]
    ) -> None:
        response = await client.get("/workspaces/not-a-uuid/cases")

        assert ["path", "workspace_id"] in _locs(response)

    async def test_non_uuid_workspace_id_in_the_query_is_422(
        self, client: httpx.AsyncClient, existing_case: dict[str, Any]
    ) -> None:
        response = await client.get("/cases", params={"workspace_id": "nope"})

        assert _locs(response) == [["query", "workspace_id"]]

    @pytest.mark.parametrize(
        ("params", "loc"),
        [
            ({"order_by": "bogus"}, ["query", "order_by"]),
            ({"order_by": "summary"}, ["query", "order_by"]),
            ({"sort": "sideways"}, ["query", "sort"]),
            ({"limit": "0"}, ["query", "limit"]),
            ({"limit": "201"}, ["query", "limit"]),
            ({"limit": "ten"}, ["query", "limit"]),
            ({"include_payload": "perhaps"}, ["query", "include_payload"]),
        ],
        ids=repr,
    )
    async def test_bad_list_parameter_is_422(
        self,
        client: httpx.AsyncClient,
        existing_case: dict[str, Any],
        params: dict[str, str],
        loc: list[str],
    ) -> None:
        response = await client.get("/cases", params=params)

        assert _locs(response) == [loc]

    @pytest.mark.parametrize("cursor", ["garbage", "é.é"])
    async def test_forged_cursor_is_400(
        self, client: httpx.AsyncClient, existing_case: dict[str, Any], cursor: str
    ) -> None:
        response = await client.get("/cases", params={"cursor": cursor})

        assert response.status_code == 400
        assert _detail_text(response) == "Invalid pagination cursor"

    @pytest.mark.parametrize("field_id", ["a\x00b", "bad-name"])
    async def test_bad_field_ids_are_400(
        self, client: httpx.AsyncClient, existing_case: dict[str, Any], field_id: str
    ) -> None:
        response = await client.get("/cases", params={"field_ids": field_id})

        assert response.status_code == 400
        assert _detail_text(response)


class TestBodyLimit:
    """Bodies over Settings.max_body_bytes are 413 before any handler runs."""

    async def test_oversized_body_is_413(
        self, client: httpx.AsyncClient, existing_case: dict[str, Any]
    ) -> None:
        body = case_body(payload={"blob": "x" * MAX_BODY_BYTES})

        response = await client.post("/cases", json=body)

        assert response.status_code == 413
        assert str(MAX_BODY_BYTES) in _detail_text(response)
        assert response.headers["content-type"] == "application/json"
        assert await _case_count(client) == 1

    async def test_oversized_chunked_body_is_413(
        self, client: httpx.AsyncClient, existing_case: dict[str, Any]
    ) -> None:
        chunk = b"x" * 65536

        async def chunks() -> AsyncIterator[bytes]:
            yield b'{"summary": "s", "description": "'
            for _ in range(MAX_BODY_BYTES // len(chunk) + 1):
                yield chunk
            yield b'", "status": "new", "priority": "low", "severity": "low"}'

        response = await client.post(
            "/cases", content=chunks(), headers={"content-type": "application/json"}
        )

        assert "content-length" not in response.request.headers
        assert response.status_code == 413
        assert str(MAX_BODY_BYTES) in _detail_text(response)
        assert await _case_count(client) == 1

    async def test_oversized_patch_changes_nothing(
        self, client: httpx.AsyncClient, existing_case: dict[str, Any]
    ) -> None:
        case_id = existing_case["id"]
        before = await _case_state(client, case_id)
        body = {"status": "closed", "payload": {"blob": "x" * MAX_BODY_BYTES}}

        response = await client.patch(f"/cases/{case_id}", json=body)

        assert response.status_code == 413
        assert await _case_state(client, case_id) == before

    async def test_chunked_body_under_the_limit_is_accepted(
        self, client: httpx.AsyncClient
    ) -> None:
        raw = json.dumps(case_body(description="y" * 4000)).encode()

        async def chunks() -> AsyncIterator[bytes]:
            for start in range(0, len(raw), 1000):
                yield raw[start : start + 1000]

        response = await client.post(
            "/cases", content=chunks(), headers={"content-type": "application/json"}
        )

        assert response.status_code == 201, response.text
        assert response.json()["description"] == "y" * 4000


def _case_routes(case_id: str, workspace_id: uuid.UUID) -> list[tuple[str, str]]:
    """Every case route on both mounts."""
    short = [
        ("GET", "/cases"),
        ("POST", "/cases"),
        ("GET", f"/cases/{case_id}"),
        ("PATCH", f"/cases/{case_id}"),
        ("DELETE", f"/cases/{case_id}"),
        ("GET", f"/cases/{case_id}/events"),
    ]
    prefix = f"/workspaces/{workspace_id}"
    return short + [(method, prefix + path) for method, path in short]


class TestUnauthenticated:
    """Every case route answers 401 without a valid session cookie."""

    async def test_every_case_route_without_a_cookie_is_401(
        self, admin: Principal, anonymous: httpx.AsyncClient
    ) -> None:
        created = await admin.client.post("/cases", json=case_body())
        case_id = created.json()["id"]
        assert admin.workspace_id is not None

        answers = []
        for method, path in _case_routes(case_id, admin.workspace_id):
            body = case_body() if method in ("POST", "PATCH") else None
            response = await anonymous.request(method, path, json=body)
            answers.append((method, path, response.status_code, response.json()))

        assert answers == [
            (method, path, 401, {"detail": "Unauthorized"})
            for method, path in _case_routes(case_id, admin.workspace_id)
        ]
        assert await _case_count(admin.client) == 1

    async def test_every_case_route_with_a_garbage_cookie_is_401(
        self, admin: Principal, anonymous: httpx.AsyncClient
    ) -> None:
        created = await admin.client.post("/cases", json=case_body())
        case_id = created.json()["id"]
        assert admin.workspace_id is not None
        anonymous.cookies.set("fastapiusersauth", "nonsense")

        answers = []
        for method, path in _case_routes(case_id, admin.workspace_id):
            body = case_body() if method in ("POST", "PATCH") else None
            response = await anonymous.request(method, path, json=body)
            answers.append((method, path, response.status_code, response.json()))

        assert answers == [
            (method, path, 401, {"detail": "Unauthorized"})
            for method, path in _case_routes(case_id, admin.workspace_id)
        ]
        assert await _case_count(admin.client) == 1

    async def test_unauthorized_carries_www_authenticate(
        self, anonymous: httpx.AsyncClient
    ) -> None:
        anonymous.cookies.set("fastapiusersauth", "nonsense")

        response = await anonymous.patch(f"/cases/{UNKNOWN_ID}", json={})

        assert response.status_code == 401
        assert response.headers["www-authenticate"] == "Cookie"

    async def test_cookie_of_a_signed_out_session_is_401(
        self, admin: Principal
    ) -> None:
        token = admin.client.cookies["fastapiusersauth"]
        signed_out = await admin.client.post("/auth/logout")
        assert signed_out.status_code == 204
        admin.client.cookies.set("fastapiusersauth", token)

        response = await admin.client.get("/cases")

        assert response.status_code == 401
        assert response.json() == {"detail": "Unauthorized"}
