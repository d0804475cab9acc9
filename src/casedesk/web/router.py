"""Mount the web interface on the application."""

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from casedesk.web.api import ApiError
from casedesk.web.errors import PageNotFound, SignInRequired, render_page_error
from casedesk.web.pages import (
    auth,
    case,
    case_comments,
    case_tasks,
    create,
    home,
    queue,
    settings_dropdowns,
    settings_durations,
    settings_fields,
    settings_index,
    settings_keys,
    settings_members,
    settings_tags,
)
from casedesk.web.templating import STATIC_DIR

# `/cases/new` and `/cases/bulk` come before `/cases/{case_id}`.
PAGE_ROUTERS = (
    auth.router,
    home.router,
    queue.router,
    create.router,
    case.router,
    case_comments.router,
    case_tasks.router,
    settings_index.router,
    settings_members.router,
    settings_keys.router,
    settings_tags.router,
    settings_fields.router,
    settings_dropdowns.router,
    settings_durations.router,
)


def install_web_interface(app: FastAPI) -> None:
    """Serve the pages under `/ui/`, their assets, and `/` as the way in."""
    app.include_router(home.root_router)
    for router in PAGE_ROUTERS:
        app.include_router(router)
    app.mount("/ui/static", StaticFiles(directory=STATIC_DIR), name="ui_static")

    for error in (ApiError, SignInRequired, PageNotFound):
        app.add_exception_handler(error, render_page_error)
