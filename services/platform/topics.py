"""The topic catalogue: every topic, its partitions, replication, clean-up policy, retention
and key.

Internal topics that tables depend on share one partition count and the key `person_ref`, so a
person's intake, facts and ticks meet in the same partition (co-partitioning).

Every topic of the catalogue, the faust table changelogs and assignor topics included, has the
same replication: a factor and `min.insync.replicas` (1 and 1 on one broker; 3 and 2 on a
cluster of three, so a write acknowledged by `acks=all` is on two brokers at least and one
broker may fail without stopping writes or losing them).
"""

import dataclasses
from dataclasses import dataclass, field

from services.core.organisations import Registry

DAY_MS = 24 * 60 * 60 * 1000
FOREVER = -1
"""Only for compacted topics, whose records live as long as the state they hold (a tombstone
removes one); docs/privacy.md gives each topic's period and its reason."""
DISCLOSURE_RETENTION_DAYS = 5 * 365


REPLICATED_BROKERS = 3
"""From this many brokers on, topics are replicated three times with two in sync."""


@dataclass(frozen=True)
class Replication:
    """How many brokers hold each partition, and how many must have a write before `acks=all`
    confirms it."""

    factor: int = 1
    min_insync: int = 1

    def __post_init__(self) -> None:
        if not 1 <= self.min_insync <= self.factor:
            raise ValueError(f"min.insync.replicas {self.min_insync} must lie in 1..{self.factor}")

    @classmethod
    def for_brokers(cls, brokers: int) -> "Replication":
        """The default for a cluster of this size: 1/1 on one broker, 3/2 from three on."""
        if brokers >= REPLICATED_BROKERS:
            return cls(REPLICATED_BROKERS, 2)
        return cls(max(1, brokers), 1)

    @classmethod
    def of(cls, factor: int, min_insync: int | None = None) -> "Replication":
        """A factor with `min.insync.replicas` given, or the default for that factor."""
        default = cls.for_brokers(factor)
        return cls(
            factor, min_insync if min_insync is not None else min(default.min_insync, factor)
        )


@dataclass(frozen=True)
class TopicSpec:
    name: str
    partitions: int
    key: str
    purpose: str
    retention_ms: int = 30 * DAY_MS
    cleanup_policy: str = "delete"
    config: dict[str, str] = field(default_factory=dict)
    replication: Replication = Replication()

    def configs(self) -> dict[str, str]:
        return {
            "cleanup.policy": self.cleanup_policy,
            "retention.ms": str(self.retention_ms),
            "min.insync.replicas": str(self.replication.min_insync),
            **self.config,
        }


INTAKE = "referral.intake"
REFERRAL_TICKS = "referral.ticks"
CASE_FACTS = "case-facts"
FOLLOWUP_TICKS = "followup.ticks"
OPS_ALERTS = "ops.alerts"
AUDIT_DISCLOSURES = "audit.disclosures"
AUDIT_ACTIONS = "audit.actions"
DLQ = "dlq"
PSEUDONYMS = "referral.pseudonyms"
PSEUDONYM_PARTITIONS = 3
PERSON_KEYS = "keys.persons"
PERSON_KEY_PARTITIONS = 3
ERASURES = "erasures"
KEY_SEGMENT_MS = 60 * 60 * 1000
"""`keys.persons` rolls a segment every hour, so the log cleaner can drop an erased key's
earlier records within hours (the active segment is never compacted)."""
KEY_TOMBSTONE_MS = DAY_MS
"""How long an erased key's tombstone stays, for a follower that was stopped to see it."""
RECEIPTS_PREFIX = "receipts"
"""`receipts.<org>`: one topic per sending organisation, readable only by that organisation."""
PER_ORG_PREFIXES = ("inbound", "tasks", RECEIPTS_PREFIX)

SERVICE_TABLES: dict[str, tuple[str, ...]] = {
    "referral": ("referral-persons", "referral-held-due"),
    "handover": ("handover-issued",),
    "followup": ("followup-state", "followup-due"),
}
"""The faust tables of each service. Their changelog topics are created with the catalogue:
a changelog that faust creates itself at first start is missing from the consumer's metadata
until the next refresh (minutes), and every table write fails until then."""


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
    def audit_actions(self) -> str:
        return self._n(AUDIT_ACTIONS)

    @property
    def dlq(self) -> str:
        return self._n(DLQ)

    @property
    def pseudonyms(self) -> str:
        return self._n(PSEUDONYMS)

    @property
    def person_keys(self) -> str:
        return self._n(PERSON_KEYS)

    @property
    def erasures(self) -> str:
        return self._n(ERASURES)

    def inbound(self, org_code: str) -> str:
        return self._n(f"inbound.{org_code}")

    def tasks(self, org_code: str) -> str:
        return self._n(f"tasks.{org_code}")

    def receipts(self, org_code: str) -> str:
        return self._n(f"{RECEIPTS_PREFIX}.{org_code}")

    def app_id(self, service: str) -> str:
        """The faust app id of a service: its consumer group and its own topics' prefix."""
        return "-".join(filter(None, ["jatkumo", self.namespace, service]))

    def changelog(self, service: str, table: str) -> str:
        return f"{self.app_id(service)}-{table}-changelog"

    def assignor_leader(self, service: str) -> str:
        return f"{self.app_id(service)}-__assignor-__leader"

    def org_of(self, topic: str) -> str | None:
        """The organisation code of an `inbound.<org>`, `tasks.<org>` or `receipts.<org>` topic."""
        if self.namespace:
            if not topic.startswith(self.namespace + "."):
                return None
            topic = topic[len(self.namespace) + 1 :]
        prefix, _, org = topic.partition(".")
        return org if prefix in PER_ORG_PREFIXES and org else None


