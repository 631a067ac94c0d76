"""Auditor replay: the rebuild equals the live read models, and --as-of matches the events."""

import asyncio
import json
import subprocess
import sys
import uuid
from datetime import UTC, date, datetime, time
from typing import Any

import asyncpg
import pytest
from ssp_contracts.events import staffing as s
from ssp_contracts.topics import EVENT_TOPICS

from services.reporting.as_of import end_of, figures_as_of
from services.reporting.rebuild import compare
from services.reporting.replay import Window, replay_into
from services.reporting.tests import abstraction_stories, performance_stories
from services.reporting.tests.builders import publish, received
from services.runtime.projection import ReceivedEvent
from services.runtime.settings import ServiceSettings
from services.runtime.testing import wait_for
from services.runtime.topic_ends import end_offsets

pytestmark = pytest.mark.stack


def term_of_2025(borough: str) -> list[ReceivedEvent]:
    """An officer's autumn 2025 in a borough of its own: ring-fenced, rostered, abstracted."""
    officer, roster_id = f"officer-{uuid.uuid4().hex[:8]}", str(uuid.uuid4())
    days = [6, 7, 8, 9, 10, 13, 14, 15, 16, 17]  # October 2025, 8 hours each
    common: dict[str, Any] = {
        "officer_id": officer,
        "borough": borough,
        "school_ids": [f"{borough}-S1"],
    }
    events = [
        received(
            s.OfficerRingFenced(
                officer_id=officer,
                borough=borough,
                ring_fenced_from=date(2025, 9, 1),
                authorised_by="inspector-1",
            ),
            subject=officer,
            at=datetime(2025, 9, 1, 9, tzinfo=UTC),
        ),
        received(
            s.RosterGenerated(
                roster_id=roster_id,
                term="2025-autumn",
                **common,
                shifts=[s.Shift(date=date(2025, 10, d), start=time(8, 0), hours=8) for d in days],
            ),
            at=datetime(2025, 10, 1, 9, tzinfo=UTC),
        ),
    ]
    for day, hours in ((8, 4.0), (15, 8.0)):
        fields: dict[str, Any] = {
            **common,
            "abstraction_id": str(uuid.uuid4()),
            "roster_id": roster_id,
            "term": "2025-autumn",
            "shift_date": date(2025, 10, day),
            "hours": hours,
            "category": "aid_central",
            "authorised_by": "inspector-1",
        }
        at = datetime(2025, 10, day, 10, tzinfo=UTC)
        events.append(
            received(
                s.OfficerAbstracted(
                    **fields,
                    rank="constable",
                    shift_hours=8,
                    exceptional=False,
                    ring_fenced=True,
                    school_notified_at=at,
                ),
                at=at,
            )
        )
        events.append(
            received(s.RingFenceBreached(**fields, ring_fenced_from=date(2025, 9, 1)), at=at)
        )
    return events


def expected(events: list[ReceivedEvent], day: date) -> tuple[float, float, int]:
    """(rostered, abstracted, breaches) worked out by hand from the events recorded by ``day``."""
    known = [e.payload for e in events if e.envelope.time <= end_of(day)]
    rostered = sum(x.hours for p in known if isinstance(p, s.RosterGenerated) for x in p.shifts)
    abstracted = sum(p.hours for p in known if isinstance(p, s.OfficerAbstracted))
    breaches = sum(1 for p in known if isinstance(p, s.RingFenceBreached))
    return rostered, abstracted, breaches


@pytest.mark.parametrize("day", [date(2025, 10, 10), date(2025, 10, 20)])
def test_figures_as_of_a_date_match_the_events_recorded_by_then(stack: None, day: date) -> None:
    # Given a term of events recorded over autumn 2025, on Kafka
    borough = f"Replayshire-{uuid.uuid4().hex[:6]}"
    events = term_of_2025(borough)
    publish(events)

    # When the auditor asks for the figures as they stood on a day in the middle of it
    settings = ServiceSettings.for_service("reporting")
    figures = asyncio.run(figures_as_of(settings, day, term="2025-autumn"))

    # Then the borough's figures are those of the events recorded by that day, and no later
    row = next(r for r in figures["abstraction_by_borough"] if r["key"] == borough)
    rostered, abstracted, breaches = expected(events, day)
    assert (row["rostered_hours"], row["abstracted_hours"]) == (rostered, abstracted)
    assert row["ring_fence_breaches"] == breaches
    assert row["abstraction_rate"] == pytest.approx(abstracted / rostered)


