"""Every search filter is served by an index on PostgreSQL at 100,000 cases.

The searches run through the API while their SQL is captured; each captured
statement reading `case` is then explained with its own parameters, and no
plan may read the case table sequentially. Correctness, not timing.
"""

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fastapi import FastAPI
from sqlalchemy import event, text

from tests.factories import Principal, create_user, create_workspace

pytestmark = pytest.mark.postgres_only

CASES = 100_000
SEED_SQL = """
INSERT INTO "case" (
    id, workspace_id, number, summary, description, status, priority, severity,
    assignee_id, num_tasks_total, num_tasks_completed, created_at, updated_at
)
SELECT
    gen_random_uuid(), :workspace_id, g,
    CASE WHEN g % 1000 = 0 THEN 'Zanzibar beacon ' || g ELSE 'Routine alert ' || g END,
    'Details of alert ' || g,
    CASE WHEN g % 100 = 0 THEN 1 ELSE 5 END,
    CASE WHEN g % 100 = 1 THEN 4 ELSE 1 END,
    CASE WHEN g % 100 = 2 THEN 6 ELSE 2 END,
    CASE WHEN g % 100 = 3 THEN NULL WHEN g % 100 = 4 THEN CAST(:analyst AS uuid)
        ELSE CAST(:owner AS uuid) END,
    0, 0,
    CAST(:start AS timestamptz) - g * interval '1 minute',
    CAST(:start AS timestamptz) - g * interval '1 minute'
FROM generate_series(1, CAST(:count AS integer)) AS g
"""


@contextmanager
def captured_statements(app: FastAPI) -> Iterator[list[tuple[str, Any]]]:
    """The SQL statements and parameters the app sends meanwhile."""
    statements: list[tuple[str, Any]] = []

    def capture(
        conn: Any, cursor: Any, statement: str, parameters: Any, *args: Any
    ) -> None:
        statements.append((statement, parameters))

    engine = app.state.engine.sync_engine
    event.listen(engine, "before_cursor_execute", capture)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", capture)


async def explain(app: FastAPI, statement: str, parameters: Any) -> str:
    async with app.state.engine.connect() as connection:
        raw = await connection.get_raw_connection()
        rows = await raw.driver_connection.fetch(
            f"EXPLAIN {statement}", *(parameters or ())
        )
    return "\n".join(row[0] for row in rows)


def reads_cases(statement: str) -> bool:
    return 'FROM "case"' in statement or 'JOIN "case"' in statement


class World:
    """A workspace of 100,000 cases and the ids its filters name."""

    workspace: uuid.UUID
    analyst: uuid.UUID
    start: datetime
    tag_refs: list[str]
    dropdown: str


@pytest.fixture
async def world(app: FastAPI, admin: Principal) -> World:
    client = admin.client
    found = World()
    found.workspace = await create_workspace(app, "Big", owner_id=admin.user_id)
    found.analyst = await create_user(
        app, f"analyst-{uuid.uuid4().hex[:8]}@example.com", workspace_id=found.workspace
    )
    found.start = datetime(2026, 1, 1, tzinfo=UTC)
    prefix = f"/workspaces/{found.workspace}"

    tags = []
    for name in ("Rare one", "Rare two"):
        response = await client.post(f"{prefix}/case-tags", json={"name": name})
        assert response.status_code == 201, response.text
        tags.append(response.json())
    found.tag_refs = [tag["ref"] for tag in tags]
    response = await client.post(
        f"{prefix}/case-dropdowns",
        json={
            "name": "Verdict",
            "ref": "verdict",
            "options": [{"label": "Benign", "ref": "benign"}],
        },
    )
    assert response.status_code == 201, response.text
    dropdown = response.json()
    response = await client.post(
        f"{prefix}/case-fields", json={"name": "score", "type": "INTEGER"}
    )
    assert response.status_code == 201, response.text

    async with app.state.engine.begin() as connection:
        await connection.execute(
            text(SEED_SQL),
            {
                "workspace_id": found.workspace,
                "analyst": found.analyst,
                "owner": admin.user_id,
                "start": found.start,
                "count": CASES,
            },
        )
        # The rows below are checked against "case" by their foreign keys;
        # planned with the table's stats from before the seed, each check
        # can read every case, which makes the inserts take minutes.
        await connection.execute(text('ANALYZE "case"'))
        scope = 'FROM "case" WHERE workspace_id = :workspace_id'
        for index, tag in enumerate(tags):
            await connection.execute(
                text(
                    "INSERT INTO case_tag_link (case_id, tag_id, created_at) "
                    f"SELECT id, :tag_id, now() {scope} AND number % 1000 = :rest"
                ),
                {
                    "workspace_id": found.workspace,
                    "tag_id": uuid.UUID(tag["id"]),
                    "rest": index,
                },
            )
        await connection.execute(
            text(
                "INSERT INTO case_dropdown_value (id, case_id, definition_id, "
                "option_id, created_at, updated_at) SELECT gen_random_uuid(), id, "
                f":definition, :option, now(), now() {scope} AND number % 200 = 7"
            ),
            {
                "workspace_id": found.workspace,
                "definition": uuid.UUID(dropdown["id"]),
                "option": uuid.UUID(dropdown["options"][0]["id"]),
            },
        )
        await connection.execute(
            text(
                "INSERT INTO case_field_value (case_id, field_id, integer_value, "
                "updated_at) SELECT id, (SELECT id FROM case_field WHERE "
                f"workspace_id = :workspace_id), number, now() {scope}"
            ),
            {"workspace_id": found.workspace},
        )
    async with app.state.engine.connect() as connection:
        raw = await connection.get_raw_connection()
        for table in ("case", "case_tag_link", "case_dropdown_value"):
            await raw.driver_connection.execute(f'VACUUM ANALYZE "{table}"')
        await raw.driver_connection.execute("VACUUM ANALYZE case_field_value")
    return found


