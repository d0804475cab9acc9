"""Every ORM table, one per module, importable without cycles."""

from casedesk.models.access_token import AccessToken
from casedesk.models.api_key import ApiKey
from casedesk.models.audit_event import AuditEvent
from casedesk.models.base import Base
from casedesk.models.case import Case
from casedesk.models.case_event import CaseEvent
from casedesk.models.membership import Membership
from casedesk.models.service_account import ServiceAccount
from casedesk.models.tag import CaseTag, CaseTagLink
from casedesk.models.user import User
from casedesk.models.workspace import Workspace

__all__ = [
    "AccessToken",
    "ApiKey",
    "AuditEvent",
    "Base",
    "Case",
    "CaseEvent",
    "CaseTag",
    "CaseTagLink",
    "Membership",
    "ServiceAccount",
    "User",
    "Workspace",
]
