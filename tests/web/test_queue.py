"""The queue page: its rows, filters, sorting, paging, counts and bulk changes."""

import html
import re
import uuid
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import update

from casedesk.models import Case
from tests.factories import Principal, case_body
from tests.web.support import csrf_token, page_token, post_form, queue_path

XSS_SUMMARY = (
    '<script>alert(1)</script> "onmouseover="alert(1) '
    "<img src=x onerror=alert(1)> [x](javascript:alert(1))"
)
XSS_TAG = "<img src=x onerror=alert(1)>"


async def new_case(client: httpx.AsyncClient, **overrides: Any) -> dict[str, Any]:
    """Create a case through the JSON API."""
    response = await client.post("/cases", json=case_body(**overrides))
    assert response.status_code == 201, response.text
    return response.json()


async def stored(client: httpx.AsyncClient, case: dict[str, Any]) -> dict[str, Any]:
    """The case as the JSON API has it now."""
    response = await client.get(f"/cases/{case['id']}")
    assert response.status_code == 200, response.text
    return response.json()


async def add_tag(client: httpx.AsyncClient, case: dict[str, Any], name: str) -> str:
    """Define a tag (once) and put it on the case; its ref."""
    created = await client.post("/case-tags", json={"name": name})
    if created.status_code == 201:
        ref = created.json()["ref"]
    else:
        tags = (await client.get("/case-tags")).json()
        ref = next(tag["ref"] for tag in tags if tag["name"] == name)
    attached = await client.post(f"/cases/{case['id']}/tags", json={"tag_id": ref})
    assert attached.status_code == 201, attached.text
    return str(ref)


def summaries(text: str) -> list[str]:
    """The summaries of the table's rows, top to bottom."""
    found = re.findall(r'data-testid="case-link">([^<]*)</a>', text)
    return [html.unescape(summary) for summary in found]


def href(text: str, testid: str) -> str | None:
    """The address of the link with this test id, if the page has one."""
    found = re.search(rf'<a href="([^"]*)"[^>]*data-testid="{testid}"', text)
    return html.unescape(found.group(1)) if found else None


def count_of(text: str, status: str) -> int:
    """The number shown beside a status (or `all`) above the table."""
    found = re.search(
        rf'data-testid="count-{status}">[^<]*<span class="count">(\d+)</span>', text
    )
    assert found, f"no count for {status}"
    return int(found.group(1))


def row_of(text: str, case: dict[str, Any]) -> str:
    """The table row of one case."""
    found = re.search(rf'data-case-id="{case["id"]}">(.*?)</tr>', text, re.DOTALL)
    assert found, "the case has no row"
    return found.group(1)


async def bulk(principal: Principal, data: list[tuple[str, Any]]) -> httpx.Response:
    """Submit the queue's bulk form as the principal's browser would."""
    queue = queue_path(principal.workspace_id)
    return await post_form(principal.client, f"{queue}/bulk", data, token_from=queue)


def ticked(*cases: dict[str, Any]) -> list[tuple[str, str]]:
    """The checkboxes of these cases, ticked."""
    return [("case_id", case["id"]) for case in cases]


@pytest.fixture
async def triage(
    client: httpx.AsyncClient, editor: Principal
) -> dict[str, dict[str, Any]]:
    """Three different cases: one assigned and tagged phishing, one tagged
    malware, one closed; keyed by a short name."""
    phishing = await new_case(
        client,
        summary="Phishing mail to finance",
        status="new",
        priority="high",
        severity="medium",
        assignee_id=str(editor.user_id),
    )
    beacon = await new_case(
        client,
        summary="Malware beacon on WS-7",
        status="in_progress",
        priority="low",
        severity="critical",
    )
    logins = await new_case(
        client,
        summary="Failed logins on VPN",
        status="closed",
        priority="medium",
        severity="low",
    )
    await add_tag(client, phishing, "phishing")
    await add_tag(client, phishing, "mail")
    await add_tag(client, beacon, "malware")
    return {"phishing": phishing, "beacon": beacon, "logins": logins}


