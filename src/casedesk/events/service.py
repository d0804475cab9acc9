"""Recording and reading timeline events."""

import uuid
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from casedesk.auth.principal import Actor
from casedesk.auth.schemas import UserRead
from casedesk.durations.refresh import note_new_event
from casedesk.events.enums import USER_REFERENCE_KEYS, CaseEventType
from casedesk.events.schemas import CaseEventsRead
from casedesk.models import CaseEvent, User
from casedesk.models.base import utcnow


class CaseEventService:
    """Appends events to case timelines and renders them."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    def record(
        self,
        *,
        case_id: uuid.UUID,
        workspace_id: uuid.UUID,
        actor: Actor,
        event_type: CaseEventType,
        **data: Any,
    ) -> CaseEvent:
        """Queue one event; it is written with the rest of the unit of work."""
        event = CaseEvent(
            id=uuid.uuid4(),
            case_id=case_id,
            workspace_id=workspace_id,
            type=event_type.value,
            user_id=actor.user_id,
            service_account_id=actor.service_account_id,
            data=data,
            created_at=utcnow(),
        )
        self.session.add(event)
        note_new_event(self.session, case_id)
        return event

    async def list_for_case(self, case_id: uuid.UUID) -> CaseEventsRead:
        """Every event of a case, newest first, with the users they name."""
        events = list(
            await self.session.scalars(
                select(CaseEvent)
                .where(CaseEvent.case_id == case_id)
                .order_by(CaseEvent.created_at.desc(), CaseEvent.seq.desc())
            )
        )

        user_ids = _referenced_user_ids(events)
        users: list[User] = []
        if user_ids:
            users = list(
                await self.session.scalars(
                    select(User).where(User.id.in_(user_ids)).order_by(User.email)
                )
            )

        # An actor or assignee whose account was deleted still appears, as a
        # removed user, so that every id in the timeline can be resolved.
        found = {user.id for user in users}
        removed = sorted(user_ids - found, key=str)
        return CaseEventsRead(
            events=[_flatten(event) for event in events],
            users=[UserRead.of(user) for user in users]
            + [UserRead.removed(user_id) for user_id in removed],
        )


def _flatten(event: CaseEvent) -> dict[str, Any]:
    flat: dict[str, Any] = {
        "id": str(event.id),
        "type": event.type,
        "user_id": _str_or_none(event.user_id),
        "service_account_id": _str_or_none(event.service_account_id),
        "created_at": event.created_at,
        **event.data,
    }
    return {key: value for key, value in flat.items() if value is not None}


def _referenced_user_ids(events: list[CaseEvent]) -> set[uuid.UUID]:
    ids: set[uuid.UUID] = set()
    for event in events:
        if event.user_id is not None:
            ids.add(event.user_id)
        for key in USER_REFERENCE_KEYS.get(CaseEventType(event.type), ()):
            value = event.data.get(key)
            if value:
                ids.add(uuid.UUID(value))
    return ids


def _str_or_none(value: uuid.UUID | None) -> str | None:
    return str(value) if value is not None else None
