"""One analyst's day in the browser: sign in, triage a case, sign out."""

import re

import httpx
from playwright.async_api import Page, expect

from tests.browser.support import (
    SIGN_IN_URL,
    record_dialogs,
    sign_in_through_form,
    sign_out,
)
from tests.factories import ADMIN_EMAIL, ADMIN_PASSWORD, Principal, case_body
from tests.web.support import queue_path

SUMMARY = "Credential phishing reported by finance"
DESCRIPTION = "Three people in **finance** entered their password on a fake portal."
COMMENT = "Reset the three accounts; the portal is taken down."
# Each one fails one of the queue filters used below.
OTHER_CASES = (
    {"summary": "Malware beacon from WS-0042", "status": "new"},
    {"summary": "Phishing simulation results", "status": "closed"},
)


async def test_analyst_signs_in_works_a_case_and_signs_out(
    page: Page, live_api: httpx.AsyncClient, admin: Principal
) -> None:
    for other in OTHER_CASES:
        created = await live_api.post("/cases", json=case_body(**other))
        assert created.status_code == 201, created.text
    tag = await live_api.post("/case-tags", json={"name": "Phishing"})
    assert tag.status_code == 201, tag.text
    field = await live_api.post(
        "/case-fields",
        json={"name": "hosts", "type": "INTEGER", "display_name": "Affected hosts"},
    )
    assert field.status_code == 201, field.text
    dialogs = record_dialogs(page)
    queue_url = re.compile(re.escape(queue_path(admin.workspace_id)) + r"(\?.*)?$")

    await page.goto("/")
    await expect(page).to_have_url(SIGN_IN_URL)
    await sign_in_through_form(page, ADMIN_EMAIL, ADMIN_PASSWORD)
    await expect(page).to_have_url(queue_url)
    await expect(page.get_by_role("heading", name="Cases", exact=True)).to_be_visible()
    await expect(page.get_by_test_id("case-row")).to_have_count(len(OTHER_CASES))

    await page.get_by_role("link", name="New case").click()
    form = page.get_by_test_id("new-case-form")
    await form.get_by_label("Summary").fill(SUMMARY)
    await form.get_by_label("Description").fill(DESCRIPTION)
    await form.get_by_role("button", name="Create case").click()
    await expect(page.get_by_test_id("case-summary")).to_have_text(SUMMARY)

    await page.get_by_role("link", name="Cases", exact=True).click()
    await expect(page).to_have_url(queue_url)
    filters = page.get_by_test_id("filter-form")
    await filters.get_by_label("Search").fill("phishing")
    await filters.get_by_test_id("filter-status").locator("summary").click()
    await filters.get_by_role("checkbox", name="New", exact=True).check()
    await filters.get_by_role("button", name="Apply filters").click()
    await expect(page).to_have_url(re.compile(r"search_term=phishing.*status=new"))
    rows = page.get_by_test_id("case-row")
    await expect(rows).to_have_count(1)
    await rows.get_by_role("link", name=SUMMARY).click()
    await expect(page.get_by_test_id("case-summary")).to_have_text(SUMMARY)
    await expect(page.get_by_test_id("case-description")).to_contain_text(
        "Three people in finance entered"
    )

    properties = page.get_by_test_id("properties-form")
    await properties.get_by_label("Status").select_option(label="In progress")
    await properties.get_by_role("button", name="Save properties").click()
    await expect(page.get_by_test_id("case-status")).to_have_text("In progress")

    comments = page.get_by_test_id("comment-form")
    await comments.get_by_label("Add a comment").fill(COMMENT)
    await comments.get_by_role("button", name="Post comment").click()
    await expect(page.get_by_test_id("comment-content")).to_have_text(COMMENT)

    tags = page.get_by_test_id("tag-form")
    await tags.get_by_label("Add a tag").select_option(label="Phishing")
    await tags.get_by_role("button", name="Add tag").click()
    await expect(page.get_by_test_id("case-tag")).to_have_count(1)
    await expect(page.get_by_test_id("case-tag")).to_contain_text("Phishing")

    hosts = page.get_by_test_id("field-form-hosts")
    await hosts.get_by_label("Affected hosts").fill("3")
    await hosts.get_by_role("button", name="Save Affected hosts").click()
    await expect(
        page.get_by_test_id("field-form-hosts").get_by_label("Affected hosts")
    ).to_have_value("3")

    events = page.get_by_test_id("timeline").get_by_test_id("event")
    for kind, sentence in [
        ("case_created", "created the case"),
        ("status_changed", "changed status from New to In progress"),
        ("comment_created", "commented"),
        ("tag_added", "added tag Phishing"),
        ("fields_changed", "changed Affected hosts from empty to 3"),
    ]:
        event = events.and_(page.locator(f"[data-event-type={kind}]"))
        await expect(event).to_have_count(1)
        await expect(event.get_by_test_id("event-text")).to_contain_text(sentence)

    case_id = page.url.rsplit("/", 1)[-1].split("#")[0]
    stored = (await live_api.get(f"/cases/{case_id}")).json()
    assert stored["status"] == "in_progress"
    assert [tag["name"] for tag in stored["tags"]] == ["Phishing"]
    assert {field["id"]: field["value"] for field in stored["fields"]}["hosts"] == 3

    await sign_out(page)
    await page.goto("/ui/")
    await expect(page).to_have_url(SIGN_IN_URL)
    assert dialogs == []
