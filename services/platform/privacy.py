"""Seal an event's sensitive fields at the gate; open them only where a task is built."""

from services.core.case import CaseState
from services.core.drafts import PersonalDetails
from services.core.events import InboundEvent, sensitive_fields
from services.platform.sealing import Sealer, SealError


def seal_event(
    event: InboundEvent, person_ref: str, sealer: Sealer
) -> tuple[InboundEvent, str | None]:
    """The event without its sensitive fields (and with `person_ref`), plus those fields sealed."""
    names = sensitive_fields(type(event))
    values = {name: getattr(event, name) for name in names if getattr(event, name) is not None}
    sanitised = event.model_copy(update={**dict.fromkeys(names), "person_ref": person_ref})
    return sanitised, (sealer.seal(values) if values else None)


def tokens_of(case: CaseState) -> list[str]:
    """Every sealed token a case carries (identity and referral summaries)."""
    tokens = [case.sealed_identity] if case.sealed_identity else []
    return tokens + [r.sealed_summary for r in case.referrals if r.sealed_summary]


def open_personal(case: CaseState, sealer: Sealer) -> PersonalDetails:
    """Identity and referral summaries of a case, opened in memory for the policy to filter."""
    identity: dict[str, str] = {}
    if case.sealed_identity:
        try:
            identity = sealer.open(case.sealed_identity)
        except SealError:
            identity = {}
    summaries: dict[str, str] = {}
    for referral in case.referrals:
        if referral.sealed_summary:
            try:
                opened = sealer.open(referral.sealed_summary)
            except SealError:
                continue
            if "summary" in opened:
                summaries[referral.referral_id] = opened["summary"]
    return PersonalDetails(
        identity_code=identity.get("identity_code"),
        full_name=identity.get("full_name"),
        phone=identity.get("phone"),
        referral_summaries=summaries,
    )
