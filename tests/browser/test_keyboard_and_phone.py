"""The queue by keyboard, and every page at a phone's width.

A phone shows each page at 390 px: nothing may make the page itself scroll
sideways (a wide table scrolls inside its own box). On the queue, "/" jumps
to the search box unless a person is typing, the select-all box follows the
rows, and the bulk controls come after the table.
"""

from typing import Any

import httpx
from playwright.async_api import Browser, expect

from tests.browser.server import LiveServer
from tests.browser.support import record_dialogs, signed_in_context
from tests.factories import Principal, case_body
from tests.web.support import case_page_path, queue_path

PHONE = {"width": 390, "height": 844}
SETTINGS_SECTIONS = ("members", "fields", "tags", "dropdowns", "durations", "keys")
LONG_SUMMARY = (
    "Credential phishing campaign against finance and procurement staff "
    "with a lookalike single-sign-on portal"
)
LONG_WORD = "https://portal.example.com/" + "x" * 120
TAG_NAMES = ("CWE-20", "CWE-116", "CWE-1173", "phishing", "initial-access")
SELECT_ALL = "[data-select-all]"
ROW_BOXES = "input[type=checkbox][name=case_id]"


async def test_no_page_scrolls_sideways_on_a_phone(
    browser: Browser,
    live_server: LiveServer,
    live_api: httpx.AsyncClient,
    admin: Principal,
) -> None:
    case_id = await _filled_workspace(live_api)
    base = f"/ui/w/{admin.workspace_id}"
    paths = [
        queue_path(admin.workspace_id),
        case_page_path(admin.workspace_id, case_id),
        f"{base}/cases/new",
        f"{base}/settings",
        *(f"{base}/settings/{section}" for section in SETTINGS_SECTIONS),
    ]
    phone = await signed_in_context(
        browser, live_server.url, admin, viewport=PHONE, is_mobile=True
    )

    too_wide: dict[str, int] = {}
    try:
        page = await phone.new_page()
        for path in paths:
            response = await page.goto(path)
            assert response is not None, path
            assert response.ok, path
            width = await page.evaluate("document.documentElement.scrollWidth")
            if width > PHONE["width"]:
                too_wide[path] = width
    finally:
        await phone.close()

    assert too_wide == {}


async def test_slash_jumps_to_search_unless_typing(
    browser: Browser,
    live_server: LiveServer,
    live_api: httpx.AsyncClient,
    admin: Principal,
) -> None:
    await _new_cases(live_api, 2)
    field = await live_api.post("/case-fields", json={"name": "host", "type": "TEXT"})
    assert field.status_code == 201, field.text
    context = await signed_in_context(browser, live_server.url, admin)

    try:
        page = await context.new_page()
        await page.goto(queue_path(admin.workspace_id))
        search = page.get_by_label("Search", exact=True)
        await page.locator(ROW_BOXES).first.check()
        await page.keyboard.press("/")
        await expect(search).to_be_focused()
        await expect(search).to_have_value("")

        await page.keyboard.type("a/b")
        await expect(search).to_have_value("a/b")

        await page.get_by_label("Sort by").focus()
        await page.keyboard.press("/")
        await expect(search).to_be_focused()

        value = page.get_by_label("Value 1")
        await page.get_by_text("Custom field filters").click()
        await value.focus()
        await page.keyboard.press("/")
        await expect(value).to_be_focused()
        await expect(value).to_have_value("/")
    finally:
        await context.close()


async def test_select_all_follows_the_rows_after_a_refusal(
    browser: Browser,
    live_server: LiveServer,
    live_api: httpx.AsyncClient,
    admin: Principal,
) -> None:
    await _new_cases(live_api, 3)
    context = await signed_in_context(browser, live_server.url, admin)

    try:
        page = await context.new_page()
        dialogs = record_dialogs(page)
        await page.goto(queue_path(admin.workspace_id))
        master = page.locator(SELECT_ALL)
        rows = page.locator(ROW_BOXES)
        await master.check()
        await page.get_by_role("button", name="Apply to selected").click()
        await expect(page.get_by_test_id("error-bulk")).to_have_text(
            "Choose a status, priority or assignee to set."
        )

        await expect(rows.nth(0)).to_be_checked()
        await expect(master).to_be_checked()
        await master.uncheck()
        for index in range(3):
            await expect(rows.nth(index)).not_to_be_checked()

        await rows.nth(1).check()
        assert await master.evaluate("box => box.indeterminate") is True
        await expect(master).not_to_be_checked()
        await master.check()
        assert await master.evaluate("box => box.indeterminate") is False
        for index in range(3):
            await expect(rows.nth(index)).to_be_checked()
    finally:
        await context.close()

    assert dialogs == []


