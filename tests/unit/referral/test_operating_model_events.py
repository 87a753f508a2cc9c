"""Stage 2: release plans, cooperation, meetings, supervision, the client's voice and
dismissals change the case and emit their facts; the events that do not fit are refused."""

from datetime import date
from typing import Any, TypeVar

from services.core.case import CaseStatus, MeetingParticipant, PlannedService
from services.core.dismissal import dismissed
from services.core.events import (
    AlertDismissed,
    ClientDeclined,
    ClientPlanAgreed,
    ClientPlanReviewed,
    ClientPreferenceRecorded,
    CooperationRequested,
    InboundEvent,
    NetworkMeetingHeld,
    NetworkMeetingScheduled,
    ProbationaryFreedomRevoked,
    ReleasePlanAgreed,
    ReleasePlanUpdated,
    SupervisionOrdered,
)
from services.core.facts import FactKind
from services.core.vocabulary import (
    CooperationPurpose,
    Declined,
    DeclineReason,
    DismissalReason,
    Need,
    ParticipantRole,
    ReleaseType,
)
from services.referral.reasons import Reason
from tests.unit.referral import builders as b

CSO = "cso-ita-suomen"
E = TypeVar("E", bound=InboundEvent)


def _ev(cls: type[E], event_id: str, days: int, source: str = b.PRISON, **fields: Any) -> E:
    return cls.model_validate(
        {
            "event_id": event_id,
            "occurred_at": b.T0 + days * b.DAY,
            "source_org": source,
            "person_ref": b.PERSON,
            **fields,
        }
    )


def plan(event_id: str = "e-rp", days: int = 10, **o: Any) -> ReleasePlanAgreed:
    fields: dict[str, Any] = {
        "plan_id": "rp-1",
        "agreed_with_client": True,
        "services": [PlannedService(need=Need.HOUSING, org=b.COUNTY)],
        "responsible_orgs": [b.NGO],
        "review_date": date(2025, 6, 1),
    }
    return _ev(ReleasePlanAgreed, event_id, days, **{**fields, **o})


def test_release_plan_agreed_is_kept_with_its_named_orgs() -> None:
    """The plan is on the case and names the service org and the responsible org, once each."""
    outcome = b.run([b.custody(), plan(responsible_orgs=[b.NGO, b.COUNTY])]).last
    assert [f.kind for f in outcome.facts] == [FactKind.RELEASE_PLAN_AGREED]
    release_plan = outcome.facts[0].case.release_plan
    assert release_plan is not None
    assert release_plan.named_orgs() == [b.COUNTY, b.NGO]


def test_release_plan_update_keeps_the_agreement_time() -> None:
    """An update replaces the plan's content but not when it was first agreed."""
    update = _ev(ReleasePlanUpdated, "e-rpu", 20, plan_id="rp-1", agreed_with_client=False)
    outcome = b.run([b.custody(), plan(), update]).last
    release_plan = outcome.facts[0].case.release_plan
    assert release_plan is not None
    assert release_plan.agreed_at == b.T0 + 10 * b.DAY
    assert release_plan.updated_at == b.T0 + 20 * b.DAY
    assert not release_plan.agreed_with_client


def test_update_of_an_unknown_release_plan_is_refused() -> None:
    """A plan id never agreed is refused with its own reason code."""
    update = _ev(ReleasePlanUpdated, "e-rpu", 20, plan_id="rp-9", agreed_with_client=True)
    outcome = b.run([b.custody(), update]).last
    assert [r.reason_code for r in outcome.rejections] == [Reason.UNKNOWN_RELEASE_PLAN]


def test_cooperation_request_is_recorded() -> None:
    """The request names the invited organisation and the purpose."""
    request = _ev(
        CooperationRequested,
        "e-coop",
        5,
        b.COUNTY,
        request_id="c-1",
        invited_org=b.NGO,
        purpose=CooperationPurpose.NETWORK_MEETING,
    )
    outcome = b.run([b.custody(), request]).last
    case = outcome.facts[0].case
    assert [(r.invited_org, r.purpose) for r in case.cooperation_requests] == [
        (b.NGO, CooperationPurpose.NETWORK_MEETING)
    ]
    assert outcome.facts[0].detail.request_id == "c-1"


