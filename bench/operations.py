"""Each measured operation: its request, and the raw SQL that answers it."""

import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import asyncpg
import httpx

from bench.fixture import Fixture
from bench.seed import (
    FIELD_CVSS,
    FIELD_DUE_DATE,
    FIELD_VALUE_COLUMNS,
    FIELD_VENDOR_TIER,
    stored,
)
from casedesk.cases.enums import PRIORITY_CODES, SEVERITY_CODES, STATUS_CODES
from casedesk.fields.types import FieldType

REQUESTS = 200
BATCH_REQUESTS = 40
PAGE_SIZE = 50
DEEP_PAGE = 50
BATCH_SIZE = 100


CASE_LIST_COLUMNS = (
    "id, number, created_at, updated_at, summary, status, priority, severity,"
    " assignee_id, num_tasks_total, num_tasks_completed"
)
USERS_BY_ID = (
    'SELECT id, email, first_name, last_name, is_active FROM "user"'
    " WHERE id = ANY($1::uuid[])"
)
TAGS_BY_CASE = (
    "SELECT l.case_id, t.id, t.name, t.ref, t.color FROM case_tag_link l"
    " JOIN case_tag t ON t.id = l.tag_id WHERE l.case_id = ANY($1::uuid[])"
    " ORDER BY t.ref, t.id"
)
DROPDOWNS_BY_CASE = (
    "SELECT v.id, v.case_id, v.definition_id, d.ref, d.name, o.id, o.label, o.ref,"
    " o.icon_name, o.color FROM case_dropdown_value v"
    " JOIN case_dropdown d ON d.id = v.definition_id"
    " LEFT JOIN case_dropdown_option o ON o.id = v.option_id"
    " WHERE v.case_id = ANY($1::uuid[]) AND d.workspace_id = $2"
    " ORDER BY d.position, d.created_at, d.id"
)
FIELDS_OF_CASE = (
    "SELECT f.id, f.name, f.type, f.display_name, f.options, v.text_value,"
    " v.integer_value, v.numeric_value, v.timestamp_value, v.json_value,"
    " v.updated_at FROM case_field f LEFT JOIN case_field_value v"
    " ON v.field_id = f.id AND v.case_id = $2"
    " WHERE f.workspace_id = $1 ORDER BY f.created_at, f.id"
)
INSERT_EVENTS = (
    "INSERT INTO case_event (id, case_id, workspace_id, type, user_id, data,"
    " created_at) SELECT gen_random_uuid(), case_id, $1, type, $2, data::jsonb, now()"
    " FROM unnest($3::uuid[], $4::text[], $5::text[]) AS e(case_id, type, data)"
)
# The write the throughput baseline repeats: the number and the case in one
# statement (as the API does on PostgreSQL), and its event.


@dataclass
class Operation:
    """A request to time, the SQL that answers it, and what it needs."""

    name: str
    request: Callable[[int], Awaitable[httpx.Response]]
    sql: Callable[[asyncpg.Connection, int], Awaitable[Any]]
    path: str
    method: str = "get"
    params: tuple[str, ...] = ()
    requests: int = REQUESTS
    search: bool = False
    absolute_target: bool = False
    write: bool = False


# -- the operations -------------------------------------------------------------


