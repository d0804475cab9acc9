"""Moving between workspaces: the switcher, and pages of other workspaces."""

import re
import uuid

import httpx
import pytest

from tests.factories import Principal
from tests.web.support import post_form, queue_path

SWITCHER = re.compile(
    r'<details class="menu" data-testid="workspace-switcher">.*?</details>', re.S
)


async def create_workspace(client: httpx.AsyncClient, name: str) -> str:
    """A workspace the instance admin creates (and administers) via the API."""
    response = await client.post("/workspaces", json={"name": name})
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


async def add_member(
    client: httpx.AsyncClient, workspace_id: str, email: str, role: str
) -> None:
    """Give a user a role in a workspace via the API."""
    response = await client.post(
        f"/workspaces/{workspace_id}/members", json={"email": email, "role": role}
    )
    assert response.status_code == 201, response.text


def switcher_of(html: str) -> str:
    """The workspace switcher's markup on a page."""
    found = SWITCHER.search(html)
    assert found, "the page has no workspace switcher"
    return found.group(0)


@pytest.fixture
async def second_workspace(client: httpx.AsyncClient, editor: Principal) -> str:
    """A second workspace, where the editor is an editor too."""
    workspace_id = await create_workspace(client, "Threat hunting")
    await add_member(client, workspace_id, editor.email, "editor")
    return workspace_id


async def test_a_member_of_two_workspaces_sees_both_in_the_switcher(
    admin: Principal, editor: Principal, second_workspace: str
) -> None:
    first_page = await editor.client.get(f"{queue_path(admin.workspace_id)}/new")
    second_page = await editor.client.get(f"{queue_path(second_workspace)}/new")

    assert first_page.status_code == 200
    assert second_page.status_code == 200
    for page in (first_page, second_page):
        switcher = switcher_of(page.text)
        assert "Default" in switcher
        assert "Threat hunting" in switcher
        assert f'href="{queue_path(admin.workspace_id)}"' in switcher
        assert f'href="{queue_path(second_workspace)}"' in switcher
    assert "Workspace: Default" in first_page.text
    assert "Workspace: Threat hunting" in second_page.text


async def test_each_workspace_page_acts_in_its_own_workspace(
    client: httpx.AsyncClient,
    admin: Principal,
    editor: Principal,
    second_workspace: str,
) -> None:
    path = f"{queue_path(second_workspace)}/new"

    response = await post_form(
        editor.client,
        path,
        {
            "summary": "Filed in the second workspace",
            "description": "",
            "status": "new",
            "priority": "low",
            "severity": "low",
        },
        token_from=path,
    )

    assert response.status_code == 303
    assert response.headers["location"].startswith(f"{queue_path(second_workspace)}/")
    second = (await client.get(f"/workspaces/{second_workspace}/cases")).json()
    first = (await client.get(f"/workspaces/{admin.workspace_id}/cases")).json()
    assert [case["summary"] for case in second["items"]] == [
        "Filed in the second workspace"
    ]
    assert first["items"] == []


async def test_an_admin_of_both_opens_each_workspaces_settings(
    client: httpx.AsyncClient, admin: Principal, second_workspace: str
) -> None:
    first = await client.get(f"/ui/w/{admin.workspace_id}/settings/members")
    second = await client.get(f"/ui/w/{second_workspace}/settings/members")

    assert first.status_code == 200
    assert second.status_code == 200
    assert "Workspace settings · Default" in first.text
    assert "Workspace settings · Threat hunting" in second.text
    assert "editor@example.com" in second.text
    assert "Threat hunting" in switcher_of(first.text)


async def test_a_workspace_address_leads_to_its_queue(
    editor: Principal, second_workspace: str
) -> None:
    response = await editor.client.get(f"/ui/w/{second_workspace}")

    assert response.status_code == 303
    assert response.headers["location"] == queue_path(second_workspace)


async def test_a_member_of_one_workspace_has_no_switcher(
    admin: Principal, editor: Principal
) -> None:
    response = await editor.client.get(f"{queue_path(admin.workspace_id)}/new")

    assert response.status_code == 200
    assert 'data-testid="workspace-switcher"' not in response.text
    assert 'data-testid="workspace-name"' in response.text


@pytest.mark.parametrize(
    "page", ["", "/cases/new", "/settings/members", "/settings/keys", "/settings/tags"]
)
async def test_a_workspace_they_are_not_in_is_not_found(
    client: httpx.AsyncClient, editor: Principal, second_workspace: str, page: str
) -> None:
    elsewhere = await create_workspace(client, "Incident response")

    response = await editor.client.get(f"/ui/w/{elsewhere}{page}")
    unknown = await editor.client.get(f"/ui/w/{uuid.uuid4()}{page}")

    assert response.status_code == 404
    assert "Incident response" not in response.text
    assert unknown.status_code == 404
