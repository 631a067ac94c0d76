"""Who reads the audit trail (the matrix itself is walked for every service in
tests/security/test_permission_matrix.py)."""

from services.reporting.permissions import PERMISSIONS


def test_only_auditors_read_the_audit_trail() -> None:
    assert {r for a, roles in PERMISSIONS.items() if "audit" in a for r in roles} == {"auditor"}
