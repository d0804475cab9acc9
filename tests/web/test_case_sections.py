"""The case page's comments, tasks, timeline and durations sections."""

import re
from datetime import timedelta
from html import unescape
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from casedesk.web.pages.case_sections import (
    field_value_text,
    human_duration,
    timeline_entries,
)
from tests.conftest import new_client
from tests.factories import Principal, case_body
from tests.web.support import case_page_path, csrf_token, page_token, post_form

SCRIPT = "<script>alert(1)</script>"
IMAGE = "<img src=x onerror=alert(1)>"
LINK = "[x](javascript:alert(1))"
ATTRIBUTE = '"onmouseover="alert(1)'


async def _new_case(principal: Principal, **overrides: Any) -> tuple[str, str]:
    """Create a case through the API; its id and its page's path."""
    response = await principal.client.post("/cases", json=case_body(**overrides))
    assert response.status_code == 201, response.text
    case_id = response.json()["id"]
    return case_id, case_page_path(principal.workspace_id, case_id)


async def _comments(client: httpx.AsyncClient, case_id: str) -> list[dict[str, Any]]:
    response = await client.get(f"/cases/{case_id}/comments")
    assert response.status_code == 200, response.text
    return list(response.json())


async def _tasks(client: httpx.AsyncClient, case_id: str) -> list[dict[str, Any]]:
    response = await client.get(f"/cases/{case_id}/tasks")
    assert response.status_code == 200, response.text
    return list(response.json())


async def _comment(client: httpx.AsyncClient, case_id: str, content: str) -> str:
    response = await client.post(
        f"/cases/{case_id}/comments", json={"content": content}
    )
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


def _section(html: str, testid: str) -> str:
    """The HTML of one section of the page, by its `data-testid`."""
    start = html.index(f'data-testid="{testid}"')
    return html[start : html.index("</section>", start)]


def _event_texts(html: str) -> list[str]:
    """The timeline's sentences, tags removed, newest first."""
    found = re.findall(
        r'data-testid="event-text">(.*?)</span>', _section(html, "timeline")
    )
    return [re.sub(r"<[^>]+>", "", text) for text in found]


