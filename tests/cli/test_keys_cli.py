"""`casedesk keys …` against each test database, beside the running app."""

import asyncio
import os
import re
import uuid
from dataclasses import dataclass
from pathlib import Path
from unittest.mock import patch

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import select
from typer.testing import CliRunner

from casedesk.cli.main import app as cli
from casedesk.config import get_settings
from casedesk.models import ApiKey, AuditEvent, ServiceAccount
from tests.factories import Principal, case_body

PRINTED_KEY = re.compile(r"^(cdk_([0-9a-f]{16})_[A-Za-z0-9_-]{43})$", re.MULTILINE)


@dataclass(frozen=True)
class Outcome:
    """What one command printed, and how it exited."""

    returncode: int
    stdout: str
    stderr: str


@pytest.fixture
def casedesk(database_url: str, tmp_path: Path) -> "CasedeskRunner":
    """Runs `casedesk keys` on the database the app of this test uses."""
    return CasedeskRunner(database_url, tmp_path)


class CasedeskRunner:
    """Runs `casedesk keys ARGS` in-process, configured only by CASEDESK_*."""

    def __init__(self, database_url: str, data_dir: Path) -> None:
        self.env: dict[str, str | None] = {
            name: None for name in os.environ if name.startswith("CASEDESK_")
        }
        self.env["CASEDESK_DATABASE_URL"] = database_url
        self.env["CASEDESK_DATA_DIR"] = str(data_dir)

    async def __call__(self, *args: str) -> Outcome:
        """Run on a worker thread: the command runs its own event loop."""
        return await asyncio.to_thread(self._invoke, ["keys", *args])

    def _invoke(self, args: list[str]) -> Outcome:
        # The command reads its settings once per process; clear them on both
        # sides so that neither this run nor the next test sees stale ones.
        # Logging is left as the test session configured it: the command's
        # own set-up would cache loggers that later tests capture from.
        get_settings.cache_clear()
        try:
            with patch("casedesk.cli.main.configure_logging"):
                result = CliRunner().invoke(cli, args, env=self.env)
        finally:
            get_settings.cache_clear()
        if result.exception is not None and not isinstance(
            result.exception, SystemExit
        ):
            raise result.exception
        return Outcome(result.exit_code, result.stdout, result.stderr)


def printed_key(stdout: str) -> tuple[str, str]:
    """The full key and its key id, from the output of `keys create`."""
    found = PRINTED_KEY.findall(stdout)
    assert len(found) == 1, stdout
    token, key_id = found[0]
    assert stdout.count(token) == 1, "the key must be printed exactly once"
    return token, key_id


async def accounts(app: FastAPI) -> list[ServiceAccount]:
    """Every service account, oldest first."""
    async with app.state.sessionmaker() as session:
        return list(
            await session.scalars(
                select(ServiceAccount).order_by(ServiceAccount.created_at)
            )
        )


def bearer(token: str) -> dict[str, str]:
    """The header that presents an API key."""
    return {"Authorization": f"Bearer {token}"}


async def test_create_prints_a_key_that_reads_but_cannot_create(
    admin: Principal, anonymous: httpx.AsyncClient, casedesk: CasedeskRunner
) -> None:
    await admin.client.post("/cases", json=case_body())

    result = await casedesk(
        "create",
        "--workspace",
        str(admin.workspace_id),
        "--name",
        "SOAR",
        "--scope",
        "case:read",
    )

    assert result.returncode == 0, result.stderr
    token, _ = printed_key(result.stdout)
    listed = await anonymous.get("/cases", headers=bearer(token))
    created = await anonymous.post("/cases", json=case_body(), headers=bearer(token))
    assert len(listed.json()["items"]) == 1
    assert created.status_code == 403


async def test_create_makes_a_service_account_with_the_scopes(
    admin: Principal, app: FastAPI, casedesk: CasedeskRunner
) -> None:
    result = await casedesk(
        "create",
        "--workspace",
        str(admin.workspace_id),
        "--name",
        "SOAR",
        "--scope",
        "case:create",
        "--scope",
        "case:read",
    )

    assert result.returncode == 0, result.stderr
    (account,) = await accounts(app)
    assert (account.name, account.scopes, account.workspace_id) == (
        "SOAR",
        ["case:read", "case:create"],
        admin.workspace_id,
    )
    assert f"Created service account SOAR ({account.id})" in result.stdout


async def test_create_is_audited_as_casedesk_itself(
    admin: Principal, app: FastAPI, casedesk: CasedeskRunner
) -> None:
    result = await casedesk(
        "create",
        "--workspace",
        str(admin.workspace_id),
        "--name",
        "SOAR",
        "--scope",
        "case:read",
    )

    _, key_id = printed_key(result.stdout)
    async with app.state.sessionmaker() as session:
        entry = await session.scalar(
            select(AuditEvent).where(AuditEvent.action == "key_created")
        )
    assert entry is not None
    assert entry.target_id == key_id
    assert (entry.actor_user_id, entry.actor_service_account_id) == (None, None)


