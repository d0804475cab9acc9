"""Service account and API key failures."""

import uuid

from casedesk.errors import Conflict, NotFound


class ServiceAccountNotFound(NotFound):
    """No service account with this id in the workspace."""

    def __init__(self, account_id: uuid.UUID) -> None:
        super().__init__(f"Service account {account_id} not found")


class ApiKeyNotFound(NotFound):
    """No key with this id on the service account."""

    def __init__(self, key_id: str) -> None:
        super().__init__(f"API key {key_id} not found")


class ServiceAccountInactive(Conflict):
    """A deleted (deactivated) service account gets no new keys."""

    def __init__(self, account_id: uuid.UUID) -> None:
        super().__init__(f"Service account {account_id} is deactivated")
