"""Maps domain events to contract events: domain events never go on the wire as they are."""

import sys
import typing
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from eventsourcing.domain import DomainEventProtocol
from pydantic import ValidationError
from ssp_contracts import CloudEvent, EventPayload
from ssp_contracts.envelope import CONTENT_TYPE
from ssp_contracts.events.common import producing

from services.runtime import pseudonyms
from services.runtime.domain import Actor, RuleViolation, rule_of_error

# Well under Kafka's default message.max.bytes (1 MiB): an event the broker would refuse
# must be refused when the command is given, not discovered by the relay.
MAX_MESSAGE_BYTES = 512 * 1024

F = TypeVar("F", bound=Callable[..., EventPayload])
_FIXED_HEADERS = (("content-type", CONTENT_TYPE.encode()), ("ce_specversion", b"1.0"))


@dataclass(frozen=True, slots=True)
class OutgoingMessage:
    """One event ready for the producer: topic, key (aggregate id), JSON value, ce_ headers."""

    topic: str
    key: bytes
    value: bytes
    headers: list[tuple[str, bytes]]


class UntranslatedEvent(LookupError):
    """A domain event class that is neither mapped to a contract nor declared internal."""


class Translator:
    """One service's table from domain event classes to contract payloads."""

    def __init__(self, source: str) -> None:
        self.source = source
        # The module that made it, where the relay's worker process imports it from.
        self.home: str | None = sys._getframe(1).f_globals.get("__name__")
        self._mappers: dict[type, Callable[[Any], EventPayload]] = {}
        self._internal: set[type] = set()
        # Header values that repeat across events, encoded once: per contract class
        # (ce_type, ce_dataschema) and per actor's id and role (ce_actorid, ce_actorrole).
        self._contract_headers: dict[type, tuple[bytes, bytes]] = {}
        self._actor_headers: dict[tuple[str, str], tuple[bytes, bytes]] = {}

    @property
    def service(self) -> str:
        """The owning service, read from the source (``/ssp/<service>[/<store id>]``)."""
        return self.source.split("/")[2]

    @property
    def pseudonyms(self) -> pseudonyms.ActorPseudonyms:
        """The owning service's actor pseudonyms (the ce_actorid of everything it publishes)."""
        return pseudonyms.for_service(self.service)

    def maps(self, *event_classes: type) -> Callable[[F], F]:
        """Decorator: the function turns these domain events into a contract payload."""

        def register(func: F) -> F:
            for cls in event_classes:
                self._mappers[cls] = func
            return func

        return register

    def internal(self, *event_classes: type) -> None:
        """These domain events stay inside the service (for example personal details)."""
        self._internal.update(event_classes)

    def contracts(self) -> list[type[EventPayload]]:
        """The contract classes this translator produces, read from the mappers' annotations."""
        found: dict[str, type[EventPayload]] = {}
        for mapper in set(self._mappers.values()):
            returned = typing.get_type_hints(mapper).get("return")
            for candidate in typing.get_args(returned) or (returned,):
                if isinstance(candidate, type) and issubclass(candidate, EventPayload):
                    contract: type[EventPayload] = candidate
                    found[contract.event_type] = contract
        return [found[k] for k in sorted(found)]

    def covers(self, event_class: type) -> bool:
        """Whether ``event_class`` is mapped or declared internal."""
        return event_class in self._mappers or event_class in self._internal

    def publishes(self, event_class: type) -> bool:
        """Whether events of ``event_class`` go on Kafka (mapped, not internal)."""
        return event_class in self._mappers and event_class not in self._internal

    def translate(
        self, event: DomainEventProtocol[Any], source: str | None = None
    ) -> CloudEvent | None:
        """The CloudEvent for ``event`` (from ``source``, the store's), or None if internal."""
        payload = self._payload(event)
        if payload is None:
            return None
        return envelope(event, payload, source or self.source, self.pseudonyms.of)

    def message(
        self, event: DomainEventProtocol[Any], source: str | None = None
    ) -> OutgoingMessage | None:
        """What ``translate`` gives, already as the Kafka message (the relay's hot path).

        ``source`` is the store's own (``identity.event_source``); the relay always gives it.
        """
        payload = self._payload(event)
        if payload is None:
            return None
        subject = str(event.originator_id)
        key = subject.encode()
        actor: Actor = getattr(event, "actor")  # noqa: B009 - every service event carries one
        version = event.originator_version
        contract = self._contract_headers.get(type(payload))
        if contract is None:
            contract = self._contract_headers[type(payload)] = (
                payload.event_type.encode(),
                payload.dataschema().encode(),
            )
        # Keyed by who, not by the whole actor: its correlation id is new with nearly every
        # command, so a cache of whole actors kept one entry (about 0.7 kB) an event.
        who = (actor.id, actor.role)
        by = self._actor_headers.get(who)
        if by is None:
            if len(self._actor_headers) >= 10_000:
                self._actor_headers.clear()  # bounded
            by = self._actor_headers[who] = (
                self.pseudonyms.of(actor.id).encode(),
                actor.role.encode(),
            )
        # The headers ``kafka_headers`` writes, in its order, built directly: the relay's hot
        # path (tests/test_relay_messages.py holds them equal to the CloudEvent's).
        headers = [
            *_FIXED_HEADERS,
            ("ce_id", f"{subject}/{version}".encode()),
            ("ce_source", (source or self.source).encode()),
            ("ce_type", contract[0]),
            ("ce_time", getattr(event, "timestamp").isoformat().encode()),  # noqa: B009
            ("ce_subject", key),
            ("ce_actorid", by[0]),
            ("ce_actorrole", by[1]),
            ("ce_correlationid", actor.correlation_id.encode()),
            ("ce_sequence", str(version).encode()),
            ("ce_dataschema", contract[1]),
        ]
        return OutgoingMessage(payload.topic, key, payload.model_dump_json().encode(), headers)

    def check(self, event: DomainEventProtocol[Any]) -> None:
        """Raise RuleViolation (422) unless ``event`` translates to a valid, sendable message."""
        try:
            with producing():
                # Sized with a store id in the source, as the relay will send it.
                message = self.message(event, f"{self.source}/{uuid.UUID(int=0)}")
        except ValidationError as exc:
            first = exc.errors()[0]
            field = ".".join(str(p) for p in first["loc"]) or None
            contract = type(event).__qualname__
            raise RuleViolation(
                rule_of_error(first["type"]),
                f"{field}: {first['msg']} (contract of {contract})",
                field,
            ) from exc
        if message is None:
            return
        size = len(message.value) + sum(len(k) + len(v) for k, v in message.headers)
        if size > MAX_MESSAGE_BYTES:
            raise RuleViolation(
                "event-too-large",
                f"the {type(event).__qualname__} event would be {size} bytes on Kafka,"
                f" over the limit of {MAX_MESSAGE_BYTES}",
            )

    def _payload(self, event: DomainEventProtocol[Any]) -> EventPayload | None:
        cls = type(event)
        if cls in self._internal:
            return None
        try:
            mapper = self._mappers[cls]
        except KeyError:
            raise UntranslatedEvent(f"{cls.__qualname__} has no contract mapping") from None
        return mapper(event)


def event_id(originator_id: uuid.UUID | str, version: int) -> str:
    """Deterministic CloudEvents id of an aggregate's version: ``<aggregate id>/<version>``."""
    return f"{originator_id}/{version}"


def envelope(
    event: DomainEventProtocol[Any],
    payload: EventPayload,
    source: str,
    actor_id: Callable[[str], str],
) -> CloudEvent:
    """Wrap ``payload`` in the CloudEvent that carries ``event``'s identity and actor.

    ``actor_id`` turns the actor's ``sub`` into what goes on Kafka: the owner's pseudonym.
    """
    actor: Actor = getattr(event, "actor")  # noqa: B009 - every service event carries one
    return CloudEvent(
        id=event_id(event.originator_id, event.originator_version),
        source=source,
        type=payload.event_type,
        time=getattr(event, "timestamp"),  # noqa: B009 - not on the protocol, on every event
        subject=str(event.originator_id),
        actorid=actor_id(actor.id),
        actorrole=actor.role,
        correlationid=actor.correlation_id,
        sequence=event.originator_version,
        dataschema=payload.dataschema(),
        data=payload.to_data(),
    )
