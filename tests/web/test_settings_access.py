"""Workspace settings pages for members, API keys and tags, and who may use them."""

import re
import uuid
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from tests.conftest import new_client
from tests.factories import Principal, open_session
from tests.web.support import post_form, session_form_token

SECTIONS = ("members", "keys", "tags")
# Where each section's main form posts, relative to the settings.
CREATE_FORMS = {"members": "members", "keys": "keys/accounts", "tags": "tags"}
XSS_PAYLOADS = (
    "<script>alert(1)</script>",
    '"onmouseover="alert(1)',
    "<img src=x onerror=alert(1)>",
    "[x](javascript:alert(1))",
)
_SECRET = re.compile(r'data-testid="new-key-secret">([^<]+)<')


def settings_path(workspace_id: object, section: str) -> str:
    """A settings section's page."""
    return f"/ui/w/{workspace_id}/settings/{section}"


def assert_escaped(html: str) -> None:
    """None of the payloads reached the page as markup."""
    assert "<script>alert(1)" not in html
    assert '"onmouseover="alert(1)' not in html
    assert "<img src=x" not in html
    assert 'href="javascript:' not in html
    assert "&lt;script&gt;alert(1)" in html


async def create_account_holder(
    client: httpx.AsyncClient, email: str, **names: str
) -> dict[str, Any]:
    """An account of the installation, member of no workspace yet."""
    response = await client.post(
        "/users",
        json={"email": email, "password": "a-long-enough-password", **names},
    )
    assert response.status_code == 201, response.text
    return dict(response.json())


async def members_by_email(client: httpx.AsyncClient) -> dict[str, dict[str, Any]]:
    """The admin's workspace's members, by email."""
    response = await client.get("/members")
    assert response.status_code == 200, response.text
    return {member["email"]: member for member in response.json()}


async def test_members_are_added_changed_and_removed(
    client: httpx.AsyncClient, admin: Principal
) -> None:
    account = await create_account_holder(client, "newcomer@example.com")
    path = settings_path(admin.workspace_id, "members")
    member_path = f"{path}/{account['id']}"

    added = await post_form(
        client,
        path,
        {"email": "newcomer@example.com", "role": "viewer"},
        token_from=path,
    )
    after_add = await members_by_email(client)
    listed = await client.get(path)
    changed = await post_form(
        client, f"{member_path}/role", {"role": "editor"}, token_from=path
    )
    after_change = await members_by_email(client)
    removed = await post_form(client, f"{member_path}/remove", {}, token_from=path)
    after_remove = await members_by_email(client)

    assert added.status_code == 303
    assert added.headers["location"] == path
    assert after_add["newcomer@example.com"]["role"] == "viewer"
    assert "newcomer@example.com" in listed.text
    assert f'data-user-id="{account["id"]}"' in listed.text
    assert changed.status_code == 303
    assert after_change["newcomer@example.com"]["role"] == "editor"
    assert removed.status_code == 303
    assert "newcomer@example.com" not in after_remove


async def test_an_unknown_email_is_refused_next_to_the_input(
    client: httpx.AsyncClient, admin: Principal
) -> None:
    path = settings_path(admin.workspace_id, "members")
    before = await members_by_email(client)

    response = await post_form(
        client,
        path,
        {"email": "nobody@example.com", "role": "editor"},
        token_from=path,
    )

    assert response.status_code == 404
    assert 'data-testid="error-email"' in response.text
    assert 'value="nobody@example.com"' in response.text
    assert await members_by_email(client) == before


async def test_adding_a_member_twice_is_refused(
    client: httpx.AsyncClient, admin: Principal, editor: Principal
) -> None:
    path = settings_path(admin.workspace_id, "members")

    response = await post_form(
        client, path, {"email": editor.email, "role": "admin"}, token_from=path
    )

    assert response.status_code == 409
    assert 'data-testid="error-email"' in response.text
    assert (await members_by_email(client))[editor.email]["role"] == "editor"


