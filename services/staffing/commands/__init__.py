"""Command groups of the staffing application: the programme's records, rosters, CSV imports."""
