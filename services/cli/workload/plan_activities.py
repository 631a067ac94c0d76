"""The officers' educational, preventive and partnership work, week by week.

The report (¶11-12) lists what SSP officers do "on a daily basis": citizenship lessons,
crime prevention advice, work with the education welfare officer on home visits, patrols of
the routes home, diversionary activities. Each officer records a few of them a week.
"""

import random
from collections import Counter
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from services.cli.workload.steps import Chain, Step, officer
from services.cli.workload.world import School, World

LONDON = ZoneInfo("Europe/London")
# kind -> (expected a week per officer, minutes, pupils reached (low, high), partners)
WEEKLY: dict[str, tuple[float, int, tuple[int, int], tuple[str, ...]]] = {
    "lesson": (1.0, 50, (20, 32), ()),
    "patrol": (1.0, 60, (0, 0), ()),
    "mentoring": (0.6, 45, (1, 1), ()),
    "assembly": (0.2, 30, (150, 400), ()),
    "crime_prevention_advice": (0.3, 40, (10, 60), ()),
    "multi_agency_meeting": (0.4, 90, (0, 0), ("youth_offending_team", "childrens_social_care")),
    "home_visit": (0.2, 60, (1, 1), ("education_welfare_officer",)),
    "diversionary_activity": (0.2, 120, (8, 25), ()),
    "parents_evening": (0.1, 150, (0, 0), ()),
}


class Activities:
    """Activity chains of every officer, and how many reporting should then count."""

    def __init__(self, world: World) -> None:
        # A generator of its own: adding activities leaves the other plans' draws alone.
        self.world, self.rng = world, world.side_rng("activities")
        self.expected: Counter[str] = Counter()

    def week(self, monday: date) -> list[Chain]:
        """This week's recorded activities, one chain each."""
        chains = []
        for b in self.world.boroughs:
            days = [d for d in b.calendar.school_days() if monday <= d < monday + timedelta(7)]
            if not days:
                continue
            schools = {s.school_id: s for s in b.schools}
            for o in b.officers:
                posts = [schools[d.school_id] for d in o.deployments if d.start_date <= days[0]]
                for kind, (mean, minutes, pupils, partners) in WEEKLY.items():
                    for _ in range(_draws(self.rng, mean * len(days) / 5)):
                        if not posts:
                            break
                        body = self._body(kind, self.rng.choice(posts), self.rng.choice(days),
                                          minutes, pupils, partners)  # fmt: skip
                        step = Step("incidents", "POST", "/activities",
                                    officer(o.officer_id, b.slug), body)  # fmt: skip
                        chains.append(Chain("activity", [step]))
                        self.expected["activities"] += 1
        return chains

    def _body(
        self,
        kind: str,
        school: School,
        day: date,
        minutes: int,
        pupils: tuple[int, int],
        partners: tuple[str, ...],
    ) -> dict[str, Any]:
        start, end = school.hours
        # Patrols walk the routes home as school ends; the rest happens in the school day.
        minute = end - 15 if kind == "patrol" else self.rng.randint(start + 60, end - 120)
        return {
            "school_id": school.school_id,
            "kind": kind,
            "started_at": datetime.combine(
                day, time(minute // 60, minute % 60), LONDON
            ).isoformat(),
            "minutes": minutes,
            "pupils_reached": self.rng.randint(*pupils) if pupils[1] else None,
            "partners": list(partners),
        }


def _draws(rng: random.Random, mean: float) -> int:
    """How many times this week: the whole part, and the fraction by chance."""
    whole = int(mean)
    return whole + int(rng.random() < mean - whole)
