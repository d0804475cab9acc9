"""Case tags: tag definitions per workspace and their links to cases.

Revision ID: 0003
Revises: 0002
Created: 2026-12-03
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TIMESTAMP = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "case_tag",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("workspace_id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.String(length=50), nullable=False),
        sa.Column("ref", sa.String(length=100), nullable=False),
        sa.Column("color", sa.String(length=50), nullable=True),
        sa.Column("created_at", TIMESTAMP, nullable=False),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspace.id"],
            name=op.f("fk_case_tag_workspace_id_workspace"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_tag")),
        sa.UniqueConstraint(
            "workspace_id", "ref", name=op.f("uq_case_tag_workspace_id_ref")
        ),
    )

    op.create_table(
        "case_tag_link",
        sa.Column("case_id", sa.Uuid(), nullable=False),
        sa.Column("tag_id", sa.Uuid(), nullable=False),
        sa.Column("created_at", TIMESTAMP, nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["case.id"],
            name=op.f("fk_case_tag_link_case_id_case"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["tag_id"],
            ["case_tag.id"],
            name=op.f("fk_case_tag_link_tag_id_case_tag"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("case_id", "tag_id", name=op.f("pk_case_tag_link")),
    )
    op.create_index(op.f("ix_case_tag_link_tag_id"), "case_tag_link", ["tag_id"])


def downgrade() -> None:
    op.drop_table("case_tag_link")
    op.drop_table("case_tag")
