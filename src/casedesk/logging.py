"""structlog configuration: key-value console lines, or JSON for machines."""

import logging
import sys

import structlog
from structlog.typing import Processor


def configure_logging(*, log_format: str = "console", level: str = "INFO") -> None:
    """Route structlog and the standard library through one renderer."""
    shared: list[Processor] = [
        structlog.contextvars.merge_contextvars,
        structlog.stdlib.add_log_level,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
    ]
    # The console renderer draws tracebacks itself; JSON needs them turned
    # into an `exception` string first, or a line says only `exc_info: true`.
    # Plain tracebacks: the default console formatter prints every frame's
    # local variables, which include cookies, request bodies and payloads.
    renderers: list[Processor] = [
        structlog.dev.ConsoleRenderer(
            colors=False, exception_formatter=structlog.dev.plain_traceback
        )
    ]
    if log_format == "json":
        renderers = [
            structlog.processors.format_exc_info,
            structlog.processors.JSONRenderer(),
        ]

    structlog.configure(
        processors=[
            *shared,
            structlog.stdlib.ProcessorFormatter.wrap_for_formatter,
        ],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.stdlib.BoundLogger,
        cache_logger_on_first_use=True,
    )

    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(
        structlog.stdlib.ProcessorFormatter(
            foreign_pre_chain=shared,
            processors=[
                structlog.stdlib.ProcessorFormatter.remove_processors_meta,
                *renderers,
            ],
        )
    )
    root = logging.getLogger()
    root.handlers = [handler]
    root.setLevel(level.upper())

    # casedesk writes its own request line; uvicorn's access log would repeat
    # it with the query string, which may carry search terms.
    logging.getLogger("uvicorn.access").disabled = True
    for name in ("uvicorn", "uvicorn.error"):
        logging.getLogger(name).handlers = []
        logging.getLogger(name).propagate = True

    # httpx logs every outgoing URL at INFO; URLs of webhooks and feeds can
    # carry tokens in their query strings.
    for name in ("httpx", "httpcore"):
        logging.getLogger(name).setLevel(logging.WARNING)

    # aiosqlite logs every statement with its parameters at DEBUG: the rows
    # themselves, audit details included.
    logging.getLogger("aiosqlite").setLevel(logging.INFO)
