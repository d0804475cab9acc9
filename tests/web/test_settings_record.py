"""The settings sections for custom fields, dropdowns and durations."""

import re
import uuid
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from casedesk.auth.backend import SESSION_COOKIE_NAME
from casedesk.web.csrf import issue_token
from casedesk.workspaces.roles import WorkspaceRole
from tests.conftest import new_client
from tests.factories import Principal, case_body, create_user, open_session
from tests.web.support import csrf_token, post_form, queue_path

SECTIONS = ("fields", "dropdowns", "durations")
XSS_PAYLOADS = (
    "<script>alert(1)</script>",
    '"onmouseover="alert(1)',
    "<img src=x onerror=alert(1)>",
    "[x](javascript:alert(1))",
)


def section_path(workspace_id: object, section: str) -> str:
    """A settings section's page."""
    return f"/ui/w/{workspace_id}/settings/{section}"


def error_text(html: str, name: str) -> str:
    """The message shown next to input `name`; fails when there is none."""
    found = re.search(rf'data-testid="error-{re.escape(name)}">([^<]*)<', html)
    assert found, f"no error shown for {name}"
    return found.group(1)


async def api_list(client: httpx.AsyncClient, ws: object, path: str) -> Any:
    response = await client.get(f"/workspaces/{ws}{path}")
    assert response.status_code == 200, response.text
    return response.json()


async def custom_fields(client: httpx.AsyncClient, ws: object) -> dict[str, Any]:
    listed = await api_list(client, ws, "/case-fields")
    return {field["id"]: field for field in listed if not field["reserved"]}


async def own_token(app: FastAPI, member: Principal) -> str:
    """A valid CSRF token of the member's own session, from a page they can open."""
    response = await member.client.get(queue_path(member.workspace_id))
    if response.status_code == 200 and 'name="csrf_token"' in response.text:
        return csrf_token(response.text)
    # The queue page is still being written: sign the session's token as the
    # pages do, until it can be read from there.
    secret = app.state.settings.secret_value()
    return issue_token(secret, member.client.cookies.get(SESSION_COOKIE_NAME))


# Custom fields.


async def test_fields_of_several_types_are_created_through_the_form(
    admin: Principal,
) -> None:
    client, ws = admin.client, admin.workspace_id
    path = section_path(ws, "fields")
    forms: list[dict[str, str]] = [
        {"name": "Host_Name", "type": "TEXT", "display_name": "Host name"},
        {"name": "risk_score", "type": "INTEGER", "default": "5"},
        {
            "name": "impact",
            "type": "SELECT",
            "options": "low\r\nhigh\r\n",
            "default": "low",
        },
        {
            "name": "vectors",
            "type": "MULTI_SELECT",
            "options": "email\nweb\nusb",
            "default": "email\nusb",
            "required_on_closure": "on",
        },
    ]

    for data in forms:
        response = await post_form(client, path, data, token_from=path)
        assert response.status_code == 303, response.text
        assert response.headers["location"] == path

    fields = await custom_fields(client, ws)
    assert list(fields) == ["host_name", "risk_score", "impact", "vectors"]
    assert fields["host_name"]["type"] == "TEXT"
    assert fields["host_name"]["display_name"] == "Host name"
    assert fields["risk_score"]["default"] == "5"
    assert fields["impact"]["options"] == ["low", "high"]
    assert fields["impact"]["default"] == "low"
    assert fields["vectors"]["options"] == ["email", "web", "usb"]
    assert fields["vectors"]["default"] == '["email", "usb"]'
    assert fields["vectors"]["required_on_closure"] is True
    assert fields["impact"]["required_on_closure"] is False
    page = await client.get(path)
    assert page.status_code == 200
    assert 'data-testid="field-row-vectors"' in page.text
    assert "Host name" in page.text