async def test_bulk_controls_come_after_the_table(
    browser: Browser,
    live_server: LiveServer,
    live_api: httpx.AsyncClient,
    admin: Principal,
) -> None:
    cases = await _new_cases(live_api, 2)
    context = await signed_in_context(browser, live_server.url, admin)

    try:
        page = await context.new_page()
        await page.goto(queue_path(admin.workspace_id))
        links = page.get_by_test_id("case-link")
        await links.last.focus()
        await page.keyboard.press("Tab")
        await expect(page.get_by_label("Set status")).to_be_focused()

        table_box = await page.get_by_test_id("queue-table").bounding_box()
        bulk_box = await page.get_by_label("Set status").bounding_box()
        assert table_box is not None
        assert bulk_box is not None
        assert bulk_box["y"] >= table_box["y"] + table_box["height"]

        await page.locator(ROW_BOXES).first.check()
        await page.locator(ROW_BOXES).last.check()
        await page.get_by_label("Set priority").select_option(label="Critical")
        await page.get_by_role("button", name="Apply to selected").click()
        notice = page.get_by_test_id("bulk-done")
        await expect(notice).to_have_text("2 cases changed.")
        await expect(notice).to_have_attribute("role", "status")
    finally:
        await context.close()

    for case in cases:
        stored = (await live_api.get(f"/cases/{case['id']}")).json()
        assert stored["priority"] == "critical"


async def _new_cases(api: httpx.AsyncClient, count: int) -> list[dict[str, Any]]:
    created = []
    for index in range(count):
        response = await api.post(
            "/cases", json=case_body(summary=f"Case {index}", priority="low")
        )
        assert response.status_code == 201, response.text
        created.append(response.json())
    return created


async def _filled_workspace(api: httpx.AsyncClient) -> str:
    """Long words and many choices everywhere a page can grow wide; a case id."""
    tag_ids = []
    for name in TAG_NAMES:
        tag = await api.post("/case-tags", json={"name": name})
        assert tag.status_code == 201, tag.text
        tag_ids.append(tag.json()["id"])
    for body in (
        {"name": "hosts", "type": "INTEGER", "display_name": "Affected hosts"},
        {"name": "first_seen", "type": "DATE"},
        {"name": "contained", "type": "BOOLEAN"},
        {
            "name": "vector",
            "type": "SELECT",
            "options": ["Email with a malicious attachment", "Drive-by download"],
        },
        {"name": "reference", "type": "TEXT", "display_name": "Reference link"},
    ):
        field = await api.post("/case-fields", json=body)
        assert field.status_code == 201, field.text
    dropdown = await api.post(
        "/case-dropdowns",
        json={
            "name": "Detection source",
            "ref": "source",
            "options": [{"label": "Endpoint detection and response", "ref": "edr"}],
        },
    )
    assert dropdown.status_code == 201, dropdown.text
    duration = await api.post(
        "/case-durations",
        json={
            "name": "Time to close",
            "start_anchor": {"event_type": "case_created"},
            "end_anchor": {"event_type": "case_closed"},
        },
    )
    assert duration.status_code == 201, duration.text
    account = await api.post(
        "/service-accounts",
        json={"name": "SIEM forwarder", "scopes": ["case:read", "case:create"]},
    )
    assert account.status_code == 201, account.text

    created = await api.post(
        "/cases",
        json=case_body(
            summary=LONG_SUMMARY,
            description=f"See {LONG_WORD}\n\n```\n{LONG_WORD}\n```",
            payload={"url": LONG_WORD},
            fields={"hosts": 12, "reference": LONG_WORD},
            tags=tag_ids,
        ),
    )
    assert created.status_code == 201, created.text
    case_id = str(created.json()["id"])
    comment = await api.post(
        f"/cases/{case_id}/comments", json={"content": f"Blocked {LONG_WORD}"}
    )
    assert comment.status_code == 201, comment.text
    task = await api.post(
        f"/cases/{case_id}/tasks", json={"title": "Reset the passwords"}
    )
    assert task.status_code == 201, task.text
    await _new_cases(api, 3)
    return case_id
