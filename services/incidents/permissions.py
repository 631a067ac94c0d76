"""Who may do what in the incidents service: the one permission table."""

READERS = {"school_officer", "borough_supervisor", "auditor", "analyst"}

PERMISSIONS: dict[str, set[str]] = {
    "report_incident": {"school_officer"},
    "read_incident": READERS | {"head_teacher", "school_staff"},
}
