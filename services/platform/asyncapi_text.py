"""The prose of the AsyncAPI document: what each record means, and how to connect."""

from pydantic import BaseModel

from services.core.events import INBOUND_EVENT_TYPES, InboundEvent, sensitive_fields
from services.core.organisations import ALLOWED_EVENTS, OrgKind
from services.core.tasks import Task, field_categories
from services.platform.topics import TopicSpec

INFO_DESCRIPTION = """\
Jatkumo keeps a person's service path unbroken when they leave prison. Prisons, community
sanctions offices, wellbeing services counties and NGOs publish events on their own
`inbound.<org>` topic and receive handover tasks on their own `tasks.<org>` topic.

Every message value is Avro single-object encoding: the marker bytes C3 01, the 8-byte
little-endian CRC-64-AVRO fingerprint of the writer schema's parsing canonical form, then the
Avro binary body. The schemas are in `avro/<Record>/v<N>.avsc`; a reader finds the writer schema
by the fingerprint and resolves it into the newest version. Every committed version stays
readable, and each new version is compatible with all earlier ones in both directions.

Messages that cannot be accepted go to `dlq` with a stable reason code; nothing is dropped.
See docs/integration-guide.md for joining, credentials, data categories and consent.
"""

SCRAM_DESCRIPTION = """\
SASL/SCRAM-SHA-512. Each organisation has one principal, `User:org-<code>`. Its ACLs allow
writing only `inbound.<code>`, reading only `tasks.<code>` and `receipts.<code>`, and consumer
groups named `org-<code>` or starting with `org-<code>.`; nothing else.
"""

SUMMARIES: dict[str, str] = {
    "CustodyStarted": "A person's custody period started in a prison.",
    "ReleaseDateSet": "The release date was set, or changed.",
    "PrisonTransferred": "The person was transferred to another prison.",
    "Released": "The person was released.",
    "ContactPersonAssigned": "A contact person (prison case worker, probation officer, named "
    "worker, NGO support, expert by experience) took on the person.",
    "ContactPersonEnded": "A contact person's work with the person ended, with an optional "
    "successor.",
    "ReferralSubmitted": "A contact with consent, a notification without consent (SHL 35), or a "
    "self-referral to social welfare.",
    "ConsentGiven": "The person consented to sharing some data categories with some recipients "
    "for a purpose and a period.",
    "ConsentWithdrawn": "The person withdrew a consent; it stops all sharing under it at once.",
    "ReferralAcknowledged": "The wellbeing services county acknowledged a referral.",
    "AssessmentStarted": "The county started the service need assessment.",
    "AssessmentCompleted": "The county completed the service need assessment.",
    "ClientPlanAgreed": "A client plan was agreed, with its review date and network; several "
    "plans (one per plan_id) may stand side by side.",
    "ClientPlanReviewed": "A client plan was reviewed, with the next review date if any.",
    "ReleasePlanAgreed": "The prison agreed a release plan (Imprisonment Act ch. 4 § 7): with "
    "the client or not, services by need, organisations responsible, review date.",
    "ReleasePlanUpdated": "The prison revised a release plan it agreed before.",
    "CooperationRequested": "The county asked another organisation to take part in assessing "
    "the need or planning the services (SHL 41 §).",
    "NetworkMeetingScheduled": "The county scheduled a network meeting: participants by "
    "organisation and role, whether the client takes part.",
    "NetworkMeetingHeld": "A network meeting was held: who took part, whether the client did.",
    "ProbationaryFreedomRevoked": "Supervised probationary freedom was revoked: the person is "
    "back in custody.",
    "SupervisionOrdered": "Conditional release with supervision: the period and the "
    "supervising community sanctions office.",
    "ClientPreferenceRecorded": "What the client wants, refuses or wants later, the preferred "
    "contact channel and whether they want to take part in the meeting.",
    "ClientDeclined": "The client refused a service or being contacted, with a reason code.",
    "AlertDismissed": "An alert resolved as justified by the responsible organisation or an "
    "operator, with a reason code; it stays closed until its cause changes.",
    "AlertEscalated": "An operator escalates an open alert to the responsible county: a "
    "path_escalation task naming the rule and the deadline missed, if a basis allows.",
    "ResponsibleCountyNamed": "An operator resolves a routing problem by naming the responsible "
    "wellbeing services county; the case is routed to it and its tasks flow.",
    "ActionRecord": "The audit of an accepted dismissal, escalation or county named: who "
    "(organisation and pseudonymous reference), what and when; no personal data in clear.",
    "CaseClosed": "The county closed the case.",
    "TaskStatusChanged": "The recipient of a task reports its status (received, accepted, "
    "rejected, in progress, completed); a rejection or completion is told to the organisation "
    "whose event caused the task (`task_outcome`) where the client's consent allows.",
    "Task": "Work for the organisation that must act next, with only the fields it has a "
    "basis to receive.",
    "Alert": "A broken service path: opens once and resolves when the condition clears. "
    "Carries no personal data.",
    "DisclosureRecord": "Who received which data categories about a person, under which basis "
    "and rules version.",
    "Receipt": "What became of one inbound message: accepted, held, or rejected with a reason "
    "code; for its sender only, without personal data.",
    "DeadLetter": "A message that could not be processed: where it came from and a stable reason "
    "code in clear, its original bytes only sealed with the dead-letter key.",
    "Intake": "An accepted inbound event, sanitised and re-keyed by person_ref.",
    "Erasure": "A person's state is forgotten (an erasure request, or a closed case past its "
    "retention): on `erasures` each service deletes its entries; on the audit topic, "
    "pseudonymously, that it was done, when and by whom.",
    "Tick": "Time passing for one person, so due work runs in the person's partition.",
    "CaseFact": "An accepted change to a case, carrying the case as it stands after it.",
}

