"""Every ORM table, one per module, importable without cycles."""

from casedesk.models.access_token import AccessToken
from casedesk.models.api_key import ApiKey
from casedesk.models.audit_event import AuditEvent
from casedesk.models.base import Base
from casedesk.models.case import Case
from casedesk.models.case_event import CaseEvent
from casedesk.models.case_version import CaseTextVersion
from casedesk.models.comment import CaseComment
from casedesk.models.custom_field import CaseField, CaseFieldValue
from casedesk.models.dropdown import (
    CaseDropdownValue,
    DropdownDefinition,
    DropdownOption,
)
from casedesk.models.duration import CaseDuration, DurationDefinition
from casedesk.models.membership import Membership
from casedesk.models.service_account import ServiceAccount
from casedesk.models.tag import CaseTag, CaseTagLink
from casedesk.models.task import CaseTask
from casedesk.models.user import User
from casedesk.models.workspace import Workspace

__all__ = [
    "AccessToken",
    "ApiKey",
    "AuditEvent",
    "Base",
    "Case",
    "CaseComment",
    "CaseDropdownValue",
    "CaseDuration",
    "CaseEvent",
    "CaseField",
    "CaseFieldValue",
    "CaseTag",
    "CaseTagLink",
    "CaseTask",
    "CaseTextVersion",
    "DropdownDefinition",
    "DropdownOption",
    "DurationDefinition",
    "Membership",
    "ServiceAccount",
    "User",
    "Workspace",
]
