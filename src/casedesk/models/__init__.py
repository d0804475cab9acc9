"""Every ORM table, one per module, importable without cycles."""

from casedesk.models.access_token import AccessToken
from casedesk.models.base import Base
from casedesk.models.case import Case
from casedesk.models.case_event import CaseEvent
from casedesk.models.membership import Membership
from casedesk.models.user import User
from casedesk.models.workspace import Workspace

__all__ = [
    "AccessToken",
    "Base",
    "Case",
    "CaseEvent",
    "Membership",
    "User",
    "Workspace",
]