class TestComments:
    async def test_a_comment_and_a_reply_appear_on_the_page_and_in_the_api(
        self, admin: Principal
    ) -> None:
        case_id, path = await _new_case(admin)

        posted = await post_form(
            admin.client,
            f"{path}/comments",
            {"comment": "Host **isolated** at 10:02"},
            token_from=path,
        )
        [comment] = await _comments(admin.client, case_id)
        replied = await post_form(
            admin.client,
            f"{path}/comments/{comment['id']}/replies",
            {f"reply-{comment['id']}": "Confirmed by the EDR console"},
            token_from=path,
        )

        assert posted.status_code == 303
        assert posted.headers["location"] == f"{path}#comments"
        assert replied.status_code == 303
        stored = await _comments(admin.client, case_id)
        assert [item["content"] for item in stored] == [
            "Host **isolated** at 10:02",
            "Confirmed by the EDR console",
        ]
        assert stored[1]["parent_id"] == comment["id"]
        html = _section((await admin.client.get(path)).text, "comments")
        assert "Host <strong>isolated</strong> at 10:02" in html
        replies = html[html.index('class="replies"') :]
        assert 'data-testid="reply"' in replies
        assert "Confirmed by the EDR console" in replies
        assert "admin@example.com" in html

    async def test_the_author_edits_and_deletes_their_comment(
        self, admin: Principal
    ) -> None:
        case_id, path = await _new_case(admin)
        comment_id = await _comment(admin.client, case_id, "First draft")

        edited = await post_form(
            admin.client,
            f"{path}/comments/{comment_id}/edit",
            {f"edit-{comment_id}": "Second draft"},
            token_from=path,
        )
        after_edit = (await admin.client.get(path)).text
        deleted = await post_form(
            admin.client, f"{path}/comments/{comment_id}/delete", {}, token_from=path
        )

        assert edited.status_code == 303
        assert "Second draft" in _section(after_edit, "comments")
        assert 'data-testid="comment-edited"' in after_edit
        assert deleted.status_code == 303
        assert await _comments(admin.client, case_id) == []
        assert "Second draft" not in _section(
            (await admin.client.get(path)).text, "comments"
        )

    async def test_a_deleted_comment_with_replies_stays_as_a_tombstone(
        self, admin: Principal
    ) -> None:
        case_id, path = await _new_case(admin)
        comment_id = await _comment(admin.client, case_id, "Will be withdrawn")
        await admin.client.post(
            f"/cases/{case_id}/comments",
            json={"content": "A reply that stays", "parent_id": comment_id},
        )

        await post_form(
            admin.client, f"{path}/comments/{comment_id}/delete", {}, token_from=path
        )

        html = _section((await admin.client.get(path)).text, "comments")
        assert 'data-testid="comment-deleted"' in html
        assert "Will be withdrawn" not in html
        assert "A reply that stays" in html
        assert f"comments/{comment_id}/replies" not in html

    async def test_another_editor_can_neither_see_nor_use_edit_and_delete(
        self, admin: Principal, editor: Principal
    ) -> None:
        case_id, path = await _new_case(admin)
        comment_id = await _comment(admin.client, case_id, "The admin's finding")

        html = (await editor.client.get(path)).text
        token = csrf_token(html)
        deleted = await editor.client.post(
            f"{path}/comments/{comment_id}/delete", data={"csrf_token": token}
        )
        edited = await editor.client.post(
            f"{path}/comments/{comment_id}/edit",
            data={"csrf_token": token, f"edit-{comment_id}": "Rewritten"},
        )

        comments = _section(html, "comments")
        assert "The admin's finding" in comments
        assert 'data-testid="comment-form"' in comments
        assert f"comments/{comment_id}/delete" not in comments
        assert f"comments/{comment_id}/edit" not in comments
        assert deleted.status_code == 403
        assert edited.status_code == 403
        [stored] = await _comments(admin.client, case_id)
        assert stored["content"] == "The admin's finding"

    async def test_a_blank_comment_is_refused_next_to_the_textarea(
        self, admin: Principal
    ) -> None:
        case_id, path = await _new_case(admin)

        response = await post_form(
            admin.client, f"{path}/comments", {"comment": "  \n "}, token_from=path
        )

        assert response.status_code == 422
        html = _section(response.text, "comment-form")
        assert 'data-testid="error-comment"' in html
        assert 'aria-invalid="true"' in html
        assert await _comments(admin.client, case_id) == []

    async def test_a_comment_over_the_limit_is_refused_and_kept(
        self, admin: Principal
    ) -> None:
        case_id, path = await _new_case(admin)
        too_long = "x" * 25_001

        response = await post_form(
            admin.client, f"{path}/comments", {"comment": too_long}, token_from=path
        )

        assert response.status_code == 422
        form = _section(response.text, "comment-form")
        error = re.search(r'data-testid="error-comment">([^<]+)<', form)
        assert error
        assert "25000" in error.group(1)
        assert f">{too_long}</textarea>" in form
        assert await _comments(admin.client, case_id) == []

    async def test_a_blank_reply_is_refused_next_to_its_own_textarea(
        self, admin: Principal
    ) -> None:
        case_id, path = await _new_case(admin)
        comment_id = await _comment(admin.client, case_id, "Root")

        response = await post_form(
            admin.client,
            f"{path}/comments/{comment_id}/replies",
            {f"reply-{comment_id}": " "},
            token_from=path,
        )

        assert response.status_code == 422
        assert f'data-testid="error-reply-{comment_id}"' in response.text
        assert len(await _comments(admin.client, case_id)) == 1

    async def test_a_reply_to_a_reply_is_refused_at_the_top_of_the_section(
        self, admin: Principal
    ) -> None:
        case_id, path = await _new_case(admin)
        root_id = await _comment(admin.client, case_id, "Root")
        reply = await admin.client.post(
            f"/cases/{case_id}/comments",
            json={"content": "First reply", "parent_id": root_id},
        )
        reply_id = reply.json()["id"]

        response = await post_form(
            admin.client,
            f"{path}/comments/{reply_id}/replies",
            {f"reply-{reply_id}": "Too deep"},
            token_from=path,
        )

        assert response.status_code == 400
        error = re.search(r'data-testid="error-comments">([^<]+)<', response.text)
        assert error
        assert error.group(1) == "Replies cannot have replies."
        assert len(await _comments(admin.client, case_id)) == 2