def filters(world: World) -> dict[str, dict[str, Any]]:
    window = world.start - timedelta(minutes=5000)
    bounds = [window.isoformat(), (window + timedelta(minutes=30)).isoformat()]
    return {
        "search_term": {"search_term": "zanzibar"},
        "search_term_short_id": {"search_term": "CASE-04242"},
        "short_id": {"short_id": "CASE-4242"},
        "status": {"status": "new"},
        "priority": {"priority": "critical"},
        "severity": {"severity": "fatal"},
        "tags_any": {"tags": world.tag_refs},
        "tags_all": {"tags": world.tag_refs, "tags_match": "all"},
        "dropdown": {"dropdown": "verdict:benign"},
        "created": {"start_time": bounds[0], "end_time": bounds[1]},
        "updated": {"updated_after": bounds[0], "updated_before": bounds[1]},
        "assignee": {"assignee_id": str(world.analyst)},
        "unassigned": {"assignee_id": "unassigned"},
        "field_equals": {"fields.score": "4242"},
        "field_range": {"fields.score__gte": "99950"},
        "field_bounds": {"fields.score__gte": "500", "fields.score__lte": "550"},
    }


async def test_no_filter_reads_the_case_table_sequentially(
    app: FastAPI, admin: Principal, world: World
) -> None:
    client = admin.client
    prefix = f"/workspaces/{world.workspace}/cases"
    plans: dict[str, list[str]] = {}
    totals: dict[str, int] = {}

    for name, params in filters(world).items():
        # The aggregate takes every filter but short_id.
        paths = ["/search"] if name == "short_id" else ["/search", "/search/aggregate"]
        for path in paths:
            with captured_statements(app) as statements:
                response = await client.get(prefix + path, params=params)
            assert response.status_code == 200, (name, response.text)
            body = response.json()
            totals[f"{name}{path}"] = body.get("total_estimate", body.get("total"))
            for statement, parameters in statements:
                if reads_cases(statement):
                    plan = await explain(app, statement, parameters)
                    plans.setdefault(name, []).append(plan)

    scanned = {
        name: plan
        for name, found in plans.items()
        for plan in found
        if 'Seq Scan on "case"' in plan or "Seq Scan on case " in plan
    }
    assert sorted(scanned) == [], "\n\n".join(scanned.values())
    assert set(plans) == set(filters(world))
    assert totals["status/search"] == totals["status/search/aggregate"] == 1000
    assert totals["search_term/search"] == 100
    assert totals["short_id/search"] == 1
    assert totals["tags_any/search"] == 200
    assert totals["tags_all/search"] == 0
    assert totals["created/search"] == 31
    assert totals["field_range/search"] == 51
    assert totals["field_bounds/search"] == 51
    assert totals["search_term_short_id/search"] == 0
    assert totals["priority/search"] == 1000
    assert totals["severity/search"] == 1000
    assert totals["dropdown/search"] == 500
    assert totals["updated/search"] == 31
    assert totals["assignee/search"] == 1000
    assert totals["unassigned/search"] == 1000
    assert totals["field_equals/search"] == 1
    # Every filter the aggregate takes counts what the search counts.
    assert [
        name
        for name in filters(world)
        if name != "short_id"
        and totals[f"{name}/search"] != totals[f"{name}/search/aggregate"]
    ] == []
