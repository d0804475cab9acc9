"""Dropdown rules: definitions, their options, and each case's choice."""

import re
import unicodedata
import uuid
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, cast

from sqlalchemy import Table, and_, delete, or_, select, update
from sqlalchemy import case as when_then
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from casedesk.auth.principal import Actor
from casedesk.cases.errors import CaseNotFound
from casedesk.cases.lookup import CaseLock, case_in_workspace
from casedesk.cases.schemas import DropdownValueInput
from casedesk.dropdowns.errors import (
    DropdownDefinitionNotFound,
    DropdownNameEmpty,
    DropdownNameNotSluggable,
    DropdownNotFound,
    DropdownOptionNotFound,
    DropdownRefEmpty,
    DropdownRefTaken,
    DropdownSelectionRepeated,
    OptionRefTaken,
)
from casedesk.dropdowns.schemas import (
    CaseDropdownValueRead,
    DropdownDefinitionCreate,
    DropdownDefinitionRead,
    DropdownDefinitionUpdate,
    DropdownOptionCreate,
    DropdownOptionRead,
    DropdownOptionUpdate,
)
from casedesk.events.enums import CaseEventType
from casedesk.events.service import CaseEventService
from casedesk.models import CaseDropdownValue, DropdownDefinition, DropdownOption
from casedesk.models.base import utcnow
from casedesk.models.dropdown import DROPDOWN_TEXT_MAX_LENGTH

VALUE_TABLE = cast(Table, CaseDropdownValue.__table__)
DEFINITION_ORDER = (
    DropdownDefinition.position,
    DropdownDefinition.created_at,
    DropdownDefinition.id,
)
OPTION_ORDER = (DropdownOption.position, DropdownOption.created_at, DropdownOption.id)

_QUOTES = re.compile(r"['\u2019]+")
_NOT_ALPHANUMERIC = re.compile(r"[^a-z0-9]+")


def ref_of_name(name: str) -> str:
    """The ref a renamed dropdown gets: `Triage Decision` → `triage_decision`.

    Accents are dropped (`Sévérité` → `severite`), apostrophes vanish, any
    other run of non-alphanumerics becomes one `_`; empty when nothing is left.
    """
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    words = _QUOTES.sub("", ascii_name.lower())
    slug = _NOT_ALPHANUMERIC.sub("_", words).strip("_")
    return slug[:DROPDOWN_TEXT_MAX_LENGTH].rstrip("_")


@dataclass(frozen=True)
class ResolvedSelection:
    """A dropdown choice whose definition (and option, if any) exist."""

    definition: DropdownDefinition
    option: DropdownOption | None