class TestTasks:
    async def test_a_task_is_added_moved_along_and_deleted(
        self, admin: Principal, editor: Principal
    ) -> None:
        case_id, path = await _new_case(admin)
        member = (await admin.client.get("/members")).json()
        editor_id = next(m["user_id"] for m in member if m["email"] == editor.email)

        added = await post_form(
            admin.client,
            f"{path}/tasks",
            {
                "task-title": "Pull the proxy logs",
                "task-description": "Last 48 hours",
                "task-priority": "high",
                "task-assignee": editor_id,
            },
            token_from=path,
        )
        [task] = await _tasks(admin.client, case_id)
        listed = _section((await admin.client.get(path)).text, "tasks")
        moved = await post_form(
            admin.client,
            f"{path}/tasks/{task['id']}/update",
            {"status": "completed"},
            token_from=path,
        )
        [after_move] = await _tasks(admin.client, case_id)
        deleted = await post_form(
            admin.client, f"{path}/tasks/{task['id']}/delete", {}, token_from=path
        )

        assert added.status_code == 303
        assert added.headers["location"] == f"{path}#tasks"
        assert task["title"] == "Pull the proxy logs"
        assert task["description"] == "Last 48 hours"
        assert task["priority"] == "high"
        assert task["assignee"]["id"] == editor_id
        assert "Pull the proxy logs" in listed
        assert "Last 48 hours" in listed
        assert "editor@example.com" in listed
        assert moved.status_code == 303
        assert after_move["status"] == "completed"
        assert deleted.status_code == 303
        assert await _tasks(admin.client, case_id) == []
        texts = _event_texts((await admin.client.get(path)).text)
        assert "admin@example.com deleted task “Pull the proxy logs”" in texts
        assert (
            "admin@example.com changed the status of task “Pull the proxy logs” "
            "from Todo to Completed"
        ) in texts

    async def test_a_blank_title_is_refused_and_the_rest_is_kept(
        self, admin: Principal
    ) -> None:
        case_id, path = await _new_case(admin)

        response = await post_form(
            admin.client,
            f"{path}/tasks",
            {"task-title": "   ", "task-description": "Keep me"},
            token_from=path,
        )

        assert response.status_code == 422
        form = _section(response.text, "tasks")
        assert 'data-testid="error-task-title"' in form
        assert ">Keep me</textarea>" in form
        assert await _tasks(admin.client, case_id) == []

    async def test_an_unknown_status_is_refused_next_to_the_select(
        self, admin: Principal
    ) -> None:
        case_id, path = await _new_case(admin)
        created = await admin.client.post(
            f"/cases/{case_id}/tasks", json={"title": "Triage"}
        )
        task_id = created.json()["id"]

        response = await post_form(
            admin.client,
            f"{path}/tasks/{task_id}/update",
            {"status": "sleeping"},
            token_from=path,
        )

        assert response.status_code == 422
        assert f'data-testid="error-task-status-{task_id}"' in response.text
        [task] = await _tasks(admin.client, case_id)
        assert task["status"] == "todo"

    async def test_an_editor_changes_tasks_but_cannot_delete_them(
        self, admin: Principal, editor: Principal
    ) -> None:
        case_id, path = await _new_case(admin)
        created = await admin.client.post(
            f"/cases/{case_id}/tasks", json={"title": "Triage"}
        )
        task_id = created.json()["id"]

        html = (await editor.client.get(path)).text
        deleted = await editor.client.post(
            f"{path}/tasks/{task_id}/delete", data={"csrf_token": csrf_token(html)}
        )

        tasks = _section(html, "tasks")
        assert 'data-testid="task-form"' in tasks
        assert 'data-testid="task-status-form"' in tasks
        assert 'data-testid="delete-task-form"' not in tasks
        assert deleted.status_code == 403
        assert len(await _tasks(admin.client, case_id)) == 1


