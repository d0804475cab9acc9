"""Importing the CISA KEV catalog: one case per CVE, exact payloads, re-runnable."""

import copy
import json
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import func, select

from casedesk.auth.principal import Actor
from casedesk.fields.schemas import CaseFieldCreate
from casedesk.fields.service import CaseFieldService
from casedesk.fields.types import FieldType
from casedesk.importers import kev
from casedesk.importers.kev import ImportSummary, import_catalog
from casedesk.models import Case, CaseEvent
from tests.conftest import new_client
from tests.factories import (
    ADMIN_EMAIL,
    ADMIN_PASSWORD,
    create_workspace,
    empty_database,
    kev_catalog,
    sign_in,
)

# Records of the real catalog parametrize tests below, at collection.
KEV_CATALOG = kev_catalog()

CATALOG_SIZE = 1404
# Fixed so that the real catalog maps onto every priority: 1,391 records are
# past due, 8 are due within 14 days (2 of them today), 5 later.
TODAY = date(2025, 8, 20)


@cache
def catalog() -> tuple[dict[str, Any], ...]:
    """The real catalog's records, parsed once."""
    document = json.loads(KEV_CATALOG.read_text(encoding="utf-8"))
    return tuple(document["vulnerabilities"])


def source_record(cve_id: str) -> dict[str, Any]:
    """A deep copy of one real record."""
    found = [record for record in catalog() if record["cveID"] == cve_id]
    assert len(found) == 1
    return copy.deepcopy(found[0])


def synthetic_record(number: int, **overrides: Any) -> dict[str, Any]:
    """A well-formed record with an invented CVE id."""
    record = source_record("CVE-2021-44228")
    record["cveID"] = f"CVE-2099-{number:05d}"
    record.update(overrides)
    return record


def expected_priority(due_date: str) -> str:
    """The priority the mapping gives a record due on `due_date`."""
    days_left = (date.fromisoformat(due_date) - TODAY).days
    if days_left < 0:
        return "critical"
    if days_left <= 14:
        return "high"
    return "medium"


async def run_import(
    app: FastAPI, workspace_id: uuid.UUID, records: list[Any]
) -> ImportSummary:
    """Import `records` on a session of its own, closed before returning."""
    async with app.state.sessionmaker() as session:
        return await import_catalog(
            session, workspace_id=workspace_id, records=records, today=TODAY
        )


async def case_count(app: FastAPI, workspace_id: uuid.UUID) -> int:
    """How many cases the workspace holds."""
    async with app.state.sessionmaker() as session:
        count = await session.scalar(
            select(func.count()).where(Case.workspace_id == workspace_id)
        )
    return int(count or 0)


@dataclass
class CatalogImport:
    """The full catalog imported twice into the admin's workspace."""

    client: httpx.AsyncClient
    workspace_id: uuid.UUID
    first: ImportSummary
    second: ImportSummary


@pytest.fixture(scope="module")
async def imported(app: FastAPI) -> AsyncIterator[CatalogImport]:
    """A fresh installation with the whole catalog imported, then re-imported."""
    from casedesk.auth.bootstrap import ensure_first_admin

    await empty_database(app)
    async with app.state.sessionmaker() as session:
        assert await ensure_first_admin(session, app.state.settings) is not None

    async with new_client(app) as client:
        admin = await sign_in(client, ADMIN_EMAIL, ADMIN_PASSWORD)
        assert admin.workspace_id is not None
        records = list(catalog())
        first = await run_import(app, admin.workspace_id, records)
        second = await run_import(app, admin.workspace_id, records)
        yield CatalogImport(client, admin.workspace_id, first, second)


@pytest.fixture(scope="module")
async def imported_cases(imported: CatalogImport) -> dict[str, dict[str, Any]]:
    """Every case of the imported workspace, with payload, by CVE id."""
    cases: dict[str, dict[str, Any]] = {}
    params: dict[str, Any] = {"limit": 200, "include_payload": "true"}
    url = f"/workspaces/{imported.workspace_id}/cases"
    while True:
        response = await imported.client.get(url, params=params)
        assert response.status_code == 200, response.text
        page = response.json()
        for item in page["items"]:
            cases[item["payload"]["cveID"]] = item
        if not page["has_more"]:
            return cases
        params["cursor"] = page["next_cursor"]


# The whole catalog, on each database.


@pytest.mark.slow
async def test_catalog_import_creates_one_case_per_record(
    imported: CatalogImport,
) -> None:
    response = await imported.client.get(
        f"/workspaces/{imported.workspace_id}/cases", params={"limit": 1}
    )

    assert imported.first.created == CATALOG_SIZE
    assert imported.first.skipped == []
    assert response.json()["total_estimate"] == CATALOG_SIZE


