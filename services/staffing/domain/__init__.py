"""The staffing aggregates: schools, officers, deployments, calendars, rosters, absences."""
