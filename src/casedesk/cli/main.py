"""`casedesk`: serve the API, migrate the database, import data."""

import asyncio
import socket
import uuid
from pathlib import Path
from typing import Annotated

import typer
import uvicorn
from pydantic import ValidationError
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn
from sqlalchemy.ext.asyncio import AsyncSession

from casedesk.auth.bootstrap import FirstAdmin, ensure_first_admin
from casedesk.cli import keys as keys_cli
from casedesk.cli import users as users_cli
from casedesk.cli.runtime import (
    cli_session,
    console,
    errors,
    fail,
    require_current_schema,
    safe_url,
)
from casedesk.config import Settings, get_settings
from casedesk.db.migrate import upgrade_to_head
from casedesk.errors import CasedeskError
from casedesk.importers import kev
from casedesk.logging import configure_logging
from casedesk.workspaces.service import WorkspaceService

WORKER_STARTUP_SECONDS = 60

app = typer.Typer(help="casedesk: case management for security teams.")
import_app = typer.Typer(help="Import external records as cases.")
app.add_typer(import_app, name="import")
app.add_typer(users_cli.app, name="users")
app.add_typer(keys_cli.app, name="keys")


@app.callback()
def main() -> None:
    """Configure logging once for every command."""
    try:
        settings = get_settings()
    except ValidationError as error:
        fail(f"invalid CASEDESK_* configuration:\n{error}")
    configure_logging(log_format=settings.log_format, level=settings.log_level)


@app.command()
def migrate() -> None:
    """Apply every pending database migration."""
    settings = get_settings()
    if settings.database_url is None:
        settings.data_dir.mkdir(parents=True, exist_ok=True)
    upgrade_to_head(settings.resolved_database_url)
    console.print(f"Database is up to date: {safe_url(settings)}")


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    workers: Annotated[
        int, typer.Option(help="Worker processes (PostgreSQL only).", min=1)
    ] = 1,
    import_kev: Annotated[
        Path | None,
        typer.Option(
            help="On the first start only (the one that creates the first "
            "admin), import this KEV catalog into the new workspace."
        ),
    ] = None,
) -> None:
    """Serve the API and the web interface; sets up an empty database first."""
    settings = get_settings()
    if settings.is_sqlite and workers > 1:
        fail("SQLite has one writer: run a single worker, or use PostgreSQL.")
    require_current_schema(settings)
    # Before the first admin is created: its one-time password must not be
    # printed by a server that then fails to listen.
    _require_free_port(host, port)

    settings.secret_value()
    first_admin = asyncio.run(_bootstrap(settings))
    if first_admin is not None and import_kev is not None:
        _import_on_first_start(settings, import_kev)
    _announce(settings, host, port, first_admin)
    uvicorn.run(
        "casedesk.app:create_served_app",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        log_config=None,
        access_log=False,
        proxy_headers=False,
        # Workers import the whole application before answering the
        # supervisor; on a busy two-core host that exceeds the default 5 s.
        timeout_worker_healthcheck=WORKER_STARTUP_SECONDS,
    )


def _require_free_port(host: str, port: int) -> None:
    """Stop with a message when the address is already taken."""
    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as error:
            fail(
                f"Cannot listen on {host}:{port}: {error.strerror}. "
                "Choose another with --port (make run PORT=...)."
            )


@import_app.command("cisa-kev")
def import_cisa_kev(
    path: Annotated[Path, typer.Argument(help="known_exploited_vulnerabilities.json")],
    workspace: Annotated[
        uuid.UUID | None,
        typer.Option(help="Workspace to import into; default: the first one."),
    ] = None,
) -> None:
    """Import the CISA KEV catalog, one case per CVE; re-runs add nothing."""
    settings = get_settings()
    try:
        records = kev.load_catalog(path)
        require_current_schema(settings)
        summary = asyncio.run(_import_kev(settings, records, workspace))
    except CasedeskError as error:
        fail(error.message)

    for index, reason in summary.skipped:
        errors.print(f"Skipped record {index}: {reason}")
    if summary.created == 0 and not summary.skipped:
        console.print(
            f"Nothing to import: all {summary.already_present} records are "
            "already cases."
        )
        return
    console.print(
        f"Imported {summary.created} new cases from {summary.total} records; "
        f"{summary.already_present} were already present, "
        f"{len(summary.skipped)} skipped."
    )


def _import_on_first_start(settings: Settings, path: Path) -> None:
    """Fill a brand-new installation with the KEV catalog, so there is work.

    A catalog that cannot be read is reported and the server starts anyway:
    the import is a convenience, not a condition of serving.
    """
    try:
        records = kev.load_catalog(path)
        summary = asyncio.run(_import_kev(settings, records, None))
    except CasedeskError as error:
        errors.print(f"Skipped the KEV import: {error.message}")
        return

    console.print(
        f"Imported {summary.created} KEV cases into the first workspace "
        f"({len(summary.skipped)} records skipped)."
    )


async def _import_kev(
    settings: Settings, records: list[object], workspace_id: uuid.UUID | None
) -> kev.ImportSummary:
    async with cli_session(settings) as session:
        workspace = await _target_workspace(session, workspace_id)
        with Progress(
            TextColumn("Importing KEV"),
            BarColumn(),
            MofNCompleteColumn(),
            console=console,
        ) as progress:
            task = progress.add_task("import", total=len(records))
            return await kev.import_catalog(
                session,
                workspace_id=workspace,
                records=list(records),
                on_progress=lambda: progress.advance(task),
            )


async def _target_workspace(
    session: AsyncSession, workspace_id: uuid.UUID | None
) -> uuid.UUID:
    workspaces = WorkspaceService(session)
    if workspace_id is not None:
        if await workspaces.get(workspace_id) is None:
            raise CasedeskError(f"Workspace {workspace_id} does not exist")
        return workspace_id

    first = await workspaces.first_workspace_id()
    if first is None:
        raise CasedeskError("No workspace exists yet: run `casedesk serve` once first")
    return first


async def _bootstrap(settings: Settings) -> FirstAdmin | None:
    async with cli_session(settings) as session:
        try:
            return await ensure_first_admin(session, settings)
        except CasedeskError as error:
            fail(error.message)


def _announce(
    settings: Settings, host: str, port: int, admin: FirstAdmin | None
) -> None:
    base = f"http://{host}:{port}"
    console.print(f"casedesk is serving on {base} ({safe_url(settings)})")
    console.print(f"Open {base}/ in a browser and sign in")
    console.print(
        f"API: POST {base}/auth/login with form fields username and password, "
        f"or explore it at {base}/docs"
    )
    if admin is None:
        return
    console.print(f"Created the first admin: {admin.email}")
    if admin.generated_password is not None:
        console.print(
            f"Its generated password, shown only now: {admin.generated_password}"
        )
