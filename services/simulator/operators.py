"""How operators work through the alert list in the simulation.

An operator who finds a county's referral unacknowledged past its deadline
(`referral_not_acknowledged`) escalates about half of them to the county a few working days
after the alert opened, as a person working the list would; an alert resolved by then is left
alone. Pure: the decision depends only on the seed and the alert.
"""

import random

from services.core.events import AlertEscalated
from services.core.organisations import OPERATORS
from services.core.records import Alert, AlertRule, AlertState
from services.simulator.moments import working_days_after

ESCALATED_RULES = frozenset({AlertRule.REFERRAL_NOT_ACKNOWLEDGED})
ESCALATION_RATE = 0.5
ESCALATION_WORKING_DAYS = (2, 5)


def escalation(alert: Alert, seed: int) -> AlertEscalated | None:
    """The escalation an operator will send for this newly opened alert, if any."""
    if alert.state != AlertState.OPEN or alert.rule not in ESCALATED_RULES or not alert.person_ref:
        return None
    rng = random.Random(f"{seed}:alert:{alert.alert_id}")
    if rng.random() >= ESCALATION_RATE:
        return None
    return AlertEscalated(
        event_id=f"escalation-{alert.alert_id}"[:100],
        occurred_at=working_days_after(rng, alert.opened_at, ESCALATION_WORKING_DAYS),
        source_org=OPERATORS,
        person_ref=alert.person_ref,
        alert_id=alert.alert_id,
        rule=alert.rule.value,
        missed_deadline=alert.opened_at,
        escalated_by=f"op-{rng.randint(1, 40):03d}",
    )
