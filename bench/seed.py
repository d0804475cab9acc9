"""Fill a PostgreSQL database with realistic cases, fast, for the benchmark.

The rows are the ones the API itself writes for a case created with an
assignee, custom field values and tags: the case (numbered per workspace, the
workspace's counter equal to its highest number), version 1 of its summary and
description, one `case_created` event, its field values and tag links. Texts
come from the CISA KEV catalog, combined with host names so that one million
cases do not repeat each other. Cases and their values are sent with binary
`COPY`; events and text versions are derived from the cases inside the
database; secondary indexes are dropped during the load and rebuilt after it.

    python -m bench.seed --cases 1000000 [--database-url URL] [--force]

The bench admin's `settings` hold a marker describing what was seeded, so that
a second run with the same size does nothing.
"""

import argparse
import asyncio
import functools
import json
import logging
import os
import random
import time
import uuid
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import asyncpg

from casedesk.auth.passwords import password_helper
from casedesk.cases.enums import PRIORITY_CODES, SEVERITY_CODES, STATUS_CODES
from casedesk.fields.types import FieldType
from casedesk.fields.values import VALUE_COLUMNS, stored_columns
from casedesk.models import Base
from casedesk.models.case import DESCRIPTION_MAX_LENGTH, SUMMARY_MAX_LENGTH
from casedesk.tags.schemas import slugify

logger = logging.getLogger(__name__)

REPOSITORY = Path(__file__).resolve().parents[1]
KEV_CATALOG = (
    REPOSITORY.parent
    / "shared"
    / "data"
    / "cisa-kev"
    / "known_exploited_vulnerabilities.json"
)
DEFAULT_DATABASE_URL = "postgresql://postgres@127.0.0.1:5432/casedesk_bench"

SEED_VERSION = 1
BENCH_ADMIN_EMAIL = "bench-admin@example.com"
BENCH_ADMIN_PASSWORD = "bench-admin-passphrase"
WORKSPACE_COUNT = 20
USER_COUNT = 300
MEMBERS_PER_WORKSPACE = 40
HISTORY_DAYS = 730
CHUNK_SIZE = 20_000
LOAD_CONNECTIONS = 2

# A word in about half of the catalog's texts; the rare term is a host name.
COMMON_TERM = "remote"

STATUS_WEIGHTS = {
    "unknown": 1,
    "new": 14,
    "in_progress": 20,
    "on_hold": 5,
    "resolved": 20,
    "closed": 39,
    "other": 1,
}
PRIORITY_WEIGHTS = {
    "unknown": 5,
    "low": 25,
    "medium": 35,
    "high": 25,
    "critical": 9,
    "other": 1,
}
SEVERITY_WEIGHTS = {
    "unknown": 3,
    "informational": 10,
    "low": 20,
    "medium": 30,
    "high": 25,
    "critical": 10,
    "fatal": 1,
    "other": 1,
}
UNASSIGNED_SHARE = 0.2

SITES = ("fra", "nyc", "sgp", "lon", "sfo", "ams")
HOST_ROLES = ("ws", "srv", "db", "web", "vpn", "dc")
SOURCES = (
    "an EDR alert",
    "the weekly vulnerability scan",
    "a threat intelligence feed",
    "SOC triage",
    "an external report",
)
FIRST_NAMES = ("Ada", "Bo", "Chen", "Dana", "Eli", "Fatima", "Goran", "Hana", "Ivo")
LAST_NAMES = ("Novak", "Okafor", "Silva", "Tanaka", "Weber", "Yilmaz", "Kowalski")
GENERAL_TAGS = (
    "Ransomware",
    "Phishing",
    "Internet exposed",
    "Patch pending",
    "Escalated",
    "False positive",
    "Customer facing",
    "Crown jewel",
)
CWE_TAG_COUNT = 22

