"""Script stored in cases never runs in the pages that show it.

The pages' Content-Security-Policy would block an injected inline script
and hide an escaping mistake, so this browser ignores the policy: a payload
that reached the DOM as markup would really run and set `window.__xss`.
"""

import re
from collections.abc import AsyncIterator
from urllib.parse import urljoin, urlsplit

import httpx
import pytest
from playwright.async_api import Browser, BrowserContext, Page, expect

from tests.browser.server import LiveServer
from tests.browser.support import record_dialogs, signed_in_context
from tests.factories import Principal
from tests.web.support import case_page_path, queue_path

SCRIPT = "<script>window.__xss=1</script>"
IMAGE = '<img src=x onerror="window.__xss=1">'
LINK = "[click](javascript:window.__xss=1)"
SVG = '<svg onload="window.__xss=1">'
TAG_NAME = '"onmouseover="window.__xss=1'
# Anything in the DOM that could run script: elements and attributes alike.
ACTIVE_MARKUP = (
    "img, svg, iframe, object, embed, "
    "[onerror], [onload], [onmouseover], [onclick], [onfocus], "
    "a[href^='javascript:' i], [src^='javascript:' i]"
)


@pytest.fixture
async def unprotected_context(
    browser: Browser, live_server: LiveServer, admin: Principal
) -> AsyncIterator[BrowserContext]:
    """The admin's signed-in browser profile, ignoring the pages' CSP."""
    context = await signed_in_context(browser, live_server.url, admin, bypass_csp=True)
    yield context
    await context.close()


@pytest.fixture
async def hostile_case(live_api: httpx.AsyncClient) -> dict[str, str]:
    """A case carrying a payload in every text a person can write."""
    tag = await live_api.post("/case-tags", json={"name": TAG_NAME})
    assert tag.status_code == 201, tag.text
    field = await live_api.post(
        "/case-fields",
        json={"name": "note", "type": "TEXT", "display_name": "Analyst note"},
    )
    assert field.status_code == 201, field.text
    case = await live_api.post(
        "/cases",
        json={
            "summary": SCRIPT,
            "description": f"{IMAGE}\n\n{LINK}",
            "status": "new",
            "priority": "high",
            "severity": "high",
            "fields": {"note": SCRIPT},
        },
    )
    assert case.status_code == 201, case.text
    case_id = case.json()["id"]

    tagged = await live_api.post(
        f"/cases/{case_id}/tags", json={"tag_id": tag.json()["id"]}
    )
    assert tagged.status_code == 201, tagged.text
    comment = await live_api.post(f"/cases/{case_id}/comments", json={"content": SVG})
    assert comment.status_code == 201, comment.text
    return {"id": case_id}


async def test_payloads_show_as_text_and_never_run(
    unprotected_context: BrowserContext,
    admin: Principal,
    hostile_case: dict[str, str],
) -> None:
    page = await unprotected_context.new_page()
    dialogs = record_dialogs(page)

    await page.goto(queue_path(admin.workspace_id))
    row = page.get_by_test_id("case-row")
    await expect(row.get_by_role("link", name=SCRIPT, exact=True)).to_be_visible()
    await expect(row.get_by_text(TAG_NAME, exact=True)).to_be_visible()
    await row.get_by_text(TAG_NAME, exact=True).hover()
    await _assert_inert(page)

    await page.goto(case_page_path(admin.workspace_id, hostile_case["id"]))
    await expect(page.get_by_test_id("case-summary")).to_have_text(SCRIPT)
    await expect(page).to_have_title(re.compile(re.escape(SCRIPT)))
    description = page.get_by_test_id("case-description")
    await expect(description.get_by_text(IMAGE, exact=True)).to_be_visible()
    await expect(description.get_by_text(LINK, exact=True)).to_be_visible()
    await description.get_by_text(LINK, exact=True).click()
    await expect(page.get_by_test_id("comment-content")).to_have_text(SVG)
    tag = page.get_by_test_id("case-tag").get_by_text(TAG_NAME, exact=True)
    await tag.hover()
    await expect(page.get_by_label("Analyst note")).to_have_value(SCRIPT)
    await expect(page.get_by_label("Summary")).to_have_value(SCRIPT)
    await expect(page.get_by_title(f"Remove tag {TAG_NAME}")).to_have_count(1)
    await _assert_inert(page)

    assert dialogs == []


async def _assert_inert(page: Page) -> None:
    """No payload ran, and none sits in the DOM as markup."""
    assert await page.evaluate("window.__xss") is None
    scripts = await page.locator("script").all_text_contents()
    assert not [text for text in scripts if "__xss" in text]
    assert await page.locator(ACTIVE_MARKUP).count() == 0

    own = urlsplit(page.url)
    for source in await page.locator("script[src]").evaluate_all(
        "nodes => nodes.map(node => node.getAttribute('src'))"
    ):
        address = urlsplit(urljoin(page.url, source))
        assert (address.netloc, address.path) == (own.netloc, "/ui/static/app.js")
