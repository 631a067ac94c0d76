"""The incidents application: the one composition of its commands (commands/, one module per
record kind) and the case index its listings read."""

from typing import Any

from services.incidents.commands.custody import CustodyCommands
from services.incidents.commands.handoffs import HandOffCommands
from services.incidents.commands.incidents import IncidentCommands
from services.incidents.commands.schools import SchoolCommands
from services.incidents.commands.searches import SearchCommands
from services.incidents.translation import translator


class IncidentsApplication(
    IncidentCommands, SearchCommands, CustodyCommands, SchoolCommands, HandOffCommands
):
    """Incidents, searches, evidence, arrests, school hours and termly indicators."""

    name = "incidents"
    contract = translator

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from services.incidents.views.cases import CaseIndex

        self.index = CaseIndex(self)
