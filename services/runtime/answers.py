"""The answer of a keyed command, known when its events are committed, so it is stored with them.

A command endpoint answers ``Recorded(id=...)``: the id of the aggregate the command made (201)
or changed (200). The application methods get, act, save and return the saved aggregate's id,
so at the commit the id is the one aggregate the save creates (a 201 route) or the one it
touches (any other). Where that does not decide it, nothing is predicted and the answer is
stored after the commit, as before: a 201 that creates nothing (an abstraction inside a
roster, a disclosure release), a save of several changed aggregates (ending a deployment), an
answer other than ``Recorded``. The middleware compares the prediction with the real answer
and logs an error if they differ, so a route that breaks the rule shows in its tests.
"""

import json
from collections.abc import Sequence
from typing import Any

from fastapi.routing import APIRoute
from starlette.types import Scope

from services.runtime.endpoint import Recorded

# (status, replayed headers as JSON, body), as the keys' table holds them.
Answer = tuple[int, str, bytes]
# The headers of a JSON answer once the per-response ones are dropped.
_JSON_HEADERS = json.dumps([["content-type", "application/json"]])


def recorded_status(scope: Scope) -> int | None:
    """The status of the request's route if it answers ``Recorded``, else None.

    Read at the commit, from the route the router has put in the (shared) scope by then.
    """
    route = scope.get("route")
    if isinstance(route, APIRoute) and route.response_model is Recorded:
        return route.status_code or 200
    return None


def predicted(status: int | None, stored_events: Sequence[Any]) -> Answer | None:
    """The answer of a ``Recorded`` route whose save stores ``stored_events``, if they decide it."""
    if status is None:
        return None
    touched = {e.originator_id for e in stored_events}
    created = {e.originator_id for e in stored_events if e.originator_version == 1}
    ids = created if status == 201 else touched
    if len(ids) != 1:
        return None
    body = Recorded(id=ids.pop()).model_dump_json().encode()
    return status, _JSON_HEADERS, body