# The three custom fields: (name, type, display name, options).
FIELD_CVSS = "cvss"
FIELD_DUE_DATE = "due_date"
FIELD_VENDOR_TIER = "vendor_tier"
VENDOR_TIERS = ("tier-1", "tier-2", "tier-3", "unmanaged")
FIELDS = (
    (FIELD_CVSS, "NUMERIC", "CVSS score", None),
    (FIELD_DUE_DATE, "DATE", "Remediation due", None),
    (FIELD_VENDOR_TIER, "SELECT", "Vendor tier", list(VENDOR_TIERS)),
)
CVSS_SCORES = [str(Decimal(tenths) / 10) for tenths in range(0, 101)]

# The tables whose secondary indexes are dropped while they are loaded.
BULK_TABLES = (
    "case",
    "case_event",
    "case_text_version",
    "case_field_value",
    "case_tag_link",
)
CASE_COLUMNS = (
    "id",
    "workspace_id",
    "number",
    "summary",
    "description",
    "status",
    "priority",
    "severity",
    "assignee_id",
    "payload",
    "external_id",
    "num_tasks_total",
    "num_tasks_completed",
    "created_at",
    "updated_at",
)
# The typed value columns as the application fills them, so that the seed
# follows any change to how values are stored.
FIELD_VALUE_COLUMNS = ("case_id", "field_id", *VALUE_COLUMNS, "updated_at")
TAG_LINK_COLUMNS = ("case_id", "tag_id", "created_at")


@dataclass(frozen=True)
class KevText:
    """The parts of one catalog record a case is written from."""

    cve_id: str
    title: str
    description: str
    vendor: str
    cwes: tuple[str, ...]


@dataclass
class WorkspacePlan:
    """One workspace to fill and the ids its cases draw from."""

    id: uuid.UUID
    name: str
    case_count: int
    member_ids: list[uuid.UUID] = field(default_factory=list)
    tag_ids: dict[str, uuid.UUID] = field(default_factory=dict)
    field_ids: dict[str, uuid.UUID] = field(default_factory=dict)


@dataclass
class CaseChunk:
    """Rows of up to CHUNK_SIZE cases, ready for COPY."""

    cases: list[tuple[Any, ...]] = field(default_factory=list)
    field_values: list[tuple[Any, ...]] = field(default_factory=list)
    tag_links: list[tuple[Any, ...]] = field(default_factory=list)


def asyncpg_dsn(url: str) -> str:
    """The URL without SQLAlchemy's `+asyncpg` driver suffix."""
    scheme, rest = url.split("://", 1)
    return f"{scheme.split('+', 1)[0]}://{rest}"


def load_kev_texts(path: Path = KEV_CATALOG) -> list[KevText]:
    """Every catalog record as the text pieces of a case."""
    catalog = json.loads(path.read_text(encoding="utf-8"))
    return [
        KevText(
            cve_id=record["cveID"],
            title=record["vulnerabilityName"],
            description=(
                f"{record['shortDescription']}\n\n"
                f"Required action: {record['requiredAction']}"
            ),
            vendor=record["vendorProject"],
            cwes=tuple(record.get("cwes") or ()),
        )
        for record in catalog["vulnerabilities"]
    ]


def workspace_sizes(total: int, count: int = WORKSPACE_COUNT) -> list[int]:
    """Split `total` cases over `count` workspaces, the first the largest.

    Sizes follow 1/k (a few big tenants, many small ones): the first holds
    about 28% of all cases, so the benchmark measures the worst tenant.
    """
    weights = [1 / rank for rank in range(1, count + 1)]
    scale = total / sum(weights)
    sizes = [int(weight * scale) for weight in weights]
    sizes[0] += total - sum(sizes)
    return sizes


async def read_marker(connection: asyncpg.Connection) -> dict[str, Any] | None:
    """What a previous complete seed left in the bench admin's settings."""
    exists = await connection.fetchval("SELECT to_regclass('public.\"user\"')")
    if exists is None:
        return None
    settings = await connection.fetchval(
        'SELECT settings FROM "user" WHERE email = $1', BENCH_ADMIN_EMAIL
    )
    if settings is None:
        return None
    marker = json.loads(settings).get("bench_seed")
    if not isinstance(marker, dict) or marker.get("version") != SEED_VERSION:
        return None
    return marker


