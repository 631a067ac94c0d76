"""Bulk import from CSV (multipart upload or a text/csv body)."""

import asyncio
from typing import Annotated, Literal

from fastapi import Depends, Path, Request
from pydantic import BaseModel
from starlette.datastructures import UploadFile

from services.runtime.auth import Principal, allow
from services.runtime.domain import Refused
from services.runtime.logs import correlation_id
from services.runtime.routing import ServiceRouter
from services.staffing.api.context import staffing
from services.staffing.api.scope import manages
from services.staffing.application import StaffingApplication
from services.staffing.commands.import_rows import ImportRejected, RowError
from services.staffing.commands.imports import CsvImport

router = ServiceRouter(tags=["imports"])
MAX_BYTES = 5 * 1024 * 1024
COLUMNS = {
    "schools": "school_id,name,borough,phase,pupil_count,programme[,protocol_signed_on]",
    "officers": "officer_id,rank,borough,selection_panel (roles separated by ;)",
    "rosters": "officer_id,term,date,start,hours (one shift a row)",
}
CSV_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "text/csv": {"schema": {"type": "string"}},
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "properties": {"file": {"type": "string", "format": "binary"}},
                    "required": ["file"],
                }
            },
        },
    }
}


class Imported(BaseModel):
    """What an import saved."""

    kind: str
    imported: int
    ids: list[str]


class Rejected(BaseModel):
    """Why a file was refused; nothing was imported."""

    rule: str
    message: str
    field: str | None = None
    errors: list[RowError]


async def csv_text(request: Request) -> str:
    """The CSV sent as a multipart file field ``file`` or as a text/csv body."""
    content_type = request.headers.get("content-type", "")
    if content_type.startswith("multipart/form-data"):
        form = await request.form()
        upload = form.get("file")
        if not isinstance(upload, UploadFile):
            raise Refused(
                422, "csv-file-field", "multipart body needs a file field named 'file'", "file"
            )
        raw = await upload.read(MAX_BYTES + 1)
    elif content_type.startswith("text/csv"):
        raw = await request.body()
    else:
        raise Refused(
            415,
            "csv-content-type",
            "send the CSV as text/csv or as multipart/form-data field 'file'",
            "header.content-type",
        )
    if len(raw) > MAX_BYTES:
        raise Refused(
            413, "csv-too-large", f"the file is larger than {MAX_BYTES // 1024 // 1024} MB", "file"
        )
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise Refused(422, "csv-utf-8", f"the file is not UTF-8 text: {exc}", "file") from exc


@router.post(
    "/imports/{kind}",
    status_code=201,
    response_model=Imported,
    responses={422: {"model": Rejected, "description": "Bad rows; nothing imported"}},
    openapi_extra=CSV_BODY,
    description="Columns: " + "; ".join(f"**{kind}**: {cols}" for kind, cols in COLUMNS.items()),
)
async def import_csv(
    kind: Annotated[Literal["schools", "officers", "rosters"], Path(description="What rows hold")],
    request: Request,
    principal: Annotated[Principal, allow("import_csv")],
    app: Annotated[StaffingApplication, Depends(staffing)],
) -> Imported:
    """Import schools, officers or rosters of your borough; one bad row and nothing is saved."""
    manages(principal, str(principal.borough))
    text = await csv_text(request)
    job = CsvImport(app, str(principal.borough), principal.actor(correlation_id()))
    try:
        # eventsourcing is synchronous: keep the event loop free while it saves.
        ids = await asyncio.to_thread(job.run, kind, text)
    except ImportRejected as exc:
        message = f"{len(exc.errors)} problems found; nothing was imported"
        errors = [e.model_dump() for e in exc.errors]
        raise Refused(422, "csv-rows-valid", message, None, errors) from None
    return Imported(kind=kind, imported=len(ids), ids=ids)
