"""Kafka credentials, TLS and durability for every client, from one place (settings or env).

Each Kafka client of the platform (relay, projection runners, DLQ producer, topic admin,
``ssp replay``, benchmarks, fault suite, tests) calls :func:`kafka_client` with the principal it
acts as and passes the options it gets to its library. The broker only speaks SASL_SSL with
SCRAM-SHA-512 to clients; see docs/architecture.md ("Kafka security").
"""

import os
import ssl
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ssp_contracts import TOPICS

from services.runtime.settings import shared, state_dir

SCRAM = "SCRAM-SHA-512"
ADMIN = "admin"  # the stack's own principal: topics, users and ACLs (a super user)
BROKER = "broker"  # inter-broker traffic (a super user; never used by a client)
AUDITOR = "auditor"  # the auditors' replay: reads every topic, writes nothing
POISON = "poison"  # fault injection in tests only; production profiles never create it


def services() -> tuple[str, ...]:
    """Every service that owns or consumes a topic of the catalogue, one principal each."""
    names = {s.owner for s in TOPICS.values()} | {c for s in TOPICS.values() for c in s.consumers}
    return tuple(sorted(names - {""}))


def principals(test: bool = False) -> tuple[str, ...]:
    """The principals a stack creates; ``test`` adds the fault-injection one."""
    return (ADMIN, BROKER, *services(), AUDITOR, *((POISON,) if test else ()))


def topic_prefix() -> str:
    """The environment's topic prefix (empty locally); ACL resource names carry it too."""
    return os.environ.get("SSP_TOPIC_PREFIX", "")


def username(principal: str) -> str:
    """The SCRAM user name of ``principal`` (SSP_KAFKA_<P>_USERNAME overrides ssp-<p>)."""
    return os.environ.get(f"SSP_KAFKA_{principal.upper()}_USERNAME", f"ssp-{principal}")


def credentials_dir() -> Path:
    """Where the local stack writes generated passwords, one file per principal."""
    return Path(shared("KAFKA_CREDENTIALS_DIR", str(state_dir() / "kafka" / "credentials")))


def password(principal: str) -> str:
    """SSP_KAFKA_<P>_PASSWORD, else the password the local stack generated; '' if neither."""
    value = os.environ.get(f"SSP_KAFKA_{principal.upper()}_PASSWORD", "")
    if value:
        return value
    path = credentials_dir() / principal
    return path.read_text().strip() if path.is_file() else ""


def ca_file() -> str:
    """PEM file of the CA that signed the brokers' certificates."""
    return shared("KAFKA_CA_FILE", str(state_dir() / "kafka" / "tls" / "ca.crt"))


@dataclass(frozen=True)
class KafkaClient:
    """How one principal reaches the brokers, in the shapes the three client libraries take."""

    bootstrap: str
    principal: str
    username: str
    password: str
    cafile: str
    protocol: str = "SASL_SSL"

    def ssl_context(self) -> ssl.SSLContext:
        """A context that trusts only the platform's CA and checks the broker's host name."""
        # Without the file (unit tests that never connect) the system's CAs are trusted,
        # which the brokers' locally signed certificate does not pass either.
        cafile = self.cafile if Path(self.cafile).is_file() else None
        return ssl.create_default_context(cafile=cafile)

    def kafka_python(self) -> dict[str, Any]:
        """Keyword arguments for kafka-python's producer, consumer and admin client."""
        return {
            "bootstrap_servers": self.bootstrap,
            "security_protocol": self.protocol,
            "sasl_mechanism": SCRAM,
            "sasl_plain_username": self.username,
            "sasl_plain_password": self.password,
            "ssl_cafile": self.cafile,
            "ssl_check_hostname": True,
        }

    def aiokafka(self) -> dict[str, Any]:
        """Keyword arguments for aiokafka's producer and consumer."""
        return {
            "bootstrap_servers": self.bootstrap,
            "security_protocol": self.protocol,
            "sasl_mechanism": SCRAM,
            "sasl_plain_username": self.username,
            "sasl_plain_password": self.password,
            "ssl_context": self.ssl_context(),
        }

    def faststream(self) -> Any:
        """The ``security`` argument of FastStream's KafkaBroker."""
        from faststream.security import SASLScram512

        return SASLScram512(self.username, self.password, ssl_context=self.ssl_context())


def kafka_client(principal: str, bootstrap: str | None = None) -> KafkaClient:
    """The one settings function every Kafka client of the platform takes its options from."""
    from services.runtime.settings import ServiceSettings

    return KafkaClient(
        bootstrap=bootstrap or ServiceSettings.for_service(principal).kafka_bootstrap,
        principal=principal,
        username=username(principal),
        password=password(principal),
        cafile=ca_file(),
        protocol=shared("KAFKA_SECURITY_PROTOCOL", "SASL_SSL"),
    )


def durability() -> tuple[int, int]:
    """(replication factor, min.insync.replicas) for the catalogue's topics; 1/1 locally."""
    factor = int(shared("KAFKA_REPLICATION_FACTOR", "1"))
    return factor, int(shared("KAFKA_MIN_INSYNC_REPLICAS", str(max(1, min(2, factor - 1)))))
