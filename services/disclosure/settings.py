"""Windows of the disclosure workflow, configurable with the service's prefix SSP_DISCLOSURE_."""

from datetime import date, timedelta

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class DisclosurePolicy(BaseSettings):
    """Deadlines of the urgent path and the default retention period."""

    model_config = SettingsConfigDict(env_prefix="SSP_DISCLOSURE_", extra="ignore")

    confirmation_hours: float = Field(
        default=24, gt=0, description="Hours within which an urgent request must be in writing"
    )
    urgent_decision_hours: float = Field(
        default=4, gt=0, description="Hours within which an urgent request must be decided"
    )
    retention_years: int = Field(
        default=6, ge=1, description="Default years from closure to the retention review"
    )

    @property
    def decision_window(self) -> timedelta:
        """Time allowed to decide an urgent request."""
        return timedelta(hours=self.urgent_decision_hours)

    @property
    def confirmation_window(self) -> timedelta:
        """Time allowed for an urgent request's written confirmation."""
        return timedelta(hours=self.confirmation_hours)

    def retention_review_from(self, closed_on: date) -> date:
        """Default retention review: the configured number of years after closure."""
        year = closed_on.year + self.retention_years
        if (closed_on.month, closed_on.day) == (2, 29):
            # 29 February has no twin in most years; the review falls a day earlier.
            return closed_on.replace(year=year, day=28)
        return closed_on.replace(year=year)
