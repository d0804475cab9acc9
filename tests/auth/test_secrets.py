"""No password, session token or API key ever reaches a log line or error body."""

import logging
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import pytest
from fastapi import FastAPI
from structlog.testing import capture_logs

from casedesk.auth.api_keys import issue_key, parse_key
from casedesk.logging import configure_logging
from casedesk.models import ApiKey, ServiceAccount
from tests.auth.support import client_from, post_login
from tests.factories import create_user, create_workspace
from tests.log_config import use_test_logging

PASSWORD = "hunter2-but-much-longer-0451"
WRONG_PASSWORD = "wrong-guess-never-logged-7731"


@dataclass
class Captured:
    """Everything logged while capturing, by structlog and the standard library."""

    structlog_entries: list[dict[str, Any]] = field(default_factory=list)
    records: list[logging.LogRecord] = field(default_factory=list)
    printed: str = ""

    def text(self) -> str:
        """All captured output as one string to search."""
        lines = [repr(entry) for entry in self.structlog_entries]
        for record in self.records:
            lines.append(record.getMessage())
            lines.append(repr(record.__dict__))
        lines.append(self.printed)
        return "\n".join(lines)


@contextmanager
def captured_logs(
    caplog: pytest.LogCaptureFixture, capsys: pytest.CaptureFixture[str]
) -> Iterator[Captured]:
    """Capture structlog events, standard-library records and printed output."""
    captured = Captured()
    capsys.readouterr()
    # Everything at DEBUG, except what configure_logging always quietens (see
    # the last test): aiosqlite's statement parameters include the username.
    with (
        caplog.at_level(logging.DEBUG),
        caplog.at_level(logging.INFO, logger="aiosqlite"),
        capture_logs() as entries,
    ):
        yield captured
    captured.structlog_entries = entries
    captured.records = list(caplog.records)
    output = capsys.readouterr()
    captured.printed = output.out + output.err


def assert_absent(secrets: list[str], *places: str) -> None:
    for secret in secrets:
        for place in places:
            assert secret not in place


async def create_key(app: FastAPI) -> str:
    """A key for a fresh workspace's service account; returns its token."""
    workspace_id = await create_workspace(app, f"Automation {uuid.uuid4().hex[:6]}")
    issued = issue_key()
    async with app.state.sessionmaker() as session:
        account = ServiceAccount(
            workspace_id=workspace_id, name="bot", scopes=["case:read"], is_active=True
        )
        session.add(account)
        await session.flush()
        session.add(
            ApiKey(
                service_account_id=account.id,
                workspace_id=workspace_id,
                key_id=issued.key_id,
                secret_hash=issued.secret_hash,
                name="ci",
            )
        )
        await session.commit()
    return issued.token


@pytest.fixture
async def analyst(app: FastAPI, clean_database: None) -> str:
    """An account with a known password; returns its email."""
    await create_user(app, "analyst@example.com", PASSWORD)
    return "analyst@example.com"


async def test_sign_in_and_out_log_neither_password_nor_token(
    app: FastAPI,
    analyst: str,
    caplog: pytest.LogCaptureFixture,
    capsys: pytest.CaptureFixture[str],
) -> None:
    async with client_from(app) as client:
        with captured_logs(caplog, capsys) as logs:
            signed_in = await post_login(client, analyst, PASSWORD)
            token = signed_in.cookies["fastapiusersauth"]
            me = await client.get("/users/me")
            signed_out = await client.post("/auth/logout")

    assert (signed_in.status_code, me.status_code, signed_out.status_code) == (
        204,
        200,
        204,
    )
    assert any(entry["event"] == "auth.signed_in" for entry in logs.structlog_entries)
    assert_absent([PASSWORD, token], logs.text(), me.text, signed_out.text)


