"""The create-a-case form: what it sends, what it refuses, who may use it."""

from typing import Any

import httpx
from fastapi import FastAPI

from tests.factories import Principal
from tests.web.support import (
    case_page_path,
    post_form,
    queue_path,
    session_form_token,
)


def new_case_path(workspace_id: object) -> str:
    """The create-a-case form of a workspace."""
    return f"{queue_path(workspace_id)}/new"


async def case_count(client: httpx.AsyncClient) -> int:
    """How many cases the admin's workspace holds."""
    response = await client.get("/cases", params={"limit": 200})
    assert response.status_code == 200, response.text
    return len(response.json()["items"])


async def define_tag(client: httpx.AsyncClient, name: str) -> dict[str, Any]:
    """A tag of the client's workspace, defined through the API."""
    response = await client.post("/case-tags", json={"name": name})
    assert response.status_code == 201, response.text
    return dict(response.json())


async def test_the_form_offers_the_enums_members_and_tags(
    client: httpx.AsyncClient, admin: Principal, editor: Principal
) -> None:
    await define_tag(client, "Phishing")

    response = await client.get(new_case_path(admin.workspace_id))

    assert response.status_code == 200
    html = response.text
    assert 'data-testid="new-case-form"' in html
    assert '<option value="in_progress"' in html
    assert '<option value="informational"' in html
    assert '<option value="new" selected' in html
    assert f'<option value="{editor.user_id}"' in html
    assert "editor@example.com" in html
    assert ">Phishing</option>" in html


async def test_a_case_created_through_the_form_has_every_submitted_value(
    client: httpx.AsyncClient, admin: Principal, editor: Principal
) -> None:
    phishing = await define_tag(client, "Phishing")
    malware = await define_tag(client, "Malware")
    await define_tag(client, "Unused")
    path = new_case_path(admin.workspace_id)

    response = await post_form(
        client,
        path,
        [
            ("summary", "Credential phish reported by finance"),
            ("description", "The **link** went to a look-alike domain."),
            ("status", "in_progress"),
            ("priority", "high"),
            ("severity", "critical"),
            ("assignee_id", str(editor.user_id)),
            ("tags", phishing["id"]),
            ("tags", malware["id"]),
        ],
        token_from=path,
    )

    assert response.status_code == 303
    location = response.headers["location"]
    case_id = location.rsplit("/", 1)[1]
    assert location == case_page_path(admin.workspace_id, case_id)
    case = (await client.get(f"/cases/{case_id}")).json()
    assert case["summary"] == "Credential phish reported by finance"
    assert case["description"] == "The **link** went to a look-alike domain."
    assert (case["status"], case["priority"], case["severity"]) == (
        "in_progress",
        "high",
        "critical",
    )
    assert case["assignee"]["id"] == str(editor.user_id)
    assert sorted(tag["ref"] for tag in case["tags"]) == ["malware", "phishing"]


async def test_custom_fields_are_sent_by_type(
    client: httpx.AsyncClient, admin: Principal
) -> None:
    for body in (
        {"name": "hostname", "type": "TEXT"},
        {"name": "hits", "type": "INTEGER"},
        {"name": "contained", "type": "BOOLEAN"},
        {"name": "channel", "type": "SELECT", "options": ["email", "chat"]},
        {"name": "untouched", "type": "TEXT"},
    ):
        created = await client.post("/case-fields", json=body)
        assert created.status_code == 201, created.text
    path = new_case_path(admin.workspace_id)

    response = await post_form(
        client,
        path,
        {
            "summary": "Beacon from WS-0042",
            "description": "",
            "status": "new",
            "priority": "unknown",
            "severity": "unknown",
            "fields.hostname": "ws-0042",
            "fields.hits": "17",
            "fields.contained": "true",
            "fields.channel": "chat",
            "fields.untouched": "",
        },
        token_from=path,
    )

    assert response.status_code == 303, response.text
    case_id = response.headers["location"].rsplit("/", 1)[1]
    case = (await client.get(f"/cases/{case_id}")).json()
    values = {field["id"]: field["value"] for field in case["fields"]}
    assert values["hostname"] == "ws-0042"
    assert values["hits"] == 17
    assert values["contained"] is True
    assert values["channel"] == "chat"
    assert values["untouched"] is None