def catalogue(
    registry: Registry,
    names: TopicNames | None = None,
    internal_partitions: int = 6,
    replication: Replication | None = None,
) -> list[TopicSpec]:
    """Every topic Jatkumo uses, derived from the organisation registry, each replicated as
    given (one copy when not)."""
    specs = _catalogue(registry, names or TopicNames(), internal_partitions)
    if replication is None:
        return specs
    return [dataclasses.replace(spec, replication=replication) for spec in specs]


def _catalogue(registry: Registry, n: TopicNames, internal_partitions: int) -> list[TopicSpec]:
    internal = [
        TopicSpec(n.intake, internal_partitions, "person_ref", "gated inbound events", 7 * DAY_MS),
        TopicSpec(n.referral_ticks, internal_partitions, "person_ref", "referral timers", DAY_MS),
        TopicSpec(
            n.case_facts, internal_partitions, "person_ref", "accepted case changes", 365 * DAY_MS
        ),
        TopicSpec(n.followup_ticks, internal_partitions, "person_ref", "followup timers", DAY_MS),
        TopicSpec(
            n.alerts, 3, "person_ref (an organisation's alert: its code)",
            "broken service path alerts", 365 * DAY_MS,
        ),
        TopicSpec(n.disclosures, 3, "person_ref", "disclosure records",
                  DISCLOSURE_RETENTION_DAYS * DAY_MS),
        TopicSpec(n.audit_actions, 3, "person_ref",
                  "dismissals, escalations and counties named, by whom",
                  DISCLOSURE_RETENTION_DAYS * DAY_MS),
        TopicSpec(n.dlq, 3, "dead_letter_id", "dead letters with reasons, content sealed",
                  90 * DAY_MS),
        TopicSpec(n.pseudonyms, PSEUDONYM_PARTITIONS, "<key id>:<hashed ref>",
                  "pseudonym aliases: a hash under a rotated key to the stable person_ref",
                  FOREVER, "compact"),
        TopicSpec(
            n.person_keys,
            PERSON_KEY_PARTITIONS,
            "person_ref",
            "per-person data keys, wrapped under the sealing key ring",
            FOREVER,
            "compact",
            {
                "segment.ms": str(KEY_SEGMENT_MS),
                "min.cleanable.dirty.ratio": "0.01",
                "delete.retention.ms": str(KEY_TOMBSTONE_MS),
            },
        ),
        TopicSpec(
            n.erasures,
            internal_partitions,
            "person_ref",
            "erasures: every service forgets the person's state",
            7 * DAY_MS,
        ),
    ]
    inbound = [
        TopicSpec(
            n.inbound(org), 2, "publisher's choice (event_id)", f"events from {org}", 30 * DAY_MS
        )
        for org in registry.codes()
    ]
    tasks = [
        TopicSpec(n.tasks(org), 2, "person_ref", f"tasks for {org}", 180 * DAY_MS)
        for org in registry.codes()
    ]
    receipts = [
        TopicSpec(
            n.receipts(org),
            2,
            "event_id (or topic:partition:offset)",
            f"receipts for the messages {org} sent",
            30 * DAY_MS,
        )
        for org in registry.codes()
    ]
    return internal + inbound + tasks + receipts + _service_internals(n, internal_partitions)


def _service_internals(names: TopicNames, internal_partitions: int) -> list[TopicSpec]:
    """Each service's table changelogs (co-partitioned with the internal topics) and the
    topic faust elects its assignment leader on."""
    specs: list[TopicSpec] = []
    for service, tables in SERVICE_TABLES.items():
        specs.extend(
            TopicSpec(
                names.changelog(service, table),
                internal_partitions,
                "person_ref",
                f"changelog of the {service} table {table}",
                FOREVER,
                "compact",
            )
            for table in tables
        )
        specs.append(
            TopicSpec(
                names.assignor_leader(service),
                1,
                "none",
                f"{service} assignment leader election",
                DAY_MS,
            )
        )
    return specs
