"""The bench seeder writes data the API reads like its own."""

import asyncio
import os
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import asyncpg
import httpx
import pytest
from bench.seed import (
    BENCH_ADMIN_EMAIL,
    BENCH_ADMIN_PASSWORD,
    FIELD_CVSS,
    WORKSPACE_COUNT,
    asyncpg_dsn,
    seed,
)
from pydantic import SecretStr
from sqlalchemy.engine import make_url

from casedesk.app import create_app
from casedesk.config import Settings
from casedesk.db.migrate import upgrade_to_head
from tests.factories import kev_catalog

pytestmark = pytest.mark.postgres_only

POSTGRES_URL = os.environ.get(
    "CASEDESK_TEST_POSTGRES_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/test"
)
SEEDED_CASES = 2_000


@pytest.fixture(scope="module")
async def bench_database() -> AsyncIterator[str]:
    """A migrated throwaway database, dropped afterwards."""
    maintenance = make_url(POSTGRES_URL).set(database="postgres")
    try:
        admin = await asyncpg.connect(
            asyncpg_dsn(maintenance.render_as_string(False)), timeout=5
        )
    except (OSError, asyncpg.PostgresError) as error:
        pytest.skip(f"PostgreSQL not reachable: {error}")

    name = f"casedesk_bench_test_{uuid.uuid4().hex[:12]}"
    await admin.execute(f'CREATE DATABASE "{name}"')
    url = make_url(POSTGRES_URL).set(database=name).render_as_string(False)
    try:
        await asyncio.to_thread(upgrade_to_head, url)
        yield url
    finally:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.close()


async def test_the_api_reads_what_was_seeded(
    bench_database: str, tmp_path: Path
) -> None:
    kev_catalog()  # the seeder draws its texts from it
    marker = await seed(bench_database, SEEDED_CASES)
    target = marker["target_workspace"]
    connection = await asyncpg.connect(asyncpg_dsn(bench_database))
    try:
        sample = await connection.fetchrow(
            'SELECT c.id, c.number, v.text_value AS cvss, t.ref AS tag FROM "case" c'
            " JOIN case_field_value v ON v.case_id = c.id"
            " JOIN case_field f ON f.id = v.field_id AND f.name = $2"
            " JOIN case_tag_link l ON l.case_id = c.id"
            " JOIN case_tag t ON t.id = l.tag_id"
            " WHERE c.workspace_id = $1 ORDER BY c.number LIMIT 1",
            uuid.UUID(target),
            FIELD_CVSS,
        )
        again = await seed(bench_database, SEEDED_CASES)
    finally:
        await connection.close()

    settings = Settings(
        data_dir=tmp_path,
        database_url=bench_database,
        secret=SecretStr("bench-test-secret"),
    )
    app = create_app(settings)
    transport = httpx.ASGITransport(app=app)
    try:
        async with httpx.AsyncClient(
            transport=transport, base_url="http://testserver"
        ) as client:
            login = await client.post(
                "/auth/login",
                data={"username": BENCH_ADMIN_EMAIL, "password": BENCH_ADMIN_PASSWORD},
            )
            listed = await client.get(f"/workspaces/{target}/cases?limit=5")
            case = await client.get(f"/workspaces/{target}/cases/{sample['id']}")
            events = await client.get(
                f"/workspaces/{target}/cases/{sample['id']}/events"
            )
            workspaces = await client.get("/workspaces")
    finally:
        await app.state.engine.dispose()

    assert again == marker
    assert sum(marker["workspaces"].values()) == SEEDED_CASES
    assert login.status_code == 204
    assert listed.status_code == 200
    assert listed.json()["total_estimate"] == marker["workspaces"][target]
    assert len(listed.json()["items"]) == 5
    assert case.status_code == 200
    body = case.json()
    assert body["short_id"] == f"CASE-{sample['number']:04d}"
    fields = {entry["id"]: entry["value"] for entry in body["fields"]}
    assert fields[FIELD_CVSS] == sample["cvss"]
    assert sample["tag"] in {tag["ref"] for tag in body["tags"]}
    assert [event["type"] for event in events.json()["events"]][-1] == "case_created"
    assert len(workspaces.json()) >= WORKSPACE_COUNT