class DropdownService:
    """Defines a workspace's dropdowns and records its cases' choices."""

    def __init__(
        self, session: AsyncSession, *, workspace_id: uuid.UUID, actor: Actor
    ) -> None:
        self.session = session
        self.workspace_id = workspace_id
        self.actor = actor
        self.events = CaseEventService(session)

    # Definitions.

    async def list_definitions(self) -> list[DropdownDefinitionRead]:
        """Every dropdown of the workspace by position, then creation."""
        definitions = list(
            await self.session.scalars(
                select(DropdownDefinition)
                .where(DropdownDefinition.workspace_id == self.workspace_id)
                .order_by(*DEFINITION_ORDER)
            )
        )
        options = await self._options_of([item.id for item in definitions])
        return [
            _definition_read(item, options.get(item.id, [])) for item in definitions
        ]

    async def get_definition(
        self, definition_id: uuid.UUID, *, lock_shared: bool = False
    ) -> DropdownDefinition:
        """A dropdown of this workspace, or DropdownNotFound."""
        query = select(DropdownDefinition).where(
            DropdownDefinition.id == definition_id,
            DropdownDefinition.workspace_id == self.workspace_id,
        )
        if lock_shared:
            query = query.with_for_update(read=True)
        definition = await self.session.scalar(query)
        if definition is None:
            raise DropdownNotFound(definition_id)
        return definition

    async def read_definition(
        self, definition: DropdownDefinition
    ) -> DropdownDefinitionRead:
        """A dropdown with its options in display order."""
        options = await self._options_of([definition.id])
        return _definition_read(definition, options.get(definition.id, []))

    async def create_definition(
        self, params: DropdownDefinitionCreate
    ) -> DropdownDefinitionRead:
        """Define a dropdown and its first options."""
        _check_name(params.name)
        ref = _clean_ref(params.ref)
        option_refs = [option.ref for option in params.options]
        if len(set(option_refs)) != len(option_refs):
            raise OptionRefTaken()
        await self._check_ref_free(ref)

        now = utcnow()
        definition = DropdownDefinition(
            id=uuid.uuid4(),
            workspace_id=self.workspace_id,
            name=params.name,
            ref=ref,
            icon_name=params.icon_name,
            is_ordered=params.is_ordered,
            required_on_closure=params.required_on_closure,
            position=params.position,
            created_at=now,
        )
        # Options of equal position list in creation order; one microsecond
        # apart, those given together keep the order of the request.
        options = [
            _new_option(definition.id, option, now + timedelta(microseconds=index))
            for index, option in enumerate(params.options)
        ]

        # The unique constraint settles a race between two equal refs.
        try:
            async with self.session.begin_nested():
                self.session.add(definition)
                await self.session.flush()
                self.session.add_all(options)
        except IntegrityError as error:
            raise DropdownRefTaken() from error
        return _definition_read(definition, sorted(options, key=_option_order))

    async def update_definition(
        self, definition_id: uuid.UUID, params: DropdownDefinitionUpdate
    ) -> DropdownDefinitionRead:
        """Change a dropdown; a new name without a ref regenerates the ref."""
        definition = await self.get_definition(definition_id)
        given = params.model_fields_set

        changes: dict[str, Any] = {
            key: getattr(params, key)
            for key in ("icon_name", "is_ordered", "required_on_closure", "position")
            if key in given
        }
        if "name" in given:
            changes["name"] = _check_name(params.name)
        if "ref" in given:
            changes["ref"] = _clean_ref(params.ref)
        elif "name" in given:
            changes["ref"] = ref_of_name(changes["name"])
            if not changes["ref"]:
                raise DropdownNameNotSluggable()
        if changes.get("ref", definition.ref) != definition.ref:
            await self._check_ref_free(changes["ref"])

        try:
            async with self.session.begin_nested():
                for key, value in changes.items():
                    setattr(definition, key, value)
        except IntegrityError as error:
            raise DropdownRefTaken() from error
        return await self.read_definition(definition)

    async def delete_definition(self, definition_id: uuid.UUID) -> None:
        """Delete a dropdown; its options and every case's choice go with it."""
        result = await self.session.execute(
            delete(DropdownDefinition).where(
                DropdownDefinition.id == definition_id,
                DropdownDefinition.workspace_id == self.workspace_id,
            )
        )
        if result.rowcount == 0:  # type: ignore[attr-defined]
            raise DropdownNotFound(definition_id)

    # Options.

    async def create_option(
        self, definition_id: uuid.UUID, params: DropdownOptionCreate
    ) -> DropdownOption:
        """Add a choice to a dropdown."""
        definition = await self.get_definition(definition_id)
        await self._check_option_ref_free(definition.id, params.ref)

        option = _new_option(definition.id, params, utcnow())
        try:
            async with self.session.begin_nested():
                self.session.add(option)
        except IntegrityError as error:
            raise OptionRefTaken() from error
        return option

    async def update_option(
        self,
        definition_id: uuid.UUID,
        option_id: uuid.UUID,
        params: DropdownOptionUpdate,
    ) -> DropdownOption:
        """Change a choice of a dropdown; keys left out keep their value."""
        option = await self._get_option(definition_id, option_id)
        changes = params.model_dump(exclude_unset=True)
        if changes.get("ref", option.ref) != option.ref:
            await self._check_option_ref_free(definition_id, changes["ref"])

        try:
            async with self.session.begin_nested():
                for key, value in changes.items():
                    setattr(option, key, value)
        except IntegrityError as error:
            raise OptionRefTaken() from error
        return option

    async def delete_option(
        self, definition_id: uuid.UUID, option_id: uuid.UUID
    ) -> None:
        """Remove a choice; the cases that had it chosen are left cleared."""
        option = await self._get_option(definition_id, option_id)

        # The foreign key sets the cases' choices to null (a cleared choice).
        await self.session.execute(
            delete(DropdownOption).where(DropdownOption.id == option.id)
        )

    async def reorder_options(
        self, definition_id: uuid.UUID, option_ids: list[uuid.UUID]
    ) -> None:
        """Give each listed option its index as position; others are ignored."""
        definition = await self.get_definition(definition_id)
        if not option_ids:
            return

        # A repeated id takes the index of its last occurrence.
        positions = {option_id: index for index, option_id in enumerate(option_ids)}
        await self.session.execute(
            update(DropdownOption)
            .where(
                DropdownOption.definition_id == definition.id,
                DropdownOption.id.in_(positions),
            )
            .values(position=when_then(positions, value=DropdownOption.id))
            .execution_options(synchronize_session=False)
        )

    # Each case's choices.

    async def values_of_case(self, case_id: uuid.UUID) -> list[CaseDropdownValueRead]:
        """A case's choices, cleared ones included; CaseNotFound if none."""
        await self._check_case(case_id)
        return await self._value_reads(CaseDropdownValue.case_id == case_id)

    async def set_value(
        self,
        case_id: uuid.UUID,
        definition_id: uuid.UUID,
        option_id: uuid.UUID | None,
    ) -> CaseDropdownValueRead:
        """Choose an option (or none) for a case; always recorded as an event."""
        # The case is locked first, as a case update locks it before its
        # dropdown choices: the same order everywhere cannot deadlock, and
        # each event's old choice is the one the previous event set.
        await self._check_case(case_id, lock=True)
        definition = await self.get_definition(definition_id, lock_shared=True)
        option = None
        if option_id is not None:
            option = await self.session.scalar(
                select(DropdownOption)
                .where(
                    DropdownOption.id == option_id,
                    DropdownOption.definition_id == definition.id,
                )
                .with_for_update(read=True)
            )
            if option is None:
                raise DropdownOptionNotFound(str(option_id), str(definition.id))

        await self.apply(case_id, [ResolvedSelection(definition, option)])

        (value,) = await self._value_reads(
            CaseDropdownValue.case_id == case_id,
            CaseDropdownValue.definition_id == definition.id,
        )
        return value

    async def resolve(
        self, selections: list[DropdownValueInput]
    ) -> list[ResolvedSelection]:
        """Resolve ids or refs; unknown definition or option → 404, a
        definition named twice → 422. Writes nothing."""
        if not selections:
            return []

        definitions = await self._definitions_named(selections)
        chosen: list[tuple[DropdownValueInput, DropdownDefinition]] = []
        seen: set[uuid.UUID] = set()
        for selection in selections:
            key = selection.definition_id or selection.definition_ref or ""
            reference = _definition_reference(selection)
            definition = definitions.get(key)
            if definition is None:
                raise DropdownDefinitionNotFound(reference)
            if definition.id in seen:
                raise DropdownSelectionRepeated(reference)
            seen.add(definition.id)
            chosen.append((selection, definition))

        options = await self._options_named(chosen)
        resolved = []
        for selection, definition in chosen:
            option = None
            if selection.option_id is not None:
                option = options.get((definition.id, selection.option_id))
                if option is None:
                    raise DropdownOptionNotFound(
                        str(selection.option_id), str(definition.id)
                    )
            elif selection.option_ref is not None:
                option = options.get((definition.id, selection.option_ref))
                if option is None:
                    raise DropdownOptionNotFound(
                        f"'{selection.option_ref}'", f"'{definition.ref}'"
                    )
            resolved.append(ResolvedSelection(definition, option))
        return resolved

    async def apply(
        self,
        case_id: uuid.UUID,
        selections: list[ResolvedSelection],
        *,
        record_events: bool = True,
    ) -> None:
        """Store each choice and record its `dropdown_value_changed` event.

        A case's creation records only `case_created`: it passes
        `record_events=False`. A choice equal to the current one is still
        recorded, as the reference does.
        """
        if not selections:
            return

        current = await self._current_choices(
            case_id, [selection.definition.id for selection in selections]
        )
        for selection in selections:
            definition, option = selection.definition, selection.option
            old_id, old_label = current.get(definition.id, (None, None))
            new_id = option.id if option is not None else None
            new_label = option.label if option is not None else None
            current[definition.id] = (new_id, new_label)
            if record_events:
                self.events.record(
                    case_id=case_id,
                    workspace_id=self.workspace_id,
                    actor=self.actor,
                    event_type=CaseEventType.DROPDOWN_VALUE_CHANGED,
                    definition_id=str(definition.id),
                    definition_ref=definition.ref,
                    definition_name=definition.name,
                    old_option_id=_str_or_none(old_id),
                    old_option_label=old_label,
                    new_option_id=_str_or_none(new_id),
                    new_option_label=new_label,
                )

        now = utcnow()
        final = {
            selection.definition.id: current[selection.definition.id][0]
            for selection in selections
        }
        await self._upsert(
            [
                {
                    "id": uuid.uuid4(),
                    "case_id": case_id,
                    "definition_id": definition_id,
                    "option_id": option_id,
                    "created_at": now,
                    "updated_at": now,
                }
                for definition_id, option_id in final.items()
            ]
        )

    async def values_for_cases(
        self, case_ids: list[uuid.UUID]
    ) -> dict[uuid.UUID, list[dict[str, Any]]]:
        """Each case's CaseDropdownValueRead dicts (cases without any: absent).

        One query for the whole page. Cleared choices are included, with null
        option keys, as `GET /cases/{id}/dropdowns` shows them; the dicts are
        JSON-ready (ids as strings).
        """
        if not case_ids:
            return {}

        rows = await self.session.execute(
            _value_query().where(
                CaseDropdownValue.case_id.in_(case_ids),
                DropdownDefinition.workspace_id == self.workspace_id,
            )
        )
        values: dict[uuid.UUID, list[dict[str, Any]]] = defaultdict(list)
        for row in rows:
            read = CaseDropdownValueRead.model_validate(row)
            values[row.case_id].append(read.model_dump(mode="json"))
        return dict(values)

    async def missing_on_closure(
        self, case_id: uuid.UUID, selections: list[ResolvedSelection]
    ) -> list[str]:
        """Names of required dropdowns with no option after current + selections."""
        rows = await self.session.execute(
            select(
                DropdownDefinition.id,
                DropdownDefinition.name,
                CaseDropdownValue.option_id,
            )
            .outerjoin(
                CaseDropdownValue,
                and_(
                    CaseDropdownValue.definition_id == DropdownDefinition.id,
                    CaseDropdownValue.case_id == case_id,
                ),
            )
            .where(
                DropdownDefinition.workspace_id == self.workspace_id,
                DropdownDefinition.required_on_closure.is_(True),
            )
            .order_by(*DEFINITION_ORDER)
        )
        chosen = {
            selection.definition.id: (
                selection.option.id if selection.option is not None else None
            )
            for selection in selections
        }
        return [
            name
            for definition_id, name, option_id in rows.tuples()
            if chosen.get(definition_id, option_id) is None
        ]

    # Helpers.

    async def _options_of(
        self, definition_ids: list[uuid.UUID]
    ) -> dict[uuid.UUID, list[DropdownOption]]:
        if not definition_ids:
            return {}

        found = await self.session.scalars(
            select(DropdownOption)
            .where(DropdownOption.definition_id.in_(definition_ids))
            .order_by(*OPTION_ORDER)
        )
        options: dict[uuid.UUID, list[DropdownOption]] = defaultdict(list)
        for option in found:
            options[option.definition_id].append(option)
        return options

    async def _get_option(
        self, definition_id: uuid.UUID, option_id: uuid.UUID
    ) -> DropdownOption:
        option = await self.session.scalar(
            select(DropdownOption)
            .join(
                DropdownDefinition,
                DropdownDefinition.id == DropdownOption.definition_id,
            )
            .where(
                DropdownOption.id == option_id,
                DropdownOption.definition_id == definition_id,
                DropdownDefinition.workspace_id == self.workspace_id,
            )
        )
        if option is None:
            # Name what is missing: the dropdown itself, or only the option.
            await self.get_definition(definition_id)
            raise DropdownOptionNotFound(str(option_id), str(definition_id))
        return option

    async def _check_ref_free(self, ref: str) -> None:
        taken = await self.session.scalar(
            select(DropdownDefinition.id).where(
                DropdownDefinition.workspace_id == self.workspace_id,
                DropdownDefinition.ref == ref,
            )
        )
        if taken is not None:
            raise DropdownRefTaken()

    async def _check_option_ref_free(self, definition_id: uuid.UUID, ref: str) -> None:
        taken = await self.session.scalar(
            select(DropdownOption.id).where(
                DropdownOption.definition_id == definition_id,
                DropdownOption.ref == ref,
            )
        )
        if taken is not None:
            raise OptionRefTaken()

    async def _check_case(self, case_id: uuid.UUID, *, lock: bool = False) -> None:
        mode = CaseLock.CASE if lock else CaseLock.NONE
        if not await case_in_workspace(
            self.session, self.workspace_id, case_id, lock=mode
        ):
            raise CaseNotFound(case_id)

    async def _definitions_named(
        self, selections: Sequence[DropdownValueInput]
    ) -> dict[uuid.UUID | str, DropdownDefinition]:
        """The named definitions, by id and by ref, in one query."""
        ids = {item.definition_id for item in selections if item.definition_id}
        refs = {item.definition_ref for item in selections if item.definition_ref}
        named = []
        if ids:
            named.append(DropdownDefinition.id.in_(ids))
        if refs:
            named.append(DropdownDefinition.ref.in_(refs))

        # Shared locks until commit: a concurrent delete of a chosen dropdown
        # or option waits for this write instead of breaking its foreign key.
        found = await self.session.scalars(
            select(DropdownDefinition)
            .where(DropdownDefinition.workspace_id == self.workspace_id, or_(*named))
            .with_for_update(read=True)
        )
        definitions: dict[uuid.UUID | str, DropdownDefinition] = {}
        for definition in found:
            definitions[definition.id] = definition
            definitions[definition.ref] = definition
        return definitions

    async def _options_named(
        self, chosen: Sequence[tuple[DropdownValueInput, DropdownDefinition]]
    ) -> dict[tuple[uuid.UUID, uuid.UUID | str], DropdownOption]:
        """The named options, by (definition, id) and (definition, ref)."""
        ids = {item.option_id for item, _ in chosen if item.option_id}
        refs = {item.option_ref for item, _ in chosen if item.option_ref}
        if not ids and not refs:
            return {}

        named = []
        if ids:
            named.append(DropdownOption.id.in_(ids))
        if refs:
            named.append(DropdownOption.ref.in_(refs))
        found = await self.session.scalars(
            select(DropdownOption)
            .where(
                DropdownOption.definition_id.in_(
                    {definition.id for _, definition in chosen}
                ),
                or_(*named),
            )
            .with_for_update(read=True)
        )
        options: dict[tuple[uuid.UUID, uuid.UUID | str], DropdownOption] = {}
        for option in found:
            options[(option.definition_id, option.id)] = option
            options[(option.definition_id, option.ref)] = option
        return options

    async def _current_choices(
        self, case_id: uuid.UUID, definition_ids: list[uuid.UUID]
    ) -> dict[uuid.UUID, tuple[uuid.UUID | None, str | None]]:
        rows = await self.session.execute(
            select(
                CaseDropdownValue.definition_id,
                CaseDropdownValue.option_id,
                DropdownOption.label,
            )
            .outerjoin(DropdownOption, DropdownOption.id == CaseDropdownValue.option_id)
            .where(
                CaseDropdownValue.case_id == case_id,
                CaseDropdownValue.definition_id.in_(definition_ids),
            )
        )
        return {
            definition_id: (option_id, label)
            for definition_id, option_id, label in rows.tuples()
        }

    async def _upsert(self, rows: list[dict[str, Any]]) -> None:
        # ON CONFLICT makes two requests choosing at once in a dropdown the
        # case had no choice in both succeed, the later one winning.
        # The chosen dropdowns and options are share-locked since `resolve`:
        # none can be deleted before this insert commits.
        insert = (
            postgresql.insert
            if self.session.bind.dialect.name == "postgresql"
            else sqlite.insert
        )
        statement = insert(VALUE_TABLE).values(rows)
        await self.session.execute(
            statement.on_conflict_do_update(
                index_elements=[VALUE_TABLE.c.case_id, VALUE_TABLE.c.definition_id],
                set_={
                    "option_id": statement.excluded.option_id,
                    "updated_at": statement.excluded.updated_at,
                },
            )
        )

    async def _value_reads(self, *conditions: Any) -> list[CaseDropdownValueRead]:
        rows = await self.session.execute(
            _value_query().where(
                DropdownDefinition.workspace_id == self.workspace_id, *conditions
            )
        )
        return [CaseDropdownValueRead.model_validate(row) for row in rows]


