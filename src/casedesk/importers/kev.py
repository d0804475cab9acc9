"""Import the CISA Known Exploited Vulnerabilities catalog, one case per CVE."""

import json
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import structlog
from pydantic import BaseModel, ConfigDict, Field, ValidationError
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from casedesk.cases.enums import CasePriority, CaseSeverity, CaseStatus
from casedesk.cases.schemas import CaseCreate
from casedesk.cases.service import CaseService
from casedesk.errors import CasedeskError
from casedesk.models import Case
from casedesk.models.case import DESCRIPTION_MAX_LENGTH, SUMMARY_MAX_LENGTH

log = structlog.get_logger(__name__)

SOURCE = "cisa-kev"
DUE_SOON_DAYS = 14


class KevFileError(CasedeskError):
    """The file is not a KEV catalog at all."""


class KevRecord(BaseModel):
    """One catalog entry, as far as the case mapping needs it."""

    model_config = ConfigDict(extra="allow")

    cve_id: str = Field(alias="cveID", pattern=r"^CVE-\d{4}-\d{4,}$")
    vendor_project: str = Field(alias="vendorProject")
    product: str
    vulnerability_name: str = Field(alias="vulnerabilityName", min_length=1)
    date_added: date = Field(alias="dateAdded")
    short_description: str = Field(alias="shortDescription")
    required_action: str = Field(alias="requiredAction")
    due_date: date = Field(alias="dueDate")
    known_ransomware_campaign_use: str = Field(alias="knownRansomwareCampaignUse")
    notes: str = ""
    cwes: list[str] = Field(default_factory=list)


@dataclass
class ImportSummary:
    """What an import run did."""

    total: int = 0
    created: int = 0
    already_present: int = 0
    skipped: list[tuple[int, str]] = field(default_factory=list)


def load_catalog(path: Path) -> list[Any]:
    """The `vulnerabilities` array of a catalog file."""
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
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

    ransomware = record.known_ransomware_campaign_use.strip().lower() == "known"
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

    Each case is committed on its own, so a failure loses only that record.
    """
    today = today or datetime.now(UTC).date()
    cases = CaseService(session, workspace_id=workspace_id, actor_id=None)
    present = set(
        await session.scalars(
            select(Case.external_id).where(
                Case.workspace_id == workspace_id,
                Case.external_id.startswith(f"{SOURCE}:"),
            )
        )
    )
    summary = ImportSummary(total=len(records))

    for index, raw in enumerate(records):
        try:
            record = KevRecord.model_validate(raw)
            params = case_for(record, raw, today=today)
        except ValidationError as error:
            summary.skipped.append((index, _describe(error)))
            on_progress()
            continue

        external_id = external_id_of(record)
        if external_id in present:
            summary.already_present += 1
        else:
            try:
                await cases.create(params, external_id=external_id)
                await session.commit()
            except CasedeskError as error:
                await session.rollback()
                summary.skipped.append((index, error.message))
            else:
                present.add(external_id)
                summary.created += 1
        on_progress()

    log.info(
        "import.kev_finished",
        workspace_id=str(workspace_id),
        created=summary.created,
        already_present=summary.already_present,
        skipped=len(summary.skipped),
    )
    return summary


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _describe(error: ValidationError) -> str:
    problems = []
    for item in error.errors():
        location = ".".join(str(part) for part in item["loc"]) or "record"
        problems.append(f"{location}: {item['msg']}")
    return "; ".join(problems)
