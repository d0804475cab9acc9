"""The case page: what it shows, what its forms change, and who may change it."""

import re
import uuid
from html import unescape
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urlencode

import httpx
import pytest

from tests.factories import Principal, case_body
from tests.web.support import case_page_path, csrf_token, page_token, post_form

XSS_SCRIPT = "<script>alert(1)</script>"
XSS_ATTRIBUTE = '"onmouseover="alert(1)'
XSS_IMAGE = "<img src=x onerror=alert(1)>"
XSS_LINK = "[x](javascript:alert(1))"


async def _create_case(client: httpx.AsyncClient, **overrides: Any) -> dict[str, Any]:
    response = await client.post("/cases", json=case_body(**overrides))
    assert response.status_code == 201, response.text
    return dict(response.json())


async def _case(client: httpx.AsyncClient, case_id: object) -> dict[str, Any]:
    response = await client.get(f"/cases/{case_id}")
    assert response.status_code == 200, response.text
    return dict(response.json())


async def _event_types(client: httpx.AsyncClient, case_id: object) -> list[str]:
    response = await client.get(f"/cases/{case_id}/events")
    assert response.status_code == 200, response.text
    return [event["type"] for event in response.json()["events"]]


async def _define_field(
    client: httpx.AsyncClient, name: str, field_type: str, **extra: Any
) -> None:
    response = await client.post(
        "/case-fields", json={"name": name, "type": field_type, **extra}
    )
    assert response.status_code == 201, response.text


def _field_value(case: dict[str, Any], name: str) -> Any:
    return next(entry["value"] for entry in case["fields"] if entry["id"] == name)


def _element(html: str, test_id: str) -> str:
    """The opening tag of the first element with this `data-testid`."""
    found = re.search(
        rf'<(?:input|select|textarea)\b[^>]*data-testid="{test_id}"', html
    )
    assert found, f"no input with data-testid={test_id}"
    start = found.start()
    return html[start : html.index(">", found.end()) + 1]


async def _open_then_changed_by(
    other: Principal, admin: Principal, case: dict[str, Any], change: dict[str, Any]
) -> tuple[str, str]:
    """The admin opens the case page, then `other` changes the case; the
    page's address and the page as the admin has it."""
    path = case_page_path(admin.workspace_id, case["id"])
    html = (await admin.client.get(path)).text

    meanwhile = await other.client.patch(f"/cases/{case['id']}", json=change)
    assert meanwhile.status_code == 204, meanwhile.text
    return path, html


def _shown_values(html: str) -> dict[str, str]:
    """The `was-*` inputs: what the page's edit forms were shown with."""
    found = re.findall(r'<input type="hidden" name="(was-[^"]+)" value="([^"]*)"', html)
    return {name: unescape(value) for name, value in found}


async def _save(
    client: httpx.AsyncClient, action: str, html: str, changes: dict[str, str]
) -> httpx.Response:
    """Post an edit form of `html` as a browser sends it after `changes`.

    Every input the person left alone holds what the page showed, as a
    browser sends it: a textarea's lines with CR LF, a one-line input
    without line breaks.
    """
    shown = _shown_values(html)
    untouched = {name.removeprefix("was-"): value for name, value in shown.items()}
    untouched["summary"] = untouched["summary"].replace("\n", "")
    untouched["description"] = untouched["description"].replace("\n", "\r\n")

    data = {"csrf_token": csrf_token(html), **shown, **untouched, **changes}
    return await client.post(action, data=data)


def _back_link(html: str) -> str:
    found = re.search(r'<a href="([^"]*)" data-testid="back-to-queue"', html)
    assert found, "the page has no way back to the queue"
    return unescape(found.group(1))