class TestRows:
    async def test_rows_show_the_cases_values(
        self, client: httpx.AsyncClient, admin: Principal, editor: Principal
    ) -> None:
        case = await new_case(
            client,
            summary="Invoice lure sent to finance",
            status="in_progress",
            priority="critical",
            severity="low",
            assignee_id=str(editor.user_id),
        )
        await add_tag(client, case, "Phishing")

        response = await client.get(queue_path(admin.workspace_id))

        assert response.status_code == 200
        row = row_of(response.text, case)
        assert f'data-testid="short-id">{case["short_id"]}<' in row
        assert case["short_id"].startswith("CASE-")
        assert "Invoice lure sent to finance" in row
        assert f'href="/ui/w/{admin.workspace_id}/cases/{case["id"]}"' in row
        assert ">In progress<" in row
        assert ">Critical<" in row
        assert ">Low<" in row
        assert "editor@example.com" in row
        assert '<span class="badge tag">Phishing</span>' in row
        assert datetime.fromisoformat(case["updated_at"]).strftime("%Y-%m-%d") in row
        assert 'data-testid="total">1 case ·' in response.text

    async def test_an_empty_workspace_invites_a_first_case(
        self, client: httpx.AsyncClient, admin: Principal
    ) -> None:
        response = await client.get(queue_path(admin.workspace_id))

        assert response.status_code == 200
        assert "No cases yet." in response.text
        assert f'href="/ui/w/{admin.workspace_id}/cases/new"' in response.text

    async def test_no_match_says_so_with_a_way_back(
        self, client: httpx.AsyncClient, admin: Principal
    ) -> None:
        await new_case(client, status="new")

        response = await client.get(
            queue_path(admin.workspace_id), params={"status": "closed"}
        )

        assert response.status_code == 200
        assert "No cases match these filters." in response.text
        assert "No cases yet." not in response.text


