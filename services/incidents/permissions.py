"""Who may do what in the incidents service: the one permission table.

Roles are only half of it: school staff and head teachers act for their own school, an
officer only for schools the deployments view says they are deployed to, and borough-scoped
tokens only for schools of their borough (see api/scope.py).
"""

OFFICER = {"school_officer"}
SCHOOL = {"school_staff", "head_teacher"}
OVERSIGHT = {"borough_supervisor", "auditor"}
RECORD_READERS = OFFICER | SCHOOL | OVERSIGHT
# Allegations against staff are restricted records (domain/restricted.py): the designated
# safeguarding lead, the deputy consulted and, for an allegation against the head teacher,
# the chair of governors read them; who of all these may read one is decided per record.
SAFEGUARDING = {"designated_safeguarding_lead", "deputy_head", "chair_of_governors"}

PERMISSIONS: dict[str, set[str]] = {
    # incidents
    "report_incident": OFFICER | SCHOOL,
    "read_incident": RECORD_READERS | SAFEGUARDING,
    "notify_head_teacher": OFFICER | SCHOOL,
    "elect_internal": SCHOOL,
    # the head teacher's discretion: other crimes reach the police only when referred
    "refer_incident": {"head_teacher"},
    "record_staff_consultation": OFFICER,
    "record_police_action": OFFICER,
    # police action beyond a school's internal election: reviewed by the officer's supervisor
    "review_police_action": {"borough_supervisor"},
    "read_action_reviews": OVERSIGHT,
    "record_restorative_conference": OFFICER | SCHOOL,
    "hand_off_incident": OFFICER | SCHOOL | {"borough_supervisor"},
    "close_incident": OFFICER | {"borough_supervisor"},
    # searches: the person's name or description only to those who act on it
    # the officer's own search (the police record), or school staff's (the school's record)
    "record_search": OFFICER | SCHOOL,
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
    # the officer's educational, preventive and partnership work
    "record_activity": OFFICER,
    "read_activity": RECORD_READERS,
    "withdraw_activity": OFFICER | {"borough_supervisor"},
    # safeguarding referrals to children's social care (the MASH): the school's safeguarding
    # lead and head teacher make and follow them; the officer may raise one from their record
    "refer_safeguarding": {"designated_safeguarding_lead", "head_teacher"} | OFFICER,
    "follow_safeguarding": {"designated_safeguarding_lead", "head_teacher"},
    "read_safeguarding": {"designated_safeguarding_lead", "head_teacher"} | OFFICER | OVERSIGHT,
    # what is still to be done, per school in scope
    "read_outstanding": RECORD_READERS,
    # an officer's own day: their schools, shift and what they owe there
    "read_my_day": OFFICER,
    # schools
    "submit_indicators": SCHOOL,
    "read_indicators": RECORD_READERS | {"analyst"},
    "set_protocol_hours": {"head_teacher", "borough_supervisor"},
    "read_protocol_hours": RECORD_READERS | {"analyst"},
    "read_deployments": OFFICER | OVERSIGHT,
    # subjects' rights (DPA 2018 ss45-46): access by the DPO; rectification also by the officer
    "subject_access": {"data_protection_officer"},
    "rectify_record": OFFICER | {"data_protection_officer"},
    # a pupil's chronology: those who safeguard the pupil, in their schools
    "read_chronology": OFFICER
    | {"head_teacher", "designated_safeguarding_lead", "borough_supervisor"},
    # who acted under an actor pseudonym on Kafka (each resolution is itself audited)
    "resolve_actor": {"auditor"},
    # data subjects: erasure destroys the subject's key (runtime/erasure.py)
    "erase_subject": {"data_protection_officer"},
}
