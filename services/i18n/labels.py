"""The text of every code a person may see: rules, severities, reasons, task and fact kinds.

Each table maps a wire code to a (context, English message) pair marked with `NC_` so that
Babel's extraction finds it; the message is translated when shown. A code missing here shows
as itself, and the catalogue test names it (it checks each table against the code's enums).
Some codes are already here before their enum has them, so that they speak from the start.
"""

from collections.abc import Mapping

Label = tuple[str, str]
"""(gettext context, English message)."""


def NC_(context: str, message: str) -> Label:
    """Mark a message for extraction; it is translated where it is shown."""
    return (context, message)


RULES: Mapping[str, Label] = {
    "no_contact_before_release": NC_("rule", "No contact before release"),
    "referral_not_acknowledged": NC_("rule", "Referral not acknowledged"),
    "assessment_not_started": NC_("rule", "Service need assessment not started"),
    "no_named_worker_at_release": NC_("rule", "No named worker at release"),
    "no_client_plan": NC_("rule", "No client plan"),
    "contact_vacancy": NC_("rule", "Contact person vacancy"),
    "task_not_accepted": NC_("rule", "Task not accepted"),
    "plan_review_overdue": NC_("rule", "Client plan review overdue"),
    "release_moved_earlier": NC_("rule", "Release moved earlier"),
    "contact_lost": NC_("rule", "Contact lost"),
    "consent_lapsed": NC_("rule", "Consent lapsed"),
    "routing_problem": NC_("rule", "Responsible county unresolved"),
    "no_basis_to_contact": NC_("rule", "No basis to contact the county"),
    "no_release_plan": NC_("rule", "No release plan"),
    "invitation_not_answered": NC_("rule", "Invitation not answered"),
    "no_housing_at_release": NC_("rule", "No housing at release"),
    "webhook_failing": NC_("rule", "Organisation's webhook failing"),
}

SEVERITIES: Mapping[str, Label] = {
    "info": NC_("severity", "info"),
    "warning": NC_("severity", "warning"),
    "critical": NC_("severity", "critical"),
}

ALERT_STATES: Mapping[str, Label] = {
    "open": NC_("alert state", "open"),
    "resolved": NC_("alert state", "resolved"),
    "dismissed": NC_("alert state", "dismissed"),
}

DEAD_LETTER_REASONS: Mapping[str, Label] = {
    # decoding
    "not_bytes": NC_("reason", "The message has no value or it is not bytes"),
    "bad_marker": NC_("reason", "Not Avro single-object encoding"),
    "unknown_fingerprint": NC_("reason", "Unknown writer schema"),
    "corrupt_body": NC_("reason", "The body does not decode with its schema"),
    "trailing_bytes": NC_("reason", "Bytes left over after the record"),
    "invalid_record": NC_("reason", "The record breaks the model"),
    "unexpected_record": NC_("reason", "A record that does not belong on this topic"),
    "not_an_inbound_event": NC_("reason", "Not an inbound event"),
    # the gate
    "unauthorised_source": NC_("reason", "Sender differs from the topic's organisation"),
    "unknown_organisation": NC_("reason", "Organisation not in the registry"),
    "unauthorised_event_type": NC_("reason", "This kind of organisation may not send this event"),
    "invalid_identity_code": NC_("reason", "Invalid personal identity code"),
    # (the code before the four identity_code_* codes; older dead letters still carry it)
    "identity_code_check_mismatch": NC_(
        "reason", "The identity code's check character does not match"
    ),
    "identity_code_impossible_date": NC_("reason", "The identity code has an impossible date"),
    "identity_code_birth_in_future": NC_(
        "reason", "The identity code's birth date is in the future"
    ),
    "identity_code_malformed": NC_("reason", "Malformed personal identity code"),
    "invalid_person_ref": NC_("reason", "Invalid person reference"),
    "missing_subject": NC_("reason", "Neither identity code nor person reference"),
    "ambiguous_subject": NC_("reason", "Both identity code and person reference"),
    "invalid_event": NC_("reason", "A field of the event does not make sense"),
    "identity_code_not_allowed": NC_("reason", "An operator names the person by reference only"),
    # the registry
    "case_already_open": NC_("reason", "A custody case is already open"),
    "case_closed": NC_("reason", "The case is closed"),
    "already_released": NC_("reason", "The person has already been released"),
    "unknown_referral": NC_("reason", "Unknown referral"),
    "duplicate_referral": NC_("reason", "Duplicate referral"),
    "unknown_consent": NC_("reason", "Unknown consent"),
    "duplicate_consent": NC_("reason", "Duplicate consent"),
    "unknown_contact": NC_("reason", "No such contact person on the case"),
    "no_client_plan": NC_("reason", "Plan review without an agreed client plan"),
    "unknown_release_plan": NC_("reason", "Unknown release plan"),
    "unknown_meeting": NC_("reason", "Unknown network meeting"),
    "not_on_probationary_freedom": NC_("reason", "The person is not on probationary freedom"),
    "no_responsible_organisation": NC_(
        "reason", "No responsible county to escalate to: name the county first"
    ),
    "no_routing_problem": NC_(
        "reason", "The case is routed: a county is named only for a routing problem"
    ),
    "consent_missing": NC_("reason", "No consent in force for the referral"),
    "shl35_ground_missing": NC_(
        "reason", "Notification without consent lacks its ground (Social Welfare Act §35)"
    ),
    "consent_recorder_not_allowed": NC_("reason", "This organisation may not record this consent"),
    # the hold
    "held_too_long": NC_("reason", "No case opened within the hold time"),
    "hold_full": NC_("reason", "Too many events wait for one case"),
    # a fault on our side
    "internal_error": NC_("reason", "Internal error in Jatkumo"),
}

