"""Every domain event of every service is either mapped to a contract or declared internal."""

import importlib
import pkgutil

import pytest
from eventsourcing.domain import Aggregate

import services
from services.runtime.serve import spec_module

SERVICES_WITH_STORES = ("incidents", "disclosure", "staffing", "selftest")


def _aggregates(prefix: str) -> list[type[Aggregate]]:
    for module in pkgutil.walk_packages(services.__path__, "services."):
        if module.name.startswith(prefix) and ".tests" not in module.name:
            importlib.import_module(module.name)
    found, stack = [], list(Aggregate.__subclasses__())
    while stack:
        cls = stack.pop()
        stack.extend(cls.__subclasses__())
        # Only leaf classes are recorded: intermediate steps of an aggregate built from mixins
        # carry copies of the event classes that the leaf redefines.
        if cls.__module__.startswith(prefix) and not cls.__subclasses__():
            found.append(cls)
    return found


@pytest.mark.parametrize("service", SERVICES_WITH_STORES)
def test_no_domain_event_is_left_untranslated(service: str) -> None:
    spec = importlib.import_module(spec_module(service)).SPEC
    prefix = (
        spec_module(service).rsplit(".", 1)[0] if service != "selftest" else spec_module(service)
    )
    aggregates = _aggregates(prefix)
    assert aggregates, f"no aggregates found for {service}"
    events = [
        value
        for aggregate in aggregates
        for name, value in vars(aggregate).items()
        if isinstance(value, type)
        and issubclass(value, Aggregate.Event)
        # The library gives each aggregate base Event and Created classes; only a Created
        # that the aggregate really records on creation counts.
        and (name != "Event")
        and (name != "Created" or value is getattr(aggregate, "_created_event_class", None))
    ]
    assert events
    # An aggregate assembled from mixins records the class its base declared under that name.
    missing = [
        e.__qualname__
        for e in events
        if not any(spec.translator.covers(c) for c in e.__mro__ if c.__name__ == e.__name__)
    ]
    assert missing == []