async def test_a_field_is_renamed_and_its_options_changed(admin: Principal) -> None:
    client, ws = admin.client, admin.workspace_id
    path = section_path(ws, "fields")
    created = await client.post(
        f"/workspaces/{ws}/case-fields",
        json={"name": "impact", "type": "SELECT", "options": ["low", "high"]},
    )
    assert created.status_code == 201

    response = await post_form(
        client,
        f"{path}/impact",
        {
            "name": "business_impact",
            "display_name": "Business impact",
            "type": "SELECT",
            "options": "low\nmedium\nhigh",
            "default": "medium",
            "required_on_closure": "on",
        },
        token_from=path,
    )

    assert response.status_code == 303, response.text
    fields = await custom_fields(client, ws)
    assert list(fields) == ["business_impact"]
    changed = fields["business_impact"]
    assert changed["display_name"] == "Business impact"
    assert changed["options"] == ["low", "medium", "high"]
    assert changed["default"] == "medium"
    assert changed["required_on_closure"] is True


async def test_a_duplicate_name_is_refused_next_to_the_name(admin: Principal) -> None:
    client, ws = admin.client, admin.workspace_id
    path = section_path(ws, "fields")
    await client.post(
        f"/workspaces/{ws}/case-fields", json={"name": "hostname", "type": "TEXT"}
    )
    before = await custom_fields(client, ws)

    response = await post_form(
        client,
        path,
        {"name": "HostName", "type": "INTEGER", "display_name": "Typed again"},
        token_from=path,
    )

    assert response.status_code == 409
    assert "already exists" in error_text(response.text, "name")
    assert 'value="HostName"' in response.text
    assert 'value="Typed again"' in response.text
    assert await custom_fields(client, ws) == before


async def test_a_reserved_name_is_refused_next_to_the_name(admin: Principal) -> None:
    client, ws = admin.client, admin.workspace_id
    path = section_path(ws, "fields")

    response = await post_form(
        client, path, {"name": "__tc_secret", "type": "TEXT"}, token_from=path
    )

    assert response.status_code == 400
    assert "reserved for internal use" in error_text(response.text, "name")
    assert await custom_fields(client, ws) == {}


async def test_a_bad_default_is_refused_next_to_the_default(admin: Principal) -> None:
    client, ws = admin.client, admin.workspace_id
    path = section_path(ws, "fields")

    created = await post_form(
        client,
        path,
        {"name": "risk_score", "type": "INTEGER", "default": "abc"},
        token_from=path,
    )
    outside = await post_form(
        client,
        path,
        {"name": "impact", "type": "SELECT", "options": "low\nhigh", "default": "x"},
        token_from=path,
    )

    assert created.status_code == 400
    assert "Invalid integer default value" in error_text(created.text, "default")
    assert 'value="risk_score"' in created.text
    assert outside.status_code == 422
    assert "not in the available options" in error_text(outside.text, "default")
    assert await custom_fields(client, ws) == {}


async def test_a_bad_change_is_refused_and_nothing_changes(admin: Principal) -> None:
    client, ws = admin.client, admin.workspace_id
    path = section_path(ws, "fields")
    await client.post(
        f"/workspaces/{ws}/case-fields",
        json={"name": "size", "type": "TEXT", "default": "big"},
    )
    await client.post(
        f"/workspaces/{ws}/case-fields", json={"name": "owner", "type": "TEXT"}
    )
    case = await client.post(f"/workspaces/{ws}/cases", json=case_body())
    await client.patch(
        f"/workspaces/{ws}/cases/{case.json()['id']}", json={"fields": {"size": "big"}}
    )
    before = await custom_fields(client, ws)

    options_on_text = await post_form(
        client,
        f"{path}/size",
        {"name": "size", "type": "TEXT", "default": "", "options": "a"},
        token_from=path,
    )
    retyped = await post_form(
        client,
        f"{path}/size",
        {"name": "size", "type": "INTEGER", "default": ""},
        token_from=path,
    )
    renamed = await post_form(
        client,
        f"{path}/size",
        {"name": "owner", "type": "TEXT", "default": "big"},
        token_from=path,
    )

    assert options_on_text.status_code == 422
    assert "take no options" in error_text(options_on_text.text, "options")
    assert retyped.status_code == 400
    assert "CASE-" in error_text(retyped.text, "type")
    assert renamed.status_code == 409
    assert "already exists" in error_text(renamed.text, "name")
    assert 'data-testid="edit-field-size" open' in renamed.text
    assert await custom_fields(client, ws) == before


