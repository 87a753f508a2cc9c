"""What a transition returns: the case after an event and the facts the change warrants."""

from dataclasses import dataclass

from services.core.case import CaseState
from services.core.facts import FactDetail, FactKind
from services.referral.gate import Rejection
from services.referral.reasons import Reason

Effect = tuple[FactKind, FactDetail]
"""One fact to publish, before the registry gives it its id, event and case snapshot."""


@dataclass(frozen=True)
class Change:
    case: CaseState
    effects: list[Effect]


def one_fact(case: CaseState, kind: FactKind, detail: FactDetail | None = None) -> Change:
    return Change(case=case, effects=[(kind, detail or FactDetail.build())])


def refuse(reason: Reason, detail: str) -> Rejection:
    return Rejection(reason_code=reason, detail=detail)
