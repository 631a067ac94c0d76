"""One handler per event type: the dispatch table behind views, followers and projections."""

from collections.abc import Callable

import pytest

from services.runtime.dispatch import Handlers

Label = Callable[[], str]


class Base:
    pass


class Reported(Base):
    pass


class Closed(Base):
    pass


class Unknown:
    pass


def test_each_type_goes_to_its_own_handler_and_unknown_types_to_none() -> None:
    table: Handlers[Label] = Handlers()
    table.on(Reported)(lambda: "reported")
    table.on(Closed)(lambda: "closed")
    assert (label(table, Reported()), label(table, Closed()), table.get(Unknown())) == (
        "reported",
        "closed",
        None,
    )


def test_a_handler_of_a_base_class_takes_its_subclasses_unless_they_have_their_own() -> None:
    table: Handlers[Label] = Handlers()
    table.on(Base)(lambda: "any")
    table.on(Closed)(lambda: "closed")
    assert (label(table, Reported()), label(table, Closed())) == ("any", "closed")


def test_a_type_cannot_have_two_handlers() -> None:
    table: Handlers[Label] = Handlers()
    table.on(Reported)(lambda: "first")
    with pytest.raises(ValueError, match="already has a handler"):
        table.on(Reported)(lambda: "second")


def label(table: Handlers[Label], event: object) -> str:
    """What the handler of ``event`` answers."""
    handler = table.get(event)
    assert handler is not None
    return handler()
