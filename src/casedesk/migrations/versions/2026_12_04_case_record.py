"""The case record: custom fields, comments, tasks, dropdowns, durations
and the summary and description history.

Revision ID: 0004
Revises: 0003
Created: 2026-12-04
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TIMESTAMP = sa.DateTime(timezone=True)
JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")
SORTABLE_NUMBER = sa.Numeric().with_variant(sa.Float(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "case_dropdown",
        sa.Column("workspace_id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.String(length=255), nullable=False),
        sa.Column("ref", sa.String(length=255), nullable=False),
        sa.Column("icon_name", sa.String(length=100), nullable=True),
        sa.Column("is_ordered", sa.Boolean(), nullable=False),
        sa.Column("required_on_closure", sa.Boolean(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("created_at", TIMESTAMP, nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspace.id"],
            name=op.f("fk_case_dropdown_workspace_id_workspace"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_dropdown")),
        sa.UniqueConstraint(
            "workspace_id", "ref", name=op.f("uq_case_dropdown_workspace_id_ref")
        ),
    )
    op.create_table(
        "case_duration_definition",
        sa.Column("workspace_id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.String(length=255), nullable=False),
        sa.Column("description", sa.String(length=1024), nullable=True),
        sa.Column("start_anchor", JSON, nullable=False),
        sa.Column("end_anchor", JSON, nullable=False),
        sa.Column("created_at", TIMESTAMP, nullable=False),
        sa.Column("updated_at", TIMESTAMP, nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspace.id"],
            name=op.f("fk_case_duration_definition_workspace_id_workspace"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_duration_definition")),
        sa.UniqueConstraint(
            "workspace_id",
            "name",
            name=op.f("uq_case_duration_definition_workspace_id_name"),
        ),
    )
    op.create_table(
        "case_field",
        sa.Column("workspace_id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("type", sa.String(length=16), nullable=False),
        sa.Column("display_name", sa.String(length=255), nullable=False),
        sa.Column("options", JSON, nullable=True),
        sa.Column("kind", sa.String(length=16), nullable=True),
        sa.Column("required_on_closure", sa.Boolean(), nullable=False),
        sa.Column("default", JSON, nullable=True),
        sa.Column("created_at", TIMESTAMP, nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspace.id"],
            name=op.f("fk_case_field_workspace_id_workspace"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_field")),
        sa.UniqueConstraint(
            "workspace_id", "name", name=op.f("uq_case_field_workspace_id_name")
        ),
    )
    op.create_table(
        "case_comment",
        sa.Column("case_id", sa.Uuid(), nullable=False),
        sa.Column("workspace_id", sa.Uuid(), nullable=False),
        sa.Column("parent_id", sa.Uuid(), nullable=True),
        sa.Column("user_id", sa.Uuid(), nullable=True),
        sa.Column("service_account_id", sa.Uuid(), nullable=True),
        sa.Column("content", sa.Text(), nullable=False),
        sa.Column("created_at", TIMESTAMP, nullable=False),
        sa.Column("updated_at", TIMESTAMP, nullable=False),
        sa.Column("last_edited_at", TIMESTAMP, nullable=True),
        sa.Column("deleted_at", TIMESTAMP, nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["case.id"],
            name=op.f("fk_case_comment_case_id_case"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["parent_id"],
            ["case_comment.id"],
            name=op.f("fk_case_comment_parent_id_case_comment"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspace.id"],
            name=op.f("fk_case_comment_workspace_id_workspace"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_comment")),
    )
    op.create_index(
        "ix_case_comment_case_created",
        "case_comment",
        ["case_id", "created_at"],
        unique=False,
    )
    op.create_index(
        op.f("ix_case_comment_parent_id"), "case_comment", ["parent_id"], unique=False
    )
    op.create_table(
        "case_dropdown_option",
        sa.Column("definition_id", sa.Uuid(), nullable=False),
        sa.Column("label", sa.String(length=255), nullable=False),
        sa.Column("ref", sa.String(length=255), nullable=False),
        sa.Column("icon_name", sa.String(length=100), nullable=True),
        sa.Column("color", sa.String(length=50), nullable=True),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("created_at", TIMESTAMP, nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["definition_id"],
            ["case_dropdown.id"],
            name=op.f("fk_case_dropdown_option_definition_id_case_dropdown"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_dropdown_option")),
        sa.UniqueConstraint(
            "definition_id",
            "ref",
            name=op.f("uq_case_dropdown_option_definition_id_ref"),
        ),
    )
    op.create_table(
        "case_duration",
        sa.Column("case_id", sa.Uuid(), nullable=False),
        sa.Column("workspace_id", sa.Uuid(), nullable=False),
        sa.Column("definition_id", sa.Uuid(), nullable=False),
        sa.Column("start_event_id", sa.Uuid(), nullable=True),
        sa.Column("end_event_id", sa.Uuid(), nullable=True),
        sa.Column("started_at", TIMESTAMP, nullable=True),
        sa.Column("ended_at", TIMESTAMP, nullable=True),
        sa.Column("duration", sa.Interval(), nullable=True),
        sa.Column("created_at", TIMESTAMP, nullable=False),
        sa.Column("updated_at", TIMESTAMP, nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["case.id"],
            name=op.f("fk_case_duration_case_id_case"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["definition_id"],
            ["case_duration_definition.id"],
            name=op.f("fk_case_duration_definition_id_case_duration_definition"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspace.id"],
            name=op.f("fk_case_duration_workspace_id_workspace"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_duration")),
        sa.UniqueConstraint(
            "case_id",
            "definition_id",
            name=op.f("uq_case_duration_case_id_definition_id"),
        ),
    )
    op.create_index(
        op.f("ix_case_duration_definition_id"),
        "case_duration",
        ["definition_id"],
        unique=False,
    )
    op.create_table(
        "case_field_value",
        sa.Column("case_id", sa.Uuid(), nullable=False),
        sa.Column("field_id", sa.Uuid(), nullable=False),
        sa.Column("text_value", sa.Text(), nullable=True),
        sa.Column("text_key", sa.String(length=200), nullable=True),
        sa.Column("integer_value", sa.BigInteger(), nullable=True),
        sa.Column("numeric_value", SORTABLE_NUMBER, nullable=True),
        sa.Column("timestamp_value", TIMESTAMP, nullable=True),
        sa.Column("json_value", JSON, nullable=True),
        sa.Column("updated_at", TIMESTAMP, nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["case.id"],
            name=op.f("fk_case_field_value_case_id_case"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["field_id"],
            ["case_field.id"],
            name=op.f("fk_case_field_value_field_id_case_field"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "case_id", "field_id", name=op.f("pk_case_field_value")
        ),
    )
    op.create_index(
        "ix_case_field_value_integer",
        "case_field_value",
        ["field_id", "integer_value"],
        unique=False,
    )
    op.create_index(
        "ix_case_field_value_numeric",
        "case_field_value",
        ["field_id", "numeric_value"],
        unique=False,
    )
    op.create_index(
        "ix_case_field_value_text",
        "case_field_value",
        ["field_id", "text_key"],
        unique=False,
    )
    op.create_index(
        "ix_case_field_value_timestamp",
        "case_field_value",
        ["field_id", "timestamp_value"],
        unique=False,
    )
    op.create_table(
        "case_task",
        sa.Column("case_id", sa.Uuid(), nullable=False),
        sa.Column("workspace_id", sa.Uuid(), nullable=False),
        sa.Column("title", sa.String(length=255), nullable=False),
        sa.Column("description", sa.String(length=1000), nullable=True),
        sa.Column("priority", sa.SmallInteger(), nullable=False),
        sa.Column("status", sa.SmallInteger(), nullable=False),
        sa.Column("assignee_id", sa.Uuid(), nullable=True),
        sa.Column("workflow_id", sa.Uuid(), nullable=True),
        sa.Column("default_trigger_values", JSON, nullable=True),
        sa.Column("created_at", TIMESTAMP, nullable=False),
        sa.Column("updated_at", TIMESTAMP, nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["assignee_id"],
            ["user.id"],
            name=op.f("fk_case_task_assignee_id_user"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["case.id"],
            name=op.f("fk_case_task_case_id_case"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspace.id"],
            name=op.f("fk_case_task_workspace_id_workspace"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_task")),
    )
    op.create_index(
        "ix_case_task_case_created",
        "case_task",
        ["case_id", "created_at"],
        unique=False,
    )
    op.create_table(
        "case_text_version",
        sa.Column("case_id", sa.Uuid(), nullable=False),
        sa.Column("field", sa.String(length=16), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=True),
        sa.Column("service_account_id", sa.Uuid(), nullable=True),
        sa.Column("created_at", TIMESTAMP, nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["case.id"],
            name=op.f("fk_case_text_version_case_id_case"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_text_version")),
        sa.UniqueConstraint(
            "case_id",
            "field",
            "version",
            name=op.f("uq_case_text_version_case_id_field_version"),
        ),
    )
    op.create_table(
        "case_dropdown_value",
        sa.Column("case_id", sa.Uuid(), nullable=False),
        sa.Column("definition_id", sa.Uuid(), nullable=False),
        sa.Column("option_id", sa.Uuid(), nullable=True),
        sa.Column("created_at", TIMESTAMP, nullable=False),
        sa.Column("updated_at", TIMESTAMP, nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["case.id"],
            name=op.f("fk_case_dropdown_value_case_id_case"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["definition_id"],
            ["case_dropdown.id"],
            name=op.f("fk_case_dropdown_value_definition_id_case_dropdown"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["option_id"],
            ["case_dropdown_option.id"],
            name=op.f("fk_case_dropdown_value_option_id_case_dropdown_option"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_dropdown_value")),
        sa.UniqueConstraint(
            "case_id",
            "definition_id",
            name=op.f("uq_case_dropdown_value_case_id_definition_id"),
        ),
    )
    op.create_index(
        "ix_case_dropdown_value_choice",
        "case_dropdown_value",
        ["definition_id", "option_id"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index("ix_case_dropdown_value_choice", table_name="case_dropdown_value")
    op.drop_table("case_dropdown_value")
    op.drop_table("case_text_version")
    op.drop_index("ix_case_task_case_created", table_name="case_task")
    op.drop_table("case_task")
    op.drop_index("ix_case_field_value_timestamp", table_name="case_field_value")
    op.drop_index("ix_case_field_value_text", table_name="case_field_value")
    op.drop_index("ix_case_field_value_numeric", table_name="case_field_value")
    op.drop_index("ix_case_field_value_integer", table_name="case_field_value")
    op.drop_table("case_field_value")
    op.drop_index(op.f("ix_case_duration_definition_id"), table_name="case_duration")
    op.drop_table("case_duration")
    op.drop_table("case_dropdown_option")
    op.drop_index(op.f("ix_case_comment_parent_id"), table_name="case_comment")
    op.drop_index("ix_case_comment_case_created", table_name="case_comment")
    op.drop_table("case_comment")
    op.drop_table("case_field")
    op.drop_table("case_duration_definition")
    op.drop_table("case_dropdown")
