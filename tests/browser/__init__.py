"""Browser tests: Chromium, driven by Playwright, against a running casedesk."""
