"""The topic catalogue: every topic the platform owns, with its configuration and owner."""

import functools
import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

DLQ_SUFFIX = ".dlq"
PREFIX_VARIABLE = "SSP_TOPIC_PREFIX"
# Kafka's own rule for topic names, kept short so a prefixed DLQ name still fits.
_PREFIX_PATTERN = re.compile(r"[A-Za-z0-9._-]{0,100}\Z")


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
    # "It is at the discretion of the head teacher to report all other crimes to the SSPO":
    # what a school recorded and did not refer is for reporting's counts and audit trail only.
    TopicSpec(
        "ssp.incidents.school",
        "Incidents a school recorded and has not referred to the police (reporting only)",
        "incidents",
        _REPORTING,
    ),
    TopicSpec(
        "ssp.disclosure.events",
        "Section 115 information requests and disclosures",
        "disclosure",
        ("incidents", "reporting"),  # incidents: a pupil's chronology
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
    owner="reporting",
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


def topic_prefix() -> str:
    """The environment's prefix of every topic name (``SSP_TOPIC_PREFIX``, default empty).

    Tests, the demo, benchmarks and the fault suite each set their own, so they share a broker
    without reading each other's events. Read on every call: a test run sets it at start-up.
    """
    return _checked_prefix(os.environ.get(PREFIX_VARIABLE, ""))


@functools.lru_cache(maxsize=16)
def _checked_prefix(prefix: str) -> str:
    # Cached: consumers map every record's topic back to the catalogue's name. A bad prefix
    # raises, and is not cached, on every call.
    if not _PREFIX_PATTERN.match(prefix):
        raise ValueError(f"{PREFIX_VARIABLE}: letters, digits, '.', '_' and '-' only, at most 100")
    return prefix


def kafka_topic(name: str) -> str:
    """The name on the broker of the catalogue's topic ``name`` (the prefix applied)."""
    return topic_prefix() + name


def catalogue_topic(physical: str) -> str:
    """The catalogue's name of a topic as the broker names it (the prefix taken off)."""
    prefix = topic_prefix()
    return physical[len(prefix) :] if prefix and physical.startswith(prefix) else physical


@contextmanager
def unprefixed() -> Iterator[None]:
    """Within this block topics carry no prefix (the committed AsyncAPI documents)."""
    saved = os.environ.pop(PREFIX_VARIABLE, None)
    try:
        yield
    finally:
        if saved is not None:
            os.environ[PREFIX_VARIABLE] = saved
