"""Kafka client logs are kept at WARNING and rendered by structlog as JSON lines."""

import io
import json
import logging

from services.platform.logging import CLIENT_LOGGERS, stdlib_handler


def test_a_client_warning_becomes_a_json_line_with_its_logger_and_level() -> None:
    """An aiokafka warning is one JSON line naming the logger, the level and the message."""
    stream = io.StringIO()
    logger = logging.getLogger("aiokafka.consumer.test")
    logger.addHandler(stdlib_handler(as_json=True, stream=stream))
    logger.propagate = False
    try:
        logger.warning("coordinator %s dead", 1)
    finally:
        logger.handlers.clear()
        logger.propagate = True
    line = json.loads(stream.getvalue())
    assert (line["logger"], line["level"], line["event"]) == (
        "aiokafka.consumer.test",
        "warning",
        "coordinator 1 dead",
    )


def test_client_loggers_pass_warnings_and_not_info() -> None:
    """After configure(), aiokafka, kafka, faust and mode log WARNING, not INFO, and never
    sit at CRITICAL."""
    from services.platform.logging import configure  # noqa: PLC0415

    configure()
    for name in CLIENT_LOGGERS:
        logger = logging.getLogger(name)
        assert logger.isEnabledFor(logging.WARNING), name
        assert not logger.isEnabledFor(logging.INFO), name