def _value_query() -> Any:
    """Choices with their dropdown and option, shaped as CaseDropdownValueRead."""
    return (
        select(
            CaseDropdownValue.id,
            CaseDropdownValue.case_id,
            CaseDropdownValue.definition_id,
            DropdownDefinition.ref.label("definition_ref"),
            DropdownDefinition.name.label("definition_name"),
            DropdownOption.id.label("option_id"),
            DropdownOption.label.label("option_label"),
            DropdownOption.ref.label("option_ref"),
            DropdownOption.icon_name.label("option_icon_name"),
            DropdownOption.color.label("option_color"),
        )
        .join(
            DropdownDefinition,
            DropdownDefinition.id == CaseDropdownValue.definition_id,
        )
        .outerjoin(DropdownOption, DropdownOption.id == CaseDropdownValue.option_id)
        .order_by(*DEFINITION_ORDER)
    )


def _definition_read(
    definition: DropdownDefinition, options: list[DropdownOption]
) -> DropdownDefinitionRead:
    return DropdownDefinitionRead(
        id=definition.id,
        name=definition.name,
        ref=definition.ref,
        icon_name=definition.icon_name,
        is_ordered=definition.is_ordered,
        required_on_closure=definition.required_on_closure,
        position=definition.position,
        options=[DropdownOptionRead.model_validate(option) for option in options],
    )


def _new_option(
    definition_id: uuid.UUID, params: DropdownOptionCreate, created_at: Any
) -> DropdownOption:
    return DropdownOption(
        id=uuid.uuid4(),
        definition_id=definition_id,
        label=params.label,
        ref=params.ref,
        icon_name=params.icon_name,
        color=params.color,
        position=params.position,
        created_at=created_at,
    )


def _option_order(option: DropdownOption) -> tuple[Any, ...]:
    return (option.position, option.created_at)


def _check_name(name: str | None) -> str:
    if name is None or not name.strip():
        raise DropdownNameEmpty()
    return name


def _clean_ref(ref: str | None) -> str:
    cleaned = (ref or "").strip()
    if not cleaned:
        raise DropdownRefEmpty()
    return cleaned


def _definition_reference(selection: DropdownValueInput) -> str:
    return selection.definition_ref or str(selection.definition_id)


def _str_or_none(value: uuid.UUID | None) -> str | None:
    return str(value) if value is not None else None
