"""Prometheus metrics of the pipeline; each app owns a registry so apps can share a process."""

from dataclasses import dataclass, field

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram

RELAY_STATES = ("starting", "standby", "running", "backing-off", "stalled", "stopped")
RELAY_ERROR_REASONS = ("database", "kafka", "refused", "translation", "leadership", "other")


@dataclass
class RelayMetrics:
    """Outbox relay progress, lag, errors and state (one-hot over ``RELAY_STATES``)."""

    registry: CollectorRegistry
    relay: str = "outbox"
    published: Counter = field(init=False)
    position: Gauge = field(init=False)
    lag: Gauge = field(init=False)
    errors: Counter = field(init=False)
    state: Gauge = field(init=False)
    stalled_at: Gauge = field(init=False)
    leader: Gauge = field(init=False)

    def __post_init__(self) -> None:
        labels = ["relay"]
        self.published = Counter(
            "ssp_relay_events_published",
            "Events published to Kafka by the outbox relay",
            labels,
            registry=self.registry,
        ).labels(self.relay)
        self.position = Gauge(
            "ssp_relay_position",
            "Last notification id acknowledged by Kafka",
            labels,
            registry=self.registry,
        ).labels(self.relay)
        self.lag = Gauge(
            "ssp_relay_lag_events",
            "Newest notification id minus the relay's position (0 on a standby)",
            labels,
            registry=self.registry,
        ).labels(self.relay)
        self.errors = Counter(
            "ssp_relay_errors",
            "Failures of the relay, by reason; each one is retried with backoff",
            [*labels, "reason"],
            registry=self.registry,
        )
        for reason in RELAY_ERROR_REASONS:
            self.errors.labels(self.relay, reason)  # every series exists from the start
        self.state = Gauge(
            "ssp_relay_state",
            "1 for the relay's current state, 0 for the others",
            [*labels, "state"],
            registry=self.registry,
        )
        self.stalled_at = Gauge(
            "ssp_relay_stalled_notification",
            "Notification id the relay is stopped at because it was refused for good (0: none)",
            labels,
            registry=self.registry,
        ).labels(self.relay)
        self.leader = Gauge(
            "ssp_relay_leader",
            "1 while this relay holds the store's leadership lock",
            labels,
            registry=self.registry,
        ).labels(self.relay)
        self.set_state("starting")

    def set_state(self, state: str) -> None:
        """Mark ``state`` as current."""
        for name in RELAY_STATES:
            self.state.labels(self.relay, name).set(1 if name == state else 0)
        if state == "standby":
            # The leader (another instance) reports the store's lag and stall. A relay that
            # lost the lead while alive would otherwise keep its last figures, and the alerts
            # take the maximum over the instances.
            self.lag.set(0)
            self.stalled_at.set(0)
            self.leader.set(0)

    def error(self, reason: str) -> None:
        """Count one failure; unknown reasons count as ``other`` to keep the label set small."""
        self.errors.labels(self.relay, reason if reason in RELAY_ERROR_REASONS else "other").inc()


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