@pytest.mark.slow
async def test_second_import_creates_nothing(imported: CatalogImport) -> None:
    response = await imported.client.get(
        f"/workspaces/{imported.workspace_id}/cases", params={"limit": 1}
    )

    assert imported.second.created == 0
    assert imported.second.already_present == CATALOG_SIZE
    assert imported.second.skipped == []
    assert response.json()["total_estimate"] == CATALOG_SIZE


@pytest.mark.slow
async def test_imported_summary_is_cve_id_and_name(
    imported_cases: dict[str, dict[str, Any]],
) -> None:
    mismatched = [
        record["cveID"]
        for record in catalog()
        if imported_cases[record["cveID"]]["summary"]
        != f"{record['cveID']}: {record['vulnerabilityName']}"
    ]

    assert len(imported_cases) == CATALOG_SIZE
    assert mismatched == []


@pytest.mark.slow
async def test_imported_severity_is_high_only_for_known_ransomware_use(
    imported_cases: dict[str, dict[str, Any]],
) -> None:
    high = {cve for cve, case in imported_cases.items() if case["severity"] == "high"}
    medium = {
        cve for cve, case in imported_cases.items() if case["severity"] == "medium"
    }

    known = {
        record["cveID"]
        for record in catalog()
        if record["knownRansomwareCampaignUse"] == "Known"
    }
    assert len(known) == 293
    assert high == known
    assert len(medium) == CATALOG_SIZE - len(known)


@pytest.mark.slow
async def test_imported_cases_are_new(
    imported_cases: dict[str, dict[str, Any]],
) -> None:
    statuses = {case["status"] for case in imported_cases.values()}

    assert statuses == {"new"}


@pytest.mark.slow
async def test_imported_priority_follows_due_date(
    imported_cases: dict[str, dict[str, Any]],
) -> None:
    expected = {
        record["cveID"]: expected_priority(record["dueDate"]) for record in catalog()
    }

    actual = {cve: case["priority"] for cve, case in imported_cases.items()}

    assert actual == expected
    assert set(expected.values()) == {"critical", "high", "medium"}


@pytest.mark.slow
async def test_imported_payloads_equal_their_source_records(
    imported_cases: dict[str, dict[str, Any]],
) -> None:
    differing = [
        record["cveID"]
        for record in catalog()
        if imported_cases[record["cveID"]]["payload"] != record
    ]

    assert differing == []


@pytest.mark.slow
@pytest.mark.parametrize(
    ("cve_id", "field", "character"),
    [
        ("CVE-2021-41773", "shortDescription", "\N{REPLACEMENT CHARACTER}"),
        ("CVE-2022-23227", "notes", "\N{FULLWIDTH LOW LINE}"),
    ],
)
async def test_imported_payload_keeps_non_ascii_text_exactly(
    imported: CatalogImport,
    imported_cases: dict[str, dict[str, Any]],
    cve_id: str,
    field: str,
    character: str,
) -> None:
    case_id = imported_cases[cve_id]["id"]

    response = await imported.client.get(
        f"/workspaces/{imported.workspace_id}/cases/{case_id}"
    )

    payload = json.loads(response.content.decode("utf-8"))["payload"]
    assert character in payload[field]
    assert payload == source_record(cve_id)


@pytest.mark.slow
async def test_each_imported_case_has_one_case_created_event(
    app: FastAPI, imported: CatalogImport
) -> None:
    async with app.state.sessionmaker() as session:
        rows = (
            await session.execute(
                # Reading a case in other tests records views; only what the
                # import wrote counts here.
                select(CaseEvent.case_id, CaseEvent.type).where(
                    CaseEvent.workspace_id == imported.workspace_id,
                    CaseEvent.type != "case_viewed",
                )
            )
        ).all()

    assert len(rows) == CATALOG_SIZE
    assert len({case_id for case_id, _ in rows}) == CATALOG_SIZE
    assert {event_type for _, event_type in rows} == {"case_created"}


@pytest.mark.slow
async def test_imported_case_timeline_shows_its_creation(
    imported: CatalogImport, imported_cases: dict[str, dict[str, Any]]
) -> None:
    case_id = imported_cases["CVE-2021-44228"]["id"]

    response = await imported.client.get(
        f"/workspaces/{imported.workspace_id}/cases/{case_id}/events"
    )

    assert response.status_code == 200, response.text
    assert [event["type"] for event in response.json()["events"]] == ["case_created"]


# Small synthetic catalogs, each in a workspace of its own.


def _without_cve_id() -> Any:
    record = synthetic_record(2)
    del record["cveID"]
    return record