class TestTimeline:
    async def test_changes_appear_with_their_actor_newest_first(
        self, admin: Principal
    ) -> None:
        await admin.client.patch("/users/me", json={"first_name": "Alice"})
        case_id, path = await _new_case(admin)
        await admin.client.patch(f"/cases/{case_id}", json={"status": "in_progress"})
        await admin.client.post("/case-tags", json={"name": "CWE-79"})
        await admin.client.post(f"/cases/{case_id}/tags", json={"tag_id": "cwe-79"})
        await post_form(
            admin.client, f"{path}/comments", {"comment": "Noted"}, token_from=path
        )

        texts = _event_texts((await admin.client.get(path)).text)

        assert texts[0] == "Alice commented"
        assert "Alice added tag CWE-79" in texts
        assert "Alice changed status from New to In progress" in texts
        assert texts[-1] == "Alice created the case"

    async def test_a_service_account_is_named_to_admins_only(
        self, app: FastAPI, admin: Principal, editor: Principal
    ) -> None:
        case_id, path = await _new_case(admin)
        account = await admin.client.post(
            "/service-accounts", json={"name": "SOAR bot", "scopes": ["case:update"]}
        )
        key = await admin.client.post(
            f"/service-accounts/{account.json()['id']}/keys", json={"name": "ci"}
        )
        headers = {"Authorization": f"Bearer {key.json()['key']}"}
        async with new_client(app) as bot:
            changed = await bot.patch(
                f"/workspaces/{admin.workspace_id}/cases/{case_id}",
                json={"priority": "critical"},
                headers=headers,
            )

        admin_texts = _event_texts((await admin.client.get(path)).text)
        editor_texts = _event_texts((await editor.client.get(path)).text)

        assert changed.status_code == 204, changed.text
        assert (
            "Service account SOAR bot changed priority from Medium to Critical"
            in admin_texts
        )
        assert (
            "A service account changed priority from Medium to Critical" in editor_texts
        )

    async def test_a_field_change_names_the_field_and_its_old_and_new_value(
        self, admin: Principal
    ) -> None:
        await admin.client.patch("/users/me", json={"first_name": "Alex"})
        for body in (
            {"name": "vendor", "type": "TEXT", "display_name": "Vendor"},
            {"name": "ports", "type": "JSONB", "display_name": "Open ports"},
            {"name": "notes", "type": "TEXT", "display_name": "Notes"},
        ):
            created = await admin.client.post("/case-fields", json=body)
            assert created.status_code == 201, created.text
        case_id, path = await _new_case(admin, fields={"vendor": "Microsoft"})
        long_note = "word " * 40
        for fields in (
            {"vendor": None},
            {"ports": [80, 443], "notes": long_note},
            {"vendor": SCRIPT},
        ):
            changed = await admin.client.patch(
                f"/cases/{case_id}", json={"fields": fields}
            )
            assert changed.status_code == 204, changed.text

        html = (await admin.client.get(path)).text
        texts = [unescape(text) for text in _event_texts(html) if " changed " in text]

        assert texts[0] == f"Alex changed Vendor from empty to {SCRIPT}"
        assert texts[1] == (
            "Alex changed Open ports from empty to [80, 443]; Notes from empty to "
            f"{field_value_text(long_note)}"
        )
        assert field_value_text(long_note).endswith("…")
        assert texts[2] == "Alex changed Vendor from Microsoft to empty"
        # The value is shown as text: the payload is escaped, never live.
        assert "<script>alert(1)" not in html
        assert "to &lt;script&gt;alert(1)&lt;/script&gt;" in html


class TestDurations:
    async def test_defined_durations_show_their_state(self, admin: Principal) -> None:
        for name, start, end in [
            (
                "Time to triage",
                {"event_type": "case_created"},
                {
                    "event_type": "status_changed",
                    "filters": {"new_values": ["in_progress"]},
                },
            ),
            (
                "Time to close",
                {"event_type": "case_created"},
                {"event_type": "case_closed"},
            ),
            (
                "Time on the watchlist",
                {"event_type": "tag_added", "filters": {"tag_refs": ["watch"]}},
                {"event_type": "tag_removed", "filters": {"tag_refs": ["watch"]}},
            ),
        ]:
            defined = await admin.client.post(
                "/case-durations",
                json={"name": name, "start_anchor": start, "end_anchor": end},
            )
            assert defined.status_code == 201, defined.text
        case_id, path = await _new_case(admin)
        await admin.client.patch(f"/cases/{case_id}", json={"status": "in_progress"})

        html = _section((await admin.client.get(path)).text, "durations")

        states = dict(
            re.findall(
                r'data-testid="duration-name">([^<]+)</dt>\s*'
                r'<dd data-testid="duration" data-state="(\w+)"',
                html,
            )
        )
        assert states == {
            "Time to triage": "measured",
            "Time to close": "running",
            "Time on the watchlist": "not_started",
        }
        assert "Running" in html
        assert "Not started" in html