class TestFilters:
    @pytest.mark.parametrize(
        ("params", "expected"),
        [
            pytest.param({"status": "new"}, {"phishing"}, id="status"),
            pytest.param(
                [("status", "new"), ("status", "closed")],
                {"phishing", "logins"},
                id="several-statuses",
            ),
            pytest.param({"priority": "low"}, {"beacon"}, id="priority"),
            pytest.param({"severity": "critical"}, {"beacon"}, id="severity"),
            pytest.param(
                {"assignee_id": "unassigned"}, {"beacon", "logins"}, id="unassigned"
            ),
            pytest.param({"tags": "phishing"}, {"phishing"}, id="tag"),
            pytest.param(
                [("tags", "phishing"), ("tags", "malware")],
                {"phishing", "beacon"},
                id="tags-any",
            ),
            pytest.param(
                [("tags", "phishing"), ("tags", "mail"), ("tags_match", "all")],
                {"phishing"},
                id="tags-all",
            ),
            pytest.param({"search_term": "beacon"}, {"beacon"}, id="search-term"),
            pytest.param(
                {"search_term": "beacon", "status": "closed"}, set(), id="combined"
            ),
        ],
    )
    async def test_a_filter_narrows_to_the_right_cases(
        self,
        client: httpx.AsyncClient,
        admin: Principal,
        triage: dict[str, dict[str, Any]],
        params: dict[str, str] | list[tuple[str, str]],
        expected: set[str],
    ) -> None:
        response = await client.get(queue_path(admin.workspace_id), params=params)

        assert response.status_code == 200
        shown = set(summaries(response.text))
        assert shown == {triage[name]["summary"] for name in expected}

    async def test_assignee_filter_shows_that_persons_cases(
        self,
        client: httpx.AsyncClient,
        admin: Principal,
        editor: Principal,
        triage: dict[str, dict[str, Any]],
    ) -> None:
        response = await client.get(
            queue_path(admin.workspace_id),
            params={"assignee_id": str(editor.user_id)},
        )

        assert summaries(response.text) == [triage["phishing"]["summary"]]
        assert f'<option value="{editor.user_id}" selected>' in response.text

    @pytest.mark.parametrize(
        ("params", "expected"),
        [
            pytest.param(
                {"created_from": "2020-01-15", "created_to": "2020-01-15"},
                {"phishing"},
                id="that-day",
            ),
            pytest.param({"created_to": "2020-01-15"}, {"phishing"}, id="until"),
            pytest.param(
                {"created_from": "2020-01-16"}, {"beacon", "logins"}, id="after"
            ),
            pytest.param({"created_to": "2020-01-14"}, set(), id="before"),
        ],
    )
    async def test_created_range_covers_whole_utc_days(
        self,
        app: FastAPI,
        client: httpx.AsyncClient,
        admin: Principal,
        triage: dict[str, dict[str, Any]],
        params: dict[str, str],
        expected: set[str],
    ) -> None:
        # Late in the evening: only an end bound at the end of the day finds it.
        async with app.state.sessionmaker() as session:
            await session.execute(
                update(Case)
                .where(Case.id == uuid.UUID(triage["phishing"]["id"]))
                .values(created_at=datetime(2020, 1, 15, 23, 30, tzinfo=UTC))
            )
            await session.commit()

        response = await client.get(queue_path(admin.workspace_id), params=params)

        assert response.status_code == 200
        assert set(summaries(response.text)) == {
            triage[name]["summary"] for name in expected
        }

    @pytest.mark.parametrize(
        ("operator", "value", "expected"),
        [
            pytest.param("eq", "3", {"phishing"}, id="equal"),
            pytest.param("gte", "5", {"beacon"}, id="at-least"),
            pytest.param("lte", "8", {"phishing", "beacon"}, id="at-most"),
        ],
    )
    async def test_custom_field_filter(
        self,
        client: httpx.AsyncClient,
        admin: Principal,
        triage: dict[str, dict[str, Any]],
        operator: str,
        value: str,
        expected: set[str],
    ) -> None:
        created = await client.post(
            "/case-fields", json={"name": "score", "type": "INTEGER"}
        )
        assert created.status_code == 201, created.text
        for name, score in (("phishing", 3), ("beacon", 8)):
            changed = await client.patch(
                f"/cases/{triage[name]['id']}", json={"fields": {"score": score}}
            )
            assert changed.status_code == 204, changed.text

        response = await client.get(
            queue_path(admin.workspace_id),
            params=[
                ("cf_name", "score"),
                ("cf_op", operator),
                ("cf_value", value),
                # The form's other rows arrive empty.
                ("cf_name", ""),
                ("cf_op", "eq"),
                ("cf_value", ""),
            ],
        )

        assert response.status_code == 200
        assert set(summaries(response.text)) == {
            triage[name]["summary"] for name in expected
        }

    async def test_filter_state_round_trips_through_the_url(
        self,
        client: httpx.AsyncClient,
        admin: Principal,
        editor: Principal,
        triage: dict[str, dict[str, Any]],
    ) -> None:
        await client.post("/case-fields", json={"name": "score", "type": "INTEGER"})
        await client.patch(
            f"/cases/{triage['phishing']['id']}", json={"fields": {"score": 4}}
        )
        params = [
            ("search_term", "phishing"),
            ("status", "new"),
            ("priority", "high"),
            ("tags", "phishing"),
            ("tags_match", "all"),
            ("assignee_id", str(editor.user_id)),
            ("created_from", "2020-01-01"),
            ("updated_to", "2099-12-31"),
            ("cf_name", "score"),
            ("cf_op", "lte"),
            ("cf_value", "10"),
            ("order_by", "priority"),
            ("sort", "asc"),
            ("limit", "50"),
        ]
        queue = queue_path(admin.workspace_id)

        response = await client.get(queue, params=params)

        text = response.text
        assert response.status_code == 200
        assert 'name="search_term" value="phishing"' in text
        assert 'name="status" value="new" checked' in text
        assert 'name="status" value="closed">' in text
        assert 'name="priority" value="high" checked' in text
        assert '<option value="phishing" selected>phishing</option>' in text
        assert '<option value="all" selected>' in text
        assert f'<option value="{editor.user_id}" selected>' in text
        assert 'name="created_from" value="2020-01-01"' in text
        assert 'name="updated_to" value="2099-12-31"' in text
        assert '<option value="score" selected>' in text
        assert '<option value="lte" selected>' in text
        assert 'name="cf_value" value="10"' in text
        assert summaries(text) == [triage["phishing"]["summary"]]
        assert '<option value="priority" selected>' in text
        assert '<option value="asc" selected>' in text
        assert '<option value="50" selected>' in text
        # Links keep every filter: a sort header, a status count.
        sort_link = href(text, "sort-severity")
        assert sort_link is not None
        for name, value in params:
            if name not in ("order_by", "sort"):
                assert f"{name}={value}" in sort_link
        assert "order_by=severity" in sort_link
        again = await client.get(sort_link)
        assert 'name="search_term" value="phishing"' in again.text
        assert '<option value="severity" selected>' in again.text

    @pytest.mark.parametrize(
        ("params", "status_code", "error_testid", "kept"),
        [
            pytest.param(
                {"tags": "no-such-tag"},
                422,
                "error-filters",
                '<option value="no-such-tag" selected>',
                id="unknown-tag",
            ),
            pytest.param(
                {"created_from": "2026-13-01"},
                422,
                "error-created_from",
                'name="created_from" value="2026-13-01"',
                id="bad-date",
            ),
            pytest.param(
                {"cf_name": "score", "cf_op": "eq", "cf_value": "many"},
                422,
                "error-filters",
                'name="cf_value" value="many"',
                id="bad-field-value",
            ),
            pytest.param(
                {"cf_name": "score", "cf_op": "eq", "cf_value": ""},
                422,
                "error-cf_value-0",
                '<option value="score" selected>',
                id="field-without-value",
            ),
            pytest.param(
                {"status": "sleeping"},
                422,
                "error-status",
                'name="status" value="sleeping" checked',
                id="unknown-status",
            ),
            pytest.param(
                {"assignee_id": "someone"},
                400,
                "error-filters",
                '<option value="someone" selected>',
                id="bad-assignee",
            ),
            pytest.param(
                {"cursor": "not-a-cursor", "search_term": "kept"},
                400,
                "error-filters",
                'name="search_term" value="kept"',
                id="bad-cursor",
            ),
        ],
    )
    async def test_a_refused_filter_is_shown_by_the_form(
        self,
        client: httpx.AsyncClient,
        admin: Principal,
        params: dict[str, str],
        status_code: int,
        error_testid: str,
        kept: str,
    ) -> None:
        await client.post("/case-fields", json={"name": "score", "type": "INTEGER"})
        await new_case(client)

        response = await client.get(queue_path(admin.workspace_id), params=params)

        assert response.status_code == status_code
        assert f'data-testid="{error_testid}"' in response.text
        assert 'data-testid="error-filters"' in response.text
        assert kept in response.text
        assert 'data-testid="case-row"' not in response.text


