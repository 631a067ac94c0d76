"""Who may do what in the incidents service: the one permission table.

Roles are only half of it: school staff and head teachers act for their own school, an
officer only for schools the deployments view says they are deployed to, and borough-scoped
tokens only for schools of their borough (see api/scope.py).
"""

OFFICER = {"school_officer"}
SCHOOL = {"school_staff", "head_teacher"}
OVERSIGHT = {"borough_supervisor", "auditor"}
RECORD_READERS = OFFICER | SCHOOL | OVERSIGHT

PERMISSIONS: dict[str, set[str]] = {
    # incidents
    "report_incident": OFFICER | SCHOOL,
    "read_incident": RECORD_READERS,
    "notify_head_teacher": OFFICER | SCHOOL,
    "elect_internal": SCHOOL,
    "record_staff_consultation": OFFICER,
    "record_police_action": OFFICER,
    "record_restorative_conference": OFFICER | SCHOOL,
    "close_incident": OFFICER | {"borough_supervisor"},
    # searches: the person's name or description only to those who act on it
    "record_search": OFFICER,
    "read_search": RECORD_READERS,
    "read_search_person": OFFICER | {"head_teacher", "borough_supervisor"},
    "inform_parents": SCHOOL,
    "export_searches": {"borough_supervisor", "auditor", "analyst"},
    # evidence and arrests
    "seize_evidence": OFFICER | SCHOOL,
    "hand_over_evidence": OFFICER | SCHOOL,
    "dispose_evidence": OFFICER,
    "read_evidence": RECORD_READERS,
    "make_arrest": OFFICER,
    "inform_head_of_arrest": OFFICER | {"head_teacher"},
    "read_arrest": RECORD_READERS,
    # what is still to be done, per school in scope
    "read_outstanding": RECORD_READERS,
    # schools
    "submit_indicators": SCHOOL,
    "read_indicators": RECORD_READERS | {"analyst"},
    "set_protocol_hours": {"head_teacher", "borough_supervisor"},
    "read_protocol_hours": RECORD_READERS | {"analyst"},
    "read_deployments": OFFICER | OVERSIGHT,
    # data subjects: erasure destroys the subject's key (runtime/erasure.py)
    "erase_subject": {"data_protection_officer"},
}
