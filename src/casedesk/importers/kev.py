"""Import the CISA Known Exploited Vulnerabilities catalog, one case per CVE."""

import json
import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Annotated, Any

import structlog
from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
    model_validator,
)
from sqlalchemy import select
from sqlalchemy.exc import DataError
from sqlalchemy.ext.asyncio import AsyncSession

from casedesk.auth.principal import Actor
from casedesk.cases.enums import CasePriority, CaseSeverity, CaseStatus
from casedesk.cases.schemas import CaseCreate
from casedesk.cases.service import CaseService
from casedesk.errors import CasedeskError
from casedesk.fields.schemas import CaseFieldCreate
from casedesk.fields.service import CaseFieldService
from casedesk.fields.types import FieldType
from casedesk.models import Case, CaseTag
from casedesk.models.case import DESCRIPTION_MAX_LENGTH, SUMMARY_MAX_LENGTH
from casedesk.tags.schemas import CaseTagCreate, slugify
from casedesk.tags.service import TagService

log = structlog.get_logger(__name__)

SOURCE = "cisa-kev"
DUE_SOON_DAYS = 14
RANSOMWARE_KNOWN = "Known"

# Cases are committed in batches: one commit per record made a full catalog
# import several times slower. A batch holds the workspace's case counter row
# (and, on SQLite, the write lock) until its commit, so keep it short enough
# that a concurrent API request waits well under a second.
BATCH_SIZE = 100

ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
CWE_PATTERN = r"^(NVD-)?CWE-[A-Za-z0-9-]{1,40}$"

# The custom fields every imported case fills, created when missing.
KEV_FIELDS = (
    CaseFieldCreate(name="cve_id", type=FieldType.TEXT, display_name="CVE"),
    CaseFieldCreate(name="vendor", type=FieldType.TEXT, display_name="Vendor"),
    CaseFieldCreate(name="product", type=FieldType.TEXT, display_name="Product"),
    CaseFieldCreate(
        name="date_added", type=FieldType.DATE, display_name="Added to KEV"
    ),
    CaseFieldCreate(name="due_date", type=FieldType.DATE, display_name="Due date"),
    CaseFieldCreate(
        name="ransomware_use",
        type=FieldType.SELECT,
        display_name="Known ransomware use",
        options=["Known", "Unknown"],
    ),
)


class KevFileError(CasedeskError):
    """The file is not a KEV catalog at all."""


class KevFieldConflict(CasedeskError):
    """The workspace defines a field the import needs with another type."""


def _iso_date_string(value: Any) -> Any:
    if not isinstance(value, str) or not ISO_DATE.match(value):
        raise ValueError("must be a date written YYYY-MM-DD")
    return value


IsoDate = Annotated[date, BeforeValidator(_iso_date_string)]


class KevRecord(BaseModel):
    """One catalog entry, as far as the case mapping needs it."""

    model_config = ConfigDict(extra="allow")

    cve_id: str = Field(alias="cveID", pattern=r"^CVE-\d{4}-\d{4,19}$")
    vendor_project: str = Field(alias="vendorProject")
    product: str
    vulnerability_name: str = Field(alias="vulnerabilityName", min_length=1)
    date_added: IsoDate = Field(alias="dateAdded")
    short_description: str = Field(alias="shortDescription")
    required_action: str = Field(alias="requiredAction")
    due_date: IsoDate = Field(alias="dueDate")
    known_ransomware_campaign_use: str = Field(alias="knownRansomwareCampaignUse")
    notes: str = ""
    cwes: list[Annotated[str, Field(pattern=CWE_PATTERN)]] = Field(default_factory=list)

    @model_validator(mode="before")
    @classmethod
    def _storable_text(cls, value: Any) -> Any:
        # The whole record becomes the case payload, so a string no database
        # can store (NUL, or a lone surrogate from a `\ud800` escape) anywhere
        # in it must refuse the record here rather than fail its batch later.
        if isinstance(value, dict):
            problem = _unstorable_text(value)
            if problem is not None:
                raise ValueError(problem)
        return value


@dataclass
class ImportSummary:
    """What an import run did."""

    total: int = 0
    created: int = 0
    already_present: int = 0
    skipped: list[tuple[int, str]] = field(default_factory=list)


@dataclass(frozen=True)
class _PendingCase:
    index: int
    external_id: str
    params: CaseCreate
    tag_ids: list[uuid.UUID]