async def test_failed_sign_in_logs_and_answers_without_the_password(
    app: FastAPI,
    analyst: str,
    caplog: pytest.LogCaptureFixture,
    capsys: pytest.CaptureFixture[str],
) -> None:
    async with client_from(app) as client:
        with captured_logs(caplog, capsys) as logs:
            response = await post_login(client, analyst, WRONG_PASSWORD)

    assert response.status_code == 400
    assert any(
        entry["event"] == "auth.sign_in_failed" for entry in logs.structlog_entries
    )
    assert_absent([WRONG_PASSWORD], logs.text(), response.text, str(response.headers))


async def test_password_typed_as_the_username_is_not_logged(
    app: FastAPI,
    analyst: str,
    caplog: pytest.LogCaptureFixture,
    capsys: pytest.CaptureFixture[str],
) -> None:
    async with client_from(app) as client:
        with captured_logs(caplog, capsys) as logs:
            response = await post_login(client, PASSWORD, PASSWORD)

    assert response.status_code == 400
    assert_absent([PASSWORD], logs.text(), response.text)


async def test_api_key_use_logs_no_part_of_the_secret(
    app: FastAPI,
    clean_database: None,
    caplog: pytest.LogCaptureFixture,
    capsys: pytest.CaptureFixture[str],
) -> None:
    token = await create_key(app)
    presented = parse_key(token)
    assert presented is not None

    async with client_from(app) as client:
        with captured_logs(caplog, capsys) as logs:
            response = await client.get(
                "/cases", headers={"Authorization": f"Bearer {token}"}
            )

    assert response.status_code == 200
    assert_absent([token, presented.secret], logs.text(), response.text)


async def test_wrong_api_key_secret_is_neither_logged_nor_echoed(
    app: FastAPI,
    clean_database: None,
    caplog: pytest.LogCaptureFixture,
    capsys: pytest.CaptureFixture[str],
) -> None:
    token = await create_key(app)
    presented = parse_key(token)
    assert presented is not None
    wrong_secret = "W" * 43
    forged = token.replace(presented.secret, wrong_secret)

    async with client_from(app) as client:
        with captured_logs(caplog, capsys) as logs:
            response = await client.get(
                "/cases", headers={"Authorization": f"Bearer {forged}"}
            )

    assert response.status_code == 401
    assert response.json() == {"detail": "Unauthorized"}
    assert any(
        entry.get("key_id") == presented.key_id for entry in logs.structlog_entries
    )
    assert_absent(
        [forged, wrong_secret, presented.secret],
        logs.text(),
        response.text,
        str(response.headers),
    )


async def test_malformed_bearer_token_is_not_echoed(
    app: FastAPI,
    clean_database: None,
    caplog: pytest.LogCaptureFixture,
    capsys: pytest.CaptureFixture[str],
) -> None:
    malformed = "cdk_not-a-real-key-but-secret-looking-0451"

    async with client_from(app) as client:
        with captured_logs(caplog, capsys) as logs:
            response = await client.get(
                "/cases", headers={"Authorization": f"Bearer {malformed}"}
            )

    assert response.status_code == 401
    assert_absent([malformed], logs.text(), response.text, str(response.headers))


async def test_unknown_session_cookie_is_not_logged(
    app: FastAPI,
    clean_database: None,
    caplog: pytest.LogCaptureFixture,
    capsys: pytest.CaptureFixture[str],
) -> None:
    unknown = "a-session-token-nobody-issued-0451"

    async with client_from(app) as client:
        client.cookies.set("fastapiusersauth", unknown)
        with captured_logs(caplog, capsys) as logs:
            response = await client.post("/auth/logout")

    assert response.status_code == 401
    assert_absent([unknown], logs.text(), response.text)


def test_debug_logging_keeps_database_statements_out() -> None:
    root = logging.getLogger()
    saved = root.handlers[:], root.level, logging.getLogger("aiosqlite").level
    try:
        configure_logging(level="DEBUG")

        assert not logging.getLogger("aiosqlite").isEnabledFor(logging.DEBUG)
        assert not logging.getLogger("sqlalchemy.engine").isEnabledFor(logging.INFO)
    finally:
        use_test_logging()
        root.handlers, root.level = saved[0], saved[1]
        logging.getLogger("aiosqlite").setLevel(saved[2])
