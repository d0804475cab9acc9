"""Duration rules: workspace definitions, and the durations on each case."""

import uuid
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from casedesk.cases.errors import CaseNotFound
from casedesk.cases.lookup import CaseLock, case_in_workspace
from casedesk.durations.errors import (
    CaseDurationNotFound,
    DuplicateDurationName,
    DurationAlreadyOnCase,
    DurationDefinitionNotFound,
    EventNotOnCase,
    NullAnchor,
)
from casedesk.durations.refresh import recompute_definition
from casedesk.durations.schemas import (
    CaseDurationCreate,
    CaseDurationRead,
    CaseDurationUpdate,
    DurationDefinitionCreate,
    DurationDefinitionUpdate,
)
from casedesk.models import CaseDuration, CaseEvent, DurationDefinition
from casedesk.models.base import utcnow

# The values of a case duration a client may set by hand.
RECORDED_VALUES = ("start_event_id", "end_event_id", "started_at", "ended_at")


class DurationDefinitionService:
    """Defines what the cases of one workspace measure."""

    def __init__(self, session: AsyncSession, *, workspace_id: uuid.UUID) -> None:
        self.session = session
        self.workspace_id = workspace_id

    async def list_all(self) -> list[DurationDefinition]:
        """Every definition of the workspace, oldest first."""
        found = await self.session.scalars(
            select(DurationDefinition)
            .where(DurationDefinition.workspace_id == self.workspace_id)
            .order_by(DurationDefinition.created_at, DurationDefinition.id)
        )
        return list(found)

    async def get(self, definition_id: uuid.UUID) -> DurationDefinition:
        """A definition of this workspace, or DurationDefinitionNotFound."""
        definition = await self.session.scalar(
            select(DurationDefinition).where(
                DurationDefinition.id == definition_id,
                DurationDefinition.workspace_id == self.workspace_id,
            )
        )
        if definition is None:
            raise DurationDefinitionNotFound(definition_id)
        return definition

    async def create(self, params: DurationDefinitionCreate) -> DurationDefinition:
        """Define a duration and measure it on every case of the workspace."""
        await self._check_free(params.name)

        now = utcnow()
        definition = DurationDefinition(
            id=uuid.uuid4(),
            workspace_id=self.workspace_id,
            name=params.name,
            description=params.description,
            start_anchor=params.start_anchor.model_dump(mode="json"),
            end_anchor=params.end_anchor.model_dump(mode="json"),
            created_at=now,
            updated_at=now,
        )
        await self._save(definition, params.name)

        await recompute_definition(self.session, definition)
        return definition

    async def update(
        self, definition: DurationDefinition, params: DurationDefinitionUpdate
    ) -> DurationDefinition:
        """Apply the keys present; new anchors remeasure every case."""
        given = params.model_fields_set
        if "start_anchor" in given and params.start_anchor is None:
            raise NullAnchor("Start")
        if "end_anchor" in given and params.end_anchor is None:
            raise NullAnchor("End")
        name = definition.name if params.name is None else params.name
        if name != definition.name:
            await self._check_free(name)

        changes: dict[str, Any] = {}
        if params.name is not None:
            changes["name"] = params.name
        if "description" in given:
            changes["description"] = params.description
        if params.start_anchor is not None:
            changes["start_anchor"] = params.start_anchor.model_dump(mode="json")
        if params.end_anchor is not None:
            changes["end_anchor"] = params.end_anchor.model_dump(mode="json")
        changed = {
            attribute: value
            for attribute, value in changes.items()
            if getattr(definition, attribute) != value
        }
        if not changed:
            return definition

        # The unique constraint settles a race between two equal names.
        try:
            async with self.session.begin_nested():
                for attribute, value in changed.items():
                    setattr(definition, attribute, value)
                definition.updated_at = utcnow()
        except IntegrityError as error:
            raise DuplicateDurationName(name) from error

        if {"start_anchor", "end_anchor"} & set(changed):
            # XXX(concurrency): a unit adding events to a case while this one
            # runs may commit values measured with the previous anchors.
            await recompute_definition(self.session, definition)
        return definition

    async def delete(self, definition_id: uuid.UUID) -> None:
        """Delete a definition and the durations measured with it."""
        definition = await self.get(definition_id)
        await self.session.execute(
            delete(CaseDuration).where(CaseDuration.definition_id == definition.id)
        )
        await self.session.delete(definition)
        await self.session.flush()

    async def _check_free(self, name: str) -> None:
        taken = await self.session.scalar(
            select(DurationDefinition.id).where(
                DurationDefinition.workspace_id == self.workspace_id,
                DurationDefinition.name == name,
            )
        )
        if taken is not None:
            raise DuplicateDurationName(name)

    async def _save(self, definition: DurationDefinition, name: str) -> None:
        try:
            async with self.session.begin_nested():
                self.session.add(definition)
        except IntegrityError as error:
            raise DuplicateDurationName(name) from error


