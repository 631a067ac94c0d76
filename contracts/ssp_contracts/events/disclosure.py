"""Events of the disclosure service (topic ssp.disclosure.events)."""