async def test_a_field_is_deleted(admin: Principal) -> None:
    client, ws = admin.client, admin.workspace_id
    path = section_path(ws, "fields")
    await client.post(
        f"/workspaces/{ws}/case-fields", json={"name": "hostname", "type": "TEXT"}
    )
    page = await client.get(path)
    assert 'data-confirm="Delete the field hostname' in page.text

    response = await post_form(client, f"{path}/hostname/delete", {}, token_from=path)

    assert response.status_code == 303
    assert await custom_fields(client, ws) == {}


# Dropdowns.


async def dropdowns_of(client: httpx.AsyncClient, ws: object) -> list[Any]:
    return list(await api_list(client, ws, "/case-dropdowns"))


async def test_a_dropdown_is_created_reordered_and_deleted(admin: Principal) -> None:
    client, ws = admin.client, admin.workspace_id
    path = section_path(ws, "dropdowns")

    created = await post_form(
        client,
        path,
        {
            "name": "Triage decision",
            "is_ordered": "on",
            "options": "Escalate\nClose as benign\n\nWait",
        },
        token_from=path,
    )
    assert created.status_code == 303, created.text
    [dropdown] = await dropdowns_of(client, ws)
    assert dropdown["ref"] == "triage_decision"
    assert dropdown["is_ordered"] is True
    assert [o["label"] for o in dropdown["options"]] == [
        "Escalate",
        "Close as benign",
        "Wait",
    ]
    assert dropdown["options"][1]["ref"] == "close_as_benign"
    base = f"{path}/{dropdown['id']}"

    added = await post_form(
        client, f"{base}/options", {"label": "Monitor"}, token_from=path
    )
    assert added.status_code == 303, added.text
    [dropdown] = await dropdowns_of(client, ws)
    options = {o["label"]: o["id"] for o in dropdown["options"]}
    assert list(options) == ["Escalate", "Close as benign", "Wait", "Monitor"]

    await post_form(
        client,
        f"{base}/options/{options['Monitor']}/move",
        {"direction": "up"},
        token_from=path,
    )
    await post_form(
        client,
        f"{base}/options/{options['Escalate']}/move",
        {"direction": "down"},
        token_from=path,
    )
    first_up = await post_form(
        client,
        f"{base}/options/{options['Close as benign']}/move",
        {"direction": "up"},
        token_from=path,
    )
    assert first_up.status_code == 303
    [dropdown] = await dropdowns_of(client, ws)
    assert [o["label"] for o in dropdown["options"]] == [
        "Close as benign",
        "Escalate",
        "Monitor",
        "Wait",
    ]

    renamed = await post_form(
        client,
        f"{base}/options/{options['Wait']}",
        {"label": "Wait for user", "ref": "wait", "color": "#aa0000"},
        token_from=path,
    )
    deleted = await post_form(
        client, f"{base}/options/{options['Monitor']}/delete", {}, token_from=path
    )
    assert renamed.status_code == 303
    assert deleted.status_code == 303
    [dropdown] = await dropdowns_of(client, ws)
    assert [(o["label"], o["ref"], o["color"]) for o in dropdown["options"]] == [
        ("Close as benign", "close_as_benign", None),
        ("Escalate", "escalate", None),
        ("Wait for user", "wait", "#aa0000"),
    ]

    changed = await post_form(
        client,
        base,
        {"name": "Decision", "ref": "triage_decision", "required_on_closure": "on"},
        token_from=path,
    )
    assert changed.status_code == 303
    [dropdown] = await dropdowns_of(client, ws)
    assert dropdown["name"] == "Decision"
    assert dropdown["ref"] == "triage_decision"
    assert dropdown["is_ordered"] is False
    assert dropdown["required_on_closure"] is True

    removed = await post_form(client, f"{base}/delete", {}, token_from=path)
    assert removed.status_code == 303
    assert await dropdowns_of(client, ws) == []


