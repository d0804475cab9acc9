"""A viewer reads the queue and a case in the browser, and can change nothing."""

import re

import httpx
from fastapi import FastAPI
from playwright.async_api import Page, expect

from casedesk.workspaces.roles import WorkspaceRole
from tests.browser.support import sign_in_through_form
from tests.factories import Principal, case_body, create_user
from tests.web.support import queue_path

VIEWER_EMAIL = "viewer@example.com"
VIEWER_PASSWORD = "viewer-reads-only-42"
POST_FORMS = "form[method='post' i]"


async def test_viewer_pages_have_no_write_controls(
    page: Page, app: FastAPI, admin: Principal, live_api: httpx.AsyncClient
) -> None:
    await create_user(
        app,
        VIEWER_EMAIL,
        VIEWER_PASSWORD,
        workspace_id=admin.workspace_id,
        role=WorkspaceRole.VIEWER,
    )
    created = await live_api.post("/cases", json=case_body())
    assert created.status_code == 201, created.text
    summary = created.json()["summary"]

    await page.goto(queue_path(admin.workspace_id))
    await sign_in_through_form(page, VIEWER_EMAIL, VIEWER_PASSWORD)
    await expect(page).to_have_url(
        re.compile(re.escape(queue_path(admin.workspace_id)) + "$")
    )
    await expect(page.get_by_test_id("signed-in-as")).to_have_text(VIEWER_EMAIL)
    await expect(page.get_by_test_id("case-row")).to_have_count(1)
    await _assert_read_only(page)

    await page.get_by_role("link", name=summary).click()
    await expect(page.get_by_test_id("case-summary")).to_have_text(summary)
    await expect(page.get_by_test_id("case-properties")).to_contain_text("New")
    await _assert_read_only(page)


async def _assert_read_only(page: Page) -> None:
    """The sign-out form is the page's only form that posts; no writing links."""
    forms = page.locator(POST_FORMS)
    await expect(forms).to_have_count(1)
    await expect(forms).to_have_attribute("action", "/ui/logout")
    await expect(page.get_by_role("link", name="New case")).to_have_count(0)
    await expect(page.get_by_role("link", name="Settings")).to_have_count(0)
    await expect(page.locator("input[type=checkbox][name=case_id]")).to_have_count(0)
