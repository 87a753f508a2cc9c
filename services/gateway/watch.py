"""Whether an organisation's webhook alert opens or resolves: a pure function of the watch so
far, the outcome of one delivery attempt and the time.

The watch remembers since when the webhook has been failing and the alert it opened, if any.
A failed attempt starts (or continues) the failure; once it has lasted `alert_after`, the alert
`webhook_failing` opens, once per failure. A delivered attempt ends the failure and resolves
the open alert (same `alert_id`, state `resolved`). The alert is about the organisation: no
person, no case, no county; `subject` is the organisation's code. Each failure long enough to
alert has its own `alert_id` (from the organisation and the moment the failure began), so the
operator view keeps one alert per episode.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from services.core.ids import stable_id
from services.core.records import Alert, AlertRule, AlertState, Severity


@dataclass(frozen=True)
class WebhookWatch:
    failing_since: datetime | None = None
    """The first failed attempt since the last delivery; None while deliveries succeed."""
    alert: Alert | None = None
    """The open alert of the current failure, once it has opened."""


def webhook_alert_id(org: str, failing_since: datetime) -> str:
    return stable_id(org, AlertRule.WEBHOOK_FAILING, failing_since.isoformat())


def observe(
    watch: WebhookWatch, delivered: bool, now: datetime, *, org: str, alert_after: timedelta
) -> tuple[WebhookWatch, Alert | None]:
    """The watch after one attempt, and the alert to publish (opened or resolved), if any."""
    if delivered:
        if watch.alert is None:
            return WebhookWatch(), None
        resolved = watch.alert.model_copy(update={"state": AlertState.RESOLVED, "resolved_at": now})
        return WebhookWatch(), resolved
    since = watch.failing_since or now
    if watch.alert is not None or now - since < alert_after:
        return WebhookWatch(since, watch.alert), None
    opened = Alert(
        alert_id=webhook_alert_id(org, since),
        rule=AlertRule.WEBHOOK_FAILING,
        state=AlertState.OPEN,
        person_ref="",
        case_id="",
        area=None,
        severity=Severity.WARNING,
        opened_at=now,
        subject=org,
    )
    return WebhookWatch(since, opened), opened
