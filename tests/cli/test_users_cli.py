"""`casedesk users …` run as a real process on the default SQLite database."""

import asyncio
import subprocess
import uuid
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import select

from casedesk.auth.passwords import MIN_PASSWORD_LENGTH, password_helper
from casedesk.db.engine import create_engine
from casedesk.db.session import make_sessionmaker
from casedesk.models import AuditEvent, Membership, User
from casedesk.workspaces.service import WorkspaceService
from tests.cli.test_cli import CASEDESK, Cli, migrate_in_process

PROMPTED_EMAIL = "prompted@example.com"
PROMPTED_PASSWORD = "typed-twice-at-the-prompt"
GIVEN_EMAIL = "given@example.com"
GIVEN_PASSWORD = "given-on-the-command-line"


@dataclass(frozen=True)
class Installation:
    """A migrated data directory with one workspace."""

    data_dir: Path
    workspace_id: uuid.UUID

    @property
    def url(self) -> str:
        """The SQLite URL of the installation's database."""
        return f"sqlite+aiosqlite:///{self.data_dir / 'casedesk.db'}"


def run(
    cli: Cli, installation: Installation, *args: str, typed: str | None = None
) -> subprocess.CompletedProcess[str]:
    """Run `casedesk ARGS`, typing `typed` at any prompt.

    A new session has no controlling terminal, so the hidden prompt reads the
    piped standard input.
    """
    return subprocess.run(
        [str(CASEDESK), *args],
        env=cli.env(installation.data_dir),
        input=typed or "",
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        start_new_session=True,
    )


async def stored_user(installation: Installation, email: str) -> User | None:
    """The user with this email, read in-process."""
    engine = create_engine(installation.url)
    try:
        async with make_sessionmaker(engine)() as session:
            return await session.scalar(select(User).where(User.email == email))
    finally:
        await engine.dispose()


async def role_in(installation: Installation, user_id: uuid.UUID) -> str | None:
    """The user's role in the installation's workspace."""
    engine = create_engine(installation.url)
    try:
        async with make_sessionmaker(engine)() as session:
            return await session.scalar(
                select(Membership.role).where(
                    Membership.user_id == user_id,
                    Membership.workspace_id == installation.workspace_id,
                )
            )
    finally:
        await engine.dispose()


async def audited_actions(
    installation: Installation, target_id: uuid.UUID
) -> list[str]:
    """The audit actions recorded about one user."""
    engine = create_engine(installation.url)
    try:
        async with make_sessionmaker(engine)() as session:
            actions = await session.scalars(
                select(AuditEvent.action)
                .where(AuditEvent.target_id == str(target_id))
                .order_by(AuditEvent.seq)
            )
            return list(actions)
    finally:
        await engine.dispose()


@pytest.fixture(scope="module")
def cli(tmp_path_factory: pytest.TempPathFactory) -> Cli:
    """The `casedesk` runner of this module."""
    return Cli(pycache=tmp_path_factory.mktemp("pycache"))


@pytest.fixture(scope="module")
async def installation(tmp_path_factory: pytest.TempPathFactory) -> Installation:
    """A migrated installation with one workspace, shared by this module."""
    data_dir = await asyncio.to_thread(
        migrate_in_process, tmp_path_factory.mktemp("users-cli") / "data"
    )
    url = f"sqlite+aiosqlite:///{data_dir / 'casedesk.db'}"
    engine = create_engine(url)
    try:
        async with make_sessionmaker(engine)() as session:
            workspace = await WorkspaceService(session).create(name="Default")
            await session.commit()
    finally:
        await engine.dispose()
    return Installation(data_dir=data_dir, workspace_id=workspace.id)


@pytest.fixture(scope="module")
def prompted(cli: Cli, installation: Installation) -> subprocess.CompletedProcess[str]:
    """An admin created with a prompted password, as editor of the workspace."""
    return run(
        cli,
        installation,
        "users",
        "create",
        "Prompted@Example.com",
        "--admin",
        "--workspace",
        str(installation.workspace_id),
        "--role",
        "editor",
        typed=f"{PROMPTED_PASSWORD}\n{PROMPTED_PASSWORD}\n",
    )


@pytest.fixture(scope="module")
def given(cli: Cli, installation: Installation) -> subprocess.CompletedProcess[str]:
    """A user created with `--password`."""
    return run(
        cli, installation, "users", "create", GIVEN_EMAIL, "--password", GIVEN_PASSWORD
    )


@pytest.fixture(scope="module")
def listed(
    cli: Cli,
    installation: Installation,
    prompted: subprocess.CompletedProcess[str],
    given: subprocess.CompletedProcess[str],
) -> subprocess.CompletedProcess[str]:
    """`casedesk users list` after both creations."""
    return run(cli, installation, "users", "list")


# Creating with a prompted password


async def test_prompted_create_reports_the_new_admin(
    prompted: subprocess.CompletedProcess[str], installation: Installation
) -> None:
    user = await stored_user(installation, PROMPTED_EMAIL)

    assert prompted.returncode == 0, prompted.stderr
    assert user is not None
    assert f"Created instance admin {PROMPTED_EMAIL} with id {user.id}" in (
        prompted.stdout
    )


def test_prompt_asks_twice(prompted: subprocess.CompletedProcess[str]) -> None:
    assert "Password:" in prompted.stdout
    assert "Repeat for confirmation:" in prompted.stdout


