"""The scenario cards S1-S10 of SCENARIOS.md on the whole pipeline, in event time.

One pipeline serves the module; each card has its own people and its own stretch of event
time, later than the card before (the workers' clock only moves forward). After each step the
pipeline is settled, so "no alert" or "no task" is an observation, not a race.
"""

from collections.abc import Iterator
from datetime import UTC, date, timedelta

import pytest

from services.core.calendar import add_working_days, end_of_local_day
from services.core.case import PlannedService
from services.core.events import (
    AssessmentCompleted,
    AssessmentStarted,
    ClientPlanReviewed,
    ConsentWithdrawn,
    PrisonTransferred,
)
from services.core.facts import FactKind
from services.core.records import AlertRule, Severity
from services.core.tasks import Basis, BasisKind, Priority, TaskKind
from services.core.vocabulary import Category as C
from services.core.vocabulary import (
    ContactRole,
    HousingStatus,
    Need,
    ReferralKind,
    ReleaseType,
    SentenceType,
    TaskStatus,
    Urgency,
)
from services.followup.levels import default_levels
from services.platform.dlq import open_original
from services.platform.settings import Settings
from tests.e2e.cards import AGENCY_OWN, SHL35_MINIMUM, Card, Events, weekday_from
from tests.e2e.comparison import case_shape, task_shape
from tests.support.scenario import Person, Stage, carried, disclosure_mismatches, local, staged

pytestmark = pytest.mark.e2e

KUOPIO, VANTAA = "prison-kuopion", "prison-vantaan"
HELSINKI, TURKU = "prison-helsingin", "prison-turun"
NAMED, CASE_WORKER, NGO_SUPPORT = (
    ContactRole.NAMED_WORKER,
    ContactRole.PRISON_CASE_WORKER,
    ContactRole.NGO_SUPPORT,
)


@pytest.fixture(scope="module")
def stage(kafka_bootstrap: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stage]:
    with staged(kafka_bootstrap, tmp_path_factory.mktemp("scenarios")) as running:
        yield running


def orgs_of(stage: Stage, person: Person) -> dict[str, list[TaskKind]]:
    found: dict[str, list[TaskKind]] = {}
    for task in stage.tasks(person):
        found.setdefault(task.recipient_org, []).append(task.kind)
    return {org: sorted(kinds) for org, kinds in found.items()}


