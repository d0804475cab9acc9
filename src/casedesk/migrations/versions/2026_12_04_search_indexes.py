"""Indexes for case search and metrics: assignee filter, events by type and
time, and full-text search.

PostgreSQL: pg_trgm GIN indexes over the accent-folded summary and
description and over the `CASE-NNNN` text, so `ILIKE '%term%'` needs no scan.
SQLite: an FTS5 table with the trigram tokenizer over summary and
description, external-content (it stores no copy of the text) and keyed by
the case's rowid, kept in sync by triggers.

Models cannot describe these objects; `casedesk.db.unmodeled` names them so
that schema comparisons skip them. A later migration that rebuilds the
`case` table on SQLite (batch mode) drops the triggers and renumbers rowids:
it must recreate the triggers and run the FTS5 `rebuild` command.

Revision ID: 0005
Revises: 0004
Created: 2026-12-04
"""

from collections.abc import Sequence

from alembic import op
from sqlalchemy import text

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SQLITE_UPGRADE = (
    """
    CREATE VIRTUAL TABLE case_search USING fts5(
        summary, description, content='case', tokenize='trigram'
    )
    """,
    """
    CREATE TRIGGER case_search_insert AFTER INSERT ON "case" BEGIN
        INSERT INTO case_search (rowid, summary, description)
        VALUES (new.rowid, new.summary, new.description);
    END
    """,
    """
    CREATE TRIGGER case_search_delete AFTER DELETE ON "case" BEGIN
        INSERT INTO case_search (case_search, rowid, summary, description)
        VALUES ('delete', old.rowid, old.summary, old.description);
    END
    """,
    """
    CREATE TRIGGER case_search_update AFTER UPDATE OF summary, description
    ON "case" BEGIN
        INSERT INTO case_search (case_search, rowid, summary, description)
        VALUES ('delete', old.rowid, old.summary, old.description);
        INSERT INTO case_search (rowid, summary, description)
        VALUES (new.rowid, new.summary, new.description);
    END
    """,
    "INSERT INTO case_search (case_search) VALUES ('rebuild')",
)
SQLITE_DOWNGRADE = (
    "DROP TRIGGER IF EXISTS case_search_update",
    "DROP TRIGGER IF EXISTS case_search_delete",
    "DROP TRIGGER IF EXISTS case_search_insert",
    "DROP TABLE IF EXISTS case_search",
)


def upgrade() -> None:
    op.create_index(
        "ix_case_workspace_assignee",
        "case",
        ["workspace_id", "assignee_id", "id"],
        unique=False,
    )
    op.create_index(
        "ix_case_event_workspace_type_created",
        "case_event",
        ["workspace_id", "type", "created_at"],
        unique=False,
    )
    if op.get_bind().dialect.name == "postgresql":
        _upgrade_postgresql()
    else:
        for statement in SQLITE_UPGRADE:
            op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for name in (
            "ix_case_short_id_trgm",
            "ix_case_description_trgm",
            "ix_case_summary_trgm",
        ):
            op.execute(f"DROP INDEX IF EXISTS {name}")
        op.execute("DROP FUNCTION IF EXISTS casedesk_short_id(integer)")
        op.execute("DROP FUNCTION IF EXISTS casedesk_unaccent(text)")
        # The extensions stay: other objects of the database may use them.
    else:
        for statement in SQLITE_DOWNGRADE:
            op.execute(statement)
    op.drop_index("ix_case_event_workspace_type_created", table_name="case_event")
    op.drop_index("ix_case_workspace_assignee", table_name="case")


def _upgrade_postgresql() -> None:
    op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    op.execute("CREATE EXTENSION IF NOT EXISTS unaccent")
    # unaccent() is STABLE (its dictionary could change), so an index needs an
    # IMMUTABLE wrapper naming the dictionary and schema explicitly, which
    # also keeps it independent of the search_path (e.g. during a restore).
    schema = op.get_bind().scalar(
        text(
            "SELECT n.nspname FROM pg_extension e "
            "JOIN pg_namespace n ON n.oid = e.extnamespace "
            "WHERE e.extname = 'unaccent'"
        )
    )
    op.execute(
        f"""
        CREATE FUNCTION casedesk_unaccent(text) RETURNS text
        LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
        AS $$ SELECT "{schema}".unaccent('"{schema}".unaccent'::regdictionary, $1) $$
        """
    )
    # The short id as responses show it: zero-padded to at least four digits.
    op.execute(
        """
        CREATE FUNCTION casedesk_short_id(integer) RETURNS text
        LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
        AS $$ SELECT 'CASE-' || lpad($1::text, greatest(4, length($1::text)), '0') $$
        """
    )
    op.execute(
        'CREATE INDEX ix_case_summary_trgm ON "case" '
        "USING gin (casedesk_unaccent(summary) gin_trgm_ops)"
    )
    op.execute(
        'CREATE INDEX ix_case_description_trgm ON "case" '
        "USING gin (casedesk_unaccent(description) gin_trgm_ops)"
    )
    op.execute(
        'CREATE INDEX ix_case_short_id_trgm ON "case" '
        "USING gin (casedesk_short_id(number) gin_trgm_ops)"
    )
    # Expression indexes have no statistics until analysed: without them the
    # planner guesses how many cases a search matches, often by orders of
    # magnitude.
    op.execute('ANALYZE "case"')
