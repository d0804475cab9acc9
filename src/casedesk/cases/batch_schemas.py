"""Batch request and response shapes."""

import uuid
from typing import Annotated

from pydantic import Field

from casedesk.cases.schemas import CaseUpdate
from casedesk.kit.schemas import InputSchema, Schema

MAX_BATCH_SIZE = 1000

CaseIds = Annotated[
    list[uuid.UUID],
    Field(
        min_length=1,
        max_length=MAX_BATCH_SIZE,
        description="The cases to act on; repeated ids are acted on once.",
    ),
]


class CaseBatchUpdate(InputSchema):
    """One change applied to each of many cases."""

    case_ids: CaseIds
    update: CaseUpdate


class CaseBatchDelete(InputSchema):
    """Cases to delete."""

    case_ids: CaseIds


class CaseBatchResult(Schema):
    """What happened to one case of a batch."""

    case_id: uuid.UUID
    success: bool
    error: str | None = Field(
        default=None, description="Why the case was left unchanged; null on success."
    )


class CaseBatchResponse(Schema):
    """One result per distinct case id, in the order the ids were given."""

    results: list[CaseBatchResult]
    succeeded: int
    failed: int
