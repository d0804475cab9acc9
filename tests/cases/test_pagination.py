"""Cursor pagination of `GET /cases` (reference §3.4, §6.1, facts 41-46)."""

import base64
import json
from datetime import datetime
from typing import Any

import httpx
from fastapi import FastAPI

from casedesk.cases.enums import PRIORITY_CODES, SEVERITY_CODES, STATUS_CODES
from tests.factories import Principal, case_body, create_workspace

# Few distinct values per column, so most rows tie and the id decides.
PRIORITIES = ["low", "high", "medium"]
SEVERITIES = ["critical", "informational"]
STATUSES = ["resolved", "new", "in_progress"]
ORDERINGS = [
    (order_by, sort)
    for order_by in ("created_at", "updated_at", "priority", "severity", "status")
    + ("tasks",)
    for sort in ("asc", "desc")
]
NIL_UUID = "00000000-0000-0000-0000-000000000000"

INVALID_CURSOR = {"detail": "Invalid pagination cursor"}
CURSOR_MISMATCH = {"detail": "Pagination cursor does not match the current query"}


async def _create_case(client: httpx.AsyncClient, **overrides: Any) -> dict[str, Any]:
    response = await client.post("/cases", json=case_body(**overrides))
    assert response.status_code == 201, response.text
    return response.json()


async def _create_mixed_cases(
    client: httpx.AsyncClient, count: int
) -> list[dict[str, Any]]:
    """Cases whose priority, severity and status cycle through a few values."""
    return [
        await _create_case(
            client,
            summary=f"Mixed case {index}",
            priority=PRIORITIES[index % len(PRIORITIES)],
            severity=SEVERITIES[index % len(SEVERITIES)],
            status=STATUSES[index % len(STATUSES)],
        )
        for index in range(count)
    ]


async def _delete_cases(client: httpx.AsyncClient, case_ids: list[str]) -> None:
    for case_id in case_ids:
        response = await client.delete(f"/cases/{case_id}")
        assert response.status_code == 204, response.text


def _sort_value(case: dict[str, Any], order_by: str) -> Any:
    if order_by in ("created_at", "updated_at"):
        return datetime.fromisoformat(case[order_by])
    if order_by == "priority":
        return PRIORITY_CODES[case["priority"]]
    if order_by == "severity":
        return SEVERITY_CODES[case["severity"]]
    if order_by == "status":
        return STATUS_CODES[case["status"]]
    # No case has tasks, so every row ties on `tasks` and the id decides.
    return 0


def _canonical_ids(cases: list[dict[str, Any]], order_by: str, sort: str) -> list[str]:
    """Ids in the listing's total order: the sort column, then the id."""
    # Hex order of the canonical UUID text is the byte order both databases use.
    ordered = sorted(cases, key=lambda case: (_sort_value(case, order_by), case["id"]))
    if sort == "desc":
        ordered.reverse()
    return [case["id"] for case in ordered]


def _ids(page: dict[str, Any]) -> list[str]:
    return [item["id"] for item in page["items"]]


async def _list(client: httpx.AsyncClient, **params: Any) -> dict[str, Any]:
    response = await client.get("/cases", params=params)
    assert response.status_code == 200, response.text
    return response.json()


async def _answers(
    client: httpx.AsyncClient, **params: Any
) -> tuple[int, dict[str, Any]]:
    response = await client.get("/cases", params=params)
    return response.status_code, response.json()


async def _walk(
    client: httpx.AsyncClient, start: dict[str, Any], link: str, **params: Any
) -> list[dict[str, Any]]:
    """`start` and every page reached from it by following `link` cursors."""
    pages = [start]
    while pages[-1][link] is not None:
        assert len(pages) < 50, "the walk does not end"
        pages.append(await _list(client, cursor=pages[-1][link], **params))
    return pages


def _resign(app: FastAPI, cursor: str, **changes: Any) -> str:
    """A cursor validly signed by the server, with its payload changed."""
    body, _, _ = cursor.partition(".")
    payload = json.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))
    payload.update(changes)
    raw = json.dumps(payload, separators=(",", ":")).encode()
    new_body = base64.urlsafe_b64encode(raw).rstrip(b"=").decode()
    return f"{new_body}.{app.state.cursor_codec._sign(new_body)}"


def _flip_first(text: str) -> str:
    return ("B" if text[0] == "A" else "A") + text[1:]