async def test_dropdown_refusals_show_next_to_the_input(admin: Principal) -> None:
    client, ws = admin.client, admin.workspace_id
    path = section_path(ws, "dropdowns")
    first = await client.post(
        f"/workspaces/{ws}/case-dropdowns",
        json={
            "name": "Verdict",
            "ref": "verdict",
            "options": [{"label": "True positive", "ref": "tp"}],
        },
    )
    definition_id = first.json()["id"]
    before = await dropdowns_of(client, ws)

    taken_ref = await post_form(
        client, path, {"name": "Verdict", "options": "A"}, token_from=path
    )
    same_options = await post_form(
        client,
        path,
        {"name": "Other", "options": "High\nhigh"},
        token_from=path,
    )
    no_ref = await post_form(client, path, {"name": "???"}, token_from=path)
    taken_option = await post_form(
        client,
        f"{path}/{definition_id}/options",
        {"label": "Again", "ref": "tp"},
        token_from=path,
    )
    blank_name = await post_form(
        client, f"{path}/{definition_id}", {"name": "  "}, token_from=path
    )

    assert taken_ref.status_code == 409
    assert "ref already exists" in error_text(taken_ref.text, "ref")
    assert 'value="Verdict"' in taken_ref.text
    assert same_options.status_code == 409
    assert "already exists" in error_text(same_options.text, "options")
    assert no_ref.status_code == 422
    assert "Enter a ref" in error_text(no_ref.text, "ref")
    assert taken_option.status_code == 409
    assert "already exists" in error_text(taken_option.text, "ref")
    assert 'value="Again"' in taken_option.text
    assert blank_name.status_code == 409
    assert "cannot be empty" in error_text(blank_name.text, "name")
    assert await dropdowns_of(client, ws) == before


# Durations.


async def test_a_duration_is_created_edited_and_deleted(admin: Principal) -> None:
    client, ws = admin.client, admin.workspace_id
    path = section_path(ws, "durations")
    tag = await client.post(f"/workspaces/{ws}/case-tags", json={"name": "Phishing"})
    tag_ref = tag.json()["ref"]

    created = await post_form(
        client,
        path,
        [
            ("name", "Time to resolve"),
            ("description", "From creation to resolution"),
            ("start_event_type", "case_created"),
            ("start_selection", "first"),
            ("end_event_type", "status_changed"),
            ("end_selection", "first"),
            ("end_new_values", "resolved"),
            ("end_new_values", "closed"),
        ],
        token_from=path,
    )

    assert created.status_code == 303, created.text
    [definition] = await api_list(client, ws, "/case-durations")
    assert definition["name"] == "Time to resolve"
    assert definition["description"] == "From creation to resolution"
    assert definition["start_anchor"]["event_type"] == "case_created"
    assert definition["end_anchor"]["event_type"] == "status_changed"
    assert definition["end_anchor"]["filters"]["new_values"] == ["resolved", "closed"]
    page = await client.get(path)
    row = page.text.split(f'data-testid="duration-row-{definition["id"]}"')[1]
    assert "First status changed (new values: resolved, closed)" in row

    edited = await post_form(
        client,
        f"{path}/{definition['id']}",
        [
            ("name", "Time to tag"),
            ("description", ""),
            ("start_event_type", "case_created"),
            ("start_selection", "first"),
            ("end_event_type", "tag_added"),
            ("end_selection", "last"),
            ("end_tag_refs", tag_ref),
        ],
        token_from=path,
    )

    assert edited.status_code == 303, edited.text
    [definition] = await api_list(client, ws, "/case-durations")
    assert definition["name"] == "Time to tag"
    assert definition["description"] is None
    assert definition["end_anchor"] == {
        "event_type": "tag_added",
        "selection": "last",
        "filters": {
            "new_values": [],
            "tag_refs": [tag_ref],
            "field_ids": [],
            "dropdown_definition_id": None,
            "dropdown_option_ids": [],
        },
    }
    page = await client.get(path)
    assert "Last tag added (tags: Phishing)" in page.text

    deleted = await post_form(
        client, f"{path}/{definition['id']}/delete", {}, token_from=path
    )
    assert deleted.status_code == 303
    assert await api_list(client, ws, "/case-durations") == []


