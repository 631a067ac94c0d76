"""The incidents application: the one composition of its commands (commands/, one module per
record kind). Its listings are read from the case view (views/cases.py)."""

from services.incidents.commands.activities import ActivityCommands
from services.incidents.commands.custody import CustodyCommands
from services.incidents.commands.handoffs import HandOffCommands
from services.incidents.commands.incidents import IncidentCommands
from services.incidents.commands.safeguarding import SafeguardingCommands
from services.incidents.commands.schools import SchoolCommands
from services.incidents.commands.searches import SearchCommands
from services.incidents.translation import translator
from services.runtime.consultations import ConsultationLog


class IncidentsApplication(
    IncidentCommands,
    SearchCommands,
    CustodyCommands,
    SchoolCommands,
    ActivityCommands,
    ConsultationLog,
    SafeguardingCommands,
    HandOffCommands,
):
    """Incidents, searches, evidence, arrests, activities, safeguarding referrals,
    hand-offs to response officers, school hours and termly indicators."""

    name = "incidents"
    contract = translator
