"""The report's lines on the protocol as written, read from the services' HTTP queries."""

from datetime import date
from typing import Any

import httpx
from rich.console import Console

from services.cli.workload.steps import ANALYST, AUDITOR, Who
from services.runtime.paging import NEXT_HEADER
from services.runtime.tokens import audience_of, issue_token


def _get(url: str, service: str, who: Who, path: str, **params: str) -> Any:
    token = issue_token(sub=who.sub, role=who.role, audience=audience_of(service))
    headers = {"Authorization": f"Bearer {token}"}
    response = httpx.get(url + path, params=params, headers=headers, timeout=60)
    response.raise_for_status()
    found = response.json()
    # A list comes a page at a time: follow its cursor, so the counts are of every row.
    while (cursor := response.headers.get(NEXT_HEADER)) is not None:
        response = httpx.get(
            url + path, params={**params, "cursor": cursor}, headers=headers, timeout=60
        )
        response.raise_for_status()
        found += response.json()
    return found


def fetch(urls: dict[str, str], on: date) -> dict[str, int]:
    """Referrals, finds, reviews owed and overdue protocol reviews, as auditors see them."""
    incidents = _get(urls["incidents"], "incidents", AUDITOR, "/incidents")
    awaiting = _get(urls["incidents"], "incidents", AUDITOR, "/police-actions/awaiting-review")
    overdue = _get(urls["reporting"], "reporting", ANALYST, "/protocols/overdue", on=str(on))
    concerns = _get(urls["incidents"], "incidents", AUDITOR, "/safeguarding-referrals/outstanding")
    return {
        "incidents": len(incidents),
        "unreferred": sum(not r["referred"] for r in incidents),
        "serious_by_find": sum(r["serious_find"] is not None for r in incidents),
        "actions_awaiting_review": len(awaiting),
        "protocols_overdue": len(overdue),
        "safeguarding_open": len(concerns),
    }


def print_protocol(console: Console, fig: dict[str, int]) -> None:
    """One line: what the protocol's discretion, finds, limits and reviews came to."""
    console.print(
        f"The protocol as written: {fig['unreferred']} of {fig['incidents']} incidents recorded"
        f" by schools and not referred to the police (school-only topic);"
        f" {fig['serious_by_find']} made serious by drugs or a weapon found;"
        f" {fig['actions_awaiting_review']} incidents with police action beyond an internal"
        f" election awaiting a supervisor's review; {fig['protocols_overdue']} schools whose"
        " protocol review is overdue (no deployment there until it is held);"
        f" {fig['safeguarding_open']} safeguarding referrals to children's social care open"
    )
