"""Case rules: creation with gapless numbering, updates with their events."""

import json
import uuid
from collections.abc import Sequence
from datetime import timedelta
from typing import Any, cast

from sqlalchemy import Table, delete, insert, literal, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm.attributes import flag_modified

from casedesk.auth.principal import Actor
from casedesk.auth.schemas import UserRead
from casedesk.cases.enums import CaseStatus
from casedesk.cases.errors import (
    AssigneeInactive,
    AssigneeNotMember,
    CaseNotFound,
    ClosureRequirementsNotMet,
)
from casedesk.cases.schemas import (
    CaseCreate,
    CaseRead,
    CaseUpdate,
    DropdownValueInput,
)
from casedesk.cases.versions import CaseVersions, VersionedText
from casedesk.dropdowns.service import DropdownService, ResolvedSelection
from casedesk.errors import Conflict
from casedesk.events.enums import CaseEventType
from casedesk.events.service import CaseEventService
from casedesk.fields.service import CaseFieldService, FieldWrite
from casedesk.metrics.operations import count_case_created
from casedesk.models import (
    Case,
    CaseEvent,
    CaseTagLink,
    Membership,
    User,
    Workspace,
)
from casedesk.models.base import utcnow
from casedesk.tags.service import TagService, tags_by_case

CASE_TABLE = cast(Table, Case.__table__)
CLOSING_STATUSES = frozenset({CaseStatus.CLOSED, CaseStatus.RESOLVED})
# Views by one user within this window record a single `case_viewed` event.
VIEW_DEDUPE_WINDOW = timedelta(minutes=5)


