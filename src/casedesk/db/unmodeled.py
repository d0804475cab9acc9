"""Schema objects the migrations create in SQL because models cannot say them.

The text search indexes of migration 0005: on SQLite an FTS5 virtual table
(with its shadow tables) kept in sync by triggers, on PostgreSQL trigram GIN
indexes over expressions. Autogenerate and the schema comparison test skip
exactly these objects, by name, through `include_object`.
"""

from typing import Any

SEARCH_TABLE = "case_search"
TRIGRAM_INDEXES = frozenset(
    {"ix_case_summary_trgm", "ix_case_description_trgm", "ix_case_short_id_trgm"}
)


def is_search_table(name: str | None) -> bool:
    """The FTS5 table or one of the shadow tables SQLite keeps for it."""
    return name is not None and (
        name == SEARCH_TABLE or name.startswith(f"{SEARCH_TABLE}_")
    )


def include_object(
    obj: Any, name: str | None, type_: str, reflected: bool, compare_to: Any
) -> bool:
    """Alembic's filter: everything but the search objects above."""
    if type_ == "table" and is_search_table(name):
        return False
    return not (type_ == "index" and name in TRIGRAM_INDEXES)