async def test_every_ordering_walks_forward_and_back_over_each_case_once(
    admin: Principal,
) -> None:
    cases = await _create_mixed_cases(admin.client, 45)
    expected = {ordering: _canonical_ids(cases, *ordering) for ordering in ORDERINGS}

    walks = {}
    for order_by, sort in ORDERINGS:
        params = {"order_by": order_by, "sort": sort, "limit": 10}
        first = await _list(admin.client, **params)
        forward = await _walk(admin.client, first, "next_cursor", **params)
        backward = await _walk(admin.client, forward[-1], "prev_cursor", **params)
        walks[order_by, sort] = (forward, backward[::-1])

    for ordering, (forward, backward) in walks.items():
        walked = [case_id for page in forward for case_id in _ids(page)]
        assert walked == expected[ordering], ordering
        assert [len(page["items"]) for page in forward] == [10, 10, 10, 10, 5]
        assert [_ids(page) for page in backward] == [_ids(page) for page in forward]
        for page in forward + backward:
            assert page["has_more"] == (page["next_cursor"] is not None), ordering
            assert page["has_previous"] == (page["prev_cursor"] is not None)
        assert [page["has_more"] for page in backward] == [True] * 4 + [False]
        assert [page["has_previous"] for page in backward] == [False] + [True] * 4


async def test_default_order_is_newest_first_and_asc_reverses_it(
    admin: Principal,
) -> None:
    cases = [await _create_case(admin.client, summary=f"c{i}") for i in range(3)]
    created = [case["id"] for case in cases]

    default = await _list(admin.client)
    ascending = await _list(admin.client, sort="asc")

    assert _ids(default) == created[::-1]
    assert _ids(ascending) == created


async def test_enum_orders_are_semantic_not_alphabetical(admin: Principal) -> None:
    high_new = await _create_case(admin.client, priority="high", status="new")
    low_resolved = await _create_case(admin.client, priority="low", status="resolved")
    medium_in_progress = await _create_case(
        admin.client, priority="medium", status="in_progress"
    )

    by_priority = await _list(admin.client, order_by="priority", sort="asc")
    by_status = await _list(admin.client, order_by="status", sort="desc")

    # Alphabetically: high, low, medium; and resolved, new, in_progress.
    assert _ids(by_priority) == [
        low_resolved["id"],
        medium_in_progress["id"],
        high_new["id"],
    ]
    assert _ids(by_status) == [
        low_resolved["id"],
        medium_in_progress["id"],
        high_new["id"],
    ]


async def test_out_of_range_query_values_are_validation_errors(
    admin: Principal,
) -> None:
    bad = {
        "limit": [0, 201],
        "order_by": ["summary"],
        "sort": ["up"],
        "cursor": ["A" * 9000],
    }

    answers = {
        (name, str(value)[:10]): await _answers(admin.client, **{name: value})
        for name, values in bad.items()
        for value in values
    }

    locations = {
        key: (status, [item["loc"] for item in body["detail"]])
        for key, (status, body) in answers.items()
    }
    assert locations == {key: (422, [["query", key[0]]]) for key in answers}


async def test_omitted_limit_returns_twenty_cases(admin: Principal) -> None:
    await _create_mixed_cases(admin.client, 21)

    page = await _list(admin.client)

    assert len(page["items"]) == 20
    assert page["has_more"] is True


async def test_nine_cases_by_three_link_pages_both_ways(admin: Principal) -> None:
    await _create_mixed_cases(admin.client, 9)

    first = await _list(admin.client, limit=3)
    pages = await _walk(admin.client, first, "next_cursor", limit=3)
    previous = await _list(admin.client, limit=3, cursor=pages[2]["prev_cursor"])

    assert len(pages) == 3
    assert _ids(previous) == _ids(pages[1])
    assert (previous["has_previous"], previous["has_more"]) == (True, True)
    assert (first["prev_cursor"], first["has_previous"]) == (None, False)
    assert (pages[-1]["next_cursor"], pages[-1]["has_more"]) == (None, False)


async def test_empty_workspace_lists_an_empty_page(admin: Principal) -> None:
    page = await _list(admin.client)

    assert page == {
        "items": [],
        "next_cursor": None,
        "prev_cursor": None,
        "has_more": False,
        "has_previous": False,
        "total_estimate": 0,
    }


