"""CSV export of the register with the fields of the data sharing log."""

import csv
import io
from collections.abc import Iterable
from typing import Any

from services.disclosure.views.register import RegisterEntry
from services.runtime.csvcells import defused

# Column, and how to read it from an entry; the data sharing code's log fields.
COLUMNS: tuple[tuple[str, str], ...] = (
    ("record_kind", "kind"),
    ("record_id", "id"),
    ("borough", "borough"),
    ("school_id", "school_id"),
    ("status", "status"),
    ("recorded_at", "recorded_at"),
    ("requested_by", "recorded_by"),
    ("requesting_body", "requesting_body"),
    ("requesting_officer", "requesting_officer"),
    ("subject_ref", "subject_ref"),
    ("urgency", "urgency"),
    ("urgent_reason", "urgent_reason"),
    ("categories_requested", "categories"),
    ("purpose", "purpose"),
    ("necessity", "necessity"),
    ("lawful_basis", "lawful_basis"),
    ("countersigned_by", "countersigned_by"),
    ("decision", "outcome"),
    ("reasoning", "reasoning"),
    ("withheld", "withheld_categories"),
    ("withheld_reason", "withheld_reason"),
    ("decided_at", "decided_at"),
    ("authorised_by", "decided_by"),
    ("corrects_decision", "corrects"),
    ("what_shared", "information_shared"),
    ("categories_shared", "categories_shared"),
    ("shared_with_body", "recipient_body"),
    ("shared_with", "recipient"),
    ("shared_at", "released_at"),
    ("means", "means"),
    ("released_by", "released_by"),
    ("topic", "topic"),
    ("exchanged_on", "exchanged_on"),
    ("closed_at", "closed_at"),
    ("retention_review_on", "retention_review_on"),
    # The terms of the sharing (ICO data sharing code), appended so older readers keep theirs.
    ("data_controller", "data_controller"),
    ("direction", "direction"),
    ("sharing_agreement", "isa_ref"),
    ("special_category", "special_category"),
    ("onward_use", "onward_use"),
    ("recipient_retains_until", "retain_until"),
)


def cell(value: Any) -> str:
    """One CSV cell: lists joined with ';', dates in ISO form, formulas defused."""
    if value is None:
        return ""
    if isinstance(value, list):
        text = ";".join(str(v) for v in value)
    elif hasattr(value, "isoformat"):
        text = value.isoformat()
    else:
        text = str(value)
    return str(defused(text))


def register_csv(entries: Iterable[RegisterEntry]) -> str:
    """The register as CSV text with a header row."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([name for name, _ in COLUMNS])
    for entry in entries:
        writer.writerow([cell(getattr(entry, attr)) for _, attr in COLUMNS])
    return out.getvalue()