async def test_an_invalid_anchor_is_refused_with_its_message(admin: Principal) -> None:
    client, ws = admin.client, admin.workspace_id
    path = section_path(ws, "durations")
    existing = await client.post(
        f"/workspaces/{ws}/case-durations",
        json={
            "name": "Taken",
            "start_anchor": {"event_type": "case_created"},
            "end_anchor": {"event_type": "case_closed"},
        },
    )
    assert existing.status_code == 201
    before = await api_list(client, ws, "/case-durations")

    no_filter = await post_form(
        client,
        path,
        {
            "name": "To close",
            "start_event_type": "status_changed",
            "end_event_type": "case_closed",
        },
        token_from=path,
    )
    foreign_filter = await post_form(
        client,
        path,
        [
            ("name", "To close"),
            ("start_event_type", "case_created"),
            ("end_event_type", "case_closed"),
            ("end_new_values", "closed"),
        ],
        token_from=path,
    )
    taken_name = await post_form(
        client,
        f"{path}/{existing.json()['id']}",
        {"name": "Taken", "start_event_type": "", "end_event_type": "case_closed"},
        token_from=path,
    )

    assert no_filter.status_code == 422
    message = error_text(no_filter.text, "start_anchor")
    assert "require the new_values filter" in message
    assert 'value="To close"' in no_filter.text
    assert foreign_filter.status_code == 422
    assert "take no new_values filter" in error_text(foreign_filter.text, "end_anchor")
    assert taken_name.status_code == 422
    assert error_text(taken_name.text, "start_event_type")
    assert await api_list(client, ws, "/case-durations") == before


async def test_a_duplicate_duration_name_is_refused(admin: Principal) -> None:
    client, ws = admin.client, admin.workspace_id
    path = section_path(ws, "durations")
    anchors = {
        "start_anchor": {"event_type": "case_created"},
        "end_anchor": {"event_type": "case_closed"},
    }
    await client.post(f"/workspaces/{ws}/case-durations", json={"name": "A", **anchors})

    response = await post_form(
        client,
        path,
        {
            "name": "A",
            "start_event_type": "case_created",
            "end_event_type": "case_closed",
        },
        token_from=path,
    )

    assert response.status_code == 400
    assert "already exists" in error_text(response.text, "name")
    assert len(await api_list(client, ws, "/case-durations")) == 1


# Access.


@pytest.fixture(params=[WorkspaceRole.VIEWER, WorkspaceRole.EDITOR], ids=str)
async def member(
    request: pytest.FixtureRequest, app: FastAPI, admin: Principal
) -> AsyncIterator[Principal]:
    """A signed-in member of the admin's workspace who does not manage it."""
    role = request.param
    user_id = await create_user(
        app, f"{role}@example.com", workspace_id=admin.workspace_id, role=role
    )
    async with new_client(app) as client:
        yield await open_session(app, client, user_id)


@pytest.mark.parametrize("section", SECTIONS)
async def test_members_who_do_not_manage_get_403(
    admin: Principal, member: Principal, section: str
) -> None:
    response = await member.client.get(section_path(admin.workspace_id, section))

    assert response.status_code == 403
    assert "You don&#39;t have permission" in response.text
    assert 'action="/ui/w/' not in response.text


async def test_hand_made_posts_of_non_managers_are_refused(
    app: FastAPI, admin: Principal, member: Principal
) -> None:
    client, ws = admin.client, admin.workspace_id
    await client.post(
        f"/workspaces/{ws}/case-fields", json={"name": "hostname", "type": "TEXT"}
    )
    dropdown = await client.post(
        f"/workspaces/{ws}/case-dropdowns",
        json={"name": "Verdict", "ref": "verdict", "options": []},
    )
    token = await own_token(app, member)
    fields_before = await custom_fields(client, ws)
    dropdowns_before = await dropdowns_of(client, ws)
    attempts = [
        ("fields", {"name": "sneaky", "type": "TEXT"}),
        ("fields/hostname", {"name": "renamed", "type": "TEXT"}),
        ("fields/hostname/delete", {}),
        ("dropdowns", {"name": "Sneaky", "options": "a"}),
        (f"dropdowns/{dropdown.json()['id']}/delete", {}),
        (
            "durations",
            {
                "name": "S",
                "start_event_type": "case_created",
                "end_event_type": "case_closed",
            },
        ),
    ]

    for target, data in attempts:
        response = await member.client.post(
            section_path(ws, target), data={"csrf_token": token, **data}
        )
        assert response.status_code == 403, target

    assert await custom_fields(client, ws) == fields_before
    assert await dropdowns_of(client, ws) == dropdowns_before
    assert await api_list(client, ws, "/case-durations") == []


