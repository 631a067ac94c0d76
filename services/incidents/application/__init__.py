"""The incidents application: get, act, save, return ids; one module per record kind."""

from datetime import date, time
from typing import Any

from eventsourcing.persistence import JSONTranscoder, Transcoding

from services.incidents.application.custody import CustodyCommands
from services.incidents.application.incidents import IncidentCommands
from services.incidents.application.schools import SchoolCommands
from services.incidents.application.searches import SearchCommands


class DateAsISO(Transcoding):
    """Stores dates (closed days of a school) inside domain events."""

    type = date
    name = "ssp_date"

    def encode(self, obj: date) -> str:
        return obj.isoformat()

    def decode(self, data: str) -> date:
        return date.fromisoformat(data)


class TimeAsISO(Transcoding):
    """Stores times of day (protocol hours) inside domain events."""

    type = time
    name = "ssp_time"

    def encode(self, obj: time) -> str:
        return obj.isoformat()

    def decode(self, data: str) -> time:
        return time.fromisoformat(data)


class IncidentsApplication(IncidentCommands, SearchCommands, CustodyCommands, SchoolCommands):
    """Incidents, searches, evidence, arrests, school hours and termly indicators."""

    name = "incidents"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from services.incidents.index import CaseIndex

        self.index = CaseIndex(self)

    def register_transcodings(self, transcoder: JSONTranscoder) -> None:
        super().register_transcodings(transcoder)
        transcoder.register(DateAsISO())
        transcoder.register(TimeAsISO())
