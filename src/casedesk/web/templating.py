"""The Jinja2 environment every page renders with; autoescaping always on."""

from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from casedesk.web.markdown import render_markdown

TEMPLATE_DIR = Path(__file__).parent / "templates"
STATIC_DIR = Path(__file__).parent / "static"

templates = Jinja2Templates(directory=TEMPLATE_DIR)
# Jinja2Templates enables autoescaping for .html; made explicit so a template
# of another extension cannot slip through unescaped.
templates.env.autoescape = True
templates.env.filters["markdown"] = render_markdown


def _when(value: str | datetime | None) -> str:
    """A timestamp as `2026-12-04 18:35 UTC`, the form analysts quote."""
    if value is None or value == "":
        return ""
    moment = datetime.fromisoformat(value) if isinstance(value, str) else value
    return moment.strftime("%Y-%m-%d %H:%M UTC")


def _label(value: str | None) -> str:
    """An enum value as a label: `in_progress` → `In progress`."""
    if not value:
        return ""
    text = value.replace("_", " ")
    return text[0].upper() + text[1:]


def _query(params: dict[str, Any] | list[tuple[str, Any]], **changes: Any) -> str:
    """A query string from params with some keys replaced or removed (None)."""
    pairs = list(params.items()) if isinstance(params, dict) else list(params)
    kept = [(key, value) for key, value in pairs if key not in changes]
    kept += [(key, value) for key, value in changes.items() if value is not None]
    return urlencode([(key, value) for key, value in kept if value not in ("", None)])


templates.env.filters["when"] = _when
templates.env.filters["label"] = _label
templates.env.globals["query"] = _query


def render(
    request: Request,
    template: str,
    context: dict[str, Any],
    *,
    status_code: int = 200,
    headers: dict[str, str] | None = None,
) -> HTMLResponse:
    """Render a page; `context` must hold `page` for pages behind sign-in."""
    return templates.TemplateResponse(
        request, template, context, status_code=status_code, headers=headers
    )
