"""Knobs of the reporting service, from SSP_REPORTING_* environment variables."""

from typing import Literal

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict
from ssp_contracts.events.common import TERM_PATTERN

from services.reporting.queries.abstraction import DEFAULT_THRESHOLD


class ReportingSettings(BaseSettings):
    """What the figures and the Prometheus gauges are computed with."""

    model_config = SettingsConfigDict(env_prefix="SSP_REPORTING_", extra="ignore")

    officer_rates: dict[str, float | None] = Field(
        default_factory=dict,
        description="Annual cost by rank, JSON, over the defaults (constable and sergeant"
        " £44,202 from the report; a PCSO rate must be configured)",
    )
    ring_fence_threshold: float = Field(
        default=DEFAULT_THRESHOLD, ge=0, le=1, description="Abstraction rate that breaches"
    )
    metrics_term: str | None = Field(
        default=None, pattern=TERM_PATTERN, description="Term the gauges show; default current"
    )
    metrics_refresh_seconds: float = Field(
        default=5, gt=0, description="How often the gauges are recomputed"
    )
    role: Literal["all", "views", "audit"] = Field(
        default="all",
        description="What this process runs: 'all' (one process: API, read models, audit trail"
        " and its checkpoints), 'views' (API and read models) or 'audit' (the audit trail's"
        " runner and checkpointer); a deployment runs one 'views' and one 'audit' process so the"
        " read models' runner has an event loop of its own",
    )
