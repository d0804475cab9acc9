"""The summary and description history of a case."""

import uuid
from datetime import datetime
from enum import StrEnum

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from casedesk.auth.principal import Actor
from casedesk.kit.schemas import Schema
from casedesk.models import CaseTextVersion
from casedesk.models.base import utcnow


class VersionedText(StrEnum):
    """The texts of a case that keep their history."""

    SUMMARY = "summary"
    DESCRIPTION = "description"


class CaseTextVersionRead(Schema):
    """One version of a case's summary or description."""

    field: VersionedText
    version: int
    text: str
    created_at: datetime
    user_id: uuid.UUID | None = None
    service_account_id: uuid.UUID | None = None


class CaseVersions:
    """Appends and lists the versions of a case's texts."""

    def __init__(self, session: AsyncSession, actor: Actor) -> None:
        self.session = session
        self.actor = actor

    def start(self, case_id: uuid.UUID, summary: str, description: str) -> None:
        """Record version 1 of both texts of a new case."""
        now = utcnow()
        for field, text in (
            (VersionedText.SUMMARY, summary),
            (VersionedText.DESCRIPTION, description),
        ):
            self._add(case_id, field, 1, text, now)

    async def append(self, case_id: uuid.UUID, field: VersionedText, text: str) -> None:
        """Record `text` as the next version of `field`."""
        latest = await self.session.scalar(
            select(func.max(CaseTextVersion.version)).where(
                CaseTextVersion.case_id == case_id,
                CaseTextVersion.field == field.value,
            )
        )
        self._add(case_id, field, (latest or 0) + 1, text, utcnow())

    async def list_for_case(
        self, case_id: uuid.UUID, field: VersionedText | None = None
    ) -> list[CaseTextVersionRead]:
        """Every version of the case's texts, oldest first."""
        query = select(CaseTextVersion).where(CaseTextVersion.case_id == case_id)
        if field is not None:
            query = query.where(CaseTextVersion.field == field.value)

        found = await self.session.scalars(
            query.order_by(
                CaseTextVersion.created_at,
                CaseTextVersion.field,
                CaseTextVersion.version,
            )
        )
        return [CaseTextVersionRead.model_validate(version) for version in found]

    def _add(
        self,
        case_id: uuid.UUID,
        field: VersionedText,
        version: int,
        text: str,
        created_at: datetime,
    ) -> None:
        self.session.add(
            CaseTextVersion(
                id=uuid.uuid4(),
                case_id=case_id,
                field=field.value,
                version=version,
                text=text,
                user_id=self.actor.user_id,
                service_account_id=self.actor.service_account_id,
                created_at=created_at,
            )
        )