class TestSortingAndPaging:
    async def test_sort_by_priority_both_ways(
        self, client: httpx.AsyncClient, admin: Principal
    ) -> None:
        for priority in ("low", "critical", "medium"):
            await new_case(client, summary=f"Priority {priority}", priority=priority)
        queue = queue_path(admin.workspace_id)

        ascending = await client.get(
            queue, params={"order_by": "priority", "sort": "asc"}
        )
        descending = await client.get(
            queue, params={"order_by": "priority", "sort": "desc"}
        )

        assert summaries(ascending.text) == [
            "Priority low",
            "Priority medium",
            "Priority critical",
        ]
        assert summaries(descending.text) == [
            "Priority critical",
            "Priority medium",
            "Priority low",
        ]
        assert 'aria-sort="ascending"' in ascending.text
        assert 'aria-sort="descending"' in descending.text
        toggle = href(ascending.text, "sort-priority")
        assert toggle is not None
        assert "sort=desc" in toggle
        assert "sort=asc" in (href(descending.text, "sort-priority") or "")

    async def test_paging_walks_forward_and_back(
        self, client: httpx.AsyncClient, admin: Principal
    ) -> None:
        for index in range(5):
            await new_case(client, summary=f"Case number {index}")
        first_path = f"{queue_path(admin.workspace_id)}?limit=2"

        first = await client.get(first_path)
        second = await client.get(href(first.text, "next-page") or "")
        third = await client.get(href(second.text, "next-page") or "")
        back = await client.get(href(third.text, "prev-page") or "")
        start = await client.get(href(back.text, "prev-page") or "")

        pages = [summaries(page.text) for page in (first, second, third)]
        assert [len(page) for page in pages] == [2, 2, 1]
        assert sorted(sum(pages, [])) == [f"Case number {index}" for index in range(5)]
        assert href(first.text, "prev-page") is None
        assert href(third.text, "next-page") is None
        assert summaries(back.text) == pages[1]
        assert summaries(start.text) == pages[0]
        assert 'data-testid="total">5 cases · 2 on this page' in first.text
        assert "limit=2" in (href(first.text, "next-page") or "")

    async def test_per_status_counts_ignore_the_status_filter(
        self, client: httpx.AsyncClient, admin: Principal
    ) -> None:
        for status, priority in (
            ("new", "high"),
            ("new", "low"),
            ("in_progress", "high"),
            ("closed", "high"),
        ):
            await new_case(client, status=status, priority=priority)
        queue = queue_path(admin.workspace_id)

        everything = await client.get(queue)
        only_new = await client.get(queue, params={"status": "new"})
        urgent = await client.get(queue, params={"priority": "high"})

        assert count_of(everything.text, "all") == 4
        assert count_of(everything.text, "new") == 2
        assert count_of(everything.text, "in_progress") == 1
        assert count_of(everything.text, "on_hold") == 0
        assert count_of(everything.text, "closed") == 1
        assert 'aria-current="true" data-testid="count-all"' in everything.text
        assert count_of(only_new.text, "all") == 4
        assert count_of(only_new.text, "closed") == 1
        assert 'aria-current="true" data-testid="count-new"' in only_new.text
        assert len(summaries(only_new.text)) == 2
        assert count_of(urgent.text, "all") == 3
        assert count_of(urgent.text, "new") == 1
        closed_link = href(urgent.text, "count-closed") or ""
        assert "status=closed" in closed_link
        assert "priority=high" in closed_link

    async def test_a_case_link_carries_the_view_it_was_opened_from(
        self, admin: Principal
    ) -> None:
        case = await new_case(admin.client, status="new", priority="high")
        queue = queue_path(admin.workspace_id)

        plain = await admin.client.get(queue)
        filtered = await admin.client.get(
            queue, params={"status": "new", "order_by": "priority", "limit": "10"}
        )
        link = href(filtered.text, "case-link") or ""
        case_page = await admin.client.get(link)

        assert href(plain.text, "case-link") == f"{queue}/{case['id']}"
        assert link == (
            f"{queue}/{case['id']}?from=status%3Dnew%26order_by%3Dpriority%26limit%3D10"
        )
        assert href(case_page.text, "back-to-queue") == (
            f"{queue}?status=new&order_by=priority&limit=10"
        )


