"""How much to generate: the sizes the issue asks of `small`, `city` and `region`."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass


@dataclass(frozen=True)
class Scale:
    """Targets for one run. Counts of staff, people, referrals and care plan versions are
    exact; contacts are calibrated to reach at least `contacts` (they follow episode lengths
    and contact frequencies per role)."""

    name: str
    hubs: int
    staff: int
    people: int
    referrals: int
    contacts: int
    care_plan_versions: int
    years: int = 3  # how far back the newest referrals of a person reach

    def times(self, factor: int) -> Scale:
        """The same shape with `factor` times the people and their records (hubs stay)."""
        return dataclasses.replace(
            self,
            name=f"{self.name}x{factor}",
            staff=self.staff * factor,
            people=self.people * factor,
            referrals=self.referrals * factor,
            contacts=self.contacts * factor,
            care_plan_versions=self.care_plan_versions * factor,
        )


SMALL = Scale(
    "small", hubs=19, staff=160, people=400, referrals=660, contacts=9_000, care_plan_versions=330
)
CITY = Scale(
    "city",
    hubs=19,
    staff=1_500,
    people=60_000,
    referrals=100_000,
    contacts=1_500_000,
    care_plan_versions=50_000,
)
REGION = Scale(
    "region",
    hubs=190,
    staff=15_000,
    people=600_000,
    referrals=1_000_000,
    contacts=15_000_000,
    care_plan_versions=500_000,
)

SCALES = {s.name: s for s in (SMALL, CITY, REGION)}
