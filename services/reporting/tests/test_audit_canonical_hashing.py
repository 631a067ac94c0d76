"""Entries hash the same before and after PostgreSQL stores them (issue 12, item 5)."""

import asyncio
import uuid
from datetime import timedelta
from typing import Any

import asyncpg
import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from ssp_contracts import CloudEvent
from ssp_contracts.events.incidents import SearchRecorded

from services.reporting import audit_trail
from services.reporting.chain import canonical_v2
from services.reporting.projections.audit import AuditTrail
from services.reporting.tests.audit_stories import record, reported
from services.reporting.tests.builders import T0, received
from services.runtime.projection import ReceivedEvent
from services.runtime.settings import ServiceSettings
from services.runtime.testing import bearer

pytestmark = pytest.mark.stack


def search_at_greenwich() -> ReceivedEvent:
    """A search 0.003° west of the meridian, coarsened to 0.01° as the contract says: -0.0."""
    payload = SearchRecorded(
        search_id=str(uuid.uuid4()),
        school_id="school-a",
        searched_by="officer",
        officer_id="officer-1",
        searched_at=T0,
        location_kind="premises",
        latitude=round(51.4934, 2),
        longitude=round(-0.003, 2),
        legislation="Police and Criminal Evidence Act 1984 (section 1)",
        object_of_search="Controlled drugs",
        gender="Male",
        age_range="10-17",
        self_defined_ethnicity="White - English/Welsh/Scottish/Northern Irish/British",
        officer_defined_ethnicity="White",
        outcome="A no further action disposal",
        outcome_linked_to_object_of_search=False,
        removal_of_more_than_outer_clothing=False,
        items_found=False,
        injury_or_damage=False,
    )
    return received(payload, at=T0 + timedelta(minutes=30))


async def test_a_search_on_the_greenwich_meridian_verifies(
    read_models: asyncpg.Connection, api: TestClient
) -> None:
    # Given a search whose longitude coarsens to -0.0, between two other entries
    search = search_at_greenwich()
    assert str(search.envelope.data["longitude"]) == "-0.0"
    await record(read_models, [reported(1)], [search], [reported(2)])
    # jsonb keeps no negative zero
    stored = await read_models.fetchval(
        "SELECT data->>'longitude' FROM audit_trail WHERE event_id = $1", search.envelope.id
    )
    assert stored == "0.0"
    # Then the chain still verifies, on the API as for the auditor's command
    answer = api.get("/audit/verify", headers=bearer("auditor", "auditor-1"))
    assert answer.status_code == 200, answer.text
    assert answer.json()["ok"], answer.json()
    assert answer.json()["entries"] == 3


# Any JSON that jsonb can hold: every string but NUL and lone surrogates, every finite number.
_text = st.text(st.characters(codec="utf-8", blacklist_characters="\x00"), max_size=12)
_scalars = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**80), max_value=2**80)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.sampled_from([-0.0, 0.0, 1e300, 5e-324, 1.5e-7, 2.0**53 + 2, -(2**63) - 1])
    | _text
)
_json = st.recursive(
    _scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(_text, inner, max_size=4),
    max_leaves=16,
)
payloads = st.dictionaries(_text, _json, max_size=6)


def _event(data: dict[str, Any]) -> ReceivedEvent:
    template = reported(1)
    envelope = CloudEvent(
        **{**template.envelope.model_dump(), "id": str(uuid.uuid4()), "data": data}
    )
    return ReceivedEvent(envelope, template.payload, template.topic, 0, 0)


@settings(
    max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(batch=st.lists(payloads, min_size=1, max_size=15))
def test_any_payload_verifies_after_a_round_trip_through_postgresql(
    reporting_db: str, read_models: asyncpg.Connection, batch: list[dict[str, Any]]
) -> None:
    async def round_trip() -> None:
        dsn = ServiceSettings.for_service("reporting", db_name=reporting_db).pg_dsn
        conn = await asyncpg.connect(dsn)
        try:
            events = [_event(data) for data in batch]
            async with conn.transaction():
                await AuditTrail().apply(conn, events)
            for data, event in zip(batch, events, strict=True):
                row = await conn.fetchrow(
                    f"{audit_trail.SELECT} WHERE event_id = $1", event.envelope.id
                )
                assert row is not None
                # The bytes hashed from the event are the bytes of what was stored and read back
                stored = canonical_v2(audit_trail.as_entry(row, decode=False))
                assert stored == canonical_v2({**dict(row), "data": data})
            verdict = await audit_trail.verify(conn)
            assert verdict.ok, verdict.broken
        finally:
            await conn.close()

    asyncio.run(round_trip())
