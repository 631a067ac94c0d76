"""The disclosure service's typed context and what its endpoints share."""

from dataclasses import dataclass

from fastapi import Request

from services.disclosure.application import DisclosureApplication
from services.disclosure.settings import DisclosurePolicy
from services.disclosure.views.register import Register
from services.runtime.clock import Clock
from services.runtime.endpoint import context_of


@dataclass
class DisclosureContext:
    """What the disclosure endpoints reach: the store, the register, the policy, the clock."""

    application: DisclosureApplication
    register: Register
    policy: DisclosurePolicy
    clock: Clock


def application(request: Request) -> DisclosureApplication:
    """The service's eventsourcing application."""
    return context_of(request.app, DisclosureContext).application


def register(request: Request) -> Register:
    """The register read model (a table kept by the view runner)."""
    return context_of(request.app, DisclosureContext).register


def policy(request: Request) -> DisclosurePolicy:
    """The configured windows of the workflow."""
    return context_of(request.app, DisclosureContext).policy
