"""The seeded data a bench run uses, and putting it back afterwards."""

import random
import uuid
from dataclasses import dataclass

import asyncpg

from bench.seed import BENCH_ADMIN_EMAIL, read_marker


@dataclass
class Fixture:
    """Ids and values of the seeded data the operations use."""

    workspace_id: uuid.UUID
    seeded_counts: dict[str, int]
    admin_id: uuid.UUID
    assignee_id: uuid.UUID
    tag_id: uuid.UUID
    tag_ref: str
    field_ids: dict[str, uuid.UUID]
    common_term: str
    rare_term: str
    read_ids: list[uuid.UUID]
    write_ids: list[uuid.UUID]
    has_unaccent: bool


async def load_fixture(connection: asyncpg.Connection) -> Fixture:
    """What the operations need from the seed, read once."""
    marker = await read_marker(connection)
    if marker is None:
        raise SystemExit("The bench database is not seeded: run bench.seed first.")
    workspace_id = uuid.UUID(marker["target_workspace"])
    admin_id = await connection.fetchval(
        'SELECT id FROM "user" WHERE email = $1', BENCH_ADMIN_EMAIL
    )
    assignee_id = await connection.fetchval(
        'SELECT assignee_id FROM "case" WHERE workspace_id = $1'
        " AND assignee_id IS NOT NULL LIMIT 1",
        workspace_id,
    )
    tag = await connection.fetchrow(
        "SELECT id, ref FROM case_tag WHERE workspace_id = $1 AND ref = 'ransomware'",
        workspace_id,
    )
    field_rows = await connection.fetch(
        "SELECT name, id FROM case_field WHERE workspace_id = $1", workspace_id
    )
    sample = [
        row["id"]
        for row in await connection.fetch(
            'SELECT id FROM "case" TABLESAMPLE SYSTEM (5) WHERE workspace_id = $1'
            " LIMIT 5000",
            workspace_id,
        )
    ]
    random.Random(7).shuffle(sample)
    half = len(sample) // 2
    return Fixture(
        workspace_id=workspace_id,
        seeded_counts=marker["workspaces"],
        admin_id=admin_id,
        assignee_id=assignee_id,
        tag_id=tag["id"],
        tag_ref=tag["ref"],
        field_ids={row["name"]: row["id"] for row in field_rows},
        common_term=marker["common_term"],
        rare_term=marker["rare_term"],
        read_ids=sample[:half],
        write_ids=sample[half:],
        has_unaccent=await connection.fetchval(
            "SELECT to_regproc('casedesk_unaccent') IS NOT NULL"
        ),
    )


async def restore_seed(connection: asyncpg.Connection, fixture: Fixture) -> None:
    """Delete the cases the run created; counters back to the seeded values."""
    for workspace_id, count in fixture.seeded_counts.items():
        await connection.execute(
            'DELETE FROM "case" WHERE workspace_id = $1 AND number > $2',
            uuid.UUID(workspace_id),
            count,
        )
        await connection.execute(
            "UPDATE workspace SET case_counter = $2 WHERE id = $1",
            uuid.UUID(workspace_id),
            count,
        )
