"""Event payload base class and the registry of event types."""

import re
from collections.abc import Callable
from typing import Any, ClassVar, TypeVar

from pydantic import BaseModel, ConfigDict, ValidationError

from ssp_contracts.envelope import CloudEvent, EnvelopeError
from ssp_contracts.topics import TOPICS

_REGISTRY: dict[str, type["EventPayload"]] = {}
# An old version's payload -> the next version's: readers see only the latest version.
_UPCASTERS: dict[type["EventPayload"], Callable[[Any], "EventPayload"]] = {}
SCHEMA_BASE = "urn:uk.police.ssp:schema:"
_TYPE_NAME = re.compile(r"^uk\.police\.ssp\.[a-z_]+\.[a-z_]+\.v[0-9]+$")


class UnknownEventType(EnvelopeError):
    """An event whose ce_type no contract in this package describes."""


class EventPayload(BaseModel):
    """Base of every payload; concrete classes set both ClassVars and use ``@register``."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    event_type: ClassVar[str]
    topic: ClassVar[str]

    @classmethod
    def dataschema(cls) -> str:
        """URI of this type's JSON Schema (the file ``schemas/<type>.json``)."""
        return SCHEMA_BASE + cls.event_type

    def to_data(self) -> dict[str, Any]:
        """JSON-ready payload for the CloudEvent's data."""
        return self.model_dump(mode="json")


P = TypeVar("P", bound=type[EventPayload])


def register(cls: P) -> P:
    """Class decorator: add a payload class to the registry under its ``event_type``."""
    if cls.topic not in TOPICS:
        raise ValueError(f"{cls.__name__}: unknown topic {cls.topic!r}")
    if not _TYPE_NAME.match(cls.event_type):
        raise ValueError(f"{cls.__name__}: type must read uk.police.ssp.<service>.<event>.v<N>")
    if cls.event_type in _REGISTRY:
        raise ValueError(f"{cls.__name__}: event type {cls.event_type} registered twice")
    _REGISTRY[cls.event_type] = cls
    return cls


U = TypeVar("U", bound=Callable[[Any], EventPayload])


def upcaster(old: type[EventPayload]) -> Callable[[U], U]:
    """Decorator: ``func`` turns a payload of the ``old`` version into the next version's."""

    def add(func: U) -> U:
        if old in _UPCASTERS:
            raise ValueError(f"{old.__name__} already has an upcaster")
        _UPCASTERS[old] = func
        return func

    return add


def upcast(payload: EventPayload) -> EventPayload:
    """``payload`` as the latest version of its contract reads it (itself when it is latest)."""
    while type(payload) in _UPCASTERS:
        payload = _UPCASTERS[type(payload)](payload)
    return payload


def payload_class(event_type: str) -> type[EventPayload]:
    """The payload class of ``event_type``; raises UnknownEventType."""
    try:
        return _REGISTRY[event_type]
    except KeyError:
        raise UnknownEventType(f"unknown event type {event_type!r}") from None


def parse_payload(event: CloudEvent) -> EventPayload:
    """Validate the event's data against its contract, upcast; raises EnvelopeError."""
    cls = payload_class(event.type)
    try:
        # The validator itself, as ``model_validate`` calls it (a consumer's every record).
        return upcast(cls.__pydantic_validator__.validate_python(event.data))
    except ValidationError as exc:
        first = exc.errors()[0]
        field = ".".join(str(p) for p in first["loc"])
        raise EnvelopeError(f"{event.type}: data.{field}: {first['msg']}") from exc


def all_event_types() -> dict[str, type[EventPayload]]:
    """Every registered event type, sorted by name."""
    return dict(sorted(_REGISTRY.items()))
