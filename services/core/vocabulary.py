"""Closed vocabularies shared by events, case state, tasks and the sharing policy."""

from enum import StrEnum


class SentenceType(StrEnum):
    LONG_TERM = "long_term"
    SHORT_TERM = "short_term"
    FINE_CONVERSION = "fine_conversion"
    REMAND = "remand"


class ReleaseType(StrEnum):
    END_OF_SENTENCE = "end_of_sentence"
    CONDITIONAL_RELEASE = "conditional_release"
    SUPERVISED_PROBATIONARY_FREEDOM = "supervised_probationary_freedom"
    REMAND_ENDED = "remand_ended"
    OTHER = "other"


class HousingStatus(StrEnum):
    SECURED = "secured"
    TEMPORARY = "temporary"
    NONE = "none"
    UNKNOWN = "unknown"


class ContactRole(StrEnum):
    PRISON_CASE_WORKER = "prison_case_worker"
    PROBATION_OFFICER = "probation_officer"
    NAMED_WORKER = "named_worker"
    NGO_SUPPORT = "ngo_support"
    EXPERT_BY_EXPERIENCE = "expert_by_experience"


class ReferralKind(StrEnum):
    CONTACT_WITH_CONSENT = "contact_with_consent"
    NOTIFICATION_WITHOUT_CONSENT = "notification_without_consent"
    SELF_REFERRAL = "self_referral"


class Need(StrEnum):
    HOUSING = "housing"
    INCOME = "income"
    SUBSTANCE_USE = "substance_use"
    MENTAL_HEALTH = "mental_health"
    EMPLOYMENT = "employment"
    EDUCATION = "education"
    DEBT = "debt"
    FAMILY = "family"
    HEALTH_CARE = "health_care"
    DAILY_LIVING = "daily_living"


HEALTH_NEEDS = frozenset({Need.SUBSTANCE_USE, Need.MENTAL_HEALTH, Need.HEALTH_CARE})
"""Needs that are health data (GDPR art. 9): they travel in the `health` category, never in
`needs`, and only a consent that lists `health` opens them."""


def split_needs(needs: list[Need]) -> tuple[list[Need], list[Need]]:
    """(non-health needs, health needs), each in the given order."""
    return (
        [n for n in needs if n not in HEALTH_NEEDS],
        [n for n in needs if n in HEALTH_NEEDS],
    )


class Shl35Ground(StrEnum):
    """Why a notification without consent is made (SHL 1301/2014 35 § 2 mom.): the person is
    evidently unable to take care of their own care, health or safety, or a child's interest
    necessarily requires it."""

    UNABLE_TO_CARE_FOR_SELF = "unable_to_care_for_self"
    UNABLE_TO_CARE_FOR_HEALTH = "unable_to_care_for_health"
    UNABLE_TO_ENSURE_SAFETY = "unable_to_ensure_safety"
    CHILD_INTEREST = "child_interest"


class ConsentNotObtained(StrEnum):
    """Why consent could not be obtained before a notification without consent."""

    CLIENT_REFUSED = "client_refused"
    CLIENT_UNABLE_TO_CONSENT = "client_unable_to_consent"
    CLIENT_UNREACHABLE = "client_unreachable"
    NO_TIME_BEFORE_RELEASE = "no_time_before_release"


class Urgency(StrEnum):
    NORMAL = "normal"
    URGENT = "urgent"
    IMMEDIATE = "immediate"


class Category(StrEnum):
    """Data categories: every field that leaves the service belongs to exactly one."""

    IDENTITY = "identity"
    CONTACT_DETAILS = "contact_details"
    RELEASE_SCHEDULE = "release_schedule"
    PLACEMENT = "placement"
    SENTENCE = "sentence"
    NEEDS = "needs"
    REFERRAL_SUMMARY = "referral_summary"
    CONTACT_PERSONS = "contact_persons"
    CLIENT_PLAN = "client_plan"
    SERVICE_STATUS = "service_status"
    HEALTH = "health"
    OFFENCE = "offence"


class ConsentCollection(StrEnum):
    WRITTEN = "written"
    ORAL_RECORDED = "oral_recorded"
    ELECTRONIC = "electronic"


class CaseClosure(StrEnum):
    NO_LONGER_NEEDED = "no_longer_needed"
    MOVED_ABROAD = "moved_abroad"
    CLIENT_DECLINED = "client_declined"
    DECEASED = "deceased"
    OTHER = "other"


class TaskStatus(StrEnum):
    """FHIR-Task-like lifecycle as seen by the receiving organisation."""

    RECEIVED = "received"
    ACCEPTED = "accepted"
    REJECTED = "rejected"
    IN_PROGRESS = "in_progress"
    COMPLETED = "completed"


class CooperationPurpose(StrEnum):
    """Why a county asks another authority or organisation to take part (SHL 41 §)."""

    NEEDS_ASSESSMENT = "needs_assessment"
    SERVICE_PLANNING = "service_planning"
    NETWORK_MEETING = "network_meeting"


class ParticipantRole(StrEnum):
    """A participant's role in a network meeting."""

    SOCIAL_WORKER = "social_worker"
    PRISON_CASE_WORKER = "prison_case_worker"
    PROBATION_OFFICER = "probation_officer"
    NGO_WORKER = "ngo_worker"
    EXPERT_BY_EXPERIENCE = "expert_by_experience"
    HEALTH_CARE_WORKER = "health_care_worker"
    OTHER = "other"


class ContactChannel(StrEnum):
    PHONE = "phone"
    LETTER = "letter"
    IN_PERSON = "in_person"
    THROUGH_PRISON = "through_prison"
    THROUGH_NGO = "through_ngo"


class Declined(StrEnum):
    """What the client refused: a service (for one need) or being contacted at all."""

    SERVICE = "service"
    CONTACT = "contact"


class DeclineReason(StrEnum):
    HAS_ARRANGEMENT = "has_arrangement"
    """The client has arranged it otherwise (family, own flat, private provider)."""
    NOT_WANTED = "not_wanted"
    NOT_NOW = "not_now"
    OTHER = "other"


class DismissalReason(StrEnum):
    """Why an open alert is justified and closed by a person (`AlertDismissed`)."""

    CLIENT_DECLINED = "client_declined"
    NO_EVIDENT_NEED = "no_evident_need"
    NAMED_WORKER_NOT_NEEDED = "named_worker_not_needed"
    """SHL 42 § 1 mom.: a named worker is not needed when the services are otherwise arranged."""
    HANDLED_OUTSIDE_SERVICE = "handled_outside_service"
