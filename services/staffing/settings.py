"""Knobs of the staffing service, from SSP_STAFFING_* environment variables."""

from datetime import time

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class StaffingConfig(BaseSettings):
    """Borough policy the staffing rules apply."""

    model_config = SettingsConfigDict(env_prefix="SSP_STAFFING_", extra="ignore")

    absence_min_notice_days: int = Field(
        default=7, ge=0, description="Notice of a foreseeable absence the schools ask for"
    )
    training_modules: int = Field(default=22, ge=1, description="Modules in the catalogue")
    shift_hours: float = Field(default=8.0, gt=0, le=12, description="Default shift length")
    shift_start: time = Field(default=time(8, 0), description="Default start: the school day")
