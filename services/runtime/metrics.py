"""Prometheus metrics of the pipeline; each app owns a registry so apps can share a process."""

from dataclasses import dataclass, field

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram


@dataclass
class RelayMetrics:
    """Outbox relay progress."""

    registry: CollectorRegistry
    published: Counter = field(init=False)
    position: Gauge = field(init=False)

    def __post_init__(self) -> None:
        self.published = Counter(
            "ssp_relay_events_published",
            "Events published to Kafka by the outbox relay",
            registry=self.registry,
        )
        self.position = Gauge(
            "ssp_relay_position",
            "Last notification id acknowledged by Kafka",
            registry=self.registry,
        )


@dataclass
class ProjectionMetrics:
    """Projection runner health: applied, dead-lettered, latency, lag and freshness."""

    registry: CollectorRegistry
    applied: Counter = field(init=False)
    duplicates: Counter = field(init=False)
    dead_lettered: Counter = field(init=False)
    apply_seconds: Histogram = field(init=False)
    newest_event_time: Gauge = field(init=False)
    lag: Gauge = field(init=False)

    def __post_init__(self) -> None:
        labels = ["runner", "topic"]
        self.applied = Counter(
            "ssp_projection_events_applied",
            "Events applied to read models",
            labels,
            registry=self.registry,
        )
        self.duplicates = Counter(
            "ssp_projection_duplicates_dropped",
            "Redelivered events dropped by event id",
            labels,
            registry=self.registry,
        )
        self.dead_lettered = Counter(
            "ssp_projection_dead_lettered",
            "Messages sent to the dead-letter topic",
            [*labels, "reason"],
            registry=self.registry,
        )
        self.apply_seconds = Histogram(
            "ssp_projection_apply_seconds",
            "Time to apply one batch, including its commit",
            ["runner"],
            registry=self.registry,
            buckets=(0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5),
        )
        self.newest_event_time = Gauge(
            "ssp_projection_newest_event_timestamp_seconds",
            "ce_time of the newest applied event (age = time() - this)",
            labels,
            registry=self.registry,
        )
        self.lag = Gauge(
            "ssp_consumer_lag",
            "Messages behind the end of the partition",
            [*labels, "partition"],
            registry=self.registry,
        )