def load_catalog(path: Path) -> list[Any]:
    """The `vulnerabilities` array of a catalog file."""
    try:
        document = json.loads(
            path.read_text(encoding="utf-8"), parse_constant=_refuse_constant
        )
    except (OSError, UnicodeDecodeError, ValueError) as error:
        raise KevFileError(f"{path} is not a readable JSON file: {error}") from error

    records = document.get("vulnerabilities") if isinstance(document, dict) else None
    if not isinstance(records, list):
        raise KevFileError(f"{path} has no 'vulnerabilities' array")
    return records


def external_id_of(record: KevRecord) -> str:
    """The idempotency key of a record's case."""
    return f"{SOURCE}:{record.cve_id}"


def case_for(record: KevRecord, raw: dict[str, Any], *, today: date) -> CaseCreate:
    """Map a catalog entry onto a new case, keeping the entry as payload."""
    summary = _clip(f"{record.cve_id}: {record.vulnerability_name}", SUMMARY_MAX_LENGTH)
    parts = [record.short_description, f"Required action: {record.required_action}"]
    if record.notes.strip():
        parts.append(record.notes)
    description = _clip("\n\n".join(parts), DESCRIPTION_MAX_LENGTH)

    ransomware = record.known_ransomware_campaign_use == RANSOMWARE_KNOWN
    days_left = (record.due_date - today).days
    if days_left < 0:
        priority = CasePriority.CRITICAL
    elif days_left <= DUE_SOON_DAYS:
        priority = CasePriority.HIGH
    else:
        priority = CasePriority.MEDIUM

    return CaseCreate(
        summary=summary,
        description=description,
        status=CaseStatus.NEW,
        priority=priority,
        severity=CaseSeverity.HIGH if ransomware else CaseSeverity.MEDIUM,
        fields={
            "cve_id": record.cve_id,
            "vendor": record.vendor_project,
            "product": record.product,
            "date_added": record.date_added.isoformat(),
            "due_date": record.due_date.isoformat(),
            "ransomware_use": record.known_ransomware_campaign_use,
        },
        payload=raw,
    )


async def import_catalog(
    session: AsyncSession,
    *,
    workspace_id: uuid.UUID,
    records: list[Any],
    on_progress: Callable[[], None] = lambda: None,
    today: date | None = None,
) -> ImportSummary:
    """Create a case for every entry not imported before; skip malformed ones.

    Each case gets the KEV custom fields and its CWEs as tags; the field and
    tag definitions are created first, when missing. Cases are committed in
    batches; a record the database refuses loses only itself, never the rest
    of its batch.
    """
    today = today or datetime.now(UTC).date()
    summary = ImportSummary(total=len(records))
    valid: list[tuple[int, KevRecord, CaseCreate]] = []
    for index, raw in enumerate(records):
        try:
            record = KevRecord.model_validate(raw)
            valid.append((index, record, case_for(record, raw, today=today)))
        except ValidationError as error:
            summary.skipped.append((index, _describe(error)))
            on_progress()

    # Oldest entries first: the newest vulnerabilities get the highest case
    # numbers and lead a queue sorted newest first. Indices stay the file's.
    valid.sort(key=lambda item: (item[1].date_added, -item[0]))

    await ensure_kev_fields(session, workspace_id)
    tag_ids = await ensure_tags(
        session,
        workspace_id,
        sorted({cwe for _, record, _ in valid for cwe in record.cwes}),
    )
    await session.commit()

    cases = CaseService(session, workspace_id=workspace_id, actor=Actor.system())
    present = await _imported_external_ids(session, workspace_id)
    batch: list[_PendingCase] = []
    for index, record, params in valid:
        external_id = external_id_of(record)
        if external_id in present:
            summary.already_present += 1
            on_progress()
            continue

        present.add(external_id)
        tags = [tag_ids[cwe] for cwe in record.cwes]
        batch.append(_PendingCase(index, external_id, params, tags))
        try:
            await cases.create(params, external_id=external_id, tag_ids=tags)
        except (CasedeskError, DataError):
            await session.rollback()
            await _create_one_by_one(session, cases, batch, summary, present)
            batch = []
        if len(batch) >= BATCH_SIZE:
            await _commit(session, batch, summary)
            batch = []
        on_progress()

    await _commit(session, batch, summary)
    log.info(
        "import.kev_finished",
        workspace_id=str(workspace_id),
        created=summary.created,
        already_present=summary.already_present,
        skipped=len(summary.skipped),
    )
    return summary


