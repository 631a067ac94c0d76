"""Domain model of the disclosure service: Section 115 requests and planning exchanges."""

from services.disclosure.domain.exchange import InformationExchange
from services.disclosure.domain.request import DisclosureRequest

__all__ = ["DisclosureRequest", "InformationExchange"]
