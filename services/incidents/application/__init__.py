"""The incidents application: get, act, save, return ids; one module per record kind."""

from typing import Any

from services.incidents.application.custody import CustodyCommands
from services.incidents.application.incidents import IncidentCommands
from services.incidents.application.schools import SchoolCommands
from services.incidents.application.searches import SearchCommands
from services.incidents.translation import translator


class IncidentsApplication(IncidentCommands, SearchCommands, CustodyCommands, SchoolCommands):
    """Incidents, searches, evidence, arrests, school hours and termly indicators."""

    name = "incidents"
    contract = translator

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from services.incidents.index import CaseIndex

        self.index = CaseIndex(self)