async def test_cursor_tolerates_a_new_limit_and_ignores_reverse(
    admin: Principal,
) -> None:
    cases = await _create_mixed_cases(admin.client, 9)
    first = await _list(admin.client, limit=3)

    rest = await _list(admin.client, limit=6, cursor=first["next_cursor"])
    flagged = await _list(
        admin.client, limit=6, cursor=first["next_cursor"], reverse=True
    )

    assert _ids(rest) == [case["id"] for case in reversed(cases[:6])]
    assert rest["next_cursor"] is None
    assert _ids(flagged) == _ids(rest)


async def test_modified_cursor_is_invalid(admin: Principal) -> None:
    await _create_mixed_cases(admin.client, 4)
    first = await _list(admin.client, limit=2)
    body, _, signature = first["next_cursor"].partition(".")
    modified = [f"{_flip_first(body)}.{signature}", f"{body}.{_flip_first(signature)}"]

    answers = [await _answers(admin.client, limit=2, cursor=c) for c in modified]

    assert answers == [(400, INVALID_CURSOR)] * 2


async def test_cursor_reused_with_other_sort_or_order_by_does_not_match(
    admin: Principal,
) -> None:
    await _create_mixed_cases(admin.client, 4)
    first = await _list(admin.client, limit=2)
    changes = [{"sort": "asc"}, {"order_by": "priority"}, {"order_by": "updated_at"}]

    answers = [
        await _answers(admin.client, limit=2, cursor=first["next_cursor"], **change)
        for change in changes
    ]

    assert answers == [(400, CURSOR_MISMATCH)] * 3


async def test_unknown_cursor_version_is_unsupported(
    admin: Principal, app: FastAPI
) -> None:
    await _create_mixed_cases(admin.client, 4)
    first = await _list(admin.client, limit=2)
    forged = _resign(app, first["next_cursor"], v=2)

    answer = await _answers(admin.client, limit=2, cursor=forged)

    assert answer == (400, {"detail": "Unsupported pagination cursor version"})


async def test_signed_cursor_with_malformed_position_is_invalid(
    admin: Principal, app: FastAPI
) -> None:
    await _create_mixed_cases(admin.client, 4)
    forgeries = {
        "created_at": [
            {"d": "sideways"},
            {"i": "yes"},
            {"k": "not-a-list"},
            {"k": [1, 2, 3]},
            {"k": ["yesterday", NIL_UUID]},
            {"k": ["2024-01-01T00:00:00", NIL_UUID]},
            {"k": ["2024-01-01T00:00:00+00:00", "not-a-uuid"]},
        ],
        "priority": [{"k": ["urgent", NIL_UUID]}],
        "status": [{"k": [3, NIL_UUID]}],
        "tasks": [{"k": ["many", NIL_UUID]}, {"k": [None, NIL_UUID]}],
    }

    answers = []
    for order_by, changes in forgeries.items():
        first = await _list(admin.client, limit=2, order_by=order_by)
        for change in changes:
            forged = _resign(app, first["next_cursor"], **change)
            answer = await _answers(
                admin.client, limit=2, order_by=order_by, cursor=forged
            )
            answers.append(answer)

    assert answers == [(400, INVALID_CURSOR)] * 11


async def test_cursor_from_another_workspace_is_refused(
    admin: Principal, app: FastAPI
) -> None:
    other = await create_workspace(app, "Other team", owner_id=admin.user_id)
    for index in range(2):
        response = await admin.client.post(
            f"/workspaces/{other}/cases", json=case_body(summary=f"other {index}")
        )
        assert response.status_code == 201, response.text
    await _create_mixed_cases(admin.client, 2)
    foreign = (
        await admin.client.get(f"/workspaces/{other}/cases", params={"limit": 1})
    ).json()

    response = await admin.client.get(
        f"/workspaces/{admin.workspace_id}/cases",
        params={"limit": 1, "cursor": foreign["next_cursor"]},
    )

    assert response.status_code == 400
    assert response.json() == CURSOR_MISMATCH


async def test_garbage_cursor_is_invalid_never_a_server_error(
    admin: Principal,
) -> None:
    await _create_mixed_cases(admin.client, 1)
    garbage = [
        "",
        ".",
        "not base64 at all!",
        "abc\x00def",
        "abc.def\x00",
        "é.é",
        "eyJ2IjoxfQ.ü",
        "a.b.c",
        "=" * 100,
        "A" * 8192,
    ]

    answers = {
        cursor: await _answers(admin.client, cursor=cursor) for cursor in garbage
    }

    assert answers == dict.fromkeys(garbage, (400, INVALID_CURSOR))