def test_s1_planned_release_everything_on_time(stage: Stage) -> None:
    """S1: the county receives the referral at once and prepares, the prison hears back,
    follow-ups come on time, no alert opens.

    A contact with consent rests on the consent alone (SHL 35 § 1 mom.), so county 13 sees the
    consented categories and nothing else; the prison's feedback rests on the same consent
    (SHL 40 § 2 mom.).
    """
    card, p = Card(weekday_from(date(2030, 1, 7), 0) + timedelta(139)), Person.numbered("s1", 1)
    ev, county, ngo = Events(stage, p, KUOPIO), "county-13", "ngo-polku"
    consented = [C.IDENTITY, C.CONTACT_DETAILS, C.RELEASE_SCHEDULE, C.NEEDS]
    stage.at(
        card.at(-139),
        ev.custody(card.at(-150), "297"),
        ev.consent(card.at(-140), "consent-s1", consented, [county, ngo]),
        ev.referral(card.at(-139), "ref-s1", needs=[Need.HOUSING, Need.INCOME]),
        key=p.tag.encode(),
    )
    stage.at(card.at(-137), ev.acknowledged(card.at(-137), county, "ref-s1"))
    stage.at(card.at(-90), stage.event(p, AssessmentStarted, county, card.at(-120)),
             ev.assigned(card.at(-118), county, NAMED, county, "nw-s1"),
             ev.release_date(card.at(-90), card.day(0)))
    stage.at(card.at(-80), ev.release_plan(card.at(-80), "rp-s1",
                                           [PlannedService(need=Need.INCOME, org=county)]))
    stage.at(card.at(0, 9), ev.plan(card.at(-10), county, card.day(80), [county, ngo]),
             ev.released(card.at(0, 9), destination="297", housing=HousingStatus.SECURED))
    [released] = stage.tasks(p, TaskKind.RELEASED)
    stage.at(card.at(3), ev.task_status(card.at(3), released, TaskStatus.ACCEPTED))
    for checkpoint, done in ((7, 10), (30, 35)):
        stage.advance(card.at(checkpoint, 8))
        check = stage.tasks(p, TaskKind.FOLLOWUP_CHECK)[-1]
        stage.at(card.at(done), ev.task_status(card.at(done), check, TaskStatus.COMPLETED))
    stage.at(card.at(60), stage.event(p, AssessmentCompleted, county, card.at(60)))
    stage.advance(card.at(73, 8))
    [review] = stage.tasks(p, TaskKind.PLAN_REVIEW_DUE)
    stage.at(
        card.at(79),
        ev.task_status(card.at(74), review, TaskStatus.ACCEPTED),
        stage.event(p, ClientPlanReviewed, county, card.at(79), next_review_date=card.day(260)),
        key=p.tag.encode(),
    )
    stage.advance(card.at(90, 8))

    assert orgs_of(stage, p) == {
        KUOPIO: [TaskKind.REFERRAL_FEEDBACK] * 2,
        county: sorted([TaskKind.REFERRAL_RECEIVED, TaskKind.RELEASE_PREPARATION,
                        TaskKind.RELEASE_PLAN, TaskKind.RELEASED, TaskKind.PLAN_REVIEW_DUE,
                        *[TaskKind.FOLLOWUP_CHECK] * 3]),
    }
    [referred] = stage.tasks(p, TaskKind.REFERRAL_RECEIVED)
    assert (referred.referral_id, referred.created_at) == ("ref-s1", card.at(-139))
    assert C.IDENTITY in carried(referred) <= set(consented)
    [prepare] = stage.tasks(p, TaskKind.RELEASE_PREPARATION)
    assert C.IDENTITY in carried(prepare) <= set(consented)
    assert {b.kind for b in prepare.bases} == {BasisKind.CONSENT}
    feedback = stage.tasks(p, TaskKind.REFERRAL_FEEDBACK)
    assert all(t.bases == [Basis(kind=BasisKind.CONSENT, ref="consent-s1")] for t in feedback)
    assert released.due_at == end_of_local_day(add_working_days(card.day(0), 5))
    assert [t.reason_code for t in stage.tasks(p, TaskKind.REFERRAL_FEEDBACK)] == [
        "referral_acknowledged",
        "assessment_started",
    ]
    assert [t.created_at for t in stage.tasks(p, TaskKind.FOLLOWUP_CHECK)] == [
        card.midnight(7),  # the checkpoints: the start of the 7th, 30th and 90th day
        card.midnight(30),
        card.midnight(90),
    ]
    assert (review.created_at, review.recipient_worker_ref) == (card.midnight(73), "nw-s1")
    assert disclosure_mismatches(stage, p) == []
    assert stage.alerts(p) == []


