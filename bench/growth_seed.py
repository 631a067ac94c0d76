"""Bulk history for the growth benchmark: staffing's store, its views and its relay position.

The events are made by the domain's own aggregates and saved in batches of aggregates, one
transaction each, through the application in process (no HTTP); the view tables are folded
by the runtime's ``ViewRunner`` in process; the relay's position is set to the log's head. A
service started afterwards replays nothing and publishes nothing of the seeded history.
"""

import asyncio
from collections.abc import Iterator
from datetime import date, timedelta

import asyncpg
from eventsourcing.domain import Aggregate

from services.cli.workload.london import BOROUGHS
from services.runtime.dbroles import as_migrator, migrate
from services.runtime.domain import Actor
from services.runtime.eventstore import events_table, open_application
from services.runtime.relay_store import POSITION_DDL
from services.runtime.settings import ServiceSettings
from services.runtime.view_runner import ViewRunner
from services.staffing.application import StaffingApplication
from services.staffing.domain.deployment import Deployment
from services.staffing.domain.officer import Officer
from services.staffing.domain.school import School
from services.staffing.main import SPEC

# One unit ("1x") is the staffing history of the default demo's scale: 245 schools and 135
# officers, about the 2,257 staffing events the restore drill counts at that scale
# (docs/reliability.md); the mix differs (no rosters or absences), the count matches.
SCHOOLS, OFFICERS, TRAINING = 245, 135, 6
# The probe borough: a fixed few schools at every scale, which the list query lists.
PROBE_BOROUGH, PROBE_SCHOOLS = "Hackney", 10
BATCH = 200
ACTOR = Actor("seed-growth", "borough_supervisor", "00000000-0000-4000-8000-000000000000")
HISTORY_BOROUGHS = [b.slug for b in BOROUGHS if b.slug != PROBE_BOROUGH.lower()]
DAY = date(2024, 9, 2)


def school(school_id: str, borough: str) -> School:
    """A registered school with its protocol, census and first review (4 events)."""
    s = School(school_id, "Seed", borough, "secondary", 900, "safer_schools_partnership", ACTOR)
    s.sign_protocol(DAY - timedelta(days=30), ACTOR)
    s.record_census(DAY, {"White": 400, "Black": 250, "Asian": 250}, ACTOR)
    s.record_review(DAY + timedelta(days=300), ACTOR)
    return s


def unit(n: int) -> Iterator[list[Aggregate]]:
    """The aggregates of history unit ``n``, in groups saved together."""
    for i in range(SCHOOLS):
        yield [school(f"G{n}-S{i}", HISTORY_BOROUGHS[i % len(HISTORY_BOROUGHS)])]
    for i in range(OFFICERS):
        borough = HISTORY_BOROUGHS[i % len(HISTORY_BOROUGHS)]
        officer = Officer.register(f"g{n}-o{i}", "constable", borough, ["police", "school"], ACTOR)
        for module in range(1, TRAINING + 1):
            officer.complete_training(module, DAY, TRAINING, ACTOR)
        deployment = Deployment.deploy(
            officer_id=officer.officer_id, rank="constable", borough=borough,
            school_ids=[f"G{n}-S{i}"], to_cluster=False, share_percent=100,
            start_date=DAY, tenure_end=None, actor=ACTOR,
        )  # fmt: skip
        officer.allocate(deployment.id, 100, [f"G{n}-S{i}"], ACTOR)
        yield [officer, deployment]


def seed(db: str, units: int) -> int:
    """Migrate ``db`` as the service would, store ``units`` of history and the probe schools,
    fold the views and set the relay's position to the head; return the events stored."""
    settings = ServiceSettings.for_service("staffing", db_name=db)
    asyncio.run(migrate(settings, StaffingApplication, SPEC.schema))
    app = open_application(StaffingApplication, settings)
    try:
        batch: list[Aggregate] = [school(f"P-{i}", PROBE_BOROUGH) for i in range(PROBE_SCHOOLS)]
        for n in range(units):
            for group in unit(n):
                batch.extend(group)
                if len(batch) >= BATCH:
                    app.save(*batch)
                    batch = []
        if batch:
            app.save(*batch)
        head = asyncio.run(_fold_and_place(app, settings))
    finally:
        app.close()
    asyncio.run(_vacuum(settings))
    return head


async def _vacuum(settings: ServiceSettings) -> None:
    """Vacuum and analyse as the tables' owner: a store that grew over months has been, and a
    bulk load left to autovacuum would be vacuumed during the measurement instead."""
    conn = await asyncpg.connect(
        as_migrator(settings).pg_dsn, server_settings={"search_path": settings.db_schema}
    )
    try:
        await conn.execute("VACUUM (ANALYZE)")
    finally:
        await conn.close()


async def _fold_and_place(app: StaffingApplication, settings: ServiceSettings) -> int:
    pool = await asyncpg.create_pool(
        settings.pg_dsn, min_size=1, max_size=2, server_settings={"search_path": settings.db_schema}
    )
    try:
        runner = ViewRunner(app, pool, SPEC.views)
        async with pool.acquire() as conn:
            await conn.executemany(
                "INSERT INTO ssp_view_position (view) VALUES ($1) ON CONFLICT DO NOTHING",
                [(v.name,) for v in SPEC.views],
            )
        await runner.catch_up()
        async with pool.acquire() as conn:
            head = int(await conn.fetchval(f"SELECT max(notification_id) FROM {events_table(app)}"))
            await conn.execute(POSITION_DDL)
            await conn.execute(
                "INSERT INTO ssp_relay_position (relay, position) VALUES ($1, $2)"
                " ON CONFLICT (relay) DO UPDATE SET position = EXCLUDED.position",
                f"{settings.service}-outbox",
                head,
            )
        return head
    finally:
        await pool.close()