async def test_the_last_admin_cannot_step_down(
    app: FastAPI, client: httpx.AsyncClient, admin: Principal
) -> None:
    # Instance admins may demote a last admin, so the last admin here is
    # another person, and the instance admin steps down to viewer first.
    account = await create_account_holder(client, "lead@example.com")
    added = await client.post(
        "/members", json={"email": "lead@example.com", "role": "admin"}
    )
    assert added.status_code == 201
    demoted = await client.patch(f"/members/{admin.user_id}", json={"role": "viewer"})
    assert demoted.status_code == 200
    path = settings_path(admin.workspace_id, "members")

    async with new_client(app) as browser:
        lead = await open_session(app, browser, uuid.UUID(account["id"]))
        response = await post_form(
            lead.client,
            f"{path}/{account['id']}/role",
            {"role": "viewer"},
            token_from=path,
        )

    assert response.status_code == 409
    assert f'data-testid="error-role-{account["id"]}"' in response.text
    assert (await members_by_email(client))["lead@example.com"]["role"] == "admin"


@pytest.mark.parametrize("section", SECTIONS)
async def test_an_editor_is_refused_every_settings_page(
    editor: Principal, admin: Principal, section: str
) -> None:
    response = await editor.client.get(settings_path(admin.workspace_id, section))

    assert response.status_code == 403
    assert 'method="post" action="/ui/w/' not in response.text


async def test_an_editors_hand_made_posts_change_nothing(
    app: FastAPI, client: httpx.AsyncClient, admin: Principal, editor: Principal
) -> None:
    token = session_form_token(app, editor.client)
    before_members = await members_by_email(client)

    responses = [
        await editor.client.post(
            settings_path(admin.workspace_id, "members"),
            data={"csrf_token": token, "email": editor.email, "role": "admin"},
        ),
        await editor.client.post(
            settings_path(admin.workspace_id, f"members/{editor.user_id}/role"),
            data={"csrf_token": token, "role": "admin"},
        ),
        await editor.client.post(
            settings_path(admin.workspace_id, f"members/{admin.user_id}/remove"),
            data={"csrf_token": token},
        ),
        await editor.client.post(
            settings_path(admin.workspace_id, "tags"),
            data={"csrf_token": token, "name": "Sneaky"},
        ),
        await editor.client.post(
            settings_path(admin.workspace_id, "keys/accounts"),
            data={"csrf_token": token, "name": "Backdoor", "scopes": "case:read"},
        ),
    ]

    assert [response.status_code for response in responses] == [403] * 5
    assert await members_by_email(client) == before_members
    assert (await client.get("/case-tags")).json() == []
    assert (await client.get("/service-accounts")).json() == []


@pytest.mark.parametrize("section", SECTIONS)
async def test_an_outsider_finds_no_settings(
    app: FastAPI, admin: Principal, outsider: Principal, section: str
) -> None:
    path = settings_path(admin.workspace_id, section)

    page = await outsider.client.get(path)
    posted = await outsider.client.post(
        settings_path(admin.workspace_id, CREATE_FORMS[section]),
        data={"csrf_token": session_form_token(app, outsider.client), "name": "x"},
    )

    assert page.status_code == 404
    assert posted.status_code == 404


async def test_settings_posts_need_the_csrf_token(
    client: httpx.AsyncClient, admin: Principal
) -> None:
    response = await client.post(
        settings_path(admin.workspace_id, "tags"), data={"name": "Forged"}
    )

    assert response.status_code == 403
    assert (await client.get("/case-tags")).json() == []


async def test_a_new_key_is_shown_once_works_and_can_be_revoked(
    app: FastAPI, client: httpx.AsyncClient, admin: Principal
) -> None:
    path = settings_path(admin.workspace_id, "keys")
    created = await post_form(
        client,
        f"{path}/accounts",
        [("name", "SIEM forwarder"), ("scopes", "case:read")],
        token_from=path,
    )
    account = (await client.get("/service-accounts")).json()[0]
    accounts_path = f"{path}/accounts/{account['id']}"

    issued = await post_form(
        client, f"{accounts_path}/keys", {"name": "production"}, token_from=path
    )
    found = _SECRET.search(issued.text)
    assert found, issued.text
    secret = found.group(1).strip()
    later = await client.get(path)
    async with new_client(app) as script:
        bearer = {"Authorization": f"Bearer {secret}"}
        before_revoke = await script.get("/cases", headers=bearer)
        key = (await client.get(f"/service-accounts/{account['id']}/keys")).json()[0]
        revoked = await post_form(
            client,
            f"{accounts_path}/keys/{key['key_id']}/revoke",
            {},
            token_from=path,
        )
        after_revoke = await script.get("/cases", headers=bearer)

    assert created.status_code == 303
    assert account["name"] == "SIEM forwarder"
    assert account["scopes"] == ["case:read"]
    assert issued.status_code == 201
    assert issued.headers["cache-control"] == "no-store"
    assert 'class="secret"' in issued.text
    assert "copy it now, it will not be shown again" in issued.text.lower()
    assert later.status_code == 200
    assert secret not in later.text
    assert 'data-testid="new-key-secret"' not in later.text
    assert key["key_id"] in later.text
    assert before_revoke.status_code == 200
    assert revoked.status_code == 303
    assert after_revoke.status_code == 401