async def test_create_adds_a_key_to_an_existing_service_account(
    admin: Principal, anonymous: httpx.AsyncClient, casedesk: CasedeskRunner
) -> None:
    account = await admin.client.post(
        "/service-accounts", json={"name": "SOAR", "scopes": ["case:create"]}
    )

    result = await casedesk(
        "create", "--service-account", account.json()["id"], "--name", "second"
    )

    assert result.returncode == 0, result.stderr
    token, _ = printed_key(result.stdout)
    keys = await admin.client.get(f"/service-accounts/{account.json()['id']}/keys")
    assert [item["name"] for item in keys.json()] == ["second"]
    created = await anonymous.post("/cases", json=case_body(), headers=bearer(token))
    assert created.status_code == 201


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--scope", "case:admin"], "unknown scope case:admin"),
        (["--scope", "workspace:manage"], "unknown scope workspace:manage"),
        ([], "give at least one --scope"),
    ],
    ids=["unknown", "manage", "none"],
)
async def test_create_refuses_scopes_a_key_cannot_hold(
    admin: Principal,
    app: FastAPI,
    casedesk: CasedeskRunner,
    args: list[str],
    message: str,
) -> None:
    result = await casedesk(
        "create", "--workspace", str(admin.workspace_id), "--name", "SOAR", *args
    )

    assert result.returncode == 1
    assert message in result.stderr
    assert "cdk_" not in result.stdout
    assert await accounts(app) == []


async def test_create_in_an_unknown_workspace_fails(
    admin: Principal, app: FastAPI, casedesk: CasedeskRunner
) -> None:
    unknown = uuid.uuid4()

    result = await casedesk(
        "create", "--workspace", str(unknown), "--name", "SOAR", "--scope", "case:read"
    )

    assert result.returncode == 1
    assert f"Workspace {unknown} does not exist" in result.stderr
    assert await accounts(app) == []


async def test_create_for_an_unknown_service_account_fails(
    admin: Principal, casedesk: CasedeskRunner
) -> None:
    unknown = uuid.uuid4()

    result = await casedesk("create", "--service-account", str(unknown), "--name", "x")

    assert result.returncode == 1
    assert f"Service account {unknown} not found" in result.stderr


async def test_list_shows_keys_without_their_secrets(
    admin: Principal, casedesk: CasedeskRunner
) -> None:
    created = await casedesk(
        "create",
        "--workspace",
        str(admin.workspace_id),
        "--name",
        "SOAR",
        "--scope",
        "case:read",
    )
    token, key_id = printed_key(created.stdout)

    result = await casedesk("list", "--workspace", str(admin.workspace_id))

    assert result.returncode == 0, result.stderr
    (line,) = result.stdout.strip().splitlines()
    assert line.startswith(f"{key_id}  SOAR  account=SOAR")
    assert "scopes=case:read" in line
    assert line.endswith("last_used=never  active")
    assert token not in result.stdout
    assert token.rsplit(key_id, 1)[1][1:] not in result.stdout


async def test_list_of_a_workspace_without_keys_says_so(
    admin: Principal, casedesk: CasedeskRunner
) -> None:
    result = await casedesk("list", "--workspace", str(admin.workspace_id))

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"No API keys in workspace {admin.workspace_id}"


async def test_revoke_makes_the_key_unauthorized(
    admin: Principal, anonymous: httpx.AsyncClient, casedesk: CasedeskRunner
) -> None:
    created = await casedesk(
        "create",
        "--workspace",
        str(admin.workspace_id),
        "--name",
        "SOAR",
        "--scope",
        "case:read",
    )
    token, key_id = printed_key(created.stdout)

    result = await casedesk("revoke", key_id)

    assert result.returncode == 0, result.stderr
    assert f"Revoked key {key_id}" in result.stdout.splitlines()
    used = await anonymous.get("/cases", headers=bearer(token))
    assert used.status_code == 401


async def test_revoke_sets_revoked_at(
    admin: Principal, app: FastAPI, casedesk: CasedeskRunner
) -> None:
    created = await casedesk(
        "create",
        "--workspace",
        str(admin.workspace_id),
        "--name",
        "SOAR",
        "--scope",
        "case:read",
    )
    _, key_id = printed_key(created.stdout)

    await casedesk("revoke", key_id)

    async with app.state.sessionmaker() as session:
        row = await session.scalar(select(ApiKey).where(ApiKey.key_id == key_id))
    assert row is not None
    assert row.revoked_at is not None


async def test_revoke_of_an_unknown_key_fails(
    admin: Principal, casedesk: CasedeskRunner
) -> None:
    result = await casedesk("revoke", "0123456789abcdef")

    assert result.returncode == 1
    assert "API key 0123456789abcdef not found" in result.stderr