def test_s2_five_day_fine_conversion_sentence_without_consent(stage: Stage) -> None:
    """S2: the county is contacted at once with only the 35 § 2 mom. minimum; unacknowledged
    by the release, the referral opens an alert; the same notification without its ground is
    refused and the prison is told why.

    At custody start nobody may be told anything yet (no consent, no notification), so no task
    goes out until the notification, which brings the referral and the contact, both due the
    next working day.
    """
    card, p = Card(weekday_from(date(2030, 11, 11), 3)), Person.numbered("s2", 2)
    ev = Events(stage, p, VANTAA)
    stage.at(
        card.at(0, 10, 30),
        ev.custody(
            card.at(0, 10), "092", sentence=SentenceType.FINE_CONVERSION, expected=card.day(5)
        ),
        ev.referral(
            card.at(0, 10, 30),
            "ref-s2",
            needs=[Need.HOUSING, Need.DAILY_LIVING],
            kind=ReferralKind.NOTIFICATION_WITHOUT_CONSENT,
            urgency=Urgency.URGENT,
            summary="Synteettinen: ei asuntoa, ei selviydy yksin.",
        ),
        key=p.tag.encode(),
    )
    letters_before = len(stage.dead_letters())
    stage.at(
        card.at(0, 11),
        ev.referral(
            card.at(0, 11),
            "ref-s2-ungrounded",
            needs=[Need.HOUSING],
            kind=ReferralKind.NOTIFICATION_WITHOUT_CONSENT,
            ground=None,
        ),
    )
    stage.advance(card.at(4, 23))
    before_release = stage.opened(p, AlertRule.REFERRAL_NOT_ACKNOWLEDGED)
    stage.advance(card.midnight(5))

    assert orgs_of(stage, p) == {
        "county-04": sorted([TaskKind.SHORT_SENTENCE_CONTACT, TaskKind.REFERRAL_RECEIVED])
    }
    [contact] = stage.tasks(p, TaskKind.SHORT_SENTENCE_CONTACT)
    [referred] = stage.tasks(p, TaskKind.REFERRAL_RECEIVED)
    assert (contact.referral_id, referred.referral_id) == ("ref-s2", "ref-s2")
    assert carried(contact) == carried(referred) == SHL35_MINIMUM
    assert referred.due_at == end_of_local_day(card.day(1))
    [refused] = [
        d for d in stage.dead_letters()[letters_before:] if d.reason_code == "shl35_ground_missing"
    ]
    assert refused.topic == stage.names.inbound(VANTAA)
    assert [b.kind for b in contact.bases] == [BasisKind.SHL35_NOTIFICATION]
    assert (contact.payload.urgency, contact.payload.referral_summary) == (Urgency.URGENT, None)
    assert {C.REFERRAL_SUMMARY, C.SENTENCE, C.CONTACT_DETAILS} <= set(contact.withheld_categories)
    assert (contact.due_at, contact.priority) == (end_of_local_day(card.day(1)), Priority.HIGH)
    assert disclosure_mismatches(stage, p) == []
    assert before_release == []
    [alert] = stage.opened(p, AlertRule.REFERRAL_NOT_ACKNOWLEDGED)
    assert (alert.opened_at, alert.severity) == (card.midnight(5), Severity.CRITICAL)


def test_s3_contact_persons_change(stage: Stage) -> None:
    """S3: the successor gets a briefing within the consent and the network a notice; the
    county is asked for a successor, and its vacancy alerts after 5 working days until filled."""
    card, p = Card(weekday_from(date(2031, 2, 3), 0)), Person.numbered("s3", 3)
    ev, county, ngo = Events(stage, p, KUOPIO), "county-13", "ngo-silta"
    consented = [
        C.IDENTITY,
        C.RELEASE_SCHEDULE,
        C.NEEDS,
        C.CONTACT_PERSONS,
        C.SERVICE_STATUS,
        C.CLIENT_PLAN,
    ]
    stage.at(
        card.at(0, 11),
        ev.custody(card.at(0, 9), "297", expected=card.day(365)),
        ev.consent(card.at(0, 9, 5), "consent-s3", consented, [KUOPIO, county, ngo]),
        ev.referral(card.at(0, 9, 10), "ref-s3", needs=[Need.HOUSING]),
        ev.assigned(card.at(0, 9, 15), KUOPIO, CASE_WORKER, KUOPIO, "pw-1"),
        key=p.tag.encode(),
    )
    stage.at(
        card.at(1),
        ev.acknowledged(card.at(1), county, "ref-s3"),
        ev.assigned(card.at(1), county, NAMED, county, "nw-1"),
        ev.plan(card.at(1, 11), county, card.day(180), [county, ngo]),
        key=p.tag.encode(),
    )
    stage.at(card.at(1, 12), ev.assigned(card.at(1, 12), ngo, NGO_SUPPORT, ngo, "ng-1"))
    stage.at(
        card.at(7), ev.ended(card.at(7), KUOPIO, CASE_WORKER, KUOPIO, "pw-1", successor="pw-2")
    )
    stage.at(card.at(9), ev.ended(card.at(9), county, NAMED, county, "nw-1"))
    stage.advance(card.at(16, 23))
    within_limit = stage.opened(p, AlertRule.CONTACT_VACANCY)
    stage.advance(card.midnight(17))
    stage.at(card.at(18), ev.assigned(card.at(18), county, NAMED, county, "nw-2"))

    changed = stage.tasks(p, TaskKind.CONTACT_PERSON_CHANGED)
    [briefing] = [t for t in changed if t.reason_code == "successor_briefing"]
    assert (briefing.recipient_org, briefing.recipient_worker_ref) == (KUOPIO, "pw-2")
    assert {C.IDENTITY, C.CONTACT_PERSONS, C.SERVICE_STATUS, C.CLIENT_PLAN} <= carried(briefing)
    assert carried(briefing) <= set(consented) | AGENCY_OWN
    assert BasisKind.INTERNAL_USE in {b.kind for b in briefing.bases}
    assert briefing.payload.open_task_kinds
    assert briefing.payload.plan_network == [county, ngo]
    notices = [t for t in changed if t.reason_code == "contact_person_changed"]
    assert sorted(t.recipient_org for t in notices) == [county, ngo]
    assert all(carried(t) <= {C.IDENTITY, C.CONTACT_PERSONS} for t in notices)
    [assign] = stage.tasks(p, TaskKind.ASSIGN_SUCCESSOR)
    assert (assign.recipient_org, assign.reason_code) == (county, "no_successor_named_worker")
    assert disclosure_mismatches(stage, p) == []
    assert within_limit == []
    [opened] = stage.opened(p, AlertRule.CONTACT_VACANCY)
    assert (opened.opened_at, opened.subject, opened.severity) == (
        card.midnight(17),
        "named_worker:county-13",
        Severity.CRITICAL,
    )
    [resolved] = stage.resolved(p, AlertRule.CONTACT_VACANCY)
    assert (resolved.alert_id, resolved.resolved_at) == (opened.alert_id, card.at(18))


