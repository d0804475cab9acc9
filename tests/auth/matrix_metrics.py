"""Matrix declarations for the metrics routes."""

from tests.auth.matrix_rules import Declared

DECLARED: dict[tuple[str, str], Declared] = {}
