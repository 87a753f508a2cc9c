"""An escalated alert becomes a `path_escalation` task for the responsible county, through the
sharing decision: with a consent that covers the county, it names the rule and the deadline
missed; on an SHL 35 § notification alone it is not sent (the notifier's basis, not ours)."""

from datetime import timedelta

from services.core.case import CaseState
from services.core.escalation import ESCALATION_REASON, escalation_draft, escalation_task_id
from services.core.facts import CaseFact, FactKind
from services.core.policy import SHL35_TASK_KINDS, task_id_for
from services.core.tasks import TaskKind
from services.core.vocabulary import Category
from tests.unit.handover.builders import consented_case, fact, run, to
from tests.unit.policy.builders import COUNTY, NOW, case, referral

MISSED = NOW - timedelta(days=4)
RULE = "referral_not_acknowledged"


def escalation_fact(state: CaseState | None = None) -> CaseFact:
    return fact(
        FactKind.ALERT_ESCALATED,
        state or consented_case(),
        source_org="operators",
        rule=RULE,
        alert_id="alert-1",
        missed_deadline=MISSED,
    )


def test_escalation_with_consent_gives_the_county_a_reminder_task() -> None:
    """The county gets one `path_escalation` task with the rule and the deadline missed."""
    task = to(run(escalation_fact()), COUNTY).task
    assert (task.kind, task.reason_code) == (TaskKind.PATH_ESCALATION, ESCALATION_REASON)
    assert (task.payload.escalated_rule, task.payload.missed_deadline) == (RULE, MISSED)


def test_escalation_task_has_a_disclosure_record_of_what_it_carries() -> None:
    """The disclosure record lists the service-status category on the consent's basis."""
    disclosure = to(run(escalation_fact()), COUNTY).disclosure
    assert Category.SERVICE_STATUS in disclosure.categories
    assert disclosure.consent_ids == ["consent-network"]


def test_escalation_on_a_notification_alone_is_not_sent() -> None:
    """Without a consent, an SHL 35 § notification does not carry an escalation."""
    outcome = run(escalation_fact(case(referrals=[referral()])))
    assert outcome.issued == []
    assert [(r.task_kind, r.recipient_org) for r in outcome.refused] == [
        (TaskKind.PATH_ESCALATION, COUNTY)
    ]


def test_path_escalation_is_not_an_shl35_task() -> None:
    """The notification basis covers the tasks that act on the notification, not reminders."""
    assert TaskKind.PATH_ESCALATION not in SHL35_TASK_KINDS


def test_escalation_without_a_responsible_county_has_no_draft() -> None:
    """Nobody is responsible: there is nothing to draft."""
    assert escalation_draft(case(responsible_area=None), RULE, MISSED, "e-1", NOW) is None


def test_the_escalation_task_id_is_the_one_the_policy_derives() -> None:
    """What the operator view expects to see disclosed is the id the task gets."""
    draft = escalation_draft(consented_case(), RULE, MISSED, "e-1", NOW)
    assert draft is not None
    assert escalation_task_id("case-1", COUNTY, "e-1") == task_id_for(draft)


def test_each_escalation_is_a_task_of_its_own() -> None:
    """Two escalations of the same alert are two reminders (different events)."""
    first = escalation_draft(consented_case(), RULE, MISSED, "e-1", NOW)
    second = escalation_draft(consented_case(), RULE, MISSED, "e-2", NOW)
    assert first is not None
    assert second is not None
    assert task_id_for(first) != task_id_for(second)