class TestAccess:
    async def test_a_viewer_sees_no_section_forms_and_cannot_post(
        self, admin: Principal, viewer: Principal
    ) -> None:
        case_id, path = await _new_case(admin)
        comment_id = await _comment(admin.client, case_id, "Only for reading")
        created = await admin.client.post(
            f"/cases/{case_id}/tasks", json={"title": "Triage"}
        )
        task_id = created.json()["id"]

        html = (await viewer.client.get(path)).text
        token = csrf_token(html)
        attempts = [
            (f"{path}/comments", {"comment": "Viewer note"}),
            (f"{path}/comments/{comment_id}/replies", {f"reply-{comment_id}": "Hi"}),
            (f"{path}/tasks", {"task-title": "Viewer task"}),
            (f"{path}/tasks/{task_id}/update", {"status": "completed"}),
            (f"{path}/tasks/{task_id}/delete", {}),
        ]
        statuses = [
            (
                await viewer.client.post(url, data={"csrf_token": token, **data})
            ).status_code
            for url, data in attempts
        ]

        for testid in ("comments", "tasks", "timeline", "durations"):
            assert '<form method="post"' not in _section(html, testid)
        assert html.count('<form method="post"') == 1  # signing out
        assert statuses == [403] * len(attempts)
        assert len(await _comments(admin.client, case_id)) == 1
        [task] = await _tasks(admin.client, case_id)
        assert task["status"] == "todo"

    async def test_a_form_without_its_csrf_token_is_refused(
        self, admin: Principal
    ) -> None:
        case_id, path = await _new_case(admin)

        comment = await admin.client.post(
            f"{path}/comments", data={"comment": "No token"}
        )
        task = await admin.client.post(f"{path}/tasks", data={"task-title": "None"})

        assert comment.status_code == 403
        assert task.status_code == 403
        assert await _comments(admin.client, case_id) == []
        assert await _tasks(admin.client, case_id) == []

    async def test_an_outsider_cannot_post_to_another_workspace(
        self, admin: Principal, outsider: Principal
    ) -> None:
        case_id, path = await _new_case(admin)
        own_page = f"/ui/w/{outsider.workspace_id}/cases"
        token = await page_token(outsider.client, own_page)

        response = await outsider.client.post(
            f"{path}/comments", data={"csrf_token": token, "comment": "Hello"}
        )

        assert response.status_code == 404
        assert await _comments(admin.client, case_id) == []


class TestEscaping:
    async def test_user_text_is_escaped_or_sanitized(self, admin: Principal) -> None:
        await admin.client.patch(
            "/users/me", json={"first_name": f"{SCRIPT}{ATTRIBUTE}"}
        )
        case_id, path = await _new_case(admin)
        for payload in (SCRIPT, IMAGE, LINK, ATTRIBUTE):
            await post_form(
                admin.client, f"{path}/comments", {"comment": payload}, token_from=path
            )
        await post_form(
            admin.client,
            f"{path}/tasks",
            {"task-title": f"{SCRIPT}{ATTRIBUTE}", "task-description": IMAGE},
            token_from=path,
        )

        html = (await admin.client.get(path)).text

        assert len(await _comments(admin.client, case_id)) == 4
        assert "<script>alert(1)" not in html
        assert "&lt;script&gt;alert(1)" in html
        assert "<img src=x" not in html
        assert "&lt;img src=x onerror=alert(1)&gt;" in html
        assert 'href="javascript:' not in html
        # No element anywhere carries an event handler attribute.
        assert re.search(r"<[^>]*\son\w+\s*=", html) is None
        assert "&#34;onmouseover=&#34;alert(1)" in _section(html, "tasks")
        assert "&lt;script&gt;alert(1)&lt;/script&gt;&#34;onmouseover" in html