def test_s4_consent_withdrawn_after_two_disclosures(stage: Stage) -> None:
    """S4: both recipients under the consent hear of the withdrawal once; then neither gets
    anything more (a withdrawn consent never turns into a §35 basis) and no later disclosure
    cites it, until a notification without consent with its ground opens a new flow to the
    county alone."""
    card, p = Card(weekday_from(date(2031, 5, 12), 0)), Person.numbered("s4", 4)
    ev, county, ngo = Events(stage, p, KUOPIO), "county-13", "ngo-silta"
    stage.at(
        card.at(0, 11),
        ev.custody(card.at(0, 9), "297"),
        ev.consent(
            card.at(0, 9, 5),
            "consent-s4",
            [C.IDENTITY, C.RELEASE_SCHEDULE, C.NEEDS, C.CONTACT_PERSONS],
            [county, ngo],
        ),
        ev.referral(card.at(0, 9, 10), "ref-s4", needs=[Need.EMPLOYMENT]),
        key=p.tag.encode(),
    )
    stage.at(card.at(0, 12), ev.assigned(card.at(0, 12), ngo, NGO_SUPPORT, ngo, "ng-1"))
    stage.at(card.at(0, 13), ev.plan(card.at(0, 13), county, card.day(300), [county, ngo]))
    stage.at(card.at(1), ev.release_date(card.at(1), card.day(200)))
    stage.at(card.at(2), ev.release_date(card.at(2), card.day(180)))
    [to_ngo] = stage.tasks(p, TaskKind.RELEASE_DATE_CHANGED, org=ngo)
    stage.at(card.at(2, 12), ev.task_status(card.at(2, 12), to_ngo, TaskStatus.ACCEPTED))
    withdrawn = card.at(3)
    stage.at(
        card.at(3, 11),
        stage.event(p, ConsentWithdrawn, KUOPIO, withdrawn, consent_id="consent-s4"),
        stage.event(p, ConsentWithdrawn, ngo, card.at(3, 11), consent_id="consent-s4"),
    )
    stage.at(
        card.at(4),
        ev.release_date(card.at(4), card.day(170)),
        ev.ended(card.at(4), ngo, NGO_SUPPORT, ngo, "ng-1", successor="ng-2"),
    )
    silent = [
        t
        for t in stage.tasks(p)
        if t.created_at >= withdrawn and t.kind != TaskKind.CONSENT_REVOKED
    ]
    notified = card.at(5)
    stage.at(
        notified,
        ev.referral(
            notified,
            "ref-s4-notification",
            needs=[Need.EMPLOYMENT],
            kind=ReferralKind.NOTIFICATION_WITHOUT_CONSENT,
        ),
    )
    stage.at(card.at(6), ev.release_date(card.at(6), card.day(160)))

    before = [t for t in stage.tasks(p) if t.created_at < withdrawn]
    cited = {t.recipient_org for t in before if "consent-s4" in {b.ref for b in t.bases}}
    assert cited == {county, ngo}
    revoked = stage.tasks(p, TaskKind.CONSENT_REVOKED)
    assert sorted(t.recipient_org for t in revoked) == [county, ngo]
    assert silent == []
    reopened = [t for t in stage.tasks(p) if t.created_at >= notified]
    assert {(t.kind, t.recipient_org) for t in reopened} == {
        (TaskKind.REFERRAL_RECEIVED, county),
        (TaskKind.RELEASE_PREPARATION, county),
        (TaskKind.RELEASE_DATE_CHANGED, county),
    }
    assert all(carried(t) <= SHL35_MINIMUM for t in reopened)
    assert all({b.kind for b in t.bases} == {BasisKind.SHL35_NOTIFICATION} for t in reopened)
    later = [d for d in stage.disclosures(p) if d.disclosed_at >= withdrawn]
    assert all("consent-s4" not in d.consent_ids for d in later)
    [lapsed] = stage.opened(p, AlertRule.CONSENT_LAPSED)
    assert lapsed.subject == "consent-s4"
    assert withdrawn <= lapsed.opened_at <= card.at(3, 11)
    assert disclosure_mismatches(stage, p) == []