def test_meeting_held_records_who_took_part() -> None:
    """A scheduled meeting held keeps the day, the participants and the client's presence."""
    people = [MeetingParticipant(org=b.NGO, role=ParticipantRole.NGO_WORKER)]
    scheduled = _ev(
        NetworkMeetingScheduled, "e-ms", 5, b.COUNTY, meeting_id="m-1", meeting_on=date(2025, 4, 1)
    )
    held = _ev(
        NetworkMeetingHeld,
        "e-mh",
        30,
        b.COUNTY,
        meeting_id="m-1",
        held_on=date(2025, 4, 1),
        participants=people,
        client_present=True,
    )
    outcome = b.run([b.custody(), scheduled, held]).last
    [meeting] = outcome.facts[0].case.meetings
    assert (meeting.held_on, meeting.participants, meeting.client_present) == (
        date(2025, 4, 1),
        people,
        True,
    )


def test_meeting_held_without_schedule_is_refused() -> None:
    """A meeting never scheduled cannot be held."""
    held = _ev(NetworkMeetingHeld, "e-mh", 30, b.COUNTY, meeting_id="m-9", held_on=date(2025, 4, 1))
    outcome = b.run([b.custody(), held]).last
    assert [r.reason_code for r in outcome.rejections] == [Reason.UNKNOWN_MEETING]


VKV = ReleaseType.SUPERVISED_PROBATIONARY_FREEDOM


def test_revoked_probationary_freedom_puts_the_person_back_in_custody() -> None:
    """Revocation undoes the release and clears the release date to be decided anew."""
    out = b.released(release_type=VKV)
    revoked = _ev(ProbationaryFreedomRevoked, "e-rev", 160, revoked_on=date(2025, 8, 10))
    outcome = b.run([b.custody(), b.release_date(release_type=VKV), out, revoked]).last
    case = outcome.facts[0].case
    assert outcome.facts[0].kind == FactKind.PROBATIONARY_FREEDOM_REVOKED
    assert (case.status, case.released_at, case.release_date) == (
        CaseStatus.IN_CUSTODY,
        None,
        None,
    )


def test_revocation_without_probationary_freedom_is_refused() -> None:
    """Only a person out on probationary freedom can have it revoked."""
    revoked = _ev(ProbationaryFreedomRevoked, "e-rev", 160, revoked_on=date(2025, 8, 10))
    outcome = b.run([b.custody(), b.released(), revoked]).last
    assert [r.reason_code for r in outcome.rejections] == [Reason.NOT_ON_PROBATIONARY_FREEDOM]


def test_conditional_release_after_probationary_freedom_is_accepted() -> None:
    """The conditional release that follows probationary freedom is a release of its own."""
    first = b.released(release_type=VKV)
    then = b.released(
        event_id="e-cr", occurred_at=b.T0 + 200 * b.DAY, released_at=b.T0 + 200 * b.DAY
    )
    outcome = b.run([b.custody(), first, then]).last
    assert outcome.accepted
    assert outcome.facts[0].case.release_type == ReleaseType.CONDITIONAL_RELEASE


def test_supervision_order_names_the_office() -> None:
    """The supervising office and the period are on the case."""
    order = _ev(
        SupervisionOrdered,
        "e-sup",
        150,
        supervision_start=date(2025, 8, 1),
        supervision_end=date(2026, 8, 1),
        supervising_office=CSO,
    )
    outcome = b.run([b.custody(), order]).last
    supervision = outcome.facts[0].case.supervision
    assert supervision is not None
    assert supervision.office == CSO


