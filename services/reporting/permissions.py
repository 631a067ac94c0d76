"""Who may read what in the reporting service: the one permission table."""

# Views: a borough supervisor sees their borough (scope checked per query), analysts everything,
# and the auditor reads every figure it audits.
VIEW_READERS = {"borough_supervisor", "analyst", "auditor"}

PERMISSIONS: dict[str, set[str]] = {
    "read_audit": {"auditor"},
    "export_audit": {"auditor"},
    "read_abstraction": VIEW_READERS,
    "read_performance": VIEW_READERS,
    # London-wide roles only: the counts are not split by borough.
    "read_retention": {"analyst", "auditor", "data_protection_officer"},
}
