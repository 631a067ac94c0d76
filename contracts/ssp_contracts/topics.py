"""The topic catalogue: every topic the platform owns, with its configuration."""

from dataclasses import dataclass, field

DLQ_SUFFIX = ".dlq"


@dataclass(frozen=True)
class TopicSpec:
    """One Kafka topic and the configuration it is created with."""

    name: str
    description: str
    owner: str = ""  # the one service whose principal may write it (its relay)
    consumers: tuple[str, ...] = ()  # services whose projection runners read it
    partitions: int = 3
    retention_ms: int = -1  # event history is kept for replay and audit
    cleanup_policy: str = "delete"
    extra: dict[str, str] = field(default_factory=dict)
    # The one service that writes the topic, when only one may (for ACLs); "" = its event store.
    writer: str = ""

    def configs(self, min_insync_replicas: int = 1) -> dict[str, str]:
        """Topic-level configs as the broker expects them (durability comes from settings)."""
        return {
            "retention.ms": str(self.retention_ms),
            "cleanup.policy": self.cleanup_policy,
            "min.insync.replicas": str(min_insync_replicas),
            **self.extra,
        }


_FOURTEEN_DAYS_MS = 14 * 24 * 3600 * 1000

# Owners and consumers decide the Kafka ACLs (services/runtime/kafka_security.py); a test
# checks the consumers against the topics the services' projection runners subscribe to.
_REPORTING = ("reporting",)
_EVENT_TOPICS = (
    TopicSpec(
        "ssp.incidents.events",
        "Incidents, evidence, arrests and school indicators",
        "incidents",
        _REPORTING,
    ),
    TopicSpec("ssp.incidents.searches", "Search records of pupils", "incidents", _REPORTING),
    TopicSpec(
        "ssp.disclosure.events",
        "Section 115 information requests and disclosures",
        "disclosure",
        _REPORTING,
    ),
    TopicSpec(
        "ssp.staffing.events",
        "Schools, officers, deployments, ring-fencing, rosters",
        "staffing",
        ("incidents", "reporting"),
    ),
    TopicSpec(
        "ssp.staffing.abstractions",
        "Abstractions of officers and ring-fence breaches",
        "staffing",
        _REPORTING,
    ),
)


# Canary events that exercise the pipeline (relay checks, benchmarks); no read model uses them.
SELFTEST_TOPIC = TopicSpec(
    "ssp.platform.selftest",
    "Pipeline self-test events: relay and projection checks and benchmarks",
    owner="selftest",
    consumers=("selftest",),
    retention_ms=24 * 3600 * 1000,
)


# Signed heads of the audit trail: an anchor outside the reporting database, kept for ever.
AUDIT_CHECKPOINTS_TOPIC = TopicSpec(
    "ssp.audit.checkpoints",
    "Signed checkpoints of the audit trail's hash chain (reporting writes, auditors read)",
    partitions=1,
    retention_ms=-1,
    cleanup_policy="delete",
    writer="reporting",
)


def dead_letter_topic(topic: str) -> str:
    """Name of the dead-letter topic that belongs to ``topic``."""
    return topic + DLQ_SUFFIX


def _dlq_spec(spec: TopicSpec) -> TopicSpec:
    # Written by the consumers of the origin topic, so they are its owners here.
    return TopicSpec(
        dead_letter_topic(spec.name),
        f"Dead letters of {spec.name}",
        owner="",
        consumers=(),
        partitions=1,
        retention_ms=_FOURTEEN_DAYS_MS * 2,
    )


TOPICS: dict[str, TopicSpec] = {
    spec.name: spec
    for spec in (
        *_EVENT_TOPICS,
        SELFTEST_TOPIC,
        AUDIT_CHECKPOINTS_TOPIC,
        *(_dlq_spec(t) for t in (*_EVENT_TOPICS, SELFTEST_TOPIC)),
    )
}
EVENT_TOPICS: tuple[str, ...] = tuple(t.name for t in _EVENT_TOPICS)
