"""Scope that fails closed: which claims each role's token must carry, and the scope checks.

One table for all four services. A token missing a claim its role needs is refused on every
route (the permission dependency checks it before any endpoint runs), and a check against a
claim the caller lacks refuses instead of letting the caller through.
"""

from collections.abc import Mapping

from services.runtime.domain import Forbidden, NotFound

SCHOOL = "school"
BOROUGH = "borough"

# role -> the scope claims its token must carry (besides ``sub``, which every token has: for a
# school officer it is the officer's id, and their schools come from the deployments view).
REQUIRED_CLAIMS: Mapping[str, tuple[str, ...]] = {
    "school_officer": (),
    "school_staff": (SCHOOL,),
    "head_teacher": (SCHOOL,),
    "deputy_head": (SCHOOL,),
    "designated_safeguarding_lead": (SCHOOL,),
    "chair_of_governors": (SCHOOL,),
    "borough_supervisor": (BOROUGH,),
    "disclosure_officer": (BOROUGH,),
    # A partner agency's system (local authority, probation, health) acts for one borough.
    "service": (BOROUGH,),
    # London-wide by their office: they read across boroughs, and change no record of a school.
    "auditor": (),
    "analyst": (),
    "data_protection_officer": (),
}
ROLES = tuple(REQUIRED_CLAIMS)
# Roles whose office spans London: no school or borough limits what they may read.
LONDON_WIDE = frozenset({"auditor", "analyst", "data_protection_officer"})


def missing_claim(role: str, claims: Mapping[str, str | None]) -> str | None:
    """The first scope claim ``role`` needs that ``claims`` lacks (empty counts as missing)."""
    for claim in REQUIRED_CLAIMS[role]:
        if not claims.get(claim):
            return claim
    return None


def claim_refusal(role: str, claim: str) -> Forbidden:
    """The 403 for a token without a claim its role needs."""
    return Forbidden("scope-claim-required", f"a {role} token must carry its {claim} claim", claim)


def scoped_by(role: str, claim: str) -> bool:
    """Whether ``role``'s scope is defined by ``claim``."""
    return claim in REQUIRED_CLAIMS.get(role, ())


def outside(role: str, held: str | None, claim: str, value: str | None) -> bool:
    """Whether ``value`` lies outside a caller's ``claim`` (fails closed for scoped roles).

    A role scoped by the claim must hold it and it must match; any other caller who carries the
    claim anyway is held to it too; a caller neither scoped by it nor carrying it is not limited
    by it (their scope is decided elsewhere, e.g. an officer's deployments).
    """
    if value is None:
        return False
    if scoped_by(role, claim) or held is not None:
        return held != value
    return False


def forbid_outside(
    role: str,
    claims: Mapping[str, str | None],
    *,
    school: str | None = None,
    borough: str | None = None,
    hide: bool = False,
) -> None:
    """Refuse a caller reaching beyond their school or borough.

    With ``hide`` (reading a record by id) the answer is 404, so a refusal never confirms that
    a record exists elsewhere; otherwise 403 naming the rule and the field.
    """
    for claim, value in ((SCHOOL, school), (BOROUGH, borough)):
        if outside(role, claims.get(claim), claim, value):
            if hide:
                raise NotFound("no such record in the caller's scope")
            raise Forbidden(
                "outside-scope",
                f"the token's {claim} is {claims.get(claim) or 'absent'}, not {value}",
                claim,
            )
