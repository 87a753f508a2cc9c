"""Transitions of supervised freedom: probationary freedom revoked (back to custody) and
conditional release with supervision by a community sanctions office."""

from services.core.case import CaseState, CaseStatus, Supervision
from services.core.events import ProbationaryFreedomRevoked, SupervisionOrdered
from services.core.facts import FactKind
from services.core.vocabulary import ReleaseType
from services.referral.change import Change, one_fact, refuse
from services.referral.gate import Rejection
from services.referral.reasons import Reason


def on_probationary_freedom(case: CaseState) -> bool:
    """Out on supervised probationary freedom (valvottu koevapaus), still serving the sentence."""
    return (
        case.status == CaseStatus.RELEASED
        and case.release_type == ReleaseType.SUPERVISED_PROBATIONARY_FREEDOM
    )


def freedom_revoked(
    event: ProbationaryFreedomRevoked, case: CaseState, sealed: str | None
) -> Change | Rejection:
    """Back in custody: the release is undone, the next release date is decided anew."""
    if not on_probationary_freedom(case):
        return refuse(
            Reason.NOT_ON_PROBATIONARY_FREEDOM,
            "the person is not on supervised probationary freedom",
        )
    changed = case.model_copy(
        update={
            "status": CaseStatus.IN_CUSTODY,
            "released_at": None,
            "release_date": None,
            "release_type": None,
            "prison": event.prison or case.prison,
            "probationary_freedom_revoked_at": event.occurred_at,
        }
    )
    return one_fact(changed, FactKind.PROBATIONARY_FREEDOM_REVOKED)


def supervision_ordered(
    event: SupervisionOrdered, case: CaseState, sealed: str | None
) -> Change | Rejection:
    """A later order replaces the earlier one."""
    supervision = Supervision.build(
        office=event.supervising_office,
        start=event.supervision_start,
        end=event.supervision_end,
        ordered_at=event.occurred_at,
    )
    changed = case.model_copy(update={"supervision": supervision})
    return one_fact(changed, FactKind.SUPERVISION_ORDERED)
