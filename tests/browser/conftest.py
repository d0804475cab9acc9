"""Fixtures for browser tests: Debian's Chromium, a live server, one page a test.

Browser tests run on both databases, like every other test: the live server
serves the session's database, and the `admin` fixture seeds it.
"""

import os
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from playwright.async_api import Browser, BrowserContext, Page, async_playwright

from tests.browser.chromium import CHROMIUM, ensure_chromium
from tests.browser.server import LiveServer
from tests.browser.support import SESSION_COOKIE, new_context
from tests.factories import Principal

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-background-networking",
    "--disable-gpu",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
# CI sets this: without a browser the tests fail instead of skipping.
REQUIRE_BROWSER = os.environ.get("CASEDESK_TEST_REQUIRE_BROWSER") == "1"


@pytest.fixture(scope="session")
def chromium_path() -> Path:
    """Debian's Chromium, installed with apt-get first if we may and must."""
    problem = ensure_chromium(CHROMIUM)
    if problem is None:
        return CHROMIUM

    reason = f"Chromium is not available at {CHROMIUM}: {problem}"
    if REQUIRE_BROWSER:
        pytest.fail(reason, pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="session")
async def browser(chromium_path: Path) -> AsyncIterator[Browser]:
    """One headless Chromium for the whole session; never a downloaded one."""
    async with async_playwright() as playwright:
        launched = await playwright.chromium.launch(
            executable_path=str(chromium_path), headless=True, args=CHROMIUM_ARGS
        )
        yield launched
        await launched.close()


@pytest.fixture(scope="session")
async def live_server(
    database_url: str, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[LiveServer]:
    """casedesk listening on 127.0.0.1 on the session's database."""
    server = LiveServer(
        database_url=database_url, data_dir=tmp_path_factory.mktemp("live")
    )
    await server.start()
    yield server
    await server.stop()


@pytest.fixture
async def live_api(
    live_server: LiveServer, admin: Principal
) -> AsyncIterator[httpx.AsyncClient]:
    """The admin's JSON API client, over HTTP against the live server."""
    token = admin.client.cookies.get(SESSION_COOKIE)
    assert token, "the admin fixture left no session cookie"
    async with httpx.AsyncClient(
        base_url=live_server.url, cookies={SESSION_COOKIE: token}, timeout=10.0
    ) as client:
        yield client


@pytest.fixture
async def browser_context(
    browser: Browser, live_server: LiveServer
) -> AsyncIterator[BrowserContext]:
    """A fresh profile, signed in as nobody, at desktop size."""
    context = await new_context(browser, live_server.url)
    yield context
    await context.close()


@pytest.fixture
async def page(browser_context: BrowserContext) -> Page:
    """One tab for the test; closed with its context."""
    return await browser_context.new_page()
