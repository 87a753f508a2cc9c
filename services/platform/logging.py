"""structlog, configured once: JSON lines, or a console renderer when interactive.

Log only pseudonymous references, codes and counts: never identity codes, names or free text.

The Kafka client libraries (aiokafka, kafka-python, faust, mode) log through the standard
library; their records at WARNING and above go through the same structlog renderer (with the
logger's name), so a worker writes one stream of JSON lines. Workers keep this set-up: faust's
worker is started with `override_logging=False`.
"""

import logging
import sys
from typing import Any

import structlog

CLIENT_LOGGERS = ("aiokafka", "kafka", "faust", "mode")
"""Libraries whose own logging is kept, at WARNING, and rendered by structlog."""

_configured = False


def _renderer(as_json: bool) -> Any:
    return structlog.processors.JSONRenderer() if as_json else structlog.dev.ConsoleRenderer()


def stdlib_handler(as_json: bool, stream: Any = None) -> logging.Handler:
    """A handler that renders standard-library records as structlog does its own."""
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(
        structlog.stdlib.ProcessorFormatter(
            foreign_pre_chain=[
                structlog.stdlib.add_logger_name,
                structlog.processors.add_log_level,
                structlog.processors.TimeStamper(fmt="iso", utc=True),
            ],
            processors=[
                structlog.stdlib.ProcessorFormatter.remove_processors_meta,
                structlog.processors.format_exc_info,
                _renderer(as_json),
            ],
        )
    )
    return handler


def configure(level: str = "INFO", json_lines: bool | None = None) -> None:
    """Idempotent set-up shared by every entry point."""
    global _configured  # noqa: PLW0603 - configure-once switch
    if _configured:
        return
    as_json = not sys.stderr.isatty() if json_lines is None else json_lines
    structlog.configure(
        processors=[
            structlog.contextvars.merge_contextvars,
            structlog.processors.add_log_level,
            structlog.processors.TimeStamper(fmt="iso", utc=True),
            structlog.processors.format_exc_info,
            _renderer(as_json),
        ],
        wrapper_class=structlog.make_filtering_bound_logger(logging.getLevelName(level)),
        logger_factory=structlog.PrintLoggerFactory(file=sys.stderr),
        cache_logger_on_first_use=True,
    )
    root = logging.getLogger()
    root.addHandler(stdlib_handler(as_json))  # next to any a test runner has put there
    root.setLevel(logging.WARNING)
    for name in CLIENT_LOGGERS:
        logging.getLogger(name).setLevel(logging.WARNING)
    _configured = True


def get_logger(name: str) -> Any:
    configure()
    return structlog.get_logger(name)