async def ensure_kev_fields(session: AsyncSession, workspace_id: uuid.UUID) -> None:
    """Define the KEV custom fields the workspace lacks.

    A field of the same name but another type (or a choice list without the
    KEV values) stops the import before anything is written.
    """
    fields = CaseFieldService(session, workspace_id=workspace_id, actor=Actor.system())
    existing = {field.id: field for field in await fields.list_all()}
    for wanted in KEV_FIELDS:
        found = existing.get(wanted.name)
        if found is None:
            await fields.create(wanted)
            continue

        fits = found.type.value == wanted.type.value and set(
            wanted.options or []
        ) <= set(found.options or wanted.options or [])
        if not fits:
            raise KevFieldConflict(
                f"Field '{wanted.name}' is"
                f" {_described(found.type.value, found.options)} but the KEV"
                f" import needs {_described(wanted.type.value, wanted.options)}."
                " Rename or delete it, or import into another workspace."
            )


async def ensure_tags(
    session: AsyncSession, workspace_id: uuid.UUID, names: list[str]
) -> dict[str, uuid.UUID]:
    """The id of the tag for each name, defining the ones the workspace lacks."""
    refs = {name: slugify(name) for name in names}
    found = await session.execute(
        select(CaseTag.ref, CaseTag.id).where(
            CaseTag.workspace_id == workspace_id, CaseTag.ref.in_(set(refs.values()))
        )
    )
    by_ref = dict(found.tuples().all())

    tags = TagService(session, workspace_id=workspace_id, actor=Actor.system())
    ids = {}
    for name, ref in refs.items():
        if ref not in by_ref:
            by_ref[ref] = (await tags.create(CaseTagCreate(name=name))).id
        ids[name] = by_ref[ref]
    return ids


async def _imported_external_ids(
    session: AsyncSession, workspace_id: uuid.UUID
) -> set[str]:
    found = await session.scalars(
        select(Case.external_id).where(
            Case.workspace_id == workspace_id,
            Case.external_id.startswith(f"{SOURCE}:"),
        )
    )
    return {external_id for external_id in found if external_id is not None}


async def _commit(
    session: AsyncSession, batch: list[_PendingCase], summary: ImportSummary
) -> None:
    await session.commit()
    summary.created += len(batch)
    # The recorded events are not needed again; keep memory flat.
    session.expunge_all()


async def _create_one_by_one(
    session: AsyncSession,
    cases: CaseService,
    batch: list[_PendingCase],
    summary: ImportSummary,
    present: set[str],
) -> None:
    """Replay a rolled-back batch with a savepoint per case, then commit it."""
    created: list[_PendingCase] = []
    for pending in batch:
        try:
            async with session.begin_nested():
                await cases.create(
                    pending.params,
                    external_id=pending.external_id,
                    tag_ids=pending.tag_ids,
                )
        except (CasedeskError, DataError) as error:
            reason = error.message if isinstance(error, CasedeskError) else error.orig
            summary.skipped.append((pending.index, str(reason)))
            present.discard(pending.external_id)
        else:
            created.append(pending)
    await _commit(session, created, summary)


def _unstorable_text(value: Any) -> str | None:
    """Where a JSON value holds a string no database stores, and why."""
    stack: list[tuple[Any, str]] = [(value, "")]
    while stack:
        item, location = stack.pop()
        if isinstance(item, str):
            if "\x00" in item:
                return f"{location or 'record'} contains a NUL character"
            if not item.isascii():
                try:
                    item.encode("utf-8")
                except UnicodeEncodeError:
                    return f"{location or 'record'} is not valid Unicode text"
        elif isinstance(item, dict):
            for key, child in item.items():
                stack.append((key, location))
                stack.append((child, f"{location}.{key}" if location else str(key)))
        elif isinstance(item, list):
            for position, child in enumerate(item):
                stack.append((child, f"{location}[{position}]"))
    return None


def _described(field_type: str, options: list[str] | None) -> str:
    return f"{field_type} {options}" if options else field_type


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number")


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _describe(error: ValidationError) -> str:
    problems = []
    for item in error.errors():
        location = ".".join(str(part) for part in item["loc"]) or "record"
        problems.append(f"{location}: {item['msg']}")
    return "; ".join(problems)
