"""structlog, configured once: JSON lines, or a console renderer when interactive.

Log only pseudonymous references, codes and counts: never identity codes, names or free text.
"""

import logging
import sys
from typing import Any

import structlog

_configured = False


def configure(level: str = "INFO", json_lines: bool | None = None) -> None:
    """Idempotent set-up shared by every entry point."""
    global _configured  # noqa: PLW0603 - configure-once switch
    if _configured:
        return
    as_json = not sys.stderr.isatty() if json_lines is None else json_lines
    renderer: Any = (
        structlog.processors.JSONRenderer() if as_json else structlog.dev.ConsoleRenderer()
    )
    structlog.configure(
        processors=[
            structlog.contextvars.merge_contextvars,
            structlog.processors.add_log_level,
            structlog.processors.TimeStamper(fmt="iso", utc=True),
            structlog.processors.format_exc_info,
            renderer,
        ],
        wrapper_class=structlog.make_filtering_bound_logger(logging.getLevelName(level)),
        logger_factory=structlog.PrintLoggerFactory(file=sys.stderr),
        cache_logger_on_first_use=True,
    )
    logging.basicConfig(level=logging.WARNING, stream=sys.stderr, format="%(name)s %(message)s")
    for noisy in ("kafka", "aiokafka"):
        # client libraries log every refused connection while a broker starts
        logging.getLogger(noisy).setLevel(logging.CRITICAL)
    _configured = True


def get_logger(name: str) -> Any:
    configure()
    return structlog.get_logger(name)
