"""Comment request and response shapes."""

import uuid
from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, Field

from casedesk.auth.schemas import UserRead
from casedesk.kit.schemas import CHECK_TEXT, InputSchema, Schema
from casedesk.kit.workflow_ids import WorkflowIdInput
from casedesk.models.comment import COMMENT_MAX_LENGTH

DELETED_CONTENT = "Comment deleted"


def _nonblank_trimmed(content: str) -> str:
    trimmed = content.strip()
    if not trimmed:
        raise ValueError("Comment content cannot be blank")
    return trimmed


# Limits count characters before trimming, as the reference does.
CommentContent = Annotated[
    str,
    Field(
        min_length=1,
        max_length=COMMENT_MAX_LENGTH,
        description="Markdown text; stored without surrounding whitespace.",
    ),
    CHECK_TEXT,
    AfterValidator(_nonblank_trimmed),
]


class CaseCommentCreate(InputSchema):
    """A new comment, or a reply when `parent_id` names a top-level comment."""

    content: CommentContent
    parent_id: uuid.UUID | None = None
    workflow_id: WorkflowIdInput | None = None


class CaseCommentUpdate(InputSchema):
    """An edit of a comment's content; an absent `content` changes nothing."""

    content: CommentContent | None = None
    parent_id: Any = Field(
        default=None,
        description="Not supported: any `parent_id` key is refused with 400.",
    )


class CaseCommentWorkflowRead(Schema):
    """The workflow a workflow-backed comment started (none in casedesk)."""

    workflow_id: uuid.UUID | None = None
    title: str
    alias: str | None = None
    wf_exec_id: str | None = None
    status: Literal["running", "succeeded", "failed"]


class CaseCommentAgentRead(Schema):
    """The agent run that wrote a comment (none in casedesk)."""

    invocation_id: uuid.UUID
    preset_name: str
    preset_slug: str
    session_id: uuid.UUID | None = None


class AgentInvocationErrorRead(Schema):
    """Why an agent run failed."""

    kind: str
    message: str


class AgentInvocationRead(Schema):
    """An agent run started by a mention."""

    id: uuid.UUID
    preset_name: str
    preset_slug: str
    status: Literal["pending", "running", "succeeded", "failed"]
    session_id: uuid.UUID | None = None
    error: AgentInvocationErrorRead | None = None


class CaseCommentMentionRead(Schema):
    """An agent mentioned in a comment (none in casedesk)."""

    id: uuid.UUID
    target_type: Literal["agent"]
    target_id: uuid.UUID
    label: str
    created_at: datetime
    invocation: AgentInvocationRead | None = None


class CaseCommentRead(Schema):
    """A comment or reply; a tombstone shows `Comment deleted`."""

    id: uuid.UUID
    created_at: datetime
    updated_at: datetime
    content: str
    parent_id: uuid.UUID | None = None
    workflow: CaseCommentWorkflowRead | None = None
    agent: CaseCommentAgentRead | None = None
    user: UserRead | None = Field(
        default=None, description="The author; null for service-account comments."
    )
    last_edited_at: datetime | None = None
    deleted_at: datetime | None = None
    is_deleted: bool = False
    mentions: list[CaseCommentMentionRead] = Field(default_factory=list)


class CaseCommentThreadRead(Schema):
    """A top-level comment with its replies."""

    comment: CaseCommentRead
    replies: list[CaseCommentRead]
    reply_count: int
    last_activity_at: datetime