def test_prompted_password_is_never_printed(
    prompted: subprocess.CompletedProcess[str],
) -> None:
    assert PROMPTED_PASSWORD not in prompted.stdout + prompted.stderr


async def test_prompted_password_is_the_stored_one(
    prompted: subprocess.CompletedProcess[str], installation: Installation
) -> None:
    user = await stored_user(installation, PROMPTED_EMAIL)

    assert user is not None
    assert password_helper.verify_and_update(PROMPTED_PASSWORD, user.hashed_password)[0]


async def test_admin_flag_makes_an_instance_admin(
    prompted: subprocess.CompletedProcess[str], installation: Installation
) -> None:
    user = await stored_user(installation, PROMPTED_EMAIL)

    assert user is not None
    assert user.is_superuser is True


async def test_workspace_and_role_grant_the_membership(
    prompted: subprocess.CompletedProcess[str], installation: Installation
) -> None:
    user = await stored_user(installation, PROMPTED_EMAIL)
    assert user is not None

    role = await role_in(installation, user.id)

    assert role == "editor"
    assert f"Added to workspace {installation.workspace_id} as editor" in (
        prompted.stdout
    )


async def test_cli_creation_is_audited(
    prompted: subprocess.CompletedProcess[str], installation: Installation
) -> None:
    user = await stored_user(installation, PROMPTED_EMAIL)
    assert user is not None

    actions = await audited_actions(installation, user.id)

    assert actions == ["user_created", "member_added"]


# Creating with --password


async def test_given_password_creates_a_basic_user(
    given: subprocess.CompletedProcess[str], installation: Installation
) -> None:
    user = await stored_user(installation, GIVEN_EMAIL)

    assert given.returncode == 0, given.stderr
    assert user is not None
    assert user.is_superuser is False
    assert f"Created user {GIVEN_EMAIL} with id {user.id}" in given.stdout


def test_given_password_is_never_printed(
    given: subprocess.CompletedProcess[str],
) -> None:
    assert GIVEN_PASSWORD not in given.stdout + given.stderr


# Listing


def test_list_prints_every_user(
    listed: subprocess.CompletedProcess[str],
) -> None:
    lines = listed.stdout.splitlines()

    assert listed.returncode == 0, listed.stderr
    assert [line.split()[1:] for line in lines] == [
        [GIVEN_EMAIL, "basic", "active"],
        [PROMPTED_EMAIL, "admin", "active"],
    ]


def test_list_prints_no_password_or_hash(
    listed: subprocess.CompletedProcess[str],
) -> None:
    assert PROMPTED_PASSWORD not in listed.stdout
    assert GIVEN_PASSWORD not in listed.stdout
    assert "argon2" not in listed.stdout


# Refusals


async def test_mismatched_confirmation_creates_nobody(
    cli: Cli, installation: Installation
) -> None:
    result = run(
        cli,
        installation,
        "users",
        "create",
        "mismatch@example.com",
        typed="first-long-password\nsecond-long-password\n",
    )

    assert result.returncode == 1
    assert "do not match" in result.stdout + result.stderr
    assert await stored_user(installation, "mismatch@example.com") is None


async def test_refused_password_names_the_policy_and_creates_nobody(
    cli: Cli, installation: Installation
) -> None:
    result = run(
        cli, installation, "users", "create", "short@example.com", "--password", "tiny"
    )

    assert result.returncode == 1
    assert (
        f"casedesk: Password must be at least {MIN_PASSWORD_LENGTH} characters long"
        in result.stderr
    )
    assert "tiny" not in result.stdout + result.stderr
    assert await stored_user(installation, "short@example.com") is None


def test_taken_email_is_refused(
    cli: Cli, installation: Installation, given: subprocess.CompletedProcess[str]
) -> None:
    result = run(
        cli,
        installation,
        "users",
        "create",
        GIVEN_EMAIL.upper(),
        "--password",
        "yet-another-long-password",
    )

    assert result.returncode == 1
    assert f"casedesk: A user with email {GIVEN_EMAIL} already exists" in (
        result.stderr
    )


async def test_unknown_workspace_creates_nobody(
    cli: Cli, installation: Installation
) -> None:
    workspace_id = uuid.uuid4()

    result = run(
        cli,
        installation,
        "users",
        "create",
        "lost@example.com",
        "--password",
        "a-long-enough-password",
        "--workspace",
        str(workspace_id),
    )

    assert result.returncode == 1
    assert f"casedesk: Workspace {workspace_id} does not exist" in result.stderr
    assert await stored_user(installation, "lost@example.com") is None


def test_role_without_workspace_is_refused(
    cli: Cli, installation: Installation
) -> None:
    result = run(
        cli,
        installation,
        "users",
        "create",
        "norole@example.com",
        "--password",
        "a-long-enough-password",
        "--role",
        "admin",
    )

    assert result.returncode == 1
    assert "casedesk: --role needs --workspace" in result.stderr


def test_invalid_email_is_refused_before_the_prompt(
    cli: Cli, installation: Installation
) -> None:
    result = run(cli, installation, "users", "create", "not-an-address")

    assert result.returncode == 1
    assert "casedesk: not-an-address is not a valid email address" in result.stderr
    assert "Password:" not in result.stdout
