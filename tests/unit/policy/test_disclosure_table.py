"""What each recipient may receive: recipient by task by basis → categories.

Read it as a data protection officer would: one row per situation, the categories the law lets
through, and `NO TASK` where the recipient has no basis for anything (then not even the task's
existence is disclosed). The expected categories come from the statutes (`docs/privacy.md`),
not from the code: every draft carries a value in every category, so the row shows exactly
what the basis opens.
"""

from dataclasses import dataclass
from datetime import timedelta

import pytest

from services.core.case import CaseState
from services.core.policy import disclose
from services.core.tasks import TaskKind
from services.core.vocabulary import Category as C
from services.core.vocabulary import Need, ReferralKind
from tests.unit.policy.builders import (
    COUNTY,
    NGO,
    NOW,
    PRISON,
    case,
    consent,
    draft,
    full_payload,
    referral,
    rules,
)

OTHER_COUNTY = "county-04"
OFFICE = "cso-ita-suomen"
NO_TASK = None
MINIMUM = {C.IDENTITY, C.PLACEMENT, C.RELEASE_SCHEDULE, C.NEEDS}
AGENCY_OWN = {C.IDENTITY, C.CONTACT_DETAILS, C.RELEASE_SCHEDULE, C.PLACEMENT, C.SENTENCE, C.NEEDS}
CONTACT = {"kind": ReferralKind.CONTACT_WITH_CONSENT, "ground": None, "consent_id": "consent-1"}
NGO_AGREEMENT = """
version: "dpo-1"
regional_agreements:
  - name: ngo-release-facts
    areas: [county-13]
    recipient_kinds: [ngo]
    categories: [release_schedule, placement]
    purposes: [release_planning]
"""


def notified() -> CaseState:
    """A notification without consent (35 § 2 mom.) with its ground, nothing else."""
    return case(referrals=[referral()])


def consented(*categories: C, **overrides: object) -> CaseState:
    """A consent for release planning naming county 13 and the NGO."""
    given = consent(categories=list(categories), recipients=[COUNTY, NGO], **overrides)
    return case(consents=[given])


@dataclass(frozen=True)
class Row:
    situation: str
    recipient: str
    task: TaskKind
    state: CaseState
    expected: set[C] | None
    sharing: str | None = None


ROWS = [
    Row("notification: the referral task", COUNTY, TaskKind.REFERRAL_RECEIVED, notified(), MINIMUM),
    Row(
        "notification: release date changed",
        COUNTY,
        TaskKind.RELEASE_DATE_CHANGED,
        notified(),
        MINIMUM,
    ),
    Row("notification: the release", COUNTY, TaskKind.RELEASED, notified(), MINIMUM),
    Row(
        "notification: a follow-up months later",
        COUNTY,
        TaskKind.FOLLOWUP_CHECK,
        notified(),
        NO_TASK,
    ),
    Row(
        "notification: another county",
        OTHER_COUNTY,
        TaskKind.REFERRAL_RECEIVED,
        notified(),
        NO_TASK,
    ),
    Row("notification: an NGO", NGO, TaskKind.REFERRAL_RECEIVED, notified(), NO_TASK),
    Row(
        "notification after the assessment started",
        COUNTY,
        TaskKind.RELEASED,
        case(referrals=[referral()], assessment_started_at=NOW - timedelta(days=1)),
        NO_TASK,
    ),
    Row("no basis at all", COUNTY, TaskKind.RELEASE_PREPARATION, case(), NO_TASK),
    Row(
        "consent: identity and schedule",
        COUNTY,
        TaskKind.RELEASE_PREPARATION,
        consented(C.IDENTITY, C.RELEASE_SCHEDULE),
        {C.IDENTITY, C.RELEASE_SCHEDULE},
    ),
    Row(
        "consent listing health",
        COUNTY,
        TaskKind.RELEASE_PREPARATION,
        consented(C.NEEDS, C.HEALTH),
        {C.NEEDS, C.HEALTH},
    ),
    Row(
        "consent listing offence",
        COUNTY,
        TaskKind.RELEASE_PREPARATION,
        consented(C.IDENTITY, C.OFFENCE),
        {C.IDENTITY},
    ),
    Row(
        "consent withdrawn",
        COUNTY,
        TaskKind.RELEASE_PREPARATION,
        consented(C.IDENTITY, withdrawn_at=NOW - timedelta(hours=1)),
        NO_TASK,
    ),
    Row(
        "consent expired",
        COUNTY,
        TaskKind.RELEASE_PREPARATION,
        consented(C.IDENTITY, valid_until=NOW.date() - timedelta(days=1)),
        NO_TASK,
    ),
    Row(
        "consent for another purpose",
        COUNTY,
        TaskKind.RELEASE_PREPARATION,
        consented(C.IDENTITY, purpose="supervision"),
        NO_TASK,
    ),
    Row(
        "consent to the NGO",
        NGO,
        TaskKind.RELEASE_DATE_CHANGED,
        consented(C.IDENTITY, C.RELEASE_SCHEDULE),
        {C.IDENTITY, C.RELEASE_SCHEDULE},
    ),
    Row(
        "NGO-recorded consent naming the county",
        COUNTY,
        TaskKind.RELEASE_PREPARATION,
        consented(C.IDENTITY, given_by_org=NGO),
        NO_TASK,
    ),
    Row(
        "agreement: release facts to an NGO",
        NGO,
        TaskKind.RELEASED,
        case(),
        {C.RELEASE_SCHEDULE, C.PLACEMENT},
        NGO_AGREEMENT,
    ),
    Row(
        "internal use: the prison's successor",
        PRISON,
        TaskKind.CONTACT_PERSON_CHANGED,
        case(),
        AGENCY_OWN,
    ),
    Row("internal use: the supervising office", OFFICE, TaskKind.RELEASED, case(), AGENCY_OWN),
    Row(
        "referral feedback under the contact's consent",
        PRISON,
        TaskKind.REFERRAL_FEEDBACK,
        case(consents=[consent()], referrals=[referral(**CONTACT)]),
        AGENCY_OWN | {C.SERVICE_STATUS},
    ),
    Row(
        "referral feedback after that consent is withdrawn",
        COUNTY,
        TaskKind.REFERRAL_FEEDBACK,
        case(
            consents=[consent(withdrawn_at=NOW - timedelta(hours=1))],
            referrals=[referral(**CONTACT, submitted_by=COUNTY)],
        ),
        NO_TASK,
    ),
]


@pytest.mark.parametrize("row", ROWS, ids=[row.situation for row in ROWS])
def test_what_the_recipient_may_receive(row: Row) -> None:
    """The categories that reach the recipient are exactly those its basis opens."""
    payload = full_payload(health_needs=[Need.MENTAL_HEALTH])
    purpose = "referral_feedback" if row.task == TaskKind.REFERRAL_FEEDBACK else "release_planning"
    the_draft = draft(
        kind=row.task,
        recipient_org=row.recipient,
        payload=payload,
        purpose=purpose,
        referral_id="ref-1",
    )
    sharing = rules(row.sharing) if row.sharing else rules()
    issued = disclose(the_draft, row.state, sharing, NOW)
    if row.expected is NO_TASK:
        assert issued is None
    else:
        assert issued is not None
        assert set(issued.disclosure.categories) == row.expected
        assert C.OFFENCE not in issued.disclosure.categories
