"""Transitions of the custody period itself: opening, release date, transfer, release, closure."""

from services.core.case import CaseState, CaseStatus, Vacancy
from services.core.events import (
    CaseClosed,
    CustodyStarted,
    PrisonTransferred,
    Released,
    ReleaseDateSet,
)
from services.core.facts import FactDetail, FactKind
from services.core.ids import stable_id
from services.core.vocabulary import ContactRole, ReleaseType
from services.referral.change import Change, Effect, one_fact, refuse
from services.referral.gate import Rejection
from services.referral.reasons import Reason
from services.referral.routing import routing_changes, with_route


def open_case(event: CustodyStarted, person_ref: str, sealed: str | None) -> Change:
    """A new custody period: a new case, routed from the home municipality."""
    case = CaseState.build(
        case_id=stable_id(person_ref, event.event_id),
        person_ref=person_ref,
        status=CaseStatus.IN_CUSTODY,
        opened_at=event.occurred_at,
        sealed_identity=sealed,
        prison=event.prison,
        sentence_type=event.sentence_type,
        sentence_start=event.sentence_start,
        expected_release=event.expected_release,
        home_municipality=event.home_municipality,
    )
    case = with_route(case)
    effects: list[Effect] = [
        (FactKind.CASE_OPENED, FactDetail.build()),
        *routing_changes(None, case),
    ]
    return Change(case=case, effects=effects)


def second_custody(event: CustodyStarted, case: CaseState, sealed: str | None) -> Rejection:
    """Reached only while a case is in custody: after release the registry opens a new case."""
    return refuse(Reason.CASE_ALREADY_OPEN, "a case is already open in custody for this person")


def _in_custody(case: CaseState) -> Rejection | None:
    if case.status == CaseStatus.IN_CUSTODY:
        return None
    return refuse(Reason.ALREADY_RELEASED, "the person has already been released")


def release_date_set(
    event: ReleaseDateSet, case: CaseState, sealed: str | None
) -> Change | Rejection:
    """The latest decision (by occurred_at) wins; an older one arriving late is only recorded."""
    if (refused := _in_custody(case)) is not None:
        return refused
    decided = case.release_date_decided_at
    if decided is not None and event.occurred_at < decided:
        return one_fact(case, FactKind.RELEASE_DATE_CHANGE_SUPERSEDED)
    changed = case.model_copy(
        update={
            "release_date": event.release_date,
            "release_type": event.release_type,
            "release_date_decided_at": event.occurred_at,
        }
    )
    if case.release_date is None:
        return one_fact(changed, FactKind.RELEASE_DATE_SET)
    detail = FactDetail.build(previous_release_date=case.release_date)
    return one_fact(changed, FactKind.RELEASE_DATE_CHANGED, detail)


def prison_transferred(
    event: PrisonTransferred, case: CaseState, sealed: str | None
) -> Change | Rejection:
    """The old prison's case-worker role ends; the new prison must name one (a vacancy)."""
    if (refused := _in_custody(case)) is not None:
        return refused
    old, new, role = case.prison, event.to_prison, ContactRole.PRISON_CASE_WORKER
    ended = [c for c in case.contacts if c.role == role and c.org == old]
    contacts = [c for c in case.contacts if c not in ended]
    vacancies = [v for v in case.vacancies if not (v.role == role and v.org in (old, new))]
    if not any(c.role == role and c.org == new for c in contacts):
        vacancies.append(Vacancy.build(role=role, org=new, since=event.occurred_at))
    changed = case.model_copy(update={"prison": new, "contacts": contacts, "vacancies": vacancies})
    detail = FactDetail.build(previous_prison=old, contact=ended[0] if ended else None)
    return one_fact(changed, FactKind.TRANSFERRED, detail)


def _follows_probationary_freedom(event: Released, case: CaseState) -> bool:
    """Supervised probationary freedom is followed by the conditional (or final) release."""
    return (
        case.status == CaseStatus.RELEASED
        and case.release_type == ReleaseType.SUPERVISED_PROBATIONARY_FREEDOM
        and event.release_type != ReleaseType.SUPERVISED_PROBATIONARY_FREEDOM
    )


def released(event: Released, case: CaseState, sealed: str | None) -> Change | Rejection:
    """A destination municipality re-routes the case; a new area is a fact of its own. The
    conditional release that follows supervised probationary freedom is a release too."""
    if not _follows_probationary_freedom(event, case) and (refused := _in_custody(case)):
        return refused
    changed = case.model_copy(
        update={
            "status": CaseStatus.RELEASED,
            "released_at": event.released_at,
            "release_type": event.release_type,
            "housing_status": event.housing_status,
            "destination_municipality": event.destination_municipality
            or case.destination_municipality,
        }
    )
    changed = with_route(changed)
    effects: list[Effect] = [
        (FactKind.RELEASED, FactDetail.build()),
        *routing_changes(case, changed),
    ]
    return Change(case=changed, effects=effects)


def case_closed(event: CaseClosed, case: CaseState, sealed: str | None) -> Change | Rejection:
    changed = case.model_copy(update={"status": CaseStatus.CLOSED, "closed_at": event.occurred_at})
    return one_fact(changed, FactKind.CASE_CLOSED)