@pytest.mark.parametrize(
    ("malformed", "reason_mentions"),
    [
        pytest.param(_without_cve_id(), "cveID", id="missing-cve-id"),
        pytest.param(
            synthetic_record(2, dueDate="2021-02-30"), "dueDate", id="bad-date"
        ),
        pytest.param(
            synthetic_record(2, dateAdded="03/11/2021"), "dateAdded", id="us-date"
        ),
        pytest.param("CVE-2099-00002", "record", id="not-an-object"),
        pytest.param(
            synthetic_record(2, vulnerabilityName="Log4j\x00Shell"),
            "NUL",
            id="nul-in-string",
        ),
        pytest.param(
            synthetic_record(2, vendorNote="see \ud800"),
            "vendorNote",
            id="lone-surrogate-in-extra-key",
        ),
    ],
)
async def test_malformed_record_is_skipped_and_the_others_imported(
    app: FastAPI, malformed: Any, reason_mentions: str
) -> None:
    workspace_id = await create_workspace(app, f"KEV {uuid.uuid4().hex[:8]}")
    records = [synthetic_record(1), malformed, synthetic_record(3)]

    summary = await run_import(app, workspace_id, records)

    assert [index for index, _ in summary.skipped] == [1]
    assert reason_mentions in summary.skipped[0][1]
    assert summary.created == 2
    assert await case_count(app, workspace_id) == 2


async def test_record_created_meanwhile_loses_only_itself(
    app: FastAPI, monkeypatch: pytest.MonkeyPatch
) -> None:
    workspace_id = await create_workspace(app, f"KEV {uuid.uuid4().hex[:8]}")
    await run_import(app, workspace_id, [synthetic_record(5)])

    async def nothing_imported_yet(*_: Any) -> set[str]:
        # As if another importer created CVE-2099-00005 after this run looked.
        return set()

    monkeypatch.setattr(kev, "_imported_external_ids", nothing_imported_yet)
    records = [synthetic_record(number) for number in range(1, 9)]

    summary = await run_import(app, workspace_id, records)

    assert summary.skipped == [
        (4, "A case for 'cisa-kev:CVE-2099-00005' already exists")
    ]
    assert summary.created == 7
    assert await case_count(app, workspace_id) == 8


async def test_record_repeated_in_one_file_is_imported_once(app: FastAPI) -> None:
    workspace_id = await create_workspace(app, f"KEV {uuid.uuid4().hex[:8]}")
    records = [synthetic_record(1), synthetic_record(2), synthetic_record(1)]

    summary = await run_import(app, workspace_id, records)

    assert summary.created == 2
    assert summary.already_present == 1
    assert await case_count(app, workspace_id) == 2


KEV_FIELD_NAMES = (
    "cve_id",
    "vendor",
    "product",
    "date_added",
    "due_date",
    "ransomware_use",
)


def expected_fields(record: dict[str, Any]) -> dict[str, Any]:
    """The custom field values the import gives a record's case."""
    return {
        "cve_id": record["cveID"],
        "vendor": record["vendorProject"],
        "product": record["product"],
        "date_added": record["dateAdded"],
        "due_date": record["dueDate"],
        "ransomware_use": record["knownRansomwareCampaignUse"],
    }


def cwe_ref(cwe: str) -> str:
    """The tag ref of a CWE id: `CWE-79` → `cwe-79`."""
    return cwe.lower()


@pytest.mark.slow
async def test_every_imported_case_has_its_fields_and_cwe_tags(
    imported: CatalogImport,
) -> None:
    found: dict[str, tuple[dict[str, Any], set[str]]] = {}
    params: dict[str, Any] = {"limit": 200, "field_ids": list(KEV_FIELD_NAMES)}
    url = f"/workspaces/{imported.workspace_id}/cases"
    while True:
        page = (await imported.client.get(url, params=params)).json()
        for item in page["items"]:
            refs = {tag["ref"] for tag in item["tags"]}
            found[item["field_values"]["cve_id"]] = (item["field_values"], refs)
        if not page["has_more"]:
            break
        params["cursor"] = page["next_cursor"]

    assert len(found) == CATALOG_SIZE
    for record in catalog():
        values, refs = found[record["cveID"]]
        assert values == expected_fields(record)
        assert refs == {cwe_ref(cwe) for cwe in record.get("cwes", [])}


@pytest.mark.slow
async def test_reimport_defines_each_field_and_cwe_tag_once(
    imported: CatalogImport,
) -> None:
    fields = await imported.client.get(
        f"/workspaces/{imported.workspace_id}/case-fields"
    )
    tags = await imported.client.get(f"/workspaces/{imported.workspace_id}/case-tags")

    custom = [field for field in fields.json() if not field["reserved"]]
    assert [(field["id"], field["type"]) for field in custom] == [
        ("cve_id", "TEXT"),
        ("vendor", "TEXT"),
        ("product", "TEXT"),
        ("date_added", "DATE"),
        ("due_date", "DATE"),
        ("ransomware_use", "SELECT"),
    ]
    cwes = {cwe for record in catalog() for cwe in record.get("cwes", [])}
    assert sorted(tag["ref"] for tag in tags.json()) == sorted(
        cwe_ref(cwe) for cwe in cwes
    )


