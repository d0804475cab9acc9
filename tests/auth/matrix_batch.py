"""Matrix declarations for the batch routes."""

from tests.auth.matrix_rules import Declared

DECLARED: dict[tuple[str, str], Declared] = {}
