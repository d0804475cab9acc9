"""structlog as the tests leave it: its own defaults, with plain tracebacks.

Tests build the app without `configure_logging`, so structlog keeps its
defaults, and those draw a logged exception with rich, every frame's local
variables included: many seconds for each 500 a test provokes on purpose.
"""

import structlog
from structlog.dev import ConsoleRenderer, plain_traceback


def use_test_logging() -> None:
    """structlog's default pipeline, but tracebacks printed plainly."""
    structlog.reset_defaults()
    structlog.configure(
        processors=[
            structlog.contextvars.merge_contextvars,
            structlog.processors.add_log_level,
            structlog.processors.StackInfoRenderer(),
            structlog.dev.set_exc_info,
            structlog.processors.TimeStamper(fmt="%Y-%m-%d %H:%M:%S", utc=False),
            ConsoleRenderer(exception_formatter=plain_traceback),
        ]
    )
