"""The casedesk application factory."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import Depends, FastAPI
from fastapi.routing import APIRoute

from casedesk.audit.router import router as audit_router
from casedesk.auth.backend import build_auth_backend
from casedesk.auth.login import router as sign_in_router
from casedesk.auth.router import router as users_router
from casedesk.auth.throttle import LoginThrottle
from casedesk.cases.batch_router import router as batch_router
from casedesk.cases.router import router as cases_router
from casedesk.comments.router import router as comments_router
from casedesk.config import Settings, get_settings
from casedesk.db.engine import create_engine
from casedesk.db.session import make_sessionmaker
from casedesk.dropdowns.router import case_dropdowns_router
from casedesk.dropdowns.router import definitions_router as dropdowns_router
from casedesk.durations.router import case_durations_router
from casedesk.durations.router import definitions_router as durations_router
from casedesk.events.router import router as events_router
from casedesk.fields.router import router as fields_router
from casedesk.health.router import router as health_router
from casedesk.kit.exception_handlers import install_exception_handlers
from casedesk.kit.middleware import BodySizeLimitMiddleware, RequestLogMiddleware
from casedesk.kit.pagination import CursorCodec
from casedesk.kit.security_headers import SecurityHeadersMiddleware
from casedesk.logging import configure_logging
from casedesk.metrics.middleware import (
    RequestMetricsMiddleware,
    install_operations_metrics,
)
from casedesk.metrics.router import case_metrics_router, operations_router
from casedesk.service_accounts.router import router as service_accounts_router
from casedesk.tags.router import case_tags_router
from casedesk.tags.router import definitions_router as tags_router
from casedesk.tasks.router import router as tasks_router
from casedesk.users.router import router as admin_users_router
from casedesk.web.router import install_web_interface
from casedesk.workspaces.deps import validate_path_workspace_id
from casedesk.workspaces.router import members_router
from casedesk.workspaces.router import router as workspaces_router

# `/cases/metrics` and the batch routes come before `/cases/{case_id}`.
WORKSPACE_SCOPED_ROUTERS = (
    case_metrics_router,
    batch_router,
    cases_router,
    events_router,
    members_router,
    service_accounts_router,
    tags_router,
    case_tags_router,
    fields_router,
    comments_router,
    tasks_router,
    dropdowns_router,
    case_dropdowns_router,
    durations_router,
    case_durations_router,
)

DESCRIPTION = """
Case management for security teams. Every case route is served twice: under
`/workspaces/{workspace_id}/…` and at the short path `/…`, where the optional
`workspace_id` query parameter defaults to the caller's first workspace.
Sign in with `POST /auth/login`; the session cookie is `fastapiusersauth`.
"""


def create_app(settings: Settings | None = None) -> FastAPI:
    """Build the API for the given settings (by default, the environment's)."""
    settings = settings or get_settings()
    engine = create_engine(
        settings.resolved_database_url, pool_size=settings.db_pool_size
    )

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        yield
        await engine.dispose()

    app = FastAPI(
        title="casedesk",
        version="0.1.0",
        description=DESCRIPTION,
        lifespan=lifespan,
        generate_unique_id_function=_operation_id,
        # No trailing-slash redirects: they echo the Host header back.
        redirect_slashes=False,
    )
    app.state.settings = settings
    app.state.engine = engine
    app.state.sessionmaker = make_sessionmaker(engine)
    app.state.cursor_codec = CursorCodec(settings.secret_value())

    app.state.auth_backend = build_auth_backend(settings)
    app.state.login_throttle = LoginThrottle.from_settings(settings)
    app.include_router(sign_in_router)
    app.include_router(users_router)
    app.include_router(admin_users_router)
    app.include_router(workspaces_router)
    app.include_router(health_router)
    app.include_router(audit_router)
    app.include_router(operations_router)
    for router in WORKSPACE_SCOPED_ROUTERS:
        app.include_router(router)
        app.include_router(
            router,
            prefix="/workspaces/{workspace_id}",
            dependencies=[Depends(validate_path_workspace_id)],
            generate_unique_id_function=_workspace_operation_id,
        )

    install_web_interface(app)
    install_exception_handlers(app)
    app.add_middleware(BodySizeLimitMiddleware, max_bytes=settings.max_body_bytes)
    app.add_middleware(
        SecurityHeadersMiddleware,
        docs_paths=(
            app.docs_url,
            app.redoc_url,
            app.swagger_ui_oauth2_redirect_url,
            app.openapi_url,
        ),
        https=settings.cookie_secure,
    )
    app.add_middleware(RequestLogMiddleware)
    app.add_middleware(
        RequestMetricsMiddleware, metrics=install_operations_metrics(app)
    )
    return app


def create_served_app() -> FastAPI:
    """The app as `casedesk serve` runs it, in every worker process."""
    settings = get_settings()
    configure_logging(log_format=settings.log_format, level=settings.log_level)
    return create_app(settings)


def _operation_id(route: APIRoute) -> str:
    return route.name


def _workspace_operation_id(route: APIRoute) -> str:
    return f"{route.name}_in_workspace"
