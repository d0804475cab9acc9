"""Operability: health, request ids, one log line per request, OpenAPI."""

import json
import logging
import re
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import structlog
from fastapi import APIRouter, FastAPI
from fastapi.routing import APIRoute
from pydantic import SecretStr
from structlog.testing import capture_logs

from casedesk.app import WORKSPACE_SCOPED_ROUTERS, create_app
from casedesk.auth.router import router as users_router
from casedesk.config import Settings
from casedesk.health.router import router as health_router
from casedesk.logging import configure_logging
from casedesk.workspaces.router import router as workspaces_router
from tests.factories import Principal, case_body
from tests.log_config import use_test_logging

# Fixed, so that test ids are the same in every collection.
MISSING_CASE_ID = "3b0d5a0e-2f1c-4c59-8d6e-0a7b9c4e1f22"

WORKSPACE_PREFIX = "/workspaces/{workspace_id}"
GENERATED_REQUEST_ID = re.compile(r"[0-9a-f]{32}")
# A custom field name nobody defines: accepted in `field_ids`, and unique
# enough that finding it in a log line means the query string was logged.
QUERY_MARKER = "query_marker_7f3a"
UNEXPECTED_ERROR = {"detail": "An unexpected error occurred; it has been logged."}


def _completed(entries: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [entry for entry in entries if entry["event"] == "request.completed"]


def _standalone_app(tmp_path: Path, database_url: str) -> FastAPI:
    """An app of its own, for tests that must not touch the shared one."""
    settings = Settings(
        data_dir=tmp_path,
        database_url=database_url,
        secret=SecretStr("test-secret-not-for-production"),
    )
    return create_app(settings)


def _client(app: FastAPI) -> httpx.AsyncClient:
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    return httpx.AsyncClient(transport=transport, base_url="http://testserver")


@pytest.fixture
async def broken_app(tmp_path: Path) -> AsyncIterator[FastAPI]:
    """An app with one route that fails unexpectedly."""
    application = _standalone_app(tmp_path, f"sqlite+aiosqlite:///{tmp_path}/a.db")

    @application.get("/boom")
    async def boom() -> None:
        raise RuntimeError("internal detail that must not leak")

    yield application
    await application.state.engine.dispose()


@pytest.fixture
def restore_logging() -> Iterator[None]:
    """Undo configure_logging after the test."""
    root = logging.getLogger()
    saved_handlers, saved_level = root.handlers[:], root.level
    access = logging.getLogger("uvicorn.access")
    saved_access = access.disabled
    quietened = [logging.getLogger(name) for name in ("httpx", "httpcore")]
    saved_levels = [logger.level for logger in quietened]
    yield

    use_test_logging()
    root.handlers = saved_handlers
    root.setLevel(saved_level)
    access.disabled = saved_access
    for logger, level in zip(quietened, saved_levels, strict=True):
        logger.setLevel(level)


def _configure_json_logging() -> None:
    """configure_logging(json), called in the test body so capsys sees it."""
    configure_logging(log_format="json")
    # Cached loggers would keep the JSON pipeline after this test and hide
    # later tests' records from structlog.testing.capture_logs.
    structlog.configure(cache_logger_on_first_use=False)


def _json_lines(text: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in text.splitlines() if line.strip()]


class TestHealth:
    """`GET /health` reports whether the database answers."""

    async def test_health_is_ok_when_the_database_answers(
        self, anonymous: httpx.AsyncClient
    ) -> None:
        response = await anonymous.get("/health")

        assert response.status_code == 200
        assert response.json() == {"status": "ok", "database": "ok"}

    async def test_health_is_503_when_the_database_is_unreachable(
        self, tmp_path: Path
    ) -> None:
        url = f"sqlite+aiosqlite:///{tmp_path}/missing/dir/casedesk.db"
        application = _standalone_app(tmp_path, url)

        async with _client(application) as client:
            response = await client.get("/health")
        await application.state.engine.dispose()

        assert response.status_code == 503
        assert response.json() == {"status": "unavailable", "database": "unreachable"}


class TestRequestId:
    """Every response names its request id."""

    @pytest.mark.parametrize(
        ("method", "path", "signed_in", "status"),
        [
            ("GET", "/health", False, 200),
            ("GET", "/cases", True, 200),
            ("GET", "/cases", False, 401),
            ("GET", "/cases/not-a-uuid", True, 422),
            ("GET", f"/cases/{MISSING_CASE_ID}", True, 404),
            ("GET", "/no-such-route", False, 404),
        ],
    )
    async def test_every_response_carries_a_request_id(
        self,
        admin: Principal,
        anonymous: httpx.AsyncClient,
        method: str,
        path: str,
        signed_in: bool,
        status: int,
    ) -> None:
        client = admin.client if signed_in else anonymous

        response = await client.request(method, path)

        assert response.status_code == status
        assert GENERATED_REQUEST_ID.fullmatch(response.headers["x-request-id"])

    async def test_oversized_body_answer_carries_a_request_id(
        self, client: httpx.AsyncClient
    ) -> None:
        response = await client.post("/cases", content=b"x" * (2 * 1024 * 1024 + 1))

        assert response.status_code == 413
        assert GENERATED_REQUEST_ID.fullmatch(response.headers["x-request-id"])

    async def test_each_request_gets_a_new_id(
        self, anonymous: httpx.AsyncClient
    ) -> None:
        first = await anonymous.get("/health")
        second = await anonymous.get("/health")

        assert first.headers["x-request-id"] != second.headers["x-request-id"]

    @pytest.mark.parametrize(
        "incoming",
        ["abc-123", "trace_01.ABC", "a" * 64, "7cd3c6c9-85ce-493b-a516-6dc5c11e6626"],
    )
    async def test_safe_incoming_request_id_is_echoed(
        self, anonymous: httpx.AsyncClient, incoming: str
    ) -> None:
        response = await anonymous.get("/health", headers={"X-Request-ID": incoming})

        assert response.headers["x-request-id"] == incoming

    @pytest.mark.parametrize(
        "incoming",
        ["has spaces", "a" * 65, "a" * 200, "<script>", "a/b", "x;y=z", ""],
    )
    async def test_unsafe_incoming_request_id_is_replaced(
        self, anonymous: httpx.AsyncClient, incoming: str
    ) -> None:
        response = await anonymous.get("/health", headers={"X-Request-ID": incoming})

        assert response.headers.get_list("x-request-id") != [incoming]
        assert GENERATED_REQUEST_ID.fullmatch(response.headers["x-request-id"])

    async def test_unexpected_error_is_500_with_a_request_id(
        self, broken_app: FastAPI
    ) -> None:
        async with _client(broken_app) as client:
            response = await client.get("/boom", headers={"X-Request-ID": "boom-1"})

        assert response.status_code == 500
        assert response.json() == UNEXPECTED_ERROR
        assert response.headers["x-request-id"] == "boom-1"


class TestRequestLog:
    """Exactly one `request.completed` line per request, without secrets."""

    @pytest.mark.parametrize(
        ("method", "path", "signed_in", "status"),
        [
            ("GET", "/cases", True, 200),
            ("POST", "/cases", True, 201),
            ("GET", "/cases", False, 401),
            ("GET", "/cases/not-a-uuid", True, 422),
        ],
    )
    async def test_one_completed_line_per_request(
        self,
        admin: Principal,
        anonymous: httpx.AsyncClient,
        method: str,
        path: str,
        signed_in: bool,
        status: int,
    ) -> None:
        client = admin.client if signed_in else anonymous
        body = case_body() if method == "POST" else None

        with capture_logs() as entries:
            response = await client.request(method, path, json=body)

        assert response.status_code == status
        [line] = _completed(entries)
        assert line["method"] == method
        assert line["path"] == path
        assert line["status"] == status
        assert line["request_id"] == response.headers["x-request-id"]
        assert isinstance(line["duration_ms"], float)
        assert line["duration_ms"] >= 0
        assert line["log_level"] == "info"

    async def test_refused_oversized_body_is_logged_as_413(
        self, client: httpx.AsyncClient
    ) -> None:
        with capture_logs() as entries:
            response = await client.post("/cases", content=b"x" * (3 * 1024 * 1024))

        [line] = _completed(entries)
        assert (line["path"], line["status"]) == ("/cases", 413)
        assert line["request_id"] == response.headers["x-request-id"]

    async def test_line_has_neither_cookie_nor_query_string(
        self, admin: Principal
    ) -> None:
        cookie = admin.client.cookies["fastapiusersauth"]
        params = {"field_ids": QUERY_MARKER, "limit": "7"}

        with capture_logs() as entries:
            response = await admin.client.get("/cases", params=params)

        assert response.status_code == 200
        [line] = _completed(entries)
        assert line["path"] == "/cases"
        logged = repr(entries)
        assert cookie not in logged
        assert QUERY_MARKER not in logged

    async def test_line_omits_the_cookie_of_a_refused_request(
        self, anonymous: httpx.AsyncClient
    ) -> None:
        anonymous.cookies.set("fastapiusersauth", "guessed-session-token")

        with capture_logs() as entries:
            response = await anonymous.get("/cases")

        assert response.status_code == 401
        assert len(_completed(entries)) == 1
        assert "guessed-session-token" not in repr(entries)

    async def test_unexpected_error_is_logged_once_with_its_request_id(
        self, broken_app: FastAPI
    ) -> None:
        with capture_logs() as entries:
            async with _client(broken_app) as client:
                response = await client.get("/boom")

        request_id = response.headers["x-request-id"]
        [line] = _completed(entries)
        assert (line["status"], line["request_id"]) == (500, request_id)
        [error] = [e for e in entries if e["event"] == "request.unexpected_error"]
        assert (error["error_type"], error["request_id"]) == (
            "RuntimeError",
            request_id,
        )

    async def test_unexpected_error_detail_is_not_sent(
        self, broken_app: FastAPI
    ) -> None:
        async with _client(broken_app) as client:
            response = await client.get("/boom")

        assert response.json() == UNEXPECTED_ERROR
        assert "internal detail" not in response.text


class TestJsonLogging:
    """configure_logging(log_format="json") writes one JSON object per line."""

    @pytest.mark.usefixtures("restore_logging")
    def test_structlog_and_stdlib_records_are_json_lines(
        self, capsys: pytest.CaptureFixture[str]
    ) -> None:
        _configure_json_logging()

        structlog.get_logger("casedesk.test").info("test.event", case_count=3)
        logging.getLogger("some.library").warning("plain %s", "message")

        lines = _json_lines(capsys.readouterr().err)

        assert [(line["event"], line["level"]) for line in lines] == [
            ("test.event", "info"),
            ("plain message", "warning"),
        ]
        assert lines[0]["case_count"] == 3
        assert all("timestamp" in line for line in lines)

    @pytest.mark.usefixtures("restore_logging")
    def test_json_line_of_an_exception_carries_the_traceback(
        self, capsys: pytest.CaptureFixture[str]
    ) -> None:
        _configure_json_logging()

        try:
            raise ValueError("the cause")
        except ValueError:
            structlog.get_logger("casedesk.test").exception("test.failed")

        [line] = _json_lines(capsys.readouterr().err)

        assert line["event"] == "test.failed"
        assert "ValueError: the cause" in line["exception"]

    @pytest.mark.usefixtures("restore_logging")
    async def test_request_line_is_json_with_its_request_id(
        self, admin: Principal, capsys: pytest.CaptureFixture[str]
    ) -> None:
        cookie = admin.client.cookies["fastapiusersauth"]
        _configure_json_logging()
        capsys.readouterr()

        response = await admin.client.get("/cases", params={"field_ids": QUERY_MARKER})

        output = capsys.readouterr().err
        lines = [line for line in _json_lines(output) if line.get("event")]
        [line] = [line for line in lines if line["event"] == "request.completed"]
        assert line["request_id"] == response.headers["x-request-id"]
        assert (line["method"], line["path"], line["status"]) == ("GET", "/cases", 200)
        assert cookie not in output
        assert QUERY_MARKER not in output


def _served_operations() -> set[tuple[str, str]]:
    """(method, path) of the routes the app factory mounts, both case mounts."""
    operations = {("POST", "/auth/login"), ("POST", "/auth/logout")}
    for router in (health_router, users_router, workspaces_router):
        operations |= _operations_of(router, prefix="")
    for router in WORKSPACE_SCOPED_ROUTERS:
        operations |= _operations_of(router, prefix="")
        operations |= _operations_of(router, prefix=WORKSPACE_PREFIX)
    return operations


def _operations_of(router: APIRouter, *, prefix: str) -> set[tuple[str, str]]:
    return {
        (method, prefix + route.path)
        for route in router.routes
        if isinstance(route, APIRoute) and route.include_in_schema
        for method in route.methods
    }


def _is_case_path(path: str) -> bool:
    """A route of the case record: `/cases…` and the `/case-…` definitions."""
    return path.removeprefix(WORKSPACE_PREFIX).startswith("/case")


CASE_RECORD_PATHS = {
    "/cases",
    "/cases/metrics",
    "/cases/{case_id}",
    "/cases/{case_id}/versions",
    "/cases/{case_id}/events",
    "/case-tags",
    "/case-tags/{tag_id}",
    "/cases/{case_id}/tags",
    "/cases/{case_id}/tags/{tag_identifier}",
    "/case-fields",
    "/case-fields/{field_id}",
    "/cases/{case_id}/comments",
    "/cases/{case_id}/comments/threads",
    "/cases/{case_id}/comments/{comment_id}",
    "/cases/{case_id}/tasks",
    "/cases/{case_id}/tasks/{task_id}",
    "/case-dropdowns",
    "/case-dropdowns/{definition_id}",
    "/case-dropdowns/{definition_id}/options",
    "/case-dropdowns/{definition_id}/options/reorder",
    "/case-dropdowns/{definition_id}/options/{option_id}",
    "/cases/{case_id}/dropdowns",
    "/cases/{case_id}/dropdowns/{definition_id}",
    "/case-durations",
    "/case-durations/{definition_id}",
    "/cases/{case_id}/durations",
    "/cases/{case_id}/durations/{duration_id}",
    "/cases/search",
    "/cases/search/aggregate",
    "/cases/batch-update",
    "/cases/batch-delete",
}


class TestOpenApi:
    """The OpenAPI document describes every route and its errors."""

    async def test_every_route_of_both_mounts_is_documented(
        self, anonymous: httpx.AsyncClient
    ) -> None:
        document = (await anonymous.get("/openapi.json")).json()

        documented = {
            (method.upper(), path)
            for path, operations in document["paths"].items()
            for method in operations
        }
        assert _served_operations() <= documented
        assert {
            ("GET", "/cases"),
            ("GET", "/workspaces/{workspace_id}/cases"),
            ("PATCH", "/workspaces/{workspace_id}/cases/{case_id}"),
            ("GET", "/workspaces/{workspace_id}/cases/{case_id}/events"),
            ("GET", "/health"),
        } <= documented

    async def test_each_case_route_is_documented_on_both_mounts(
        self, anonymous: httpx.AsyncClient
    ) -> None:
        paths = (await anonymous.get("/openapi.json")).json()["paths"]
        scoped = tuple(router.prefix for router in WORKSPACE_SCOPED_ROUTERS)

        short = {
            (method, path)
            for path in paths
            if path.startswith(scoped)
            for method in paths[path]
        }
        prefixed = {
            (method, path.removeprefix(WORKSPACE_PREFIX))
            for path in paths
            if path.startswith(WORKSPACE_PREFIX + "/")
            for method in paths[path]
        }
        assert short
        assert short == prefixed

    async def test_operation_ids_are_unique(self, anonymous: httpx.AsyncClient) -> None:
        document = (await anonymous.get("/openapi.json")).json()

        ids = [
            operation["operationId"]
            for operations in document["paths"].values()
            for operation in operations.values()
        ]
        assert len(ids) == len(set(ids))

    async def test_every_path_parameter_is_declared(
        self, anonymous: httpx.AsyncClient
    ) -> None:
        document = (await anonymous.get("/openapi.json")).json()

        undeclared = []
        for path, operations in document["paths"].items():
            names = set(re.findall(r"{(\w+)}", path))
            for method, operation in operations.items():
                declared = {
                    parameter["name"]
                    for parameter in operation.get("parameters", [])
                    if parameter["in"] == "path" and parameter["required"]
                }
                if declared != names:
                    undeclared.append((method, path, sorted(names - declared)))
        assert undeclared == []

    async def test_workspace_ids_are_documented_as_uuids(
        self, anonymous: httpx.AsyncClient
    ) -> None:
        paths = (await anonymous.get("/openapi.json")).json()["paths"]

        short = paths["/cases"]["get"]["parameters"]
        prefixed = paths["/workspaces/{workspace_id}/cases"]["get"]["parameters"]
        [query] = [p for p in short if p["name"] == "workspace_id"]
        [path] = [
            p for p in prefixed if (p["name"], p["in"]) == ("workspace_id", "path")
        ]
        assert (query["in"], query["required"]) == ("query", False)
        assert path["required"] is True
        assert _schema_format(query["schema"]) == "uuid"
        assert _schema_format(path["schema"]) == "uuid"

    async def test_list_parameters_are_documented(
        self, anonymous: httpx.AsyncClient
    ) -> None:
        paths = (await anonymous.get("/openapi.json")).json()["paths"]

        for path in ("/cases", "/workspaces/{workspace_id}/cases"):
            names = {p["name"] for p in paths[path]["get"]["parameters"]}
            assert {"limit", "cursor", "order_by", "sort", "include_payload"} <= names

    async def test_case_routes_document_their_error_responses(
        self, anonymous: httpx.AsyncClient
    ) -> None:
        paths = (await anonymous.get("/openapi.json")).json()["paths"]

        expected = {"401", "403", "404", "422"}
        missing = {
            (method, path): sorted(expected - set(operation["responses"]))
            for path, operations in paths.items()
            if _is_case_path(path)
            for method, operation in operations.items()
            if not expected <= set(operation["responses"])
        }
        case_paths = {path for path in paths if _is_case_path(path)}
        assert case_paths == CASE_RECORD_PATHS | {
            WORKSPACE_PREFIX + path for path in CASE_RECORD_PATHS
        }
        assert missing == {}

    async def test_create_documents_the_case_body(
        self, anonymous: httpx.AsyncClient
    ) -> None:
        document = (await anonymous.get("/openapi.json")).json()

        operation = document["paths"]["/cases"]["post"]
        schema = operation["requestBody"]["content"]["application/json"]["schema"]
        assert schema == {"$ref": "#/components/schemas/CaseCreate"}
        case_create = document["components"]["schemas"]["CaseCreate"]
        assert case_create["additionalProperties"] is False
        assert case_create["properties"]["summary"]["maxLength"] == 255
        assert case_create["properties"]["description"]["maxLength"] == 5000

    async def test_docs_page_is_html(self, anonymous: httpx.AsyncClient) -> None:
        response = await anonymous.get("/docs")

        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/html")
        assert "/openapi.json" in response.text


def _schema_format(schema: dict[str, Any]) -> str | None:
    """The `format` of a schema, looking through `anyOf` with null."""
    if "format" in schema:
        return schema["format"]
    formats = [item.get("format") for item in schema.get("anyOf", [])]
    return next((value for value in formats if value), None)