def test_s5_release_moved_three_weeks_earlier(stage: Stage) -> None:
    """S5: the county and the network hear of the earlier date urgently (not the prison that
    moved it); the too-little-lead alert opens at once; release_imminent comes when near."""
    card, p = Card(weekday_from(date(2031, 9, 1), 0) + timedelta(200)), Person.numbered("s5", 5)
    ev, county, ngo = Events(stage, p, KUOPIO), "county-13", "ngo-silta"
    stage.at(
        card.at(-200, 11),
        ev.custody(card.at(-200, 9), "297"),
        ev.consent(
            card.at(-200, 9, 5), "consent-s5", [C.IDENTITY, C.RELEASE_SCHEDULE], [county, ngo]
        ),
        ev.referral(card.at(-200, 9, 10), "ref-s5", needs=[Need.HOUSING]),
        ev.assigned(card.at(-200, 9, 15), KUOPIO, CASE_WORKER, KUOPIO, "pw-1"),
        key=p.tag.encode(),
    )
    stage.at(
        card.at(-199),
        ev.acknowledged(card.at(-199), county, "ref-s5"),
        ev.assigned(card.at(-199), ngo, NGO_SUPPORT, ngo, "ng-1"),
    )
    stage.at(card.at(-120), ev.release_date(card.at(-120), card.day(0)))
    stage.at(card.at(-45), ev.release_date(card.at(-45), card.day(-21)))
    near = card.day(-21) - timedelta(default_levels().for_area(county).release_near_days)
    stage.advance(local(near - timedelta(1), 23))
    too_early = stage.tasks(p, TaskKind.RELEASE_IMMINENT)
    stage.advance(local(near, 0))

    changed = stage.tasks(p, TaskKind.RELEASE_DATE_CHANGED)
    assert sorted(t.recipient_org for t in changed) == [county, ngo]
    assert {t.priority for t in changed} == {Priority.URGENT}
    [to_county] = [t for t in changed if t.recipient_org == county]
    assert (to_county.payload.release_date, to_county.payload.previous_release_date) == (
        card.day(-21),
        card.day(0),
    )
    assert all(
        carried(t) <= {C.IDENTITY, C.RELEASE_SCHEDULE} for t in changed if t.recipient_org == ngo
    )
    [moved] = stage.opened(p, AlertRule.RELEASE_MOVED_EARLIER)
    assert (moved.opened_at, moved.severity) == (card.at(-45), Severity.CRITICAL)
    assert too_early == []
    [imminent] = stage.tasks(p, TaskKind.RELEASE_IMMINENT)
    assert (imminent.recipient_org, imminent.created_at, imminent.priority) == (
        county,
        local(near, 0),
        Priority.URGENT,
    )
    assert disclosure_mismatches(stage, p) == []


