"""Case search filters: from query parameters to SQL conditions.

One `CaseFilters` value describes what a caller asked for. The FastAPI
dependencies `search_filters` (every filter of `GET /cases/search`) and
`aggregate_filters` (the same without `short_id`) build it and refuse
malformed input; `await filters.resolve(session, workspace_id)` then looks
up the named tags, dropdown options and custom fields and returns
`ResolvedFilters`: the `conditions` to AND into a query over `Case` (the
workspace condition not included) and a `signature` binding cursors to them.

    filters: SearchFilters  # in a route's parameters
    resolved = await filters.resolve(session, workspace_id)
    select(Case).where(Case.workspace_id == workspace_id, *resolved.conditions)

Every condition is one an index serves: see migration 0005 for the text
indexes (pg_trgm GIN on PostgreSQL, an FTS5 trigram table on SQLite).
"""

import json
import re
import uuid
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Annotated, Any

from fastapi import Depends, Query, Request
from sqlalchemy import (
    ColumnElement,
    String,
    and_,
    cast,
    column,
    false,
    func,
    literal,
    literal_column,
    or_,
    select,
    table,
    true,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.ext.asyncio import AsyncSession

from casedesk.cases.enums import CasePriority, CaseSeverity, CaseStatus
from casedesk.errors import BadRequest, Unprocessable
from casedesk.fields.errors import InvalidFieldValue, UnstorableFieldValue
from casedesk.fields.types import FieldType
from casedesk.fields.values import coerce, stored_columns
from casedesk.models import (
    Case,
    CaseField,
    CaseFieldValue,
    CaseTag,
    CaseTagLink,
    DropdownDefinition,
    DropdownOption,
)
from casedesk.models.dropdown import CaseDropdownValue
from casedesk.tags.schemas import slugify

SEARCH_TERM_MAX_LENGTH = 1000
FIELD_PREFIX = "fields."
UNASSIGNED = frozenset({"unassigned", "__UNASSIGNED__"})
# Shortest term a trigram index can serve; shorter ones scan the workspace.
TRIGRAM_LENGTH = 3
# `case.number` is a 32-bit integer: a longer short id names no case.
CASE_NUMBER_MAX = 2**31 - 1

_SHORT_ID = re.compile(r"(?:CASE-)?([0-9]+)")
# Digits beyond which a number is certainly above CASE_NUMBER_MAX; `int()` of
# thousands of digits would raise rather than compare.
_SHORT_ID_MAX_DIGITS = 20
# Values one repeated filter may list; more is a mistake, not a query.
MAX_FILTER_VALUES = 100
# A term, upper-cased, that can only be found in a short id's digits: an end
# of `CASE-` running into digits, or digits alone.
_SHORT_ID_DIGITS = re.compile(r"(?:(?:CASE|ASE|SE|E)?-)?\d+")
_SHORT_ID_PREFIX = "CASE-"
_RANGE_TYPES = frozenset(
    {FieldType.INTEGER, FieldType.NUMERIC, FieldType.DATE, FieldType.TIMESTAMPTZ}
)
_UNSORTABLE_TYPES = frozenset({FieldType.JSONB, FieldType.MULTI_SELECT})
# The indexed column holding each type's value, as `stored_columns` writes it:
# texts by the prefix `text_key` (whole dates fit in it).
_VALUE_COLUMN = {
    FieldType.TEXT: "text_key",
    FieldType.SELECT: "text_key",
    FieldType.DATE: "text_key",
    FieldType.INTEGER: "integer_value",
    FieldType.BOOLEAN: "integer_value",
    FieldType.NUMERIC: "numeric_value",
    FieldType.TIMESTAMPTZ: "timestamp_value",
    FieldType.JSONB: "json_value",
    FieldType.MULTI_SELECT: "json_value",
}


class TagsMatch(StrEnum):
    """Whether a case needs any of the `tags` or all of them."""

    ANY = "any"
    ALL = "all"


class FieldOperator(StrEnum):
    """How a `fields.NAME…` parameter compares the field's value."""

    EQ = "eq"
    GTE = "gte"
    LTE = "lte"


@dataclass(frozen=True)
class FieldFilterParam:
    """One `fields.…=VALUE` query parameter, not yet checked against fields."""

    key: str
    value: str


@dataclass(frozen=True)
class ResolvedFilters:
    """Conditions over `Case` and the signature that binds cursors to them."""

    conditions: list[ColumnElement[bool]]
    signature: dict[str, Any]


@dataclass(frozen=True)
class FieldSort:
    """A custom field to sort by: the field and the column holding its value."""

    field_id: uuid.UUID
    name: str
    type: FieldType
    column: str


@dataclass(frozen=True)
class CaseFilters:
    """A case search's filters, combined with AND; values of one filter OR.

    Syntax is checked when the value is built (see `search_filters`); names
    of tags, dropdown options and custom fields are looked up by `resolve`.
    An empty `CaseFilters()` matches every case of the workspace.
    """

    search_term: str | None = None
    short_id: int | None = None
    status: tuple[CaseStatus, ...] = ()
    priority: tuple[CasePriority, ...] = ()
    severity: tuple[CaseSeverity, ...] = ()
    tags: tuple[str, ...] = ()
    tags_match: TagsMatch = TagsMatch.ANY
    # (definition ref, option ref) pairs.
    dropdown: tuple[tuple[str, str], ...] = ()
    created_from: datetime | None = None
    created_to: datetime | None = None
    updated_from: datetime | None = None
    updated_to: datetime | None = None
    assignee_ids: tuple[uuid.UUID, ...] = ()
    unassigned: bool = False
    fields: tuple[FieldFilterParam, ...] = field(default=())

    async def resolve(
        self, session: AsyncSession, workspace_id: uuid.UUID
    ) -> ResolvedFilters:
        """The conditions over `Case`, looking up what the filters name.

        Raises Unprocessable (422) for an unknown tag, dropdown option,
        custom field or operator, or a field value of the wrong type.
        """
        dialect = session.get_bind().dialect.name
        conditions: list[ColumnElement[bool]] = []
        signature: dict[str, Any] = {}

        if self.search_term is not None:
            conditions.append(text_condition(self.search_term, dialect))
            signature["search_term"] = self.search_term
        if self.short_id is not None:
            matches = Case.number == self.short_id
            conditions.append(matches if self.short_id <= CASE_NUMBER_MAX else false())
            signature["short_id"] = self.short_id
        for name, values, column_ in (
            ("status", self.status, Case.status),
            ("priority", self.priority, Case.priority),
            ("severity", self.severity, Case.severity),
        ):
            if values:
                conditions.append(column_.in_(values))
                signature[name] = sorted({value.value for value in values})
        if self.tags:
            tag_ids = await _tag_ids(session, workspace_id, self.tags)
            conditions.append(_tag_condition(tag_ids, self.tags_match))
            signature["tags"] = sorted(str(tag_id) for tag_id in tag_ids)
            signature["tags_match"] = self.tags_match.value
        if self.dropdown:
            chosen = await _dropdown_options(session, workspace_id, self.dropdown)
            conditions.extend(_dropdown_conditions(chosen))
            signature["dropdown"] = sorted(
                [str(definition), sorted(str(option) for option in options)]
                for definition, options in chosen.items()
            )
        for name, bound, later in (
            ("created_from", self.created_from, True),
            ("created_to", self.created_to, False),
            ("updated_from", self.updated_from, True),
            ("updated_to", self.updated_to, False),
        ):
            if bound is not None:
                stamp = (
                    Case.created_at if name.startswith("created") else Case.updated_at
                )
                conditions.append(stamp >= bound if later else stamp <= bound)
                signature[name] = bound.isoformat()
        if self.assignee_ids or self.unassigned:
            conditions.append(self._assignee_condition())
            signature["assignee"] = sorted(str(user) for user in self.assignee_ids)
            signature["unassigned"] = self.unassigned
        if self.fields:
            field_conditions, field_signature = await _field_conditions(
                session, workspace_id, self.fields, dialect
            )
            conditions.extend(field_conditions)
            signature["fields"] = field_signature
        return ResolvedFilters(conditions=conditions, signature=signature)

    def _assignee_condition(self) -> ColumnElement[bool]:
        either = []
        if self.assignee_ids:
            either.append(Case.assignee_id.in_(self.assignee_ids))
        if self.unassigned:
            either.append(Case.assignee_id.is_(None))
        return or_(*either)


# Text search.


def text_condition(term: str, dialect: str) -> ColumnElement[bool]:
    """Cases whose summary, description or short id contain `term` literally.

    Case-insensitive; accent-insensitive on PostgreSQL only (SQLite 3.40's
    trigram tokenizer cannot remove diacritics). A term shorter than three
    characters gives a trigram index nothing to look up: SQLite then scans
    the workspace's cases with LIKE, which folds ASCII letters only, and
    PostgreSQL's planner may scan too.
    """
    folded = term.upper()
    if folded and folded in _SHORT_ID_PREFIX:
        # Every short id contains `CASE-`, so every case matches.
        return true()

    pattern = f"%{_escape_like(term)}%"
    either: list[ColumnElement[bool]] = []
    if dialect == "postgresql":
        either.extend(
            func.casedesk_unaccent(text).ilike(
                func.casedesk_unaccent(pattern), escape="\\"
            )
            for text in (Case.summary, Case.description)
        )
    elif len(term) >= TRIGRAM_LENGTH:
        either.append(_fts_match(term))
    else:
        either.extend(
            text.like(pattern, escape="\\") for text in (Case.summary, Case.description)
        )

    if _SHORT_ID_DIGITS.fullmatch(folded):
        either.append(_short_id_text(dialect).like(f"%{folded}%"))
    return or_(*either)


def _fts_match(term: str) -> ColumnElement[bool]:
    """SQLite: rowids the FTS5 trigram index finds, in a subquery of its own."""
    case_search = table("case_search", column("rowid"), column("case_search"))
    # A quoted FTS5 string is one phrase; only `"` needs escaping inside it.
    phrase = '"' + term.replace('"', '""') + '"'
    matching = select(case_search.c.rowid).where(
        case_search.c.case_search.op("MATCH")(literal(phrase))
    )
    return literal_column('"case".rowid').in_(matching)


def _short_id_text(dialect: str) -> ColumnElement[str]:
    if dialect == "postgresql":
        # An IMMUTABLE function of migration 0005, so a GIN index serves it.
        return func.casedesk_short_id(Case.number)
    return literal(_SHORT_ID_PREFIX, String) + func.printf("%04d", Case.number)


def _escape_like(term: str) -> str:
    return term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


# Tags and dropdowns.


async def _tag_ids(
    session: AsyncSession, workspace_id: uuid.UUID, identifiers: tuple[str, ...]
) -> list[uuid.UUID]:
    """Each tag named by id, ref, or a name whose slug is a ref; 422 if unknown."""
    ids = []
    for identifier in identifiers:
        as_uuid = _uuid_or_none(identifier)
        refs = {identifier, slugify(identifier)}
        named: ColumnElement[bool] = CaseTag.ref.in_(refs)
        if as_uuid is not None:
            named = or_(CaseTag.id == as_uuid, named)
        found = list(
            await session.execute(
                select(CaseTag.id, CaseTag.ref).where(
                    CaseTag.workspace_id == workspace_id, named
                )
            )
        )
        # An id wins over a ref, and a ref given verbatim over a slug of it.
        ranked = sorted(
            found,
            key=lambda row: (row.id != as_uuid, row.ref != identifier),
        )
        if not ranked:
            raise Unprocessable(f"Unknown tag: {identifier}")
        ids.append(ranked[0].id)
    return list(dict.fromkeys(ids))


def _tag_condition(tag_ids: list[uuid.UUID], match: TagsMatch) -> ColumnElement[bool]:
    if match == TagsMatch.ANY:
        return Case.id.in_(
            select(CaseTagLink.case_id).where(CaseTagLink.tag_id.in_(tag_ids))
        )
    return and_(
        *(
            Case.id.in_(select(CaseTagLink.case_id).where(CaseTagLink.tag_id == tag_id))
            for tag_id in tag_ids
        )
    )


async def _dropdown_options(
    session: AsyncSession,
    workspace_id: uuid.UUID,
    entries: tuple[tuple[str, str], ...],
) -> dict[uuid.UUID, list[uuid.UUID]]:
    """Option ids by definition id; 422 for an entry naming no option."""
    definition_refs = {definition for definition, _ in entries}
    rows = await session.execute(
        select(DropdownDefinition.ref, DropdownOption.ref, DropdownOption)
        .join(DropdownOption, DropdownOption.definition_id == DropdownDefinition.id)
        .where(
            DropdownDefinition.workspace_id == workspace_id,
            DropdownDefinition.ref.in_(definition_refs),
        )
    )
    known = {(row[0], row[1]): row[2] for row in rows}

    chosen: dict[uuid.UUID, list[uuid.UUID]] = {}
    for entry in entries:
        option = known.get(entry)
        if option is None:
            raise Unprocessable(f"Unknown dropdown option: '{entry[0]}:{entry[1]}'")
        options = chosen.setdefault(option.definition_id, [])
        if option.id not in options:
            options.append(option.id)
    return chosen


def _dropdown_conditions(
    chosen: dict[uuid.UUID, list[uuid.UUID]],
) -> list[ColumnElement[bool]]:
    # OR within one dropdown, AND across dropdowns.
    return [
        Case.id.in_(
            select(CaseDropdownValue.case_id).where(
                CaseDropdownValue.definition_id == definition_id,
                CaseDropdownValue.option_id.in_(option_ids),
            )
        )
        for definition_id, option_ids in chosen.items()
    ]


# Custom fields.


async def field_sort(
    session: AsyncSession, workspace_id: uuid.UUID, name: str
) -> FieldSort:
    """The custom field `order_by=fields.NAME` sorts by; 422 if it cannot."""
    lowered = name.lower()
    definitions = await _fields_named(session, workspace_id, {lowered})
    definition = definitions.get(lowered)
    if definition is None:
        raise Unprocessable(f"Unknown field in order_by: '{name}'")
    field_type = FieldType(definition.type)
    if field_type in _UNSORTABLE_TYPES:
        raise Unprocessable(f"Field '{lowered}' is {field_type} and cannot be sorted")
    return FieldSort(
        field_id=definition.id,
        name=lowered,
        type=field_type,
        column=_VALUE_COLUMN[field_type],
    )


async def _fields_named(
    session: AsyncSession, workspace_id: uuid.UUID, names: set[str]
) -> dict[str, CaseField]:
    found = await session.scalars(
        select(CaseField).where(
            CaseField.workspace_id == workspace_id, CaseField.name.in_(names)
        )
    )
    return {definition.name: definition for definition in found}


def _split_field_key(key: str) -> tuple[str, str | None]:
    """`NAME__OP` as (NAME, OP); a key without `__` as (key, None)."""
    base, separator, operator = key.rpartition("__")
    if not separator or not base:
        return key, None
    return base, operator


async def _field_conditions(
    session: AsyncSession,
    workspace_id: uuid.UUID,
    params: tuple[FieldFilterParam, ...],
    dialect: str,
) -> tuple[list[ColumnElement[bool]], list[Any]]:
    keys = {param.key.lower() for param in params}
    candidates = keys | {_split_field_key(key)[0] for key in keys}
    definitions = await _fields_named(session, workspace_id, candidates)

    # Equality values of one field OR; bounds AND.
    grouped: dict[tuple[uuid.UUID, FieldOperator], list[Any]] = {}
    fields_by_id: dict[uuid.UUID, CaseField] = {}
    for param in params:
        definition, operator = _field_and_operator(param.key, definitions)
        value = _query_value(definition, operator, param.value)
        fields_by_id[definition.id] = definition
        grouped.setdefault((definition.id, operator), []).append(value)

    conditions = []
    signature = []
    for (field_id, operator), values in grouped.items():
        definition = fields_by_id[field_id]
        field_type = FieldType(definition.type)
        if operator == FieldOperator.EQ:
            matches = or_(
                *(_field_equals(field_type, value, dialect) for value in values)
            )
            conditions.append(_with_field_value(field_id, matches))
        else:
            conditions.extend(
                _with_field_value(field_id, _field_bound(field_type, operator, value))
                for value in values
            )
        signature.append(
            [str(field_id), operator.value, sorted(json.dumps(v) for v in values)]
        )
    signature.sort()
    return conditions, signature


def _field_and_operator(
    key: str, definitions: dict[str, CaseField]
) -> tuple[CaseField, FieldOperator]:
    """The field and operator a `fields.KEY` parameter names; 422 if neither."""
    lowered = key.lower()
    if lowered in definitions:
        return definitions[lowered], FieldOperator.EQ

    base, operator = _split_field_key(lowered)
    if operator is None or base not in definitions:
        name = base if operator in (FieldOperator.GTE, FieldOperator.LTE) else lowered
        raise Unprocessable(f"Unknown field in {FIELD_PREFIX}{key}: '{name}'")
    if operator not in (FieldOperator.GTE, FieldOperator.LTE):
        raise Unprocessable(
            f"Unknown operator in {FIELD_PREFIX}{key}: '{operator}' "
            "(use NAME, NAME__gte or NAME__lte)"
        )

    definition = definitions[base]
    if FieldType(definition.type) not in _RANGE_TYPES:
        raise Unprocessable(
            f"Field '{base}' is {definition.type}: __gte and __lte apply to "
            "INTEGER, NUMERIC, DATE and TIMESTAMPTZ fields only"
        )
    return definition, FieldOperator(operator)


def _query_value(definition: CaseField, operator: FieldOperator, raw: str) -> Any:
    """The public value a query string names, as the field's type reads it."""
    field_type = FieldType(definition.type)
    name = definition.name
    given: Any = raw
    if field_type == FieldType.BOOLEAN:
        given = {"true": True, "false": False}.get(raw.strip().lower(), raw)
    elif field_type == FieldType.JSONB:
        try:
            given = json.loads(raw)
        except ValueError as error:
            raise Unprocessable(
                f"Invalid value for field '{name}': not a JSON document"
            ) from error
    elif field_type == FieldType.MULTI_SELECT:
        given = [raw]

    try:
        public = coerce(
            given, name=name, field_type=field_type, options=definition.options
        )
    except (InvalidFieldValue, UnstorableFieldValue) as error:
        raise Unprocessable(
            f"Invalid value for field '{name}': {error.message}"
        ) from error
    return public[0] if field_type == FieldType.MULTI_SELECT else public


def _with_field_value(
    field_id: uuid.UUID, matches: ColumnElement[bool]
) -> ColumnElement[bool]:
    # Each typed column's index starts with field_id, so this subquery is an
    # index range scan; the case is then found by its primary key.
    return Case.id.in_(
        select(CaseFieldValue.case_id).where(
            CaseFieldValue.field_id == field_id, matches
        )
    )


def _stored(field_type: FieldType, public: Any) -> tuple[Any, Any]:
    """The column and the value it holds for `public`."""
    column_name = _VALUE_COLUMN[field_type]
    stored = stored_columns(field_type, public)[column_name]
    if field_type == FieldType.NUMERIC:
        stored = Decimal(public)
    return getattr(CaseFieldValue, column_name), stored


def _field_equals(
    field_type: FieldType, public: Any, dialect: str
) -> ColumnElement[bool]:
    if field_type == FieldType.MULTI_SELECT:
        if dialect == "postgresql":
            return CaseFieldValue.json_value.op("@>")(
                cast(literal(json.dumps([public])), JSONB)
            )
        chosen = func.json_each(CaseFieldValue.json_value).table_valued("value")
        return (
            select(literal(1)).select_from(chosen).where(chosen.c.value == public)
        ).exists()
    if field_type == FieldType.JSONB:
        document = json.dumps(public, sort_keys=True)
        if dialect == "postgresql":
            return CaseFieldValue.json_value == cast(literal(document), JSONB)
        # XXX(search): SQLite compares minified JSON text, so objects equal
        # only with their keys in the same order.
        return func.json(CaseFieldValue.json_value) == func.json(json.dumps(public))

    column_, stored = _stored(field_type, public)
    if _VALUE_COLUMN[field_type] == "text_key":
        # The indexed prefix narrows; the whole text decides.
        return and_(column_ == stored, CaseFieldValue.text_value == public)
    matches: ColumnElement[bool] = column_ == stored
    return matches


def _field_bound(
    field_type: FieldType, operator: FieldOperator, public: Any
) -> ColumnElement[bool]:
    column_, stored = _stored(field_type, public)
    bounded: ColumnElement[bool] = (
        column_ >= stored if operator == FieldOperator.GTE else column_ <= stored
    )
    return bounded


# Query parameters.


def _uuid_or_none(text: str) -> uuid.UUID | None:
    try:
        return uuid.UUID(text)
    except ValueError:
        return None


def _as_utc(stamp: datetime | None) -> datetime | None:
    """A query bound in UTC; one without an offset is read as UTC."""
    if stamp is None:
        return None
    if stamp.tzinfo is None:
        return stamp.replace(tzinfo=UTC)
    try:
        return stamp.astimezone(UTC)
    except OverflowError:
        # e.g. 0001-01-01T00:00:00+01:00, which is before the first UTC day.
        raise Unprocessable(
            "The time range is out of the representable dates"
        ) from None


def parse_short_id(text: str) -> int:
    """The case number `42`, `CASE-0042` or `case-42` names; 400 otherwise."""
    found = _SHORT_ID.fullmatch(text.strip().upper())
    if found is None:
        raise BadRequest("Short ID must match CASE-<number> or <number>")
    digits = found.group(1).lstrip("0") or "0"
    if len(digits) > _SHORT_ID_MAX_DIGITS:
        return CASE_NUMBER_MAX + 1
    return int(digits)


def _check_search_term(term: str) -> str:
    if len(term) > SEARCH_TERM_MAX_LENGTH:
        raise BadRequest(
            f"Search term cannot exceed {SEARCH_TERM_MAX_LENGTH} characters"
        )
    if "\x00" in term:
        raise BadRequest("Search term cannot contain null bytes")
    return term


def _dropdown_entry(entry: str) -> tuple[str, str]:
    definition, colon, option = entry.partition(":")
    if not colon:
        raise BadRequest(
            f"Invalid dropdown filter format: '{entry}'. "
            "Expected 'definition_ref:option_ref'."
        )
    return definition, option


def _field_params(request: Request) -> tuple[FieldFilterParam, ...]:
    return tuple(
        FieldFilterParam(key=key.removeprefix(FIELD_PREFIX), value=value)
        for key, value in request.query_params.multi_items()
        if key.startswith(FIELD_PREFIX)
    )


def aggregate_filters(
    request: Request,
    search_term: Annotated[
        str | None,
        Query(
            description="Text found, literally and case-insensitively, in the "
            "summary, the description or the `CASE-NNNN` short id. At most 1000 "
            "characters."
        ),
    ] = None,
    status: Annotated[list[CaseStatus] | None, Query()] = None,
    priority: Annotated[list[CasePriority] | None, Query()] = None,
    severity: Annotated[list[CaseSeverity] | None, Query()] = None,
    tags: Annotated[
        list[str] | None,
        Query(description="Tag ids or refs; an unknown tag is 422."),
    ] = None,
    tags_match: Annotated[
        TagsMatch, Query(description="Cases with `any` of the tags, or `all`.")
    ] = TagsMatch.ANY,
    dropdown: Annotated[
        list[str] | None,
        Query(
            description="`definition_ref:option_ref`; OR within a dropdown, AND "
            "across dropdowns."
        ),
    ] = None,
    start_time: Annotated[
        datetime | None,
        Query(description="Created at or after (no offset means UTC)."),
    ] = None,
    end_time: Annotated[
        datetime | None,
        Query(description="Created at or before (no offset means UTC)."),
    ] = None,
    updated_after: Annotated[
        datetime | None,
        Query(description="Updated at or after (no offset means UTC)."),
    ] = None,
    updated_before: Annotated[
        datetime | None,
        Query(description="Updated at or before (no offset means UTC)."),
    ] = None,
    assignee_id: Annotated[
        list[str] | None,
        Query(description="User ids, or `unassigned` / `__UNASSIGNED__`."),
    ] = None,
) -> CaseFilters:
    """Every filter but `short_id`, plus `fields.NAME[__gte|__lte]=VALUE`."""
    fields = _field_params(request)
    for name, values in (
        ("tags", tags or []),
        ("dropdown", dropdown or []),
        ("assignee_id", assignee_id or []),
        # A field's value is checked against its type, naming the field.
        ("fields", [param.key for param in fields]),
    ):
        _check_filter_values(name, values)

    assignees: list[uuid.UUID] = []
    unassigned = False
    for value in assignee_id or []:
        if value in UNASSIGNED:
            unassigned = True
            continue
        parsed = _uuid_or_none(value)
        if parsed is None:
            raise BadRequest(f"Invalid assignee_id: {value}")
        assignees.append(parsed)

    return CaseFilters(
        search_term=None if search_term is None else _check_search_term(search_term),
        status=tuple(dict.fromkeys(status or [])),
        priority=tuple(dict.fromkeys(priority or [])),
        severity=tuple(dict.fromkeys(severity or [])),
        tags=tuple(dict.fromkeys(tags or [])),
        tags_match=tags_match,
        dropdown=tuple(_dropdown_entry(entry) for entry in dropdown or []),
        created_from=_as_utc(start_time),
        created_to=_as_utc(end_time),
        updated_from=_as_utc(updated_after),
        updated_to=_as_utc(updated_before),
        assignee_ids=tuple(dict.fromkeys(assignees)),
        unassigned=unassigned,
        fields=fields,
    )


def _check_filter_values(name: str, values: list[str]) -> None:
    """Refuse what no database can compare: NUL, or an endless list."""
    if len(values) > MAX_FILTER_VALUES:
        raise BadRequest(f"At most {MAX_FILTER_VALUES} values of {name} are allowed")
    if any("\x00" in value for value in values):
        raise BadRequest(f"The {name} filter cannot contain null bytes")


def search_filters(
    base: Annotated[CaseFilters, Depends(aggregate_filters)],
    short_id: Annotated[
        str | None,
        Query(description="`CASE-0042`, `case-42` or `42`: exactly that case."),
    ] = None,
) -> CaseFilters:
    """Every filter of `GET /cases/search`."""
    if short_id is None:
        return base
    return replace(base, short_id=parse_short_id(short_id))


SearchFilters = Annotated[CaseFilters, Depends(search_filters)]
AggregateFilters = Annotated[CaseFilters, Depends(aggregate_filters)]
