"""The Kafka ACL table, derived from the topic catalogue, and the stack step that applies it."""

import secrets
from collections.abc import Container, Iterable
from dataclasses import dataclass
from pathlib import Path

from ssp_contracts import TOPICS, dead_letter_topic

from services.runtime.kafka_security import (
    ADMIN,
    AUDITOR,
    BROKER,
    POISON,
    SCRAM,
    kafka_client,
    password,
    principals,
    topic_prefix,
    username,
)


@dataclass(frozen=True, order=True)
class Grant:
    """One ALLOW rule: ``principal`` may ``operation`` on a topic or group (literal/prefixed)."""

    principal: str
    resource: str  # "topic" or "group"
    name: str
    operation: str  # READ, WRITE or DESCRIBE
    prefixed: bool = False


def acl_table(prefix: str | None = None, test: bool = False) -> list[Grant]:
    """Every grant: owners write their topics, consumers read theirs and write their DLQs."""
    p = topic_prefix() if prefix is None else prefix
    grants: set[Grant] = set()
    origins = [s for s in TOPICS.values() if s.owner]
    for spec in origins:
        topic, dlq = p + spec.name, p + dead_letter_topic(spec.name)
        grants |= {Grant(spec.owner, "topic", topic, op) for op in ("WRITE", "DESCRIBE")}
        for consumer in spec.consumers:
            grants |= {Grant(consumer, "topic", topic, op) for op in ("READ", "DESCRIBE")}
            grants |= {Grant(consumer, "topic", dlq, op) for op in ("WRITE", "DESCRIBE")}
        # Auditors replay history and look at dead letters; they never write.
        grants |= {Grant(AUDITOR, "topic", t, "READ") for t in (topic, dlq)}
        if test:
            grants.add(Grant(POISON, "topic", topic, "WRITE"))
    # Runner groups are named ssp.<service>.<runner>[suffix] (services/runtime/runner.py).
    for service in {c for s in origins for c in s.consumers}:
        for group in {f"ssp.{service}.", f"{p}ssp.{service}."}:
            grants.add(Grant(service, "group", group, "READ", prefixed=True))
    return sorted(grants)


def write_local_credentials(directory: Path, test: bool = False) -> list[str]:
    """Create a random password file for each principal that has none; return their names."""
    directory.mkdir(parents=True, exist_ok=True)
    directory.chmod(0o700)
    made = []
    for principal in principals(test):
        path = directory / principal
        if not path.exists():
            path.write_text(secrets.token_urlsafe(24) + "\n")
            path.chmod(0o600)
            made.append(principal)
    return made


def apply_security(test: bool = False, drop_stale: bool = True) -> tuple[int, int, int]:
    """As the admin principal: upsert SCRAM users, add missing grants, drop stale ones under
    this topic prefix (unless ``drop_stale`` is off: a test adding the grants of a topic prefix
    of its own keeps the run's)."""
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
        ScramMechanism,
        UserScramCredentialUpsertion,
    )

    assert SCRAM == "SCRAM-SHA-512"
    admin = KafkaAdminClient(client_id="ssp-security", **kafka_client(ADMIN).kafka_python())
    try:
        users = [p for p in principals(test) if p not in (ADMIN, BROKER)]
        unset = [p for p in users if len(password(p)) < 16]
        if unset:
            # An empty password would lock the service out; a short one is guessable.
            raise ValueError(
                "no Kafka password (16+ characters) for "
                + ", ".join(f"SSP_KAFKA_{p.upper()}_PASSWORD" for p in unset)
            )
        admin.alter_user_scram_credentials(
            [
                UserScramCredentialUpsertion(
                    username(p), ScramMechanism.SCRAM_SHA_512, password(p), iterations=8192
                )
                for p in users
            ]
        )

        def acl(g: Grant) -> ACL:
            kind = ResourceType.TOPIC if g.resource == "topic" else ResourceType.GROUP
            pattern = (
                ACLResourcePatternType.PREFIXED if g.prefixed else ACLResourcePatternType.LITERAL
            )
            return ACL(
                f"User:{username(g.principal)}",
                "*",
                ACLOperation[g.operation],
                ACLPermissionType.ALLOW,
                ResourcePattern(kind, g.name, pattern),
            )

        wanted = {_key(acl(g)): acl(g) for g in acl_table(test=test)}
        ours = {f"User:{username(p)}" for p in users}
        everything = ACLFilter(
            None,
            None,
            ACLOperation.ANY,
            ACLPermissionType.ANY,
            ResourcePatternFilter(ResourceType.ANY, None, ACLResourcePatternType.ANY),
        )
        present, _ = admin.describe_acls(everything)
        have = {_key(a): a for a in present if a.principal in ours}
        missing = [a for k, a in wanted.items() if k not in have]
        stale = [have[k] for k in stale_keys(have, wanted, topic_prefix())] if drop_stale else []
        if missing:
            admin.create_acls(missing)
        if stale:
            admin.delete_acls([_as_filter(a) for a in stale])
        return len(users), len(missing), len(stale)
    finally:
        admin.close()


def stale_keys(
    have: Iterable[tuple[str, ...]], wanted: Container[tuple[str, ...]], prefix: str
) -> list[tuple[str, ...]]:
    """Our grants that the table no longer holds, among names under this topic prefix only.

    The demo, the benchmarks and test runs each apply the table of their own prefix to one
    broker, often at once; each keeps the others' grants (dropping them cut a running demo off
    its topics when a test run started).
    """
    scope = f"{prefix}ssp."
    return [k for k in have if k not in wanted and k[RESOURCE_NAME].startswith(scope)]


# Where ``_key`` puts the resource's name.
RESOURCE_NAME = 4


def _key(a: object) -> tuple[str, ...]:
    r = a.resource_pattern  # type: ignore[attr-defined]
    return (
        a.principal,  # type: ignore[attr-defined]
        str(a.operation),  # type: ignore[attr-defined]
        str(a.permission_type),  # type: ignore[attr-defined]
        str(r.resource_type),
        r.resource_name,
        str(r.pattern_type),
    )


def _as_filter(a: object) -> object:
    from kafka.admin import ACLFilter, ResourcePatternFilter

    r = a.resource_pattern  # type: ignore[attr-defined]
    return ACLFilter(
        a.principal,  # type: ignore[attr-defined]
        a.host,  # type: ignore[attr-defined]
        a.operation,  # type: ignore[attr-defined]
        a.permission_type,  # type: ignore[attr-defined]
        ResourcePatternFilter(r.resource_type, r.resource_name, r.pattern_type),
    )