async def seed(
    database_url: str,
    case_count: int,
    *,
    random_seed: int = 20261204,
    kev_path: Path = KEV_CATALOG,
    force: bool = False,
) -> dict[str, Any]:
    """Fill the (migrated) database with `case_count` cases; the marker.

    Does nothing when the database already holds a complete seed of that
    size, unless `force`. Anything else in the database is deleted first.
    """
    dsn = asyncpg_dsn(database_url)
    connection = await asyncpg.connect(dsn)
    try:
        marker = await read_marker(connection)
        if marker is not None and marker["cases"] == case_count and not force:
            # A migration may have added expression indexes since: without
            # fresh statistics their selectivity is guessed, badly.
            await connection.execute("ANALYZE")
            logger.info("already seeded with %d cases", case_count)
            return marker

        started = time.perf_counter()
        rng = random.Random(random_seed)
        texts = load_kev_texts(kev_path)
        await _empty(connection)
        admin_id, plans = await _write_directory(connection, rng, texts, case_count)
        dropped = await _drop_secondary_indexes(connection)
        try:
            rare_term = await _load_cases(dsn, rng, texts, plans, admin_id)
            await _derive_events_and_versions(dsn, admin_id)
        finally:
            await _rebuild_indexes(dsn, dropped)
        await connection.execute("VACUUM ANALYZE")

        marker = {
            "version": SEED_VERSION,
            "cases": case_count,
            "workspaces": {str(plan.id): plan.case_count for plan in plans},
            "target_workspace": str(plans[0].id),
            "common_term": COMMON_TERM,
            "rare_term": rare_term,
            "seconds": round(time.perf_counter() - started, 1),
        }
        await connection.execute(
            "UPDATE \"user\" SET settings = jsonb_build_object('bench_seed', $2::jsonb)"
            " WHERE id = $1",
            admin_id,
            json.dumps(marker),
        )
        return marker
    finally:
        await connection.close()


async def _empty(connection: asyncpg.Connection) -> None:
    tables = ", ".join(f'"{table.name}"' for table in Base.metadata.sorted_tables)
    await connection.execute(f"TRUNCATE {tables} RESTART IDENTITY CASCADE")


