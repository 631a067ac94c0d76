"""The disclosure service's typed context and what its endpoints share."""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from fastapi import Request
from ssp_contracts.events.consultations import ConsultationPurpose, ConsultedRecordKind

from services.disclosure.application import DisclosureApplication
from services.disclosure.settings import DisclosurePolicy
from services.disclosure.views.register import Register
from services.runtime.auth import Principal
from services.runtime.clock import Clock
from services.runtime.endpoint import context_of
from services.runtime.logs import correlation_id


@dataclass
class DisclosureContext:
    """What the disclosure endpoints reach: the store, the register, the policy, the clock."""

    application: DisclosureApplication
    register: Register
    policy: DisclosurePolicy
    clock: Clock


async def application(request: Request) -> DisclosureApplication:
    """The service's eventsourcing application."""
    return context_of(request.app, DisclosureContext).application


async def register(request: Request) -> Register:
    """The register read model (a table kept by the view runner)."""
    return context_of(request.app, DisclosureContext).register


async def policy(request: Request) -> DisclosurePolicy:
    """The configured windows of the workflow."""
    return context_of(request.app, DisclosureContext).policy


def consulted(
    app: DisclosureApplication,
    principal: Principal,
    purpose: ConsultationPurpose,
    kind: ConsultedRecordKind,
    now: datetime,
    **what: Any,
) -> None:
    """Log a consultation of personal data (DPA 2018 s62) before the data is answered."""
    app.record_consultation(
        actor=principal.actor(correlation_id()),
        purpose=purpose,
        record_kind=kind,
        now=now,
        **what,
    )
