"""The secure profile's derivation: who may do what, from the organisation registry."""

from pathlib import Path

import pytest
import typer

from services.commands.topics_cmd import principal_passwords
from services.core.organisations import default_registry
from services.platform import broker
from services.platform.acls import (
    SERVICES,
    Grant,
    Operation,
    Pattern,
    Resource,
    allowed,
    derive_grants,
    derive_password,
    org_username,
    parse_passwords,
    principal,
    service_username,
    usernames,
)
from services.platform.topics import TopicNames, catalogue

NS = TopicNames("ns")
REGISTRY = default_registry()
GRANTS = derive_grants(REGISTRY, NS)

R, W, C, D = Operation.READ, Operation.WRITE, Operation.CREATE, Operation.DESCRIBE
X = Operation.DELETE
T, G = Resource.TOPIC, Resource.GROUP

TABLE = [
    # (user, operation, resource, name, allowed)
    ("org-county-13", R, T, "ns.tasks.county-13", True),
    ("org-county-13", D, T, "ns.tasks.county-13", True),
    ("org-county-13", W, T, "ns.inbound.county-13", True),
    ("org-county-13", D, T, "ns.inbound.county-13", True),
    ("org-county-13", R, G, "org-county-13", True),
    ("org-county-13", R, G, "org-county-13.sdk", True),
    ("org-county-13", R, T, "ns.tasks.county-02", False),
    ("org-county-13", R, T, "ns.receipts.county-13", True),
    ("org-county-13", R, T, "ns.receipts.county-02", False),
    ("org-county-13", W, T, "ns.receipts.county-13", False),
    ("svc-referral", W, T, "ns.receipts.county-13", True),
    ("svc-referral", R, T, "ns.receipts.county-13", False),
    ("svc-operator", R, T, "ns.receipts.county-13", False),
    ("org-county-13", W, T, "ns.inbound.county-02", False),
    ("org-county-13", R, T, "ns.inbound.county-13", False),
    ("org-county-13", W, T, "ns.tasks.county-13", False),
    ("org-county-13", R, G, "org-county-02", False),
    ("org-county-13", R, G, "org-county-130", False),
    ("org-county-13", R, T, "ns.case-facts", False),
    ("org-prison-kuopion", W, T, "ns.inbound.prison-kuopion", True),
    ("org-prison-kuopion", W, T, "ns.inbound.county-13", False),
    ("org-prison-kuopion", R, T, "ns.tasks.county-13", False),
    ("svc-referral", R, T, "ns.inbound.prison-kuopion", True),
    ("svc-referral", W, T, "ns.inbound.prison-kuopion", False),
    ("svc-referral", W, T, "ns.referral.intake", True),
    ("svc-referral", R, T, "ns.referral.intake", True),
    ("svc-referral", W, T, "ns.case-facts", True),
    ("svc-referral", R, T, "ns.case-facts", False),
    ("svc-referral", W, T, "ns.referral.ticks", True),
    ("svc-referral", W, T, "ns.dlq", True),
    ("svc-referral", R, G, "jatkumo-ns-referral", True),
    ("svc-referral", C, T, "jatkumo-ns-referral-referral-persons-changelog", True),
    ("svc-referral", C, T, "jatkumo-ns-handover-handover-issued-changelog", False),
    ("svc-referral", W, T, "ns.tasks.county-13", False),
    ("svc-handover", R, T, "ns.case-facts", True),
    ("svc-handover", W, T, "ns.tasks.county-13", True),
    ("svc-handover", W, T, "ns.audit.disclosures", True),
    ("svc-handover", W, T, "ns.dlq", True),
    ("svc-handover", R, T, "ns.inbound.prison-kuopion", False),
    ("svc-handover", R, T, "ns.tasks.county-13", False),
    ("svc-handover", W, T, "ns.case-facts", False),
    ("svc-handover", R, G, "jatkumo-ns-referral", False),
    ("svc-followup", R, T, "ns.case-facts", True),
    ("svc-followup", R, T, "ns.followup.ticks", True),
    ("svc-followup", W, T, "ns.followup.ticks", True),
    ("svc-followup", W, T, "ns.ops.alerts", True),
    ("svc-followup", W, T, "ns.tasks.county-13", True),
    ("svc-followup", W, T, "ns.audit.disclosures", True),
    ("svc-followup", R, T, "ns.referral.intake", False),
    ("svc-operator", R, T, "ns.ops.alerts", True),
    ("svc-operator", R, T, "ns.case-facts", True),
    ("svc-operator", R, T, "ns.audit.disclosures", True),
    ("svc-operator", R, T, "ns.dlq", True),
    ("svc-operator", D, G, "jatkumo-ns-referral", True),
    ("svc-operator", D, T, "ns.inbound.prison-kuopion", True),
    ("svc-operator", R, T, "ns.inbound.prison-kuopion", False),
    ("svc-operator", R, T, "ns.tasks.county-13", False),
    ("svc-operator", R, T, "ns.referral.intake", False),
    ("svc-operator", W, T, "ns.ops.alerts", False),
    ("svc-operator", R, G, "jatkumo-ns-referral", False),
    ("svc-gateway", W, T, "ns.ops.alerts", True),
    ("svc-gateway", D, T, "ns.ops.alerts", True),
    ("svc-gateway", R, T, "ns.ops.alerts", False),
    ("svc-gateway", W, T, "ns.inbound.county-13", False),
    ("svc-gateway", R, T, "ns.tasks.county-13", False),
    ("svc-gateway", W, T, "ns.case-facts", False),
    ("svc-referral", W, T, "ns.keys.persons", True),
    ("svc-handover", R, T, "ns.keys.persons", True),
    ("svc-handover", W, T, "ns.keys.persons", False),
    ("svc-followup", R, T, "ns.keys.persons", True),
    ("svc-operator", R, T, "ns.keys.persons", False),
    ("svc-referral", R, T, "ns.erasures", True),
    ("svc-handover", R, T, "ns.erasures", True),
    ("svc-followup", W, T, "ns.erasures", True),
    ("svc-erasure", W, T, "ns.erasures", True),
    ("svc-erasure", W, T, "ns.keys.persons", True),
    ("svc-erasure", R, T, "ns.keys.persons", False),
    ("svc-erasure", W, T, "ns.audit.disclosures", True),
    ("svc-erasure", R, T, "ns.audit.disclosures", False),
    ("svc-erasure", X, T, "ns.tasks.county-13", True),
    ("svc-erasure", X, T, "ns.inbound.prison-kuopion", True),
    ("svc-erasure", X, T, "ns.case-facts", False),
    ("svc-erasure", R, T, "ns.case-facts", False),
    ("svc-erasure", D, G, "org-county-13", True),
    ("svc-erasure", R, G, "org-county-13", False),
    ("svc-referral", X, T, "ns.tasks.county-13", False),
]


