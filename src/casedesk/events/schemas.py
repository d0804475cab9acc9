"""The timeline as the API returns it."""

from typing import Any

from pydantic import Field

from casedesk.auth.schemas import UserRead
from casedesk.kit.schemas import Schema


class CaseEventsRead(Schema):
    """A case's events, newest first, and the users they mention."""

    events: list[dict[str, Any]] = Field(
        description="Flattened events: `type`, `user_id`, `created_at` and the "
        "type's own keys. Keys whose value is null are omitted."
    )
    users: list[UserRead]
