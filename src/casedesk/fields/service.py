"""Custom field rules: definitions per workspace and typed values per case."""

import uuid
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import and_, delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm.attributes import flag_modified

from casedesk.auth.principal import Actor
from casedesk.errors import CasedeskError
from casedesk.fields.errors import (
    FieldNameTaken,
    FieldNotFound,
    InternalField,
    InvalidFieldDefinition,
    ReservedField,
    RetypeRefused,
    UnknownField,
)
from casedesk.fields.names import check_identifier, is_internal, is_reserved
from casedesk.fields.schemas import (
    CaseFieldCreate,
    CaseFieldRead,
    CaseFieldReadMinimal,
    CaseFieldUpdate,
    check_options_fit,
)
from casedesk.fields.types import (
    KIND_TYPES,
    OPTION_TYPES,
    FieldKind,
    FieldReadType,
    FieldType,
)
from casedesk.fields.values import (
    coerce,
    default_text,
    format_timestamp,
    is_empty,
    public_value,
    same_value,
    stored_columns,
)
from casedesk.models import Case, CaseField, CaseFieldValue
from casedesk.models.base import utcnow

# The fields every case has, listed first; their defaults as the reference
# shows its column defaults.
RESERVED_FIELDS = (
    ("id", FieldReadType.UUID, "gen_random_uuid()"),
    ("case_id", FieldReadType.UUID, None),
    ("created_at", FieldReadType.TIMESTAMPTZ, "now()"),
    ("updated_at", FieldReadType.TIMESTAMPTZ, "now()"),
)


@dataclass(frozen=True)
class FieldWrite:
    """Values for a case's custom fields, validated and normalized.

    `values` maps each field to its normalized public value (None clears it):
    what `GET /cases/{id}` will show, e.g. INTEGER `"5"` → 5, NUMERIC
    `"1.30"` → `"1.30"`. `definitions` holds every field of the workspace when
    `validate` built the write, so that a new case's defaults need no query.
    """

    values: dict[uuid.UUID, Any]
    fields: dict[uuid.UUID, CaseField]
    definitions: tuple[CaseField, ...] | None = field(default=None, compare=False)


@dataclass(frozen=True)
class FieldChange:
    """One field whose normalized value a write changed."""

    field: str
    old: Any
    new: Any


