"""Prometheus metrics. Labels carry codes and counts only: never personal data."""

from prometheus_client import Counter, Gauge

MESSAGES = Counter(
    "jatkumo_messages_total", "Messages handled by outcome", ["service", "outcome"]
)
DEAD_LETTERS = Counter(
    "jatkumo_dead_letters_total", "Messages sent to the dead-letter topic", ["service", "reason"]
)
TASKS = Counter("jatkumo_tasks_total", "Tasks issued", ["kind"])
TASKS_REFUSED = Counter(
    "jatkumo_tasks_refused_total", "Tasks not issued: no basis", ["kind", "reason"]
)
TASK_STATUS = Counter("jatkumo_task_status_total", "Task status changes reported", ["status"])
OPEN_ALERTS = Gauge("jatkumo_open_alerts", "Open broken-service-path alerts", ["rule", "area"])
CONSUMER_LAG = Gauge("jatkumo_consumer_lag", "Messages behind the end of a topic", ["topic"])
