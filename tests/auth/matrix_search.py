"""Matrix declarations for the search routes."""

from tests.auth.matrix_rules import Declared, scope

DECLARED: dict[tuple[str, str], Declared] = {
    ("GET", "/cases/search"): Declared(scope("case:read")),
    ("GET", "/cases/search/aggregate"): Declared(scope("case:read")),
}
