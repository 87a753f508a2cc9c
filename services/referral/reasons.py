"""Stable reason codes for events the referral service does not accept.

They travel to the DLQ and into metrics, so they never change meaning; details that go with
them name fields and rules, never values (values may hold personal data).
"""

from enum import StrEnum


class Reason(StrEnum):
    # the gate: who may send what, and who the event is about
    UNAUTHORISED_SOURCE = "unauthorised_source"
    UNKNOWN_ORGANISATION = "unknown_organisation"
    UNAUTHORISED_EVENT_TYPE = "unauthorised_event_type"
    IDENTITY_CODE_MALFORMED = "identity_code_malformed"
    IDENTITY_CODE_IMPOSSIBLE_DATE = "identity_code_impossible_date"
    IDENTITY_CODE_BIRTH_IN_FUTURE = "identity_code_birth_in_future"
    IDENTITY_CODE_CHECK_MISMATCH = "identity_code_check_mismatch"
    INVALID_PERSON_REF = "invalid_person_ref"
    MISSING_SUBJECT = "missing_subject"
    AMBIGUOUS_SUBJECT = "ambiguous_subject"
    INVALID_EVENT = "invalid_event"
    IDENTITY_CODE_NOT_ALLOWED = "identity_code_not_allowed"
    # the gate: what the law requires of a referral or a consent
    SHL35_GROUND_MISSING = "shl35_ground_missing"
    CONSENT_RECORDER_NOT_ALLOWED = "consent_recorder_not_allowed"
    # the registry: the event does not fit the person's case
    CASE_ALREADY_OPEN = "case_already_open"
    CASE_CLOSED = "case_closed"
    ALREADY_RELEASED = "already_released"
    UNKNOWN_REFERRAL = "unknown_referral"
    DUPLICATE_REFERRAL = "duplicate_referral"
    UNKNOWN_CONSENT = "unknown_consent"
    DUPLICATE_CONSENT = "duplicate_consent"
    UNKNOWN_CONTACT = "unknown_contact"
    NO_CLIENT_PLAN = "no_client_plan"
    UNKNOWN_RELEASE_PLAN = "unknown_release_plan"
    UNKNOWN_MEETING = "unknown_meeting"
    NOT_ON_PROBATIONARY_FREEDOM = "not_on_probationary_freedom"
    NO_RESPONSIBLE_ORGANISATION = "no_responsible_organisation"
    NO_ROUTING_PROBLEM = "no_routing_problem"
    # the hold: events that arrived before their case
    HELD_TOO_LONG = "held_too_long"
    HOLD_FULL = "hold_full"
    # the hold: a contact with consent that waited for its consent in vain
    CONSENT_MISSING = "consent_missing"