class _Elements(HTMLParser):
    """Every opening tag of a document with its attributes, as a browser reads."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, attrs))


def _assert_no_live_payload(html: str) -> None:
    assert "<script>alert" not in html
    assert "<img src=x" not in html
    assert 'href="javascript:' not in html
    elements = _Elements()
    elements.feed(html)
    for tag, attributes in elements.tags:
        names = {name for name, _ in attributes}
        assert tag != "img"
        assert not any(name.startswith("on") for name in names), (tag, attributes)
        assert tag != "script" or "src" in names
        href = dict(attributes).get("href") or ""
        assert not href.strip().lower().startswith("javascript:")


class TestShowingACase:
    async def test_the_page_shows_the_case_as_recorded(
        self, client: httpx.AsyncClient, admin: Principal
    ) -> None:
        await _define_field(client, "hostname", "TEXT", display_name="Host name")
        tag = (await client.post("/case-tags", json={"name": "Phishing"})).json()
        case = await _create_case(
            client,
            summary="Beaconing from finance laptop",
            description="Seen **twice** today.",
            status="in_progress",
            priority="high",
            severity="critical",
            assignee_id=str(admin.user_id),
            fields={"hostname": "FIN-LT-017"},
        )
        await client.post(f"/cases/{case['id']}/tags", json={"tag_id": tag["id"]})

        response = await client.get(case_page_path(admin.workspace_id, case["id"]))

        assert response.status_code == 200
        html = response.text
        assert "Beaconing from finance laptop" in html
        assert case["short_id"] in html
        assert "<strong>twice</strong>" in html
        assert ">In progress</span>" in html
        assert "Priority: High" in html
        assert "Severity: Critical" in html
        assert f"Assigned to {admin.email}" in html
        assert ">Phishing</span>" in html
        assert 'value="FIN-LT-017"' in html
        assert "Host name" in html
        assert re.search(r"Created <time[^>]*>\d{4}-\d\d-\d\d \d\d:\d\d UTC<", html)

    async def test_an_unknown_foreign_or_malformed_case_is_not_found(
        self, client: httpx.AsyncClient, admin: Principal, outsider: Principal
    ) -> None:
        foreign = await _create_case(outsider.client)

        for case_id in (uuid.uuid4(), foreign["id"], "not-a-case-id"):
            response = await client.get(case_page_path(admin.workspace_id, case_id))

            assert response.status_code == 404, case_id
            assert "Not found" in response.text

    async def test_an_outsider_cannot_see_or_change_the_case(
        self, client: httpx.AsyncClient, admin: Principal, outsider: Principal
    ) -> None:
        case = await _create_case(client)
        path = case_page_path(admin.workspace_id, case["id"])
        own = await _create_case(outsider.client)
        token = await page_token(
            outsider.client, case_page_path(outsider.workspace_id, own["id"])
        )

        seen = await outsider.client.get(path)
        posted = await outsider.client.post(
            f"{path}/properties",
            data={"csrf_token": token, "status": "closed", "priority": "low"},
        )

        assert seen.status_code == 404
        assert posted.status_code == 404
        assert (await _case(client, case["id"]))["status"] == "new"


class TestEditingProperties:
    async def test_the_properties_form_changes_the_case_in_one_go(
        self, client: httpx.AsyncClient, admin: Principal, editor: Principal
    ) -> None:
        case = await _create_case(client)
        path = case_page_path(admin.workspace_id, case["id"])

        response = await post_form(
            client,
            f"{path}/properties",
            {
                "status": "on_hold",
                "priority": "critical",
                "severity": "low",
                "assignee_id": str(editor.user_id),
            },
            token_from=path,
        )

        assert response.status_code == 303
        assert response.headers["location"] == f"{path}#properties"
        changed = await _case(client, case["id"])
        assert changed["status"] == "on_hold"
        assert changed["priority"] == "critical"
        assert changed["severity"] == "low"
        assert changed["assignee"]["id"] == str(editor.user_id)
        events = await _event_types(client, case["id"])
        for event in (
            "status_changed",
            "priority_changed",
            "severity_changed",
            "assignee_changed",
        ):
            assert event in events

    async def test_unassigned_clears_the_assignee(
        self, client: httpx.AsyncClient, admin: Principal
    ) -> None:
        case = await _create_case(client, assignee_id=str(admin.user_id))
        path = case_page_path(admin.workspace_id, case["id"])

        response = await post_form(
            client,
            f"{path}/properties",
            {"status": "new", "priority": "medium", "severity": "high"}
            | {"assignee_id": ""},
            token_from=path,
        )

        assert response.status_code == 303
        assert (await _case(client, case["id"]))["assignee"] is None
        assert (await _event_types(client, case["id"])).count("assignee_changed") == 1

    async def test_closing_without_a_required_field_is_refused_at_the_status(
        self, client: httpx.AsyncClient, admin: Principal
    ) -> None:
        await _define_field(client, "root_cause", "TEXT", required_on_closure=True)
        case = await _create_case(client)
        path = case_page_path(admin.workspace_id, case["id"])

        response = await post_form(
            client,
            f"{path}/properties",
            {"status": "closed", "priority": "medium", "severity": "high"},
            token_from=path,
        )

        assert response.status_code == 422
        error = re.search(r'data-testid="error-status">([^<]*)<', response.text)
        assert error
        assert "root_cause" in error.group(1)
        assert 'aria-describedby="error-status"' in response.text
        # The refused choice stays selected for another try.
        assert '<option value="closed" selected>' in response.text
        assert (await _case(client, case["id"]))["status"] == "new"
        assert "case_closed" not in await _event_types(client, case["id"])

    async def test_the_text_form_rewrites_summary_and_description(
        self, client: httpx.AsyncClient, admin: Principal
    ) -> None:
        case = await _create_case(client)
        path = case_page_path(admin.workspace_id, case["id"])

        response = await post_form(
            client,
            f"{path}/text",
            {"summary": "Confirmed phishing", "description": "First\r\nSecond"},
            token_from=path,
        )

        assert response.status_code == 303
        assert response.headers["location"] == f"{path}#text"
        changed = await _case(client, case["id"])
        assert changed["summary"] == "Confirmed phishing"
        assert changed["description"] == "First\nSecond"
        assert "case_updated" in await _event_types(client, case["id"])

    async def test_a_blank_summary_is_refused_next_to_it(
        self, client: httpx.AsyncClient, admin: Principal
    ) -> None:
        case = await _create_case(client)
        path = case_page_path(admin.workspace_id, case["id"])

        response = await post_form(
            client,
            f"{path}/text",
            {"summary": "   ", "description": "Kept while refused"},
            token_from=path,
        )

        assert response.status_code == 422
        assert 'data-testid="error-summary"' in response.text
        assert "Kept while refused</textarea>" in response.text
        unchanged = await _case(client, case["id"])
        assert unchanged["summary"] == case["summary"]
        assert unchanged["description"] == case["description"]


class TestEditingWhatOthersChanged:
    """A form sends only what the person changed, not the page it was on."""

    async def test_an_untouched_property_keeps_a_change_made_meanwhile(
        self, client: httpx.AsyncClient, admin: Principal, editor: Principal
    ) -> None:
        case = await _create_case(client, status="new", priority="low")
        path, html = await _open_then_changed_by(
            editor, admin, case, {"priority": "critical"}
        )

        response = await _save(
            client, f"{path}/properties", html, {"status": "in_progress"}
        )

        assert _shown_values(html)["was-priority"] == "low"
        assert response.status_code == 303
        stored = await _case(client, case["id"])
        assert stored["status"] == "in_progress"
        assert stored["priority"] == "critical"
        assert (await _event_types(client, case["id"])).count("priority_changed") == 1

    async def test_a_new_summary_keeps_a_description_written_meanwhile(
        self, client: httpx.AsyncClient, admin: Principal, editor: Principal
    ) -> None:
        case = await _create_case(client, description="First notes")
        path, html = await _open_then_changed_by(
            editor, admin, case, {"description": "Editor's findings"}
        )

        response = await _save(
            client, f"{path}/text", html, {"summary": "Renamed by the admin"}
        )

        assert _shown_values(html)["was-description"] == "First notes"
        assert response.status_code == 303
        stored = await _case(client, case["id"])
        assert stored["summary"] == "Renamed by the admin"
        assert stored["description"] == "Editor's findings"

    async def test_an_untouched_multi_line_summary_is_left_as_it_is(
        self, client: httpx.AsyncClient, admin: Principal, editor: Principal
    ) -> None:
        # The API takes a summary with a line break; the page's one-line
        # input shows (and a browser sends) it without.
        case = await _create_case(client, summary="Alert: line one\nline two")
        path, html = await _open_then_changed_by(
            editor, admin, case, {"description": "Editor's findings"}
        )

        response = await _save(
            client, f"{path}/text", html, {"description": "Rewritten by the admin"}
        )

        assert _shown_values(html)["was-summary"] == "Alert: line one\nline two"
        assert response.status_code == 303
        stored = await _case(client, case["id"])
        assert stored["summary"] == "Alert: line one\nline two"
        assert stored["description"] == "Rewritten by the admin"

    async def test_saving_an_unchanged_form_records_nothing(
        self, client: httpx.AsyncClient, admin: Principal
    ) -> None:
        case = await _create_case(client, description="Line one\nLine two")
        path = case_page_path(admin.workspace_id, case["id"])
        html = (await client.get(path)).text
        events_before = await _event_types(client, case["id"])

        for form in ("properties", "text"):
            response = await _save(client, f"{path}/{form}", html, {})
            assert response.status_code == 303, response.text

        assert await _event_types(client, case["id"]) == events_before
        assert (await _case(client, case["id"]))["updated_at"] == case["updated_at"]


class TestTheWayBackToTheQueue:
    async def test_the_queue_view_survives_every_change_on_the_page(
        self, client: httpx.AsyncClient, admin: Principal
    ) -> None:
        case = await _create_case(client, status="new")
        view = "status=new&priority=high&order_by=priority"
        path = case_page_path(admin.workspace_id, case["id"])
        opened = f"{path}?{urlencode({'from': view})}"

        html = (await client.get(opened)).text
        response = await client.post(
            f"{path}/properties?{urlencode({'from': view})}",
            data={
                "csrf_token": csrf_token(html),
                **_shown_values(html),
                "status": "in_progress",
            },
        )

        queue = f"/ui/w/{admin.workspace_id}/cases"
        assert _back_link(html) == f"{queue}?{view}"
        actions = re.findall(r'<form method="post" action="([^"]*)"', html)
        # Properties, text, comment, task and delete forms at least.
        assert len([action for action in actions if action.startswith(path)]) >= 5
        assert [
            action
            for action in map(unescape, actions)
            if action.startswith(path)
            and not action.endswith(f"?{urlencode({'from': view})}")
        ] == []
        assert response.status_code == 303
        assert response.headers["location"] == (f"{opened}#properties")

    @pytest.mark.parametrize(
        "hostile",
        [
            "https://evil.example/?status=new",
            "//evil.example/ui",
            "/ui/w/00000000-0000-0000-0000-000000000000/cases?status=new",
            "\\evil.example",
            "status=new" + "&x=1" * 600,
            # Short as typed, but twelve times as long once encoded afresh.
            "q=" + "\N{GRINNING FACE}" * 300,
        ],
    )
    async def test_a_from_naming_another_place_leads_to_the_bare_queue(
        self, client: httpx.AsyncClient, admin: Principal, hostile: str
    ) -> None:
        case = await _create_case(client)
        path = case_page_path(admin.workspace_id, case["id"])

        html = (await client.get(path, params={"from": hostile})).text

        assert _back_link(html) == f"/ui/w/{admin.workspace_id}/cases"

    async def test_a_from_is_encoded_afresh_and_stays_inert(
        self, client: httpx.AsyncClient, admin: Principal
    ) -> None:
        case = await _create_case(client)
        path = case_page_path(admin.workspace_id, case["id"])

        html = (
            await client.get(path, params={"from": 'q="><script>alert(1)</script>#x'})
        ).text

        assert _back_link(html) == (
            f"/ui/w/{admin.workspace_id}/cases"
            "?q=%22%3E%3Cscript%3Ealert%281%29%3C%2Fscript%3E%23x"
        )
        _assert_no_live_payload(html)


class TestTagsAndDropdowns:
    async def test_a_tag_is_added_and_removed(
        self, client: httpx.AsyncClient, admin: Principal
    ) -> None:
        tag = (await client.post("/case-tags", json={"name": "Malware"})).json()
        case = await _create_case(client)
        path = case_page_path(admin.workspace_id, case["id"])
        page = (await client.get(path)).text
        assert f'<option value="{tag["id"]}"' in page

        added = await post_form(
            client, f"{path}/tags", {"tag_id": tag["id"]}, token_from=path
        )
        tagged = await _case(client, case["id"])
        removed = await post_form(
            client, f"{path}/tags/{tag['id']}/remove", {}, token_from=path
        )

        assert added.status_code == 303
        assert added.headers["location"] == f"{path}#tags"
        assert [item["name"] for item in tagged["tags"]] == ["Malware"]
        assert removed.status_code == 303
        assert (await _case(client, case["id"]))["tags"] == []
        events = await _event_types(client, case["id"])
        assert "tag_added" in events
        assert "tag_removed" in events

    async def test_a_dropdown_option_is_chosen_and_cleared(
        self, client: httpx.AsyncClient, admin: Principal
    ) -> None:
        dropdown = (
            await client.post(
                "/case-dropdowns",
                json={
                    "name": "Verdict",
                    "ref": "verdict",
                    "options": [
                        {"label": "Benign", "ref": "benign"},
                        {"label": "Malicious", "ref": "malicious"},
                    ],
                },
            )
        ).json()
        malicious = dropdown["options"][1]["id"]
        case = await _create_case(client)
        path = case_page_path(admin.workspace_id, case["id"])
        action = f"{path}/dropdowns/{dropdown['id']}"

        chosen = await post_form(
            client, action, {"option_id": malicious}, token_from=path
        )
        after_choice = await _case(client, case["id"])
        page = (await client.get(path)).text
        cleared = await post_form(client, action, {"option_id": ""}, token_from=path)

        assert chosen.status_code == 303
        assert after_choice["dropdown_values"][0]["option_label"] == "Malicious"
        assert f'<option value="{malicious}" selected>' in page
        assert cleared.status_code == 303
        assert (await _case(client, case["id"]))["dropdown_values"][0][
            "option_id"
        ] is None
        assert (await _event_types(client, case["id"])).count(
            "dropdown_value_changed"
        ) == 2

    async def test_an_admin_deletes_the_case_and_lands_on_the_queue(
        self, client: httpx.AsyncClient, admin: Principal, editor: Principal
    ) -> None:
        case = await _create_case(client)
        path = case_page_path(admin.workspace_id, case["id"])
        editor_page = (await editor.client.get(path)).text

        response = await post_form(client, f"{path}/delete", {}, token_from=path)

        assert "Delete this case" not in editor_page
        assert response.status_code == 303
        assert response.headers["location"] == f"/ui/w/{admin.workspace_id}/cases"
        assert (await client.get(f"/cases/{case['id']}")).status_code == 404


# (type, definition extras, the input's opening tag must contain, form values,
# value the API then holds, what the input shows afterwards)
FIELD_CASES: list[tuple[str, dict[str, Any], str, Any, Any, str]] = [
    ("TEXT", {}, 'type="text"', "host-17", "host-17", 'value="host-17"'),
    (
        "TEXT",
        {"kind": "LONG_TEXT"},
        "<textarea",
        "line one\r\nline two",
        "line one\nline two",
        ">line one\nline two</textarea>",
    ),
    ("INTEGER", {}, 'type="number" step="1"', "42", 42, 'value="42"'),
    ("NUMERIC", {}, 'inputmode="decimal"', "3.140", "3.140", 'value="3.140"'),
    ("DATE", {}, 'type="date"', "2026-03-01", "2026-03-01", 'value="2026-03-01"'),
    (
        "TIMESTAMPTZ",
        {},
        'type="datetime-local"',
        "2026-03-01T12:30",
        "2026-03-01T12:30:00Z",
        'value="2026-03-01T12:30:00"',
    ),
    ("BOOLEAN", {}, "<select", "false", False, '<option value="false" selected>'),
    (
        "SELECT",
        {"options": ["low", "high"]},
        "<select",
        "high",
        "high",
        '<option value="high" selected>',
    ),
    (
        "MULTI_SELECT",
        {"options": ["dns", "http", "smb"]},
        'type="checkbox"',
        ["dns", "smb"],
        ["dns", "smb"],
        'value="smb" checked',
    ),
    (
        "JSONB",
        {},
        "<textarea",
        '{"ports": [80, 443]}',
        {"ports": [80, 443]},
        "&#34;ports&#34;",
    ),
]


class TestCustomFields:
    @pytest.mark.parametrize(
        ("field_type", "extras", "element", "entered", "stored", "shown"),
        FIELD_CASES,
        ids=[
            f"{field_type}-{'-'.join(extras) or 'plain'}"
            for field_type, extras, *_ in FIELD_CASES
        ],
    )
    async def test_each_type_has_its_input_and_round_trips(
        self,
        client: httpx.AsyncClient,
        admin: Principal,
        field_type: str,
        extras: dict[str, Any],
        element: str,
        entered: Any,
        stored: Any,
        shown: str,
    ) -> None:
        await _define_field(client, "probe", field_type, **extras)
        case = await _create_case(client)
        path = case_page_path(admin.workspace_id, case["id"])
        action = f"{path}/fields/probe"
        values = entered if isinstance(entered, list) else [entered]
        page = (await client.get(path)).text
        assert element in _element(page, "field-input-probe")
        if field_type == "TIMESTAMPTZ":
            assert "(UTC)" in page

        saved = await post_form(
            client,
            action,
            [("value", value) for value in values],
            token_from=path,
        )
        after_save = await _case(client, case["id"])
        shown_page = (await client.get(path)).text
        # Unticking every box sends no value at all.
        emptied = {} if field_type == "MULTI_SELECT" else {"value": ""}
        cleared = await post_form(client, action, emptied, token_from=path)

        assert saved.status_code == 303
        assert saved.headers["location"] == f"{path}#field-probe"
        assert _field_value(after_save, "probe") == stored
        assert shown in shown_page
        assert cleared.status_code == 303
        assert _field_value(await _case(client, case["id"]), "probe") is None
        assert (await _event_types(client, case["id"])).count("fields_changed") == 2

    @pytest.mark.parametrize(
        ("field_type", "entered", "status_code"),
        [("INTEGER", "abc", 400), ("JSONB", "{not json", 422)],
        ids=["integer", "json"],
    )
    async def test_a_wrong_value_is_refused_next_to_its_input(
        self,
        client: httpx.AsyncClient,
        admin: Principal,
        field_type: str,
        entered: str,
        status_code: int,
    ) -> None:
        await _define_field(client, "probe", field_type)
        case = await _create_case(client)
        path = case_page_path(admin.workspace_id, case["id"])

        response = await post_form(
            client, f"{path}/fields/probe", {"value": entered}, token_from=path
        )

        assert response.status_code == status_code
        assert 'data-testid="error-fields.probe"' in response.text
        tag = _element(response.text, "field-input-probe")
        assert 'aria-invalid="true"' in tag
        assert entered in response.text
        assert _field_value(await _case(client, case["id"]), "probe") is None
        assert "fields_changed" not in await _event_types(client, case["id"])


class TestWhoMayChangeIt:
    async def test_a_viewer_sees_values_but_no_forms_and_cannot_post(
        self, client: httpx.AsyncClient, admin: Principal, viewer: Principal
    ) -> None:
        await _define_field(client, "hostname", "TEXT")
        dropdown = {"name": "Verdict", "ref": "verdict", "options": []}
        assert (await client.post("/case-dropdowns", json=dropdown)).status_code == 201
        case = await _create_case(client, fields={"hostname": "WS-0042"})
        path = case_page_path(admin.workspace_id, case["id"])

        page = await viewer.client.get(path)
        token = csrf_token(page.text)
        attempts = {
            f"{path}/properties": {"status": "closed", "priority": "low"},
            f"{path}/text": {"summary": "Changed", "description": ""},
            f"{path}/fields/hostname": {"value": "changed"},
            f"{path}/delete": {},
        }
        answers = [
            await viewer.client.post(action, data={"csrf_token": token, **data})
            for action, data in attempts.items()
        ]

        assert page.status_code == 200
        assert page.text.count('<form method="post"') == 1
        assert 'action="/ui/logout"' in page.text
        assert "<select" not in page.text
        assert 'data-testid="field-value-hostname">WS-0042<' in page.text
        assert 'data-testid="case-assignee"' in page.text
        assert [answer.status_code for answer in answers] == [403] * len(attempts)
        unchanged = await _case(client, case["id"])
        assert unchanged["status"] == "new"
        assert unchanged["summary"] == case["summary"]
        assert _field_value(unchanged, "hostname") == "WS-0042"

    async def test_a_form_without_its_token_is_refused(
        self, client: httpx.AsyncClient, admin: Principal
    ) -> None:
        case = await _create_case(client)
        path = case_page_path(admin.workspace_id, case["id"])

        response = await client.post(
            f"{path}/properties", data={"status": "closed", "priority": "low"}
        )

        assert response.status_code == 403
        assert (await _case(client, case["id"]))["status"] == "new"


class TestUserTextIsInert:
    async def test_payloads_in_every_user_text_render_escaped(
        self,
        client: httpx.AsyncClient,
        admin: Principal,
        editor: Principal,
        viewer: Principal,
    ) -> None:
        payload = f"{XSS_SCRIPT} {XSS_ATTRIBUTE} {XSS_IMAGE}"
        renamed = await editor.client.patch(
            "/users/me", json={"first_name": XSS_SCRIPT, "last_name": XSS_IMAGE}
        )
        assert renamed.status_code == 200, renamed.text
        await _define_field(client, "note", "TEXT")
        await _define_field(client, "raw", "JSONB")
        await _define_field(client, "choice", "SELECT", options=[XSS_IMAGE, "ok"])
        tag = (await client.post("/case-tags", json={"name": XSS_IMAGE})).json()
        await client.post("/case-tags", json={"name": XSS_SCRIPT})
        case = await _create_case(
            client,
            summary=payload,
            description=f"{payload}\n\n{XSS_LINK} [y](javascript:alert(2))",
            assignee_id=str(editor.user_id),
            fields={"note": payload, "raw": {"html": XSS_SCRIPT}, "choice": XSS_IMAGE},
        )
        await client.post(f"/cases/{case['id']}/tags", json={"tag_id": tag["id"]})
        path = case_page_path(admin.workspace_id, case["id"])

        html = (await client.get(path)).text

        _assert_no_live_payload(html)
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
        assert "&lt;img src=x onerror=alert(1)&gt;" in html
        assert "&#34;onmouseover=&#34;alert(1)" in html
        read_only = (await viewer.client.get(path)).text
        _assert_no_live_payload(read_only)
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in read_only