async def _write_directory(
    connection: asyncpg.Connection,
    rng: random.Random,
    texts: list[KevText],
    case_count: int,
) -> tuple[uuid.UUID, list[WorkspacePlan]]:
    """Users, workspaces, memberships, tags and field definitions."""
    now = datetime.now(UTC)
    start = now - timedelta(days=HISTORY_DAYS + 1)
    plans = [
        WorkspacePlan(id=uuid.uuid4(), name=f"Bench {index + 1:02d}", case_count=size)
        for index, size in enumerate(workspace_sizes(case_count))
    ]
    await connection.executemany(
        "INSERT INTO workspace (id, name, case_counter, created_at) "
        "VALUES ($1, $2, $3, $4)",
        [
            (plan.id, plan.name, plan.case_count, start + timedelta(seconds=index))
            for index, plan in enumerate(plans)
        ],
    )

    admin_id = uuid.uuid4()
    # One hash for every other account: nobody signs in as them.
    member_hash = password_helper.hash(uuid.uuid4().hex)
    users = [
        (
            admin_id,
            BENCH_ADMIN_EMAIL,
            password_helper.hash(BENCH_ADMIN_PASSWORD),
            True,
            "Bench",
            "Admin",
        )
    ]
    for index in range(USER_COUNT):
        first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        email = f"{first}.{last}.{index}@bench.example".lower()
        users.append((uuid.uuid4(), email, member_hash, False, first, last))
    await connection.executemany(
        'INSERT INTO "user" (id, email, hashed_password, is_active, is_superuser, '
        "is_verified, first_name, last_name, settings, created_at) "
        "VALUES ($1, $2, $3, true, $4, true, $5, $6, '{}'::jsonb, $7)",
        [(*user, start) for user in users],
    )

    member_ids = [user[0] for user in users[1:]]
    memberships = []
    for index, plan in enumerate(plans):
        # The admin's first membership is the largest workspace: its default.
        memberships.append(
            (plan.id, admin_id, "admin", start + timedelta(seconds=index))
        )
        plan.member_ids = rng.sample(member_ids, MEMBERS_PER_WORKSPACE)
        roles = ("editor", "editor", "editor", "viewer", "admin")
        memberships.extend(
            (plan.id, user_id, rng.choice(roles), start) for user_id in plan.member_ids
        )
    await connection.executemany(
        "INSERT INTO membership (workspace_id, user_id, role, created_at) "
        "VALUES ($1, $2, $3, $4)",
        memberships,
    )

    cwe_counts: dict[str, int] = {}
    for text in texts:
        for cwe in text.cwes:
            cwe_counts[cwe] = cwe_counts.get(cwe, 0) + 1
    common_cwes = sorted(cwe_counts, key=lambda cwe: -cwe_counts[cwe])[:CWE_TAG_COUNT]
    tags = []
    fields = []
    for plan in plans:
        for name in (*common_cwes, *GENERAL_TAGS):
            tag_id = uuid.uuid4()
            plan.tag_ids[name] = tag_id
            tags.append((tag_id, plan.id, name, slugify(name), start))
        for position, (name, field_type, display, options) in enumerate(FIELDS):
            field_id = uuid.uuid4()
            plan.field_ids[name] = field_id
            fields.append(
                (
                    field_id,
                    plan.id,
                    name,
                    field_type,
                    display,
                    json.dumps(options) if options else None,
                    start + timedelta(seconds=position),
                )
            )
    await connection.executemany(
        "INSERT INTO case_tag (id, workspace_id, name, ref, color, created_at) "
        "VALUES ($1, $2, $3, $4, NULL, $5)",
        tags,
    )
    await connection.executemany(
        'INSERT INTO case_field (id, workspace_id, name, type, display_name, "options",'
        ' kind, required_on_closure, "default", created_at) '
        "VALUES ($1, $2, $3, $4, $5, $6::jsonb, NULL, false, NULL, $7)",
        fields,
    )
    return admin_id, plans


async def _drop_secondary_indexes(connection: asyncpg.Connection) -> list[str]:
    """Drop the bulk tables' plain indexes; their definitions, to rebuild."""
    rows = await connection.fetch(
        "SELECT i.indexrelid::regclass::text AS name,"
        " pg_get_indexdef(i.indexrelid) AS definition"
        " FROM pg_index i JOIN pg_class t ON t.oid = i.indrelid"
        " WHERE t.relname = ANY($1::text[])"
        " AND t.relnamespace = 'public'::regnamespace"
        " AND NOT EXISTS (SELECT 1 FROM pg_constraint c"
        " WHERE c.conindid = i.indexrelid)",
        list(BULK_TABLES),
    )
    for row in rows:
        await connection.execute(f"DROP INDEX {row['name']}")
    return [row["definition"] for row in rows]


async def _rebuild_indexes(dsn: str, definitions: list[str]) -> None:
    """Create the dropped indexes again, two builds at a time."""
    queue = list(definitions)

    async def build() -> None:
        connection = await asyncpg.connect(dsn)
        try:
            await connection.execute("SET maintenance_work_mem = '512MB'")
            await connection.execute("SET max_parallel_maintenance_workers = 0")
            while queue:
                await connection.execute(queue.pop())
        finally:
            await connection.close()

    await asyncio.gather(*(build() for _ in range(LOAD_CONNECTIONS)))