def test_s6_transfer(stage: Stage) -> None:
    """S6: Turku prison and the county get a transfer_notice, the Helsinki case worker's role
    ends, and Turku's empty case-worker post alerts after 5 working days until filled."""
    card, p = Card(weekday_from(date(2032, 9, 6), 0)), Person.numbered("s6", 6)
    ev, county = Events(stage, p, HELSINKI), "county-90"
    stage.at(
        card.at(0, 11),
        ev.custody(card.at(0, 9), "091", expected=card.day(200)),
        ev.consent(
            card.at(0, 9, 5),
            "consent-s6",
            [C.IDENTITY, C.RELEASE_SCHEDULE, C.PLACEMENT],
            [county, TURKU],
        ),
        ev.referral(card.at(0, 9, 10), "ref-s6", needs=[Need.SUBSTANCE_USE]),
        ev.assigned(card.at(0, 9, 15), HELSINKI, CASE_WORKER, HELSINKI, "pw-h"),
        key=p.tag.encode(),
    )
    stage.at(card.at(1), ev.acknowledged(card.at(1), county, "ref-s6"))
    moved = card.at(14)
    stage.at(
        moved,
        stage.event(
            p,
            PrisonTransferred,
            HELSINKI,
            moved,
            from_prison=HELSINKI,
            to_prison=TURKU,
            transferred_on=card.day(14),
        ),
    )
    stage.advance(card.at(21, 23))
    within_limit = stage.opened(p, AlertRule.CONTACT_VACANCY)
    stage.advance(card.midnight(22))
    stage.at(card.at(23), ev.assigned(card.at(23), TURKU, CASE_WORKER, TURKU, "pw-t"))

    notices = stage.tasks(p, TaskKind.TRANSFER_NOTICE)
    assert sorted(t.recipient_org for t in notices) == [county, TURKU]
    consented = {C.IDENTITY, C.RELEASE_SCHEDULE, C.PLACEMENT}
    [to_turku] = [t for t in notices if t.recipient_org == TURKU]
    assert consented <= carried(to_turku) <= AGENCY_OWN
    assert BasisKind.INTERNAL_USE in {b.kind for b in to_turku.bases}
    [to_county] = [t for t in notices if t.recipient_org == county]
    assert carried(to_county) == consented
    assert C.HEALTH in to_county.withheld_categories
    assert [t for t in stage.tasks(p, org=HELSINKI) if t.created_at >= moved] == []
    [fact] = [f for f in stage.facts(p) if f.kind == FactKind.TRANSFERRED]
    assert fact.case.prison == TURKU
    assert fact.detail.contact is not None
    assert fact.detail.contact.worker_ref == "pw-h"
    assert [c.org for c in fact.case.contacts if c.role == CASE_WORKER] == []
    assert [(v.role, v.org) for v in fact.case.vacancies] == [(CASE_WORKER, TURKU)]
    assert within_limit == []
    [opened] = stage.opened(p, AlertRule.CONTACT_VACANCY)
    assert (opened.opened_at, opened.subject, opened.severity) == (
        card.midnight(22),
        "prison_case_worker:prison-turun",
        Severity.WARNING,
    )
    [resolved] = stage.resolved(p, AlertRule.CONTACT_VACANCY)
    assert resolved.resolved_at == card.at(23)
    assert disclosure_mismatches(stage, p) == []