def test_replay_rebuilds_exactly_the_live_read_models(services: Any, fresh_db: Any) -> None:
    # Given the live reporting service, caught up with a history on Kafka
    publish(
        [
            *abstraction_stories.hackney_and_camden(),
            *performance_stories.schools(),
            *performance_stories.incidents(),
            *performance_stories.searches(),
        ]
    )
    db = fresh_db("replay")
    services(
        "reporting",
        SSP_REPORTING_DB_NAME=db,
        SSP_REPORTING_CONSUMER_GROUP_SUFFIX=f".{uuid.uuid4().hex[:8]}",
    )
    settings = ServiceSettings.for_service("reporting", db_name=db)
    ends = end_offsets(settings.kafka_bootstrap, EVENT_TOPICS)
    wait_for(
        lambda: asyncio.run(_caught_up(settings.pg_dsn, ends)),
        timeout=120,
        what="the live read models to catch up",
    )

    # When the auditor replays the whole history into a fresh schema
    report = asyncio.run(replay_into(settings, "replayed", Window()))
    assert report.applied > 0 and report.skipped == []

    # Then every read model equals the live one, row for row
    assert asyncio.run(_differences(settings.pg_dsn)) == []

    # And the audit trail of the replayed schema verifies
    verify = subprocess.run(
        [
            sys.executable,
            "-m",
            "services.cli.main",
            "audit",
            "verify",
            "--db",
            db,
            "--schema",
            "replayed",
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert verify.returncode == 0, verify.stdout + verify.stderr


def test_replay_exports_the_window_as_json_lines(stack: None, tmp_path: Any) -> None:
    borough = f"Replayshire-{uuid.uuid4().hex[:6]}"
    events = term_of_2025(borough)
    publish(events)
    out = tmp_path / "events.jsonl"
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "services.cli.main",
            "replay",
            "--from",
            "2020-01-01T00:00:00+00:00",
            "--to",
            "2025-10-10T23:59:59+01:00",
            "--topics",
            "ssp.staffing.events",
            "ssp.staffing.abstractions",
            "--out",
            str(out),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.returncode == 0, run.stderr
    lines = [json.loads(line) for line in out.read_text().splitlines()]
    mine = [line for line in lines if line["data"].get("borough") == borough]
    # Ring-fence, roster, and the abstraction of 8 October with its breach; not the 15th's
    assert sorted(line["type"].split(".")[-2] for line in mine) == [
        "officer_abstracted",
        "officer_ring_fenced",
        "ring_fence_breached",
        "roster_generated",
    ]


def test_bad_replay_input_exits_2_with_one_line(stack: None) -> None:
    for args, reason in (
        (["--from", "2026-01-01", "--out", "x"], "--from: give a timezone"),
        (
            [
                "--from",
                "2026-01-02T00:00:00+00:00",
                "--to",
                "2026-01-01T00:00:00+00:00",
                "--out",
                "x",
            ],
            "--to: must not be before --from",
        ),
        (["--from", "2026-01-01T00:00:00+00:00", "--into", "Bad-Name"], "--into:"),
    ):
        run = subprocess.run(
            [sys.executable, "-m", "services.cli.main", "replay", *args],
            capture_output=True,
            text=True,
            check=False,
        )
        assert run.returncode == 2
        assert reason in run.stderr.strip().splitlines()[-1]


async def _caught_up(dsn: str, ends: dict[tuple[str, int], int]) -> bool:
    conn = await asyncpg.connect(dsn)
    try:
        rows = await conn.fetch(
            "SELECT runner, topic, partition, next_offset FROM ssp_consumer_offsets"
        )
    except asyncpg.UndefinedTableError:
        return False
    finally:
        await conn.close()
    runners = {r["runner"] for r in rows}
    stored = {(r["runner"], r["topic"], r["partition"]): r["next_offset"] for r in rows}
    return len(runners) == 2 and all(
        stored.get((runner, t, p), 0) >= end
        for runner in runners
        for (t, p), end in ends.items()
        if end > 0
    )


async def _differences(dsn: str) -> list[Any]:
    conn = await asyncpg.connect(dsn)
    try:
        return await compare(conn, "public", "replayed")
    finally:
        await conn.close()
