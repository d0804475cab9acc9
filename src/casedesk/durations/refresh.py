"""Keeping each case's durations current as its timeline grows.

Every case has one duration row per definition of its workspace, created with
the case's first event; a definition without a matching start event leaves
the row's values null. Rows are recomputed from the whole timeline just
before the unit of work that added events commits, and for every case when a
definition is created or its anchors change.
"""

import uuid
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from casedesk.db.session import before_commit
from casedesk.durations.measure import (
    Measurement,
    TimelineEvent,
    event_types_of,
    measure,
)
from casedesk.durations.schemas import DurationAnchor
from casedesk.models import Case, CaseDuration, CaseEvent, DurationDefinition
from casedesk.models.base import utcnow

_CASES_WITH_NEW_EVENTS = "casedesk.cases_with_new_events"


@dataclass(frozen=True)
class Anchors:
    """A definition's anchors, parsed once for every case measured."""

    definition_id: uuid.UUID
    start: DurationAnchor
    end: DurationAnchor

    @classmethod
    def of(cls, definition: DurationDefinition) -> "Anchors":
        """The parsed anchors of a stored definition."""
        return cls(
            definition_id=definition.id,
            start=DurationAnchor.model_validate(definition.start_anchor),
            end=DurationAnchor.model_validate(definition.end_anchor),
        )

    def measure(self, events: Sequence[TimelineEvent]) -> Measurement:
        """This definition measured on a timeline ordered oldest first."""
        return measure(self.start, self.end, events)


def note_new_event(session: AsyncSession, case_id: uuid.UUID) -> None:
    """Remember that `case_id` got an event; refresh it before commit."""
    pending: set[uuid.UUID] = session.info.setdefault(_CASES_WITH_NEW_EVENTS, set())
    pending.add(case_id)
    before_commit(session, "durations", refresh_pending_durations)


async def refresh_pending_durations(session: AsyncSession) -> None:
    """Recompute the durations of every case that got events in this unit."""
    pending: set[uuid.UUID] = session.info.pop(_CASES_WITH_NEW_EVENTS, set())
    if not pending:
        return
    await session.flush()

    # Most workspaces measure nothing: one cheap query spares them the locks.
    measured = await session.scalar(
        select(DurationDefinition.id)
        .join(Case, Case.workspace_id == DurationDefinition.workspace_id)
        .where(Case.id.in_(pending))
        .limit(1)
    )
    if measured is None:
        return

    # Locking the cases makes a concurrent unit that added events to the same
    # case wait, then measure a timeline that includes them. NO KEY UPDATE
    # does not conflict with the KEY SHARE locks event inserts take on their
    # case, so two such units cannot deadlock here. A deleted case is gone.
    cases = await session.execute(
        select(Case.id, Case.workspace_id)
        .where(Case.id.in_(sorted(pending)))
        .order_by(Case.id)
        .with_for_update(key_share=True)
    )
    definitions: dict[uuid.UUID, list[Anchors]] = {}
    for case_id, workspace_id in cases.tuples():
        if workspace_id not in definitions:
            definitions[workspace_id] = await _anchors_of_workspace(
                session, workspace_id
            )
        if definitions[workspace_id]:
            await _refresh_case(
                session, case_id, workspace_id, definitions[workspace_id]
            )
    await session.flush()


async def recompute_definition(
    session: AsyncSession, definition: DurationDefinition
) -> None:
    """Measure one definition on every case of its workspace."""
    # XXX(perf): runs inside the request and loads the workspace's matching
    # events at once; a workspace of a million cases needs a background job.
    anchors = Anchors.of(definition)
    event_types = event_types_of(anchors.start) | event_types_of(anchors.end)
    case_ids = await session.scalars(
        select(Case.id)
        .where(Case.workspace_id == definition.workspace_id)
        .order_by(Case.id)
    )
    rows = await session.execute(
        select(
            CaseEvent.case_id,
            CaseEvent.id,
            CaseEvent.type,
            CaseEvent.data,
            CaseEvent.created_at,
        )
        .where(
            CaseEvent.workspace_id == definition.workspace_id,
            CaseEvent.type.in_(sorted(event_types)),
        )
        .order_by(CaseEvent.case_id, CaseEvent.created_at, CaseEvent.seq)
    )
    timelines: dict[uuid.UUID, list[TimelineEvent]] = defaultdict(list)
    for row in rows:
        timelines[row.case_id].append(row)
    existing = {
        duration.case_id: duration
        for duration in await session.scalars(
            select(CaseDuration).where(CaseDuration.definition_id == definition.id)
        )
    }

    for case_id in case_ids:
        _store(
            session,
            existing.get(case_id),
            case_id=case_id,
            workspace_id=definition.workspace_id,
            definition_id=definition.id,
            measurement=anchors.measure(timelines.get(case_id, [])),
        )
    await session.flush()


async def _anchors_of_workspace(
    session: AsyncSession, workspace_id: uuid.UUID
) -> list[Anchors]:
    definitions = await session.scalars(
        select(DurationDefinition)
        .where(DurationDefinition.workspace_id == workspace_id)
        .order_by(DurationDefinition.created_at, DurationDefinition.id)
    )
    return [Anchors.of(definition) for definition in definitions]


async def _refresh_case(
    session: AsyncSession,
    case_id: uuid.UUID,
    workspace_id: uuid.UUID,
    definitions: Iterable[Anchors],
) -> None:
    events = list(
        await session.execute(
            select(CaseEvent.id, CaseEvent.type, CaseEvent.data, CaseEvent.created_at)
            .where(CaseEvent.case_id == case_id)
            .order_by(CaseEvent.created_at, CaseEvent.seq)
        )
    )
    existing = {
        duration.definition_id: duration
        for duration in await session.scalars(
            select(CaseDuration).where(CaseDuration.case_id == case_id)
        )
    }

    for anchors in definitions:
        _store(
            session,
            existing.get(anchors.definition_id),
            case_id=case_id,
            workspace_id=workspace_id,
            definition_id=anchors.definition_id,
            measurement=anchors.measure(events),
        )


def _store(
    session: AsyncSession,
    duration: CaseDuration | None,
    *,
    case_id: uuid.UUID,
    workspace_id: uuid.UUID,
    definition_id: uuid.UUID,
    measurement: Measurement,
) -> None:
    values = asdict(measurement)
    now = utcnow()
    if duration is None:
        session.add(
            CaseDuration(
                id=uuid.uuid4(),
                case_id=case_id,
                workspace_id=workspace_id,
                definition_id=definition_id,
                created_at=now,
                updated_at=now,
                **values,
            )
        )
        return

    if all(getattr(duration, name) == value for name, value in values.items()):
        return
    for name, value in values.items():
        setattr(duration, name, value)
    duration.updated_at = now
