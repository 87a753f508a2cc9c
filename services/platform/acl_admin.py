"""Apply the secure profile to a broker: SCRAM credentials and ACLs, with kafka-python admin.

The derivation is `services.platform.acls`; this module only talks to the broker. Creating an
ACL that exists already is a no-op on the broker, so applying again is safe. The controller
confirms a change before the broker serving clients has loaded it, so applying waits until the
broker describes every credential and ACL: only then do they take effect for clients.
"""

import time
from dataclasses import dataclass, field
from typing import Any

from kafka import KafkaAdminClient
from kafka.admin import (
    ACL,
    ACLFilter,
    ACLOperation,
    ACLPermissionType,
    ACLResourcePatternType,
    ResourcePattern,
    ResourcePatternFilter,
    ResourceType,
    UserScramCredentialUpsertion,
)

from services.platform.acls import SCRAM_MECHANISM, Grant
from services.platform.admin import admin_client


class SecurityApplyError(RuntimeError):
    """The broker refused a credential or an ACL; the message names which, never a password."""


@dataclass
class SecurityReport:
    users: list[str] = field(default_factory=list)
    acls: int = 0


def kafka_acl(grant: Grant) -> ACL:
    """The kafka-python ACL object of a grant (ALLOW, any host)."""
    return ACL(
        principal=grant.principal,
        host="*",
        operation=ACLOperation[grant.operation.value],
        permission_type=ACLPermissionType.ALLOW,
        resource_pattern=ResourcePattern(
            ResourceType[grant.resource.value],
            grant.name,
            ACLResourcePatternType[grant.pattern.value],
        ),
    )


ALL_ACLS = ACLFilter(
    principal=None,
    host=None,
    operation=ACLOperation.ANY,
    permission_type=ACLPermissionType.ANY,
    resource_pattern=ResourcePatternFilter(ResourceType.ANY, None, ACLResourcePatternType.ANY),
)


def _loaded(client: KafkaAdminClient, users: list[str], acls: list[ACL]) -> bool:
    """Whether the broker already describes every credential and ACL."""
    described = client.describe_user_scram_credentials(users)
    if any(
        described.get(user, {}).get("error") or not described.get(user, {}).get("credential_infos")
        for user in users
    ):
        return False
    present, _ = client.describe_acls(ALL_ACLS)
    return set(acls) <= set(present)


def _wait_loaded(
    client: KafkaAdminClient, users: list[str], acls: list[ACL], timeout: float
) -> None:
    deadline = time.monotonic() + timeout
    while not _loaded(client, users, acls):
        if time.monotonic() > deadline:
            raise SecurityApplyError(f"the broker had not loaded the changes after {timeout} s")
        time.sleep(0.2)


def apply_security(
    bootstrap: str,
    passwords: dict[str, str],
    grants: list[Grant],
    *,
    timeout: float = 120.0,
    **security: Any,
) -> SecurityReport:
    """Upsert a SCRAM-SHA-512 credential per user and create every ACL, as a super user;
    return once the broker enforces them (or raise after `timeout` seconds)."""
    client = admin_client(bootstrap, **security)
    try:
        upserts = [
            UserScramCredentialUpsertion(user, SCRAM_MECHANISM, password)
            for user, password in sorted(passwords.items())
        ]
        failed_users = {
            user: error
            for user, error in client.alter_user_scram_credentials(upserts).items()
            if error
        }
        if failed_users:
            raise SecurityApplyError(f"SCRAM credentials refused: {failed_users}")
        acls = [kafka_acl(grant) for grant in grants]
        result = client.create_acls(acls)
        if result["failed"]:
            raise SecurityApplyError(
                f"{len(result['failed'])} ACLs refused, e.g. {result['failed'][0]!r}"
            )
        _wait_loaded(client, sorted(passwords), acls, timeout)
    finally:
        client.close()
    return SecurityReport(users=sorted(passwords), acls=len(grants))
