"""The answer of a keyed command is known at its commit where the saved events decide it."""

import uuid
from types import SimpleNamespace

from fastapi import FastAPI

from services.runtime.answers import predicted, recorded_status
from services.runtime.endpoint import Recorded


def event(originator: uuid.UUID, version: int) -> SimpleNamespace:
    """A stored event as the recorder sees it."""
    return SimpleNamespace(originator_id=originator, originator_version=version)


def test_a_created_record_is_the_answer_of_a_201() -> None:
    made, changed = uuid.uuid4(), uuid.uuid4()
    answer = predicted(201, [event(changed, 4), event(made, 1), event(made, 2)])
    assert answer is not None
    assert answer[0] == 201 and answer[2] == f'{{"id":"{made}"}}'.encode()


def test_a_single_changed_record_is_the_answer_of_a_200() -> None:
    changed = uuid.uuid4()
    assert predicted(200, [event(changed, 7)]) == predicted(200, [event(changed, 7)])
    assert predicted(200, [event(changed, 7)])[2] == f'{{"id":"{changed}"}}'.encode()  # type: ignore[index]


def test_what_the_events_do_not_decide_is_not_predicted() -> None:
    a, b = uuid.uuid4(), uuid.uuid4()
    assert predicted(201, [event(a, 3)]) is None  # an abstraction inside a roster
    assert predicted(200, [event(a, 3), event(b, 5)]) is None  # ending a deployment
    assert predicted(201, [event(a, 1), event(b, 1)]) is None
    assert predicted(None, [event(a, 1)]) is None  # not a Recorded route


def test_only_routes_answering_recorded_are_predicted() -> None:
    app = FastAPI()

    class Other(Recorded):
        """A richer answer."""

    @app.post("/things", status_code=201, response_model=Recorded)
    def make() -> Recorded:
        raise NotImplementedError

    @app.put("/things/{thing_id}", response_model=Recorded)
    def change(thing_id: str) -> Recorded:
        raise NotImplementedError

    @app.post("/things/{thing_id}/decision", status_code=201, response_model=Other)
    def decide(thing_id: str) -> Other:
        raise NotImplementedError

    make_route, change_route, decide_route = app.router.routes[-3:]
    assert recorded_status({"route": make_route}) == 201
    assert recorded_status({"route": change_route}) == 200
    assert recorded_status({"route": decide_route}) is None
    assert recorded_status({}) is None  # not routed (yet)