class TestBulkChanges:
    @pytest.mark.parametrize(
        ("input_name", "value", "key"),
        [
            pytest.param("set_status", "in_progress", "status", id="status"),
            pytest.param("set_priority", "critical", "priority", id="priority"),
        ],
    )
    async def test_a_change_applies_to_the_ticked_cases_only(
        self,
        admin: Principal,
        input_name: str,
        value: str,
        key: str,
    ) -> None:
        client = admin.client
        first, second, third = [
            await new_case(client, status="new", priority="low") for _ in range(3)
        ]
        view = f"{queue_path(admin.workspace_id)}?status=new&limit=50"

        response = await bulk(
            admin,
            [
                *ticked(first, second),
                ("action", "update"),
                (input_name, value),
                ("return_to", view),
            ],
        )

        assert response.status_code == 303, response.text
        assert response.headers["location"] == f"{view}&done=2&done_action=changed"
        assert (await stored(client, first))[key] == value
        assert (await stored(client, second))[key] == value
        assert (await stored(client, third))[key] == third[key]

    async def test_assign_then_unassign(
        self, admin: Principal, editor: Principal
    ) -> None:
        client = admin.client
        first, second = [await new_case(client) for _ in range(2)]

        assigned = await bulk(
            admin,
            [*ticked(first), ("action", "update"), ("set_assignee", editor.user_id)],
        )
        after_assign = await stored(client, first)
        unassigned = await bulk(
            admin,
            [*ticked(first), ("action", "update"), ("set_assignee", "unassigned")],
        )

        assert assigned.status_code == 303
        assert after_assign["assignee"]["id"] == str(editor.user_id)
        assert (await stored(client, second))["assignee"] is None
        assert unassigned.status_code == 303
        assert (await stored(client, first))["assignee"] is None

    async def test_admin_deletes_the_ticked_cases_only(self, admin: Principal) -> None:
        client = admin.client
        first, second, kept = [await new_case(client) for _ in range(3)]

        response = await bulk(admin, [*ticked(first, second), ("action", "delete")])

        assert response.status_code == 303
        assert response.headers["location"] == (
            f"{queue_path(admin.workspace_id)}?done=2&done_action=deleted"
        )
        assert (await client.get(f"/cases/{first['id']}")).status_code == 404
        assert (await client.get(f"/cases/{second['id']}")).status_code == 404
        assert (await client.get(f"/cases/{kept['id']}")).status_code == 200

    @pytest.mark.parametrize(
        "return_to",
        [
            "https://evil.example/",
            "//evil.example/ui/",
            "/ui/w/00000000-0000-0000-0000-000000000000/cases",
            "/ui/w/{workspace}/cases/bulk",
            "/ui/w/{workspace}/cases?\nx",
        ],
    )
    async def test_return_to_never_leaves_the_queue(
        self, admin: Principal, return_to: str
    ) -> None:
        case = await new_case(admin.client)

        response = await bulk(
            admin,
            [
                *ticked(case),
                ("action", "update"),
                ("set_priority", "high"),
                ("return_to", return_to.format(workspace=admin.workspace_id)),
            ],
        )

        assert response.status_code == 303
        assert response.headers["location"] == (
            f"{queue_path(admin.workspace_id)}?done=1&done_action=changed"
        )

    async def test_the_view_says_once_what_a_bulk_change_did(
        self, admin: Principal
    ) -> None:
        first, second = [await new_case(admin.client, status="new") for _ in "ab"]
        view = f"{queue_path(admin.workspace_id)}?status=new&order_by=priority"
        response = await bulk(
            admin,
            [
                *ticked(first, second),
                ("action", "update"),
                ("set_priority", "high"),
                ("return_to", view),
            ],
        )

        landed = await admin.client.get(response.headers["location"])
        # Going back to the view later (a link on the page) shows no notice.
        again = await admin.client.get(href(landed.text, "count-all") or "")

        assert landed.status_code == 200
        assert 'data-testid="bulk-done">2 cases changed.<' in landed.text
        # No link or form of the page carries the notice along.
        assert "done=" not in landed.text
        assert "done_action" not in landed.text
        assert f'name="return_to" value="{html.escape(view)}"' in landed.text
        assert "bulk-done" not in again.text

    @pytest.mark.parametrize(
        ("query", "notice"),
        [
            ("done=1&done_action=deleted", "1 case deleted."),
            ("done=3&done_action=anything", "3 cases changed."),
            ("done=0", None),
            ("done=-1", None),
            ("done=99999", None),
            ("done=%3Cscript%3E", None),
            ("done=%D9%A3", None),
        ],
    )
    async def test_only_a_plausible_notice_is_shown(
        self, admin: Principal, query: str, notice: str | None
    ) -> None:
        response = await admin.client.get(f"{queue_path(admin.workspace_id)}?{query}")

        assert response.status_code == 200
        found = re.search(r'data-testid="bulk-done">([^<]*)<', response.text)
        assert (found.group(1) if found else None) == notice

    @pytest.mark.parametrize(
        ("data", "message"),
        [
            pytest.param(
                [("action", "update"), ("set_status", "closed")],
                "Select at least one case.",
                id="nothing-ticked",
            ),
            pytest.param(
                [("case_id", "{case}"), ("action", "update")],
                "Choose a status, priority or assignee to set.",
                id="no-change",
            ),
            pytest.param(
                [("case_id", "{case}"), ("set_status", "closed")],
                "Choose what to do with the selected cases.",
                id="no-action",
            ),
        ],
    )
    async def test_an_incomplete_bulk_form_says_what_is_missing(
        self, admin: Principal, data: list[tuple[str, str]], message: str
    ) -> None:
        case = await new_case(admin.client, status="new")

        response = await bulk(
            admin, [(name, value.format(case=case["id"])) for name, value in data]
        )

        assert response.status_code == 400
        assert f'data-testid="error-bulk">{message}<' in response.text
        # Said beside the bulk controls, below the table, not above it.
        table_at = response.text.index('data-testid="queue-table"')
        assert response.text.index('data-testid="error-bulk"') > table_at
        assert (await stored(admin.client, case))["status"] == "new"

    async def test_a_refused_case_is_named_and_the_others_change(
        self, admin: Principal
    ) -> None:
        client = admin.client
        created = await client.post(
            "/case-fields",
            json={"name": "root_cause", "type": "TEXT", "required_on_closure": True},
        )
        assert created.status_code == 201, created.text
        blocked = await new_case(client, status="new")
        ready = await new_case(client, status="new", fields={"root_cause": "VPN"})

        response = await bulk(
            admin,
            [*ticked(blocked, ready), ("action", "update"), ("set_status", "closed")],
        )

        assert response.status_code == 409
        assert "1 of 2 selected cases changed" in response.text
        failures = response.text.split('data-testid="bulk-failures"')[1]
        failures = failures.split("</ul>")[0]
        assert blocked["short_id"] in failures
        assert "root_cause" in failures
        assert ready["short_id"] not in failures
        assert (await stored(client, blocked))["status"] == "new"
        assert (await stored(client, ready))["status"] == "closed"

    async def test_an_invalid_value_is_shown_beside_its_input(
        self, admin: Principal
    ) -> None:
        case = await new_case(admin.client, status="new")

        response = await bulk(
            admin, [*ticked(case), ("action", "update"), ("set_status", "asleep")]
        )

        assert response.status_code == 422
        assert 'data-testid="error-set_status"' in response.text
        assert (await stored(admin.client, case))["status"] == "new"


