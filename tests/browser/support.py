"""Helpers for browser tests: sign in as a person would, watch for dialogs."""

import re
from typing import Any

from playwright.async_api import Browser, BrowserContext, Dialog, Page, expect

from tests.factories import Principal

SIGN_IN_URL = re.compile(r"/ui/login(\?.*)?$")
SESSION_COOKIE = "fastapiusersauth"
DESKTOP = {"width": 1280, "height": 800}
# Playwright's own default of 30 s would hide a hung page behind a long wait.
ACTION_TIMEOUT_MS = 10_000


async def new_context(
    browser: Browser, base_url: str, **options: Any
) -> BrowserContext:
    """A fresh profile (no cookies) whose relative URLs go to `base_url`."""
    context = await browser.new_context(
        base_url=base_url, **{"viewport": DESKTOP, **options}
    )
    context.set_default_timeout(ACTION_TIMEOUT_MS)
    return context


async def signed_in_context(
    browser: Browser, base_url: str, principal: Principal, **options: Any
) -> BrowserContext:
    """A profile carrying the principal's session cookie, past the sign-in form.

    Sign-in itself is driven through the form elsewhere; here it would only
    add a deliberately slow password hash.
    """
    token = principal.client.cookies.get(SESSION_COOKIE)
    assert token, "the principal has no session cookie"
    context = await new_context(browser, base_url, **options)
    await context.add_cookies(
        [{"name": SESSION_COOKIE, "value": token, "url": base_url}]
    )
    return context


async def sign_in_through_form(page: Page, email: str, password: str) -> None:
    """Fill and submit the sign-in form the page shows now."""
    heading = page.get_by_role("heading", name="Sign in to casedesk")
    await expect(heading).to_be_visible()
    await page.get_by_label("Email").fill(email)
    await page.get_by_label("Password").fill(password)
    await page.get_by_role("button", name="Sign in").click()


async def sign_out(page: Page) -> None:
    """Press the top bar's sign-out button and wait for the sign-in page."""
    await page.get_by_role("button", name="Sign out").click()
    await expect(page).to_have_url(SIGN_IN_URL)


def record_dialogs(page: Page) -> list[str]:
    """Dismiss every dialog the page opens; the list of them, for asserting."""
    opened: list[str] = []

    async def dismiss(dialog: Dialog) -> None:
        opened.append(f"{dialog.type}: {dialog.message}")
        await dialog.dismiss()

    page.on("dialog", dismiss)
    return opened