def test_s7_moving_at_release(stage: Stage) -> None:
    """S7: county 19 gets the full handover within the consent, county 04 a closing notice,
    and the deadlines after release are county 19's (a plan within 14 days, not 04's 10)."""
    card, p = Card(weekday_from(date(2033, 1, 10), 0) + timedelta(100)), Person.numbered("s7", 7)
    ev, old, new = Events(stage, p, VANTAA), "county-04", "county-19"
    consented = [C.IDENTITY, C.CONTACT_DETAILS, C.RELEASE_SCHEDULE, C.PLACEMENT, C.NEEDS]
    stage.at(
        card.at(-100, 11),
        ev.custody(card.at(-100, 9), "092"),
        ev.consent(card.at(-100, 9, 5), "consent-s7", consented, [old, new]),
        ev.referral(card.at(-100, 9, 10), "ref-s7", needs=[Need.HOUSING]),
        key=p.tag.encode(),
    )
    stage.at(card.at(-99), ev.acknowledged(card.at(-99), old, "ref-s7"))
    stage.at(card.at(-60), ev.release_date(card.at(-60), card.day(0)))
    stage.advance(card.midnight(-14))
    released_at = card.at(0, 9)
    stage.at(
        released_at, ev.released(released_at, destination="564", housing=HousingStatus.TEMPORARY)
    )
    stage.advance(card.at(7, 8))
    stage.advance(card.at(11, 12))
    by_old_levels = stage.opened(p, AlertRule.NO_CLIENT_PLAN)
    stage.advance(card.midnight(15))

    moved = stage.tasks(p, TaskKind.RESPONSIBLE_AREA_CHANGED)
    [handover] = [t for t in moved if t.recipient_org == new]
    [closing] = [t for t in moved if t.recipient_org == old]
    assert (handover.reason_code, closing.reason_code) == ("area_handover", "area_closing")
    assert {C.IDENTITY, C.PLACEMENT, C.RELEASE_SCHEDULE} <= carried(handover)
    assert carried(handover) <= set(consented)
    assert handover.payload.destination_municipality == "564"
    assert set(closing.payload.model_dump(exclude_none=True)) <= {
        "identity_code",
        "full_name",
        "destination_municipality",
    }
    after = [t for t in stage.tasks(p) if t.created_at >= released_at]
    assert [(t.kind, t.recipient_org) for t in after if t.recipient_org != new] == [
        (TaskKind.RESPONSIBLE_AREA_CHANGED, old)
    ]
    assert {t.kind for t in after if t.recipient_org == new} == {
        TaskKind.RELEASED,
        TaskKind.RESPONSIBLE_AREA_CHANGED,
        TaskKind.FOLLOWUP_CHECK,
    }
    assert by_old_levels == []
    [late] = stage.opened(p, AlertRule.NO_CLIENT_PLAN)
    assert (late.opened_at, late.area) == (card.midnight(15), new)
    assert disclosure_mismatches(stage, p) == []


def test_s8_aland_and_unknown_municipalities(stage: Stage) -> None:
    """S8: nothing is dropped, a routing alert opens, and no task goes to a guessed county."""
    card = Card(weekday_from(date(2033, 9, 5), 0))
    people = {
        "aland": (Person.numbered("s8", 8), "478"),
        "unknown_municipality": (Person.numbered("s8", 9), "999"),
    }
    letters_before = len(stage.dead_letters())
    for reason, (person, home) in people.items():
        ev = Events(stage, person, TURKU)
        stage.send(
            ev.custody(card.at(0, 9), home),
            ev.release_date(card.at(0, 9, 5), card.day(100)),
            ev.referral(
                card.at(0, 9, 10),
                f"ref-{reason}",
                needs=[Need.HOUSING],
                kind=ReferralKind.NOTIFICATION_WITHOUT_CONSENT,
            ),
            key=reason.encode(),
        )
    stage.advance(card.at(0, 11))

    for reason, (person, _) in people.items():
        facts = stage.facts(person)
        assert [f.kind for f in facts] == [
            FactKind.CASE_OPENED,
            FactKind.ROUTING_PROBLEM,
            FactKind.RELEASE_DATE_SET,
            FactKind.REFERRAL_SUBMITTED,
        ]
        assert facts[1].detail.routing_reason == reason
        [alert] = stage.opened(person, AlertRule.ROUTING_PROBLEM)
        assert (alert.area, alert.severity) == (None, Severity.CRITICAL)
        assert stage.task_topics(person) == set()
    assert len(stage.dead_letters()) == letters_before