class TestAccess:
    async def test_viewer_sees_no_bulk_form_and_cannot_post_one(
        self, admin: Principal, viewer: Principal
    ) -> None:
        case = await new_case(admin.client, status="new")
        queue = queue_path(admin.workspace_id)

        page = await viewer.client.get(queue)
        response = await viewer.client.post(
            f"{queue}/bulk",
            data={
                "csrf_token": csrf_token(page.text),
                "case_id": case["id"],
                "action": "update",
                "set_status": "closed",
            },
        )

        assert page.status_code == 200
        assert case["summary"] in page.text
        assert page.text.count('<form method="post"') == 1
        assert 'action="/ui/logout"' in page.text
        assert 'name="case_id"' not in page.text
        assert response.status_code == 403
        assert (await stored(admin.client, case))["status"] == "new"

    async def test_editor_changes_but_cannot_delete(
        self, admin: Principal, editor: Principal
    ) -> None:
        case = await new_case(admin.client)
        queue = queue_path(admin.workspace_id)

        page = await editor.client.get(queue)
        response = await post_form(
            editor.client,
            f"{queue}/bulk",
            [*ticked(case), ("action", "delete")],
            token_from=queue,
        )

        assert 'data-testid="bulk-form"' in page.text
        assert "Delete selected" not in page.text
        assert response.status_code == 403
        assert (await admin.client.get(f"/cases/{case['id']}")).status_code == 200

    async def test_a_bulk_post_without_the_form_token_is_refused(
        self, admin: Principal
    ) -> None:
        case = await new_case(admin.client, status="new")

        response = await admin.client.post(
            f"{queue_path(admin.workspace_id)}/bulk",
            data={"case_id": case["id"], "action": "delete"},
        )

        assert response.status_code == 403
        assert (await stored(admin.client, case))["status"] == "new"

    async def test_an_outsider_finds_nothing(
        self, admin: Principal, outsider: Principal
    ) -> None:
        case = await new_case(admin.client)
        queue = queue_path(admin.workspace_id)
        token = await page_token(outsider.client, queue_path(outsider.workspace_id))

        page = await outsider.client.get(queue)
        response = await outsider.client.post(
            f"{queue}/bulk",
            data={"csrf_token": token, "case_id": case["id"], "action": "delete"},
        )

        assert page.status_code == 404
        assert case["summary"] not in page.text
        assert response.status_code == 404
        assert (await admin.client.get(f"/cases/{case['id']}")).status_code == 200

    async def test_user_text_is_escaped(
        self, client: httpx.AsyncClient, admin: Principal
    ) -> None:
        case = await new_case(client, summary=XSS_SUMMARY)
        await add_tag(client, case, XSS_TAG)

        response = await client.get(queue_path(admin.workspace_id))

        text = response.text
        assert "<script>alert(1)" not in text
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text
        assert "<img src=x" not in text
        assert "&lt;img src=x onerror=alert(1)&gt;" in text
        assert '"onmouseover="alert(1)' not in text
        assert 'href="javascript:' not in text