_KIND_LABELS: dict[OrgKind, str] = {
    OrgKind.PRISON: "prison",
    OrgKind.COMMUNITY_SANCTIONS_OFFICE: "community sanctions office",
    OrgKind.COUNTY: "wellbeing services county",
    OrgKind.NGO: "NGO",
    OrgKind.OPERATOR: "operator (the service's own operators)",
}


def kind_label(kind: OrgKind) -> str:
    return _KIND_LABELS[kind]


def _senders(event_name: str) -> list[OrgKind]:
    return [kind for kind in OrgKind if event_name in ALLOWED_EVENTS[kind]]


def message_description(model: type[BaseModel], versions: list[int]) -> str:
    lines: list[str] = []
    if issubclass(model, InboundEvent):
        senders = ", ".join(kind_label(kind) for kind in _senders(model.__name__))
        lines.append(f"May be sent by: {senders}.")
        sealed = sensitive_fields(model)
        if sealed:
            lines.append(
                "Sensitive fields (`sensitive: true`; sealed at intake, never on internal "
                f"topics): {', '.join(sealed)}."
            )
    if model is Task:
        shown = ", ".join(f"{name} ({cat.value})" for name, cat in field_categories().items())
        lines.append(
            "Every payload field is in one data category (field attribute `category`); a field "
            f"is filled only when the recipient has a basis for its category: {shown}."
        )
    listed = ", ".join(f"v{v}" for v in versions)
    lines.append(
        f"Committed schema versions: {listed}. The payload is the newest; every committed "
        "version is accepted and all versions are compatible in both directions."
    )
    return "\n\n".join(lines) + "\n"


def channel_description(
    channel_id: str, spec: TopicSpec, *, internal: bool, has_records: bool
) -> str:
    if channel_id == "inbound":
        allowed = "\n".join(
            f"- {kind_label(kind)}: {', '.join(allowed_events(kind))}" for kind in OrgKind
        )
        return (
            f"Events an organisation publishes. Key: {spec.key}. Only `org-<code>` may write "
            "`inbound.<code>`, and `source_org` must be `<code>`. Which events each kind of "
            f"organisation may send:\n\n{allowed}\n"
        )
    if channel_id == "receipts":
        return (
            f"Receipts for an organisation's messages. Key: {spec.key}. Only `org-<code>` may "
            "read `receipts.<code>`; no personal data.\n"
        )
    if channel_id == "tasks":
        return (
            f"Tasks for an organisation. Key: {spec.key}. Only `org-<code>` may read "
            "`tasks.<code>`.\n"
        )
    text = f"{spec.purpose[0].upper()}{spec.purpose[1:]}. Key: {spec.key}."
    if not has_records:
        return (
            text + " Kept by the stream processing itself; its messages are not part of "
            "the contract, and no organisation may read or write it.\n"
        )
    if internal:
        return text + " Internal to Jatkumo: no organisation may read or write it.\n"
    return text + "\n"


def allowed_events(kind: OrgKind) -> list[str]:
    return [e.__name__ for e in INBOUND_EVENT_TYPES if e.__name__ in ALLOWED_EVENTS[kind]]
