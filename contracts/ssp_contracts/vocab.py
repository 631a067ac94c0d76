"""The data.police.uk vocabularies, one table: crime categories, outcomes and stop and search.

Values are the strings data.police.uk publishes (slugs for crime categories and outcomes,
labels for the stop-and-search columns), so an export needs no translation. Other services
may import this module; it depends on nothing but the standard library.
"""

from typing import Literal, get_args

# Crime categories of data.police.uk (/api/crime-categories), plus the refinements the
# protocol names as serious, plus the non-crime kinds schools record. Frozen as version 1 of
# the incident_reported contract published it; later refinements extend IncidentCategory.
IncidentCategoryV1 = Literal[
    "anti-social-behaviour",
    "bicycle-theft",
    "burglary",
    "criminal-damage-arson",
    "drugs",
    "other-theft",
    "possession-of-weapons",
    "public-order",
    "robbery",
    "shoplifting",
    "theft-from-the-person",
    "vehicle-crime",
    "violent-crime",
    "other-crime",
    "assault-with-injury",
    "sexual-assault",
    "bullying",
    "other-non-crime",
]
# Version 2 adds arson, until then inside criminal-damage-arson: the protocol lets the officer
# act on it whatever the school's wishes, so it must be told apart.
IncidentCategory = Literal[IncidentCategoryV1, "arson"]

INCIDENT_CATEGORIES: dict[str, str] = {
    "anti-social-behaviour": "Anti-social behaviour",
    "bicycle-theft": "Bicycle theft",
    "burglary": "Burglary",
    "criminal-damage-arson": "Criminal damage and arson",
    "drugs": "Drugs",
    "other-theft": "Other theft",
    "possession-of-weapons": "Possession of weapons",
    "public-order": "Public order",
    "robbery": "Robbery",
    "shoplifting": "Shoplifting",
    "theft-from-the-person": "Theft from the person",
    "vehicle-crime": "Vehicle crime",
    "violent-crime": "Violence and sexual offences",
    "other-crime": "Other crime",
    "assault-with-injury": "Assault with injury (violence and sexual offences)",
    "sexual-assault": "Sexual assault (violence and sexual offences)",
    "bullying": "Bullying (non-crime)",
    "other-non-crime": "Other non-crime incident",
    "arson": "Arson (criminal damage and arson)",
}

# The data.police.uk category each refinement is published under.
POLICE_CATEGORY_OF: dict[str, str] = {
    "assault-with-injury": "violent-crime",
    "sexual-assault": "violent-crime",
    "arson": "criminal-damage-arson",
}

# Not crimes: they count towards the non-crime indicators, never towards crime figures.
NON_CRIME_CATEGORIES = frozenset({"anti-social-behaviour", "bullying", "other-non-crime"})

# Protocol, "The Staff": assaults resulting in injury, robbery, sexual assaults, offensive
# weapons and drugs seized or found will be reported to the head teacher.
SERIOUS_CATEGORIES = frozenset(
    {"assault-with-injury", "robbery", "sexual-assault", "possession-of-weapons", "drugs"}
)

# Protocol, "The SSPO": where the school wishes to deal internally "the officer will limit
# his/her action, unless it is of a serious nature where positive action is required regardless
# of the schools wishes". The categories where it is: a rule of police action, kept apart from
# the head teacher's notice above (burglary and arson need no notice, drugs need no action).
POSITIVE_ACTION_CATEGORIES = frozenset(
    {
        "arson",
        "burglary",
        "assault-with-injury",
        "robbery",
        "sexual-assault",
        "possession-of-weapons",
    }
)

# The same line, "seized or found": what was found makes an incident serious whatever its
# category. Evidence kinds (incidents' EvidenceKind) and objects of a search that found them.
SERIOUS_EVIDENCE_KINDS = frozenset({"drugs", "weapon"})
SERIOUS_SEARCH_OBJECTS: dict[str, str] = {
    "Controlled drugs": "drugs",
    "Psychoactive substances": "drugs",
    "Offensive weapons": "weapon",
    "Firearms": "weapon",
}

# Outcome categories of data.police.uk street-level outcomes.
CrimeOutcome = Literal[
    "investigation-complete-no-suspect-identified",
    "unable-to-prosecute",
    "local-resolution",
    "offender-given-caution",
    "offender-given-penalty-notice",
    "offender-given-drugs-possession-warning",
    "formal-action-not-in-public-interest",
    "further-investigation-not-in-public-interest",
    "further-action-not-in-public-interest",
    "action-taken-by-another-organisation",
    "suspect-charged-part-of-another-case",
    "awaiting-court-result",
    "court-result-unavailable",
    "under-investigation",
    "status-update-unavailable",
]

CRIME_OUTCOMES: dict[str, str] = {
    "investigation-complete-no-suspect-identified": "Investigation complete; no suspect identified",
    "unable-to-prosecute": "Unable to prosecute suspect",
    "local-resolution": "Local resolution",
    "offender-given-caution": "Offender given a caution",
    "offender-given-penalty-notice": "Offender given penalty notice",
    "offender-given-drugs-possession-warning": "Offender given a drugs possession warning",
    "formal-action-not-in-public-interest": "Formal action is not in the public interest",
    "further-investigation-not-in-public-interest": (
        "Further investigation is not in the public interest"
    ),
    "further-action-not-in-public-interest": "Further action is not in the public interest",
    "action-taken-by-another-organisation": "Action to be taken by another organisation",
    "suspect-charged-part-of-another-case": "Suspect charged as part of another case",
    "awaiting-court-result": "Awaiting court outcome",
    "court-result-unavailable": "Court result unavailable",
    "under-investigation": "Under investigation",
    "status-update-unavailable": "Status update unavailable",
}