@pytest.mark.slow
async def test_an_imported_case_reads_with_its_fields(
    imported: CatalogImport, imported_cases: dict[str, dict[str, Any]]
) -> None:
    case_id = imported_cases["CVE-2021-44228"]["id"]

    response = await imported.client.get(
        f"/workspaces/{imported.workspace_id}/cases/{case_id}"
    )

    values = {
        field["id"]: field["value"]
        for field in response.json()["fields"]
        if not field["reserved"]
    }
    assert values == expected_fields(source_record("CVE-2021-44228"))
    assert [tag["name"] for tag in response.json()["tags"]] == [
        "CWE-20",
        "CWE-400",
        "CWE-502",
    ]


async def test_a_field_of_another_type_stops_the_import(app: FastAPI) -> None:
    workspace_id = await create_workspace(app, f"KEV {uuid.uuid4().hex[:8]}")
    async with app.state.sessionmaker() as session:
        fields = CaseFieldService(
            session, workspace_id=workspace_id, actor=Actor.system()
        )
        await fields.create(CaseFieldCreate(name="due_date", type=FieldType.TEXT))
        await session.commit()

    with pytest.raises(kev.KevFieldConflict) as raised:
        await run_import(app, workspace_id, [synthetic_record(1)])

    assert raised.value.message == (
        "Field 'due_date' is TEXT but the KEV import needs DATE. Rename or "
        "delete it, or import into another workspace."
    )
    assert await case_count(app, workspace_id) == 0


async def test_a_record_with_a_malformed_cwe_is_skipped(app: FastAPI) -> None:
    workspace_id = await create_workspace(app, f"KEV {uuid.uuid4().hex[:8]}")
    records = [synthetic_record(1, cwes=["CWE-79", "<script>"]), synthetic_record(2)]

    summary = await run_import(app, workspace_id, records)

    assert [index for index, _ in summary.skipped] == [0]
    assert "cwes.1" in summary.skipped[0][1]
    assert summary.created == 1


# The mapping alone, without a database.


@pytest.mark.parametrize(
    ("days_left", "priority"),
    [(-1, "critical"), (0, "high"), (14, "high"), (15, "medium")],
)
def test_priority_is_derived_from_days_left(days_left: int, priority: str) -> None:
    due = (TODAY + timedelta(days=days_left)).isoformat()
    raw = synthetic_record(1, dueDate=due)

    params = kev.case_for(kev.KevRecord.model_validate(raw), raw, today=TODAY)

    assert params.priority == priority


@pytest.mark.parametrize(
    ("ransomware_use", "severity"),
    [("Known", "high"), ("Unknown", "medium"), ("known", "medium")],
)
def test_severity_is_high_only_for_exactly_known(
    ransomware_use: str, severity: str
) -> None:
    raw = synthetic_record(1, knownRansomwareCampaignUse=ransomware_use)

    params = kev.case_for(kev.KevRecord.model_validate(raw), raw, today=TODAY)

    assert params.severity == severity


def test_catalog_file_that_is_not_json_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "catalog.json"
    path.write_text("<html>not json</html>", encoding="utf-8")

    with pytest.raises(kev.KevFileError, match="is not a readable JSON file"):
        kev.load_catalog(path)


def test_catalog_without_vulnerabilities_array_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "catalog.json"
    path.write_text(json.dumps({"vulnerabilities": {}}), encoding="utf-8")

    with pytest.raises(kev.KevFileError, match="no 'vulnerabilities' array"):
        kev.load_catalog(path)


async def test_the_newest_entries_get_the_highest_numbers(app: FastAPI) -> None:
    workspace_id = await create_workspace(app, f"KEV {uuid.uuid4().hex[:8]}")
    # As in the catalog: newest first, several on one day.
    records = [
        synthetic_record(3, dateAdded="2024-05-02"),
        synthetic_record(2, dateAdded="2024-05-01"),
        synthetic_record(1, dateAdded="2024-05-01"),
        synthetic_record(0, dateAdded="2023-01-09"),
    ]

    await run_import(app, workspace_id, records)

    async with app.state.sessionmaker() as session:
        numbered = await session.execute(
            select(Case.external_id)
            .where(Case.workspace_id == workspace_id)
            .order_by(Case.number)
        )
        assert list(numbered.scalars()) == [
            "cisa-kev:CVE-2099-00000",
            "cisa-kev:CVE-2099-00001",
            "cisa-kev:CVE-2099-00002",
            "cisa-kev:CVE-2099-00003",
        ]
