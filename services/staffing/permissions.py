"""Who may do what in the staffing service: the one permission table."""

MANAGERS = {"borough_supervisor"}
READERS = MANAGERS | {"auditor", "analyst"}
# School roles see their own school only; officers their own record only (scope checks).
SCHOOL_READERS = READERS | {"head_teacher", "school_staff", "school_officer"}

PERMISSIONS: dict[str, set[str]] = {
    "manage_schools": MANAGERS,
    "manage_officers": MANAGERS,
    "manage_deployments": MANAGERS,
    "manage_ring_fence": MANAGERS,
    "manage_calendars": MANAGERS,
    "manage_rosters": MANAGERS,
    "record_abstraction": MANAGERS,
    "notify_absence": MANAGERS | {"school_officer"},
    "import_csv": MANAGERS,
    "read_school": SCHOOL_READERS,
    "read_absences": SCHOOL_READERS,
    "read_officer": READERS | {"school_officer"},
    "read_staffing": READERS,
    # who acted under an actor pseudonym on Kafka (each resolution is itself audited)
    "resolve_actor": {"auditor"},
}
