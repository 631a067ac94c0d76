"""Separation of duties in disclosure's permission table (the matrix itself is walked for every
service in tests/security/test_permission_matrix.py)."""

from services.disclosure.permissions import PERMISSIONS


def test_nobody_may_countersign_decide_or_release_beside_the_named_roles() -> None:
    # The protocol's separation of duties, stated once more against accidental widening
    assert PERMISSIONS["countersign_request"] == {"head_teacher"}
    for action in ("decide_request", "correct_decision", "record_release", "close_request"):
        # the data controller decides: the police disclosure officer, or for school-held data
        # the head teacher (which of them, per request, is domain/controller.py's rule)
        assert PERMISSIONS[action] == {"disclosure_officer", "head_teacher"}
    assert "analyst" not in PERMISSIONS["read_register"]
