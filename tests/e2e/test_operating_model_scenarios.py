"""The scenario cards S11-S13 of SCENARIOS.md on the whole pipeline, in event time: the release
plan and the network meeting, supervised probationary freedom and supervision, and a client
who declines. Each card has its own people and its own stretch of event time."""

from collections.abc import Iterator
from datetime import date, timedelta

import pytest

from services.core.calendar import add_working_days, start_of_local_day
from services.core.case import MeetingParticipant, PlannedService
from services.core.events import (
    AlertDismissed,
    ClientDeclined,
    CooperationRequested,
    NetworkMeetingHeld,
    NetworkMeetingScheduled,
    ProbationaryFreedomRevoked,
    SupervisionOrdered,
)
from services.core.records import AlertRule, AlertState
from services.core.tasks import BasisKind, TaskKind
from services.core.vocabulary import Category as C
from services.core.vocabulary import (
    CooperationPurpose,
    Declined,
    DeclineReason,
    DismissalReason,
    HousingStatus,
    Need,
    ParticipantRole,
    ReleaseType,
    TaskStatus,
)
from services.followup.levels import default_levels
from tests.e2e.cards import Card, Events, weekday_from
from tests.support.scenario import Person, Stage, staged

pytestmark = pytest.mark.e2e

KUOPIO, CSO, COUNTY, NGO = "prison-kuopion", "cso-vali-suomen", "county-13", "ngo-polku"
CONSENTED = [
    C.IDENTITY,
    C.CONTACT_DETAILS,
    C.RELEASE_SCHEDULE,
    C.NEEDS,
    C.CLIENT_PLAN,
    C.SERVICE_STATUS,
]
VKV = ReleaseType.SUPERVISED_PROBATIONARY_FREEDOM


@pytest.fixture(scope="module")
def stage(kafka_bootstrap: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stage]:
    with staged(kafka_bootstrap, tmp_path_factory.mktemp("operating-model")) as running:
        yield running


def _consented(stage: Stage, card: Card, p: Person, tag: str) -> Events:
    """A long sentence at Kuopio, released on day 0, consent to the county and the NGO."""
    ev = Events(stage, p, KUOPIO)
    stage.at(
        card.at(-149),
        ev.custody(card.at(-150), "297", expected=card.day(0)),
        ev.consent(card.at(-149), f"consent-{tag}", CONSENTED, [COUNTY, NGO]),
        key=p.tag.encode(),
    )
    return ev


def test_s11_release_plan_and_network_meeting_in_time(stage: Stage) -> None:
    """S11: the SHL 41 request and the meeting invitation reach the NGO as tasks; the NGO
    answers; the meeting is held and the plan agreed in time, so neither the release-plan nor
    the invitation alert opens."""
    card, p = Card(weekday_from(date(2040, 1, 7), 0) + timedelta(150)), Person.numbered("s11", 21)
    ev = _consented(stage, card, p, "s11")
    stage.at(
        card.at(-100),
        stage.event(
            p,
            CooperationRequested,
            COUNTY,
            card.at(-100),
            request_id="coop-s11",
            invited_org=NGO,
            purpose=CooperationPurpose.NETWORK_MEETING,
            respond_by=card.day(-93),
        ),
    )
    [request] = stage.tasks(p, TaskKind.COOPERATION_REQUEST)
    people = [
        MeetingParticipant(org=COUNTY, role=ParticipantRole.SOCIAL_WORKER),
        MeetingParticipant(org=KUOPIO, role=ParticipantRole.PRISON_CASE_WORKER),
        MeetingParticipant(org=NGO, role=ParticipantRole.NGO_WORKER),
    ]
    stage.at(
        card.at(-95),
        ev.task_status(card.at(-98), request, TaskStatus.ACCEPTED),
        stage.event(
            p,
            NetworkMeetingScheduled,
            COUNTY,
            card.at(-95),
            meeting_id="m-s11",
            meeting_on=card.day(-90),
            participants=people,
        ),
    )
    stage.at(
        card.at(-80),
        stage.event(
            p,
            NetworkMeetingHeld,
            COUNTY,
            card.at(-90),
            meeting_id="m-s11",
            held_on=card.day(-90),
            participants=people,
            client_present=True,
        ),
        ev.release_plan(
            card.at(-80), "rp-s11", [PlannedService(need=Need.HOUSING, org=COUNTY)], [NGO]
        ),
    )
    stage.advance(card.at(-1))

    assert request.recipient_org == NGO
    assert [t.recipient_org for t in stage.tasks(p, TaskKind.MEETING_INVITATION)] == [KUOPIO, NGO]
    assert sorted(t.recipient_org for t in stage.tasks(p, TaskKind.RELEASE_PLAN)) == [COUNTY, NGO]
    assert stage.alerts(p, AlertRule.NO_RELEASE_PLAN) == []
    assert stage.alerts(p, AlertRule.INVITATION_NOT_ANSWERED) == []