async def test_an_account_without_scopes_is_refused_next_to_them(
    client: httpx.AsyncClient, admin: Principal
) -> None:
    path = settings_path(admin.workspace_id, "keys")

    response = await post_form(
        client, f"{path}/accounts", {"name": "No scopes"}, token_from=path
    )

    assert response.status_code == 422
    assert 'data-testid="error-scopes"' in response.text
    assert 'value="No scopes"' in response.text
    assert (await client.get("/service-accounts")).json() == []


async def test_a_service_account_can_be_deleted(
    client: httpx.AsyncClient, admin: Principal
) -> None:
    created = await client.post(
        "/service-accounts", json={"name": "Old importer", "scopes": ["case:read"]}
    )
    account_id = created.json()["id"]
    path = settings_path(admin.workspace_id, "keys")

    response = await post_form(
        client, f"{path}/accounts/{account_id}/delete", {}, token_from=path
    )

    assert response.status_code == 303
    account = (await client.get(f"/service-accounts/{account_id}")).json()
    assert account["is_active"] is False


async def test_tags_are_created_renamed_recoloured_and_deleted(
    client: httpx.AsyncClient, admin: Principal
) -> None:
    path = settings_path(admin.workspace_id, "tags")

    created = await post_form(
        client, path, {"name": "Lateral Movement", "color": "#aa0000"}, token_from=path
    )
    tag = (await client.get("/case-tags")).json()[0]
    listed = await client.get(path)
    renamed = await post_form(
        client,
        f"{path}/{tag['id']}",
        {"name": "Lateral movement (confirmed)", "color": ""},
        token_from=path,
    )
    after_rename = (await client.get(f"/case-tags/{tag['id']}")).json()
    deleted = await post_form(client, f"{path}/{tag['id']}/delete", {}, token_from=path)

    assert created.status_code == 303
    assert (tag["name"], tag["ref"], tag["color"]) == (
        "Lateral Movement",
        "lateral-movement",
        "#aa0000",
    )
    assert "lateral-movement" in listed.text
    assert "#aa0000" in listed.text
    assert renamed.status_code == 303
    assert after_rename["name"] == "Lateral movement (confirmed)"
    assert after_rename["ref"] == "lateral-movement-confirmed"
    assert after_rename["color"] is None
    assert deleted.status_code == 303
    assert (await client.get("/case-tags")).json() == []


async def test_a_tag_with_a_taken_ref_is_refused_next_to_its_name(
    client: httpx.AsyncClient, admin: Principal
) -> None:
    existing = (await client.post("/case-tags", json={"name": "Phishing"})).json()
    other = (await client.post("/case-tags", json={"name": "Spam"})).json()
    path = settings_path(admin.workspace_id, "tags")

    created = await post_form(client, path, {"name": "PHISHING"}, token_from=path)
    renamed = await post_form(
        client, f"{path}/{other['id']}", {"name": "phishing"}, token_from=path
    )

    assert created.status_code == 400
    assert 'data-testid="error-name"' in created.text
    assert 'value="PHISHING"' in created.text
    assert renamed.status_code == 400
    assert f'data-testid="error-name-{other["id"]}"' in renamed.text
    names = sorted(tag["name"] for tag in (await client.get("/case-tags")).json())
    assert names == [existing["name"], "Spam"]


async def test_user_text_on_settings_pages_is_escaped(
    client: httpx.AsyncClient, admin: Principal
) -> None:
    for payload in XSS_PAYLOADS:
        tag = await client.post("/case-tags", json={"name": payload})
        assert tag.status_code == 201, tag.text
        account = await client.post(
            "/service-accounts", json={"name": payload, "scopes": ["case:read"]}
        )
        assert account.status_code == 201, account.text
    person = await create_account_holder(
        client, "mallory@example.com", first_name="".join(XSS_PAYLOADS)
    )
    await client.post("/members", json={"user_id": person["id"], "role": "viewer"})

    pages = [
        await client.get(settings_path(admin.workspace_id, section))
        for section in SECTIONS
    ]

    for page in pages:
        assert page.status_code == 200
        assert_escaped(page.text)