class TestFormatting:
    @pytest.mark.parametrize(
        ("elapsed", "expected"),
        [
            (timedelta(0), "0 s"),
            (timedelta(milliseconds=300), "under 1 s"),
            (timedelta(seconds=45), "45 s"),
            (timedelta(hours=2, minutes=5, seconds=30), "2 h 5 min"),
            (timedelta(hours=2, seconds=30), "2 h"),
            (timedelta(days=3, hours=4, minutes=1), "3 d 4 h"),
        ],
        ids=["zero", "sub-second", "seconds", "hours", "whole-hours", "days"],
    )
    def test_durations_read_in_their_two_largest_units(
        self, elapsed: timedelta, expected: str
    ) -> None:
        assert human_duration(elapsed) == expected

    @pytest.mark.parametrize(
        ("value", "expected"),
        [
            (None, "empty"),
            ("", "empty"),
            ([], "empty"),
            ("Microsoft", "Microsoft"),
            ("two\nlines  here", "two lines here"),
            (42, "42"),
            ("3.140", "3.140"),
            (True, "true"),
            (["dns", "smb"], "dns, smb"),
            ([80, 443], "[80, 443]"),
            ({"ports": [80, 443]}, '{"ports": [80, 443]}'),
            ("x" * 80, "x" * 80),
            ("x" * 81, "x" * 79 + "…"),
        ],
        ids=[
            "null",
            "blank",
            "no-items",
            "text",
            "lines",
            "integer",
            "numeric",
            "boolean",
            "options",
            "json-list",
            "object",
            "at-limit",
            "too-long",
        ],
    )
    def test_a_field_value_reads_compactly(self, value: Any, expected: str) -> None:
        assert field_value_text(value) == expected

    def test_a_field_change_uses_the_display_name_it_is_given(self) -> None:
        event = {
            "type": "fields_changed",
            "created_at": "2026-01-01T00:00:00Z",
            "changes": [
                {"field": "vendor", "old": "Microsoft", "new": None},
                {"field": "gone", "old": None, "new": 3},
            ],
        }

        entries = timeline_entries(
            {"events": [event], "users": []},
            {},
            lambda user: "",
            field_names={"vendor": "Vendor"},
        )

        assert entries[0].action == (
            "changed Vendor from Microsoft to empty; gone from empty to 3"
        )

    def test_every_event_reads_as_a_sentence_naming_its_actor(self) -> None:
        alice = {"id": "u1", "first_name": "Alice", "email": "a@example.com"}
        bob = {"id": "u2", "first_name": "Bob", "email": "b@example.com"}
        events = [
            {"type": "fields_changed", "user_id": "u1", "changes": [
                {"field": "hostname"}, {"field": "owner"}]},
            {"type": "assignee_changed", "user_id": "u1", "new": "u2"},
            {"type": "assignee_changed", "service_account_id": "s1", "old": "u2"},
            {"type": "dropdown_value_changed", "definition_name": "Phase",
             "new_option_label": "Containment"},
            {"type": "case_closed", "user_id": "u2", "old": "resolved",
             "new": "closed"},
            {"type": "comment_deleted", "user_id": "u2", "delete_mode": "soft"},
            {"type": "something_new", "user_id": "u2"},
        ]  # fmt: skip

        entries = timeline_entries(
            {"events": [{**event, "created_at": "2026-01-01T00:00:00Z"}
                        for event in events], "users": [alice, bob]},
            {"s1": "SOAR bot"},
            lambda user: str(user.get("first_name") or user["email"]),
        )  # fmt: skip

        assert [f"{entry.actor} {entry.action}" for entry in entries] == [
            "Alice changed hostname from empty to empty; owner from empty to empty",
            "Alice assigned the case to Bob",
            "Service account SOAR bot unassigned Bob from the case",
            "casedesk set Phase to Containment",
            "Bob changed status from Resolved to Closed",
            "Bob deleted a comment; its replies remain",
            "Bob recorded something new",
        ]
