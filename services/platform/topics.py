"""The topic catalogue: every topic, its partitions, clean-up policy, retention and key.

Internal topics that tables depend on share one partition count and the key `person_ref`, so a
person's intake, facts and ticks meet in the same partition (co-partitioning).
"""

from dataclasses import dataclass, field

from services.core.organisations import Registry

DAY_MS = 24 * 60 * 60 * 1000
FOREVER = -1


@dataclass(frozen=True)
class TopicSpec:
    name: str
    partitions: int
    key: str
    purpose: str
    retention_ms: int = 30 * DAY_MS
    cleanup_policy: str = "delete"
    config: dict[str, str] = field(default_factory=dict)

    def configs(self) -> dict[str, str]:
        return {
            "cleanup.policy": self.cleanup_policy,
            "retention.ms": str(self.retention_ms),
            **self.config,
        }


INTAKE = "referral.intake"
REFERRAL_TICKS = "referral.ticks"
CASE_FACTS = "case-facts"
FOLLOWUP_TICKS = "followup.ticks"
OPS_ALERTS = "ops.alerts"
AUDIT_DISCLOSURES = "audit.disclosures"
DLQ = "dlq"


@dataclass(frozen=True)
class TopicNames:
    """Topic names under an optional namespace prefix (one cluster, several deployments)."""

    namespace: str = ""

    def _n(self, base: str) -> str:
        return f"{self.namespace}.{base}" if self.namespace else base

    @property
    def intake(self) -> str:
        return self._n(INTAKE)

    @property
    def referral_ticks(self) -> str:
        return self._n(REFERRAL_TICKS)

    @property
    def case_facts(self) -> str:
        return self._n(CASE_FACTS)

    @property
    def followup_ticks(self) -> str:
        return self._n(FOLLOWUP_TICKS)

    @property
    def alerts(self) -> str:
        return self._n(OPS_ALERTS)

    @property
    def disclosures(self) -> str:
        return self._n(AUDIT_DISCLOSURES)

    @property
    def dlq(self) -> str:
        return self._n(DLQ)

    def inbound(self, org_code: str) -> str:
        return self._n(f"inbound.{org_code}")

    def tasks(self, org_code: str) -> str:
        return self._n(f"tasks.{org_code}")

    def org_of(self, topic: str) -> str | None:
        """The organisation code of an `inbound.<org>` or `tasks.<org>` topic."""
        if self.namespace:
            if not topic.startswith(self.namespace + "."):
                return None
            topic = topic[len(self.namespace) + 1 :]
        prefix, _, org = topic.partition(".")
        return org if prefix in ("inbound", "tasks") and org else None


def catalogue(
    registry: Registry, names: TopicNames | None = None, internal_partitions: int = 6
) -> list[TopicSpec]:
    """Every topic Jatkumo uses, derived from the organisation registry."""
    n = names or TopicNames()
    internal = [
        TopicSpec(n.intake, internal_partitions, "person_ref", "gated inbound events", 7 * DAY_MS),
        TopicSpec(n.referral_ticks, internal_partitions, "person_ref", "referral timers", DAY_MS),
        TopicSpec(n.case_facts, internal_partitions, "person_ref", "accepted case changes",
                  365 * DAY_MS),
        TopicSpec(n.followup_ticks, internal_partitions, "person_ref", "followup timers", DAY_MS),
        TopicSpec(n.alerts, 3, "person_ref", "broken service path alerts", 365 * DAY_MS),
        TopicSpec(n.disclosures, 3, "person_ref", "disclosure records", FOREVER),
        TopicSpec(n.dlq, 3, "original key", "dead letters with reasons", 90 * DAY_MS),
    ]
    inbound = [
        TopicSpec(n.inbound(org), 2, "publisher's choice (event_id)", f"events from {org}",
                  30 * DAY_MS)
        for org in registry.codes()
    ]
    tasks = [
        TopicSpec(n.tasks(org), 2, "person_ref", f"tasks for {org}", 180 * DAY_MS)
        for org in registry.codes()
    ]
    return internal + inbound + tasks