async def test_total_estimate_is_the_exact_count_on_every_page(
    admin: Principal,
) -> None:
    cases = await _create_mixed_cases(admin.client, 8)
    first = await _list(admin.client, limit=3)
    await _delete_cases(admin.client, [cases[0]["id"]])

    pages = await _walk(admin.client, first, "next_cursor", limit=3)

    assert [page["total_estimate"] for page in pages] == [8, 7, 7]


async def test_deleted_next_page_gives_empty_page_with_way_back(
    admin: Principal,
) -> None:
    await _create_mixed_cases(admin.client, 7)
    first = await _list(admin.client, limit=3)
    second = await _list(admin.client, limit=3, cursor=first["next_cursor"])
    third = await _list(admin.client, limit=3, cursor=second["next_cursor"])
    await _delete_cases(admin.client, _ids(third))

    emptied = await _list(admin.client, limit=3, cursor=second["next_cursor"])
    recovered = await _list(admin.client, limit=3, cursor=emptied["prev_cursor"])

    assert emptied["items"] == []
    assert (emptied["next_cursor"], emptied["has_more"]) == (None, False)
    assert emptied["has_previous"] is True
    assert emptied["total_estimate"] == 6
    assert _ids(recovered) == _ids(second)
    assert recovered["next_cursor"] is None
    assert recovered["has_previous"] is True


async def test_deleted_previous_page_gives_empty_page_with_way_forward(
    admin: Principal,
) -> None:
    await _create_mixed_cases(admin.client, 7)
    first = await _list(admin.client, limit=3)
    second = await _list(admin.client, limit=3, cursor=first["next_cursor"])
    await _delete_cases(admin.client, _ids(first))

    emptied = await _list(admin.client, limit=3, cursor=second["prev_cursor"])
    recovered = await _list(admin.client, limit=3, cursor=emptied["next_cursor"])

    assert emptied["items"] == []
    assert (emptied["prev_cursor"], emptied["has_previous"]) == (None, False)
    assert emptied["has_more"] is True
    assert _ids(recovered) == _ids(second)
    assert (recovered["prev_cursor"], recovered["has_previous"]) == (None, False)
    assert recovered["has_more"] is True


async def test_walk_over_a_deleted_middle_page_skips_it_without_repeats(
    admin: Principal,
) -> None:
    cases = await _create_mixed_cases(admin.client, 9)
    first = await _list(admin.client, limit=3)
    second = await _list(admin.client, limit=3, cursor=first["next_cursor"])
    await _delete_cases(admin.client, _ids(second))

    after = await _list(admin.client, limit=3, cursor=first["next_cursor"])
    back = await _list(admin.client, limit=3, cursor=after["prev_cursor"])

    oldest_three = [case["id"] for case in reversed(cases[:3])]
    assert _ids(after) == oldest_three
    assert after["next_cursor"] is None
    assert _ids(back) == _ids(first)


async def test_payload_is_null_unless_include_payload(admin: Principal) -> None:
    await _create_case(admin.client, payload={"alert": {"id": 7}})
    await _create_case(admin.client)

    plain = await _list(admin.client)
    with_payload = await _list(admin.client, include_payload=True)

    assert [item["payload"] for item in plain["items"]] == [None, None]
    assert [item["payload"] for item in with_payload["items"]] == [
        None,
        {"alert": {"id": 7}},
    ]


async def test_reserved_and_internal_field_ids_are_refused_without_cases(
    admin: Principal,
) -> None:
    names = ["case_id", "ID", "Created_At", "__tc_x", "__TC_Y"]

    answers = [await _answers(admin.client, field_ids=name) for name in names]

    assert answers == [
        (400, {"detail": "Field case_id is a reserved field"}),
        (400, {"detail": "Field ID is a reserved field"}),
        (400, {"detail": "Field Created_At is a reserved field"}),
        (400, {"detail": "Field __tc_x is reserved for internal use"}),
        (400, {"detail": "Field __TC_Y is reserved for internal use"}),
    ]


async def test_unknown_field_id_gives_empty_field_values(admin: Principal) -> None:
    await _create_mixed_cases(admin.client, 2)

    plain = await _list(admin.client)
    requested = await _list(admin.client, field_ids=["unknown_name", "unknown_name"])

    assert [item["field_values"] for item in plain["items"]] == [None, None]
    assert [item["field_values"] for item in requested["items"]] == [{}, {}]
