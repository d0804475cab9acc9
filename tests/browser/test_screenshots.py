"""Screenshots of the queue and a case page, filled with real KEV cases.

They land in the test's temporary folder; with CASEDESK_SCREENSHOTS_DIR set
(e.g. `docs/screenshots`), the SQLite run also writes them there.
"""

import json
import os
import shutil
import struct
from datetime import date
from pathlib import Path
from typing import Any

import httpx
from fastapi import FastAPI
from playwright.async_api import Browser, Page, expect

from casedesk.importers.kev import import_catalog
from tests.browser.server import LiveServer
from tests.browser.support import signed_in_context
from tests.factories import Principal, kev_catalog
from tests.web.support import case_page_path, queue_path

SCREENSHOTS_DIR = os.environ.get("CASEDESK_SCREENSHOTS_DIR")
PHONE = {"width": 390, "height": 844}
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
# Recent entries beside famous ones, so that priorities and severities vary.
CVE_IDS = (
    "CVE-2021-44228",
    "CVE-2023-34362",
    "CVE-2024-3400",
    "CVE-2025-8875",
    "CVE-2025-8088",
    "CVE-2025-54948",
    "CVE-2025-43300",
    "CVE-2024-8069",
    "CVE-2025-48384",
    "CVE-2023-4966",
)
FEATURED_CVE = "CVE-2023-4966"
# Some recent entries fall due within two weeks of this day, others later.
IMPORT_DAY = date(2025, 8, 26)


async def test_screenshots_of_queue_and_case(
    app: FastAPI,
    admin: Principal,
    live_server: LiveServer,
    live_api: httpx.AsyncClient,
    browser: Browser,
    is_postgres: bool,
    tmp_path: Path,
) -> None:
    cases = await _realistic_workspace(app, admin, live_api)
    featured = cases[FEATURED_CVE]
    desktop = await signed_in_context(browser, live_server.url, admin)
    phone = await signed_in_context(
        browser, live_server.url, admin, viewport=PHONE, is_mobile=True
    )

    try:
        page = await desktop.new_page()
        await page.goto(queue_path(admin.workspace_id))
        await expect(page.get_by_test_id("case-row")).to_have_count(len(CVE_IDS))
        queue = await _screenshot(page, tmp_path / "queue.png")

        await page.goto(case_page_path(admin.workspace_id, featured["id"]))
        await expect(page.get_by_test_id("comment")).to_have_count(2)
        case = await _screenshot(page, tmp_path / "case.png")

        small = await phone.new_page()
        await small.goto(case_page_path(admin.workspace_id, featured["id"]))
        await expect(small.get_by_test_id("case-summary")).to_be_visible()
        case_phone = await _screenshot(small, tmp_path / "case-phone.png")
    finally:
        await desktop.close()
        await phone.close()

    assert _png_size(queue)[0] == 1280
    assert _png_size(case)[0] == 1280
    assert _png_size(case_phone)[0] == PHONE["width"]
    if SCREENSHOTS_DIR and not is_postgres:
        target = Path(SCREENSHOTS_DIR)
        target.mkdir(parents=True, exist_ok=True)
        for shot in (queue, case, case_phone):
            shutil.copyfile(shot, target / shot.name)


async def _realistic_workspace(
    app: FastAPI, admin: Principal, live_api: httpx.AsyncClient
) -> dict[str, dict[str, Any]]:
    """Ten KEV cases, worked on by two named analysts; cases by CVE id."""
    catalog = json.loads(kev_catalog().read_text(encoding="utf-8"))
    records = {record["cveID"]: record for record in catalog["vulnerabilities"]}
    async with app.state.sessionmaker() as session:
        assert admin.workspace_id is not None
        summary = await import_catalog(
            session,
            workspace_id=admin.workspace_id,
            records=[records[cve_id] for cve_id in CVE_IDS],
            today=IMPORT_DAY,
        )
    assert summary.created == len(CVE_IDS)

    named = await live_api.patch(
        "/users/me", json={"first_name": "Alex", "last_name": "Morgan"}
    )
    assert named.status_code == 200, named.text
    colleague = await live_api.post(
        "/users",
        json={
            "email": "sam.okafor@example.com",
            "password": "sam-okafor-password",
            "first_name": "Sam",
            "last_name": "Okafor",
        },
    )
    assert colleague.status_code == 201, colleague.text
    sam_id = colleague.json()["id"]
    member = await live_api.post("/members", json={"user_id": sam_id, "role": "editor"})
    assert member.status_code == 201, member.text

    listed = await live_api.get("/cases", params={"limit": 50})
    assert listed.status_code == 200, listed.text
    cases = {case["summary"].split(":")[0]: case for case in listed.json()["items"]}
    work = {
        "CVE-2023-4966": {"status": "in_progress", "assignee_id": str(admin.user_id)},
        "CVE-2024-3400": {"status": "resolved", "assignee_id": sam_id},
        "CVE-2025-54948": {"status": "in_progress", "assignee_id": sam_id},
        "CVE-2025-8088": {"status": "on_hold", "assignee_id": str(admin.user_id)},
        "CVE-2021-44228": {"status": "closed", "assignee_id": sam_id},
    }
    for cve_id, changes in work.items():
        changed = await live_api.patch(f"/cases/{cases[cve_id]['id']}", json=changes)
        assert changed.status_code == 204, changed.text

    internet_facing = await live_api.post(
        "/case-tags", json={"name": "Internet-facing", "color": "#b42318"}
    )
    assert internet_facing.status_code == 201, internet_facing.text
    for cve_id in ("CVE-2023-4966", "CVE-2024-3400", "CVE-2023-34362"):
        tagged = await live_api.post(
            f"/cases/{cases[cve_id]['id']}/tags",
            json={"tag_id": internet_facing.json()["id"]},
        )
        assert tagged.status_code == 201, tagged.text

    featured = cases[FEATURED_CVE]["id"]
    for content in (
        "Both **NetScaler ADC** pairs in the DMZ run 13.1-49.13: vulnerable.\n\n"
        "Patched to 13.1-51.15 at 14:20 UTC; failover tested.",
        "Killed every active session (`kill aaa session -all`) after the "
        "upgrade, as the advisory requires. Hunting for reused session "
        "tokens in the gateway logs next.",
    ):
        comment = await live_api.post(
            f"/cases/{featured}/comments", json={"content": content}
        )
        assert comment.status_code == 201, comment.text
    return cases


async def _screenshot(page: Page, path: Path) -> Path:
    """A full-page PNG of the page as it is now."""
    await page.screenshot(path=path, full_page=True, animations="disabled")
    return path


def _png_size(path: Path) -> tuple[int, int]:
    """Width and height of a PNG file, read from its header."""
    data = path.read_bytes()
    assert data.startswith(PNG_SIGNATURE), f"{path} is not a PNG"
    assert len(data) > 10_000, f"{path} is nearly empty"
    width, height = struct.unpack(">II", data[16:24])
    return width, height
