"""Events of the platform itself: canaries and the relay's operator actions."""

from typing import ClassVar, Literal

from pydantic import Field

from ssp_contracts.registry import EventPayload, register
from ssp_contracts.topics import SELFTEST_TOPIC


@register
class SelfTestTicked(EventPayload):
    """A canary aggregate moved one step; used to check and measure the pipeline."""

    event_type: ClassVar[str] = "uk.police.ssp.platform.selftest_ticked.v1"
    topic: ClassVar[str] = SELFTEST_TOPIC.name

    run_id: str = Field(
        max_length=200,
        pattern=r"^[^\x00-\x1f\x7f-\x9f]*$",
        description="The check or benchmark run that produced the event (synthetic)",
    )
    step: int = Field(ge=1, description="Step number within the canary aggregate")
    note: str = Field(
        default="",
        max_length=2000,
        pattern=r"^[^\x00-\x1f\x7f-\x9f]*$",
        description="Filler to set the event size (synthetic: no service writes this topic)",
    )


@register
class RelayEventSkipped(EventPayload):
    """An operator let the outbox relay past an event the broker refused for good.

    Published on the topic the skipped event belonged to when it could be translated, else on
    the owning service's events topic, so that subscribers see the gap explained.
    """

    event_type: ClassVar[str] = "uk.police.ssp.platform.relay_event_skipped.v1"
    # The default topic; the relay publishes it where the skipped event would have gone.
    topic: ClassVar[str] = SELFTEST_TOPIC.name

    service: str = Field(
        max_length=40, pattern=r"^[a-z]+$", description="Service whose event store holds the event"
    )
    notification_id: int = Field(ge=1, description="Position of the skipped event in the log")
    skipped_event_id: str | None = Field(
        default=None,
        max_length=200,
        pattern=r"^[A-Za-z0-9._:-]{1,64}/[0-9]{1,12}$",
        description="ce_id of the skipped event (<aggregate id>/<version>), if decodable",
    )
    skipped_event_type: str | None = Field(
        default=None,
        max_length=200,
        pattern=r"^uk\.police\.ssp\.[a-z_]+\.[a-z_]+\.v[0-9]+$",
        description="ce_type of the skipped event, if decodable",
    )
    # The error text and the operator's own words stay in the owning store (free text never
    # goes on Kafka); subscribers learn the kind of failure and, from the headers, who decided.
    failure: Literal["refused-by-broker", "untranslatable"] = Field(
        description="Why the relay stopped: the broker refused the translated event for good,"
        " or the event could not be translated into its contract"
    )
