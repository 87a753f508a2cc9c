"""Transitions of the client's voice (SHL 36 §) and of alerts a person closed with a reason."""

from services.core.case import CaseState, ClientVoice, Dismissal
from services.core.dismissal import alert_cause
from services.core.events import AlertDismissed, ClientDeclined, ClientPreferenceRecorded
from services.core.facts import FactDetail, FactKind
from services.core.vocabulary import Need
from services.referral.change import Change, one_fact
from services.referral.gate import Rejection


def preference_recorded(
    event: ClientPreferenceRecorded, case: CaseState, sealed: str | None
) -> Change | Rejection:
    """The latest word on each point stands; a need wanted again is no longer refused."""
    told = set(event.wants) | set(event.refuses) | set(event.wants_later)
    voice = case.voice
    updated = ClientVoice.build(
        wants=[*_without(voice.wants, told), *event.wants],
        refuses=[*_without(voice.refuses, told), *event.refuses],
        wants_later=[*_without(voice.wants_later, told), *event.wants_later],
        contact_channel=event.contact_channel or voice.contact_channel,
        wants_to_attend_meeting=(
            event.wants_to_attend_meeting
            if event.wants_to_attend_meeting is not None
            else voice.wants_to_attend_meeting
        ),
        contact_refused=voice.contact_refused,
        decline_reasons={
            k: v for k, v in voice.decline_reasons.items() if k not in {n.value for n in told}
        },
    )
    changed = case.model_copy(update={"voice": updated})
    return one_fact(changed, FactKind.CLIENT_PREFERENCE_RECORDED)


def _without(needs: list[Need], told: set[Need]) -> list[Need]:
    return [n for n in needs if n not in told]


def client_declined(
    event: ClientDeclined, case: CaseState, sealed: str | None
) -> Change | Rejection:
    voice = case.voice.declined(event.declined, event.need, event.reason)
    return one_fact(case.model_copy(update={"voice": voice}), FactKind.CLIENT_DECLINED)


def alert_dismissed(
    event: AlertDismissed, case: CaseState, sealed: str | None
) -> Change | Rejection:
    """Recorded with the cause as it stands now: a change of cause reopens the alert."""
    dismissal = Dismissal.build(
        rule=event.rule,
        reason=event.reason,
        by_org=event.source_org,
        dismissed_by=event.dismissed_by,
        dismissed_at=event.occurred_at,
        until=event.until,
        cause=alert_cause(case),
    )
    changed = case.model_copy(update={"dismissals": [*case.dismissals, dismissal]})
    detail = FactDetail.build(rule=event.rule, actor_ref=event.dismissed_by)
    return one_fact(changed, FactKind.ALERT_DISMISSED, detail)
