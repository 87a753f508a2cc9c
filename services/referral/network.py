"""Transitions of the person's network: contact persons and consents."""

from services.core.case import CaseState, Consent, ContactPerson, Vacancy
from services.core.events import (
    ConsentGiven,
    ConsentWithdrawn,
    ContactPersonAssigned,
    ContactPersonEnded,
)
from services.core.facts import FactDetail, FactKind
from services.referral.change import Change, one_fact, refuse
from services.referral.gate import Rejection
from services.referral.reasons import Reason


def contact_assigned(
    event: ContactPersonAssigned, case: CaseState, sealed: str | None
) -> Change | Rejection:
    """One person per role and organisation: a new assignment replaces the previous one and
    fills a vacancy of that role and organisation."""
    contact = ContactPerson.build(
        role=event.role, org=event.org, worker_ref=event.worker_ref, since=event.occurred_at
    )
    post = (event.role, event.org)
    contacts = [c for c in case.contacts if (c.role, c.org) != post] + [contact]
    vacancies = [v for v in case.vacancies if (v.role, v.org) != post]
    changed = case.model_copy(update={"contacts": contacts, "vacancies": vacancies})
    return one_fact(changed, FactKind.CONTACT_PERSON_ASSIGNED, FactDetail.build(contact=contact))


def contact_ended(
    event: ContactPersonEnded, case: CaseState, sealed: str | None
) -> Change | Rejection:
    """A named successor takes over at once; without one the post becomes a vacancy."""
    who = (event.role, event.org, event.worker_ref)
    ended = next((c for c in case.contacts if (c.role, c.org, c.worker_ref) == who), None)
    if ended is None:
        return refuse(Reason.UNKNOWN_CONTACT, "no such contact person on this case")
    contacts = [c for c in case.contacts if c != ended]
    vacancies = list(case.vacancies)
    if event.successor_worker_ref is not None:
        contacts.append(
            ContactPerson.build(
                role=event.role,
                org=event.org,
                worker_ref=event.successor_worker_ref,
                since=event.occurred_at,
            )
        )
    else:
        vacancies.append(Vacancy.build(role=event.role, org=event.org, since=event.occurred_at))
    changed = case.model_copy(update={"contacts": contacts, "vacancies": vacancies})
    detail = FactDetail.build(contact=ended, successor_worker_ref=event.successor_worker_ref)
    return one_fact(changed, FactKind.CONTACT_PERSON_ENDED, detail)


def consent_given(event: ConsentGiven, case: CaseState, sealed: str | None) -> Change | Rejection:
    if any(c.consent_id == event.consent_id for c in case.consents):
        return refuse(Reason.DUPLICATE_CONSENT, "a consent with this consent_id exists")
    consent = Consent.build(
        consent_id=event.consent_id,
        given_by_org=event.source_org,
        categories=event.categories,
        recipients=event.recipients,
        purpose=event.purpose,
        valid_from=event.valid_from,
        valid_until=event.valid_until,
        given_at=event.occurred_at,
    )
    changed = case.model_copy(update={"consents": [*case.consents, consent]})
    return one_fact(changed, FactKind.CONSENT_GIVEN, FactDetail.build(consent_id=event.consent_id))


def consent_withdrawn(
    event: ConsentWithdrawn, case: CaseState, sealed: str | None
) -> Change | Rejection:
    """Withdrawal takes effect at once; the first withdrawal time stands."""
    if not any(c.consent_id == event.consent_id for c in case.consents):
        return refuse(Reason.UNKNOWN_CONSENT, "no consent with this consent_id on this case")
    consents = [
        c.model_copy(update={"withdrawn_at": c.withdrawn_at or event.occurred_at})
        if c.consent_id == event.consent_id
        else c
        for c in case.consents
    ]
    changed = case.model_copy(update={"consents": consents})
    return one_fact(
        changed, FactKind.CONSENT_WITHDRAWN, FactDetail.build(consent_id=event.consent_id)
    )