# Outcomes that leave the case open: an incident cannot be closed with them.
OPEN_OUTCOMES = frozenset({"under-investigation", "status-update-unavailable"})

# Evidence: what happened to an item, and who holds it after. Kafka carries these kinds and the
# dates; the property reference or the name of whom an item went back to stays in the store.
EvidenceTransfer = Literal["handed_to_officer", "booked_in", "returned", "destroyed"]
EvidenceDisposal = Literal["booked_in", "returned", "destroyed"]
EvidenceHolder = Literal["school_staff", "officer", "police_property_store", "owner", "destroyed"]

# Why an auditor has a service resolve an actor's pseudonym (DPA 2018 s62: the log says why).
ResolutionPurpose = Literal[
    "audit_investigation",
    "complaint",
    "misconduct_investigation",
    "subject_access_request",
    "legal_proceedings",
]

SearchType = Literal["Person search", "Vehicle search", "Person and Vehicle search"]
Gender = Literal["Male", "Female", "Other"]
AgeRange = Literal["under 10", "10-17", "18-24", "25-34", "over 34"]
OfficerDefinedEthnicity = Literal["White", "Black", "Asian", "Mixed", "Other"]
SelfDefinedEthnicity = Literal[
    "White - English/Welsh/Scottish/Northern Irish/British",
    "White - Irish",
    "White - Gypsy or Irish Traveller",
    "White - Any other White background",
    "Mixed/Multiple ethnic groups - White and Black Caribbean",
    "Mixed/Multiple ethnic groups - White and Black African",
    "Mixed/Multiple ethnic groups - White and Asian",
    "Mixed/Multiple ethnic groups - Any other Mixed/Multiple ethnic background",
    "Asian/Asian British - Indian",
    "Asian/Asian British - Pakistani",
    "Asian/Asian British - Bangladeshi",
    "Asian/Asian British - Chinese",
    "Asian/Asian British - Any other Asian background",
    "Black/African/Caribbean/Black British - African",
    "Black/African/Caribbean/Black British - Caribbean",
    "Black/African/Caribbean/Black British - Any other Black/African/Caribbean background",
    "Other ethnic group - Arab",
    "Other ethnic group - Any other ethnic group",
    "Other ethnic group - Not stated",
]
Legislation = Literal[
    "Police and Criminal Evidence Act 1984 (section 1)",
    "Misuse of Drugs Act 1971 (section 23)",
    "Criminal Justice Act 1988 (section 139B)",
    "Criminal Justice and Public Order Act 1994 (section 60)",
    "Firearms Act 1968 (section 47)",
    "Psychoactive Substances Act 2016 (s36(2))",
    "Psychoactive Substances Act 2016 (s37(2))",
    "Terrorism Act 2000 (section 43)",
    "Terrorism Act 2000 (section 47A)",
    "Poaching Prevention Act 1862 (section 2)",
    "Deer Act 1991 (section 12)",
    "Conservation of Seals Act 1970 (section 4)",
    "Aviation Security Act 1982 (section 27(1))",
    "Crossbows Act 1987 (section 4)",
    "Customs and Excise Management Act 1979 (section 163)",
    "Environmental Protection Act 1990 (section 34B )",
    "Wildlife and Countryside Act 1981 (section 19)",
]
ObjectOfSearch = Literal[
    "Controlled drugs",
    "Offensive weapons",
    "Stolen goods",
    "Article for use in theft",
    "Articles for use in criminal damage",
    "Firearms",
    "Anything to threaten or harm anyone",
    "Fireworks",
    "Psychoactive substances",
    "Evidence of offences under the Act",
    "Crossbows",
    "Game or poaching equipment",
    "Goods on which duty has not been paid etc.",
    "Evidence of wildlife offences",
    "Seals or hunting equipment",
    "Detailed object of search unavailable",
]
SearchOutcome = Literal[
    "A no further action disposal",
    "Arrest",
    "Caution (simple or conditional)",
    "Community resolution",
    "Khat or Cannabis warning",
    "Penalty Notice for Disorder",
    "Summons / charged by post",
]

SEARCH_TYPES: tuple[str, ...] = get_args(SearchType)
GENDERS: tuple[str, ...] = get_args(Gender)
AGE_RANGES: tuple[str, ...] = get_args(AgeRange)
OFFICER_DEFINED_ETHNICITIES: tuple[str, ...] = get_args(OfficerDefinedEthnicity)
SELF_DEFINED_ETHNICITIES: tuple[str, ...] = get_args(SelfDefinedEthnicity)
LEGISLATION: tuple[str, ...] = get_args(Legislation)
OBJECTS_OF_SEARCH: tuple[str, ...] = get_args(ObjectOfSearch)
SEARCH_OUTCOMES: tuple[str, ...] = get_args(SearchOutcome)

# Column layout of the data.police.uk stop-and-search CSV files.
STOP_AND_SEARCH_COLUMNS = (
    "Type",
    "Date",
    "Part of a policing operation",
    "Policing operation",
    "Latitude",
    "Longitude",
    "Gender",
    "Age range",
    "Self-defined ethnicity",
    "Officer-defined ethnicity",
    "Legislation",
    "Object of search",
    "Outcome",
    "Outcome linked to object of search",
    "Removal of more than just outer clothing",
)