RECEIPT_OUTCOMES: Mapping[str, Label] = {
    "accepted": NC_("receipt", "accepted"),
    "rejected": NC_("receipt", "rejected"),
    "held": NC_("receipt", "held"),
}

TASK_KINDS: Mapping[str, Label] = {
    "release_preparation": NC_("task kind", "Release preparation"),
    "release_date_changed": NC_("task kind", "Release date changed"),
    "short_sentence_contact": NC_("task kind", "Short sentence contact"),
    "transfer_notice": NC_("task kind", "Prison transfer notice"),
    "contact_person_changed": NC_("task kind", "Contact person changed"),
    "assign_successor": NC_("task kind", "Assign a successor"),
    "released": NC_("task kind", "Released"),
    "referral_feedback": NC_("task kind", "Referral feedback"),
    "responsible_area_changed": NC_("task kind", "Responsible county changed"),
    "consent_revoked": NC_("task kind", "Consent revoked"),
    "plan_review_due": NC_("task kind", "Client plan review due"),
    "followup_check": NC_("task kind", "Follow-up check"),
    "release_imminent": NC_("task kind", "Release imminent"),
    "referral_received": NC_("task kind", "Referral received"),
    "release_plan": NC_("task kind", "Release plan"),
    "cooperation_request": NC_("task kind", "Cooperation request"),
    "meeting_invitation": NC_("task kind", "Network meeting invitation"),
    "probationary_freedom_revoked": NC_("task kind", "Probationary freedom revoked"),
    "supervision_ordered": NC_("task kind", "Supervision ordered"),
    "client_declined": NC_("task kind", "The client declined"),
    "path_escalation": NC_("task kind", "Escalated broken service path"),
    "task_outcome": NC_("task kind", "Outcome of a task your message caused"),
}

