"""Handover of the operating model: release plan, cooperation, meetings, revocation,
supervision and the client's refusal, each through the one sharing decision."""

from datetime import timedelta

from services.core.case import (
    CaseStatus,
    ClientVoice,
    CooperationRequest,
    MeetingParticipant,
    NetworkMeeting,
    PlannedService,
    ReleasePlan,
    Supervision,
)
from services.core.facts import FactKind
from services.core.tasks import BasisKind, TaskKind
from services.core.vocabulary import CooperationPurpose, Need, ParticipantRole
from tests.unit.handover.builders import consented_case as case
from tests.unit.handover.builders import fact, recipients, run, to
from tests.unit.policy.builders import COUNTY, NGO, NOW, PRISON, TODAY
from tests.unit.policy.builders import case as bare_case

CSO = "cso-ita-suomen"
OUTSIDER = "ngo-krits"
PLAN = ReleasePlan(
    plan_id="rp-1",
    agreed_at=NOW,
    agreed_with_client=True,
    services=[
        PlannedService(need=Need.HOUSING, org=COUNTY),
        PlannedService(need=Need.SUBSTANCE_USE, org=NGO),
    ],
    responsible_orgs=[OUTSIDER],
)


def test_release_plan_reaches_the_named_orgs_that_have_a_basis() -> None:
    """The county and the NGO named in the plan (consented) get it; an org with no basis
    gets nothing, and is listed as refused."""
    outcome = run(fact(FactKind.RELEASE_PLAN_AGREED, case(release_plan=PLAN)))
    assert recipients(outcome) == [COUNTY, NGO]
    assert [(r.task_kind, r.recipient_org) for r in outcome.refused] == [
        (TaskKind.RELEASE_PLAN, OUTSIDER)
    ]


def test_release_plan_task_names_the_recipient_s_own_non_health_needs() -> None:
    """The county sees housing (its service); the NGO's substance-use need is health data the
    consent does not open, so it is withheld."""
    outcome = run(fact(FactKind.RELEASE_PLAN_AGREED, case(release_plan=PLAN)))
    assert to(outcome, COUNTY).task.payload.needs == [Need.HOUSING]
    ngo = to(outcome, NGO).task
    assert ngo.payload.health_needs is None
    assert "health" in ngo.withheld_categories


def test_release_plan_without_consent_reaches_nobody() -> None:
    """No consent, no task: the plan rests on the prisoner's consent (ch. 4 § 7)."""
    outcome = run(fact(FactKind.RELEASE_PLAN_AGREED, bare_case(release_plan=PLAN)))
    assert outcome.issued == []


def _request(org: str) -> CooperationRequest:
    return CooperationRequest(
        request_id="c-1",
        invited_org=org,
        purpose=CooperationPurpose.NETWORK_MEETING,
        requested_at=NOW,
        respond_by=TODAY + timedelta(days=7),
    )


def test_cooperation_request_is_a_task_for_the_invited_org() -> None:
    """SHL 41 §: the consented NGO is asked to take part, with the purpose named."""
    state = case(cooperation_requests=[_request(NGO)])
    outcome = run(fact(FactKind.COOPERATION_REQUESTED, state, request_id="c-1"))
    task = to(outcome, NGO).task
    assert (task.kind, task.reason_code) == (TaskKind.COOPERATION_REQUEST, "network_meeting")


def test_cooperation_request_without_basis_is_refused_with_a_reason() -> None:
    """An invited organisation no consent names gets no task; the refusal says why."""
    state = case(cooperation_requests=[_request(OUTSIDER)])
    outcome = run(fact(FactKind.COOPERATION_REQUESTED, state, request_id="c-1"))
    assert outcome.issued == []
    assert [r.reason_code for r in outcome.refused] == ["no_basis"]


def test_meeting_invites_every_participant_but_the_calling_county() -> None:
    """The NGO and the prison are invited; the county that schedules it is not."""
    meeting = NetworkMeeting(
        meeting_id="m-1",
        meeting_on=TODAY + timedelta(days=10),
        scheduled_at=NOW,
        participants=[
            MeetingParticipant(org=COUNTY, role=ParticipantRole.SOCIAL_WORKER),
            MeetingParticipant(org=NGO, role=ParticipantRole.NGO_WORKER),
            MeetingParticipant(org=PRISON, role=ParticipantRole.PRISON_CASE_WORKER),
        ],
    )
    state = case(meetings=[meeting])
    outcome = run(
        fact(FactKind.NETWORK_MEETING_SCHEDULED, state, source_org=COUNTY, meeting_id="m-1")
    )
    assert recipients(outcome) == [NGO, PRISON]
    assert to(outcome, NGO).task.kind == TaskKind.MEETING_INVITATION


def test_revoked_freedom_tells_the_county() -> None:
    """Back in custody: the county hears of it from the prison."""
    outcome = run(fact(FactKind.PROBATIONARY_FREEDOM_REVOKED, case()))
    assert recipients(outcome) == [COUNTY]
    assert to(outcome, COUNTY).task.kind == TaskKind.PROBATIONARY_FREEDOM_REVOKED


def test_supervision_order_is_the_office_s_task_as_internal_use() -> None:
    """From the prison, the supervising office gets the Agency's own data for `supervision`."""
    supervision = Supervision(
        office=CSO, start=TODAY, end=TODAY + timedelta(days=365), ordered_at=NOW
    )
    state = bare_case(supervision=supervision, status=CaseStatus.RELEASED)
    issued = to(run(fact(FactKind.SUPERVISION_ORDERED, state)), CSO)
    assert issued.task.kind == TaskKind.SUPERVISION_ORDERED
    assert issued.task.payload.supervision_end == TODAY + timedelta(days=365)
    assert issued.disclosure.internal_use
    assert BasisKind.INTERNAL_USE in [b.kind for b in issued.task.bases]


def test_client_declined_housing_is_told_to_the_network() -> None:
    """The county hears that housing was declined; the sender is not told again."""
    voice = ClientVoice(refuses=[Need.HOUSING])
    state = case(voice=voice)
    outcome = run(fact(FactKind.CLIENT_DECLINED, state, source_org=PRISON))
    task = to(outcome, COUNTY).task
    assert task.kind == TaskKind.CLIENT_DECLINED
    assert task.payload.declined_needs == [Need.HOUSING]
    assert PRISON not in recipients(outcome)
