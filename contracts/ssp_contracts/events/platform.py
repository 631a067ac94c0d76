"""Events of the platform itself: canaries that exercise the pipeline."""

from typing import ClassVar

from pydantic import Field

from ssp_contracts.registry import EventPayload, register
from ssp_contracts.topics import SELFTEST_TOPIC


@register
class SelfTestTicked(EventPayload):
    """A canary aggregate moved one step; used to check and measure the pipeline."""

    event_type: ClassVar[str] = "uk.police.ssp.platform.selftest_ticked.v1"
    topic: ClassVar[str] = SELFTEST_TOPIC.name

    run_id: str = Field(
        max_length=200, description="The check or benchmark run that produced the event"
    )
    step: int = Field(ge=1, description="Step number within the canary aggregate")
    note: str = Field(default="", max_length=2000, description="Filler to set the event size")