async def _load_cases(
    dsn: str,
    rng: random.Random,
    texts: list[KevText],
    plans: list[WorkspacePlan],
    admin_id: uuid.UUID,
) -> str:
    """COPY every case with its values and tags; the rare search term."""
    chunks: asyncio.Queue[CaseChunk | None] = asyncio.Queue(maxsize=LOAD_CONNECTIONS)
    rare_terms: list[str] = []

    async def produce() -> None:
        for chunk in _case_chunks(rng, texts, plans, rare_terms):
            await chunks.put(chunk)
            # Let the loaders send what is queued while the next one is built.
            await asyncio.sleep(0)
        for _ in range(LOAD_CONNECTIONS):
            await chunks.put(None)

    async def load() -> None:
        connection = await _bulk_connection(dsn)
        try:
            while (chunk := await chunks.get()) is not None:
                await connection.copy_records_to_table(
                    "case", records=chunk.cases, columns=CASE_COLUMNS
                )
                await connection.copy_records_to_table(
                    "case_field_value",
                    records=chunk.field_values,
                    columns=FIELD_VALUE_COLUMNS,
                )
                await connection.copy_records_to_table(
                    "case_tag_link", records=chunk.tag_links, columns=TAG_LINK_COLUMNS
                )
        finally:
            await connection.close()

    await asyncio.gather(produce(), *(load() for _ in range(LOAD_CONNECTIONS)))
    return rare_terms[0]


async def _bulk_connection(dsn: str) -> asyncpg.Connection:
    connection = await asyncpg.connect(dsn)
    await connection.execute("SET synchronous_commit = off")
    try:
        # Foreign keys point at rows this seeder wrote itself: skip the
        # per-row checks (needs a superuser; without one they just run).
        await connection.execute("SET session_replication_role = replica")
    except asyncpg.InsufficientPrivilegeError:
        logger.warning("not a superuser: foreign keys are checked row by row")
    return connection


def _case_chunks(
    rng: random.Random,
    texts: list[KevText],
    plans: list[WorkspacePlan],
    rare_terms: list[str],
) -> Iterator[CaseChunk]:
    """The cases of every workspace, in creation order, CHUNK_SIZE at a time."""
    statuses = _weighted(STATUS_CODES, STATUS_WEIGHTS)
    priorities = _weighted(PRIORITY_CODES, PRIORITY_WEIGHTS)
    severities = _weighted(SEVERITY_CODES, SEVERITY_WEIGHTS)
    new_code = STATUS_CODES["new"]
    now = datetime.now(UTC)
    start = now - timedelta(days=HISTORY_DAYS)
    span = (now - start).total_seconds()

    chunk = CaseChunk()
    for plan in plans:
        step = span / max(plan.case_count, 1)
        general_tags = [plan.tag_ids[name] for name in GENERAL_TAGS]
        cvss_id = plan.field_ids[FIELD_CVSS]
        due_id = plan.field_ids[FIELD_DUE_DATE]
        tier_id = plan.field_ids[FIELD_VENDOR_TIER]
        for number in range(1, plan.case_count + 1):
            case_id = uuid.uuid4()
            text = texts[rng.randrange(len(texts))]
            host = (
                f"{rng.choice(SITES)}-{rng.choice(HOST_ROLES)}-"
                f"{rng.randrange(100_000):05d}"
            )
            if number == 1:
                rare_terms.append(host)
            created = start + timedelta(seconds=(number - 1 + rng.random()) * step)
            status = rng.choice(statuses)
            updated = created
            if status != new_code:
                updated = min(now, created + timedelta(hours=rng.random() * 24 * 14))
            assignee = None
            if rng.random() >= UNASSIGNED_SHARE:
                assignee = rng.choice(plan.member_ids)
            payload = None
            if rng.random() < 0.5:
                payload = json.dumps(
                    {"cve": text.cve_id, "host": host, "vendor": text.vendor}
                )
            summary = f"{text.cve_id}: {text.title} on {host}"[:SUMMARY_MAX_LENGTH]
            description = (
                f"{text.description}\n\nSeen on {host}, reported by "
                f"{rng.choice(SOURCES)}."
            )[:DESCRIPTION_MAX_LENGTH]
            chunk.cases.append(
                (
                    case_id,
                    plan.id,
                    number,
                    summary,
                    description,
                    status,
                    rng.choice(priorities),
                    rng.choice(severities),
                    assignee,
                    payload,
                    None,
                    0,
                    0,
                    created,
                    updated,
                )
            )

            if rng.random() < 0.9:
                score = CVSS_SCORES[min(100, int(rng.triangular(20, 100, 78)))]
                chunk.field_values.append(
                    (case_id, cvss_id, *stored(FieldType.NUMERIC, score), created)
                )
            if rng.random() < 0.7:
                due = created.date() + timedelta(days=rng.choice((7, 14, 21, 30)))
                chunk.field_values.append(
                    (case_id, due_id, *stored(FieldType.DATE, due.isoformat()), created)
                )
            if rng.random() < 0.8:
                tier = VENDOR_TIERS[min(3, int(rng.expovariate(1.0)))]
                chunk.field_values.append(
                    (case_id, tier_id, *stored(FieldType.SELECT, tier), created)
                )

            tag_ids = {plan.tag_ids[cwe] for cwe in text.cwes if cwe in plan.tag_ids}
            for _ in range(int(rng.expovariate(1.3))):
                tag_ids.add(rng.choice(general_tags))
            chunk.tag_links.extend((case_id, tag_id, created) for tag_id in tag_ids)

            if len(chunk.cases) == CHUNK_SIZE:
                yield chunk
                chunk = CaseChunk()
    if chunk.cases:
        yield chunk