@pytest.mark.parametrize(
    ("user", "operation", "resource", "name", "expected"),
    TABLE,
    ids=[f"{u}-{o}-{n}" for u, o, _, n, _ in TABLE],
)
def test_principal_may_do_exactly_what_the_table_says(
    user: str, operation: Operation, resource: Resource, name: str, expected: bool
) -> None:
    """Each row: this principal is allowed (or refused) this operation on this resource."""
    assert allowed(GRANTS, principal(user), operation, resource, name) is expected


def test_every_organisation_touches_only_its_own_topics_and_groups() -> None:
    """An organisation's grants name only its inbound, tasks and receipts topics and
    `org-<code>` groups."""
    for code in REGISTRY.codes():
        user = principal(org_username(code))
        mine = {(g.resource, g.name) for g in GRANTS if g.principal == user}
        assert mine == {
            (T, NS.inbound(code)),
            (T, NS.tasks(code)),
            (T, NS.receipts(code)),
            (G, org_username(code)),
            (G, org_username(code) + "."),
        }


def test_no_grant_reaches_outside_the_namespace_or_the_cluster() -> None:
    """Topics stay inside the namespace, groups are named; no wildcards, no cluster rights."""
    for grant in GRANTS:
        assert "*" not in grant.name
        assert grant.name
        if grant.resource == T:
            assert grant.name.startswith(("ns.", "jatkumo-ns-")), grant
        else:
            assert grant.name.startswith(("org-", "jatkumo-ns-")), grant


