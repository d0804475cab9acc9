"""The operator metrics of one application, in the Prometheus text format.

Each application owns a registry of its own (`app.state.operations_metrics`),
so that applications built side by side, as the tests build them, never share
or double-register a metric.
"""

import hmac
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

from prometheus_client import (
    CONTENT_TYPE_PLAIN_0_0_4,
    CollectorRegistry,
    Counter,
    GCCollector,
    Histogram,
    PlatformCollector,
    ProcessCollector,
)
from prometheus_client.exposition import choose_encoder
from pydantic import SecretStr

# The content type of `GET /metrics` unless the scraper asks for OpenMetrics.
CONTENT_TYPE = CONTENT_TYPE_PLAIN_0_0_4
# The `route` label of a request no route answered (unknown path, or refused
# by a middleware before routing), so that raw paths never become labels.
UNMATCHED_ROUTE = "unmatched"
# Methods outside this set share one label value: a client cannot grow the
# label set by inventing methods.
KNOWN_METHODS = frozenset(
    {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "TRACE", "CONNECT"}
)
OTHER_METHOD = "other"
# Seconds: from a cached read to a slow export or a large batch.
LATENCY_BUCKETS = (
    0.005,
    0.01,
    0.025,
    0.05,
    0.1,
    0.25,
    0.5,
    1.0,
    2.5,
    5.0,
    10.0,
    30.0,
)


# XXX(compat): with several worker processes (`casedesk serve --workers N`, or
# several `serve` processes) each process has its own registry and a scrape
# sees only the process that answered it. Scrape each process on its own port,
# or switch to prometheus_client's multiprocess mode (PROMETHEUS_MULTIPROC_DIR).
class OperationsMetrics:
    """Request counts, latencies, server errors and cases created, for one app."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.requests = Counter(
            "casedesk_http_requests",
            "HTTP requests answered, by method, route template and status.",
            ["method", "route", "status"],
            registry=self.registry,
        )
        self.latency = Histogram(
            "casedesk_http_request_duration_seconds",
            "Time from receiving a request to sending the end of its response.",
            ["method", "route"],
            buckets=LATENCY_BUCKETS,
            registry=self.registry,
        )
        self.server_errors = Counter(
            "casedesk_http_server_errors",
            "Requests answered with a 5xx status or an unhandled exception.",
            ["method", "route"],
            registry=self.registry,
        )
        self.cases_created = Counter(
            "casedesk_cases_created",
            "Cases created through the API and committed.",
            registry=self.registry,
        )
        ProcessCollector(registry=self.registry)
        PlatformCollector(registry=self.registry)
        GCCollector(registry=self.registry)

    def observe_request(
        self, *, method: str, route: str, status: int, seconds: float
    ) -> None:
        """Count one answered request and its latency."""
        method = method if method in KNOWN_METHODS else OTHER_METHOD
        self.requests.labels(method=method, route=route, status=str(status)).inc()
        self.latency.labels(method=method, route=route).observe(seconds)
        if status >= 500:
            self.server_errors.labels(method=method, route=route).inc()

    def exposition(self, accept: str | None) -> tuple[bytes, str]:
        """Every metric of the registry, and its content type.

        The format is the one the scraper's `Accept` header prefers:
        OpenMetrics when asked for, else the Prometheus text format.
        """
        encode, content_type = choose_encoder(accept or "")
        return encode(self.registry), content_type


def token_matches(expected: SecretStr, authorization: str | None) -> bool:
    """Whether an `Authorization` header carries exactly `Bearer <expected>`."""
    scheme, _, credential = (authorization or "").partition(" ")
    if scheme.lower() != "bearer" or not credential:
        return False
    return hmac.compare_digest(
        credential.encode(), expected.get_secret_value().encode()
    )


@dataclass
class RequestTally:
    """What the request being served created, counted once it has succeeded."""

    cases_created: int = 0


_current_tally: ContextVar[RequestTally | None] = ContextVar(
    "casedesk_request_tally", default=None
)


@contextmanager
def tallying() -> Iterator[RequestTally]:
    """Collect the counts of the request served inside the block."""
    tally = RequestTally()
    token = _current_tally.set(tally)
    try:
        yield tally
    finally:
        _current_tally.reset(token)


def count_case_created() -> None:
    """Note a new case; it is counted if the request serving it succeeds.

    Outside a request (the command-line importers) there is nothing to count
    into, and nothing happens.
    """
    tally = _current_tally.get()
    if tally is not None:
        tally.cases_created += 1
