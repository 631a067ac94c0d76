"""The staffing application: the one composition of its commands (commands/) over its views."""

from services.staffing.commands.programme import ProgrammeCommands
from services.staffing.commands.rostering import RosterCommands
from services.staffing.translation import translator


class StaffingApplication(ProgrammeCommands, RosterCommands):
    """Schools, officers, deployments, calendars, rosters, abstractions and absences."""

    name = "staffing"
    contract = translator
