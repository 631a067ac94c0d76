"""Who may read what in the reporting service: the one permission table."""

PERMISSIONS: dict[str, set[str]] = {
    "read_audit": {"auditor", "borough_supervisor"},
}