def test_s11_variant_without_a_plan_opens_and_resolves(stage: Stage) -> None:
    """S11 variant: with no release plan the county's number of working days before release
    (county 13 agreed 30), the alert opens at the start of that day, not a minute earlier; the
    plan arriving late resolves it."""
    card, p = Card(weekday_from(date(2040, 9, 3), 0) + timedelta(150)), Person.numbered("s11", 22)
    ev = _consented(stage, card, p, "s11b")
    lead = default_levels().for_area(COUNTY).release_plan_lead_working_days
    deadline = start_of_local_day(add_working_days(card.day(0), -lead))
    stage.advance(deadline - timedelta(minutes=1))
    before = stage.opened(p, AlertRule.NO_RELEASE_PLAN)
    stage.advance(deadline)
    [opened] = stage.opened(p, AlertRule.NO_RELEASE_PLAN)
    stage.at(card.at(-19), ev.release_plan(card.at(-19), "rp-s11b", []))

    assert before == []
    assert opened.opened_at == deadline
    [resolved] = stage.resolved(p, AlertRule.NO_RELEASE_PLAN)
    assert resolved.resolved_at == card.at(-19)


def test_s12_probationary_freedom_revoked_then_supervised_release(stage: Stage) -> None:
    """S12: VKV is revoked (the county hears of it and the person is in custody again); the
    conditional release with supervision is the supervising office's task, purpose
    supervision, as the Agency's internal use."""
    card, p = Card(weekday_from(date(2041, 6, 3), 0) + timedelta(300)), Person.numbered("s12", 23)
    ev = Events(stage, p, KUOPIO)
    stage.at(
        card.at(-299),
        ev.custody(card.at(-300), "297", expected=card.day(0)),
        ev.consent(card.at(-299), "consent-s12", CONSENTED, [COUNTY]),
        ev.release_date(card.at(-200), card.day(-120), VKV),
        key=p.tag.encode(),
    )
    stage.at(card.at(-120), ev.released(card.at(-120), destination="297", release_type=VKV))
    stage.at(
        card.at(-60),
        stage.event(p, ProbationaryFreedomRevoked, KUOPIO, card.at(-60), revoked_on=card.day(-60)),
    )
    in_custody_again = stage.facts(p)[-1].case.status
    stage.at(
        card.at(-5),
        ev.release_date(card.at(-50), card.day(0)),
        stage.event(
            p,
            SupervisionOrdered,
            KUOPIO,
            card.at(-5),
            supervision_start=card.day(0),
            supervision_end=card.day(365),
            supervising_office=CSO,
        ),
        key=p.tag.encode(),
    )
    stage.at(card.at(0, 9), ev.released(card.at(0, 9), destination="297"))

    assert in_custody_again == "in_custody"
    [revoked] = stage.tasks(p, TaskKind.PROBATIONARY_FREEDOM_REVOKED)
    assert revoked.recipient_org == COUNTY
    assert stage.tasks(p, org=CSO, kind=TaskKind.RELEASED) == []
    [supervision] = stage.tasks(p, TaskKind.SUPERVISION_ORDERED)
    assert supervision.recipient_org == CSO
    assert supervision.payload.supervision_end == card.day(365)
    assert BasisKind.INTERNAL_USE in {b.kind for b in supervision.bases}
    assert [f.case.release_type for f in stage.facts(p)][-1] == ReleaseType.CONDITIONAL_RELEASE


def test_s13_client_declines_housing(stage: Stage) -> None:
    """S13: the client declines housing: no housing alert although they leave with none, the
    county is told; a second client who did not decline gets the alert. The
    county dismisses "no named worker" as not needed: it closes and stays closed."""
    card = Card(weekday_from(date(2042, 3, 3), 0) + timedelta(150))
    p, q = Person.numbered("s13", 24), Person.numbered("s13", 25)
    ev, other = _consented(stage, card, p, "s13"), _consented(stage, card, q, "s13b")
    for events, person in ((ev, p), (other, q)):
        stage.at(
            card.at(-139),
            events.referral(card.at(-139), f"ref-{person.tag}", needs=[Need.HOUSING, Need.INCOME]),
        )
    stage.at(
        card.at(-30),
        stage.event(
            p,
            ClientDeclined,
            KUOPIO,
            card.at(-30),
            declined=Declined.SERVICE,
            need=Need.HOUSING,
            reason=DeclineReason.HAS_ARRANGEMENT,
        ),
    )
    stage.at(
        card.at(0, 9),
        ev.released(card.at(0, 9), destination="297", housing=HousingStatus.NONE),
        other.released(card.at(0, 9), destination="297", housing=HousingStatus.NONE),
    )
    [no_worker] = stage.opened(p, AlertRule.NO_NAMED_WORKER_AT_RELEASE)
    stage.at(
        card.at(1),
        stage.event(
            p,
            AlertDismissed,
            COUNTY,
            card.at(1),
            rule=AlertRule.NO_NAMED_WORKER_AT_RELEASE.value,
            reason=DismissalReason.NAMED_WORKER_NOT_NEEDED,
            dismissed_by="county-13/w001",
        ),
    )
    stage.advance(card.at(20))

    assert stage.alerts(p, AlertRule.NO_HOUSING_AT_RELEASE) == []
    assert [a.state for a in stage.alerts(q, AlertRule.NO_HOUSING_AT_RELEASE)] == [AlertState.OPEN]
    [told] = stage.tasks(p, TaskKind.CLIENT_DECLINED, org=COUNTY)
    assert told.payload.declined_needs == [Need.HOUSING]
    states = [a.state for a in stage.alerts(p, AlertRule.NO_NAMED_WORKER_AT_RELEASE)]
    assert states == [AlertState.OPEN, AlertState.DISMISSED]
    dismissed = stage.alerts(p, AlertRule.NO_NAMED_WORKER_AT_RELEASE)[-1]
    assert (dismissed.alert_id, dismissed.dismissal_reason) == (
        no_worker.alert_id,
        DismissalReason.NAMED_WORKER_NOT_NEEDED,
    )
