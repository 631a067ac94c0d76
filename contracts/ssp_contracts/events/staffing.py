"""Events of the staffing service (topics ssp.staffing.events and .abstractions)."""
