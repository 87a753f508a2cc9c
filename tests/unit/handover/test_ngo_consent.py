"""NGOs take part only where the client consented: tasks reach an NGO only under consent."""

from datetime import timedelta

from services.core.case import CaseState, ContactPerson
from services.core.facts import FactKind
from services.core.tasks import TaskKind
from services.core.vocabulary import ContactRole
from tests.unit.handover.builders import consented_case as case
from tests.unit.handover.builders import fact, recipients, run
from tests.unit.policy.builders import COUNTY, NGO, NOW, PRISON, TODAY, consent, referral

RELEASE = TODAY + timedelta(days=150)
NGO_WORKER = ContactPerson(role=ContactRole.NGO_SUPPORT, org=NGO, worker_ref="w-2", since=NOW)


def _moved(**overrides: object) -> CaseState:
    return case(
        **{
            "contacts": [NGO_WORKER],
            "release_date": RELEASE - timedelta(days=21),
            "referrals": [referral()],
            **overrides,
        }
    )


def _change(moved: CaseState) -> list[str]:
    return recipients(
        run(fact(FactKind.RELEASE_DATE_CHANGED, moved, previous_release_date=RELEASE))
    )


def test_ngo_without_consent_gets_no_network_notice() -> None:
    """An NGO in the network with no consent hears nothing; the county, notified under
    SHL 35 § 2 mom., still does."""
    assert _change(_moved(consents=[])) == [COUNTY]


def test_ngo_gets_no_task_once_its_consent_is_withdrawn() -> None:
    """S4: after the withdrawal later tasks to the NGO stop; the county's go on (SHL §35)."""
    withdrawn = consent(recipients=[COUNTY, NGO], withdrawn_at=NOW - timedelta(hours=1))
    assert _change(_moved(consents=[withdrawn])) == [COUNTY]


def test_ngo_consent_for_another_purpose_opens_nothing() -> None:
    """A consent for supervision does not let release-planning tasks reach the NGO."""
    other = consent(recipients=[NGO], purpose="supervision")
    assert _change(_moved(consents=[other])) == [COUNTY]


def test_ngo_with_a_covering_consent_is_told() -> None:
    """With a consent for release planning the NGO receives the change."""
    assert _change(_moved(consents=[consent(recipients=[NGO])])) == [COUNTY, NGO]


def test_revocation_notice_still_reaches_the_ngo() -> None:
    """The NGO that received data under a consent is told of its withdrawal."""
    given = consent(recipients=[COUNTY, NGO])
    before = run(
        fact(FactKind.RELEASE_DATE_CHANGED, _moved(consents=[given]), previous_release_date=RELEASE)
    )
    withdrawn = _moved(consents=[given.model_copy(update={"withdrawn_at": NOW})])
    outcome = run(fact(FactKind.CONSENT_WITHDRAWN, withdrawn, consent_id="consent-1"), before.state)
    assert {(i.task.kind, i.task.recipient_org) for i in outcome.issued} == {
        (TaskKind.CONSENT_REVOKED, COUNTY),
        (TaskKind.CONSENT_REVOKED, NGO),
    }


def test_prisons_and_counties_are_not_limited_by_the_rule() -> None:
    """The rule is about NGOs: a prison still gets its transfer notice without consent."""
    moved = case(prison="prison-turun")
    assert recipients(run(fact(FactKind.TRANSFERRED, moved, previous_prison=PRISON))) == [
        "prison-turun",
        COUNTY,
    ]
