"""Principals, ACLs and passwords of the secure profile, derived from the organisation registry.

Pure: no broker, no I/O. Every member organisation is `User:org-<code>` and may only write its
own `inbound.<org>` and read its own `tasks.<org>`; every service has its own principal with
just the topics it consumes and produces, its consumer group and its faust-internal topics.
The broker (`StandardAuthorizer`, `allow.everyone.if.no.acl.found=false`) refuses the rest.
"""

import base64
import hashlib
import hmac
from dataclasses import dataclass
from enum import StrEnum

from services.core.organisations import Registry
from services.platform.topics import TopicNames

SCRAM_MECHANISM = "SCRAM-SHA-512"


class Resource(StrEnum):
    TOPIC = "TOPIC"
    GROUP = "GROUP"


class Pattern(StrEnum):
    LITERAL = "LITERAL"
    PREFIXED = "PREFIXED"


class Operation(StrEnum):
    READ = "READ"
    WRITE = "WRITE"
    CREATE = "CREATE"
    DESCRIBE = "DESCRIBE"
    DELETE = "DELETE"
    """On a topic: delete records before an offset (DeleteRecords), used by erasure only."""


@dataclass(frozen=True, order=True)
class Grant:
    """One ALLOW ACL: `principal` may do `operation` on a resource (from any host)."""

    principal: str
    operation: Operation
    resource: Resource
    name: str
    pattern: Pattern = Pattern.LITERAL

    def covers(self, resource: Resource, name: str) -> bool:
        """Whether this grant's resource pattern matches a concrete resource name."""
        if resource != self.resource:
            return False
        if self.pattern == Pattern.PREFIXED:
            return name.startswith(self.name)
        return name == self.name


SERVICES = ("referral", "handover", "followup", "operator", "gateway", "erasure")
"""The services that connect with a principal of their own (`svc-<service>`); `erasure` is
the principal of the operator's `jatkumo erase` command."""


def org_username(org_code: str) -> str:
    return f"org-{org_code}"


def service_username(service: str) -> str:
    return f"svc-{service}"


def principal(username: str) -> str:
    return f"User:{username}"


def usernames(registry: Registry) -> list[str]:
    """Every principal's user name: each organisation, then each service."""
    return [org_username(code) for code in registry.codes()] + [
        service_username(service) for service in SERVICES
    ]


def _topic(
    user: str, ops: tuple[Operation, ...], name: str, pattern: Pattern = Pattern.LITERAL
) -> list[Grant]:
    return [Grant(principal(user), op, Resource.TOPIC, name, pattern) for op in ops]


def _group(user: str, op: Operation, name: str, pattern: Pattern = Pattern.PREFIXED) -> Grant:
    return Grant(principal(user), op, Resource.GROUP, name, pattern)


READ = (Operation.READ, Operation.DESCRIBE)
WRITE = (Operation.WRITE, Operation.DESCRIBE)
READ_WRITE = (Operation.READ, Operation.WRITE, Operation.DESCRIBE)
OWN = (Operation.CREATE, Operation.READ, Operation.WRITE, Operation.DESCRIBE)


def org_grants(org_code: str, names: TopicNames) -> list[Grant]:
    """Write the own inbound topic, read the own tasks and receipts topics, use groups
    `org-<code>[.*]`."""
    user = org_username(org_code)
    return [
        *_topic(user, WRITE, names.inbound(org_code)),
        *_topic(user, READ, names.tasks(org_code)),
        *_topic(user, READ, names.receipts(org_code)),
        _group(user, Operation.READ, user, Pattern.LITERAL),
        _group(user, Operation.READ, f"{user}."),
    ]


def _faust_internals(service: str, names: TopicNames) -> list[Grant]:
    """A faust service's consumer group, and its changelog and assignor topics (created)."""
    user = service_username(service)
    own = names.app_id(service)
    return [_group(user, Operation.READ, own), *_topic(user, OWN, f"{own}-", Pattern.PREFIXED)]


