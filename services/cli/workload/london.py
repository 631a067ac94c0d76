"""London facts the workload is seeded with: boroughs and the schools the source names."""

from dataclasses import dataclass


@dataclass(frozen=True)
class BoroughFacts:
    """A Metropolitan Police borough: slug, rough centre and whether it is inner London."""

    slug: str
    name: str
    lat: float
    lon: float
    inner: bool


def _b(slug: str, lat: float, lon: float, inner: bool = False) -> BoroughFacts:
    name = " ".join(w if w == "and" or w == "upon" else w.title() for w in slug.split("-"))
    return BoroughFacts(slug, name, lat, lon, inner)


BOROUGHS: tuple[BoroughFacts, ...] = (
    _b("barking-and-dagenham", 51.545, 0.129),
    _b("barnet", 51.625, -0.152),
    _b("bexley", 51.455, 0.150),
    _b("brent", 51.559, -0.268),
    _b("bromley", 51.370, 0.050),
    _b("camden", 51.545, -0.163, inner=True),
    _b("croydon", 51.372, -0.099),
    _b("ealing", 51.513, -0.309),
    _b("enfield", 51.652, -0.081),
    _b("greenwich", 51.482, 0.005, inner=True),
    _b("hackney", 51.545, -0.055, inner=True),
    _b("hammersmith-and-fulham", 51.492, -0.223, inner=True),
    _b("haringey", 51.590, -0.111, inner=True),
    _b("harrow", 51.580, -0.334),
    _b("havering", 51.577, 0.212),
    _b("hillingdon", 51.533, -0.452),
    _b("hounslow", 51.468, -0.361),
    _b("islington", 51.546, -0.105, inner=True),
    _b("kensington-and-chelsea", 51.502, -0.194, inner=True),
    _b("kingston-upon-thames", 51.393, -0.284),
    _b("lambeth", 51.457, -0.123, inner=True),
    _b("lewisham", 51.445, -0.021, inner=True),
    _b("merton", 51.410, -0.188),
    _b("newham", 51.525, 0.035, inner=True),
    _b("redbridge", 51.576, 0.045),
    _b("richmond-upon-thames", 51.446, -0.326),
    _b("southwark", 51.473, -0.080, inner=True),
    _b("sutton", 51.361, -0.194),
    _b("tower-hamlets", 51.515, -0.032, inner=True),
    _b("waltham-forest", 51.588, -0.012),
    _b("wandsworth", 51.456, -0.191, inner=True),
    _b("westminster", 51.497, -0.137, inner=True),
)
BY_SLUG = {b.slug: b for b in BOROUGHS}

# The protocol of Appendix 2 is Waltham Forest's; the evaluation's SSP schools follow.
FIRST_BOROUGHS = ("waltham-forest", "hackney", "haringey", "lambeth", "tower-hamlets", "barnet")

# Secondary schools the source names, with their pupils (evaluation, paragraph 4).
NAMED_SCHOOLS: dict[str, tuple[tuple[str, str, int], ...]] = {
    "waltham-forest": (("Warwick Boys School", "secondary", 1000),),
    "hackney": (("Stoke Newington School", "secondary", 1154),),
    "haringey": (("Northumberland Park School", "secondary", 1100),),
    "lambeth": (("Bishop Thomas Grant School", "secondary", 900),),
    "tower-hamlets": (("George Green School", "secondary", 921),),
    "barnet": (("London Academy", "academy", 1111),),
}

PLACES = (
    "Abbey", "Ashburton", "Beaufort", "Bishops", "Brookfield", "Burlington", "Canons",
    "Chestnut", "Clarendon", "Coldharbour", "Cranbrook", "Elmwood", "Fairlop", "Forest Gate",
    "Gascoigne", "Grange", "Greenside", "Hallfield", "Harris", "Hazelwood", "Highfield",
    "Hollydale", "Kingsmead", "Lansbury", "Larkswood", "Linden", "Marlborough", "Meadowside",
    "Millbank", "Northbrook", "Oakfield", "Orchard", "Parkside", "Priory", "Queensbridge",
    "Ravenscroft", "Riverside", "Rosemead", "St Anne's", "St George's", "St Luke's",
    "St Mary's", "Stanley", "Sudbury", "Thornhill", "Victoria", "Walnut Tree", "Westbrook",
    "Whitefield", "Willow", "Windmill", "Woodside",
)  # fmt: skip
SCHOOL_KINDS = {
    "secondary": ("High School", "School", "Community School", "Girls' School", "Boys' School"),
    "academy": ("Academy",),
    "primary": ("Primary School", "Junior School", "C of E Primary School", "Infant School"),
    "special": ("Special School", "Learning Centre"),
}