TASK_REASONS: Mapping[str, Label] = {
    "release_date_known": NC_("task reason", "Release date known"),
    "short_sentence": NC_("task reason", "Short sentence: contact at once"),
    "release_date_changed": NC_("task reason", "Release date changed"),
    "first_meeting": NC_("task reason", "First meeting after release"),
    "supervision_starts": NC_("task reason", "Supervision starts"),
    "transferred": NC_("task reason", "Transferred to another prison"),
    "successor_briefing": NC_("task reason", "Briefing for the successor"),
    "contact_person_changed": NC_("task reason", "Contact person changed"),
    "area_handover": NC_("task reason", "The case moves to this county"),
    "area_closing": NC_("task reason", "The case moves to another county"),
    "consent_withdrawn": NC_("task reason", "Consent withdrawn"),
    "plan_review_due": NC_("task reason", "Client plan review coming up"),
    "release_near_assessment_not_started": NC_(
        "task reason", "Release near and the service need assessment not started"
    ),
    "referral_acknowledged": NC_("task reason", "The county acknowledged the referral"),
    "assessment_started": NC_("task reason", "The county started the service need assessment"),
    "network_meeting": NC_("task reason", "Network meeting"),
    "probationary_freedom_revoked": NC_("task reason", "Probationary freedom revoked"),
    "supervision_ordered": NC_("task reason", "Supervision ordered"),
    "task_rejected": NC_("task reason", "The recipient rejected the task"),
    "task_completed": NC_("task reason", "The recipient completed the task"),
    "alert_escalated": NC_("task reason", "An operator escalated a broken service path"),
}
"""Task reason codes written as literals; the two families below are matched by pattern."""

FOLLOWUP_CHECKPOINT = NC_("task reason", "Follow-up check {days} days after release")
"""`followup_checkpoint_<days>_days`."""
NO_SUCCESSOR = NC_("task reason", "No successor for the {role}")
"""`no_successor_<contact role>`."""

CONTACT_ROLES: Mapping[str, Label] = {
    "prison_case_worker": NC_("contact role", "prison case worker"),
    "probation_officer": NC_("contact role", "probation officer"),
    "named_worker": NC_("contact role", "named worker"),
    "ngo_support": NC_("contact role", "support worker of an organisation"),
    "expert_by_experience": NC_("contact role", "expert by experience"),
}

TASK_STATUSES: Mapping[str, Label] = {
    "issued": NC_("task status", "issued"),
    "received": NC_("task status", "received"),
    "accepted": NC_("task status", "accepted"),
    "in_progress": NC_("task status", "in progress"),
    "completed": NC_("task status", "completed"),
    "rejected": NC_("task status", "rejected"),
}

PRIORITIES: Mapping[str, Label] = {
    "normal": NC_("priority", "normal"),
    "high": NC_("priority", "high"),
    "urgent": NC_("priority", "urgent"),
}

FACT_KINDS: Mapping[str, Label] = {
    "case_opened": NC_("fact", "Case opened"),
    "release_date_set": NC_("fact", "Release date set"),
    "release_date_changed": NC_("fact", "Release date changed"),
    "release_date_change_superseded": NC_("fact", "Release date change superseded"),
    "transferred": NC_("fact", "Transferred to another prison"),
    "released": NC_("fact", "Released"),
    "contact_person_assigned": NC_("fact", "Contact person assigned"),
    "contact_person_ended": NC_("fact", "Contact person ended"),
    "referral_submitted": NC_("fact", "Referral submitted"),
    "referral_acknowledged": NC_("fact", "Referral acknowledged"),
    "assessment_started": NC_("fact", "Service need assessment started"),
    "assessment_completed": NC_("fact", "Service need assessment completed"),
    "consent_given": NC_("fact", "Consent given"),
    "consent_withdrawn": NC_("fact", "Consent withdrawn"),
    "plan_agreed": NC_("fact", "Client plan agreed"),
    "plan_reviewed": NC_("fact", "Client plan reviewed"),
    "case_closed": NC_("fact", "Case closed"),
    "task_status_changed": NC_("fact", "Task status changed"),
    "responsible_area_changed": NC_("fact", "Responsible county changed"),
    "routing_problem": NC_("fact", "Routing problem"),
    "release_plan_agreed": NC_("fact", "Release plan agreed"),
    "release_plan_updated": NC_("fact", "Release plan updated"),
    "cooperation_requested": NC_("fact", "Cooperation requested"),
    "network_meeting_scheduled": NC_("fact", "Network meeting scheduled"),
    "network_meeting_held": NC_("fact", "Network meeting held"),
    "probationary_freedom_revoked": NC_("fact", "Probationary freedom revoked"),
    "supervision_ordered": NC_("fact", "Supervision ordered"),
    "client_preference_recorded": NC_("fact", "Client's wishes recorded"),
    "client_declined": NC_("fact", "The client declined"),
    "alert_dismissed": NC_("fact", "Alert dismissed"),
    "alert_escalated": NC_("fact", "Alert escalated"),
    "responsible_county_named": NC_("fact", "Responsible county named by an operator"),
}

