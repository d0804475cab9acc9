"""Matrix declarations for the metrics routes."""

from tests.auth.matrix_rules import METRICS_SCRAPER, Declared, Target, scope
from tests.auth.matrix_world import Caller, World


async def metrics_disabled(world: World, caller: Caller) -> Target:
    """Nothing to target; the rule's premise is that no metrics token is set."""
    assert world.app.state.settings.metrics_token is None
    return Target()


DECLARED: dict[tuple[str, str], Declared] = {
    # Counts over workspace A, which holds the standing case: a refused
    # reader must not see its summary (the world's data).
    ("GET", "/cases/metrics"): Declared(scope("case:read")),
    # Operators' scrape endpoint: a bearer token of its own, not a session or
    # an API key; tests/metrics/test_prometheus.py covers it with a token set.
    ("GET", "/metrics"): Declared(METRICS_SCRAPER, metrics_disabled),
}