class CaseFieldService:
    """Defines a workspace's custom fields and keeps its cases' values."""

    def __init__(
        self, session: AsyncSession, *, workspace_id: uuid.UUID, actor: Actor
    ) -> None:
        self.session = session
        self.workspace_id = workspace_id
        self.actor = actor

    # Definitions.

    async def list_all(self) -> list[CaseFieldReadMinimal]:
        """The reserved fields, then the custom ones in creation order."""
        custom = [_minimal(definition) for definition in await self._definitions()]
        return [*_reserved_fields(), *custom]

    async def create(self, params: CaseFieldCreate) -> CaseFieldReadMinimal:
        """Define a field; its name is stored lower-cased."""
        name = params.name.lower()
        await self._check_name_free(params.name)

        field_type = params.type
        default = None
        if params.default is not None:
            default = coerce(
                params.default,
                name=name,
                field_type=field_type,
                options=params.options,
                for_default=True,
            )

        definition = CaseField(
            id=uuid.uuid4(),
            workspace_id=self.workspace_id,
            name=name,
            type=field_type.value,
            display_name=params.display_name or name,
            options=params.options,
            kind=params.kind.value if params.kind else None,
            required_on_closure=params.required_on_closure,
            default=default,
            created_at=utcnow(),
        )
        # The unique constraint settles a race between two equal names.
        try:
            async with self.session.begin_nested():
                self.session.add(definition)
        except IntegrityError as error:
            raise FieldNameTaken(name) from error
        return _minimal(definition)

    async def update(self, field_id: str, params: CaseFieldUpdate) -> None:
        """Change a field; a new type converts every stored value or nothing."""
        definition = await self._get_changeable(field_id)
        given = params.model_fields_set
        old_type = FieldType(definition.type)
        new_type = params.type or old_type
        retyping = new_type != old_type

        options = definition.options
        if "options" in given:
            options = params.options or None
        elif retyping and new_type not in OPTION_TYPES:
            options = None
        # A SELECT may lose its options (then it takes any text); a new type
        # needs them exactly as a new field would.
        if retyping or (options and new_type not in OPTION_TYPES):
            try:
                check_options_fit(new_type, options)
            except ValueError as error:
                raise InvalidFieldDefinition(str(error)) from error

        name = definition.name
        if params.name is not None and params.name.lower() != definition.name:
            await self._check_name_free(params.name)
            name = params.name.lower()

        default = definition.default
        if "default" in given:
            default = params.default
        if default is not None and (
            "default" in given or retyping or "options" in given
        ):
            default = coerce(
                default,
                name=name,
                field_type=new_type,
                options=options,
                for_default=True,
            )

        converted: list[tuple[CaseFieldValue, Any]] = []
        if retyping:
            converted = await self._converted_values(definition, new_type, options)

        if "display_name" in given:
            definition.display_name = params.display_name or name
        elif definition.display_name == definition.name:
            # A display name never chosen follows the name.
            definition.display_name = name
        definition.name = name
        definition.type = new_type.value
        definition.options = options
        definition.default = default
        flag_modified(definition, "options")
        flag_modified(definition, "default")
        if definition.kind and KIND_TYPES[FieldKind(definition.kind)] != new_type:
            definition.kind = None
        if params.required_on_closure is not None:
            definition.required_on_closure = params.required_on_closure
        now = utcnow()
        for row, value in converted:
            _store(row, new_type, value, now)

        try:
            async with self.session.begin_nested():
                await self.session.flush()
        except IntegrityError as error:
            raise FieldNameTaken(name) from error

    async def delete(self, field_id: str) -> None:
        """Delete a field and every case's value of it."""
        definition = await self._get_changeable(field_id)

        await self.session.execute(
            delete(CaseFieldValue).where(CaseFieldValue.field_id == definition.id)
        )
        await self.session.execute(
            delete(CaseField).where(CaseField.id == definition.id)
        )

    # Values of cases.

    async def validate(self, fields: dict[str, Any]) -> FieldWrite:
        """Check `fields` of a case write against the definitions.

        Raises the 400 errors of the reference (unknown field, reserved
        field, each type's value message). Writes nothing.
        """
        definitions = await self._definitions(for_values=True)
        by_name = {definition.name: definition for definition in definitions}

        values: dict[uuid.UUID, Any] = {}
        chosen: dict[uuid.UUID, CaseField] = {}
        for key, raw in fields.items():
            if is_internal(key):
                raise InternalField(key)
            if is_reserved(key):
                raise ReservedField(key)
            definition = by_name.get(key.lower())
            if definition is None:
                raise UnknownField(key)

            values[definition.id] = None
            if raw is not None:
                values[definition.id] = coerce(
                    raw,
                    name=definition.name,
                    field_type=FieldType(definition.type),
                    options=definition.options,
                )
            chosen[definition.id] = definition
        return FieldWrite(values=values, fields=chosen, definitions=tuple(definitions))

    async def write(
        self, case_id: uuid.UUID, write: FieldWrite, *, is_new_case: bool = False
    ) -> list[FieldChange]:
        """Store the values; return the changes, in the request's key order.

        For a new case, defaults of fields not given are stored as well (and
        are not reported as changes).
        """
        rows: dict[uuid.UUID, CaseFieldValue] = {}
        if write.values and not is_new_case:
            found = await self.session.scalars(
                select(CaseFieldValue).where(
                    CaseFieldValue.case_id == case_id,
                    CaseFieldValue.field_id.in_(list(write.values)),
                )
            )
            rows = {row.field_id: row for row in found}

        now = utcnow()
        changes = []
        for field_id, new in write.values.items():
            definition = write.fields[field_id]
            field_type = FieldType(definition.type)
            row = rows.get(field_id)
            old = public_value(field_type, row) if row is not None else None
            if same_value(field_type, old, new):
                continue

            if new is None:
                await self.session.delete(row)
            elif row is None:
                row = CaseFieldValue(case_id=case_id, field_id=field_id)
                _store(row, field_type, new, now)
                self.session.add(row)
            else:
                _store(row, field_type, new, now)
            changes.append(FieldChange(field=definition.name, old=old, new=new))

        if is_new_case:
            await self._store_defaults(case_id, write, now)
        await self.session.flush()
        return changes

    async def read_for_case(self, case: Case) -> list[dict[str, Any]]:
        """`CaseRead.fields`: the reserved entries, then every field with value."""
        found = await self.session.execute(
            select(CaseField, CaseFieldValue)
            .outerjoin(
                CaseFieldValue,
                and_(
                    CaseFieldValue.field_id == CaseField.id,
                    CaseFieldValue.case_id == case.id,
                ),
            )
            .where(CaseField.workspace_id == self.workspace_id)
            .order_by(CaseField.created_at, CaseField.id)
        )
        pairs = list(found.tuples())

        stamps = [row.updated_at for _, row in pairs if row is not None]
        updated_at = max(stamps, default=case.created_at)
        reserved_values = {
            "id": str(case.id),
            "case_id": str(case.id),
            "created_at": format_timestamp(case.created_at),
            "updated_at": format_timestamp(updated_at),
        }
        entries = [
            CaseFieldRead(**entry.model_dump(), value=reserved_values[entry.id])
            for entry in _reserved_fields()
        ]
        for definition, row in pairs:
            value = None
            if row is not None:
                value = public_value(FieldType(definition.type), row)
            entries.append(
                CaseFieldRead(**_minimal(definition).model_dump(), value=value)
            )
        return [entry.model_dump(mode="json") for entry in entries]

    async def values_for_cases(
        self, case_ids: list[uuid.UUID], names: list[str]
    ) -> dict[uuid.UUID, dict[str, Any]]:
        """`field_values` of list items: each case's set values of `names`.

        Every case id maps to an object of the requested fields whose value is
        not null, in the order asked (the reference's shape). A name that is
        no field of the workspace is skipped, as the reference does.
        """
        found: dict[uuid.UUID, dict[str, Any]] = {case_id: {} for case_id in case_ids}
        wanted = list(dict.fromkeys(name.lower() for name in names))
        if not case_ids or not wanted:
            return found

        rows = await self.session.execute(
            select(CaseFieldValue, CaseField.name, CaseField.type)
            .join(CaseField, CaseField.id == CaseFieldValue.field_id)
            .where(
                CaseField.workspace_id == self.workspace_id,
                CaseField.name.in_(wanted),
                CaseFieldValue.case_id.in_(case_ids),
            )
        )
        values: dict[tuple[uuid.UUID, str], Any] = {}
        for row, name, field_type in rows.tuples():
            values[(row.case_id, name)] = public_value(FieldType(field_type), row)

        for case_id, of_case in found.items():
            for name in wanted:
                value = values.get((case_id, name))
                if value is not None:
                    of_case[name] = value
        return found

    async def missing_on_closure(
        self, case_id: uuid.UUID, write: FieldWrite | None
    ) -> list[str]:
        """Names of `required_on_closure` fields left empty by current + write."""
        found = await self.session.execute(
            select(CaseField, CaseFieldValue)
            .outerjoin(
                CaseFieldValue,
                and_(
                    CaseFieldValue.field_id == CaseField.id,
                    CaseFieldValue.case_id == case_id,
                ),
            )
            .where(
                CaseField.workspace_id == self.workspace_id,
                CaseField.required_on_closure.is_(True),
            )
            .order_by(CaseField.created_at, CaseField.id)
        )

        missing = []
        for definition, row in found.tuples():
            if write is not None and definition.id in write.values:
                value = write.values[definition.id]
            elif row is not None:
                value = public_value(FieldType(definition.type), row)
            else:
                value = None
            if is_empty(value):
                missing.append(definition.name)
        return missing

    # Helpers.

    async def _definitions(self, *, for_values: bool = False) -> list[CaseField]:
        query = (
            select(CaseField)
            .where(CaseField.workspace_id == self.workspace_id)
            .order_by(CaseField.created_at, CaseField.id)
        )
        if for_values:
            # Values are checked against these definitions and written later
            # in the transaction: a shared lock keeps a concurrent retype or
            # delete of a field waiting until they are, instead of the write
            # landing in the wrong column or on a deleted field.
            query = query.with_for_update(read=True)
        return list(await self.session.scalars(query))

    async def _check_name_free(self, given: str) -> None:
        name = given.lower()
        if is_internal(name):
            raise InternalField(given)
        if is_reserved(name):
            raise FieldNameTaken(name)

        taken = await self.session.scalar(
            select(CaseField.id).where(
                CaseField.workspace_id == self.workspace_id, CaseField.name == name
            )
        )
        if taken is not None:
            raise FieldNameTaken(name)

    async def _get_changeable(self, field_id: str) -> CaseField:
        """The custom field named by a path id; reserved ones are refused."""
        check_identifier(field_id)
        if is_internal(field_id) or is_reserved(field_id):
            raise ReservedField(field_id)

        # Locked: a change waits for case writes holding the definitions
        # shared, and later writes wait for the change.
        definition = await self.session.scalar(
            select(CaseField)
            .where(
                CaseField.workspace_id == self.workspace_id,
                CaseField.name == field_id.lower(),
            )
            .with_for_update()
        )
        if definition is None:
            raise FieldNotFound(field_id)
        return definition

    async def _converted_values(
        self, definition: CaseField, new_type: FieldType, options: list[str] | None
    ) -> list[tuple[CaseFieldValue, Any]]:
        """Every stored value of the field in the new type; refused if one fails."""
        # XXX(perf): loads every value of the field at once; a field set on
        # millions of cases makes one large retype transaction.
        old_type = FieldType(definition.type)
        found = await self.session.execute(
            select(CaseFieldValue, Case.number)
            .join(Case, Case.id == CaseFieldValue.case_id)
            .where(CaseFieldValue.field_id == definition.id)
            .order_by(Case.number)
        )

        converted = []
        for row, number in found.tuples():
            try:
                value = coerce(
                    public_value(old_type, row),
                    name=definition.name,
                    field_type=new_type,
                    options=options,
                )
            except CasedeskError as error:
                short_id = f"CASE-{number:04d}"
                raise RetypeRefused(
                    definition.name, new_type, short_id, error.message
                ) from error
            converted.append((row, value))
        return converted

    async def _store_defaults(
        self, case_id: uuid.UUID, write: FieldWrite, now: Any
    ) -> None:
        definitions = write.definitions
        if definitions is None:
            definitions = tuple(await self._definitions(for_values=True))

        for definition in definitions:
            if definition.default is None or definition.id in write.values:
                continue
            row = CaseFieldValue(case_id=case_id, field_id=definition.id)
            _store(row, FieldType(definition.type), definition.default, now)
            self.session.add(row)


def _store(row: CaseFieldValue, field_type: FieldType, value: Any, now: Any) -> None:
    """Write a public value into the row's typed columns."""
    for column, stored in stored_columns(field_type, value).items():
        setattr(row, column, stored)
    # The ORM compares JSON with ==, where 1 equals true: without the flag,
    # swapping one for the other would never be written.
    flag_modified(row, "json_value")
    row.updated_at = now


def _reserved_fields() -> list[CaseFieldReadMinimal]:
    return [
        CaseFieldReadMinimal(
            id=name,
            display_name=name,
            type=read_type,
            nullable=False,
            default=default,
            reserved=True,
        )
        for name, read_type, default in RESERVED_FIELDS
    ]


def _minimal(definition: CaseField) -> CaseFieldReadMinimal:
    field_type = FieldType(definition.type)
    return CaseFieldReadMinimal(
        id=definition.name,
        display_name=definition.display_name,
        type=FieldReadType(field_type.value),
        nullable=True,
        default=default_text(field_type, definition.default),
        reserved=False,
        options=definition.options,
        kind=FieldKind(definition.kind) if definition.kind else None,
        required_on_closure=definition.required_on_closure,
    )