class CaseService:
    """Creates, reads, changes and deletes the cases of one workspace."""

    def __init__(
        self,
        session: AsyncSession,
        *,
        workspace_id: uuid.UUID,
        actor: Actor,
    ) -> None:
        self.session = session
        self.workspace_id = workspace_id
        self.actor = actor
        self.events = CaseEventService(session)
        self.fields = CaseFieldService(session, workspace_id=workspace_id, actor=actor)
        self.dropdowns = DropdownService(
            session, workspace_id=workspace_id, actor=actor
        )
        self.versions = CaseVersions(session, actor)
        self.tags = TagService(session, workspace_id=workspace_id, actor=actor)

    async def create(
        self,
        params: CaseCreate,
        *,
        external_id: str | None = None,
        tag_ids: Sequence[uuid.UUID] = (),
    ) -> Case:
        """Create a case and its `case_created` event, numbered last.

        Fields, dropdowns, tags (`params.tags` by identifier, or `tag_ids` of
        this workspace from importers) and assignee given at creation are
        part of the case, not changes to it: `case_created` is its only event.

        Validation reads happen before the numbered insert: from there until
        commit the workspace's counter row is locked, and other creates wait.
        """
        # XXX(perf): creates in one workspace still serialize from the
        # numbered insert to commit (dependent rows need the case row first),
        # about 86/s on two cores against ~1,000/s for raw inserts; see
        # bench/RESULTS.md for the fix (deferred foreign keys, insert last).
        # Always validated, even without `fields`: this loads the
        # definitions whose defaults the new case gets.
        field_write = await self.fields.validate(params.fields or {})
        selections = await self._resolved_dropdowns(params.dropdown_values)
        if params.tags:
            named = await self.tags.resolve(params.tags)
            tag_ids = [*tag_ids, *named]
        if params.assignee_id is not None:
            await self._check_assignee(params.assignee_id)

        now = utcnow()
        values: dict[str, Any] = {
            "id": uuid.uuid4(),
            "workspace_id": self.workspace_id,
            "summary": params.summary,
            "description": params.description,
            "status": params.status,
            "priority": params.priority,
            "severity": params.severity,
            "assignee_id": params.assignee_id,
            "payload": params.payload,
            "external_id": external_id,
            "num_tasks_total": 0,
            "num_tasks_completed": 0,
            "created_at": now,
            "updated_at": now,
        }
        try:
            number = await self._insert_numbered(values)
        except IntegrityError as error:
            if external_id is None:
                raise
            raise Conflict(f"A case for '{external_id}' already exists") from error

        case_id = values["id"]
        await self.fields.write(case_id, field_write, is_new_case=True)
        if selections:
            await self.dropdowns.apply(case_id, selections, record_events=False)
        self.session.add_all(
            CaseTagLink(case_id=case_id, tag_id=tag_id, created_at=now)
            for tag_id in dict.fromkeys(tag_ids)
        )
        self.versions.start(case_id, params.summary, params.description)
        self._record(case_id, CaseEventType.CASE_CREATED)
        await self.session.flush()
        count_case_created()
        return Case(number=number, **values)

    async def get(self, case_id: uuid.UUID, *, for_update: bool = False) -> Case:
        """A case of this workspace, or CaseNotFound."""
        query = select(Case).where(
            Case.id == case_id, Case.workspace_id == self.workspace_id
        )
        if for_update:
            query = query.with_for_update()

        case = await self.session.scalar(query)
        if case is None:
            raise CaseNotFound(case_id)
        return case

    async def find_by_external_id(self, external_id: str) -> Case | None:
        """The case created from an imported record, if any."""
        return await self.session.scalar(
            select(Case).where(
                Case.workspace_id == self.workspace_id,
                Case.external_id == external_id,
            )
        )

    async def update(self, case: Case, params: CaseUpdate) -> None:
        """Apply the keys present in `params`, recording one event per change."""
        given = params.model_fields_set
        field_write = await self._validated_fields(params.fields)
        selections = await self._resolved_dropdowns(params.dropdown_values)
        if "assignee_id" in given and params.assignee_id is not None:
            await self._check_assignee(params.assignee_id)
        if params.status in CLOSING_STATUSES and params.status != case.status:
            await self._check_closure(case, field_write, selections)

        # Events are recorded in a fixed order: status, priority, severity,
        # fields, dropdowns, summary, assignee, payload. A value equal to the
        # current one records nothing; a dropdown choice always records.
        row_changed = False
        if params.status is not None and params.status != case.status:
            self._record(
                case.id,
                _status_event_type(case.status, params.status),
                old=case.status.value,
                new=params.status.value,
            )
            case.status = params.status
            row_changed = True

        if params.priority is not None and params.priority != case.priority:
            self._record(
                case.id,
                CaseEventType.PRIORITY_CHANGED,
                old=case.priority.value,
                new=params.priority.value,
            )
            case.priority = params.priority
            row_changed = True

        if params.severity is not None and params.severity != case.severity:
            self._record(
                case.id,
                CaseEventType.SEVERITY_CHANGED,
                old=case.severity.value,
                new=params.severity.value,
            )
            case.severity = params.severity
            row_changed = True

        if field_write is not None:
            changes = await self.fields.write(case.id, field_write)
            if changes:
                self._record(
                    case.id,
                    CaseEventType.FIELDS_CHANGED,
                    changes=[
                        {"field": change.field, "old": change.old, "new": change.new}
                        for change in changes
                    ],
                )

        if selections:
            await self.dropdowns.apply(case.id, selections)

        if params.summary is not None and params.summary != case.summary:
            self._record(
                case.id,
                CaseEventType.CASE_UPDATED,
                field="summary",
                old=case.summary,
                new=params.summary,
            )
            case.summary = params.summary
            await self.versions.append(case.id, VersionedText.SUMMARY, case.summary)
            row_changed = True

        if params.description is not None and params.description != case.description:
            case.description = params.description
            await self.versions.append(
                case.id, VersionedText.DESCRIPTION, case.description
            )
            row_changed = True

        if "assignee_id" in given and params.assignee_id != case.assignee_id:
            self._record(
                case.id,
                CaseEventType.ASSIGNEE_CHANGED,
                old=_str_or_none(case.assignee_id),
                new=_str_or_none(params.assignee_id),
            )
            case.assignee_id = params.assignee_id
            row_changed = True

        if "payload" in given and not same_json(params.payload, case.payload):
            self._record(case.id, CaseEventType.PAYLOAD_CHANGED)
            case.payload = params.payload
            # The ORM compares JSON with ==, where 1 equals true: without the
            # flag, swapping one for the other would never be written.
            flag_modified(case, "payload")
            row_changed = True

        if row_changed:
            case.updated_at = utcnow()
        await self.session.flush()

    async def delete(self, case_id: uuid.UUID) -> None:
        """Delete a case; its events and other records go with it."""
        result = await self.session.execute(
            delete(Case).where(
                Case.id == case_id, Case.workspace_id == self.workspace_id
            )
        )
        if result.rowcount == 0:  # type: ignore[attr-defined]
            raise CaseNotFound(case_id)

    async def read(self, case: Case) -> CaseRead:
        """The full representation of one case."""
        assignee = None
        if case.assignee_id is not None:
            user = await self.session.get(User, case.assignee_id)
            assignee = UserRead.of(user) if user is not None else None

        tags = await tags_by_case(self.session, [case.id])
        dropdown_values = await self.dropdowns.values_for_cases([case.id])
        return CaseRead(
            id=case.id,
            short_id=case.short_id,
            created_at=case.created_at,
            updated_at=case.updated_at,
            summary=case.summary,
            status=case.status,
            priority=case.priority,
            severity=case.severity,
            description=case.description,
            fields=await self.fields.read_for_case(case),
            assignee=assignee,
            tags=tags.get(case.id, []),
            dropdown_values=dropdown_values.get(case.id, []),
            payload=case.payload,
            num_tasks_completed=case.num_tasks_completed,
            num_tasks_total=case.num_tasks_total,
        )

    async def record_view(self, case: Case) -> None:
        """Record that the calling user opened the case.

        One `case_viewed` per user and case within the dedupe window; API
        keys and service accounts record none.
        """
        user_id = self.actor.user_id
        if user_id is None:
            return

        if await self._viewed_recently(case.id, user_id):
            return

        # Two first views at the same instant would both find none: the
        # second waits for the first's lock on the case, then finds its view.
        await self.session.execute(
            select(Case.id).where(Case.id == case.id).with_for_update(key_share=True)
        )
        if not await self._viewed_recently(case.id, user_id):
            self._record(case.id, CaseEventType.CASE_VIEWED)
            await self.session.flush()

    async def _viewed_recently(self, case_id: uuid.UUID, user_id: uuid.UUID) -> bool:
        recent = await self.session.scalar(
            select(CaseEvent.seq)
            .where(
                CaseEvent.case_id == case_id,
                CaseEvent.type == CaseEventType.CASE_VIEWED.value,
                CaseEvent.user_id == user_id,
                CaseEvent.created_at > utcnow() - VIEW_DEDUPE_WINDOW,
            )
            .limit(1)
        )
        return recent is not None

    async def _insert_numbered(self, values: dict[str, Any]) -> int:
        """Insert the case row with the workspace's next number.

        The counter row stays locked until commit, so this runs last in the
        transaction: the lock is held for as few awaits as possible, and a
        rolled-back create hands its number back.
        """
        bump = (
            update(Workspace)
            .where(Workspace.id == self.workspace_id)
            .values(case_counter=Workspace.case_counter + 1)
            .returning(Workspace.case_counter)
        )
        if self.session.bind.dialect.name != "postgresql":
            number = (await self.session.execute(bump)).scalar_one()
            await self.session.execute(
                insert(CASE_TABLE).values(number=number, **values)
            )
            return int(number)

        # One round trip on PostgreSQL: take the number and insert the row in
        # a single statement.
        counter = bump.cte("counter")
        columns = list(values)
        row = select(
            *(literal(values[name], CASE_TABLE.c[name].type) for name in columns),
            counter.c.case_counter,
        )
        statement = (
            insert(CASE_TABLE)
            .from_select([*columns, "number"], row)
            .returning(CASE_TABLE.c.number)
        )
        return int((await self.session.execute(statement)).scalar_one())

    def _record(
        self, case_id: uuid.UUID, event_type: CaseEventType, **data: Any
    ) -> None:
        self.events.record(
            case_id=case_id,
            workspace_id=self.workspace_id,
            actor=self.actor,
            event_type=event_type,
            **data,
        )

    async def _validated_fields(
        self, fields: dict[str, Any] | None
    ) -> FieldWrite | None:
        if not fields:
            return None
        return await self.fields.validate(fields)

    async def _resolved_dropdowns(
        self, selections: list[DropdownValueInput] | None
    ) -> list[ResolvedSelection]:
        if not selections:
            return []
        return await self.dropdowns.resolve(selections)

    async def _check_closure(
        self,
        case: Case,
        field_write: FieldWrite | None,
        selections: list[ResolvedSelection],
    ) -> None:
        missing_fields = await self.fields.missing_on_closure(case.id, field_write)
        missing_dropdowns = await self.dropdowns.missing_on_closure(case.id, selections)
        if missing_fields or missing_dropdowns:
            raise ClosureRequirementsNotMet(missing_fields, missing_dropdowns)

    async def _check_assignee(self, user_id: uuid.UUID) -> None:
        await check_assignable(self.session, self.workspace_id, user_id)


async def check_assignable(
    session: AsyncSession, workspace_id: uuid.UUID, user_id: uuid.UUID
) -> None:
    """Refuse an assignee (of a case or a task) who cannot take work here."""
    # A deleted user has no memberships left; a deactivated one keeps
    # them, so that reactivating restores their access, but takes no work.
    assignee = await session.scalar(
        select(User)
        .join(Membership, Membership.user_id == User.id)
        .where(User.id == user_id, Membership.workspace_id == workspace_id)
    )
    if assignee is None:
        raise AssigneeNotMember(user_id)
    if not assignee.is_active:
        raise AssigneeInactive(user_id)


def _status_event_type(old: CaseStatus, new: CaseStatus) -> CaseEventType:
    if new == CaseStatus.CLOSED:
        return CaseEventType.CASE_CLOSED
    if old == CaseStatus.CLOSED:
        return CaseEventType.CASE_REOPENED
    return CaseEventType.STATUS_CHANGED


def same_json(left: Any, right: Any) -> bool:
    """Whether two JSON documents are equal, telling `true` apart from `1`."""
    return _canonical_json(left) == _canonical_json(right)


def _canonical_json(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"))


def _str_or_none(value: uuid.UUID | None) -> str | None:
    return str(value) if value is not None else None
