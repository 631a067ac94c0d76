"""Who may do what in the disclosure service: the one permission table.

Local authority staff have no role of their own in the token model. A local authority
case-management system calls the API with a ``service`` token issued for that system
(``sub`` names the system, ``borough`` its local authority), and submits on behalf of
its staff with ``requesting_body`` ``local_authority`` (or ``probation`` or ``health``
for those partners' systems). So ``service`` may submit and follow its own requests,
and nothing more: it can neither countersign, decide nor release.

The table says which roles may attempt an action; the domain then checks the protocol's
narrower rules: only the head teacher *of the pupil's school* countersigns, only a
disclosure officer *of the request's borough* decides, releases and closes, and only
the requester changes or confirms a request.
"""

SUBMITTERS = {"school_officer", "school_staff", "service"}
DECIDERS = {"disclosure_officer", "head_teacher"}
OVERSIGHT = {"disclosure_officer", "borough_supervisor", "auditor"}

PERMISSIONS: dict[str, set[str]] = {
    "submit_request": SUBMITTERS,
    "amend_request": SUBMITTERS,
    "confirm_in_writing": SUBMITTERS,
    "countersign_request": {"head_teacher"},
    # the data controller decides: the head teacher for school-held data (domain/controller.py)
    "decide_request": DECIDERS,
    "correct_decision": DECIDERS,
    "record_release": DECIDERS,
    "close_request": DECIDERS,
    "read_request": SUBMITTERS | OVERSIGHT | {"head_teacher"},
    "read_queue": {"disclosure_officer", "borough_supervisor"},
    "read_register": OVERSIGHT,
    # the head teacher's list of requests to sign, and a requester's own requests
    "read_awaiting_signature": {"head_teacher"},
    "read_own_requests": SUBMITTERS,
    "export_register": OVERSIGHT,
    "log_exchange": {"school_officer", "school_staff", "head_teacher", "service"},
    # the right of access (DPA 2018 s45), answered by the data protection officer
    "subject_access": {"data_protection_officer"},
    # who acted under an actor pseudonym on Kafka (each resolution is itself audited)
    "resolve_actor": {"auditor"},
    # data subjects: erasure destroys the subject's key (runtime/erasure.py)
    "erase_subject": {"data_protection_officer"},
}