def test_s9_released_with_nobody_on_the_other_side(stage: Stage) -> None:
    """S9: nobody may be told, so no task reaches any county at any time; the operators get
    "no basis to contact" and "no contact before release" at the lead time, "no named worker"
    at release, and after thirty silent days the lost-contact alert; none of them earlier."""
    card, p = Card(weekday_from(date(2034, 1, 9), 0) + timedelta(150)), Person.numbered("s9", 12)
    ev = Events(stage, p, VANTAA)
    stage.at(card.at(-150), ev.custody(card.at(-150), "092"))
    stage.at(card.at(-90), ev.release_date(card.at(-90), card.day(0), ReleaseType.END_OF_SENTENCE))
    stage.advance(card.at(-15, 23))
    before_lead = stage.opened(p, AlertRule.NO_CONTACT_BEFORE_RELEASE)
    stage.advance(card.midnight(-14))
    released_at = card.at(0, 9)
    stage.at(released_at, ev.released(released_at))
    silent_until = released_at.astimezone(UTC) + timedelta(days=30)
    stage.advance(silent_until - timedelta(hours=1))
    before_lost = stage.opened(p, AlertRule.CONTACT_LOST)
    stage.advance(silent_until)

    assert before_lead == []
    [no_contact] = stage.opened(p, AlertRule.NO_CONTACT_BEFORE_RELEASE)
    assert no_contact.opened_at == card.midnight(-14)
    [no_basis] = stage.opened(p, AlertRule.NO_BASIS_TO_CONTACT)
    assert (no_basis.opened_at, no_basis.severity) == (card.midnight(-14), Severity.CRITICAL)
    assert stage.task_topics(p) == set()
    [no_worker] = stage.opened(p, AlertRule.NO_NAMED_WORKER_AT_RELEASE)
    assert no_worker.opened_at == released_at
    assert before_lost == []
    [lost] = stage.opened(p, AlertRule.CONTACT_LOST)
    assert lost.opened_at == silent_until


def test_s10_out_of_order_duplicated_and_malformed(stage: Stage) -> None:
    """S10: the early event waits for its case, repeats change nothing, the garbage is on the
    DLQ with its reason, and the state and tasks equal those of a clean run of the same events.

    The clean run is another person's identical events, delivered once and in order, alongside.
    Only the tasks' creation times may differ: the messy run learns of the custody a day late.
    """
    card = Card(weekday_from(date(2035, 1, 14), 0))
    clean, messy = Person.numbered("s10-clean", 10), Person.numbered("s10-messy", 11)
    runs = {who: Events(stage, who, KUOPIO) for who in (clean, messy)}
    made = {
        who: [
            ev.custody(card.at(0, 9), "297", expected=card.day(300)),
            ev.release_date(card.at(1, 9), card.day(280)),
            ev.referral(
                card.at(2, 9),
                "ref-s10",
                needs=[Need.DEBT],
                kind=ReferralKind.NOTIFICATION_WITHOUT_CONSENT,
            ),
        ]
        for who, ev in runs.items()
    }
    garbage, key = b"\x00 this is not an event", messy.tag.encode()
    custody, release, referral = made[messy]
    stage.send(made[clean][0])
    stage.send(release, release, key=key)
    stage.advance(card.at(0, 9))
    stage.send(made[clean][1])
    stage.send(custody, key=key)
    stage.send_raw(KUOPIO, garbage, key=key)
    stage.send(custody, key=key)
    stage.advance(card.at(1, 9))
    stage.send(made[clean][2])
    stage.at(card.at(2, 9), referral, referral, key=key)

    ring = Settings().dead_letter_ring
    [letter] = [d for d in stage.dead_letters() if open_original(d, ring)[0] == garbage]
    assert (letter.reason_code, letter.topic) == ("bad_marker", stage.names.inbound(KUOPIO))
    facts = {who: stage.facts(who) for who in (clean, messy)}
    assert (
        [f.kind for f in facts[messy]]
        == [f.kind for f in facts[clean]]
        == [FactKind.CASE_OPENED, FactKind.RELEASE_DATE_SET, FactKind.REFERRAL_SUBMITTED]
    )
    assert case_shape(facts[messy][-1].case) == case_shape(facts[clean][-1].case)
    assert [task_shape(t) for t in stage.tasks(messy)] == [
        task_shape(t) for t in stage.tasks(clean)
    ]
    assert stage.tasks(messy)