class CaseDurationService:
    """Reads and records by hand the durations of one workspace's cases.

    Values set by hand last until the case's next event remeasures them.
    """

    def __init__(self, session: AsyncSession, *, workspace_id: uuid.UUID) -> None:
        self.session = session
        self.workspace_id = workspace_id
        self.definitions = DurationDefinitionService(session, workspace_id=workspace_id)

    async def list_for_case(self, case_id: uuid.UUID) -> list[CaseDuration]:
        """The durations of a case of this workspace, oldest first."""
        await self._check_case(case_id)
        found = await self.session.scalars(
            select(CaseDuration)
            .where(
                CaseDuration.case_id == case_id,
                CaseDuration.workspace_id == self.workspace_id,
            )
            .order_by(CaseDuration.created_at, CaseDuration.id)
        )
        return list(found)

    async def get(self, case_id: uuid.UUID, duration_id: uuid.UUID) -> CaseDuration:
        """A duration of a case of this workspace, or a 404."""
        await self._check_case(case_id)
        duration = await self.session.scalar(
            select(CaseDuration).where(
                CaseDuration.id == duration_id,
                CaseDuration.case_id == case_id,
                CaseDuration.workspace_id == self.workspace_id,
            )
        )
        if duration is None:
            raise CaseDurationNotFound(duration_id)
        return duration

    async def create(
        self, case_id: uuid.UUID, params: CaseDurationCreate
    ) -> CaseDuration:
        """Record a duration by hand; one per definition per case."""
        await self._check_case(case_id, lock=True)
        await self.definitions.get(params.definition_id)
        await self._check_no_duration(case_id, params.definition_id)
        await self._check_events(case_id, params.start_event_id, params.end_event_id)

        now = utcnow()
        duration = CaseDuration(
            id=uuid.uuid4(),
            case_id=case_id,
            workspace_id=self.workspace_id,
            definition_id=params.definition_id,
            start_event_id=params.start_event_id,
            end_event_id=params.end_event_id,
            started_at=params.started_at,
            ended_at=params.ended_at,
            duration=params.duration,
            created_at=now,
            updated_at=now,
        )
        try:
            async with self.session.begin_nested():
                self.session.add(duration)
        except IntegrityError as error:
            raise DurationAlreadyOnCase() from error
        return duration

    async def update(
        self, case_id: uuid.UUID, duration_id: uuid.UUID, params: CaseDurationUpdate
    ) -> CaseDuration:
        """Change the keys present; `null` clears a value, not the definition."""
        duration = await self.get(case_id, duration_id)
        given = params.model_fields_set
        moved = (
            params.definition_id is not None
            and params.definition_id != duration.definition_id
        )
        if moved:
            assert params.definition_id is not None
            await self.definitions.get(params.definition_id)
            await self._check_no_duration(case_id, params.definition_id)
        await self._check_events(
            case_id,
            params.start_event_id if "start_event_id" in given else None,
            params.end_event_id if "end_event_id" in given else None,
        )

        try:
            async with self.session.begin_nested():
                if moved:
                    assert params.definition_id is not None
                    duration.definition_id = params.definition_id
                for name in (*RECORDED_VALUES, "duration"):
                    if name in given:
                        setattr(duration, name, getattr(params, name))
                duration.updated_at = utcnow()
        except IntegrityError as error:
            raise DurationAlreadyOnCase() from error
        return duration

    async def delete(self, case_id: uuid.UUID, duration_id: uuid.UUID) -> None:
        """Delete a duration of a case; the case's next event measures it again."""
        duration = await self.get(case_id, duration_id)
        await self.session.delete(duration)
        await self.session.flush()

    async def _check_case(self, case_id: uuid.UUID, *, lock: bool = False) -> None:
        # Locked, it waits for a unit remeasuring this case, so its rows are seen.
        mode = CaseLock.SUB_RECORDS if lock else CaseLock.NONE
        if not await case_in_workspace(
            self.session, self.workspace_id, case_id, lock=mode
        ):
            raise CaseNotFound(case_id)

    async def _check_no_duration(
        self, case_id: uuid.UUID, definition_id: uuid.UUID
    ) -> None:
        taken = await self.session.scalar(
            select(CaseDuration.id).where(
                CaseDuration.case_id == case_id,
                CaseDuration.definition_id == definition_id,
            )
        )
        if taken is not None:
            raise DurationAlreadyOnCase()

    async def _check_events(
        self, case_id: uuid.UUID, *event_ids: uuid.UUID | None
    ) -> None:
        wanted = {event_id for event_id in event_ids if event_id is not None}
        if not wanted:
            return
        found = set(
            await self.session.scalars(
                select(CaseEvent.id).where(
                    CaseEvent.case_id == case_id, CaseEvent.id.in_(wanted)
                )
            )
        )
        for event_id in event_ids:
            if event_id is not None and event_id not in found:
                raise EventNotOnCase(event_id)


async def durations_for_cases(
    session: AsyncSession, case_ids: Iterable[uuid.UUID]
) -> dict[uuid.UUID, list[dict[str, Any]]]:
    """Each case's CaseDurationRead dicts, in one query; cases without any absent."""
    wanted = list(case_ids)
    if not wanted:
        return {}

    rows = await session.scalars(
        select(CaseDuration)
        .where(CaseDuration.case_id.in_(wanted))
        .order_by(CaseDuration.created_at, CaseDuration.id)
    )
    durations: dict[uuid.UUID, list[dict[str, Any]]] = defaultdict(list)
    for duration in rows:
        read = CaseDurationRead.model_validate(duration)
        durations[duration.case_id].append(read.model_dump(mode="json"))
    return dict(durations)