async def _derive_events_and_versions(dsn: str, admin_id: uuid.UUID) -> None:
    """One `case_created` event and version 1 of both texts for every case.

    Written inside the database from the case rows, both at once. The author
    is the assignee (or the admin for unassigned cases); events are inserted
    in creation order, so their sequence follows time as the API's does.
    """
    statements = (
        "INSERT INTO case_event (id, case_id, workspace_id, type, user_id,"
        " service_account_id, data, created_at)"
        " SELECT gen_random_uuid(), id, workspace_id, 'case_created',"
        " coalesce(assignee_id, $1), NULL, '{}'::jsonb, created_at"
        ' FROM "case" ORDER BY created_at, id',
        "INSERT INTO case_text_version (id, case_id, field, version, text, user_id,"
        " service_account_id, created_at)"
        " SELECT gen_random_uuid(), id, kind.field, 1,"
        " CASE kind.field WHEN 'summary' THEN summary ELSE description END,"
        " coalesce(assignee_id, $1), NULL, created_at"
        " FROM \"case\" CROSS JOIN (VALUES ('summary'), ('description'))"
        " AS kind(field)",
    )

    async def run(statement: str) -> None:
        connection = await _bulk_connection(dsn)
        try:
            await connection.execute(statement, admin_id)
        finally:
            await connection.close()

    await asyncio.gather(*(run(statement) for statement in statements))


def _weighted(codes: dict[str, int], weights: dict[str, int]) -> Sequence[int]:
    """A list to draw codes from with `rng.choice`, in the given proportions."""
    return [codes[name] for name, weight in weights.items() for _ in range(weight)]


@functools.cache
def stored(field_type: FieldType, public: str) -> tuple[Any, ...]:
    """The value columns of a public value, in FIELD_VALUE_COLUMNS order."""
    columns = stored_columns(field_type, public)
    return tuple(columns[name] for name in VALUE_COLUMNS)


def main() -> None:
    """Seed from the command line; prints how long it took."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--cases", type=int, default=int(os.environ.get("BENCH_CASES", 1_000_000))
    )
    parser.add_argument(
        "--database-url",
        default=os.environ.get("CASEDESK_BENCH_DATABASE_URL", DEFAULT_DATABASE_URL),
    )
    parser.add_argument("--force", action="store_true", help="Seed even if seeded.")
    arguments = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(message)s")

    started = time.perf_counter()
    marker = asyncio.run(
        seed(arguments.database_url, arguments.cases, force=arguments.force)
    )
    logger.info(
        "seeded %d cases in %d workspaces (%.1f s this run, %.1f s when seeded)",
        marker["cases"],
        len(marker["workspaces"]),
        time.perf_counter() - started,
        marker["seconds"],
    )


if __name__ == "__main__":
    main()