class Bench:
    """The operations, bound to a signed-in client and a SQL connection."""

    def __init__(self, client: httpx.AsyncClient, fixture: Fixture) -> None:
        self.client = client
        self.fixture = fixture
        self.prefix = f"/workspaces/{fixture.workspace_id}"
        self.deep_cursor: str | None = None
        self.deep_key: tuple[datetime, uuid.UUID] | None = None
        self.deep_first: tuple[datetime, uuid.UUID] | None = None
        self._read_index = 0
        self._write_index = 0
        self._flip = 0

    def next_read_id(self) -> uuid.UUID:
        """A different case on each call, so every view is a first view."""
        self._read_index += 1
        return self.fixture.read_ids[self._read_index % len(self.fixture.read_ids)]

    def next_write_ids(self, count: int) -> list[uuid.UUID]:
        """`count` cases, taking turns through the sample."""
        ids = self.fixture.write_ids
        start = self._write_index
        self._write_index += count
        return [ids[(start + offset) % len(ids)] for offset in range(count)]

    def flip(self) -> int:
        """0 or 1, alternating, so every update changes something."""
        self._flip += 1
        return self._flip % 2

    async def find_deep_page(self, connection: asyncpg.Connection) -> None:
        """Walk to page DEEP_PAGE once, keeping its cursor and SQL key."""
        cursor = None
        for _ in range(DEEP_PAGE - 1):
            params: dict[str, Any] = {"limit": PAGE_SIZE}
            if cursor:
                params["cursor"] = cursor
            answer = await self.client.get(f"{self.prefix}/cases", params=params)
            answer.raise_for_status()
            cursor = answer.json()["next_cursor"]
        self.deep_cursor = cursor
        row = await connection.fetchrow(
            'SELECT created_at, id FROM "case" WHERE workspace_id = $1'
            " ORDER BY created_at DESC, id DESC OFFSET $2 LIMIT 1",
            self.fixture.workspace_id,
            (DEEP_PAGE - 1) * PAGE_SIZE - 1,
        )
        self.deep_key = (row["created_at"], row["id"])

    def operations(self) -> list[Operation]:
        """Every operation of the table, in its order."""
        f = self.fixture
        cases = f"{self.prefix}/cases"
        search = f"{cases}/search"
        tier = "tier-1"

        def listing(path: str, **params: Any) -> Callable[[int], Awaitable[Any]]:
            async def request(_: int) -> httpx.Response:
                return await self.client.get(
                    path, params={"limit": PAGE_SIZE, **params}
                )

            return request

        def page_sql(where: str, *args: Any, order: str = "created_at") -> Any:
            async def run(connection: asyncpg.Connection, _: int) -> None:
                await self._page(connection, where, args, order=order)

            return run

        status = STATUS_CODES["in_progress"]
        priority = PRIORITY_CODES["critical"]
        severity = SEVERITY_CODES["high"]
        tag_exists = (
            "EXISTS (SELECT 1 FROM case_tag_link l WHERE l.case_id = c.id"
            " AND l.tag_id = $%d)"
        )
        return [
            Operation("list, first page", listing(cases), page_sql(""), "/cases"),
            Operation(
                f"list, page {DEEP_PAGE} by cursor",
                self._deep_request,
                self._deep_sql,
                "/cases",
            ),
            Operation(
                "filter: status",
                listing(search, status="in_progress"),
                page_sql("c.status = $2", status),
                "/cases/search",
                params=("status",),
                absolute_target=True,
            ),
            Operation(
                "filter: priority",
                listing(search, priority="critical"),
                page_sql("c.priority = $2", priority),
                "/cases/search",
                params=("priority",),
                absolute_target=True,
            ),
            Operation(
                "filter: severity",
                listing(search, severity="high"),
                page_sql("c.severity = $2", severity),
                "/cases/search",
                params=("severity",),
                absolute_target=True,
            ),
            Operation(
                "filter: assignee",
                listing(search, assignee_id=str(f.assignee_id)),
                page_sql("c.assignee_id = $2", f.assignee_id),
                "/cases/search",
                params=("assignee_id",),
                absolute_target=True,
            ),
            Operation(
                "filter: tag",
                listing(search, tags=f.tag_ref),
                page_sql(tag_exists % 2, f.tag_id),
                "/cases/search",
                params=("tags",),
                absolute_target=True,
            ),
            Operation(
                "filter: created in the last 30 days",
                listing(search, start_time=_days_ago_iso(30)),
                page_sql("c.created_at >= $2", _days_ago(30)),
                "/cases/search",
                params=("start_time",),
                absolute_target=True,
            ),
            Operation(
                "filters: status + severity + tag",
                listing(search, status="in_progress", severity="high", tags=f.tag_ref),
                page_sql(
                    "c.status = $2 AND c.severity = $3 AND " + tag_exists % 4,
                    status,
                    severity,
                    f.tag_id,
                ),
                "/cases/search",
                params=("status", "severity", "tags"),
            ),
            Operation(
                f"search_term, common word ({f.common_term!r})",
                listing(search, search_term=f.common_term),
                page_sql(self._search_condition(), f"%{f.common_term}%"),
                "/cases/search",
                params=("search_term",),
                search=True,
            ),
            Operation(
                f"search_term, rare word ({f.rare_term!r})",
                listing(search, search_term=f.rare_term),
                page_sql(self._search_condition(), f"%{f.rare_term}%"),
                "/cases/search",
                params=("search_term",),
                search=True,
            ),
            Operation(
                f"custom field: {FIELD_VENDOR_TIER} = {tier}, sorted by {FIELD_CVSS}",
                listing(
                    search,
                    **{
                        f"fields.{FIELD_VENDOR_TIER}": tier,
                        "order_by": f"fields.{FIELD_CVSS}",
                    },
                ),
                self._custom_field_sql(tier),
                "/cases/search",
                absolute_target=True,
            ),
            Operation(
                "aggregate (per-status counts)",
                self._get(f"{search}/aggregate"),
                self._aggregate_sql,
                "/cases/search/aggregate",
            ),
            Operation(
                "metrics",
                self._get(f"{cases}/metrics"),
                self._metrics_sql,
                "/cases/metrics",
            ),
            Operation(
                "get one case (records a view)",
                self._get_case_request,
                self._get_case_sql,
                "/cases/{case_id}",
            ),
            Operation(
                "create (with assignee, 3 fields)",
                self._create_request,
                self._create_sql,
                "/cases",
                method="post",
                write=True,
            ),
            Operation(
                "update (status + priority)",
                self._update_request,
                self._update_sql,
                "/cases/{case_id}",
                method="patch",
                write=True,
            ),
            Operation(
                f"batch update of {BATCH_SIZE}",
                self._batch_request,
                self._batch_sql,
                "/cases/batch-update",
                method="post",
                requests=BATCH_REQUESTS,
                write=True,
            ),
        ]

    # Reads.

    async def _page(
        self,
        connection: asyncpg.Connection,
        where: str,
        args: tuple[Any, ...],
        *,
        order: str = "created_at",
        after: tuple[datetime, uuid.UUID] | None = None,
    ) -> None:
        """A keyset page, its neighbour check, the exact count, hydration."""
        condition = "c.workspace_id = $1" + (f" AND {where}" if where else "")
        bind = [self.fixture.workspace_id, *args]
        keyset = ""
        if after is not None:
            keyset = f" AND (c.{order}, c.id) < (${len(bind) + 1}, ${len(bind) + 2})"
        rows = await connection.fetch(
            f'SELECT {CASE_LIST_COLUMNS} FROM "case" c WHERE {condition}{keyset}'
            f" ORDER BY c.{order} DESC, c.id DESC LIMIT {PAGE_SIZE + 1}",
            *bind,
            *(after or ()),
        )
        if after is not None and rows:
            first = rows[0]
            await connection.fetchval(
                f'SELECT c.id FROM "case" c WHERE {condition}'
                f" AND (c.{order}, c.id) > (${len(bind) + 1}, ${len(bind) + 2})"
                " LIMIT 1",
                *bind,
                first[order],
                first["id"],
            )
        await connection.fetchval(
            f'SELECT count(*) FROM "case" c WHERE {condition}', *bind
        )
        await self._hydrate(connection, rows[:PAGE_SIZE])

    async def _hydrate(
        self, connection: asyncpg.Connection, rows: list[asyncpg.Record]
    ) -> None:
        case_ids = [row["id"] for row in rows]
        assignees = list({row["assignee_id"] for row in rows if row["assignee_id"]})
        if assignees:
            await connection.fetch(USERS_BY_ID, assignees)
        if case_ids:
            await connection.fetch(TAGS_BY_CASE, case_ids)
            await connection.fetch(
                DROPDOWNS_BY_CASE, case_ids, self.fixture.workspace_id
            )

    async def _deep_request(self, _: int) -> httpx.Response:
        return await self.client.get(
            f"{self.prefix}/cases",
            params={"limit": PAGE_SIZE, "cursor": self.deep_cursor},
        )

    async def _deep_sql(self, connection: asyncpg.Connection, _: int) -> None:
        await self._page(connection, "", (), after=self.deep_key)

    def _custom_field_sql(self, tier: str) -> Any:
        fields = self.fixture.field_ids

        async def run(connection: asyncpg.Connection, _: int) -> None:
            base = (
                'FROM "case" c JOIN case_field_value t ON t.case_id = c.id'
                " AND t.field_id = $2 AND t.text_key = $3"
                " LEFT JOIN case_field_value s ON s.case_id = c.id AND s.field_id = $4"
                " WHERE c.workspace_id = $1"
            )
            bind = (
                self.fixture.workspace_id,
                fields[FIELD_VENDOR_TIER],
                tier,
                fields[FIELD_CVSS],
            )
            rows = await connection.fetch(
                "SELECT c.id, c.number, c.created_at, c.updated_at, c.summary,"
                " c.status, c.priority, c.severity, c.assignee_id,"
                f" c.num_tasks_total, c.num_tasks_completed, s.numeric_value {base}"
                " ORDER BY s.numeric_value DESC NULLS LAST, c.id DESC"
                f" LIMIT {PAGE_SIZE + 1}",
                *bind,
            )
            await connection.fetchval(
                'SELECT count(*) FROM "case" c JOIN case_field_value t'
                " ON t.case_id = c.id AND t.field_id = $2 AND t.text_key = $3"
                " WHERE c.workspace_id = $1",
                *bind[:3],
            )
            await self._hydrate(connection, rows[:PAGE_SIZE])

        return run

    def _search_condition(self) -> str:
        """Summary or description contains $2 (a `%term%` pattern).

        With migration 0005's accent-folding function, the expressions its
        trigram indexes cover; plain ILIKE without it. Terms of letters only
        never match the `CASE-NNNN` text, so it is left out, as the API does.
        """
        if self.fixture.has_unaccent:
            return (
                "(casedesk_unaccent(c.summary) ILIKE casedesk_unaccent($2)"
                " OR casedesk_unaccent(c.description) ILIKE casedesk_unaccent($2))"
            )
        return "(c.summary ILIKE $2 OR c.description ILIKE $2)"

    async def _aggregate_sql(self, connection: asyncpg.Connection, _: int) -> None:
        await connection.fetch(
            'SELECT status, count(*) FROM "case" WHERE workspace_id = $1'
            " GROUP BY status",
            self.fixture.workspace_id,
        )

    async def _metrics_sql(self, connection: asyncpg.Connection, _: int) -> None:
        # XXX(bench): the metrics endpoint was being written with this bench;
        # this baseline (counts by status, priority and severity) is a guess
        # at what it reads, to be matched to its queries once it lands.
        await connection.fetch(
            'SELECT status, priority, severity, count(*) FROM "case"'
            " WHERE workspace_id = $1 GROUP BY status, priority, severity",
            self.fixture.workspace_id,
        )

    def _get(self, path: str) -> Callable[[int], Awaitable[httpx.Response]]:
        async def request(_: int) -> httpx.Response:
            return await self.client.get(path)

        return request

    async def _get_case_request(self, _: int) -> httpx.Response:
        return await self.client.get(f"{self.prefix}/cases/{self.next_read_id()}")

    async def _get_case_sql(self, connection: asyncpg.Connection, _: int) -> None:
        case_id = self.next_read_id()
        w = self.fixture.workspace_id
        async with connection.transaction():
            case = await connection.fetchrow(
                'SELECT * FROM "case" WHERE id = $1 AND workspace_id = $2', case_id, w
            )
            seen = await connection.fetchval(
                "SELECT seq FROM case_event WHERE case_id = $1 AND type = 'case_viewed'"
                " AND user_id = $2 AND created_at > now() - interval '5 minutes'"
                " LIMIT 1",
                case_id,
                self.fixture.admin_id,
            )
            if seen is None:
                await connection.execute(
                    INSERT_EVENTS,
                    w,
                    self.fixture.admin_id,
                    [case_id],
                    ["case_viewed"],
                    ["{}"],
                )
            if case["assignee_id"] is not None:
                await connection.fetch(USERS_BY_ID, [case["assignee_id"]])
            await connection.fetch(TAGS_BY_CASE, [case_id])
            await connection.fetch(DROPDOWNS_BY_CASE, [case_id], w)
            await connection.fetch(FIELDS_OF_CASE, w, case_id)

    # Writes.

    def _create_body(self, index: int) -> dict[str, Any]:
        return {
            "summary": f"CVE-2024-3400: PAN-OS command injection on bench-{index}",
            "description": (
                "A command injection vulnerability in the GlobalProtect feature of "
                "PAN-OS may enable an unauthenticated attacker to execute arbitrary "
                "code with root privileges on the firewall.\n\nRequired action: "
                "apply mitigations per vendor instructions."
            ),
            "status": "new",
            "priority": "high",
            "severity": "critical",
            "assignee_id": str(self.fixture.assignee_id),
            "fields": {
                FIELD_CVSS: "10.0",
                FIELD_DUE_DATE: "2026-12-31",
                FIELD_VENDOR_TIER: "tier-1",
            },
        }

    async def _create_request(self, index: int) -> httpx.Response:
        return await self.client.post(
            f"{self.prefix}/cases", json=self._create_body(index)
        )

    async def _create_sql(self, connection: asyncpg.Connection, index: int) -> None:
        body = self._create_body(index)
        w = self.fixture.workspace_id
        fields = self.fixture.field_ids
        due, tier = body["fields"][FIELD_DUE_DATE], body["fields"][FIELD_VENDOR_TIER]
        now = datetime.now(UTC)
        async with connection.transaction():
            await connection.fetch(
                "SELECT * FROM case_field WHERE workspace_id = $1"
                " ORDER BY created_at, id",
                w,
            )
            await connection.fetchval(
                'SELECT u.is_active FROM "user" u JOIN membership m'
                " ON m.user_id = u.id WHERE u.id = $1 AND m.workspace_id = $2",
                self.fixture.assignee_id,
                w,
            )
            case_id = uuid.uuid4()
            await connection.fetchval(
                "WITH counter AS (UPDATE workspace SET case_counter = case_counter + 1"
                " WHERE id = $1 RETURNING case_counter)"
                ' INSERT INTO "case" (id, workspace_id, number, summary, description,'
                " status, priority, severity, assignee_id, num_tasks_total,"
                " num_tasks_completed, created_at, updated_at)"
                " SELECT $2, $1, case_counter, $3, $4, 1, 3, 5, $5, 0, 0, now(), now()"
                " FROM counter RETURNING number",
                w,
                case_id,
                body["summary"],
                body["description"],
                self.fixture.assignee_id,
            )
            await connection.copy_records_to_table(
                "case_field_value",
                records=[
                    (case_id, fields[name], *stored(field_type, value), now)
                    for name, field_type, value in (
                        (FIELD_CVSS, FieldType.NUMERIC, "10.0"),
                        (FIELD_DUE_DATE, FieldType.DATE, due),
                        (FIELD_VENDOR_TIER, FieldType.SELECT, tier),
                    )
                ],
                columns=FIELD_VALUE_COLUMNS,
            )
            await connection.execute(
                "INSERT INTO case_text_version (id, case_id, field, version, text,"
                " user_id, created_at) VALUES (gen_random_uuid(), $1, 'summary', 1,"
                " $2, $4, now()), (gen_random_uuid(), $1, 'description', 1, $3, $4,"
                " now())",
                case_id,
                body["summary"],
                body["description"],
                self.fixture.admin_id,
            )
            await connection.execute(
                INSERT_EVENTS,
                w,
                self.fixture.admin_id,
                [case_id],
                ["case_created"],
                ["{}"],
            )

    def _update_body(self) -> dict[str, str]:
        if self.flip():
            return {"status": "in_progress", "priority": "high"}
        return {"status": "on_hold", "priority": "medium"}

    async def _update_request(self, _: int) -> httpx.Response:
        (case_id,) = self.next_write_ids(1)
        return await self.client.patch(
            f"{self.prefix}/cases/{case_id}", json=self._update_body()
        )

    async def _update_sql(self, connection: asyncpg.Connection, _: int) -> None:
        (case_id,) = self.next_write_ids(1)
        body = self._update_body()
        w = self.fixture.workspace_id
        status = STATUS_CODES[body["status"]]
        priority = PRIORITY_CODES[body["priority"]]
        async with connection.transaction():
            await connection.fetchrow(
                'SELECT * FROM "case" WHERE id = $1 AND workspace_id = $2 FOR UPDATE',
                case_id,
                w,
            )
            await connection.execute(
                'UPDATE "case" SET status = $2, priority = $3, updated_at = now()'
                " WHERE id = $1",
                case_id,
                status,
                priority,
            )
            await connection.execute(
                INSERT_EVENTS,
                w,
                self.fixture.admin_id,
                [case_id, case_id],
                ["status_changed", "priority_changed"],
                ['{"old": "x", "new": "y"}'] * 2,
            )

    async def _batch_request(self, _: int) -> httpx.Response:
        status = "in_progress" if self.flip() else "on_hold"
        return await self.client.post(
            f"{self.prefix}/cases/batch-update",
            json={
                "case_ids": [str(case_id) for case_id in self.next_write_ids(100)],
                "update": {"status": status},
            },
        )

    async def _batch_sql(self, connection: asyncpg.Connection, _: int) -> None:
        ids = self.next_write_ids(BATCH_SIZE)
        status = STATUS_CODES["in_progress" if self.flip() else "on_hold"]
        w = self.fixture.workspace_id
        async with connection.transaction():
            found = await connection.fetch(
                'SELECT id, status FROM "case" WHERE workspace_id = $1'
                " AND id = ANY($2::uuid[]) FOR UPDATE",
                w,
                ids,
            )
            changed = [row["id"] for row in found if row["status"] != status]
            await connection.execute(
                'UPDATE "case" SET status = $2, updated_at = now()'
                " WHERE id = ANY($1::uuid[])",
                changed,
                status,
            )
            await connection.execute(
                INSERT_EVENTS,
                w,
                self.fixture.admin_id,
                changed,
                ["status_changed"] * len(changed),
                ['{"old": "x", "new": "y"}'] * len(changed),
            )


def _days_ago(days: int) -> datetime:
    return datetime.now(UTC).replace(microsecond=0) - timedelta(days=days)


def _days_ago_iso(days: int) -> str:
    return _days_ago(days).isoformat()
