"""The data.police.uk stop-and-search CSV layout, with locations coarsened."""

from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from typing import Any

from ssp_contracts.vocab import STOP_AND_SEARCH_COLUMNS

# Two decimals of a degree is about 1 km: enough for a map, too coarse to find a pupil.
COORDINATE_DECIMALS = 2


def coarsen(value: float | None) -> float | None:
    """A coordinate rounded to the published precision."""
    return None if value is None else round(value, COORDINATE_DECIMALS)


def to_the_hour(value: datetime) -> datetime:
    """The hour (UTC) an instant falls in: the precision searches are published at."""
    return value.astimezone(UTC).replace(minute=0, second=0, microsecond=0)


def stop_and_search_rows(searches: Iterable[dict[str, Any]]) -> Iterator[list[str]]:
    """The header, then one row per search, as data.police.uk publishes them."""
    yield list(STOP_AND_SEARCH_COLUMNS)
    for s in searches:
        # The published time is to the hour: minutes would single out a school's pupil.
        # The case view keeps times as the API shows them (ISO text).
        when = to_the_hour(datetime.fromisoformat(str(s["searched_at"])))
        lat, lon = coarsen(s["latitude"]), coarsen(s["longitude"])
        yield [
            "Person search",
            when.isoformat(),
            "False",
            "",
            "" if lat is None else f"{lat:.{COORDINATE_DECIMALS}f}",
            "" if lon is None else f"{lon:.{COORDINATE_DECIMALS}f}",
            s["gender"],
            s["age_range"],
            s["self_defined_ethnicity"],
            s["officer_defined_ethnicity"],
            s["legislation"],
            s["object_of_search"],
            s["outcome"],
            str(bool(s["outcome_linked_to_object_of_search"])),
            str(bool(s["removal_of_more_than_outer_clothing"])),
        ]
