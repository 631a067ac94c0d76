"""What each figure of the demo's report means, printed under its table or chart."""

DEFINITIONS = {
    "boroughs": (
        "Hours are officer-shifts of the term's rosters. Leave = shifts on a day of notified"
        " absence; delivered = rostered - leave - abstracted; rate = abstracted / (rostered -"
        " leave). A ring-fence breach counts once per officer-shift. Officers: deployed on some"
        " day of the term (FTE: deployment share x share of the term's days). £ per pupil: the"
        " term's cost (below) / pupils of the schools served."
    ),
    "abstraction_chart": (
        "Abstracted hours / (rostered hours - leave), per borough, over the term; the line is"
        " the ring-fence threshold."
    ),
    "breaches_chart": "Officer-shifts on which a ring-fenced officer was abstracted without an"
    " exceptional circumstance.",
    "categories_chart": "Abstracted hours by the Metropolitan Police category of abstraction.",
    "incidents": (
        "Incidents per 1,000 pupils: incidents that occurred in the term / pupils on roll of"
        " the borough's schools x 1,000. Dealt with: closed by the report date, inside the"
        " school's protocol hours (as the incidents service judged when it was reported) and"
        " not left to the school's internal procedures."
    ),
    "searches": "Searches recorded in the term, by outcome; linked: the outcome was linked to"
    " the object of the search.",
    "disclosures": (
        "Turnaround, the disclosure officer's time: from the head teacher's countersignature to"
        " the decision for a routine request, from submission to the decision for an urgent one"
        " (signed afterwards); from submission shows the requester's whole wait. Times are the"
        " business times the commands carried (when it happened)."
    ),
    "indicators": (
        "London rates from summed returns: bullying and exclusions per 1,000 pupils per school"
        " day (school days from the borough's calendar, else possible sessions / 2 / pupils);"
        " unauthorised absence per possible session. Changes compare the same rates, so terms"
        " of different length compare; last year = the same term a year before."
    ),
    "value": (
        "Notional cost, as the source prices it (2004/05 ready reckoner: £5,967,270 for 135"
        " police officers, £44,202 each a year): a deployment costs its share of its rank's"
        " annual rate / 365 for each day of the term (to the report date) on which it was valid"
        " - from its start to the earliest of its end and tenure end, extensions included."
        " Programmes are costed apart. A rank with no configured rate (PCSOs, which the source"
        " does not price) is counted but not costed, and the report says so."
    ),
    "comparison": (
        "Comparison group: schools registered in staffing with no officer deployed on any day"
        " of the term. Rates as for the indicators, from their own returns. Incidents are not"
        " compared: officers record them, so schools without one have none."
    ),
    "baseline": (
        "Baseline: a served school's return for the latest term that ended before its first"
        " deployment began; the change is this term's rate minus that one (median of schools)."
    ),
    "ethnicity": (
        "Share of searches (self-defined ethnicity in the five broad groups; not stated left"
        " out) beside the group's share of pupils in the census of the same schools; ratio ="
        " search share / pupil share, 1 is proportionate. Only schools with a census count."
    ),
    "activities": (
        "Activities the officers recorded in the term (lessons, assemblies, patrols, mentoring,"
        " parents' evenings, multi-agency meetings, home visits, problem-solving plans, crime"
        " prevention advice, diversionary activities), withdrawn records left out; hours are"
        " the recorded durations, pupils reached as the officer counted them. They stand"
        " beside the enforcement outputs (incidents, arrests, searches)."
    ),
    "allegations": (
        "Allegations of crime against a member of school staff (restricted records: counted,"
        " never described or named) whose incident occurred in the term: recorded = all of"
        " them, the school's unreferred ones included; referred = on the police record, by the"
        " officer's own report, by rule or by the head teacher's referral; by outcome = the"
        " data.police.uk outcome of those closed, open = not closed by the report date."
    ),
    "school_searches": (
        "Searches by school staff in the term are the school's own record (the officer may"
        " assist): counted per school apart from the officers' searches, which alone are police"
        " stop and search (Form 5090) and alone appear in the searches figures above and in the"
        " data.police.uk export."
    ),
    "chronologies": (
        "Reads of a pupil's chronology (one view across the pupil's incidents, searches,"
        " evidence, arrests and requests at the reader's schools, in time order), each logged"
        " with its purpose as a consultation of personal data and counted from the audit"
        " trail's entries; entries shown = the records those answers held. All consultations ="
        " every logged read of personal data in the trail."
    ),
    "outstanding": "Duties still owed at the report date: head teacher notices of serious"
    " incidents and arrests, parents' notices of searches of pupils, items held by staff.",
}