@pytest.mark.parametrize("section", SECTIONS)
async def test_a_post_without_csrf_token_is_refused(
    admin: Principal, section: str
) -> None:
    client, ws = admin.client, admin.workspace_id
    data = {
        "name": "no_token",
        "type": "TEXT",
        "start_event_type": "case_created",
        "end_event_type": "case_closed",
    }

    response = await client.post(section_path(ws, section), data=data)

    assert response.status_code == 403
    assert await custom_fields(client, ws) == {}
    assert await dropdowns_of(client, ws) == []
    assert await api_list(client, ws, "/case-durations") == []


@pytest.mark.parametrize("section", SECTIONS)
async def test_an_outsider_finds_nothing(
    app: FastAPI, admin: Principal, outsider: Principal, section: str
) -> None:
    path = section_path(admin.workspace_id, section)

    page = await outsider.client.get(path)
    posted = await outsider.client.post(
        path, data={"csrf_token": await own_token(app, outsider), "name": "x"}
    )

    assert page.status_code == 404
    assert posted.status_code == 404
    assert await custom_fields(admin.client, admin.workspace_id) == {}


async def test_user_text_is_rendered_escaped(admin: Principal) -> None:
    client, ws = admin.client, admin.workspace_id
    payload = " ".join(XSS_PAYLOADS)
    await client.post(
        f"/workspaces/{ws}/case-fields",
        json={
            "name": "evil",
            "type": "SELECT",
            "display_name": payload,
            "options": list(XSS_PAYLOADS),
            "default": XSS_PAYLOADS[0],
        },
    )
    await client.post(
        f"/workspaces/{ws}/case-dropdowns",
        json={
            "name": payload,
            "ref": "evil",
            "options": [
                {"label": label, "ref": f"evil_{index}"}
                for index, label in enumerate(XSS_PAYLOADS)
            ],
        },
    )
    await client.post(
        f"/workspaces/{ws}/case-durations",
        json={
            "name": payload,
            "description": payload,
            "start_anchor": {"event_type": "case_created"},
            "end_anchor": {"event_type": "case_closed"},
        },
    )

    for section in SECTIONS:
        response = await client.get(section_path(ws, section))
        html = response.text

        assert response.status_code == 200
        assert "<script>alert(1)" not in html
        assert "&lt;script&gt;alert(1)" in html
        assert "<img src=x" not in html
        assert '"onmouseover="alert(1)' not in html
        assert 'href="javascript:' not in html


async def test_a_refused_form_echoes_typed_text_escaped(admin: Principal) -> None:
    client, ws = admin.client, admin.workspace_id
    path = section_path(ws, "dropdowns")
    await client.post(
        f"/workspaces/{ws}/case-dropdowns", json={"name": "Taken", "ref": "taken"}
    )

    response = await post_form(
        client,
        path,
        {"name": XSS_PAYLOADS[1], "ref": "taken", "options": XSS_PAYLOADS[0]},
        token_from=path,
    )

    assert response.status_code == 409
    assert '"onmouseover="alert(1)' not in response.text
    assert "&#34;onmouseover=&#34;alert(1)" in response.text
    assert "<script>alert(1)" not in response.text


async def test_unknown_dropdown_or_field_is_not_found(admin: Principal) -> None:
    client, ws = admin.client, admin.workspace_id

    field = await post_form(
        client,
        f"{section_path(ws, 'fields')}/missing",
        {"name": "missing", "type": "TEXT"},
        token_from=section_path(ws, "fields"),
    )
    dropdown = await post_form(
        client,
        f"{section_path(ws, 'dropdowns')}/{uuid.uuid4()}/options",
        {"label": "A"},
        token_from=section_path(ws, "dropdowns"),
    )

    assert field.status_code == 404
    assert dropdown.status_code == 404