def service_grants(service: str, names: TopicNames) -> list[Grant]:
    """Only the topics each service consumes and produces."""
    user = service_username(service)
    inbound_prefix, tasks_prefix = names.inbound(""), names.tasks("")
    if service == "referral":
        return [
            *_topic(user, READ, inbound_prefix, Pattern.PREFIXED),
            *_topic(user, WRITE, names.receipts(""), Pattern.PREFIXED),
            *_topic(user, READ_WRITE, names.pseudonyms),
            *_topic(user, READ_WRITE, names.person_keys),
            *_topic(user, READ, names.erasures),
            *_topic(user, READ_WRITE, names.intake),
            *_topic(user, READ_WRITE, names.referral_ticks),
            *_topic(user, WRITE, names.case_facts),
            *_topic(user, WRITE, names.audit_actions),
            *_topic(user, WRITE, names.dlq),
            *_faust_internals(service, names),
        ]
    if service == "handover":
        return [
            *_topic(user, READ, names.case_facts),
            *_topic(user, READ, names.person_keys),
            *_topic(user, READ, names.erasures),
            *_topic(user, WRITE, tasks_prefix, Pattern.PREFIXED),
            *_topic(user, WRITE, names.disclosures),
            *_topic(user, WRITE, names.dlq),
            *_faust_internals(service, names),
        ]
    if service == "followup":
        return [
            *_topic(user, READ, names.case_facts),
            *_topic(user, READ, names.person_keys),
            *_topic(user, READ_WRITE, names.erasures),
            *_topic(user, READ_WRITE, names.followup_ticks),
            *_topic(user, WRITE, names.alerts),
            *_topic(user, WRITE, tasks_prefix, Pattern.PREFIXED),
            *_topic(user, WRITE, names.disclosures),
            *_topic(user, WRITE, names.dlq),
            *_faust_internals(service, names),
        ]
    if service == "operator":
        lag_only = (inbound_prefix, names.intake, names.referral_ticks, names.followup_ticks)
        return [
            *(
                grant
                for topic in (
                    names.alerts,
                    names.case_facts,
                    names.disclosures,
                    names.audit_actions,
                    names.dlq,
                )
                for grant in _topic(user, READ, topic)
            ),
            _group(user, Operation.READ, names.app_id(service)),
            _group(user, Operation.DESCRIBE, names.app_id("") + "-"),
            *(
                grant
                for topic in lag_only
                for grant in _topic(
                    user,
                    (Operation.DESCRIBE,),
                    topic,
                    Pattern.PREFIXED if topic == inbound_prefix else Pattern.LITERAL,
                )
            ),
        ]
    if service == "gateway":
        # The gateway publishes and reads as each organisation; as itself it only raises
        # organisation-level alerts (a failing webhook).
        return [*_topic(user, WRITE, names.alerts)]
    if service == "erasure":
        return erasure_grants(names)
    raise ValueError(f"unknown service {service!r}")


def erasure_grants(names: TopicNames) -> list[Grant]:
    """`jatkumo erase`: tombstone the person's data key and aliases, ask every service to forget
    the person, record the erasure; find the person's records on the topics that carry clear
    identity, and delete records every reader has consumed (DeleteRecords)."""
    user = service_username("erasure")
    inbound_prefix, tasks_prefix = names.inbound(""), names.tasks("")
    clear = (
        *_topic(user, (*READ, Operation.DELETE), inbound_prefix, Pattern.PREFIXED),
        *_topic(user, (*READ, Operation.DELETE), tasks_prefix, Pattern.PREFIXED),
        *_topic(user, (*READ, Operation.DELETE), names.intake),
    )
    return [
        *_topic(user, READ_WRITE, names.pseudonyms),
        *_topic(user, WRITE, names.person_keys),
        *_topic(user, WRITE, names.erasures),
        *_topic(user, WRITE, names.disclosures),
        *clear,
        _group(user, Operation.DESCRIBE, names.app_id("") + "-"),
        _group(user, Operation.DESCRIBE, "org-"),
    ]


def derive_grants(registry: Registry, names: TopicNames | None = None) -> list[Grant]:
    """Every ACL of the deployment, sorted and without repeats."""
    n = names or TopicNames()
    grants = [g for code in registry.codes() for g in org_grants(code, n)]
    grants += [g for service in SERVICES for g in service_grants(service, n)]
    return sorted(set(grants))


def allowed(
    grants: list[Grant], who: str, operation: Operation, resource: Resource, name: str
) -> bool:
    """What the authorizer would answer for these grants (deny unless a grant matches)."""
    return any(
        g.principal == who and g.operation == operation and g.covers(resource, name) for g in grants
    )


def derive_password(secret: str, username: str) -> str:
    """A principal's password from the deployment secret: HMAC-SHA256, URL-safe base64."""
    if not secret:
        raise ValueError("the deployment secret must not be empty")
    digest = hmac.new(secret.encode(), f"sasl:{username}".encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")


def parse_passwords(text: str) -> dict[str, str]:
    """`username=password` lines of a passwords file; blank lines and `#` comments skipped."""
    passwords: dict[str, str] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        user, sep, password = stripped.partition("=")
        if not sep or not user.strip() or not password.strip():
            raise ValueError(f"line {number}: expected username=password")
        passwords[user.strip()] = password.strip()
    return passwords