def test_declined_service_is_refused_and_no_longer_wanted() -> None:
    """A need first wanted, then declined, is refused with its reason."""
    wants = _ev(ClientPreferenceRecorded, "e-pref", 5, wants=[Need.HOUSING, Need.INCOME])
    declined = _ev(
        ClientDeclined,
        "e-dec",
        6,
        b.COUNTY,
        declined=Declined.SERVICE,
        need=Need.HOUSING,
        reason=DeclineReason.HAS_ARRANGEMENT,
    )
    voice = b.run([b.custody(), wants, declined]).last.facts[0].case.voice
    assert (voice.wants, voice.refuses) == ([Need.INCOME], [Need.HOUSING])
    assert voice.decline_reasons == {"housing": DeclineReason.HAS_ARRANGEMENT}


def test_preference_wanting_a_need_again_lifts_the_refusal() -> None:
    """The latest word on a need stands."""
    declined = _ev(ClientDeclined, "e-dec", 6, declined=Declined.SERVICE, need=Need.HOUSING)
    again = _ev(ClientPreferenceRecorded, "e-pref", 8, wants=[Need.HOUSING])
    voice = b.run([b.custody(), declined, again]).last.facts[0].case.voice
    assert (voice.wants, voice.refuses) == ([Need.HOUSING], [])


def test_refused_contact_is_recorded() -> None:
    """Refusing contact sets the flag that stops contact tasks."""
    declined = _ev(ClientDeclined, "e-dec", 6, declined=Declined.CONTACT)
    assert b.run([b.custody(), declined]).last.facts[0].case.voice.contact_refused


def _dismissal(days: int = 160) -> AlertDismissed:
    return _ev(
        AlertDismissed,
        f"e-dis-{days}",
        days,
        b.COUNTY,
        rule="no_named_worker_at_release",
        reason=DismissalReason.NAMED_WORKER_NOT_NEEDED,
        dismissed_by="worker-7",
    )


def test_dismissal_holds_until_the_cause_changes() -> None:
    """A dismissal recorded at one release date no longer holds when the date moves."""
    run = b.run([b.custody(), b.release_date(), _dismissal(10)])
    case = run.last.facts[0].case
    assert run.last.facts[0].detail.rule == "no_named_worker_at_release"
    assert dismissed("no_named_worker_at_release", case, date(2025, 4, 1)) is not None
    moved = b.release_date(
        event_id="e-rd2", occurred_at=b.T0 + 20 * b.DAY, release_date=date(2025, 7, 1)
    )
    later = run.deliver(moved).facts[0].case
    assert dismissed("no_named_worker_at_release", later, date(2025, 4, 1)) is None


def test_dismissal_ends_after_its_until_date() -> None:
    """A dismissal with an end date stops holding the day after it."""
    event = _dismissal(10).model_copy(update={"until": date(2025, 4, 1)})
    case = b.run([b.custody(), event]).last.facts[0].case
    assert dismissed("no_named_worker_at_release", case, date(2025, 4, 1)) is not None
    assert dismissed("no_named_worker_at_release", case, date(2025, 4, 2)) is None


def test_client_plans_stand_side_by_side_and_are_reviewed_apart() -> None:
    """Two plans with different ids both stay; reviewing one leaves the other as it was."""
    main = _ev(ClientPlanAgreed, "e-p1", 5, b.COUNTY, review_date=date(2025, 6, 1))
    housing = _ev(
        ClientPlanAgreed,
        "e-p2",
        6,
        b.COUNTY,
        review_date=date(2025, 7, 1),
        plan_id="housing",
        service=Need.HOUSING,
    )
    review = _ev(
        ClientPlanReviewed,
        "e-r",
        7,
        b.COUNTY,
        plan_id="housing",
        next_review_date=date(2025, 9, 1),
    )
    case = b.run([b.custody(), main, housing, review]).last.facts[0].case
    assert [(p.plan_id, p.review_date) for p in case.plans] == [
        (None, date(2025, 6, 1)),
        ("housing", date(2025, 9, 1)),
    ]
    assert case.plan is not None
    assert case.plan.plan_id is None