def test_every_catalogue_topic_has_a_writer_and_a_reader() -> None:
    """No topic of the catalogue is left without a principal producing and one consuming it."""
    for spec in catalogue(REGISTRY, NS):
        writers = [g for g in GRANTS if g.operation == W and g.covers(T, spec.name)]
        readers = [g for g in GRANTS if g.operation == R and g.covers(T, spec.name)]
        assert writers, spec.name
        assert readers, spec.name


def test_every_principal_has_a_user_name() -> None:
    """Each organisation and each service is a principal; nothing else is."""
    names = usernames(REGISTRY)
    assert len(names) == len(set(names)) == len(REGISTRY.codes()) + len(SERVICES)
    assert {g.principal for g in GRANTS} == {principal(n) for n in names}
    assert service_username("referral") in names


def test_prefixed_grant_covers_by_prefix_and_literal_by_equality() -> None:
    """A prefixed grant matches names that start with it; a literal one only its own name."""
    prefixed = Grant("User:x", R, T, "ns.tasks.", Pattern.PREFIXED)
    literal = Grant("User:x", R, T, "ns.tasks.county-13")
    assert prefixed.covers(T, "ns.tasks.county-13")
    assert not prefixed.covers(G, "ns.tasks.county-13")
    assert literal.covers(T, "ns.tasks.county-13")
    assert not literal.covers(T, "ns.tasks.county-130")


def test_derived_passwords_differ_per_principal_and_secret() -> None:
    """The same secret and user give the same password; another user or secret another one."""
    first = derive_password("secret-a", "org-county-13")
    assert first == derive_password("secret-a", "org-county-13")
    assert first != derive_password("secret-a", "org-county-02")
    assert first != derive_password("secret-b", "org-county-13")
    assert len(first) >= 40
    assert broker.SAFE_PASSWORD.fullmatch(first)
    with pytest.raises(ValueError, match="secret"):
        derive_password("", "org-county-13")


def test_passwords_file_lines_are_parsed_and_bad_lines_named() -> None:
    """`user=password` lines, comments and blanks skipped; a line without `=` is an error."""
    assert parse_passwords("# handed out\n\norg-county-13 = pw=1\n") == {"org-county-13": "pw=1"}
    with pytest.raises(ValueError, match="line 2"):
        parse_passwords("a=b\nno-separator\n")


def test_file_passwords_win_and_the_secret_derives_the_rest(tmp_path: Path) -> None:
    """A principal named in the file gets that password; the others are derived."""
    given = tmp_path / "passwords"
    given.write_text("org-county-13=from-file\n")
    passwords = principal_passwords(REGISTRY, "secret", given)
    assert passwords["org-county-13"] == "from-file"
    assert passwords["svc-referral"] == derive_password("secret", "svc-referral")
    assert set(passwords) == set(usernames(REGISTRY))


def test_missing_passwords_and_unknown_principals_are_refused(tmp_path: Path) -> None:
    """Without a secret every principal must be in the file; unknown names are typos."""
    given = tmp_path / "passwords"
    given.write_text("org-county-13=x\n")
    with pytest.raises(typer.BadParameter, match="no password"):
        principal_passwords(REGISTRY, None, given)
    given.write_text("org-county-99=x\n")
    with pytest.raises(typer.BadParameter, match="unknown"):
        principal_passwords(REGISTRY, "secret", given)


def test_secure_broker_properties_allow_nobody_anonymous(tmp_path: Path) -> None:
    """Both listeners need SASL over TLS, only admin is a super user, no ACL means no access."""
    config = broker.BrokerConfig(state_dir=tmp_path, secure=True)
    lines = broker.node_properties(config, config.node(1)).splitlines()
    assert "listener.security.protocol.map=CLIENT:SASL_SSL,CONTROLLER:SASL_SSL" in lines
    assert "ssl.endpoint.identification.algorithm=https" in lines
    assert "super.users=User:admin" in lines
    assert "allow.everyone.if.no.acl.found=false" in lines
    assert not any("ANONYMOUS" in line or "PLAINTEXT://" in line for line in lines)


def test_admin_password_that_would_break_the_broker_config_is_refused(tmp_path: Path) -> None:
    """A quote in the admin password would end the JAAS string early: refused up front."""
    config = broker.BrokerConfig(state_dir=tmp_path, secure=True, admin_password='x" y')
    with pytest.raises(broker.BrokerError, match="admin password"):
        broker.node_properties(config, config.node(1))
