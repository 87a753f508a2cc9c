"""Prometheus metrics. Labels carry codes and counts only: never personal data."""

from prometheus_client import Counter, Gauge, Histogram

MESSAGES = Counter("jatkumo_messages_total", "Messages handled by outcome", ["service", "outcome"])
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
EVENTS_IN = Counter(
    "jatkumo_events_in_total", "Messages a worker consumed, by topic", ["service", "topic"]
)
EVENTS_OUT = Counter(
    "jatkumo_events_out_total",
    "Messages a worker delivered to the broker, by topic",
    ["service", "topic"],
)
DECISION_SECONDS = Histogram(
    "jatkumo_decision_seconds",
    "Time to decide one message (decode, decide, queue outputs)",
    ["stage"],
    buckets=(0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1.0),
)
GUARD_REREADS = Counter(
    "jatkumo_commit_guard_rereads_total",
    "Messages the faust patches kept out of a commit or sought back to, by guard",
    ["guard"],
)
for _guard in ("ordered_fetch", "ack_guard", "gapless_commit", "stall_watch"):
    GUARD_REREADS.labels(_guard)  # exported as 0 before the first re-read