CATEGORIES: Mapping[str, Label] = {
    "identity": NC_("category", "identity"),
    "contact_details": NC_("category", "contact details"),
    "release_schedule": NC_("category", "release schedule"),
    "placement": NC_("category", "placement"),
    "sentence": NC_("category", "sentence"),
    "needs": NC_("category", "needs"),
    "referral_summary": NC_("category", "referral summary"),
    "contact_persons": NC_("category", "contact persons"),
    "client_plan": NC_("category", "client plan"),
    "service_status": NC_("category", "service status"),
    "health": NC_("category", "health"),
    "offence": NC_("category", "offence"),
}

DISMISSAL_REASONS: Mapping[str, Label] = {
    "client_declined": NC_("dismissal reason", "The client declined"),
    "no_evident_need": NC_("dismissal reason", "No evident need"),
    "named_worker_not_needed": NC_(
        "dismissal reason", "A named worker is not needed (Social Welfare Act §42)"
    ),
    "handled_outside_service": NC_("dismissal reason", "Handled outside the service"),
}

OPERATOR_ACTIONS: Mapping[str, Label] = {
    "dismissed": NC_("operator action", "dismissed"),
    "escalated": NC_("operator action", "escalated"),
    "county_named": NC_("operator action", "county named"),
    "not_sent_no_basis": NC_("operator action", "not escalated: no basis to tell the county"),
    "task_issued": NC_("operator action", "task issued"),
    "no_task_yet": NC_("operator action", "no task issued yet"),
    "alert_not_open": NC_("operator action", "the alert is no longer open"),
    "bad_form": NC_("operator action", "the form is incomplete or not valid"),
    "unknown_case": NC_("operator action", "the case is not known to the view yet"),
    "name_the_county": NC_(
        "operator action", "a routing problem is resolved by naming the county"
    ),
    "send_failed": NC_("operator action", "not sent: the broker did not take it; try again"),
}

CASE_STATUSES: Mapping[str, Label] = {
    "in_custody": NC_("case status", "In custody"),
    "released": NC_("case status", "Released"),
    "closed": NC_("case status", "Closed"),
}

ORG_KINDS: Mapping[str, Label] = {
    "prison": NC_("organisation", "prison"),
    "community_sanctions_office": NC_("organisation", "community sanctions office"),
    "county": NC_("organisation", "wellbeing services county"),
    "ngo": NC_("organisation", "support organisation"),
    "operator": NC_("organisation", "operator"),
    "unknown": NC_("organisation", "unknown organisation"),
}

FEED_STATUSES: Mapping[str, Label] = {
    "starting": NC_("feed", "starting"),
    "waiting_for_topics": NC_("feed", "waiting for topics"),
    "catching_up": NC_("feed", "catching up"),
    "live": NC_("feed", "live"),
    "failed": NC_("feed", "failed"),
}

TABLES: Mapping[str, Mapping[str, Label]] = {
    "rules": RULES,
    "severities": SEVERITIES,
    "alert_states": ALERT_STATES,
    "reasons": DEAD_LETTER_REASONS,
    "receipts": RECEIPT_OUTCOMES,
    "task_kinds": TASK_KINDS,
    "task_reasons": TASK_REASONS,
    "contact_roles": CONTACT_ROLES,
    "task_statuses": TASK_STATUSES,
    "priorities": PRIORITIES,
    "facts": FACT_KINDS,
    "case_statuses": CASE_STATUSES,
    "org_kinds": ORG_KINDS,
    "feed": FEED_STATUSES,
    "dismissal_reasons": DISMISSAL_REASONS,
    "categories": CATEGORIES,
    "operator_actions": OPERATOR_ACTIONS,
}
"""Every table by the name the operator page looks it up by."""
