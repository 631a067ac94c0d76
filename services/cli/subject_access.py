"""``ssp subject-access <ref>``: everything every service holds about a reference, as JSON and
as an HTML page ready to print to PDF, with the date the answer is due by law."""

import argparse
import html
import json
import re
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import httpx

from services.cli.commands import UsageError
from services.cli.launcher import base_url
from services.runtime.subject_access import DPO, due_by
from services.runtime.tokens import audience_of, issue_token

# The services that hold personal details about a reference and answer the right of access.
HOLDERS = ("incidents", "disclosure")
REF = re.compile(r"(pupil|staff|person)-[0-9a-f]{12,64}\Z")


def register_subject_access(sub: Any) -> None:
    """Add ``ssp subject-access`` to the CLI."""
    parser = sub.add_parser(
        "subject-access", help="a subject access export from every service (JSON and HTML)"
    )
    parser.add_argument("ref", help="pseudonymous reference (pupil-<hex>, staff-<hex>, ...)")
    parser.add_argument(
        "--received", type=date.fromisoformat, help="day the request was received (today)"
    )
    parser.add_argument("--out", type=Path, default=Path("."), help="directory for the files")
    parser.add_argument("--sub", default="dpo-1", help="the data protection officer's id")
    parser.set_defaults(func=run)


def gather(ref: str, sub: str) -> list[dict[str, Any]]:
    """Each holding service's access document for ``ref``, as the data protection officer."""
    documents = []
    for service in HOLDERS:
        token = issue_token(sub=sub, role=DPO, audience=audience_of(service))
        answer = httpx.get(
            f"{base_url(service)}/subjects/{ref}/access",
            headers={"Authorization": f"Bearer {token}"},
            timeout=60,
        )
        answer.raise_for_status()
        documents.append(answer.json())
    return documents


def export(ref: str, received: date, documents: list[dict[str, Any]]) -> dict[str, Any]:
    """The whole answer: the reference, when received, when due, and every service's part."""
    return {
        "subject_ref": ref,
        "received_on": received.isoformat(),
        "due_by": due_by(received).isoformat(),
        "generated_at": datetime.now(UTC).isoformat(),
        "services": documents,
    }


def render_html(answer: dict[str, Any]) -> str:
    """The answer as one printable page (A4, no script, every value escaped)."""
    e = html.escape
    parts = [
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>",
        f"<title>Subject access: {e(answer['subject_ref'])}</title>",
        "<style>@page{size:A4;margin:18mm}body{font:10pt sans-serif}"
        "table{border-collapse:collapse;width:100%;margin:0 0 8pt}"
        "td,th{border:1px solid #999;padding:2pt 4pt;vertical-align:top;text-align:left}"
        "section{break-inside:avoid-page}pre{white-space:pre-wrap;margin:0}</style></head><body>",
        f"<h1>Subject access export: {e(answer['subject_ref'])}</h1>",
        f"<p>Received {e(answer['received_on'])}; due by <strong>{e(answer['due_by'])}</strong>"
        f" (one month, Data Protection Act 2018 s54); generated {e(answer['generated_at'])}.</p>",
    ]
    for document in answer["services"]:
        records = document["records"]
        parts.append(f"<h2>{e(document['service'])}: {len(records)} record(s)</h2>")
        for record in records:
            parts.append(
                f"<section><h3>{e(record['record_kind'])} {e(record['record_id'])}</h3><table>"
            )
            for key, value in record["record"].items():
                parts.append(f"<tr><th>{e(str(key))}</th><td>{_cell(value)}</td></tr>")
            parts.append("</table><table><tr><th>when</th><th>event</th><th>by</th></tr>")
            for event in record.get("history", []):
                who = f"{event.get('actor_role', '')} {event.get('actor_id', '')}"
                parts.append(
                    f"<tr><td>{e(str(event.get('recorded_at', '')))}</td>"
                    f"<td>{e(str(event.get('event', '')))}</td><td>{e(who)}</td></tr>"
                )
            parts.append("</table></section>")
    parts.append("</body></html>")
    return "\n".join(parts)


def _cell(value: Any) -> str:
    if isinstance(value, dict | list):
        return f"<pre>{html.escape(json.dumps(value, indent=1, default=str))}</pre>"
    return html.escape("" if value is None else str(value))


def run(args: argparse.Namespace) -> int:
    """Gather, write ``subject-access-<ref>.json`` and ``.html``, print the due date."""
    if not REF.match(args.ref):
        raise UsageError("the reference must read pupil-, staff- or person- and 12-64 hex digits")
    received = args.received or date.today()
    answer = export(args.ref, received, gather(args.ref, args.sub))
    args.out.mkdir(parents=True, exist_ok=True)
    stem = args.out / f"subject-access-{args.ref}"
    stem.with_suffix(".json").write_text(json.dumps(answer, indent=2, default=str))
    stem.with_suffix(".html").write_text(render_html(answer))
    count = sum(len(d["records"]) for d in answer["services"])
    print(f"{args.ref}: {count} record(s); due by {answer['due_by']}; written to {stem}.json/.html")
    return 0
