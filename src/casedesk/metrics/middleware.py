"""ASGI middleware feeding the operator metrics of every HTTP request."""

import time

from fastapi import FastAPI
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from casedesk.metrics.operations import (
    UNMATCHED_ROUTE,
    OperationsMetrics,
    tallying,
)


def install_operations_metrics(app: FastAPI) -> OperationsMetrics:
    """Give `app` its own metrics, kept on `app.state.operations_metrics`."""
    metrics = OperationsMetrics()
    app.state.operations_metrics = metrics
    return metrics


class RequestMetricsMiddleware:
    """Count each request by method, route template and status, and time it.

    The route label is the template of the route the router matched
    (`/cases/{case_id}`), never the raw path, so ids cannot multiply the
    series; the `/workspaces/{workspace_id}/…` mount of a route shares the
    series of its short path, as FastAPI reports the route it included. A request that
    raised before its response started counts as the 500 the client receives.
    """

    def __init__(self, app: ASGIApp, *, metrics: OperationsMetrics) -> None:
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        started = time.perf_counter()
        status_code = 500

        async def send_noting_status(message: Message) -> None:
            nonlocal status_code
            if message["type"] == "http.response.start":
                status_code = message["status"]
            await send(message)

        with tallying() as tally:
            try:
                await self.app(scope, receive, send_noting_status)
            finally:
                self.metrics.observe_request(
                    method=scope["method"],
                    route=_route_template(scope),
                    status=status_code,
                    seconds=time.perf_counter() - started,
                )
                # The unit of work commits before the response starts, so a
                # success status means the new cases are in the database.
                if status_code < 400:
                    self.metrics.cases_created.inc(tally.cases_created)


def _route_template(scope: Scope) -> str:
    route = scope.get("route")
    template = getattr(route, "path_format", None) or getattr(route, "path", None)
    return template if isinstance(template, str) else UNMATCHED_ROUTE