async def test_a_blank_summary_is_refused_next_to_its_input(
    client: httpx.AsyncClient, admin: Principal
) -> None:
    tag = await define_tag(client, "Phishing")
    path = new_case_path(admin.workspace_id)

    response = await post_form(
        client,
        path,
        [
            ("summary", "   "),
            ("description", "Kept <b>as typed</b>"),
            ("status", "on_hold"),
            ("priority", "low"),
            ("severity", "medium"),
            ("tags", tag["id"]),
        ],
        token_from=path,
    )

    assert response.status_code == 422
    html = response.text
    assert 'data-testid="error-summary"' in html
    assert 'aria-describedby="error-summary"' in html
    assert "Kept &lt;b&gt;as typed&lt;/b&gt;" in html
    assert '<option value="on_hold" selected' in html
    assert f'<option value="{tag["id"]}" selected' in html
    assert await case_count(client) == 0


async def test_an_unknown_tag_is_refused_before_anything_is_created(
    client: httpx.AsyncClient, admin: Principal
) -> None:
    path = new_case_path(admin.workspace_id)

    response = await post_form(
        client,
        path,
        {
            "summary": "A case",
            "description": "",
            "status": "new",
            "priority": "low",
            "severity": "low",
            "tags": "00000000-0000-0000-0000-000000000001",
        },
        token_from=path,
    )

    assert response.status_code == 422
    assert 'data-testid="error-tags"' in response.text
    assert await case_count(client) == 0


async def test_a_viewer_gets_no_form_and_cannot_post_one(
    app: FastAPI, client: httpx.AsyncClient, admin: Principal, viewer: Principal
) -> None:
    path = new_case_path(admin.workspace_id)

    page = await viewer.client.get(path)
    posted = await viewer.client.post(
        path,
        data={
            "csrf_token": session_form_token(app, viewer.client),
            "summary": "Written by a viewer",
            "description": "",
            "status": "new",
            "priority": "low",
            "severity": "low",
        },
    )

    assert page.status_code == 403
    assert 'data-testid="new-case-form"' not in page.text
    assert posted.status_code == 403
    assert "Written by a viewer" not in posted.text
    assert await case_count(client) == 0


async def test_a_post_without_csrf_token_is_refused(
    client: httpx.AsyncClient, admin: Principal
) -> None:
    response = await client.post(
        new_case_path(admin.workspace_id),
        data={
            "summary": "Forged",
            "description": "",
            "status": "new",
            "priority": "low",
            "severity": "low",
        },
    )

    assert response.status_code == 403
    assert await case_count(client) == 0


async def test_an_outsider_finds_no_form(
    app: FastAPI, client: httpx.AsyncClient, admin: Principal, outsider: Principal
) -> None:
    path = new_case_path(admin.workspace_id)

    page = await outsider.client.get(path)
    posted = await outsider.client.post(
        path,
        data={
            "csrf_token": session_form_token(app, outsider.client),
            "summary": "Planted",
            "description": "",
            "status": "new",
            "priority": "low",
            "severity": "low",
        },
    )

    assert page.status_code == 404
    assert posted.status_code == 404
    assert await case_count(client) == 0


async def test_user_text_on_the_form_is_shown_escaped(
    client: httpx.AsyncClient, admin: Principal
) -> None:
    payload = (
        '<script>alert(1)</script>"onmouseover="alert(1)'
        "<img src=x onerror=alert(1)>[x](javascript:alert(1))"
    )
    await define_tag(client, "<script>alert(1)</script>")
    person = await client.post(
        "/users",
        json={
            "email": "mallory@example.com",
            "password": "a-long-enough-password",
            "first_name": payload,
        },
    )
    added = await client.post(
        "/members", json={"user_id": person.json()["id"], "role": "editor"}
    )
    assert added.status_code == 201, added.text
    path = new_case_path(admin.workspace_id)

    response = await post_form(
        client,
        path,
        {
            "summary": "",
            "description": payload,
            "status": "new",
            "priority": "low",
            "severity": "low",
        },
        token_from=path,
    )

    assert response.status_code == 422
    html = response.text
    assert "<script>alert(1)" not in html
    assert '"onmouseover="alert(1)' not in html
    assert "<img src=x" not in html
    assert 'href="javascript:' not in html
    assert "&lt;script&gt;alert(1)" in html
    assert html.count("&lt;img src=x onerror=alert(1)&gt;") == 2
